"""The library's public pages: ``/library`` and ``/library/{slug}``, for anyone to read.

Off unless the operator turns them on (``COPROD_PUBLIC_LIBRARY``; ``coprod serve --demo``
does). They need no key, show only published case studies, and of those only evidence
that is ``publishable``, files included (``/library/{slug}/files/{evidence_id}``, so the
audio plays from the page). Each page carries the API's security headers, with a
Content-Security-Policy that allows its own inline styles by hash, its own media, and
nothing else: no script at all.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, Response, current_app, request

from api import renderings
from api.charts import charts
from api.context import request_session, services
from api.resources.case_studies import content_document
from api.resources.evidence import StoredBytes
from api.settings import ConfigurationError, setting, source
from toolkits_core.service import (
    DEFAULT_LIMIT,
    LibraryFilters,
    NotFoundError,
    library_entry,
    open_published_file,
    published_content,
    search_library,
)

PUBLIC_LIBRARY_VARIABLE = "COPROD_PUBLIC_LIBRARY"
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}

blueprint = Blueprint("public_library", __name__)


def public_library_on(config: dict[str, Any]) -> bool:
    value = str(setting(config, "PUBLIC_LIBRARY", PUBLIC_LIBRARY_VARIABLE, "")).strip().lower()
    if value not in _TRUE | _FALSE:
        raise ConfigurationError(
            f"{source(config, 'PUBLIC_LIBRARY', PUBLIC_LIBRARY_VARIABLE)} is {value!r}: give "
            "1 to serve the library's public pages, or 0 (the default) not to."
        )
    return value in _TRUE


def install(app: Flask) -> None:
    app.register_blueprint(blueprint)


def _page(html: str, status: int = 200) -> Response:
    response = current_app.response_class(html, status=status, mimetype="text/html")
    response.headers["Content-Security-Policy"] = renderings.page_policy(html)
    response.headers["Cache-Control"] = "no-cache"
    return response


@blueprint.errorhandler(NotFoundError)
def _not_found(_error: NotFoundError) -> Response:
    return _page(renderings.not_found_page(), 404)


_FILTERS = ("q", "toolkit", "stage", "theme", "place", "year")


@blueprint.route("/library")
def library() -> Response:
    """The library's front page: a search form and one page of results."""
    asked = {name: request.args.get(name, "").strip()[:200] for name in _FILTERS}
    year = asked["year"]
    filters = LibraryFilters(
        **{name: value or None for name, value in asked.items() if name != "year"},
        year=int(year) if year.isdigit() else None,
    )
    cursor = request.args.get("cursor") or None
    page = search_library(request_session(), filters, limit=DEFAULT_LIMIT, cursor=cursor)
    next_query = None
    if page.next_cursor:
        next_query = {**{k: v for k, v in asked.items() if v}, "cursor": page.next_cursor}
    return _page(renderings.library_page(page.items, asked, next_query))


@blueprint.route("/library/<string:slug>")
def case_study(slug: str) -> Response:
    held = services()
    session = request_session()
    entry = library_entry(session, slug)
    content = published_content(session, held.host, held.files, entry)
    document = content_document(content)
    page = renderings.html(
        document,
        charts(content),
        media_url=lambda evidence_id: f"/library/{entry.slug}/files/{evidence_id}",
        back_link="/library",
    )
    return _page(page)


@blueprint.route("/library/<string:slug>/files/<string:evidence_id>")
def file(slug: str, evidence_id: str) -> Response:
    """A published recording or picture, only while it may be published."""
    held = services()
    session = request_session()
    entry = library_entry(session, slug)
    evidence, stream = open_published_file(session, held.files, entry, evidence_id)
    assert evidence.file_size is not None
    response = current_app.response_class(
        StoredBytes(stream),
        mimetype=evidence.file_content_type or "application/octet-stream",
        direct_passthrough=True,
    )
    response.content_length = evidence.file_size
    response.set_etag(evidence.file_sha256 or "")
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.cache_control.no_cache = True
    response.make_conditional(request, accept_ranges=True, complete_length=evidence.file_size)
    return response
