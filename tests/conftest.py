import pytest
from django.test import Client
from django.utils import translation

from tests.base import make_cast


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # The manifest storage of production needs collectstatic; tests only need the URLs.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _english():
    # Messages made outside a request (imports, commands) use the active language; the tests
    # read English. Tests of Chinese text ask for it explicitly.
    with translation.override("en"):
        yield


@pytest.fixture
def cast(db):
    return make_cast()


@pytest.fixture
def client():
    """An anonymous client whose browser asks for English (the tests read English text)."""
    return Client(headers={"accept-language": "en"})


@pytest.fixture
def client_for():
    """A test client logged in as the given user (or anonymous for None)."""

    def make(user, language="en"):
        client = Client(headers={"accept-language": language})
        if user is not None:
            client.force_login(user)
        return client

    return make
