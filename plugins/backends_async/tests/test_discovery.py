"""Workers started the way their projects document it find imagekit's task on their own.

Each test writes a minimal Django project to a temporary directory (the ``imagekit`` app, an
app with one registered spec, the Celery app module Celery's Django guide shows), starts a
real worker in it with no mention of ik_backends_async anywhere, has another process of that
project schedule a cache file through the backend, and waits for the worker to make it.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
from PIL import Image

from tests import services

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parents[3]

CELERY_APP = """\
from celery import Celery

app = Celery("proj")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
"""

SETTINGS = """\
import os

SECRET_KEY = "discovery"
USE_TZ = True
INSTALLED_APPS = ["imagekit", "photos"] + {
    "celery": [], "rq": ["django_rq"], "dramatiq": ["django_dramatiq"],
}[os.environ["IK_BACKEND"]]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "db.sqlite3"}}
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["IK_REDIS_URL"],
        "KEY_PREFIX": os.environ["IK_QUEUE"],
    }
}
MEDIA_ROOT = os.environ["IK_MEDIA_ROOT"]
IMAGEKIT_DEFAULT_CACHEFILE_BACKEND = "imagekit.cachefiles.backends." + {
    "celery": "Celery", "rq": "RQ", "dramatiq": "Dramatiq",
}[os.environ["IK_BACKEND"]]
IMAGEKIT_ASYNC_QUEUE = os.environ["IK_QUEUE"]
IMAGEKIT_ASYNC_RQ_REDIS_URL = os.environ["IK_REDIS_URL"]
RQ_QUEUES = {os.environ["IK_QUEUE"]: {"URL": os.environ["IK_REDIS_URL"]}}
CELERY_BROKER_URL = os.environ["IK_REDIS_URL"]
CELERY_TASK_DEFAULT_QUEUE = os.environ["IK_QUEUE"]
DRAMATIQ_BROKER = {
    "BROKER": "dramatiq.brokers.redis.RedisBroker",
    "OPTIONS": {"url": os.environ["IK_REDIS_URL"]},
    "MIDDLEWARE": ["dramatiq.middleware.AgeLimit", "dramatiq.middleware.TimeLimit"],
}
"""

GENERATORS = """\
from imagekit import ImageSpec, register
from imagekit.processors import ResizeToFill


class Thumb(ImageSpec):
    processors = [ResizeToFill(24, 12)]
    format = "PNG"


register.generator("photos:thumb", Thumb)
"""

# Run in the project: schedule the cache file of src.png and print its name.
ENQUEUE = """\
import django

django.setup()

from django.core.files.storage import default_storage
from imagekit.cachefiles import ImageCacheFile
from imagekit.registry import generator_registry

from ik_host.cachefile import CacheFile


def refuse(self, replace=False):
    raise AssertionError(f"the requesting process made {self.name} instead of scheduling it")


