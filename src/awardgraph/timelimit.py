"""A time limit for queries: the engine cannot be interrupted, so the caller stops waiting.

Oxigraph releases the GIL while it evaluates, so a query runs in a daemon thread (one of
a pool: starting a thread per query would cost more than a small query) while the
request thread waits at most ``seconds``; past that, the request gets
``QueryTimeout`` (503) and the query is *abandoned*: it still runs until it ends. The
server stops a worker process that holds an abandoned query once the worker's current
requests are answered, which ends the query (see ``serve.py``).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from awardgraph.errors import QueryTimeout

T = TypeVar("T")


class _Call(Generic[T]):
    def __init__(self, call: Callable[[], T]) -> None:
        self.call = call
        self.done = threading.Event()
        self.value: T | None = None
        self.error: BaseException | None = None

    def __call__(self) -> None:
        try:
            self.value = self.call()
        except BaseException as error:  # handed to the waiting thread
            self.error = error
        finally:
            self.done.set()


class TimeLimit:
    """Run calls for at most ``seconds`` (0: no limit, in the calling thread)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._abandoned: list[_Call[object]] = []
        self._lock = threading.Lock()
        self._jobs: queue.SimpleQueue[_Call[object]] = queue.SimpleQueue()
        self._idle = 0  # pool threads waiting for a job that no caller has claimed yet

    def __call__(self, call: Callable[[], T]) -> T:
        if not self.seconds:
            return call()
        job = _Call(call)
        with self._lock:
            claimed = self._idle > 0
            self._idle -= claimed
        if claimed:
            self._jobs.put(job)  # type: ignore[arg-type]
        else:
            threading.Thread(
                target=self._work, args=(job,), name="awardgraph-query", daemon=True
            ).start()
        if not job.done.wait(self.seconds):
            with self._lock:
                self._abandoned.append(job)  # type: ignore[arg-type]
            raise QueryTimeout(
                f"The query ran longer than {self.seconds:g} s, the time limit, and was "
                "stopped. Narrow its patterns or add a LIMIT; the limit is the "
                "query_timeout setting (AWARDGRAPH_QUERY_TIMEOUT)."
            )
        if job.error is not None:
            raise job.error
        return job.value  # type: ignore[return-value]

    def _work(self, job: _Call[object]) -> None:
        while True:
            job()
            with self._lock:
                self._idle += 1
            job = self._jobs.get()

    @property
    def abandoned(self) -> int:
        """How many abandoned queries are still running."""
        with self._lock:
            self._abandoned = [job for job in self._abandoned if not job.done.is_set()]
            return len(self._abandoned)
