"""Registers the S3 storage with the host under the name ``s3``."""

from __future__ import annotations

from ik_host import hookimpl
from ik_host.records import Storage
from ik_storage_s3.s3_storage import S3Storage


@hookimpl
def ik_register_storages() -> list[Storage]:
    return [
        Storage(
            "s3",
            S3Storage,
            aliases=("ik_storage_s3.S3Storage", "ik_storage_s3.s3_storage.S3Storage"),
            description="S3 or S3-compatible bucket; URLs without requests",
        )
    ]
