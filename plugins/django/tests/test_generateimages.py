"""``manage.py generateimages`` (ids, globs, failures, summary, --dry-run, --jobs, progress,
resuming) and ``manage.py ik_plugins``."""

import fcntl
import io
import json
import logging
import os
import pty
import re
import shutil
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from PIL import Image

from ik_host.cli import plugin_report
from ik_host.config import get_config, set_config, usable_cores
from ik_testproject.asyncapp.models import AsyncPhoto
from ik_testproject.images import image_bytes, image_content
from ik_testproject.tagapp.models import GenOther, GenPhoto
from imagekit import ImageSpec, register, unregister
from imagekit.cachefiles import ImageCacheFile
from imagekit.management import jobs, progress
from imagekit.processors import ResizeToFill
from imagekit.specs.sourcegroups import source_group_for

pytestmark = pytest.mark.django_db(databases=["default", "async"])

SPECS = [
    ("photo1", "small"),
    ("photo1", "large"),
    ("photo2", "small"),
    ("photo2", "large"),
    ("other", "thumb"),
]


def run(*args, **options):
    """(stdout, stderr, the CommandError or None) of one run of the command."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("generateimages", *args, stdout=out, stderr=err, **options)
    except CommandError as exc:
        return out.getvalue(), err.getvalue(), exc
    return out.getvalue(), err.getvalue(), None


@pytest.fixture
def sources():
    photo1, photo2, other = GenPhoto(), GenPhoto(), GenOther()
    photo1.original.save("wide.jpg", image_content(size=(300, 200)))
    photo2.original.save("tall.jpg", image_content(size=(90, 120)))
    other.image.save("other.jpg", image_content(size=(50, 50)))
    return {"photo1": photo1, "photo2": photo2, "other": other}


def cache_file(sources, key, field):
    return getattr(sources[key], field)


def existing(sources):
    """Which (source, field) cache files are in the storage; asks without generating."""
    return {
        (key, field)
        for key, field in SPECS
        if default_storage.exists(cache_file(sources, key, field).name)
    }


def test_the_summary_is_logged_with_its_time(sources, caplog):
    with caplog.at_level(logging.INFO, logger="imagekit.management.generateimages"):
        run()

    (message,) = [r.getMessage() for r in caplog.records if r.name.endswith("generateimages")]
    assert re.fullmatch(
        r"generateimages: 5 generated, 0 failed in \d+\.\d\d s \(5 files, [\d.]+ files/s\)",
        message,
    ), message


def test_no_arguments_generates_every_source_group(sources):
    assert existing(sources) == set()

    out, err, error = run()

    assert (error, err) == (None, "")
    assert out.splitlines()[-1] == "5 generated, 0 failed"
    assert existing(sources) == set(SPECS)
    with default_storage.open(sources["photo2"].large.name) as handle:
        assert Image.open(handle).size == (45, 60)  # ResizeToFit(60, 60) of 90x120
    with default_storage.open(sources["photo1"].small.name) as handle:
        assert (Image.open(handle).format, Image.open(handle).size) == ("PNG", (20, 20))


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["tagapp:genphoto:small"], {("photo1", "small"), ("photo2", "small")}),
        (["tagapp:genphoto:*"], {key for key in SPECS if key[0] != "other"}),
        (["tagapp:*"], set(SPECS)),  # ids that go on after a colon are selected too
        (["tagapp:genphoto"], {key for key in SPECS if key[0] != "other"}),
        (["tagapp:*:thumb"], {("other", "thumb")}),
        (["tagapp:*:s*"], {("photo1", "small"), ("photo2", "small")}),
        (["tagapp:**"], set(SPECS)),
        (["**:thumb"], {("other", "thumb")}),
        (
            ["tagapp:genother:thumb", "tagapp:genphoto:large"],
            {("other", "thumb"), ("photo1", "large"), ("photo2", "large")},
        ),
    ],
)
def test_ids_and_globs_select_generators(sources, args, expected):
    out, _, error = run(*args)

    assert error is None
    assert existing(sources) == expected
    assert out.splitlines()[-1] == f"{len(expected)} generated, 0 failed"


def test_a_single_star_does_not_cross_colons(sources):
    out, err, error = run("*:small")

    assert error is None  # reported, but the status stays 0, as in django-imagekit
    assert err.startswith("no registered generator id matches '*:small'")
    assert "tagapp:genphoto:small" in err  # the message lists what exists
    assert out.splitlines()[-1] == "0 generated, 0 failed"
    assert existing(sources) == set()


def test_an_unmatched_pattern_does_not_stop_the_others(sources):
    out, err, error = run("nope:*", "tagapp:genother:thumb")

    assert error is None
    assert err.startswith("no registered generator id matches 'nope:*'")
    assert out.splitlines()[-1] == "1 generated, 0 failed"
    assert existing(sources) == {("other", "thumb")}

    _, err, error = run("nope:*", "tagapp:genother:thumb", fail_on_error=True)
    assert error is not None and error.returncode == 1
    assert "1 id(s) or glob(s) matched nothing" in str(error)
    assert "no registered generator id matches 'nope:*'" in err


def test_failures_are_reported_and_nothing_is_written_for_them(sources):
    broken = GenPhoto()
    broken.original.save("broken.jpg", ContentFile(image_bytes(size=(300, 200))[:400]))

    out, err, error = run("tagapp:genphoto:*")

    assert error is None  # reported on stderr; the status stays 0 without --fail-on-error
    assert out.splitlines()[-1] == "4 generated, 2 failed"
    failures = err.splitlines()
    assert len(failures) == 2
    name = broken.original.name
    for spec_id, line in zip(
        ["tagapp:genphoto:large", "tagapp:genphoto:small"], failures, strict=True
    ):
        assert line.startswith(f"FAILED {spec_id} '{name}': cannot use '{name}' as a source")
        assert "truncated" in line
    # The good sources were still done; the broken one left no file behind, whole or partial.
    assert existing(sources) == {key for key in SPECS if key[0] != "other"}
    assert not default_storage.exists(broken.small.name)
    assert not default_storage.exists(broken.large.name)
    assert not default_storage.exists("CACHE/images/" + name.rsplit(".", 1)[0])

    out, err, error = run("tagapp:genphoto:*", "--fail-on-error")
    assert error is not None and error.returncode == 1
    assert "2 cache file(s) could not be generated" in str(error)
    assert out.splitlines()[-1] == "0 generated, 2 failed, 4 already existed"
    assert len(err.splitlines()) == 2


def test_each_source_is_decoded_once_for_all_its_specs(sources, monkeypatch):
    from ik_processors_pilkit import pillow_engine  # noqa: PLC0415

    decoded = []
    original = pillow_engine.open_image

    def counting(source, **kwargs):
        decoded.append(kwargs["name"])
        return original(source, **kwargs)

    monkeypatch.setattr(pillow_engine, "open_image", counting)
    out, _, error = run("tagapp:genphoto:*", "--jobs", "1")
    assert error is None and out.splitlines()[-1].startswith("4 generated")
    assert sorted(decoded) == sorted(
        [sources["photo1"].original.name, sources["photo2"].original.name]
    )


def test_existing_files_are_kept_unless_forced(sources):
    run("tagapp:genother:thumb")
    name = sources["other"].thumb.name
    default_storage.delete(name)
    default_storage.save(name, ContentFile(b"stale"))

    run("tagapp:genother:thumb")
    with default_storage.open(name) as handle:
        assert handle.read() == b"stale"  # known to exist: left alone

    _, _, error = run("tagapp:genother:thumb", force=True)
    assert error is None
    with default_storage.open(name) as handle:
        assert Image.open(handle).size == (10, 10)


def test_verbose_output_names_each_file(sources):
    out, _, _ = run("tagapp:genother:thumb", verbosity=2)

    assert "tagapp:genother:thumb: <ImageFieldSourceGroup tagapp.GenOther.image>" in out
    other = sources["other"]
    assert f"  '{other.image.name}' -> {other.thumb.name}\n" in out


class ListedSources:
    """A custom source group: the files it is given."""

    def __init__(self, *files):
        self._files = files

    def files(self):
        yield from self._files


def test_every_registered_source_group_of_an_id_is_used():
    good = ContentFile(image_bytes(size=(64, 64)), name="listed/good.jpg")
    also = ContentFile(image_bytes(size=(64, 48)), name="listed/also.jpg")
    junk = ContentFile(b"not an image", name="listed/junk.jpg")
    groups = [ListedSources(good), ListedSources(also, junk)]
    for group in groups:
        register.source_group("testapp:square", group)
    try:
        out, err, error = run("testapp:square")
    finally:
        for group in groups:
            unregister.source_group("testapp:square", group)

    assert out.splitlines()[-1] == "2 generated, 1 failed"
    assert err.startswith("FAILED testapp:square 'listed/junk.jpg': cannot use 'listed/junk.jpg'")
    assert error is None


def test_a_generator_without_source_groups_has_nothing_to_do():
    out, err, error = run("testapp:square")

    assert (error, err) == (None, "")
    assert out.splitlines() == [
        "testapp:square: no source groups, nothing to generate",
        "0 generated, 0 failed",
    ]


# -- ik_plugins --------------------------------------------------------------------------------


def test_ik_plugins_json_is_the_host_report():
    out = io.StringIO()
    call_command("ik_plugins", "--json", stdout=out)

    report = json.loads(out.getvalue())
    assert report == json.loads(json.dumps(plugin_report()))
    by_name = {entry["name"]: entry for entry in report}
    assert by_name["django"]["distribution"] == "ik-django"
    assert "simple" in by_name["defaults"]["components"]["backend"]


def test_ik_plugins_text_lists_distributions_and_components():
    out = io.StringIO()
    call_command("ik_plugins", stdout=out)

    text = out.getvalue()
    assert "(ik-defaults 0.1.0)" in text
    assert "ik_config" in text
    assert "backend: simple" in text


# -- resuming, dry runs, progress --------------------------------------------------------------


def test_a_second_run_makes_only_what_is_missing(sources):
    run()
    missing = sources["photo2"].large
    default_storage.delete(missing.name)
    caches["default"].clear()  # as a new process would start: no states remembered

    out, err, error = run()

    assert (error, err) == (None, "")
    assert out.splitlines()[-1] == "1 generated, 0 failed, 4 already existed"
    assert default_storage.exists(missing.name)


def test_dry_run_lists_what_would_be_made_and_makes_nothing(sources):
    out, err, error = run("tagapp:genphoto:small", dry_run=True)

    assert (error, err) == (None, "")
    lines = out.splitlines()
    assert lines[-1] == "2 to generate, 0 failed"
    photo1, photo2 = sources["photo1"], sources["photo2"]
    assert lines[:2] == [
        f"tagapp:genphoto:small '{photo1.original.name}' -> {photo1.small.name}",
        f"tagapp:genphoto:small '{photo2.original.name}' -> {photo2.small.name}",
    ]
    assert existing(sources) == set()

    run("tagapp:genphoto:small")
    out, _, _ = run("tagapp:genphoto:small", dry_run=True)
    assert out.splitlines() == ["0 to generate, 0 failed, 2 already existed"]
    out, _, _ = run("tagapp:genphoto:small", dry_run=True, force=True)
    assert out.splitlines()[-1] == "2 to generate, 0 failed"


def test_async_needs_a_backend_that_enqueues(sources):
    _, _, error = run("tagapp:genother:thumb", "--async")

    assert error is not None
    assert "--async needs a backend that enqueues" in str(error)
    assert "'celery', 'rq', 'dramatiq' or 'tasks'" in str(error)
    assert existing(sources) == set()


class Terminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self):
        return True


def test_a_terminal_gets_a_progress_bar_with_count_rate_and_eta(sources):
    err = Terminal()
    call_command("generateimages", "tagapp:genphoto:*", stdout=io.StringIO(), stderr=err)

    bar = err.getvalue()
    assert "4/4" in bar
    assert "file/s" in bar  # the rate
    assert "<00:00" in bar  # elapsed<remaining: the ETA


def test_without_tqdm_there_is_no_bar(sources, monkeypatch):
    monkeypatch.setattr(progress, "_tqdm", lambda: None)
    err = Terminal()
    call_command("generateimages", "tagapp:genphoto:*", stdout=io.StringIO(), stderr=err)
    assert err.getvalue() == ""


def test_messages_are_written_around_the_bar():
    stream = Terminal()
    bar = progress.make_progress(3, stream, "working")
    bar.update(2)
    with bar.printing():
        stream.write("a message\n")
    bar.update(1)
    bar.close()
    text = stream.getvalue()
    assert "a message\n" in text and "3/3" in text
    assert progress.make_progress(3, io.StringIO(), "working").bar is None  # not a terminal


# -- worker processes ------------------------------------------------------------------------------


class RecordPid:
    """Leaves the id of the process that ran it in MEDIA_ROOT/pids, holding the number of
    threads an image's resample may use there."""

    def process(self, img):
        pids = Path(settings.MEDIA_ROOT) / "pids"
        pids.mkdir(exist_ok=True)
        (pids / str(os.getpid())).write_text(str(get_config().image_threads))
        return img


