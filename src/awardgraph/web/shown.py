"""What the home, browse, search and timeline pages share: named links and a per-app cache.

A ``Shown`` is a link to a resource with its name, carrying the name's language when it
differs from the page's, so that the template marks it with ``lang`` (WCAG 3.1.2). The
cache keeps answers that cost a scan of the catalogue (counts per class, facet counts)
for the published data they were computed from: a new build has a new digest.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import current_app

from awardgraph.web.links import Label, href

T = TypeVar("T")
_SIZE = 512
_EXTENSION = "awardgraph.browse"


@dataclass(frozen=True)
class Shown:
    """A resource as a list shows it: where it links, its name, and the name's language."""

    iri: str
    href: str
    text: str
    lang: str = ""
    """The name's language when it is not the page's (for a ``lang`` attribute), else ""."""
    named: bool = True
    types: tuple[str, ...] = ()

    def json(self) -> dict[str, Any]:
        return {"iri": self.iri, "url": self.href, "label": self.text, "language": self.lang}


def shown(label: Label, language: str, base_iri: str) -> Shown:
    lang = label.language if label.language.split("-")[0] != language else ""
    return Shown(label.iri, href(label.iri, base_iri), label.text, lang, label.named, label.types)


class _Cache:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.entries: OrderedDict[Hashable, Any] = OrderedDict()


def cached(key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, remembered by this app for ``key`` (which must name the data's digest)."""
    cache: _Cache = current_app.extensions.setdefault(_EXTENSION, _Cache())
    with cache.lock:
        if key in cache.entries:
            cache.entries.move_to_end(key)
            found: T = cache.entries[key]
            return found
    value = compute()
    with cache.lock:
        cache.entries[key] = value
        while len(cache.entries) > _SIZE:
            cache.entries.popitem(last=False)
    return value
