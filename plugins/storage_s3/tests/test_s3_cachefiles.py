"""Cache files of ik_host specs stored in S3: generated on first access, then served without
a single request to the store while the state cache remembers them.

Requests are counted by the S3 server itself, so nothing the client does goes uncounted.
"""

from __future__ import annotations

import io

from PIL import Image

from ik_defaults import MemoryStateCache
from ik_host.cachefile import CacheFile
from ik_host.config import Config, set_config
from ik_host.registry import get_registry
from ik_host.specs import ImageSpec
from ik_host.state_records import CacheFileState
from ik_processors_pilkit import ResizeToFill
from ik_storage_s3 import S3Storage


class Thumbnail(ImageSpec):
    processors = [ResizeToFill(40, 30)]
    format = "JPEG"
    options = {"quality": 80}


class PngThumbnail(ImageSpec):
    processors = [ResizeToFill(20, 20)]
    format = "PNG"


def page(sources, spec=Thumbnail) -> list[str]:
    """What a template does for a page of thumbnails: one ``.url`` per image, fresh objects."""
    return [CacheFile(spec(source)).url for source in sources]


def test_first_access_generates_into_the_bucket(
    s3_config, storage, admin, bucket, server, sources, http_get
):
    file = CacheFile(Thumbnail(sources[0]))
    assert admin.list_objects_v2(Bucket=bucket)["KeyCount"] == 0
    server.reset_counts()

    url = file.url
    assert server.counts() == {"HEAD": 1, "PUT": 1}
    key = storage.key(file.name)
    assert key.startswith("media/CACHE/images/photos/p00/") and key.endswith(".jpg")
    assert admin.head_object(Bucket=bucket, Key=key)["ContentType"] == "image/jpeg"

    status, headers, body = http_get(url)
    assert (status, headers["content-type"]) == (200, "image/jpeg")
    assert Image.open(io.BytesIO(body)).size == (40, 30)

    server.reset_counts()
    assert (file.width, file.height) == (40, 30)  # kept with the state: no download
    assert file.state().state is CacheFileState.EXISTS
    assert server.count() == 0


def test_a_page_of_fifty_costs_nothing_once_warm(s3_config, bucket, server, sources, admin):
    cold = page(sources)
    assert server.counts() == {"HEAD": 50, "PUT": 50}  # one existence check + one upload each
    assert admin.list_objects_v2(Bucket=bucket)["KeyCount"] == 50

    server.reset_counts()
    warm = page(sources)
    assert warm == cold
    for source in sources:
        file = CacheFile(Thumbnail(source))
        assert file.width == 40 and bool(file)
    assert server.count() == 0


def test_existing_files_with_an_empty_state_cache_cost_one_check_each(
    s3_config, storage, server, sources
):
    page(sources[:10])
    # Another process, or a restart: the objects are there, the states are not.
    set_config(Config(storage=storage, state_cache=MemoryStateCache()))
    server.reset_counts()
    page(sources[:10])
    assert server.counts() == {"HEAD": 10}
    server.reset_counts()
    page(sources[:10])
    assert server.count() == 0


def test_signed_urls_on_a_warm_page_cost_nothing(
    make_storage, state_cache, server, sources, http_get
):
    storage = make_storage(querystring_auth=True)
    set_config(Config(storage=storage, state_cache=state_cache))
    try:
        urls = page(sources[:5])
        server.reset_counts()
        assert page(sources[:5])[0].split("?")[0] == urls[0].split("?")[0]
        assert server.count() == 0
        assert Image.open(io.BytesIO(http_get(urls[0])[2])).size == (40, 30)
    finally:
        set_config(None)


def test_a_spec_may_name_its_own_storage(make_storage, state_cache, admin, bucket, sources):
    own = make_storage(prefix="own")

    class OwnStorageThumbnail(PngThumbnail):
        cachefile_storage = own

    set_config(Config(state_cache=state_cache))  # the default storage is the file system
    try:
        file = CacheFile(OwnStorageThumbnail(sources[1]))
        assert file.url.startswith("http://127.0.0.1")
        head = admin.head_object(Bucket=bucket, Key=own.key(file.name))
        assert head["ContentType"] == "image/png"
    finally:
        set_config(None)


def test_the_registered_name_s3_configured_through_config_extra(
    server, bucket, admin, sources, state_cache
):
    assert get_registry("storage").resolve("s3") is S3Storage
    extra = {"s3": {"bucket_name": bucket, "endpoint_url": server.endpoint_url, "prefix": "x"}}
    set_config(Config(storage="s3", state_cache=state_cache, extra=extra))
    try:
        file = CacheFile(Thumbnail(sources[2]))
        assert file.url.startswith(f"{server.endpoint_url}/{bucket}/x/CACHE/images/")
        assert file.storage.bucket_name == bucket
        assert admin.head_object(Bucket=bucket, Key="x/" + file.name)["ContentLength"] > 0
    finally:
        set_config(None)