class PidSpec(ImageSpec):
    processors = [RecordPid(), ResizeToFill(8, 6)]
    format = "PNG"


@pytest.fixture
def pid_spec():
    group = source_group_for(AsyncPhoto, "image")
    register.generator("jobs:pids", PidSpec)
    register.source_group("jobs:pids", group)
    shutil.rmtree(Path(settings.MEDIA_ROOT) / "pids", ignore_errors=True)
    yield "jobs:pids"
    unregister.source_group("jobs:pids", group)
    unregister.generator("jobs:pids")


@pytest.mark.django_db(transaction=True, databases=["default", "async"])
def test_jobs_generate_in_that_many_worker_processes(pid_spec):
    photos = []
    for n in range(8):
        photo = AsyncPhoto()
        photo.image.save(f"jobs-{n}.jpg", image_content(size=(120, 90)))
        photos.append(photo)
    broken = AsyncPhoto()
    broken.image.save("jobs-broken.jpg", ContentFile(image_bytes(size=(300, 200))[:300]))

    out, err, error = run(pid_spec, "--jobs", "2")

    assert out.splitlines()[-1] == "8 generated, 1 failed"
    assert error is None
    name = broken.image.name
    assert err.startswith(f"FAILED jobs:pids '{name}': cannot use '{name}' as a source image")
    pids = {int(path.name) for path in (Path(settings.MEDIA_ROOT) / "pids").iterdir()}
    assert len(pids) == 2 and os.getpid() not in pids
    # Each worker resamples on its share of the cores.
    share = str(max(1, usable_cores() // 2))
    assert {path.read_text() for path in (Path(settings.MEDIA_ROOT) / "pids").iterdir()} == {share}
    for photo in photos:
        file = ImageCacheFile(PidSpec(source=photo.image))
        with default_storage.open(file.name) as handle:
            assert Image.open(handle).size == (8, 6)

    out, _, _ = run(pid_spec, "--jobs", "2")
    assert out.splitlines()[-1] == "0 generated, 1 failed, 8 already existed"


def test_a_worker_takes_its_share_of_the_cores_unless_the_setting_says():
    try:
        jobs.share_cores(1)
        assert get_config().image_threads == 1
        set_config(None)
        with override_settings(IMAGEKIT_IMAGE_THREADS=3):
            jobs.share_cores(1)
            assert get_config().image_threads == 3
    finally:
        set_config(None)


def test_inside_a_transaction_the_work_stays_in_this_process(sources, pid_spec):
    out, _, error = run("tagapp:genphoto:small", "--jobs", "4", verbosity=2)

    assert error is None
    assert "generating in this process only: database 'default' is inside a transaction" in out
    assert out.splitlines()[-1] == "2 generated, 0 failed"


ROOT = Path(__file__).resolve().parents[3]


def directory_project(tmp_path, count, size):
    """The environment of a test project process whose ``asyncapp:dirthumb`` source group is
    ``count`` JPEGs of ``size`` in tmp_path/sources, with its media and database there too."""
    source_dir = tmp_path / "sources"
    source_dir.mkdir()
    for n in range(count):
        (source_dir / f"{n:02d}.jpg").write_bytes(image_bytes(size=size))
    (tmp_path / "db").mkdir()
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ik_testproject.settings",
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "plugins" / "django" / "tests")]),
        "IK_TEST_MEDIA_ROOT": str(tmp_path / "media"),
        "IK_TEST_ASYNC_DIR": str(tmp_path / "db"),
        "IK_TEST_SOURCE_DIR": str(source_dir),
    }


