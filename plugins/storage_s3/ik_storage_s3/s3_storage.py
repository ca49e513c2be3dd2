"""A storage for cache files in an S3 bucket (AWS or any S3-compatible store).

It has the methods the host asks of a storage, with Django's signatures
(``exists/open/save/url/delete/size/path``), so it also serves as a Django storage.
Each method costs at most one request, and ``url`` costs none: on a warm page the storage is
never contacted. Uploads go up from memory and are atomic (a single PutObject, or a multipart
upload that is only visible once completed and is aborted on failure). Every S3 failure is an
``S3StorageError`` naming the bucket and the key.
"""

from __future__ import annotations

import functools
import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config as BotoConfig
from botocore.exceptions import BotoCoreError, ClientError

from ik_host.config import get_config
from ik_host.errors import UnsafePathError
from ik_host.paths import join_inside, safe_relative_name
from ik_storage_s3.s3_errors import S3ConfigurationError, s3_error
from ik_storage_s3.s3_options import S3Options, resolve_options
from ik_storage_s3.s3_urls import plain_base_url, quote_key, signed_url, uses_path_style
from ik_storage_s3.uploads import content_type_for, readable

# Short connect timeout: an unreachable store should fail a page quickly, not after botocore's
# default 60 seconds per attempt. Retries stay boto3's (AWS_MAX_ATTEMPTS, AWS_RETRY_MODE).
DEFAULT_CLIENT_CONFIG = BotoConfig(signature_version="s3v4", connect_timeout=5, read_timeout=30)
_NOT_FOUND = {"404", "NoSuchKey", "NotFound"}
# Names whose keys are remembered: cleaning a name costs more than the rest of url() together.
KEY_MEMO_SIZE = 4096

# One boto3 session for every storage: it loads the S3 service model once. Sessions are not
# thread-safe, so clients are made from it under a lock; the clients themselves are.
_session: boto3.session.Session | None = None
_session_lock = threading.Lock()


def _shared_session() -> boto3.session.Session:
    global _session
    if _session is None:
        _session = boto3.session.Session()
    return _session


def _make_client(**kwargs: Any) -> Any:
    with _session_lock:
        return _shared_session().client("s3", **kwargs)


def _default_region() -> str | None:
    """boto3's region (``AWS_DEFAULT_REGION``, the config file): a local lookup."""
    with _session_lock:
        return _shared_session().region_name


class S3File(io.BytesIO):
    """An object's bytes, downloaded into memory, with its storage name and content type."""

    def __init__(self, data: bytes, name: str, content_type: str | None = None) -> None:
        super().__init__(data)
        self.name = name
        self.content_type = content_type

    @property
    def size(self) -> int:
        return len(self.getbuffer())


