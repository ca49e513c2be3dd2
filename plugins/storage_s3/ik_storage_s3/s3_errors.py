"""The errors the S3 storage raises, each naming the bucket, the key and the cause.

Every botocore failure is turned into one of these by ``s3_error``, so callers never see a bare
``ClientError`` whose message says neither which object nor what to do about it.
"""

from __future__ import annotations

from botocore import exceptions as boto_errors

from ik_host.errors import CacheFileError, IKError

# Error codes S3 (and compatible stores) answer when the credentials themselves are refused.
_REFUSED_CREDENTIALS = {
    "InvalidAccessKeyId",
    "SignatureDoesNotMatch",
    "ExpiredToken",
    "InvalidToken",
    "TokenRefreshRequired",
    "InvalidClientTokenId",
}
_ACCESS_DENIED = {"AccessDenied", "AllAccessDisabled", "AccountProblem", "403"}
_MISSING_KEY = {"NoSuchKey", "404", "NotFound"}


class S3ConfigurationError(IKError, ValueError):
    """The storage lacks a setting it needs (a bucket) or was given one it cannot use."""


class S3StorageError(CacheFileError):
    """An S3 request failed. ``bucket``, ``key`` and ``operation`` say which; ``code`` is S3's
    error code (or the HTTP status for bodiless answers such as HEAD's), when there is one."""

    def __init__(
        self, operation: str, bucket: str, key: str, reason: str, code: str | None = None
    ) -> None:
        self.operation = operation
        self.bucket = bucket
        self.key = key
        self.reason = reason
        self.code = code
        super().__init__(f"S3 {operation} of key {key!r} in bucket {bucket!r} failed: {reason}")


class S3ConnectionError(S3StorageError):
    """The endpoint could not be reached, or the connection broke off."""


class S3AccessDenied(S3StorageError):
    """The credentials were refused, missing, or lack the permission for this request."""


class S3BucketMissing(S3StorageError):
    """The bucket does not exist."""


class S3FileNotFound(S3StorageError, FileNotFoundError):
    """The object does not exist (also a ``FileNotFoundError``, as for local files)."""


def _describe_client_error(exc: boto_errors.ClientError) -> tuple[type[S3StorageError], str, str]:
    error = exc.response.get("Error", {})
    status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    code = str(error.get("Code") or status or "unknown")
    message = error.get("Message")
    # HEAD answers have no body, so only the HTTP status is known.
    detail = f"{code}: {message}" if message else (f"HTTP {code}" if code.isdigit() else code)
    if code == "NoSuchBucket":
        return S3BucketMissing, code, f"the bucket does not exist ({detail})"
    if code in _REFUSED_CREDENTIALS:
        return S3AccessDenied, code, f"the credentials were refused ({detail})"
    if code in _ACCESS_DENIED:
        return S3AccessDenied, code, f"access denied ({detail}); check the credentials and policy"
    if code in _MISSING_KEY:
        return S3FileNotFound, code, f"no such object ({detail})"
    return S3StorageError, code, detail


def s3_error(exc: BaseException, operation: str, bucket: str, key: str) -> S3StorageError:
    """The ``S3StorageError`` that explains ``exc``, raised while doing ``operation``."""
    cause: BaseException | None = exc
    botocore_failures = (boto_errors.ClientError, boto_errors.BotoCoreError)
    while cause is not None and not isinstance(cause, botocore_failures):
        cause = cause.__cause__ or cause.__context__  # boto3 wraps some client errors
    if isinstance(cause, boto_errors.ClientError):
        cls, code, reason = _describe_client_error(cause)
        return cls(operation, bucket, key, reason, code)
    if isinstance(cause, (boto_errors.ConnectionError, boto_errors.HTTPClientError)):
        return S3ConnectionError(operation, bucket, key, f"cannot reach the endpoint ({cause})")
    if isinstance(cause, (boto_errors.NoCredentialsError, boto_errors.PartialCredentialsError)):
        reason = (
            f"no usable credentials ({cause}); boto3 looks in AWS_ACCESS_KEY_ID/"
            "AWS_SECRET_ACCESS_KEY, the shared credentials file, and instance roles"
        )
        return S3AccessDenied(operation, bucket, key, reason)
    return S3StorageError(operation, bucket, key, f"{type(exc).__name__}: {exc}")
