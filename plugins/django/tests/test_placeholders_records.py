"""Placeholders in the Django app: kept in the state cache and the record table with the file's
record, read back by a process with an empty cache, computed once for a file recorded before
placeholders were (an old dump), and the table of a project that has not migrated to 0002."""

import logging

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from ik_host.placeholders import Placeholder, forget_placeholders, placeholder_of
from ik_host.state_records import CacheFileState, StateRecord, state_key
from ik_processors_pilkit.pillow_engine import PillowEngine
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


@pytest.fixture
def decodes(monkeypatch):
    """The (name, kind) of every placeholder the engine computes from a stored file."""
    calls = []
    original = PillowEngine.placeholder

    def counting(self, file, kind, *, name=None):
        calls.append((name, kind))
        return original(self, file, kind, name=name)

    monkeypatch.setattr(PillowEngine, "placeholder", counting)
    return calls


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


def test_generation_keeps_the_placeholder_in_the_cache_and_the_table(remote, decodes):
    file = made_profile().avatar_thumbnail
    placeholder = state_of(remote, file.name).placeholder
    assert placeholder is not None and placeholder.kind == "thumbhash"
    assert len(placeholder.data_url) < 1024
    assert Placeholder.load(row(file.name).placeholder) == placeholder
    assert file.placeholder == placeholder
    assert decodes == []  # computed while generating, not from the stored file


def test_after_the_url_the_placeholder_costs_no_lookup(remote, decodes):
    made_profile()
    file = Profile.objects.get().avatar_thumbnail
    assert file.url
    remote.calls.clear()
    with CaptureQueriesContext(connection) as queries:
        assert file.placeholder.kind == "thumbhash"
    assert sum(remote.calls.values()) == 0 and len(queries) == 0 and decodes == []


def test_an_empty_cache_reads_it_from_the_table(remote, decodes):
    file = made_profile().avatar_thumbnail
    expected = file.placeholder
    remote.clear()  # a new process with an empty state cache
    again = Profile.objects.get().avatar_thumbnail
    assert again.placeholder == expected
    assert decodes == []
    assert state_of(remote, file.name).placeholder == expected  # and the cache has it back


def test_a_file_from_before_placeholders_is_decoded_once(remote, decodes):
    file = made_profile().avatar_thumbnail
    old = StateRecord(CacheFileState.EXISTS, 100, 50, file.storage.size(file.name))
    remote.set(state_key("imagekit:", file.name), old.dump()[:5])  # an old 5-field dump
    record_model().objects.update(placeholder="")  # and a row without one
    first = Profile.objects.get().avatar_thumbnail.placeholder
    assert first.kind == "thumbhash"
    assert Profile.objects.get().avatar_thumbnail.placeholder == first
    assert decodes == [(file.name, "thumbhash")]  # once
    assert state_of(remote, file.name).placeholder == first
    assert Placeholder.load(row(file.name).placeholder) == first
    remote.clear()
    assert Profile.objects.get().avatar_thumbnail.placeholder == first  # from the table
    assert len(decodes) == 1


def test_another_kind_is_computed_on_demand_and_not_recorded(remote, decodes):
    file = made_profile().avatar_thumbnail
    color = placeholder_of(Profile.objects.get().avatar_thumbnail, "color")
    assert color.kind == "color" and color.value.startswith("#")
    assert placeholder_of(Profile.objects.get().avatar_thumbnail, "color") == color
    assert decodes == [(file.name, "color")]
    assert Placeholder.load(row(file.name).placeholder).kind == "thumbhash"


def test_the_setting_chooses_the_kind(remote, decodes):
    with override_settings(IMAGEKIT_PLACEHOLDER="blurhash"):
        file = made_profile().avatar_thumbnail
        assert file.placeholder.kind == "blurhash"
        assert Placeholder.load(row(file.name).placeholder).kind == "blurhash"
    with override_settings(IMAGEKIT_PLACEHOLDER="none"):
        other = made_profile("none.jpg").avatar_thumbnail
        assert other.placeholder is None
        assert row(other.name).placeholder == ""
    assert decodes == []


def test_a_file_made_again_loses_the_old_placeholder_if_none_comes(remote):
    file = made_profile().avatar_thumbnail
    assert row(file.name).placeholder
    with override_settings(IMAGEKIT_PLACEHOLDER="none"):
        Profile.objects.get().avatar_thumbnail.generate(force=True)
    assert row(file.name).placeholder == ""


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
    remote, decodes, table_before_0002, caplog
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
    assert decodes == [(file.name, "thumbhash")]  # without the table, from the stored file
