"""Rendered pages kept for the life of a publication: the data cannot change under them.

A bounded map, least recently used dropped first, shared by a worker's threads. The
served data is read-only, so a kept page is never stale; a new publication starts a new
process (``awardgraph serve``) and so an empty cache.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable


class PageCache:
    """At most ``size`` rendered bodies (0: keep none)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, render: Callable[[], bytes]) -> bytes:
        """The body kept under ``key``, or ``render()``'s, kept (an exception is not)."""
        if not self.size:
            return render()
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                return found
        body = render()
        with self._lock:
            self._items[key] = body
            if len(self._items) > self.size:
                self._items.popitem(last=False)
        return body

    def __len__(self) -> int:
        return len(self._items)
