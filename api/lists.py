"""Lists: the same ``limit`` and ``cursor`` everywhere, the same body, a ``Link`` header."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

import marshmallow as ma
from flask import current_app, request

from api.serialise import compiled
from toolkits_core.service import DEFAULT_LIMIT, MAX_LIMIT, SEARCH_QUERY_LENGTH, Page, words_of

EARLIEST = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
LATEST = dt.datetime(9000, 1, 1, tzinfo=dt.UTC)
AWARE_TIME_NEEDED = "Give the time with its offset from UTC, such as 2026-03-01T09:00:00Z."


class ListArgs(ma.Schema):
    limit = ma.fields.Integer(
        load_default=DEFAULT_LIMIT,
        validate=ma.validate.Range(min=1, max=MAX_LIMIT),
        metadata={"description": f"Items per page (1 to {MAX_LIMIT})."},
    )
    cursor = ma.fields.String(
        validate=ma.validate.Length(min=1, max=200),
        metadata={"description": "next_cursor from the previous page, as it was given."},
    )


class MirrorArgs(ListArgs):
    """Filters for records an integrator mirrors into its own system."""

    external_ref = ma.fields.String(
        validate=ma.validate.Length(min=1, max=200),
        metadata={"description": "Only the record with this external reference."},
    )
    updated_since = ma.fields.AwareDateTime(
        default_timezone=None,
        validate=ma.validate.Range(min=EARLIEST, max=LATEST),
        error_messages={"invalid_awareness": AWARE_TIME_NEEDED},
        metadata={
            "description": "Only records changed at or after this RFC 3339 time, listed "
            "in the order they last changed (updated_at, then id): a record changed during "
            "the walk comes round again at its end."
        },
    )


def _has_a_word(text: str) -> None:
    if not words_of(text):
        raise ma.ValidationError("Give at least one word (letters or digits) to look for.")


class SearchArgs(MirrorArgs):
    """The filters of a list of records people write in, with a full-text search."""

    q = ma.fields.String(
        validate=[ma.validate.Length(min=1, max=SEARCH_QUERY_LENGTH), _has_a_word],
        metadata={
            "description": "Only records holding every word of this text, in what people "
            "wrote (titles, summaries and descriptions, evidence payloads' texts), "
            "matched in any form of the word (walks finds walk). Only words count: "
            "quotes, operators and other punctuation are ignored. The list keeps its order "
            "and its keyset pages, and q combines with every other filter."
        },
    )


_PAGE_SCHEMAS: dict[str, type[ma.Schema]] = {}


def page_schema(item: type[ma.Schema]) -> type[ma.Schema]:
    """The ``{items, next_cursor}`` schema for a list of ``item``."""
    name = item.__name__.removesuffix("Schema") + "PageSchema"
    if name not in _PAGE_SCHEMAS:
        _PAGE_SCHEMAS[name] = type(
            name,
            (ma.Schema,),
            {
                "items": ma.fields.List(ma.fields.Nested(item), required=True),
                "next_cursor": ma.fields.String(
                    allow_none=True,
                    required=True,
                    metadata={"description": "Pass as cursor for the next page; null at the end."},
                ),
            },
        )
    return _PAGE_SCHEMAS[name]


def page_reply(
    page: Page[Any], item: type[ma.Schema] | None = None
) -> tuple[Any, int, dict[str, str]]:
    """The answer for one page, with its ``Link`` header.

    Given the ``item`` schema, the page is dumped here by ``api.serialise`` (exactly what
    ``page_schema(item)`` dumps, built faster) and encoded by the app's JSON provider, as
    ``jsonify`` would; the view's ``@blueprint.response(200, page_schema(item))`` still
    documents it. Without it, the body is left for that decorator to dump.
    """
    headers = {}
    if page.next_cursor is not None:
        query = {key: value for key, value in request.args.items() if key != "cursor"}
        query["cursor"] = page.next_cursor
        headers["Link"] = f'<{request.base_url}?{urlencode(query)}>; rel="next"'
    if item is None:
        return {"items": page.items, "next_cursor": page.next_cursor}, 200, headers
    body = compiled(page_schema(item))(page)  # reads page.items and page.next_cursor
    return current_app.json.response(body), 200, headers
