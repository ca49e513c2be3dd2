"""Single flight across threads and processes sharing the real Redis as the state cache.

Two processes of 16 threads each ask, at the same moment, for the same missing cache file: it
is generated exactly once (each generation appends a line to a file all processes share), it is
a valid image, and no request fails. The lock is the state cache's ``add`` with an expiry, so it
holds across processes; a lock left behind by a dead process expires and the file is made.
"""

import json
import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
import redis as redis_client
from django.core.files import File
from django.test import override_settings
from PIL import Image

from ik_host.components import get_backend
from ik_host.state_records import CacheFileState
from imagekit import ImageSpec
from imagekit.cachefiles import ImageCacheFile
from imagekit.processors import ResizeToFill
from tests import badinput, services

ROOT = Path(__file__).resolve().parents[3]
THREADS = 16
PROCESSES = 2


class CountedSlowly:
    """Appends one line per run to ``$IK_ROBUST_COUNT`` (O_APPEND: safe across processes),
    then takes its time, so that every other request arrives while it runs."""

    def process(self, img):
        with open(os.environ["IK_ROBUST_COUNT"], "a") as counter:
            counter.write(f"{os.getpid()} {threading.get_ident()}\n")
        time.sleep(float(os.environ.get("IK_ROBUST_SLOW", "0.5")))
        return img


class Shared(ImageSpec):
    processors = [CountedSlowly(), ResizeToFill(64, 48)]
    format = "JPEG"


def redis_settings(prefix):
    address = services.redis()
    cache = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": f"redis://{address.host}:{address.port}/0",
        "KEY_PREFIX": prefix,
    }
    return address, {"ik_redis": cache}


def request_from_threads(source_path, threads=THREADS):
    """``threads`` threads released together, each asking for the cache file's URL and size."""
    barrier = threading.Barrier(threads)
    results, errors = [], []

    def request():
        barrier.wait()
        try:
            with open(source_path, "rb") as handle:
                file = ImageCacheFile(Shared(source=File(handle, name="shared/source.jpg")))
                results.append((file.url, file.width, file.height))
        except BaseException as exc:  # reported, and asserted on by the test
            errors.append(f"{type(exc).__name__}: {exc}")

    workers = [threading.Thread(target=request) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return results, errors


def worker():
    """The body of one process: wait for the go signal, then 16 threads at once; print JSON."""
    import django  # noqa: PLC0415

    django.setup()
    args = json.loads(os.environ["IK_ROBUST_ARGS"])
    from django.conf import settings  # noqa: PLC0415

    _, caches = redis_settings(args["prefix"])
    with override_settings(
        MEDIA_ROOT=args["media"],
        CACHES={**settings.CACHES, **caches},
        IMAGEKIT_CACHE_BACKEND="ik_redis",
    ):
        Path(args["ready"], str(os.getpid())).touch()
        deadline = time.monotonic() + 60
        while not Path(args["go"]).exists() and time.monotonic() < deadline:
            time.sleep(0.005)
        results, errors = request_from_threads(args["source"])
    print(json.dumps({"results": results, "errors": errors}))


@pytest.fixture
def shared_state(tmp_path):
    prefix = f"ik-robust-{uuid.uuid4().hex[:12]}"
    media = tmp_path / "media"
    source = tmp_path / "source.jpg"
    source.write_bytes(badinput.encode(badinput.two_halves((800, 600)), "JPEG"))
    count = tmp_path / "generations"
    count.touch()
    yield prefix, media, source, count
    address = services.redis()
    client = redis_client.Redis(host=address.host, port=address.port)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)
    client.close()


def generated(count):
    return count.read_text().splitlines()


def test_two_processes_of_16_threads_generate_the_missing_file_once(shared_state, tmp_path):
    prefix, media, source, count = shared_state
    ready, go = tmp_path / "ready", tmp_path / "go"
    ready.mkdir()
    args = {
        "prefix": prefix,
        "media": str(media),
        "source": str(source),
        "ready": str(ready),
        "go": str(go),
    }
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ik_testproject.settings",
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "plugins" / "django" / "tests")]),
        "IK_ROBUST_ARGS": json.dumps(args),
        "IK_ROBUST_COUNT": str(count),
    }
    code = "from test_robust_concurrency import worker; worker()"
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", code],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(PROCESSES)
    ]
    try:
        deadline = time.monotonic() + 60
        while len(list(ready.iterdir())) < PROCESSES and time.monotonic() < deadline:
            assert all(process.poll() is None for process in processes), [
                process.communicate() for process in processes
            ]
            time.sleep(0.02)
        go.touch()  # both processes are set up: release all 32 threads together
        outputs = [process.communicate(timeout=120) for process in processes]
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
    reports = []
    for process, (stdout, stderr) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, stderr
        reports.append(json.loads(stdout.strip().splitlines()[-1]))

    assert [report["errors"] for report in reports] == [[], []]  # no request failed
    results = [tuple(result) for report in reports for result in report["results"]]
    assert len(results) == PROCESSES * THREADS
    assert len(set(results)) == 1  # one URL, one size for everyone
    url, width, height = results[0]
    assert (width, height) == (64, 48)
    assert len(generated(count)) == 1  # exactly one generation in all
    made = [p for p in media.rglob("*") if p.is_file()]
    assert len(made) == 1 and url.endswith(made[0].relative_to(media).as_posix())
    with Image.open(made[0]) as img:
        img.load()
        assert (img.format, img.size) == ("JPEG", (64, 48))


@pytest.fixture
def redis_state_cache(shared_state, settings):
    prefix, media, _source, count = shared_state
    _, caches = redis_settings(prefix)
    settings.CACHES = {**settings.CACHES, **caches}
    settings.IMAGEKIT_CACHE_BACKEND = "ik_redis"
    settings.MEDIA_ROOT = str(media)
    os.environ["IK_ROBUST_COUNT"] = str(count)
    yield shared_state
    del os.environ["IK_ROBUST_COUNT"]


def test_16_threads_in_one_process_generate_once(redis_state_cache):
    _, _media, source, count = redis_state_cache
    results, errors = request_from_threads(source)
    assert errors == [] and len(results) == THREADS and len(set(results)) == 1
    assert len(generated(count)) == 1


def test_a_failed_generation_clears_the_lock_and_records_the_failure(redis_state_cache):
    _, media, source, count = redis_state_cache
    source.write_bytes(badinput.data("truncated.jpg"))
    results, errors = request_from_threads(source, threads=4)
    assert results == [] and len(errors) == 4
    assert all("broken or truncated" in error for error in errors)
    with open(source, "rb") as handle:
        file = ImageCacheFile(Shared(source=File(handle, name="shared/source.jpg")))
        backend = get_backend()
        assert backend.cache.get(backend.get_key(file) + ":lock") is None
        record = file.state()
        assert record.state is CacheFileState.FAILED and "truncated" in record.error
    assert generated(count) == [] and not [p for p in media.rglob("*") if p.is_file()]


def test_a_lock_left_by_a_dead_process_expires(redis_state_cache, monkeypatch):
    _, _media, source, count = redis_state_cache
    monkeypatch.setenv("IK_ROBUST_SLOW", "0")
    with open(source, "rb") as handle:
        file = ImageCacheFile(Shared(source=File(handle, name="shared/source.jpg")))
        backend = get_backend()
        # A process took the lock and was killed before releasing it.
        assert backend.cache.add(backend.get_key(file) + ":lock", "dead", 1)
        started = time.monotonic()
        assert file.url
        waited = time.monotonic() - started
    assert 0.9 < waited < 5  # waited for the expiry, not for ever
    assert len(generated(count)) == 1
