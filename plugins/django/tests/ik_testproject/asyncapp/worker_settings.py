"""Settings of the worker processes the async tests start: the test project's settings (with
the session's MEDIA_ROOT and async database, passed in the environment), a Redis state cache
and the queue options the test session uses."""

import os

from ik_testproject import settings as _base
from ik_testproject.asyncapp.sharedsettings import shared_settings

globals().update({name: getattr(_base, name) for name in dir(_base) if name.isupper()})

_shared = shared_settings(os.environ)
CACHES = {**_base.CACHES, "ikasync": _shared.pop("CACHES_ENTRY")}
globals().update(_shared)

CELERY_BROKER_URL = os.environ.get("IK_TEST_CELERY_BROKER_URL")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"ik_backends_async": {"handlers": ["console"], "level": "INFO"}},
}
