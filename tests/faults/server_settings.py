"""Settings of the app server that the fault tests start as a subprocess: production's own
(config.settings, read from the environment as in deployment), with two changes. Static files
use the plain storage, as in the rest of the suite: the manifest storage of production needs
a collectstatic run first. And a test may ask the server to die at one chosen moment (see
tests/faults/crash.py)."""

from config.settings import *  # noqa: F403
from config.settings import MIDDLEWARE, STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MIDDLEWARE = ["tests.faults.crash.crash_before_replying", *MIDDLEWARE]
