"""Entity pages: every IRI under the base, as HTML for people and RDF for programs."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("entities", __name__)


@bp.route("/ontology")
def ontology() -> str:
    return "ontology"


@bp.route("/<path:path>")
def entity(path: str) -> str:
    return path