def test_an_interrupted_run_is_finished_by_the_next(tmp_path):
    """A real run in a terminal, interrupted with Ctrl-C (SIGINT), then run again."""
    total = 24
    env = directory_project(tmp_path, total, (400, 300))
    env["IK_TEST_SLOW_SECONDS"] = "0.4"  # a loaded machine must still interrupt it midway
    media = tmp_path / "media"
    argv = [sys.executable, "-m", "django", "generateimages", "asyncapp:dirthumb", "--jobs", "2"]

    def made():
        return sorted((media / "CACHE" / "images" / "dir").glob("*/*.jpg"))

    controller, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    first = subprocess.Popen(
        argv, env=env, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=terminal, stderr=terminal
    )
    os.close(terminal)
    output = bytearray()
    reader = threading.Thread(target=_read_all, args=(controller, output))
    reader.start()
    try:
        deadline = time.monotonic() + 60
        while len(made()) < 4 and time.monotonic() < deadline and first.poll() is None:
            time.sleep(0.05)
        first.send_signal(signal.SIGINT)
        first.wait(timeout=60)
    finally:
        if first.poll() is None:
            first.kill()
        reader.join(timeout=10)
        os.close(controller)
    text = output.decode(errors="replace")

    assert first.returncode == 1, text
    assert "file/s" in text  # the progress bar, on the terminal
    done_first = made()
    summary = f"{len(done_first)} generated, 0 failed"
    assert summary in text  # what ran to its end was counted
    assert f"interrupted after {len(done_first)} of {total} files" in text
    assert "run the command again" in text
    assert 4 <= len(done_first) < total
    for path in done_first:  # whatever was made is whole
        with Image.open(path) as img:
            img.load()

    second = subprocess.run(argv, env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)

    assert second.returncode == 0, second.stderr
    assert second.stderr == ""  # not a terminal: no progress bar
    assert second.stdout.splitlines()[-1] == (
        f"{total - len(done_first)} generated, 0 failed, {len(done_first)} already existed"
    )
    assert len(made()) == total


