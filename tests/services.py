"""Real services for the tests: use the machine's, or start (and if need be install) our own.

``postgres()``, ``redis()`` and ``rabbitmq()`` return where to connect. They first try the
standard local port; when nothing answers there they start a private instance on a free
127.0.0.1 port, installing the Debian package first if its binaries are missing. If that fails
too, they raise ``ServiceUnavailable`` saying what was tried: a run never skips a service
silently.
"""

from __future__ import annotations

import atexit
import functools
import glob
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass


class ServiceUnavailable(RuntimeError):
    pass


@dataclass(frozen=True)
class Address:
    host: str
    port: int
    own: bool  # started by these tests, not the machine's


def _answers(port: int, host: str = "127.0.0.1") -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(port: int, what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if _answers(port):
            return
        time.sleep(0.1)
    raise ServiceUnavailable(f"{what} started on 127.0.0.1:{port} but never answered")


def _apt_install(package: str) -> None:
    if shutil.which("apt-get") is None:
        raise ServiceUnavailable(f"{package} is missing and there is no apt-get to install it")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", package]):
        result = subprocess.run(command, capture_output=True, text=True, env=env)
        if result.returncode != 0:
            raise ServiceUnavailable(f"`{' '.join(command)}` failed: {result.stderr[-500:]}")


def _postgres_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        _apt_install("postgresql")
        found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise ServiceUnavailable(f"PostgreSQL's {name} is missing even after installing postgresql")
    return found[-1]


def _as_postgres_user(command: list[str]) -> list[str]:
    # initdb and postgres refuse to run as root.
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def start_postgres() -> Address:
    """A private PostgreSQL cluster on a free port with trust auth and a ``test`` database."""
    port = free_port()
    data = tempfile.mkdtemp(prefix="ik-pg-")
    if os.geteuid() == 0:
        shutil.chown(data, "postgres")
    run = functools.partial(subprocess.run, capture_output=True, text=True)
    init = run(
        _as_postgres_user([_postgres_bin("initdb"), "-D", data, "-A", "trust", "-U", "postgres"])
    )
    if init.returncode != 0:
        raise ServiceUnavailable(f"initdb failed: {init.stderr[-500:]}")
    server = subprocess.Popen(
        _as_postgres_user(
            [
                _postgres_bin("postgres"),
                "-D",
                data,
                "-p",
                str(port),
                "-h",
                "127.0.0.1",
                "-k",
                data,
                "-F",
            ]
        ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    atexit.register(_stop, server, data)
    _wait_for(port, "PostgreSQL")
    created = run(
        _as_postgres_user(
            [
                _postgres_bin("createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(port),
                "-U",
                "postgres",
                "test",
            ]
        )
    )
    if created.returncode != 0:
        raise ServiceUnavailable(f"createdb test failed: {created.stderr[-500:]}")
    return Address("127.0.0.1", port, own=True)


def start_redis(port: int | None = None) -> tuple[Address, subprocess.Popen[bytes]]:
    """A private Redis on ``port`` (default: a free one) that keeps nothing on disk."""
    binary = shutil.which("redis-server")
    if binary is None:
        _apt_install("redis-server")
        binary = shutil.which("redis-server")
    if binary is None:
        raise ServiceUnavailable("redis-server is missing even after installing redis-server")
    port = port or free_port()
    server = subprocess.Popen(
        [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    atexit.register(_stop, server, None)
    _wait_for(port, "Redis")
    return Address("127.0.0.1", port, own=True), server


def _rabbitmq_server() -> str:
    for candidate in ("/usr/lib/rabbitmq/bin/rabbitmq-server", shutil.which("rabbitmq-server")):
        if candidate and os.path.exists(candidate):
            return candidate
    _apt_install("rabbitmq-server")
    if os.path.exists("/usr/lib/rabbitmq/bin/rabbitmq-server"):
        return "/usr/lib/rabbitmq/bin/rabbitmq-server"
    raise ServiceUnavailable("rabbitmq-server is missing even after installing rabbitmq-server")


def start_rabbitmq(port: int | None = None) -> tuple[Address, subprocess.Popen[bytes]]:
    """A private RabbitMQ node on ``port`` (default: a free one), its data in a temporary
    directory, with the stock ``guest``/``guest`` user (allowed from 127.0.0.1 only)."""
    binary = _rabbitmq_server()
    port = port or free_port()
    data = tempfile.mkdtemp(prefix="ik-rabbitmq-")
    with open(os.path.join(data, "enabled_plugins"), "w") as plugins:
        plugins.write("[].\n")
    env = {
        **os.environ,
        "HOME": data,  # the Erlang cookie goes here
        "RABBITMQ_NODENAME": f"ik-test-{port}@localhost",
        "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1",
        "RABBITMQ_NODE_PORT": str(port),
        "RABBITMQ_DIST_PORT": str(free_port()),
        "RABBITMQ_MNESIA_BASE": os.path.join(data, "mnesia"),
        "RABBITMQ_LOG_BASE": os.path.join(data, "log"),
        "RABBITMQ_ENABLED_PLUGINS_FILE": os.path.join(data, "enabled_plugins"),
        "RABBITMQ_CONFIG_FILE": os.path.join(data, "rabbitmq"),
        "RABBITMQ_PID_FILE": os.path.join(data, "rabbitmq.pid"),
        "ERL_EPMD_ADDRESS": "127.0.0.1",
    }
    server = subprocess.Popen(
        [binary], env=env, cwd=data, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,  # the script starts Erlang: stop the whole group
    )
    atexit.register(_stop_group, server, data)
    _wait_for(port, "RabbitMQ", seconds=60)
    return Address("127.0.0.1", port, own=True), server


def _stop_group(server: subprocess.Popen[bytes], data: str | None) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
    if data:
        shutil.rmtree(data, ignore_errors=True)


def _stop(server: subprocess.Popen[bytes], data: str | None) -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
    if data:
        shutil.rmtree(data, ignore_errors=True)


@functools.cache
def postgres() -> Address:
    """The machine's PostgreSQL on 5432 if it answers, else a private one."""
    if _answers(5432):
        return Address("127.0.0.1", 5432, own=False)
    try:
        return start_postgres()
    except (OSError, ServiceUnavailable) as exc:
        raise ServiceUnavailable(
            f"PostgreSQL: nothing on 127.0.0.1:5432 and starting a private one failed: {exc}"
        ) from exc


@functools.cache
def redis() -> Address:
    """The machine's Redis on 6379 if it answers, else a private one."""
    if _answers(6379):
        return Address("127.0.0.1", 6379, own=False)
    try:
        return start_redis()[0]
    except (OSError, ServiceUnavailable) as exc:
        raise ServiceUnavailable(
            f"Redis: nothing answers on 127.0.0.1:6379 and starting a private one failed: {exc}"
        ) from exc


@functools.cache
def rabbitmq() -> Address:
    """The machine's RabbitMQ on 5672 if it answers, else a private one."""
    if _answers(5672):
        return Address("127.0.0.1", 5672, own=False)
    try:
        return start_rabbitmq()[0]
    except (OSError, ServiceUnavailable) as exc:
        raise ServiceUnavailable(
            f"RabbitMQ: nothing answers on 127.0.0.1:5672 and starting a private one failed: {exc}"
        ) from exc
