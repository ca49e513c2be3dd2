"""ClearingMemo: a bounded memo that empties itself when full."""

from __future__ import annotations

from ik_host.memo import ClearingMemo


def test_keeps_values_up_to_its_limit_then_starts_again():
    memo: ClearingMemo[int] = ClearingMemo(3)
    assert [memo.keep(key, value) for key, value in (("a", 1), ("b", 2), ("c", 3))] == [1, 2, 3]
    assert dict(memo) == {"a": 1, "b": 2, "c": 3}
    assert memo.keep("d", 4) == 4
    assert dict(memo) == {"d": 4}  # full: emptied before keeping the fourth


def test_keeping_a_known_key_again_replaces_its_value():
    memo: ClearingMemo[str] = ClearingMemo(2)
    memo.keep("a", "old")
    memo.keep("a", "new")
    assert dict(memo) == {"a": "new"}
