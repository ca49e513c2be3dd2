"""The test services start on their own when the machine has none running."""

from __future__ import annotations

import socket

from tests import services


def _send(port: int, payload: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(payload)
        return sock.recv(100)


def test_private_redis_starts_answers_and_stops() -> None:
    address, server = services.start_redis()
    assert address.own and address.port != 6379
    assert _send(address.port, b"PING\r\n") == b"+PONG\r\n"
    services._stop(server, None)
    assert server.poll() is not None


def test_private_postgres_starts_with_a_test_database() -> None:
    import psycopg  # noqa: PLC0415  (only this test and the Django tests need it)

    address = services.start_postgres()
    assert address.own and address.port != 5432
    with psycopg.connect(
        host=address.host, port=address.port, user="postgres", dbname="test"
    ) as conn:
        assert conn.execute("select 1 + 1").fetchone() == (2,)
