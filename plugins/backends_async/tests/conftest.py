"""Real workers for the async backends' tests: a Celery, an RQ, a Dramatiq and a Django Tasks
worker process.

Workers are started by these fixtures as the projects would start them (``celery worker``,
``rq worker``, ``dramatiq``, django-tasks-db's ``manage.py db_worker``), with the test
project's ``asyncapp.worker_settings``, on queues and state-cache keys private to this test
session, against the real Redis (and RabbitMQ for Celery's second broker; the Tasks framework's
queue is the async SQLite database's task table). Each is started once per session when first
needed and stopped at the end; a test that kills one gets it started again by the next test that
needs it.
"""

from __future__ import annotations

import base64
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import uuid
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dramatiq
import kombu
import pytest
import redis
from celery import Celery
from dramatiq.brokers.redis import RedisBroker

from ik_testproject.asyncapp.sharedsettings import shared_settings
from tests import services

ROOT = Path(__file__).resolve().parents[3]
BIN = Path(sys.executable).parent
SESSION = uuid.uuid4().hex[:10]
WORKER_SETTINGS = "ik_testproject.asyncapp.worker_settings"
QUEUE_KINDS = ("celery", "rq", "dramatiq")


def redis_url() -> str:
    address = services.redis()
    return f"redis://{address.host}:{address.port}/0"


def amqp_url() -> str:
    address = services.rabbitmq()
    return f"amqp://guest:guest@{address.host}:{address.port}//"


@dataclass(frozen=True)
class Broker:
    """Where a kind of worker takes its tasks from, and how to count what waits there."""

    kind: str  # "celery", "celery-amqp", "rq", "dramatiq" or "tasks"
    backend: str  # the cache-file backend that enqueues there
    queue: str

    def count(self, queue: str) -> int:
        """Tasks waiting on ``queue`` (none consumed: no worker listens there)."""
        if self.kind == "tasks":
            return task_rows(queue).filter(status="READY").count()
        if self.kind == "celery-amqp":
            with kombu.Connection(amqp_url()) as connection:
                return connection.default_channel.queue_declare(queue, passive=True).message_count
        return redis.Redis.from_url(redis_url()).llen(self._redis_key(queue))

    def payloads(self, queue: str) -> list[dict[str, Any]]:
        """The payloads of the tasks waiting on ``queue``, decoded from what the broker holds;
        every message must be JSON (no pickle anywhere)."""
        if self.kind == "tasks":
            return [json.loads(raw)["args"][0] for raw in raw_task_arguments(queue)]
        client = redis.Redis.from_url(redis_url())
        payloads = []
        if self.kind == "celery":
            for raw in client.lrange(queue, 0, -1):
                message = json.loads(raw)
                assert message["content-type"] == "application/json"
                args, _kwargs, _embed = json.loads(base64.b64decode(message["body"]))
                payloads.append(args[0])
        elif self.kind == "celery-amqp":
            with kombu.Connection(amqp_url()) as connection:
                channel = connection.default_channel
                # Unacknowledged, the messages go back on the queue when the connection closes.
                while (message := channel.basic_get(queue, no_ack=False)) is not None:
                    assert message.content_type == "application/json"
                    args, _kwargs, _embed = json.loads(message.body)
                    payloads.append(args[0])
        elif self.kind == "rq":
            for job_id in client.lrange(f"rq:queue:{queue}", 0, -1):
                data = client.hget(f"rq:job:{job_id.decode()}", "data")
                _function, _instance, args, _kwargs = json.loads(zlib.decompress(data))
                payloads.append(args[0])
        else:
            for message_id in client.lrange(f"dramatiq:{queue}", 0, -1):
                message = json.loads(client.hget(f"dramatiq:{queue}.msgs", message_id))
                payloads.append(message["args"][0])
        return payloads

    def delete(self, queue: str) -> None:
        if self.kind == "tasks":
            task_rows(queue).delete()
            return
        if self.kind == "celery-amqp":
            with kombu.Connection(amqp_url()) as connection:
                connection.default_channel.queue_delete(queue)
            return
        redis.Redis.from_url(redis_url()).delete(self._redis_key(queue))

    def _redis_key(self, queue: str) -> str:
        return {"rq": f"rq:queue:{queue}", "dramatiq": f"dramatiq:{queue}"}.get(self.kind, queue)


