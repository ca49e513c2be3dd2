"""The imagekit Django app with cache files in S3: this plugin's storage and django-storages'
``S3Boto3Storage``, each as a field's ``cachefile_storage`` and as
``IMAGEKIT_DEFAULT_FILE_STORAGE``, against a real S3 server over HTTP.

A page of 50 thumbnails is rendered cold (at most one existence check and one upload per file)
and warm (no request at all); the S3 server counts the requests. After a restart with a flushed
Redis, the record table answers for every file: still no request reaches S3.
"""

from __future__ import annotations

import io
import uuid

import pytest
import redis as redis_client
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models
from django.template import Context, Template
from django.test import override_settings
from PIL import Image
from storages.backends.s3boto3 import S3Boto3Storage

from ik_host.cachefile import forget_warm_cachefiles
from ik_storage_s3 import S3Storage
from imagekit.cachefiles.record_table import record_model
from imagekit.models import ImageSpecField
from imagekit.processors import ResizeToFill
from tests import services

# Every test may touch the record table; marked alike, pytest-django keeps them in file order,
# so the module's model is defined (and its spec ids registered) once.
pytestmark = pytest.mark.django_db

REGION = "us-east-1"
PAGE = (
    "{% for photo in photos %}"
    '<img src="{{ photo.THUMB.url }}" width="{{ photo.THUMB.width }}" '
    'height="{{ photo.THUMB.height }}">'
    "{% endfor %}"
)
TAG_PAGE = (
    "{% load imagekit %}{% for photo in photos %}{% thumbnail '40x30' photo.image %}{% endfor %}"
)


@pytest.fixture(scope="module")
def django_bucket(admin):
    name = f"ik-django-{uuid.uuid4().hex[:12]}"
    admin.create_bucket(Bucket=name)
    return name


@pytest.fixture(autouse=True)
def _cold_start(admin, django_bucket):
    """Each test starts with no remembered states and an empty bucket."""
    caches["default"].clear()
    for item in admin.list_objects_v2(Bucket=django_bucket).get("Contents", []):
        admin.delete_object(Bucket=django_bucket, Key=item["Key"])


@pytest.fixture(scope="module")
def own_storage(s3_server, django_bucket):
    return S3Storage(
        bucket_name=django_bucket,
        prefix="own",
        endpoint_url=s3_server.endpoint_url,
        default_acl="public-read",
    )


@pytest.fixture(scope="module")
def their_storage(s3_server, django_bucket):
    """django-storages' storage, set up as a project would, credentials from boto3's chain."""
    return S3Boto3Storage(
        bucket_name=django_bucket,
        location="theirs",
        endpoint_url=s3_server.endpoint_url,
        region_name=REGION,
        default_acl="public-read",
        querystring_auth=False,
    )


@pytest.fixture(scope="module")
def photo_model(own_storage, their_storage):
    """A model as a project writes it, with one spec field per storage (no table needed)."""

    class S3Photo(models.Model):
        image = models.ImageField(upload_to="s3photos")
        thumbnail = ImageSpecField(
            source="image",
            processors=[ResizeToFill(40, 30)],
            format="JPEG",
            options={"quality": 80},
            cachefile_storage=own_storage,
        )
        thumbnail_ds = ImageSpecField(
            source="image",
            processors=[ResizeToFill(40, 30)],
            format="JPEG",
            options={"quality": 80},
            cachefile_storage=their_storage,
        )

        class Meta:
            app_label = "testapp"

    return S3Photo


@pytest.fixture(scope="module")
def source_names():
    """Fifty source images in the project's (local) default storage."""
    names = []
    for i in range(50):
        buffer = io.BytesIO()
        Image.new("RGB", (120, 90), (i * 5, 90, 160)).save(buffer, "JPEG")
        names.append(default_storage.save(f"s3photos/p{i:02d}.jpg", ContentFile(buffer.getvalue())))
    return names


def photos(photo_model, source_names):
    """Fresh instances, as a new request loads them."""
    return [photo_model(image=name) for name in source_names]


def render_page(template, items):
    return Template(template).render(Context({"photos": items}))


STORAGE_FIELDS = [("thumbnail", "own"), ("thumbnail_ds", "theirs")]


@pytest.mark.parametrize(("field", "prefix"), STORAGE_FIELDS)
def test_spec_field_generates_into_the_bucket_on_first_access(
    field, prefix, photo_model, source_names, admin, django_bucket, server, http_get
):
    photo = photo_model(image=source_names[0])
    server.reset_counts()
    file = getattr(photo, field)
    url = file.url
    key = f"{prefix}/{file.name}"
    assert admin.head_object(Bucket=django_bucket, Key=key)["ContentType"] == "image/jpeg"
    status, headers, body = http_get(url)
    assert (status, headers["content-type"]) == (200, "image/jpeg")
    assert Image.open(io.BytesIO(body)).size == (40, 30)

    server.reset_counts()
    again = getattr(photo_model(image=source_names[0]), field)
    assert (again.url, again.width, again.height) == (url, 40, 30)
    assert server.count() == 0


