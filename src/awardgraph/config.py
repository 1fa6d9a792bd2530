"""Settings in one declared place: explicit value > ``AWARDGRAPH_*`` environment > the
config file > default.

The config file is TOML (``awardgraph.toml`` in the root, or the file ``AWARDGRAPH_CONFIG``
names), one key per setting, named as the settings are (``store = "http://…"``).
Paths are checked lazily, when a command needs them, so that ``--help`` works anywhere.
Relative paths are taken relative to ``root`` (the source checkout by default).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, TypeVar
from urllib.parse import urlsplit

from awardgraph.errors import ConfigError

DEFAULT_BASE_IRI = "https://awardgraph.example/"
DEFAULT_LICENSE = "https://creativecommons.org/licenses/by/4.0/"
ENV_PREFIX = "AWARDGRAPH_"
CONFIG_FILE = "awardgraph.toml"
REMOTE_SCHEMES = ("http://", "https://")
DATA_SUFFIXES = (".trig", ".ttl")

PathSetting = Literal["data_dir", "ontology_file", "shapes_file", "queries_dir", "context_file"]

# setting -> (default, what it is called in messages)
_PATHS: Mapping[PathSetting, tuple[Path, str]] = MappingProxyType(
    {
        "data_dir": (Path("data"), "Data directory"),
        "ontology_file": (Path("ontology/awardgraph.ttl"), "Ontology file"),
        "shapes_file": (Path("ontology/shapes.ttl"), "Shape file"),
        "queries_dir": (Path("queries"), "Queries directory"),
        "context_file": (Path(__file__).parent / "context.jsonld", "JSON-LD context file"),
    }
)


N = TypeVar("N", int, float)


def _number(name: str, given: object, default: N) -> N:
    """A limit from an override or the environment: a number >= 0 of the default's type."""
    if given is None:
        return default
    kind = type(default)
    try:
        value = kind(given) if isinstance(given, int | float) else kind(str(given))
    except ValueError:
        value = kind(-1)
    if value < 0:
        whole = "whole " if kind is int else ""
        raise ConfigError(
            f"Setting {name} must be a {whole}number >= 0, not '{given}'. "
            f"Set {ENV_PREFIX}{name.upper()}."
        )
    return value


