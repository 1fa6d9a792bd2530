"""Typed errors, each carrying its HTTP status and its command-line exit code.

The hierarchy, so that the web layer and the CLI can each handle one base class::

    AwardgraphError
    ├── ConfigError          a setting or a required file is missing or wrong
    ├── DataSyntaxError      a data, ontology or shapes file does not parse
    ├── ValidationFailed     the data does not conform to the SHACL shapes
    ├── BadQuery             a SPARQL query, a parameter value or a format is wrong
    │   ├── UnknownFormat    a format name, suffix or media type that the table lacks
    │   ├── NotAcceptable    no format the client accepts fits the answer (406)
    │   ├── UnsupportedMediaType  a request body of a media type we do not read (415)
    │   └── Refused          a request the read-only, safe endpoint will not run (403)
    ├── QueryTimeout         a query ran past the time limit (503)
    ├── StoreUnavailable     a remote SPARQL store does not answer (503)
    └── NotFound             an entity, a canned query or a store does not exist

Exit codes follow pySHACL's: 0 conforms, 1 does not conform, 2 anything else.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from awardgraph.validate import Report


def _shown(path: Path) -> str:
    """Show a path relative to the working directory when it lies under it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


class AwardgraphError(Exception):
    """Base class: ``status`` is the HTTP status, ``exit_code`` the CLI exit code."""

    status: int = 500
    exit_code: int = 2


class ConfigError(AwardgraphError):
    """A setting is invalid or a file or directory it names is missing."""

    status = 500
    exit_code = 2


class DataSyntaxError(AwardgraphError):
    """An RDF file does not parse; names the file and, when known, the line."""

    status = 500
    exit_code = 2

    def __init__(self, file: Path | str, line: int | None, message: str) -> None:
        self.file = Path(file)
        self.line = line
        self.message = message
        where = _shown(self.file) + (f", line {line}" if line is not None else "")
        super().__init__(f"{where}: {message}")


class ValidationFailed(AwardgraphError):
    """The data does not conform to the shapes; ``report`` lists every violation."""

    status = 422
    exit_code = 1

    def __init__(self, report: Report) -> None:
        self.report = report
        count = len(report.violations)
        super().__init__(
            f"The data does not conform to the shapes ({count} violation"
            f"{'' if count == 1 else 's'}). See https://www.w3.org/TR/shacl/#validation-report"
        )


class BadQuery(AwardgraphError):
    """A SPARQL query does not parse or run, or a parameter value is wrong."""

    status = 400
    exit_code = 2


class UnknownFormat(BadQuery):
    """A format name, suffix or media type that the format table does not list."""


class NotAcceptable(BadQuery):
    """None of the media types a client accepts can carry the answer."""

    status = 406


class UnsupportedMediaType(BadQuery):
    """A request body whose media type the endpoint does not read."""

    status = 415


class Refused(BadQuery):
    """SPARQL Update, federation (``SERVICE``) or a ``file:`` IRI on the read-only endpoint."""

    status = 403


class QueryTimeout(AwardgraphError):
    """A query ran longer than the ``query_timeout`` setting and was abandoned."""

    status = 503


class StoreUnavailable(AwardgraphError):
    """A remote SPARQL store is down, unreachable or failing; worth retrying later."""

    status = 503
    retry_after = 5
    """Seconds a client is asked to wait (the ``Retry-After`` header)."""


class NotFound(AwardgraphError):
    """An entity, a canned query or an on-disk store does not exist."""

    status = 404
    exit_code = 2
