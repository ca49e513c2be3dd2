"""Optimistic fills the strategy contract of ``ik_host.protocols``: it acts on source saves and
vouches for existence, and is told of nothing else."""

from __future__ import annotations

from ik_host import protocols as p
from ik_strategy_optimistic import Optimistic
from tests.protocol_checks import signature_problems


def test_is_a_strategy_acting_on_source_saves_that_vouches_for_existence() -> None:
    strategy = Optimistic()
    required, optional = p.ROLES["strategy"]
    assert isinstance(strategy, required)
    fills = {p.SourceSavedStrategy, p.VerifyingStrategy}
    for protocol in optional:
        assert isinstance(strategy, protocol) is (protocol in fills), protocol.__name__
    for protocol in (required, *fills):
        assert signature_problems(strategy, protocol) == [], protocol.__name__
