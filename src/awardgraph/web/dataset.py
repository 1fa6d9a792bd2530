"""The whole dataset: dumps, its VoID and DCAT description, and the sitemap."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("dataset", __name__)


@bp.route("/dumps")
def dumps() -> str:
    return "dumps"


@bp.route("/.well-known/void")
def void() -> str:
    return "void"


@bp.route("/sitemap.xml")
def sitemap() -> str:
    return "sitemap"
