"""An S3 storage for ik_host cache files, registered as ``s3``."""

from ik_storage_s3.s3_errors import (
    S3AccessDenied,
    S3BucketMissing,
    S3ConfigurationError,
    S3ConnectionError,
    S3FileNotFound,
    S3StorageError,
)
from ik_storage_s3.s3_storage import S3File, S3Storage

__all__ = [
    "S3AccessDenied",
    "S3BucketMissing",
    "S3ConfigurationError",
    "S3ConnectionError",
    "S3File",
    "S3FileNotFound",
    "S3Storage",
    "S3StorageError",
]