BROKERS = {
    "celery": Broker("celery", "celery", f"ik-{SESSION}-celery"),
    "celery-amqp": Broker("celery-amqp", "celery", f"ik-{SESSION}-celery-amqp"),
    "rq": Broker("rq", "rq", f"ik-{SESSION}-rq"),
    "dramatiq": Broker("dramatiq", "dramatiq", f"ik_{SESSION}_dramatiq"),
    "tasks": Broker("tasks", "tasks", f"ik-{SESSION}-tasks"),
}


def task_rows(queue: str | None = None) -> Any:
    """django-tasks-db's task rows (in the async database), those of ``queue`` if given."""
    from django_tasks_db.models import DBTaskResult  # noqa: PLC0415  (needs Django set up)

    rows = DBTaskResult.objects.all()
    return rows if queue is None else rows.filter(queue_name=queue)


def raw_task_arguments(queue: str) -> list[str]:
    """The task rows' arguments of ``queue`` as the database holds them: JSON text."""
    from django.db import connections  # noqa: PLC0415  (configured by pytest-django by now)

    table = task_rows().model._meta.db_table
    with connections["async"].cursor() as cursor:
        cursor.execute(
            f"SELECT args_kwargs FROM {table} WHERE queue_name = %s ORDER BY enqueued_at",
            [queue],
        )
        return [raw for (raw,) in cursor.fetchall()]


def shared_env(broker: Broker) -> dict[str, str]:
    from django.conf import settings  # noqa: PLC0415  (configured by pytest-django by now)

    env = {
        "IK_TEST_REDIS_URL": redis_url(),
        "IK_TEST_KEY_PREFIX": f"ik-test-{SESSION}",
        "IK_TEST_QUEUE": broker.queue,
        "IK_TEST_MEDIA_ROOT": settings.MEDIA_ROOT,
        "IK_TEST_ASYNC_DIR": os.path.dirname(settings.DATABASES["async"]["TEST"]["NAME"]),
    }
    if broker.kind.startswith("celery"):
        env["IK_TEST_CELERY_BROKER_URL"] = (
            amqp_url() if broker.kind == "celery-amqp" else (redis_url())
        )
    return env


