"""One shape for every error: a JSON object for API clients, a page for browsers.

``{"error": {"status": 400, "title": "Bad Request", "message": "…"}}``. Bad input is
never a 500 and never shows a traceback; an unexpected error is logged, and the client
gets a 500 that says only that.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.http import HTTP_STATUS_CODES

from awardgraph.errors import AwardgraphError, StoreUnavailable
from awardgraph.web.http import prefers_html


def init_app(app: Flask) -> None:
    app.register_error_handler(AwardgraphError, _ours)
    app.register_error_handler(HTTPException, _http)
    app.register_error_handler(Exception, _unexpected)


def error_response(status: int, message: str) -> Response:
    title = HTTP_STATUS_CODES.get(status, "Error")
    if prefers_html(request, ["application/json"]):
        page = render_template("error.html", status=status, title=title, message=message)
        response = Response(page, status, mimetype="text/html")
    else:
        body = {"error": {"status": status, "title": title, "message": message}}
        response = jsonify(body)
        response.status_code = status
    response.vary.add("Accept")
    return response


def _ours(error: AwardgraphError) -> Response:
    response = error_response(error.status, str(error))
    if isinstance(error, StoreUnavailable):
        response.headers["Retry-After"] = str(error.retry_after)
    return response


def _http(error: HTTPException) -> Response:
    if isinstance(error, RequestEntityTooLarge):
        limit = current_app.config["MAX_CONTENT_LENGTH"]
        message = (
            f"The request body is larger than {limit} bytes, the limit set by the "
            "max_request_bytes setting (AWARDGRAPH_MAX_REQUEST_BYTES)."
        )
    else:
        message = error.description or HTTP_STATUS_CODES.get(error.code or 500, "Error")
    response = error_response(error.code or 500, message)
    if error.code == 405 and (allowed := error.get_response().headers.get("Allow")):
        response.headers["Allow"] = allowed
    return response


def _unexpected(error: Exception) -> Response:
    current_app.logger.exception("Unexpected error on %s %s", request.method, request.path)
    return error_response(500, "An internal error stopped this request; it has been logged.")
