"""ik-backends-async in a worker that has no Django: every module imports (but the Tasks
backend's task, which is Django's own framework), and a payload of a plain file, for a generator
registered through the host, is made there.

Each test runs a fresh interpreter in which ``django`` and ``imagekit`` cannot be imported (a
``sys.meta_path`` finder refuses them), as in a worker that has neither installed; the host's
``django`` entry point is disabled, since that plugin is the Django app itself.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from PIL import Image

from ik_testproject.images import image_bytes

BLOCKER = """
import importlib.abc
import sys

class NoDjango(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in {"django", "imagekit"}:
            raise ImportError(f"{name} cannot be imported in this worker (no Django)")
        return None

sys.meta_path.insert(0, NoDjango())
try:
    import django
except ImportError:
    pass
else:
    raise SystemExit("the blocker let django through")
"""

NOTHING_OF_DJANGO = """
loaded = sorted(m for m in sys.modules if m.partition(".")[0] in {"django", "imagekit"})
assert not loaded, loaded
"""

IMPORT_EVERY_MODULE = """
import importlib
import pkgutil

import dramatiq
from dramatiq.brokers.stub import StubBroker

dramatiq.set_broker(StubBroker())  # the actor is declared on the project's broker
import ik_backends_async

names = [info.name for info in pkgutil.walk_packages(
    ik_backends_async.__path__, "ik_backends_async.")]
for name in names:
    if name != "ik_backends_async.tasks_framework":  # Django's Tasks framework needs Django
        importlib.import_module(name)
print(json.dumps(sorted(names)))
"""

TASKS_WITHOUT_DJANGO = """
from ik_backends_async import Tasks

print(json.dumps({"installed": Tasks.library_installed(), "missing": Tasks.missing_library()}))
"""

GENERATE_A_PLAIN_FILE = """
from ik_backends_async import generate_from_payload
from ik_host.cachefile import CacheFile
from ik_host.generators import generator_registry
from ik_host.payloads import describe
from ik_host.specs import ImageSpec
from ik_processors_pilkit import ResizeToFill


class Thumb(ImageSpec):
    format = "PNG"
    processors = [ResizeToFill(20, 10)]


generator_registry.register("plain:thumb", Thumb)
payload = json.loads(json.dumps(describe(CacheFile(Thumb(source=sys.argv[1])))))
made = generate_from_payload(payload)
again = generate_from_payload(payload)
print(json.dumps({"payload": payload, "made": made, "again": again}))
"""


def run_without_django(script: str, *args: str, cwd: Path) -> Any:
    """Run ``script`` where Django cannot be imported; what it printed last, as JSON."""
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    env["IK_HOST_DISABLE_PLUGINS"] = "django"
    env["IK_MEDIA_ROOT"] = str(cwd / "media")
    code = f"import json\nimport sys\n{BLOCKER}\n{script}\n{NOTHING_OF_DJANGO}"
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_every_module_imports_without_django(tmp_path: Path) -> None:
    imported = run_without_django(IMPORT_EVERY_MODULE, cwd=tmp_path)
    assert {
        "ik_backends_async.queue_backends",
        "ik_backends_async.celery_tasks",
        "ik_backends_async.dramatiq_actors",
        "ik_backends_async.queue_options",
        "ik_backends_async.queue_hooks",
        "ik_backends_async.rq_jobs",
        "ik_backends_async.worker",
    } <= set(imported)


def test_the_tasks_backend_says_it_needs_django(tmp_path: Path) -> None:
    answered = run_without_django(TASKS_WITHOUT_DJANGO, cwd=tmp_path)
    assert answered["installed"] is False
    assert "needs Django 6's django.tasks" in answered["missing"]
    assert "pip install 'ik-backends-async[tasks]'" in answered["missing"]


def test_a_worker_without_django_makes_a_plain_file_for_a_host_registered_generator(
    tmp_path: Path,
) -> None:
    source = tmp_path / "photo.jpg"
    source.write_bytes(image_bytes((80, 60)))

    ran = run_without_django(GENERATE_A_PLAIN_FILE, str(source), cwd=tmp_path)

    payload = ran["payload"]
    assert payload["generator_id"] == "plain:thumb"
    assert payload["source"] == {"path": str(source), "name": str(source)}
    assert payload["force"] is False
    assert ran["made"] == {"status": "generated", "cachefile": payload["cachefile"]}
    assert ran["again"] == {"status": "existed", "cachefile": payload["cachefile"]}
    with Image.open(tmp_path / "media" / payload["cachefile"]) as made:
        assert (made.format, made.size) == ("PNG", (20, 10))