CacheFile.make = refuse  # the worker makes it, however quickly it answers
source = default_storage.open("src.png")
file = ImageCacheFile(generator_registry.get("photos:thumb", source=source))
bool(file)  # asks for it: scheduled
print(file.name)
"""

READY = {
    "celery": re.compile(r"\bready\."),
    "rq": re.compile(r"Listening on"),
    "dramatiq": re.compile(r"Worker process is ready for action"),
}


def redis_url() -> str:
    address = services.redis()
    return f"redis://{address.host}:{address.port}/0"


def write_project(directory: Path) -> None:
    files = {
        "manage.py": "import sys\nfrom django.core.management import execute_from_command_line\n"
        "execute_from_command_line(sys.argv)\n",
        # As Celery's Django guide has it: the app loads with Django, so it is the current one.
        "proj/__init__.py": "from .celery import app as celery_app\n",
        "proj/celery.py": CELERY_APP,
        "proj/settings.py": SETTINGS,
        "photos/__init__.py": "",
        "photos/imagegenerators.py": GENERATORS,
        "enqueue.py": ENQUEUE,
    }
    for name, text in files.items():
        (directory / name).parent.mkdir(parents=True, exist_ok=True)
        (directory / name).write_text(text)
    (directory / "media").mkdir()
    Image.new("RGB", (96, 64), "orange").save(directory / "media" / "src.png")


class Project:
    def __init__(self, directory: Path, backend: str) -> None:
        self.directory = directory
        self.backend = backend
        self.queue = f"ik_discovery_{uuid.uuid4().hex[:10]}"
        self.log_path = directory / "worker.log"
        self.worker: subprocess.Popen[bytes] | None = None
        write_project(directory)

    @property
    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "proj.settings",
            "PYTHONPATH": str(self.directory),
            "PYTHONUNBUFFERED": "1",
            "IK_BACKEND": self.backend,
            "IK_QUEUE": self.queue,
            "IK_REDIS_URL": redis_url(),
            "IK_MEDIA_ROOT": str(self.directory / "media"),
        }

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def start_worker(self, argv: list[str], timeout: float = 60) -> None:
        with open(self.log_path, "ab") as log:
            self.worker = subprocess.Popen(
                argv, env=self.env, cwd=self.directory, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if READY[self.backend].search(self.log()):
                return
            if self.worker.poll() is not None:
                break
            time.sleep(0.1)
        raise AssertionError(f"the {self.backend} worker did not start:\n{self.log()[-3000:]}")

    def stop_worker(self) -> None:
        if self.worker is None or self.worker.poll() is not None:
            return
        os.killpg(self.worker.pid, signal.SIGTERM)
        try:
            self.worker.wait(timeout=8)
        except subprocess.TimeoutExpired:
            os.killpg(self.worker.pid, signal.SIGKILL)
            self.worker.wait(timeout=10)

    def enqueue(self) -> str:
        done = subprocess.run(
            [sys.executable, "enqueue.py"], env=self.env, cwd=self.directory,
            capture_output=True, text=True, timeout=60,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout.strip().splitlines()[-1]

    def wait_for_file(self, name: str, timeout: float = 60) -> Path:
        path = self.directory / "media" / name
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if path.exists() and path.stat().st_size:
                return path
            time.sleep(0.2)
        raise AssertionError(f"{name} was never made; the worker's log:\n{self.log()[-3000:]}")

    def cleanup(self) -> None:
        self.stop_worker()
        client = redis.Redis.from_url(redis_url())
        for key in client.scan_iter(f"*{self.queue}*"):
            client.delete(key)


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Callable[[str], Project]]:
    made: list[Project] = []

    def make(backend: str) -> Project:
        made.append(Project(tmp_path, backend))
        return made[-1]

    yield make
    for each in made:
        each.cleanup()


def assert_made(project: Project) -> None:
    name = project.enqueue()
    path = project.wait_for_file(name)
    with Image.open(path) as img:
        assert (img.format, img.size) == ("PNG", (24, 12))


def test_a_celery_worker_started_as_documented_finds_the_task(project):
    proj = project("celery")
    proj.start_worker(
        [str(BIN / "celery"), "-A", "proj", "worker", "--pool=solo", "-l", "INFO"]
    )
    # The worker lists the tasks it knows at start: ours came through autodiscover_tasks().
    assert "ik_backends_async.generate" in proj.log()
    assert_made(proj)
    assert "unregistered task" not in proj.log()


@pytest.mark.parametrize("command", ["rq worker", "manage.py rqworker"])
def test_an_rq_worker_imports_the_job_by_its_path(project, command):
    proj = project("rq")
    # Either way the worker must read JSON jobs: the one thing to add to the command line.
    json_jobs = ["--serializer", "rq.serializers.JSONSerializer"]
    if command == "rq worker":
        argv = [str(BIN / "rq"), "worker", *json_jobs, "-u", redis_url(), proj.queue]
    else:
        argv = [sys.executable, "manage.py", "rqworker", *json_jobs, proj.queue]
    proj.start_worker(argv)
    assert_made(proj)


def test_rundramatiq_discovers_the_actor(project):
    proj = project("dramatiq")
    proj.start_worker(
        [
            sys.executable, "manage.py", "rundramatiq", "--processes", "1", "--threads", "1",
            "--queues", proj.queue,
        ]
    )
    assert "'imagekit.tasks'" in proj.log()  # rundramatiq: "Discovered tasks module"
    assert_made(proj)
