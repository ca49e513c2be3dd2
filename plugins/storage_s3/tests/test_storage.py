"""The storage's own methods against a real S3 HTTP server (moto, over HTTP on 127.0.0.1)."""

from __future__ import annotations

import io
import pickle
import sys
import tempfile
from urllib.parse import parse_qs, urlsplit

import pytest
from PIL import Image

from ik_host.records import GeneratedImage
from ik_storage_s3 import S3FileNotFound, S3Storage


def png_image(size: tuple[int, int] = (8, 6)) -> GeneratedImage:
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 200, 10)).save(buffer, "PNG")
    return GeneratedImage(buffer.getvalue(), format="PNG", width=size[0], height=size[1])


def test_round_trip_with_one_request_per_call(storage, admin, bucket, server):
    content = png_image()
    assert storage.save("CACHE/images/a.png", content) == "CACHE/images/a.png"
    assert server.counts() == {"PUT": 1}

    head = admin.head_object(Bucket=bucket, Key="media/CACHE/images/a.png")
    assert head["ContentType"] == "image/png"
    assert head["ContentLength"] == content.size

    server.reset_counts()
    assert storage.exists("CACHE/images/a.png")
    assert not storage.exists("CACHE/images/missing.png")
    assert storage.size("CACHE/images/a.png") == content.size
    with storage.open("CACHE/images/a.png") as handle:
        assert handle.read() == content.getvalue()
        assert handle.content_type == "image/png"
    assert server.counts() == {"HEAD": 3, "GET": 1}

    storage.delete("CACHE/images/a.png")
    storage.delete("CACHE/images/a.png")  # deleting what is gone is not an error
    assert not storage.exists("CACHE/images/a.png")
    assert admin.list_objects_v2(Bucket=bucket).get("KeyCount") == 0


def test_content_type_comes_from_the_output_format_then_the_extension(storage, admin, bucket):
    storage.save("odd-name.bin", png_image())  # the content's format wins over the name
    storage.save("photo.webp", b"bytes that say nothing")
    storage.save("notes.unknownext", b"?")
    types = {
        key: admin.head_object(Bucket=bucket, Key=f"media/{key}")["ContentType"]
        for key in ("odd-name.bin", "photo.webp", "notes.unknownext")
    }
    assert types == {
        "odd-name.bin": "image/png",
        "photo.webp": "image/webp",
        "notes.unknownext": "application/octet-stream",
    }


def test_uploads_carry_cache_control_and_acl(make_storage, admin, bucket, http_get):
    storage = make_storage(cache_control="max-age=31536000, immutable", default_acl="public-read")
    storage.save("t.png", png_image())
    head = admin.head_object(Bucket=bucket, Key="t.png")
    assert head["CacheControl"] == "max-age=31536000, immutable"
    grants = admin.get_object_acl(Bucket=bucket, Key="t.png")["Grants"]
    assert any(
        g["Grantee"].get("URI", "").endswith("/global/AllUsers") and g["Permission"] == "READ"
        for g in grants
    )
    status, headers, body = http_get(storage.url("t.png"))
    assert (status, body) == (200, png_image().getvalue())
    assert headers["cache-control"] == "max-age=31536000, immutable"


def test_keys_never_leave_the_prefix(storage, admin, bucket):
    assert storage.save("../../outside/x.jpg", b"x") == "outside/x.jpg"
    storage.save("/abs/y.jpg", b"y")
    storage.save("C:\\win\\z.jpg", b"z")
    keys = sorted(o["Key"] for o in admin.list_objects_v2(Bucket=bucket)["Contents"])
    assert keys == ["media/C/win/z.jpg", "media/abs/y.jpg", "media/outside/x.jpg"]
    assert storage.key("a/../../../b.jpg") == "media/a/b.jpg"


def test_plain_urls_are_built_without_any_request(make_storage, server, bucket, http_get):
    storage = make_storage(prefix="m", default_acl="public-read")
    storage.save("CACHE/a b/é.jpg", b"jpeg bytes")
    server.reset_counts()
    url = storage.url("CACHE/a b/é.jpg")
    assert url == f"{server.endpoint_url}/{bucket}/m/CACHE/a%20b/%C3%A9.jpg"
    fresh = make_storage(prefix="m")  # first use: options and client not made yet
    assert fresh.url("CACHE/a b/é.jpg") == url
    assert server.count() == 0
    assert http_get(url)[2] == b"jpeg bytes"


