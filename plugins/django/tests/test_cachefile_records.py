"""The persistent record of every cache file: the imagekit app's table, between the state cache
and the storage."""

import logging

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from ik_host.config import get_config
from ik_host.state_records import CacheFileState, StateRecord
from ik_testproject.images import image_content
from ik_testproject.testapp.models import Profile
from imagekit.cachefiles.record_table import record_key, record_model, record_store
from imagekit.cachefiles.state import prefetch_cachefile_states, use_cachefile_state_cache
from imagekit.checks import check_record_table
from imagekit.utils import get_cache

pytestmark = pytest.mark.django_db

# A storage without local files (no path()), as S3's: existence is asked of the table first.
REMOTE = "ik_testproject.remotestorage.RemoteStorage"


@pytest.fixture
def remote():
    """Cache files in a remote-like storage and a counting state cache; yields the cache."""
    with override_settings(IMAGEKIT_DEFAULT_FILE_STORAGE=REMOTE, IMAGEKIT_CACHE_BACKEND="counting"):
        yield get_cache()


@pytest.fixture
def storage_calls(monkeypatch):
    """The names the cache files' storage is asked ``exists`` of, from now on."""
    calls = []
    storage = get_config().storage
    original = storage.exists
    monkeypatch.setattr(storage, "exists", lambda name: calls.append(name) or original(name))
    return calls


def make_profiles(count):
    for index in range(count):
        Profile().avatar.save(f"record{index}.jpg", image_content(f"record{index}.jpg"))
    profiles = list(Profile.objects.order_by("pk"))
    for profile in profiles:
        profile.avatar_thumbnail.generate()
    return list(Profile.objects.order_by("pk"))


def selects(queries):
    """The statements that ask the database something (savepoints left out)."""
    return sum(1 for query in queries if "SAVEPOINT" not in query["sql"].upper())


def row(name):
    return record_model().objects.get(key=record_key(name))


def test_a_generated_file_gets_its_row(remote):
    [profile] = make_profiles(1)
    file = profile.avatar_thumbnail

    saved = row(file.name)

    assert saved.name == file.name
    assert saved.state == "exists"
    assert (saved.width, saved.height) == (100, 50)
    assert saved.size == file.storage.size(file.name)
    assert saved.format == "JPEG"
    assert saved.generator_id == "testapp:profile:avatar_thumbnail"
    assert saved.source_name == profile.avatar.name
    assert saved.source_key == record_key(profile.avatar.name)
    assert saved.made_at is not None and saved.failed_at is None and saved.error == ""


def test_an_empty_cache_learns_from_the_table_without_asking_the_storage(remote, storage_calls):
    [profile] = make_profiles(1)
    remote.clear()  # a new process: the state cache knows nothing
    storage_calls.clear()
    remote.calls.clear()

    fresh = Profile.objects.get().avatar_thumbnail
    assert fresh.url.endswith(fresh.name)
    assert (fresh.width, fresh.height) == (100, 50)

    assert storage_calls == []
    # The table's answer is put in the state cache: the next process asks neither.
    assert remote.get(fresh.cachefile_backend.get_key(fresh)) is not None
    with CaptureQueriesContext(connection) as queries:
        assert Profile.objects.get().avatar_thumbnail.url == fresh.url
    assert selects(queries) == 1  # the row of Profile; no record lookup
    assert storage_calls == []
    assert profile.avatar_thumbnail.name == fresh.name


def test_a_file_the_storage_finds_is_recorded(remote, storage_calls):
    [profile] = make_profiles(1)
    file = profile.avatar_thumbnail
    record_model().objects.all().delete()
    remote.clear()
    storage_calls.clear()

    assert Profile.objects.get().avatar_thumbnail.url.endswith(file.name)

    assert storage_calls == [file.name]
    saved = row(file.name)
    assert saved.state == "exists"
    assert saved.width is None  # the storage tells existence, not sizes


