"""Home and browse pages: what the catalogue is, its classes, search and timeline."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("browse", __name__)


@bp.route("/")
def home() -> str:
    return "awardgraph"


@bp.route("/browse/<name>")
def browse_class(name: str) -> str:
    return name


@bp.route("/search")
def search() -> str:
    return "search"


@bp.route("/timeline")
def timeline() -> str:
    return "timeline"
