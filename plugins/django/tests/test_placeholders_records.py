"""Placeholders in the Django app: a plain spec's generation computes none; its first read
computes it once from the stored file and keeps it in the state cache and the record table
(only that column: the row's made time and sizes stay), read back by a process with an empty
cache; an old dump; the table of a project that has not migrated to 0002."""

import logging

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from ik_host.placeholders import Placeholder, forget_placeholders, placeholder_of
from ik_host.state_records import CacheFileState, StateRecord, state_key
from ik_testproject.images import image_content
from ik_testproject.testapp.models import Profile
from imagekit.cachefiles.record_table import record_key, record_model, record_store
from imagekit.checks import check_record_table
from imagekit.utils import get_cache

pytestmark = pytest.mark.django_db

REMOTE = "ik_testproject.remotestorage.RemoteStorage"


@pytest.fixture
def remote():
    """Cache files in a remote-like storage (the table is asked before it) and a cache."""
    with override_settings(IMAGEKIT_DEFAULT_FILE_STORAGE=REMOTE, IMAGEKIT_CACHE_BACKEND="counting"):
        forget_placeholders()
        yield get_cache()
    forget_placeholders()


def made_profile(name="placeholder.jpg"):
    profile = Profile()
    profile.avatar.save(name, image_content(name))
    profile = Profile.objects.get(pk=profile.pk)
    profile.avatar_thumbnail.generate()
    return Profile.objects.get(pk=profile.pk)


def row(name):
    return record_model().objects.get(key=record_key(name))


def state_of(cache, name):
    return StateRecord.load(cache.get(state_key("imagekit:", name)))


@pytest.fixture
def no_placeholder_code(monkeypatch):
    """Generation fails if it computes a placeholder."""

    def refuse(*args, **kwargs):
        raise AssertionError("a placeholder computed while generating a plain spec")

    monkeypatch.setattr("ik_processors_pilkit.pillow_engine.image_placeholder", refuse)


def test_a_plain_specs_generation_computes_and_keeps_no_placeholder(
    remote, placeholders_computed, no_placeholder_code
):
    file = made_profile().avatar_thumbnail
    record = state_of(remote, file.name)
    assert record.state is CacheFileState.EXISTS and record.placeholder is None
    assert len(remote.get(state_key("imagekit:", file.name))) == 5  # no sixth field at all
    assert row(file.name).placeholder == ""
    assert placeholders_computed == []


def test_the_first_read_computes_it_once_and_records_it(remote, placeholders_computed):
    file = made_profile().avatar_thumbnail
    placeholder = file.placeholder
    assert placeholder is not None and placeholder.kind == "thumbhash"
    assert len(placeholder.data_url) < 1024
    assert state_of(remote, file.name).placeholder == placeholder
    assert Placeholder.load(row(file.name).placeholder) == placeholder
    assert Profile.objects.get().avatar_thumbnail.placeholder == placeholder
    assert placeholders_computed == [(file.name, "thumbhash")]  # once, from the stored file


def test_recording_it_later_leaves_the_rows_made_time_and_sizes(remote, placeholders_computed):
    file = made_profile().avatar_thumbnail
    before = row(file.name)
    assert before.made_at is not None and before.width
    assert file.placeholder is not None
    after = row(file.name)
    assert Placeholder.load(after.placeholder) == file.placeholder
    assert after.made_at == before.made_at  # the file was not made again
    assert (after.width, after.height, after.size) == (before.width, before.height, before.size)
    assert after.updated_at >= before.updated_at


def test_after_the_url_the_placeholder_costs_no_lookup(remote, placeholders_computed):
    assert made_profile().avatar_thumbnail.placeholder  # recorded
    file = Profile.objects.get().avatar_thumbnail
    assert file.url
    remote.calls.clear()
    with CaptureQueriesContext(connection) as queries:
        assert file.placeholder.kind == "thumbhash"
    assert sum(remote.calls.values()) == 0 and len(queries) == 0 and len(placeholders_computed) == 1


def test_an_empty_cache_reads_it_from_the_table(remote, placeholders_computed):
    file = made_profile().avatar_thumbnail
    expected = file.placeholder
    remote.clear()  # a new process with an empty state cache
    again = Profile.objects.get().avatar_thumbnail
    assert again.placeholder == expected
    assert len(placeholders_computed) == 1
    assert state_of(remote, file.name).placeholder == expected  # and the cache has it back


