"""S3 failures: each is a clear error naming the bucket and the key, leaves no object and no
"exists" state behind, and the next access after recovery generates the file.

The faults are real: the server is stopped, drops a connection mid-upload, answers 500 to an
upload part, checks credentials, or lacks the bucket.
"""

from __future__ import annotations

import io

import pytest

from ik_host.cachefile import CacheFile
from ik_host.config import Config, set_config
from ik_host.specs import ImageSpec
from ik_host.state_records import CacheFileState
from ik_processors_pilkit import ResizeToFill
from ik_storage_s3 import (
    S3AccessDenied,
    S3BucketMissing,
    S3ConnectionError,
    S3StorageError,
)


class Thumbnail(ImageSpec):
    processors = [ResizeToFill(30, 30)]
    format = "JPEG"


def remembered_state(file: CacheFile) -> CacheFileState:
    """What the state cache holds for ``file`` (asking nothing of the storage)."""
    return file.cachefile_backend.get_record(file, check_if_unknown=False).state


def object_exists(admin, bucket: str, key: str) -> bool:
    listing = admin.list_objects_v2(Bucket=bucket, Prefix=key)
    return any(item["Key"] == key for item in listing.get("Contents", []))


def assert_names_the_object(error: S3StorageError, bucket: str, key: str) -> None:
    message = str(error)
    assert f"bucket {bucket!r}" in message and f"key {key!r}" in message
    assert (error.bucket, error.key) == (bucket, key)


def test_server_stopped_mid_page(s3_config, storage, server, bucket, admin, sources):
    served = [CacheFile(Thumbnail(source)).url for source in sources[:3]]
    server.stop()

    # What was generated before still renders: its URLs need no request.
    assert [CacheFile(Thumbnail(source)).url for source in sources[:3]] == served

    file = CacheFile(Thumbnail(sources[3]))
    with pytest.raises(S3ConnectionError) as error:
        _ = file.url
    assert_names_the_object(error.value, bucket, storage.key(file.name))
    assert "cannot reach the endpoint" in str(error.value)
    assert f"127.0.0.1:{server.port}" in str(error.value)
    assert remembered_state(file) is CacheFileState.DOES_NOT_EXIST

    server.start()
    server.reset_counts()
    assert CacheFile(Thumbnail(sources[3])).url == storage.url(file.name)
    assert server.counts() == {"HEAD": 1, "PUT": 1}
    assert object_exists(admin, bucket, storage.key(file.name))


def test_connection_dropped_during_the_upload(s3_config, storage, server, bucket, admin, sources):
    server.faults.append((lambda request: request.method == "PUT", "drop"))
    file = CacheFile(Thumbnail(sources[4]))
    with pytest.raises(S3ConnectionError) as error:
        _ = file.url
    key = storage.key(file.name)
    assert_names_the_object(error.value, bucket, key)
    assert "upload" in str(error.value)
    assert remembered_state(file) is not CacheFileState.EXISTS
    server.faults.clear()
    assert not object_exists(admin, bucket, key)

    server.reset_counts()
    assert CacheFile(Thumbnail(sources[4])).url.endswith(".jpg")  # the next access retries
    assert server.count("PUT") == 1
    assert remembered_state(file) is CacheFileState.EXISTS
    assert object_exists(admin, bucket, key)


def test_a_failed_multipart_upload_is_aborted(make_storage, server, bucket, admin):
    storage = make_storage(multipart_threshold=5 * 1024 * 1024)
    server.faults.append((lambda request: request.operation == "UploadPart", "error"))
    with pytest.raises(S3StorageError) as error:
        storage.save("big.jpg", io.BytesIO(bytes(11 * 1024 * 1024)))
    assert_names_the_object(error.value, bucket, "big.jpg")
    assert "InternalError" in str(error.value)
    assert admin.list_objects_v2(Bucket=bucket)["KeyCount"] == 0
    assert admin.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []

    server.faults.clear()
    storage.save("big.jpg", io.BytesIO(bytes(11 * 1024 * 1024)))
    assert admin.head_object(Bucket=bucket, Key="big.jpg")["ContentLength"] == 11 * 1024 * 1024


def test_credentials_refused(s3_config, storage, server, bucket, admin, sources):
    file = CacheFile(Thumbnail(sources[5]))
    key = storage.key(file.name)
    server.require_credentials(True)  # moto now checks keys against its IAM users: none

    with pytest.raises(S3AccessDenied) as error:
        _ = file.url  # the existence check (HEAD) is refused first: a bodiless 403
    assert_names_the_object(error.value, bucket, key)
    assert "access denied (403" in str(error.value)

    with pytest.raises(S3AccessDenied) as error:
        file.generate(force=True)  # the upload names the refused credentials
    assert_names_the_object(error.value, bucket, key)
    assert "the credentials were refused (InvalidAccessKeyId" in str(error.value)
    assert remembered_state(file) is CacheFileState.FAILED

    server.require_credentials(False)
    assert not object_exists(admin, bucket, key)
    assert CacheFile(Thumbnail(sources[5])).url.endswith(".jpg")  # the next access retries
    assert remembered_state(file) is CacheFileState.EXISTS
    assert object_exists(admin, bucket, key)


def test_bucket_missing(make_storage, state_cache, server, admin, sources):
    missing = "ik-test-not-created-yet"
    storage = make_storage(bucket_name=missing)
    set_config(Config(storage=storage, state_cache=state_cache))
    try:
        file = CacheFile(Thumbnail(sources[6]))
        with pytest.raises(S3BucketMissing) as error:
            _ = file.url
        assert_names_the_object(error.value, missing, file.name)
        assert "the bucket does not exist (NoSuchBucket" in str(error.value)
        assert remembered_state(file) is CacheFileState.FAILED
        assert not file.cachefile_backend.exists(file)  # "does not exist" to the backend

        admin.create_bucket(Bucket=missing)
        try:
            server.reset_counts()
            assert CacheFile(Thumbnail(sources[6])).url.endswith(".jpg")
            assert server.counts() == {"PUT": 1}  # the failure is remembered: no HEAD first
            assert object_exists(admin, missing, file.name)
        finally:
            for item in admin.list_objects_v2(Bucket=missing).get("Contents", []):
                admin.delete_object(Bucket=missing, Key=item["Key"])
            admin.delete_bucket(Bucket=missing)
    finally:
        set_config(None)
