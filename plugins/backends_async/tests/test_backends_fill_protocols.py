"""The queue backends fill the backend contract of ``ik_host.protocols``, including the optional
Protocols the Django app's command, its system check and the workers rely on."""

from __future__ import annotations

import pytest

from ik_backends_async import RQ, AsyncBackend, Celery, Dramatiq
from ik_host import protocols as p
from tests.protocol_checks import signature_problems

FILLS = {
    p.RecordingBackend,
    p.PlaceholderBackend,
    p.StateBackend,
    p.ImmediateBackend,
    p.SchedulingBackend,
    p.KeyedBackend,
}


@pytest.mark.parametrize("cls", [Celery, RQ, Dramatiq], ids=lambda cls: cls.__name__)
def test_fills_the_backend_protocols(cls: type[AsyncBackend]) -> None:
    backend = cls()
    for protocol in (p.Backend, *FILLS):
        assert isinstance(backend, protocol), protocol.__name__
        assert signature_problems(backend, protocol) == [], protocol.__name__
    # Class methods, asked of the registered class before any instance exists.
    assert isinstance(cls, p.QueueLibraryBackend)
    assert signature_problems(cls, p.QueueLibraryBackend) == []
