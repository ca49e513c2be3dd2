"""Settings of the test project: SQLite, or PostgreSQL when IK_TEST_DATABASE=postgres."""

import atexit
import importlib.util
import os
import shutil
import tempfile

import django


def _session_directory(variable, prefix):
    """A directory for this test session, removed at exit; worker processes the session starts
    are handed the session's through ``variable``."""
    if os.environ.get(variable):
        return os.environ[variable]
    directory = tempfile.mkdtemp(prefix=prefix)
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    return directory


SECRET_KEY = "ik-tests-only"
DEBUG = False
USE_TZ = True
ROOT_URLCONF = "ik_testproject.urls"
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.admin",
    "django.contrib.sessions",
    "django.contrib.messages",
    "imagekit",
    "ik_testproject.testapp",
]
if os.path.isdir(os.path.join(os.path.dirname(__file__), "tagapp")):
    INSTALLED_APPS.append("ik_testproject.tagapp")
if os.path.isdir(os.path.join(os.path.dirname(__file__), "asyncapp")):
    INSTALLED_APPS.append("ik_testproject.asyncapp")

if os.environ.get("IK_TEST_DATABASE") == "postgres":
    from tests import services  # the machine's PostgreSQL, else a private one (or a clear error)

    _postgres = services.postgres()
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": "test",
            "USER": "postgres",
            "HOST": _postgres.host,
            "PORT": str(_postgres.port),
        }
    }
else:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}

# The async app's models live in an SQLite file of their own, which worker processes open too
# (pytest-django creates it only for the tests that ask for the "async" database).
if "ik_testproject.asyncapp" in INSTALLED_APPS:
    _async_dir = _session_directory("IK_TEST_ASYNC_DIR", "ik-test-async-")
    _async_db = os.path.join(_async_dir, "db.sqlite3")
    DATABASES["async"] = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": _async_db,
        "TEST": {"NAME": _async_db},
    }
    DATABASE_ROUTERS = ["ik_testproject.asyncapp.routers.AsyncAppRouter"]

    # Django's Tasks framework (the backport before Django 6), with django-tasks-db's database
    # backend: its task rows live in the async database too, where the tests' db_worker
    # processes find them.
    if importlib.util.find_spec("django_tasks_db"):
        if django.VERSION < (6,):
            INSTALLED_APPS.append("django_tasks")
        INSTALLED_APPS.append("django_tasks_db")
        # Any queue: each test session has queues of its own.
        TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": []}}

CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # Counts calls, for the tests that prove how often the state cache is asked.
    "counting": {"BACKEND": "ik_testproject.countingcache.CountingCache"},
}

# One media directory per test session, removed at exit.
MEDIA_ROOT = _session_directory("IK_TEST_MEDIA_ROOT", "ik-test-media-")
MEDIA_URL = "/media/"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