def test_signed_urls_are_local_and_fetchable(make_storage, server, http_get):
    storage = make_storage(querystring_auth=True, querystring_expire=120)
    storage.save("private.png", png_image())  # private: the bucket's default ACL
    server.reset_counts()
    url = storage.url("private.png")
    assert server.count() == 0
    query = parse_qs(urlsplit(url).query)
    assert query["X-Amz-Expires"] == ["120"]
    assert "X-Amz-Signature" in query
    status, headers, body = http_get(url)
    assert (status, headers["content-type"], body) == (200, "image/png", png_image().getvalue())


def test_custom_domain_and_aws_urls(make_storage):
    cdn = make_storage(custom_domain="cdn.example.com/", prefix="p", url_protocol="http:")
    assert cdn.url("x/y.jpg") == "http://cdn.example.com/p/x/y.jpg"
    aws = S3Storage(bucket_name="thumbs", region_name="eu-west-3")
    assert aws.url("x.jpg") == "https://thumbs.s3.eu-west-3.amazonaws.com/x.jpg"
    dotted = S3Storage(bucket_name="img.example.com", region_name="eu-west-3")
    assert dotted.url("x.jpg") == "https://s3.eu-west-3.amazonaws.com/img.example.com/x.jpg"


def test_missing_objects_and_unsupported_operations(storage):
    with pytest.raises(S3FileNotFound) as error:
        storage.open("nothing/here.jpg")
    assert isinstance(error.value, FileNotFoundError)
    assert "media/nothing/here.jpg" in str(error.value)
    with pytest.raises(S3FileNotFound):
        storage.size("nothing/here.jpg")
    with pytest.raises(NotImplementedError):
        storage.path("a.jpg")
    with pytest.raises(ValueError, match="reading only"):
        storage.open("a.jpg", "wb")


def test_large_uploads_go_multipart_and_complete(make_storage, admin, bucket, server):
    storage = make_storage(multipart_threshold=5 * 1024 * 1024)
    data = bytes(range(256)) * (6 * 1024 * 1024 // 256)  # 6 MiB: two parts
    storage.save("big.png", io.BytesIO(data))
    counts = server.counts()
    assert counts["CreateMultipartUpload"] == 1 and counts["UploadPart"] == 2
    obj = admin.get_object(Bucket=bucket, Key="big.png")
    assert obj["ContentType"] == "image/png"
    assert obj["Body"].read() == data


def test_uploads_never_touch_the_disk(storage, make_storage, monkeypatch):
    made_by_the_client = []

    def guarded(original):
        def make(*args, **kwargs):
            callers, frame = [], sys._getframe(1)
            while frame is not None:
                callers.append(frame.f_globals.get("__name__", ""))
                frame = frame.f_back
            # The server shares this process, and moto may spool what it receives.
            if not any(caller.startswith("moto.") for caller in callers):
                made_by_the_client.append(callers)
            return original(*args, **kwargs)

        return make

    for name in ("mkstemp", "mkdtemp", "NamedTemporaryFile", "TemporaryFile"):
        monkeypatch.setattr(tempfile, name, guarded(getattr(tempfile, name)))
    monkeypatch.setattr(tempfile, "SpooledTemporaryFile", guarded(tempfile.SpooledTemporaryFile))
    storage.save("small.png", png_image())
    big = make_storage(multipart_threshold=5 * 1024 * 1024)
    big.save("big.bin", bytes(6 * 1024 * 1024))
    assert storage.exists("small.png") and big.exists("big.bin")
    assert made_by_the_client == []


def test_a_storage_travels_by_pickle_and_deconstructs(storage, server):
    storage.save("p.png", png_image())
    copy = pickle.loads(pickle.dumps(storage))
    assert copy.exists("p.png")
    path, args, kwargs = storage.deconstruct()
    assert path == "ik_storage_s3.S3Storage" and args == ()
    assert kwargs == {
        "bucket_name": storage.bucket_name,
        "prefix": "media",
        "endpoint_url": server.endpoint_url,
        "default_acl": "public-read",
    }
    assert S3Storage(**kwargs).url("p.png") == storage.url("p.png")
