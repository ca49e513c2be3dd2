"""Registers the Optimistic strategy with the host."""

from __future__ import annotations

from ik_host import hookimpl
from ik_host.records import Strategy
from ik_strategy_optimistic import Optimistic


@hookimpl
def ik_register_strategies() -> list[Strategy]:
    return [
        Strategy(
            "optimistic",
            Optimistic,
            aliases=("imagekit.cachefiles.strategies.Optimistic",),
            description="generate when the source is saved; never check on access",
        )
    ]