class Worker:
    """A worker process (with its children, in a session of its own), logging to a file."""

    READY = {
        "celery": re.compile(r"\bready\."),
        "rq": re.compile(r"Listening on|\*\*\* Listening"),
        "dramatiq": re.compile(r"Worker process is ready for action"),
        "tasks": re.compile(r"Starting worker worker_id="),
    }

    def __init__(self, broker: Broker, log_dir: Path) -> None:
        self.broker = broker
        self.log_path = log_dir / f"{broker.kind}.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def argv(self) -> list[str]:
        queue = self.broker.queue
        if self.broker.kind.startswith("celery"):
            return [
                str(BIN / "celery"),
                "-A",
                "ik_testproject.asyncapp.celery_app",
                "worker",
                "--pool=solo",
                "-Q",
                queue,
                "-n",
                f"{queue}@%h",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "-l",
                "INFO",
            ]
        if self.broker.kind == "rq":
            return [
                str(BIN / "rq"),
                "worker",
                "-c",
                "ik_testproject.asyncapp.rq_config",
                "--serializer",
                "rq.serializers.JSONSerializer",
                "-u",
                redis_url(),
                "-n",
                f"{queue}-{self.starts}",
                queue,
            ]
        if self.broker.kind == "tasks":
            return [
                sys.executable,
                "-m",
                "django",
                "db_worker",
                "--queue-name",
                queue,
                "--interval",
                "0.1",
                "--no-startup-delay",
                "--worker-id",
                f"{queue}-{self.starts}",
            ]
        return [
            str(BIN / "dramatiq"),
            "ik_testproject.asyncapp.dramatiq_broker",
            "ik_backends_async.dramatiq_actors",
            "--processes",
            "1",
            "--threads",
            "1",
            "--queues",
            queue,
        ]

    def env(self) -> dict[str, str]:
        pythonpath = os.pathsep.join([str(ROOT / "plugins" / "django" / "tests"), str(ROOT)])
        return {
            **os.environ,
            **shared_env(self.broker),
            "DJANGO_SETTINGS_MODULE": WORKER_SETTINGS,
            "PYTHONPATH": pythonpath,
            "PYTHONUNBUFFERED": "1",
        }

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self, timeout: float = 60) -> None:
        self.starts += 1
        offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            self.argv(),
            env=self.env(),
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.READY[self.broker.backend].search(self.log()[offset:]):
                return
            if not self.alive:
                break
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"the {self.broker.kind} worker did not start:\n{self.log()[-3000:]}")

    def ensure_running(self) -> Worker:
        if not self.alive:
            self.start()
        return self

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def kill(self) -> None:
        """SIGKILL the worker and its children at once: nothing gets to clean up."""
        if self.alive:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if not self.alive:
            return
        # A Celery worker on AMQP notices signals only when its event loop wakes (~10 s when
        # idle): whatever has not stopped after a few seconds is killed.
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=4)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


@pytest.fixture(scope="session")
def worker_logs() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="ik-worker-logs-") as directory:
        yield Path(directory)


@pytest.fixture(scope="session")
def workers(worker_logs: Path) -> Iterator[Callable[[str], Worker]]:
    """``workers(kind)``: that kind's worker, started if it is not running."""
    started: dict[str, Worker] = {}

    def get(kind: str) -> Worker:
        if kind not in started:
            started[kind] = Worker(BROKERS[kind], worker_logs)
        return started[kind].ensure_running()

    yield get
    for worker in started.values():
        worker.stop()
    client = redis.Redis.from_url(redis_url())
    for key in client.scan_iter(f"*{SESSION}*"):
        client.delete(key)


@pytest.fixture(scope="session")
def celery_apps() -> dict[str, Celery]:
    """The test process's Celery apps, one per broker (the workers have their own)."""
    return {
        "celery": Celery("ik-tests", broker=redis_url(), set_as_current=False),
        "celery-amqp": Celery("ik-tests-amqp", broker=amqp_url(), set_as_current=False),
    }


@pytest.fixture(scope="session", autouse=True)
def _dramatiq_broker() -> None:
    # Before the actor module is imported: it declares the actor on the broker set then.
    dramatiq.set_broker(RedisBroker(url=redis_url()))


@pytest.fixture
def use_broker(settings: Any, celery_apps: dict[str, Celery]) -> Callable[[str], Broker]:
    """``use_broker(kind)``: make this test process enqueue where that kind's worker listens,
    with the session's shared state cache and options."""

    def use(kind: str) -> Broker:
        broker = BROKERS[kind]
        shared = shared_settings(shared_env(broker))
        settings.CACHES = {**settings.CACHES, "ikasync": shared.pop("CACHES_ENTRY")}
        for name, value in shared.items():
            setattr(settings, name, value)
        if kind in celery_apps:
            celery_apps[kind].set_default()
        return broker

    return use


@pytest.fixture
def ready(workers: Callable[[str], Worker], use_broker: Callable[[str], Broker]) -> Any:
    """``ready(kind)``: that kind's worker running and this process enqueueing to it."""

    def ready(kind: str) -> Worker:
        use_broker(kind)
        return workers(kind)

    return ready
