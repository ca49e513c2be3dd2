"""Object URLs, computed locally: a page of thumbnails must not cost a request per image.

A plain URL is a fixed base (worked out once per storage) plus the quoted key. A signed URL is
botocore's presigned GET, which is a local HMAC computation, not a request.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from ik_storage_s3.s3_options import BOTO_ENDPOINT_VARIABLES, S3Options


def _aws_host(region: str | None) -> str:
    if not region:
        return "s3.amazonaws.com"
    domain = "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"
    return f"s3.{region}.{domain}"


def uses_path_style(options: S3Options, environ: Mapping[str, str] = os.environ) -> bool:
    """Whether the bucket goes in the path: always on a custom endpoint (MinIO, moto, Ceph...),
    and on AWS for bucket names with dots, which a virtual host's TLS certificate cannot cover."""
    if options.endpoint_url or any(environ.get(name) for name in BOTO_ENDPOINT_VARIABLES):
        return True
    return "." in options.bucket_name


def plain_base_url(
    options: S3Options,
    region: str | None,
    client_endpoint: str | None = None,
    environ: Mapping[str, str] = os.environ,
) -> str:
    """Everything of a plain object URL before the key, ending in ``/``.

    The endpoint is the configured one, else the one botocore takes from the environment, else
    that of a client the caller supplied; without any, the URL is AWS's for ``region``.
    """
    if options.custom_domain:
        return f"{options.url_protocol}//{options.custom_domain}/"
    from_env = (environ[name] for name in BOTO_ENDPOINT_VARIABLES if environ.get(name))
    endpoint = options.endpoint_url or next(from_env, None) or client_endpoint
    if endpoint:
        return f"{endpoint.rstrip('/')}/{options.bucket_name}/"
    if uses_path_style(options, environ):
        return f"https://{_aws_host(region)}/{options.bucket_name}/"
    return f"https://{options.bucket_name}.{_aws_host(region)}/"


def quote_key(key: str) -> str:
    return quote(key, safe="/")


def signed_url(client: Any, bucket: str, key: str, expires_in: int) -> str:
    """A presigned GET URL for ``key``; botocore signs it locally."""
    return client.generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=expires_in
    )
