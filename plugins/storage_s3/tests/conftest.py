"""A real S3 HTTP server for the tests: moto's S3 application, served on 127.0.0.1 from a thread.

Not moto's in-process mock: every request goes over HTTP through botocore as in production.
The server is moto's WSGI application in werkzeug's threaded server (what ``moto.server`` runs),
wrapped to record each request it answers, so tests count requests on the server side,
whichever client sent them. It can be stopped (closing open keep-alive connections too, so a
stopped server really refuses) and started again on the same port with its data intact.
"""

from __future__ import annotations

import io
import json
import os
import socket
import threading
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from PIL import Image
from werkzeug.serving import ThreadedWSGIServer

from ik_defaults import MemoryStateCache
from ik_host.config import Config, set_config
from ik_storage_s3 import S3Storage

REGION = "us-east-1"


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: str

    @property
    def operation(self) -> str:
        """A rough S3 operation name, enough to tell existence checks from uploads."""
        if self.method == "PUT" and "uploadId" in self.query:
            return "UploadPart"
        if self.method == "POST" and "uploads" in self.query:
            return "CreateMultipartUpload"
        return self.method


class _Server(ThreadedWSGIServer):
    """werkzeug's threaded server, remembering open connections so ``stop`` can cut them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.connections: set[socket.socket] = set()
        super().__init__(*args, **kwargs)

    def process_request(self, request: Any, client_address: Any) -> None:
        self.connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        self.connections.discard(request)
        super().shutdown_request(request)

    def cut_connections(self) -> None:
        for connection in list(self.connections):
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class S3Server:
    """moto's S3 over HTTP on 127.0.0.1, counting the S3 requests it answers."""

    def __init__(self) -> None:
        self.port = 0
        self.requests: list[Request] = []
        # (predicate, action) pairs consulted for each request: fault injection on the server.
        self.faults: list[tuple[Callable[[Request], bool], str]] = []
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._app = DomainDispatcherApplication(create_backend_app)

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _wsgi(self, environ: dict[str, Any], start_response: Any) -> Any:
        path = environ.get("PATH_INFO", "")
        if not path.startswith("/moto-api"):
            request = Request(environ["REQUEST_METHOD"], path, environ.get("QUERY_STRING", ""))
            self.requests.append(request)
            for matches, action in list(self.faults):
                if matches(request):
                    if action == "drop":  # the server dies mid-request: no answer at all
                        environ["werkzeug.socket"].shutdown(socket.SHUT_RDWR)
                        start_response("500 Internal Server Error", [])
                        return [b""]
                    body = b"<Error><Code>InternalError</Code><Message>injected</Message></Error>"
                    start_response("500 Internal Server Error", [("Content-Type", "text/xml")])
                    return [body]
        return self._app(environ, start_response)

    def start(self) -> None:
        self._server = _Server("127.0.0.1", self.port, self._wsgi, handler=MotoRequestHandler)
        self.port = self._server.server_port
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="moto-s3", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        assert self._server is not None and self._thread is not None
        self._server.shutdown()
        self._server.server_close()
        self._server.cut_connections()
        self._thread.join(timeout=10)
        self._server = None

    def count(self, method: str | None = None) -> int:
        return sum(1 for r in self.requests if method is None or r.operation == method)

    def counts(self) -> dict[str, int]:
        found: dict[str, int] = {}
        for request in self.requests:
            found[request.operation] = found.get(request.operation, 0) + 1
        return found

    def reset_counts(self) -> None:
        self.requests.clear()

    def require_credentials(self, enabled: bool) -> None:
        """Make the server check every request's credentials against its IAM users (none)."""
        data = b"0" if enabled else b"inf"
        request = urllib.request.Request(
            f"{self.endpoint_url}/moto-api/reset-auth",
            data=data,
            method="POST",
            headers={"Content-Type": "text/plain"},  # a form type would hide the body from moto
        )
        with urllib.request.urlopen(request) as response:
            json.load(response)