@pytest.mark.parametrize(("field", "prefix"), STORAGE_FIELDS)
def test_a_page_of_fifty_spec_fields(field, prefix, photo_model, source_names, server):
    page = PAGE.replace("THUMB", field)
    server.reset_counts()
    cold = render_page(page, photos(photo_model, source_names))
    cold_counts = server.counts()
    assert cold_counts.get("PUT") == 50
    assert cold_counts.get("HEAD", 0) <= 50
    assert set(cold_counts) <= {"HEAD", "PUT"}
    assert cold.count('width="40" height="30"') == 50

    server.reset_counts()
    warm = render_page(page, photos(photo_model, source_names))
    assert warm == cold
    assert server.count() == 0


@pytest.fixture
def s3boto3_default(settings, s3_server, django_bucket):
    """``IMAGEKIT_DEFAULT_FILE_STORAGE`` naming django-storages' class, configured by settings."""
    settings.AWS_STORAGE_BUCKET_NAME = django_bucket
    settings.AWS_LOCATION = "tags-ds"
    settings.AWS_S3_ENDPOINT_URL = s3_server.endpoint_url
    settings.AWS_S3_REGION_NAME = REGION
    settings.AWS_DEFAULT_ACL = "public-read"
    settings.AWS_QUERYSTRING_AUTH = False
    settings.IMAGEKIT_DEFAULT_FILE_STORAGE = "storages.backends.s3boto3.S3Boto3Storage"
    return "tags-ds"


@pytest.fixture
def ik_s3_default(settings, monkeypatch, s3_server, django_bucket):
    """``IMAGEKIT_DEFAULT_FILE_STORAGE`` naming this plugin's class, configured by environment."""
    monkeypatch.setenv("IK_S3_BUCKET", django_bucket)
    monkeypatch.setenv("IK_S3_PREFIX", "tags-own")
    monkeypatch.setenv("IK_S3_ENDPOINT_URL", s3_server.endpoint_url)
    monkeypatch.setenv("IK_S3_DEFAULT_ACL", "public-read")
    settings.IMAGEKIT_DEFAULT_FILE_STORAGE = "ik_storage_s3.S3Storage"
    return "tags-own"


@pytest.mark.parametrize("default_storage_fixture", ["s3boto3_default", "ik_s3_default"])
def test_a_page_of_fifty_thumbnail_tags_with_the_default_storage(
    default_storage_fixture, request, photo_model, source_names, server, admin, django_bucket
):
    prefix = request.getfixturevalue(default_storage_fixture)
    server.reset_counts()
    cold = render_page(TAG_PAGE, photos(photo_model, source_names))
    cold_counts = server.counts()
    assert cold_counts.get("PUT") == 50
    assert cold_counts.get("HEAD", 0) <= 50
    assert set(cold_counts) <= {"HEAD", "PUT"}
    assert cold.count('width="40" height="30"') == 50
    src = cold.split('src="')[1].split('"')[0]
    assert src.startswith(f"{server.endpoint_url}/{django_bucket}/{prefix}/CACHE/images/")

    server.reset_counts()
    warm = render_page(TAG_PAGE, photos(photo_model, source_names))
    assert warm == cold
    assert server.count() == 0
    listing = admin.list_objects_v2(Bucket=django_bucket, Prefix=f"{prefix}/")
    assert listing["KeyCount"] == 50


# -- a restart with a flushed Redis ------------------------------------------------------------


@pytest.fixture
def redis_states(settings):
    """Django's Redis cache as the state cache, on a database of its own, flushed."""
    address = services.redis()
    location = f"redis://{address.host}:{address.port}/13"
    redis_client.Redis.from_url(location).flushdb()
    redis_cache = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": location}
    settings.CACHES = {**settings.CACHES, "ik_redis": redis_cache}
    settings.IMAGEKIT_CACHE_BACKEND = "ik_redis"
    yield redis_client.Redis.from_url(location)
    caches["ik_redis"].close()


def restart(states):
    """What a new process sees: an empty Redis, and nothing remembered in this one."""
    states.flushdb()
    forget_warm_cachefiles()


@pytest.mark.parametrize("template", ["spec", "tag"])
def test_after_a_restart_with_a_flushed_cache_no_request_reaches_s3(
    template, request, redis_states, photo_model, source_names, server
):
    if template == "tag":
        request.getfixturevalue("s3boto3_default")
        page = TAG_PAGE
    else:
        page = PAGE.replace("THUMB", "thumbnail")
    first = render_page(page, photos(photo_model, source_names))
    assert record_model().objects.filter(state="exists").count() == 50

    restart(redis_states)
    server.reset_counts()
    again = render_page(page, photos(photo_model, source_names))

    assert again == first
    assert server.count() == 0  # no HEAD, no GET: the table knew every file and its size
    assert redis_states.dbsize() >= 50  # and the cache has them back


def test_without_records_a_restart_asks_s3_for_each_file(
    redis_states, photo_model, source_names, server
):
    page = PAGE.replace("THUMB", "thumbnail")
    first = render_page(page, photos(photo_model, source_names))
    restart(redis_states)
    server.reset_counts()
    with override_settings(IMAGEKIT_CACHEFILE_RECORDS=False):
        again = render_page(page, photos(photo_model, source_names))
    assert again == first
    assert server.counts().get("HEAD") == 50
