from django.core import mail

from tests.base import PASSWORD


def _login(client, username, password, address="10.0.0.1"):
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_a_learner_logs_in_and_out(cast, client):
    response = _login(client, "lina", PASSWORD)
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    client.post("/accounts/logout/")
    assert "_auth_user_id" not in client.session


def test_it_locks_an_account_after_five_failures_from_one_address(cast, client):
    for _ in range(5):
        _login(client, "lina", "wrong")
    response = _login(client, "lina", PASSWORD)
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_account_lock_holds_from_another_address(cast, client):
    for _ in range(5):
        _login(client, "lina", "wrong")
    assert _login(client, "lina", PASSWORD, address="10.0.0.2").status_code == 429


def test_a_class_behind_one_address_is_not_locked_out_by_each_others_typos(cast, client):
    for username in ["lina", "wang", "chen", "omar", "hu"]:
        _login(client, username, "wrong")
    assert _login(client, "zhou", PASSWORD).status_code == 302


def test_an_address_that_guesses_across_accounts_is_locked_when_addresses_count(
    cast, client, settings
):
    settings.AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # LOGIN_LOCK_ADDRESSES=true
    for username in ["lina", "wang", "chen", "omar", "hu"]:
        _login(client, username, "wrong")
    assert _login(client, "zhou", PASSWORD).status_code == 429
    assert _login(client, "zhou", PASSWORD, address="10.0.0.2").status_code == 302


def test_a_successful_login_resets_the_count(cast, client):
    for _ in range(4):
        _login(client, "lina", "wrong")
    assert _login(client, "lina", PASSWORD).status_code == 302
    client.post("/accounts/logout/")
    for _ in range(4):
        _login(client, "lina", "wrong")
    assert _login(client, "lina", PASSWORD).status_code == 302


def test_a_password_reset_email_goes_out_in_the_users_language(cast, client_for):
    cast.learner.email = "lina@example.com"
    cast.learner.save()
    client = client_for(None, language="zh-hans")
    response = client.post("/accounts/password/reset/", {"email": "lina@example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "重置" in mail.outbox[0].body
    assert "/accounts/password/reset/" in mail.outbox[0].body


def test_a_learner_changes_the_password(cast, client_for):
    client = client_for(cast.learner)
    response = client.post(
        "/accounts/password/change/",
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-pass-99",
            "new_password2": "a-new-pass-99",
        },
    )
    assert response.status_code == 302
    cast.learner.refresh_from_db()
    assert cast.learner.check_password("a-new-pass-99")
