"""Failed logins behind the HTTPS proxy of docs/deployment.md.

tests/accounts/test_login.py pins the limits (five failures lock an account; with
LOGIN_LOCK_ADDRESSES=true, an address that guesses across accounts too) and
tests/accounts/test_settings.py the deploy check. In
production every request reaches gunicorn from the proxy at 127.0.0.1, so the address that
counts is the one the proxy appends to X-Forwarded-For; what a client writes there itself
must not help it. Without the proxy the header is ignored.
"""

from tests.base import PASSWORD

PROXY = "127.0.0.1"
ADDRESSES_COUNT = ["username", "ip_address"]  # LOGIN_LOCK_ADDRESSES=true


def _login(client, username, password, client_address, written_by_client=None):
    forwarded = ", ".join(filter(None, [written_by_client, client_address]))
    return client.post(
        "/accounts/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def test_behind_the_proxy_other_peoples_failures_do_not_lock_a_learner_out(cast, client, settings):
    settings.AXES_LOCKOUT_PARAMETERS = ADDRESSES_COUNT
    settings.BEHIND_HTTPS_PROXY = True
    for n, username in enumerate(["wang", "chen", "omar", "hu", "zhou"]):
        _login(client, username, "wrong", f"10.0.0.{n + 1}")
    assert _login(client, "lina", PASSWORD, "10.0.0.9").status_code == 302


def test_behind_the_proxy_an_address_that_guesses_across_accounts_is_locked(cast, client, settings):
    settings.AXES_LOCKOUT_PARAMETERS = ADDRESSES_COUNT
    settings.BEHIND_HTTPS_PROXY = True
    for username in ["lina", "wang", "chen", "omar", "hu"]:
        _login(client, username, "wrong", "10.0.0.1")
    assert _login(client, "zhou", PASSWORD, "10.0.0.1").status_code == 429
    assert _login(client, "zhou", PASSWORD, "10.0.0.2").status_code == 302


def test_an_address_a_client_writes_itself_does_not_escape_the_lock(cast, client, settings):
    settings.AXES_LOCKOUT_PARAMETERS = ADDRESSES_COUNT
    settings.BEHIND_HTTPS_PROXY = True
    for n, username in enumerate(["lina", "wang", "chen", "omar", "hu"]):
        _login(client, username, "wrong", "10.0.0.1", written_by_client=f"192.0.2.{n}")
    response = _login(client, "zhou", PASSWORD, "10.0.0.1", written_by_client="192.0.2.99")
    assert response.status_code == 429


def test_without_the_proxy_the_forwarded_header_is_ignored(cast, client, settings):
    settings.AXES_LOCKOUT_PARAMETERS = ADDRESSES_COUNT
    settings.BEHIND_HTTPS_PROXY = False
    for n, username in enumerate(["lina", "wang", "chen", "omar", "hu"]):
        client.post(
            "/accounts/login/",
            {"username": username, "password": "wrong"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
        )
    response = client.post(
        "/accounts/login/",
        {"username": "zhou", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="192.0.2.99",
    )
    assert response.status_code == 429