class S3Storage:
    """Cache files as objects under ``prefix`` in ``bucket_name``.

    Every argument left as ``None`` falls back to ``Config.extra["s3"]`` and then to an
    ``IK_S3_*`` environment variable (see ``ik_storage_s3.s3_options``), because the host creates
    registered storages with no arguments. Credentials come only from boto3's usual chain.
    ``client`` is a ready boto3 S3 client to use instead of making one; ``client_config`` a
    ``botocore.config.Config`` merged over this storage's defaults.
    """

    # Saving under an existing name replaces the object (django-storages' attribute name), so
    # callers need not check for, or delete, an old object before regenerating it.
    file_overwrite = True

    def __init__(
        self,
        bucket_name: str | None = None,
        prefix: str | None = None,
        region_name: str | None = None,
        endpoint_url: str | None = None,
        default_acl: str | None = None,
        cache_control: str | None = None,
        custom_domain: str | None = None,
        querystring_auth: bool | None = None,
        querystring_expire: int | None = None,
        url_protocol: str | None = None,
        multipart_threshold: int | None = None,
        client: Any = None,
        client_config: BotoConfig | None = None,
    ) -> None:
        self._given = {
            "bucket_name": bucket_name,
            "prefix": prefix,
            "region_name": region_name,
            "endpoint_url": endpoint_url,
            "default_acl": default_acl,
            "cache_control": cache_control,
            "custom_domain": custom_domain,
            "querystring_auth": querystring_auth,
            "querystring_expire": querystring_expire,
            "url_protocol": url_protocol,
            "multipart_threshold": multipart_threshold,
        }
        self._client = client
        self._client_config = client_config
        self._lock = threading.Lock()
        self._keys: dict[str, str] = {}

    # -- settings and the client, worked out on first use, not at import time -------------------

    @functools.cached_property
    def options(self) -> S3Options:
        extra = get_config().extra.get("s3") or {}
        return resolve_options(self._given, extra)

    @property
    def bucket_name(self) -> str:
        return self.options.bucket_name

    @property
    def client(self) -> Any:
        """The boto3 S3 client; made once, shared by every thread (boto3 clients are safe to)."""
        if self._client is None:
            with self._lock:
                if self._client is None:
                    self._client = self._make_client()
        return self._client

    def _make_client(self) -> Any:
        options = self.options
        config = DEFAULT_CLIENT_CONFIG.merge(
            BotoConfig(s3={"addressing_style": "path" if uses_path_style(options) else "auto"})
        )
        if self._client_config is not None:
            config = config.merge(self._client_config)
        return _make_client(
            region_name=options.region_name, endpoint_url=options.endpoint_url, config=config
        )

    @functools.cached_property
    def _plain_base(self) -> str:
        region = self.options.region_name
        client_endpoint = None
        if self._client is not None:  # a client given by the caller says where it points
            region = region or self._client.meta.region_name
            if "amazonaws.com" not in self._client.meta.endpoint_url:
                client_endpoint = self._client.meta.endpoint_url
        elif not region:
            region = _default_region()
        return plain_base_url(self.options, region, client_endpoint)

    # -- names ------------------------------------------------------------------------------------

    def clean_name(self, name: str) -> str:
        """``name`` made safe: relative, no ``..``, no control characters."""
        clean = safe_relative_name(str(name))
        if not clean:
            raise UnsafePathError(f"{name!r} is not a usable name for an S3 object")
        return clean

    def key(self, name: str) -> str:
        """The object key of ``name``: inside the prefix, whatever the name holds."""
        key = self._keys.get(name)
        if key is None:
            clean = self.clean_name(name)
            prefix = self.options.prefix
            key = join_inside(prefix, clean) if prefix else clean
            if len(self._keys) >= KEY_MEMO_SIZE:
                self._keys.clear()
            self._keys[name] = key
        return key

    # Django's Storage API asks for these when a model FileField uses this storage.
    def generate_filename(self, filename: str) -> str:
        return self.clean_name(filename)

    def get_available_name(self, name: str, max_length: int | None = None) -> str:
        """The name itself: a cache file of the same name is the same image, so it overwrites."""
        clean = self.clean_name(name)
        if max_length is not None and len(clean) > max_length:
            raise UnsafePathError(
                f"the name {clean!r} is longer than the allowed {max_length} characters"
            )
        return clean

    # -- requests ------------------------------------------------------------------------------

    @contextmanager
    def _translated(self, operation: str, key: str, everything: bool = False) -> Iterator[None]:
        """Turn botocore failures (or, for uploads, any failure) into an ``S3StorageError``."""
        catch: Any = Exception if everything else (BotoCoreError, ClientError)
        try:
            yield
        except catch as exc:
            raise s3_error(exc, operation, self.bucket_name, key) from exc

    def exists(self, name: str) -> bool:
        """One HEAD request. A missing object is ``False``; any other failure raises."""
        key = self.key(name)
        with self._translated("existence check (HEAD)", key):
            try:
                self.client.head_object(Bucket=self.bucket_name, Key=key)
            except ClientError as exc:
                if str(exc.response.get("Error", {}).get("Code")) in _NOT_FOUND:
                    return False
                raise
        return True

    def size(self, name: str) -> int:
        key = self.key(name)
        with self._translated("size check (HEAD)", key):
            return int(self.client.head_object(Bucket=self.bucket_name, Key=key)["ContentLength"])

    def open(self, name: str, mode: str = "rb") -> S3File:
        """The object's bytes in memory (one GET). Objects are read, never written, in place."""
        if set(mode) - set("rbt"):
            raise ValueError(f"S3Storage opens objects for reading only, not {mode!r}; use save()")
        key = self.key(name)
        with self._translated("download (GET)", key):
            response = self.client.get_object(Bucket=self.bucket_name, Key=key)
            data = response["Body"].read()
        return S3File(data, name=self.clean_name(name), content_type=response.get("ContentType"))

    def save(self, name: str, content: Any, max_length: int | None = None) -> str:
        """Upload ``content`` (bytes or a file-like object) as ``name``; returns the name used.

        Below ``multipart_threshold`` this is one PutObject, which S3 applies whole or not at
        all. Above it, a multipart upload: the object appears only when the upload completes,
        and a failed upload is aborted, so no partial object is ever visible.
        """
        clean = self.get_available_name(name, max_length)
        key = self.key(clean)
        options = self.options
        extra = {"ContentType": content_type_for(clean, content)}
        if options.cache_control:
            extra["CacheControl"] = options.cache_control
        if options.default_acl:
            extra["ACL"] = options.default_acl
        with self._translated("upload", key, everything=True):
            stream, length = readable(content)
            if length < options.multipart_threshold:
                self.client.put_object(
                    Bucket=options.bucket_name, Key=key, Body=stream.read(), **extra
                )
            else:
                transfer = TransferConfig(
                    multipart_threshold=options.multipart_threshold,
                    multipart_chunksize=max(options.multipart_threshold, 5 * 1024 * 1024),
                )
                self.client.upload_fileobj(
                    stream, options.bucket_name, key, ExtraArgs=extra, Config=transfer
                )
        return clean

    def delete(self, name: str) -> None:
        """Remove the object; removing one that is not there is not an error (as in S3)."""
        key = self.key(name)
        with self._translated("delete", key):
            self.client.delete_object(Bucket=self.bucket_name, Key=key)

    def url(self, name: str) -> str:
        """The object's URL, with no request: plain (custom domain or endpoint) or presigned."""
        options = self.options
        key = self.key(name)
        if options.querystring_auth:
            return signed_url(self.client, options.bucket_name, key, options.querystring_expire)
        return self._plain_base + quote_key(key)

    def path(self, name: str) -> str:
        raise NotImplementedError(
            "S3 objects have no local file system path; use open() for the bytes or url()"
        )

    # -- migrations, pickling, display ---------------------------------------------------------

    def deconstruct(self) -> tuple[str, tuple[Any, ...], dict[str, Any]]:
        """How Django migrations re-create this storage (a given client is not carried)."""
        kwargs = {name: value for name, value in self._given.items() if value is not None}
        return "ik_storage_s3.S3Storage", (), kwargs

    def __getstate__(self) -> dict[str, Any]:
        # Clients and locks do not travel (to a worker process, say); a new client is made there.
        state = self.__dict__.copy()
        state["_client"] = None
        state.pop("_lock", None)
        state.pop("_plain_base", None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        try:
            where = f"s3://{self.bucket_name}/{self.options.prefix}"
        except S3ConfigurationError:
            where = "(no bucket configured)"
        return f"<S3Storage {where}>"
