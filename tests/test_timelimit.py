"""The time limit: answers, errors and abandoned calls, and a pool that reuses its threads."""

from __future__ import annotations

import threading
import time

import pytest

from awardgraph.errors import QueryTimeout
from awardgraph.timelimit import TimeLimit


def test_returns_the_value_and_raises_the_error() -> None:
    limit = TimeLimit(5)
    assert limit(lambda: 42) == 42
    with pytest.raises(ZeroDivisionError):
        limit(lambda: 1 // 0)


def test_reuses_its_threads() -> None:
    limit = TimeLimit(5)
    before = threading.active_count()
    for n in range(50):
        assert limit(lambda n=n: n * 2) == n * 2  # type: ignore[misc]
    assert threading.active_count() - before <= 1


def test_abandons_a_call_past_the_limit() -> None:
    limit = TimeLimit(0.05)
    release = threading.Event()
    with pytest.raises(QueryTimeout, match=r"0\.05 s"):
        limit(lambda: release.wait(5))
    assert limit.abandoned == 1
    assert limit(lambda: "still answering") == "still answering"
    release.set()
    deadline = time.monotonic() + 5
    while limit.abandoned and time.monotonic() < deadline:
        time.sleep(0.01)
    assert limit.abandoned == 0


def test_no_limit_runs_in_the_calling_thread() -> None:
    assert TimeLimit(0)(threading.current_thread) is threading.current_thread()
