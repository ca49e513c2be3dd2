"""Where the storage's settings come from: arguments, then ``Config.extra["s3"]``, then the
environment, then a default. Credentials are never settings: boto3's own chain finds them.

| option | environment variable | default |
|---|---|---|
| ``bucket_name`` | ``IK_S3_BUCKET`` | required |
| ``prefix`` | ``IK_S3_PREFIX`` | ``""`` |
| ``region_name`` | ``IK_S3_REGION`` | boto3's (``AWS_DEFAULT_REGION``, config file) |
| ``endpoint_url`` | ``IK_S3_ENDPOINT_URL`` | boto3's (``AWS_ENDPOINT_URL_S3``), else AWS |
| ``default_acl`` | ``IK_S3_DEFAULT_ACL`` | none (the bucket's policy decides) |
| ``cache_control`` | ``IK_S3_CACHE_CONTROL`` | none |
| ``custom_domain`` | ``IK_S3_CUSTOM_DOMAIN`` | none |
| ``querystring_auth`` | ``IK_S3_QUERYSTRING_AUTH`` | ``False`` (plain URLs) |
| ``querystring_expire`` | ``IK_S3_QUERYSTRING_EXPIRE`` | ``3600`` seconds |
| ``url_protocol`` | ``IK_S3_URL_PROTOCOL`` | ``"https:"`` |
| ``multipart_threshold`` | ``IK_S3_MULTIPART_THRESHOLD`` | 8 MiB |
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import Any

from ik_storage_s3.s3_errors import S3ConfigurationError

ENV_PREFIX = "IK_S3_"
# Environment variable names that differ from ``IK_S3_`` + the option's name in capitals.
_ENV_NAMES = {"bucket_name": "IK_S3_BUCKET", "region_name": "IK_S3_REGION"}
# botocore reads these itself to pick its endpoint; plain URLs must point at the same place.
BOTO_ENDPOINT_VARIABLES = ("AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL")


def _flag(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


def _optional_text(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None


@dataclass(frozen=True)
class S3Options:
    bucket_name: str
    prefix: str = ""
    region_name: str | None = None
    endpoint_url: str | None = None
    default_acl: str | None = None
    cache_control: str | None = None
    custom_domain: str | None = None
    querystring_auth: bool = False
    querystring_expire: int = 3600
    url_protocol: str = "https:"
    multipart_threshold: int = 8 * 1024 * 1024


_CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "bucket_name": _optional_text,
    "prefix": lambda value: str(value or "").strip("/"),
    "region_name": _optional_text,
    "endpoint_url": lambda value: _optional_text(value) and str(value).rstrip("/"),
    "default_acl": _optional_text,
    "cache_control": _optional_text,
    "custom_domain": lambda value: _optional_text(value) and str(value).strip("/"),
    "querystring_auth": _flag,
    "querystring_expire": int,
    "url_protocol": lambda value: str(value).rstrip("/") if value else "https:",
    "multipart_threshold": int,
}
OPTION_NAMES = tuple(field.name for field in fields(S3Options))


def env_name(option: str) -> str:
    return _ENV_NAMES.get(option, ENV_PREFIX + option.upper())


def resolve_options(
    given: Mapping[str, Any], extra: Mapping[str, Any], environ: Mapping[str, str] = os.environ
) -> S3Options:
    """The options in force: ``given`` (non-None arguments) over ``extra`` over ``environ``."""
    unknown = set(extra) - set(OPTION_NAMES)
    if unknown:
        raise S3ConfigurationError(
            f"unknown S3 storage option(s) in Config.extra['s3']: {sorted(unknown)}; "
            f"known: {list(OPTION_NAMES)}"
        )
    values: dict[str, Any] = {}
    for name in OPTION_NAMES:
        for source in (given, extra):
            if source.get(name) is not None:
                values[name] = source[name]
                break
        else:
            if env_name(name) in environ:
                values[name] = environ[env_name(name)]
    try:
        converted = {name: _CONVERTERS[name](value) for name, value in values.items()}
    except (TypeError, ValueError) as exc:
        raise S3ConfigurationError(f"an S3 storage option has an unusable value: {exc}") from exc
    converted = {name: value for name, value in converted.items() if value is not None}
    if not converted.get("bucket_name"):
        raise S3ConfigurationError(
            "the S3 storage has no bucket: pass bucket_name=..., set "
            "Config.extra['s3']['bucket_name'] or the IK_S3_BUCKET environment variable"
        )
    return S3Options(**converted)