def _read_all(fd, into):
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # the terminal closed
            return
        if not chunk:
            return
        into.extend(chunk)


# -- libraries that cannot be forked ---------------------------------------------------------------

FORK_UNSAFE_DRIVER = """
import django
django.setup()
from django.core.management import call_command
from ik_host.forking import mark_fork_unsafe
mark_fork_unsafe("a test library", "it would hang in a forked child")
call_command("generateimages", "asyncapp:dirthumb", jobs=2, verbosity=2)
"""


def test_with_a_fork_unsafe_library_loaded_workers_start_fresh(tmp_path):
    """libvips, once used, hangs a forked child: the workers are then spawned, and set Django
    up again from DJANGO_SETTINGS_MODULE, with the sources sent to them as payloads."""
    env = directory_project(tmp_path, 6, (200, 150))
    media = tmp_path / "media"
    done = subprocess.run(
        [sys.executable, "-c", FORK_UNSAFE_DRIVER],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert done.returncode == 0, done.stderr
    assert "starting fresh worker processes: a test library cannot be forked" in done.stdout
    assert done.stdout.splitlines()[-1] == "6 generated, 0 failed"
    made = sorted((media / "CACHE" / "images" / "dir").glob("*/*.jpg"))
    assert len(made) == 6
    for path in made:
        with Image.open(path) as img:
            assert img.size == (64, 48)


def test_fork_unsafe_and_configured_in_code_stays_in_this_process(monkeypatch, settings):
    monkeypatch.setattr("imagekit.management.jobs.fork_unsafe", lambda: {"libvips": "threads"})
    assert jobs.start_method() == "spawn"
    settings.SETTINGS_MODULE = None  # as after settings.configure()
    reason = jobs.why_not_parallel()
    assert reason is not None and reason.startswith("libvips (threads) is in use")
    assert "settings.configure()" in reason
    monkeypatch.setattr("imagekit.management.jobs.fork_unsafe", dict)
    assert jobs.start_method() == "fork"
    assert "libvips" not in (jobs.why_not_parallel() or "")