@dataclass(frozen=True)
class Config:
    """Where the catalogue's files are and how its IRIs are minted."""

    root: Path
    data_dir: Path
    ontology_file: Path
    shapes_file: Path
    queries_dir: Path
    context_file: Path
    base_iri: str = DEFAULT_BASE_IRI
    store_path: Path | None = None
    """An on-disk Oxigraph store (the ``store`` setting when it is a directory)."""
    store_url: str | None = None
    """A SPARQL 1.1 server's query endpoint (the ``store`` setting when it is a URL)."""
    store_update: str | None = None
    """The server's SPARQL Update endpoint, where it is not the query endpoint."""
    store_data: str | None = None
    """The server's Graph Store Protocol endpoint, used to load the data when given."""
    store_default_graph: str | None = None
    """A named graph that stands in for the default graph on a server whose own default
    graph awardgraph cannot fill (Virtuoso's is the union of all graphs, its own included)."""
    query_timeout: float = 10.0
    """Seconds a SPARQL query may run on the web before it is abandoned (0: no limit)."""
    max_rows: int = 10_000
    """Rows (or triples) a web query returns at most; more are cut, and the answer says so."""
    max_request_bytes: int = 1_000_000
    """The largest request body the web app reads (a query sent by POST)."""
    page_cache: int = 2_000
    """Entity pages and descriptions each web worker keeps rendered (0: none); the data
    does not change while it is served, so a kept page is never stale."""
    dumps_dir: Path | None = None
    """Where the whole-dataset dumps are written (default: beside the store, or a
    directory under the system's temporary directory named by the data's digest)."""
    cache_dir: Path | None = None
    """Where validation results are kept, so that an unchanged data file is not validated
    again (``load``'s default: ``$XDG_CACHE_HOME/awardgraph``, else ``~/.cache/awardgraph``;
    ``None``: keep none)."""
    license: str = DEFAULT_LICENSE
    """The licence the publisher grants on the dataset, as an IRI (no source states one)."""
    proxy_hops: int = 0
    """Reverse proxies in front of the web app whose ``X-Forwarded-For``, ``-Proto``,
    ``-Host`` and ``-Port`` headers are trusted (0: trust none, the app is reached directly)."""

    def __post_init__(self) -> None:
        if not self.base_iri.endswith(("/", "#")):
            raise ConfigError(
                f"Base IRI '{self.base_iri}' must end in '/' or '#' so that relative IRIs "
                f"such as <award/x> resolve under it. Set {ENV_PREFIX}BASE_IRI."
            )
        for name in ("store_url", "store_update", "store_data"):
            value = getattr(self, name)
            if value is not None and not str(value).startswith(REMOTE_SCHEMES):
                raise ConfigError(
                    f"Setting {name} must be an http:// or https:// URL, not '{value}'. "
                    f"Set {ENV_PREFIX}{'STORE' if name == 'store_url' else name.upper()}."
                )
        graph = self.store_default_graph
        if graph is not None and (not urlsplit(graph).scheme or " " in graph):
            raise ConfigError(
                f"Setting store_default_graph must be an absolute IRI, such as "
                f"urn:x-awardgraph:default, not '{graph}'. Set {ENV_PREFIX}STORE_DEFAULT_GRAPH."
            )
        if not urlsplit(self.license).scheme or " " in self.license:
            raise ConfigError(
                f"Licence '{self.license}' must be an absolute IRI, such as "
                f"{DEFAULT_LICENSE}. Set {ENV_PREFIX}LICENSE."
            )

    @classmethod
    def load(cls, **overrides: str | Path | float | None) -> Config:
        """Resolve every setting; an override of ``None`` counts as not given.

        ``store`` (a directory or a URL) sets ``store_path`` or ``store_url``; ``config``
        names the config file.
        """
        names = {f.name for f in fields(cls)}
        unknown = sorted(set(overrides) - names - {"store", "config"})
        if unknown:
            raise ConfigError(f"Unknown setting(s) {unknown}. Settings: {sorted(names)}.")

        def given(name: str) -> Any:
            if (value := overrides.get(name)) is not None:
                return value
            return os.environ.get(ENV_PREFIX + name.upper()) or None

        root = Path(given("root") or Path(__file__).resolve().parents[2]).resolve()
        found = _config_file(root, given("config"), names - {"root"} | {"store"})

        def pick(name: str) -> Any:
            value = given(name)
            return found.get(name) if value is None else value

        paths = {name: root / Path(pick(name) or default) for name, (default, _) in _PATHS.items()}
        store = pick("store") or pick("store_path") or pick("store_url")
        remote = isinstance(store, str) and store.startswith(REMOTE_SCHEMES)
        dumps = pick("dumps_dir")
        cache = pick("cache_dir")
        return cls(
            root=root,
            base_iri=str(pick("base_iri") or DEFAULT_BASE_IRI),
            store_path=None if store is None or remote else root / Path(store),
            store_url=store if remote else None,
            store_update=pick("store_update"),
            store_data=pick("store_data"),
            store_default_graph=pick("store_default_graph"),
            dumps_dir=None if dumps is None else root / Path(dumps),
            cache_dir=_user_cache() if cache is None else root / Path(cache),
            license=str(pick("license") or DEFAULT_LICENSE),
            query_timeout=_number("query_timeout", pick("query_timeout"), cls.query_timeout),
            max_rows=_number("max_rows", pick("max_rows"), cls.max_rows),
            max_request_bytes=_number(
                "max_request_bytes", pick("max_request_bytes"), cls.max_request_bytes
            ),
            page_cache=_number("page_cache", pick("page_cache"), cls.page_cache),
            proxy_hops=_number("proxy_hops", pick("proxy_hops"), cls.proxy_hops),
            **paths,
        )

    def display(self, path: Path) -> str:
        """Show ``path`` relative to the root when it lies under it."""
        try:
            return str(path.relative_to(self.root))
        except ValueError:
            return str(path)

    def require(self, setting: PathSetting) -> Path:
        """Return the file or directory a setting names, or say how to fix its absence."""
        path: Path = getattr(self, setting)
        exists = path.is_dir() if setting.endswith("_dir") else path.is_file()
        if not exists:
            label = _PATHS[setting][1]
            raise ConfigError(
                f"{label} '{self.display(path)}' not found. "
                f"Set {ENV_PREFIX}{setting.upper()} or run from the project root."
            )
        return path

    def data_files(self) -> list[Path]:
        """List the data files, sorted; at least one must exist."""
        directory = self.require("data_dir")
        files = sorted(p for p in directory.iterdir() if p.suffix in DATA_SUFFIXES)
        if not files:
            raise ConfigError(
                f"No data files ({', '.join('*' + s for s in DATA_SUFFIXES)}) in "
                f"'{self.display(directory)}'. Set {ENV_PREFIX}DATA_DIR or add TriG files."
            )
        return files


def _config_file(root: Path, named: str | Path | None, settings: set[str]) -> dict[str, Any]:
    """The settings of the config file ``named`` (must exist) or ``root/awardgraph.toml``."""
    path = root / Path(named) if named else root / CONFIG_FILE
    if not named and not path.is_file():
        return {}
    try:
        found = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigError(
            f"Config file '{path}' cannot be read: {error.strerror}. Set {ENV_PREFIX}CONFIG."
        ) from error
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"Config file '{path}' is not valid TOML: {error}.") from error
    unknown = sorted(set(found) - settings)
    if unknown:
        raise ConfigError(
            f"Config file '{path}' has unknown setting(s) {unknown}. Settings: {sorted(settings)}."
        )
    return {name: value for name, value in found.items() if value != ""}


def _user_cache() -> Path:
    """The user's cache directory for awardgraph (XDG Base Directory Specification)."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "awardgraph"