@pytest.fixture(scope="session")
def aws_environment() -> Iterator[None]:
    """Credentials and settings for boto3's chain, isolated from the machine's own AWS set-up."""
    with pytest.MonkeyPatch.context() as patch:
        for name in list(os.environ):
            if name.startswith(("AWS_", "IK_S3_")):
                patch.delenv(name)
        patch.setenv("AWS_ACCESS_KEY_ID", "testing")
        patch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        patch.setenv("AWS_DEFAULT_REGION", REGION)
        patch.setenv("AWS_CONFIG_FILE", os.devnull)
        patch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
        patch.setenv("AWS_EC2_METADATA_DISABLED", "true")
        # One attempt per request: counts are exact and fault tests fail fast.
        patch.setenv("AWS_MAX_ATTEMPTS", "1")
        patch.setenv("NO_PROXY", "127.0.0.1,localhost")
        yield


@pytest.fixture(scope="session")
def s3_server(aws_environment: None) -> Iterator[S3Server]:
    server = S3Server()
    server.start()
    try:
        yield server
    finally:
        if server._server is not None:
            server.stop()


@pytest.fixture
def server(s3_server: S3Server) -> Iterator[S3Server]:
    """The session's server, with counts and faults cleared, and running after the test."""
    s3_server.reset_counts()
    s3_server.faults.clear()
    yield s3_server
    s3_server.faults.clear()
    if s3_server._server is None:
        s3_server.start()
    s3_server.require_credentials(False)


@pytest.fixture(scope="session")
def admin(s3_server: S3Server) -> Any:
    """A client of the tests' own, for setting up and inspecting buckets."""
    return boto3.session.Session().client(
        "s3", endpoint_url=s3_server.endpoint_url, region_name=REGION
    )


@pytest.fixture
def bucket(admin: Any, server: S3Server) -> str:
    name = f"ik-test-{uuid.uuid4().hex[:16]}"
    admin.create_bucket(Bucket=name)
    server.reset_counts()
    return name


@pytest.fixture
def make_storage(server: S3Server, bucket: str) -> Callable[..., S3Storage]:
    def make(**options: Any) -> S3Storage:
        options.setdefault("bucket_name", bucket)
        options.setdefault("endpoint_url", server.endpoint_url)
        return S3Storage(**options)

    return make


@pytest.fixture
def storage(make_storage: Callable[..., S3Storage]) -> S3Storage:
    """Plain URLs need publicly readable objects, as on a site that serves them straight."""
    return make_storage(prefix="media", default_acl="public-read")


@pytest.fixture
def state_cache() -> MemoryStateCache:
    return MemoryStateCache()


@pytest.fixture
def s3_config(storage: S3Storage, state_cache: MemoryStateCache) -> Iterator[Config]:
    """The S3 storage and a fresh in-process state cache as the configuration in force."""
    config = Config(storage=storage, state_cache=state_cache)
    set_config(config)
    try:
        yield config
    finally:
        set_config(None)


class NamedSource(io.BytesIO):
    """Source image bytes with a storage-like name, as a model's image file would have."""

    def __init__(self, data: bytes, name: str) -> None:
        super().__init__(data)
        self.name = name


def jpeg_bytes(
    size: tuple[int, int] = (120, 90), colour: tuple[int, int, int] = (200, 40, 40)
) -> bytes:
    img = Image.new("RGB", size, colour)
    img.paste((30, 30, 220), (size[0] // 2, 0, size[0], size[1]))
    buffer = io.BytesIO()
    img.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


@pytest.fixture(scope="session")
def sources() -> list[NamedSource]:
    """Fifty small distinct source images (a page of thumbnails)."""
    return [
        NamedSource(jpeg_bytes(colour=(i * 5, 40, 40)), f"photos/p{i:02d}.jpg") for i in range(50)
    ]


def _http_get(url: str) -> tuple[int, dict[str, str], bytes]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()


@pytest.fixture
def http_get() -> Callable[[str], tuple[int, dict[str, str], bytes]]:
    """A plain HTTP GET, as a browser makes it (no boto3, no credentials).

    Returns the status, the headers (names in lower case) and the body."""
    return _http_get