def test_a_file_from_before_placeholders_is_decoded_once(remote, placeholders_computed):
    file = made_profile().avatar_thumbnail
    old = StateRecord(CacheFileState.EXISTS, 100, 50, file.storage.size(file.name))
    remote.set(state_key("imagekit:", file.name), old.dump()[:5])  # an old 5-field dump
    first = Profile.objects.get().avatar_thumbnail.placeholder
    assert first.kind == "thumbhash"
    assert Profile.objects.get().avatar_thumbnail.placeholder == first
    assert placeholders_computed == [(file.name, "thumbhash")]  # once
    assert state_of(remote, file.name).placeholder == first
    assert Placeholder.load(row(file.name).placeholder) == first
    remote.clear()
    assert Profile.objects.get().avatar_thumbnail.placeholder == first  # from the table
    assert len(placeholders_computed) == 1


def test_another_kind_is_computed_on_demand_and_not_recorded(remote, placeholders_computed):
    file = made_profile().avatar_thumbnail
    assert file.placeholder.kind == "thumbhash"
    color = placeholder_of(Profile.objects.get().avatar_thumbnail, "color")
    assert color.kind == "color" and color.value.startswith("#")
    assert placeholder_of(Profile.objects.get().avatar_thumbnail, "color") == color
    assert placeholders_computed == [(file.name, "thumbhash"), (file.name, "color")]
    assert Placeholder.load(row(file.name).placeholder).kind == "thumbhash"


def test_the_setting_chooses_the_kind(remote, placeholders_computed):
    with override_settings(IMAGEKIT_PLACEHOLDER="blurhash"):
        file = made_profile().avatar_thumbnail
        assert file.placeholder.kind == "blurhash"
        assert Placeholder.load(row(file.name).placeholder).kind == "blurhash"
    with override_settings(IMAGEKIT_PLACEHOLDER="none"):
        other = made_profile("none.jpg").avatar_thumbnail
        assert other.placeholder is None
        assert row(other.name).placeholder == ""
    assert placeholders_computed == [(file.name, "blurhash")]


def test_a_file_made_again_loses_the_old_placeholder_if_none_comes(remote):
    file = made_profile().avatar_thumbnail
    assert file.placeholder and row(file.name).placeholder
    Profile.objects.get().avatar_thumbnail.generate(force=True)
    assert row(file.name).placeholder == ""
    assert state_of(remote, file.name).placeholder is None


@pytest.fixture
def table_before_0002():
    """The record table as migration 0001 left it (no placeholder column), in the model's
    place: a project that upgraded without running ``migrate``."""
    state = MigrationExecutor(connection).loader.project_state(("imagekit", "0001_initial"))
    old = state.apps.get_model("imagekit", "CacheFileRecord")
    old._meta.db_table = "imagekit_cachefile_0001"
    # The CREATE TABLE alone, run in the test's transaction (SQLite's schema editor refuses to
    # open inside one).
    sql, params = connection.SchemaEditorClass(connection, collect_sql=True).table_sql(old)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    meta = record_model()._meta
    original = meta.db_table
    meta.db_table = old._meta.db_table
    record_store.forget_tables()
    yield
    meta.db_table = original
    record_store.forget_tables()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {old._meta.db_table}")


def test_an_unmigrated_column_is_tolerated_like_a_missing_table(
    remote, placeholders_computed, table_before_0002, caplog
):
    [warning] = check_record_table(databases=["default"])
    assert warning.id == "imagekit.W006" and "column placeholder" in warning.msg
    with caplog.at_level(logging.INFO, "imagekit.cachefiles.record_table"):
        file = made_profile().avatar_thumbnail
        assert file.url and file.placeholder.kind == "thumbhash"
    assert "lacks column placeholder" in caplog.text and "migrate imagekit" in caplog.text
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM imagekit_cachefile_0001")
        assert cursor.fetchone() == (0,)  # nothing written to the old table
    remote.clear()
    assert Profile.objects.get().avatar_thumbnail.placeholder.kind == "thumbhash"
    # Computed on the first read, then again without the table: from the stored file.
    assert placeholders_computed == [(file.name, "thumbhash")] * 2