def test_a_page_is_prefetched_with_one_query_and_one_cache_write(remote, storage_calls):
    make_profiles(4)
    remote.clear()
    storage_calls.clear()
    remote.calls.clear()
    profiles = list(Profile.objects.order_by("pk"))

    with use_cachefile_state_cache(), CaptureQueriesContext(connection) as queries:
        files = [profile.avatar_thumbnail for profile in profiles]
        prefetch_cachefile_states(files)
        urls = [file.url for file in files]
        sizes = [(file.width, file.height) for file in files]

    assert selects(queries) == 1
    assert dict(remote.calls) == {"get_many": 1, "set_many": 1}
    assert storage_calls == []
    assert len(set(urls)) == 4
    assert sizes == [(100, 50)] * 4


def test_a_local_storage_is_asked_directly(storage_calls):
    """On local disk ``exists`` is cheaper than a query: the table is only written."""
    [profile] = make_profiles(1)
    get_cache().clear()
    storage_calls.clear()

    with CaptureQueriesContext(connection) as queries:
        assert profile.avatar_thumbnail.url

    assert storage_calls == [profile.avatar_thumbnail.name]
    assert len(queries) == 0
    assert row(profile.avatar_thumbnail.name).state == "exists"


def test_a_failure_is_recorded_with_its_cause(remote):
    Profile().avatar.save("broken.jpg", image_content("broken.jpg"))
    profile = Profile.objects.get()
    profile.avatar.storage.save(profile.avatar.name, image_content("x", format="PNG"))
    with open(profile.avatar.path, "wb") as handle:
        handle.write(b"not an image at all")

    with pytest.raises(OSError):
        profile.avatar_thumbnail.generate()

    saved = row(profile.avatar_thumbnail.name)
    assert saved.state == "failed"
    assert "broken" in saved.error or "image" in saved.error
    assert saved.failed_at is not None


def test_records_can_be_turned_off(remote):
    with override_settings(IMAGEKIT_CACHEFILE_RECORDS=False):
        make_profiles(1)
    assert not record_model().objects.exists()


@pytest.fixture
def table_gone(monkeypatch):
    """The model's table is one the database does not have (as before ``migrate``)."""
    monkeypatch.setattr(record_model()._meta, "db_table", "imagekit_not_migrated")
    record_store.forget_tables()
    yield
    record_store.forget_tables()
    record_store._down_until = 0.0


def test_before_migrate_everything_works_with_a_warning(remote, storage_calls, caplog, table_gone):
    if True:
        assert check_record_table(databases=["default"])[0].id == "imagekit.W006"
        with caplog.at_level(logging.INFO, "imagekit.cachefiles.record_table"):
            make_profiles(1)
            remote.clear()
            assert Profile.objects.get().avatar_thumbnail.url
        assert storage_calls  # the storage answers in the table's place
        assert "migrate imagekit" in caplog.text


def test_the_check_is_quiet_once_migrated():
    assert check_record_table(databases=["default"]) == []
    assert check_record_table() == []  # without --database: no query at all


def test_a_failing_table_does_not_break_the_callers_transaction(
    remote, storage_calls, table_gone, caplog
):
    """PostgreSQL aborts a transaction at its first failed statement: the record store's own
    statements run in savepoints, so the caller's transaction goes on."""
    [profile] = make_profiles(1)
    remote.clear()
    storage_calls.clear()
    record_store._tables["default"] = True  # believes in a table that is not there
    with transaction.atomic():
        assert Profile.objects.get().avatar_thumbnail.url
        assert Profile.objects.count() == 1  # the transaction still works
    assert storage_calls == [profile.avatar_thumbnail.name]
    assert "record table (database 'default') failed" in caplog.text


@pytest.mark.django_db(databases="__all__")
def test_the_migration_matches_the_model():
    call_command("makemigrations", "imagekit", "--check", "--dry-run", verbosity=0)


def test_sizes_read_back_from_a_file_are_not_written(remote):
    [profile] = make_profiles(1)
    file = profile.avatar_thumbnail
    remote.clear()
    with CaptureQueriesContext(connection) as queries:
        fresh = Profile.objects.get().avatar_thumbnail
        fresh.cachefile_backend.set_record(fresh, StateRecord(CacheFileState.EXISTS, 100, 50))
    writes = [q["sql"] for q in queries if q["sql"].upper().startswith(("INSERT", "UPDATE"))]
    assert writes == []
    assert row(file.name).size is not None  # the generation's facts stay
