"""A page of thumbnails reads its cache-file states in one batch: no code in the view."""

import re

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from ik_host.config import get_config
from ik_host.errors import UnsafePathError
from ik_testproject.images import image_content
from ik_testproject.testapp.models import Profile
from imagekit.cachefiles.page_states import end_page, start_page
from imagekit.cachefiles.record_table import record_model, record_store
from imagekit.utils import get_cache

pytestmark = pytest.mark.django_db

ROWS = 6


@pytest.fixture
def counting():
    with override_settings(IMAGEKIT_CACHE_BACKEND="counting"):
        yield get_cache()


@pytest.fixture
def storage_calls(counting, monkeypatch):
    """The names the cache files' storage is asked ``exists`` of."""
    calls = []
    storage = get_config().storage
    original = storage.exists
    monkeypatch.setattr(storage, "exists", lambda name: calls.append(name) or original(name))
    return calls


def rendered_page(client, url="/profiles/"):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def images_of(page):
    return re.findall(r'<img[^>]*src="([^"]+)"', page)


def make_page(client):
    for index in range(ROWS):
        Profile().avatar.save(f"page{index}.jpg", image_content(f"page{index}.jpg"))
    first = rendered_page(client)  # makes every file
    assert len(images_of(first)) == 2 * ROWS
    return first


def selects(queries):
    return [q["sql"] for q in queries if "SAVEPOINT" not in q["sql"].upper()]


def test_a_page_costs_one_query_and_no_cache_round_trip_with_records(
    client, counting, storage_calls
):
    first = make_page(client)
    for new_process in (True, False):  # an empty cache and an unknown table, then warm
        if new_process:
            counting.clear()
            record_store.forget_tables()
        counting.calls.clear()
        storage_calls.clear()
        with CaptureQueriesContext(connection) as queries:
            page = rendered_page(client)
        assert page == first
        assert dict(counting.calls) == {}
        assert storage_calls == []
        sql = selects(queries)
        # The rows; in a new process one look at the table's columns; the records of the
        # rows' files.
        assert len(sql) == (3 if new_process else 2), sql
        assert all("imagekit_cachefile" in query for query in sql[1:])


def test_without_records_the_spec_files_cost_one_get_many(client, counting, storage_calls):
    first = make_page(client)
    record_model().objects.all().delete()
    counting.calls.clear()
    storage_calls.clear()
    with CaptureQueriesContext(connection) as queries:
        page = rendered_page(client)
    assert page == first
    # One get_many for the spec fields' files; the tag's files, unknown before they are
    # rendered, one get each.
    assert dict(counting.calls) == {"get_many": 1, "get": ROWS}
    assert storage_calls == []
    assert len(selects(queries)) == 2


def test_without_the_page_scope_each_file_asks_the_cache(client, counting):
    make_page(client)
    counting.calls.clear()
    with override_settings(IMAGEKIT_PAGE_PREFETCH=False):
        rendered_page(client)
    assert dict(counting.calls) == {"get": 2 * ROWS}


def test_outside_a_request_nothing_is_batched(counting):
    for index in range(2):
        Profile().avatar.save(f"alone{index}.jpg", image_content(f"alone{index}.jpg"))
    for profile in Profile.objects.all():
        profile.avatar_thumbnail.generate()
    counting.calls.clear()
    for profile in Profile.objects.all():
        assert profile.avatar_thumbnail.url
    assert dict(counting.calls) == {"get": 2}


def test_a_file_deleted_from_the_records_view_is_made_again(client, counting):
    first = make_page(client)
    [profile] = Profile.objects.order_by("pk")[:1]
    file = profile.avatar_thumbnail
    file.storage.delete(file.name)
    record_model().objects.filter(name=file.name).delete()
    counting.clear()
    page = rendered_page(client)
    assert page == first
    assert file.storage.exists(file.name)


def test_django_imagekits_prefetch_helper_in_a_view_is_batched_too(
    client, counting, storage_calls
):
    first = make_page(client)
    counting.clear()
    counting.calls.clear()
    storage_calls.clear()
    with CaptureQueriesContext(connection) as queries:
        page = rendered_page(client, "/profiles/prefetched/")
    assert page == first
    # The helper's get_many for the spec files it was given, which (the cache being empty)
    # reads their records and puts them back in the cache; the tag files come with the page's
    # batch of records: the rows, and two queries of records.
    assert dict(counting.calls) == {"get_many": 1, "set_many": 1}
    assert storage_calls == []
    assert len(selects(queries)) == 3


def test_a_row_whose_file_cannot_be_named_does_not_break_the_batch(client, counting):
    make_page(client)
    bad = Profile.objects.create()
    Profile.objects.filter(pk=bad.pk).update(avatar="../outside.jpg")  # refused as a name
    counting.calls.clear()
    start_page()
    try:
        rows = list(Profile.objects.order_by("pk"))
        assert rows[0].avatar_thumbnail.url  # the batch ran, the bad row left out of it
        assert dict(counting.calls) == {}  # every good row's record came with the batch
        with pytest.raises(UnsafePathError):
            rows[-1].avatar_thumbnail.url  # noqa: B018  (the bad row fails where it is used)
    finally:
        end_page()
