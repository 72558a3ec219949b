"""Input no operation can take, refused before any view sees it.

A NUL character cannot be stored in a PostgreSQL text column, and JSON nested hundreds of
levels deep exhausts Python's recursion: both would otherwise surface as a 500 from deep
inside the database driver or the validators. Every string in the path, the query and a
JSON body is checked here once, and the problem names where it is. So are the other things
a request carries that no field's schema sees: query parameters the operation does not
take (which webargs would silently drop, so a typo in a filter would list everything),
the conditional headers' ETags, a JSON body's encoding, and the size of the body itself,
which is limited while it is read (whatever its transfer encoding), not after.
"""

from __future__ import annotations

import codecs
import dataclasses
import json
import re
import weakref
from collections.abc import Callable, Iterator, Mapping
from typing import IO, Any, TypeVar
from urllib.parse import parse_qsl

from flask import Flask, current_app, request
from werkzeug.exceptions import ClientDisconnected, RequestEntityTooLarge

from api.context import services
from api.declared import current_view, declares, layers
from api.spec import openapi_document
from api.upload_form import StreamingUploadParser, unreadable_body
from toolkits_core.service import FieldProblem, InvalidRequestError, ServiceError, entity_tags

F = TypeVar("F", bound=Callable[..., Any])

MAX_DEPTH = 32
"""How deeply a JSON body may nest; evidence payloads are a few levels at most."""
MAX_JSON_BYTES = 1024 * 1024
"""The largest JSON body: a record's text and payload, never a file (files are uploads)."""
MULTIPART_OVERHEAD = 64 * 1024
"""What an upload's body may hold besides the file: its part headers and boundaries."""
MAX_UPLOAD_PARTS = 10
"""An upload is one part (the file); a few more are tolerated, thousands are not."""
CONDITIONAL_HEADERS = ("If-Match", "If-None-Match")
JSON = "application/json"
UTF8_NAMES = frozenset({"utf-8", "utf8"})
FORM = "multipart/form-data"


class JsonTooLargeError(ServiceError):
    status = 413
    title = "Content Too Large"


class UnsupportedMediaTypeError(ServiceError):
    status = 415
    title = "Unsupported Media Type"


def _problems(value: Any, path: str, depth: int = 0) -> Iterator[FieldProblem]:
    if depth > MAX_DEPTH:
        yield FieldProblem(path, f"Nested more than {MAX_DEPTH} levels deep.", "too_deep")
        return
    if isinstance(value, str):
        if "\x00" in value:
            yield FieldProblem(path, "Text must not contain NUL (\\u0000) characters.", "nul")
        elif not _is_utf8(value):
            yield FieldProblem(
                path, "Text must be Unicode characters: a lone surrogate is not one.", "not_text"
            )
    elif isinstance(value, Mapping):
        for key, item in value.items():
            child = f"{path}/{key}" if path else str(key)
            if isinstance(key, str) and ("\x00" in key or not _is_utf8(key)):
                yield FieldProblem(child, "Names must be text without NUL characters.", "nul")
            yield from _problems(item, child, depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _problems(item, f"{path}/{index}" if path else str(index), depth + 1)


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


# What each operation declares ---------------------------------------------------------


BODY_LIMIT = "_coprod_body_limit"


def takes_body_up_to(limit: int) -> Callable[[F], F]:
    """Mark a view whose body (neither JSON nor an upload) may be up to ``limit`` bytes."""

    def mark(view: F) -> F:
        setattr(view, BODY_LIMIT, limit)
        return view

    return mark


def body_limit(view: Callable[..., Any] | None) -> int | None:
    """The body limit a view was marked with (``takes_body_up_to``), if any."""
    for layer in layers(view):
        limit = getattr(layer, BODY_LIMIT, None)
        if limit is not None:
            return int(limit)
    return None


@dataclasses.dataclass(frozen=True, slots=True)
class _Takes:
    """What a view's decorators say it reads, found once per view (they never change)."""

    json: bool
    files: bool
    body_limit: int | None


_NOTHING = _Takes(json=False, files=False, body_limit=None)
"""What a request routed to no view reads."""
_TAKES: weakref.WeakKeyDictionary[Callable[..., Any], _Takes] = weakref.WeakKeyDictionary()


def _takes(view: Callable[..., Any] | None) -> _Takes:
    if view is None:
        return _NOTHING
    found = _TAKES.get(view)
    if found is None:
        found = _Takes(declares(view, "json"), declares(view, "files"), body_limit(view))
        _TAKES[view] = found
    return found


_DOCUMENTED_QUERIES = "coprod_documented_queries"


def _documented_queries(app: Flask) -> dict[tuple[str, str], frozenset[str]]:
    """The query parameters each operation's entry in the API document lists, by endpoint
    and method. A route the document does not list (the document itself, Swagger UI) is
    not an operation, and is absent."""
    found: dict[tuple[str, str], frozenset[str]] | None = app.extensions.get(_DOCUMENTED_QUERIES)
    if found is not None:
        return found
    paths = openapi_document(app)["paths"]
    found = {}
    for rule in app.url_map.iter_rules():
        item = paths.get(re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule), {})
        for method in rule.methods or ():
            operation = item.get("get" if method == "HEAD" else method.lower())
            if operation is None:
                continue
            parameters = [*item.get("parameters", []), *operation.get("parameters", [])]
            names = frozenset(p["name"] for p in parameters if p.get("in") == "query")
            found[(rule.endpoint, method)] = names
    app.extensions[_DOCUMENTED_QUERIES] = found
    return found


def _unknown_query_parameters() -> list[FieldProblem]:
    """A problem for each query parameter the operation's entry in the document does not
    list: webargs would drop it without a word, and ``?evidence_typ=metric`` would list
    everything."""
    if request.url_rule is None or not request.args:
        return []
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    declared = _documented_queries(app).get((request.url_rule.endpoint, request.method))
    if declared is None:
        return []
    takes = (
        f"it takes {', '.join(sorted(declared))}" if declared else "it takes no query parameters"
    )
    return [
        FieldProblem(
            name,
            f"Unknown query parameter {name!r}: {takes}.",
            "unknown_field",
            location="query",
        )
        for name in request.args
        if name not in declared
    ]


def _query_not_utf8() -> list[FieldProblem]:
    """A problem for each query parameter whose percent-encoded bytes are not UTF-8.

    Werkzeug decodes the query leniently, putting U+FFFD in place of bytes that are not
    UTF-8 (a lone surrogate's CESU-8 form ``%ED%A0%80`` among them), so a filter would
    silently search for something the client never sent. The raw query is read here.
    """
    raw = request.query_string.decode("latin-1")
    if raw.isascii() and "%" not in raw:
        return []
    problems = []
    for name, value in parse_qsl(raw, keep_blank_values=True, encoding="latin-1"):
        try:
            name.encode("latin-1").decode("utf-8")
            value.encode("latin-1").decode("utf-8")
        except UnicodeDecodeError:
            field = name.encode("latin-1").decode("utf-8", "replace")
            problems.append(
                FieldProblem(
                    field,
                    "Text must be UTF-8, percent-encoded byte by byte: this is not "
                    "(a lone surrogate or a byte that is not UTF-8).",
                    "not_text",
                    location="query",
                )
            )
    return problems


def _malformed_conditions() -> list[FieldProblem]:
    """A problem for an ``If-Match`` or ``If-None-Match`` that is neither ``*`` nor a list
    of ETags (RFC 9110), on any operation, before anything is read for it."""
    problems: list[FieldProblem] = []
    for header in CONDITIONAL_HEADERS:
        value = request.headers.get(header)
        if not value:
            continue
        try:
            entity_tags(header, value)
        except InvalidRequestError as refused:
            problems += refused.problems
    return problems


# The body ------------------------------------------------------------------------------


class _ServerInput:
    """The server's ``wsgi.input``, whose failures to read are the client's broken body.

    gunicorn raises its own exceptions (a malformed chunk size, a missing chunk
    terminator) from inside a read, which werkzeug's ``LimitedStream`` would let through
    to the app as a 500. Turned into ``ValueError`` here, werkzeug reports them as the
    client's (``ClientDisconnected``), and the readers below answer 400 ``unreadable_body``.
    """

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream

    def read(self, *size: int) -> bytes:
        try:
            return self._stream.read(*size)
        except (OSError, ValueError):
            raise
        except Exception as error:
            raise ValueError(f"the request body could not be read: {error}") from error

    def readline(self, *size: int) -> bytes:
        try:
            return self._stream.readline(*size)
        except (OSError, ValueError):
            raise
        except Exception as error:
            raise ValueError(f"the request body could not be read: {error}") from error


class _UploadParser(StreamingUploadParser):
    """An upload's form, read as it arrives (``api.upload_form``), of at most
    ``MAX_UPLOAD_PARTS`` parts."""

    most_parts = MAX_UPLOAD_PARTS


def limit_the_body(takes: _Takes | None = None) -> None:
    """Limit what this request's body may be, for werkzeug to enforce while it is read.

    ``Content-Length`` is checked against it before reading, and a body without one (sent
    ``Transfer-Encoding: chunked``) is cut off as soon as it passes it: werkzeug wraps the
    input in a ``LimitedStream`` whenever the server says it ends the stream itself
    (``wsgi.input_terminated``, set by gunicorn and werkzeug's server for chunked bodies).
    An upload may be as large as the server's upload limit, any other body (JSON, or one
    no operation reads) 1 MiB. ``takes`` is what the request's view reads, if known.
    """
    asked = request._get_current_object()  # type: ignore[attr-defined]
    if takes is None:
        takes = _takes(current_view())
    asked.environ["wsgi.input"] = _ServerInput(asked.environ["wsgi.input"])
    if takes.files and not asked.is_json:
        asked.max_content_length = services().max_upload_bytes + MULTIPART_OVERHEAD
        asked.form_data_parser_class = _UploadParser
    else:
        # One byte over: werkzeug's stream stops silently at its limit when read whole, so
        # reading one more than a body may hold is how a longer one is told apart.
        asked.max_content_length = (takes.body_limit or MAX_JSON_BYTES) + 1


def _too_large() -> JsonTooLargeError:
    return JsonTooLargeError(
        "body_too_large",
        f"A JSON body may be at most {MAX_JSON_BYTES} bytes; files are uploaded on their "
        "own (PUT /api/v1/evidence/{id}/file). Nothing was stored.",
        max_bytes=MAX_JSON_BYTES,
    )


def _malformed(detail: str) -> ServiceError:
    return ServiceError("malformed_json", detail)


def _json_body() -> Any:
    """The JSON body, read within its limit and parsed strictly as UTF-8 (RFC 8259).

    Werkzeug would guess UTF-16 or UTF-32 from the first bytes, and Python's parser takes
    a byte order mark, while webargs, which parses the body again for the view, takes
    neither and would answer with werkzeug's generic 400: so each is refused here, as
    coprod's own problem, saying what to send instead.
    """
    charset = request.mimetype_params.get("charset")
    if charset is not None and charset.strip().lower() not in UTF8_NAMES:
        raise UnsupportedMediaTypeError(
            "unsupported_media_type",
            f"JSON is read as UTF-8 (RFC 8259); this body was sent as charset={charset}. "
            f"Send it as UTF-8, with Content-Type: {JSON} (charset=utf-8 may be added).",
            accepted=[JSON],
        )
    if (request.content_length or 0) > MAX_JSON_BYTES:
        raise _too_large()
    try:
        raw = request.get_data(cache=True)
    except RequestEntityTooLarge:
        raise _too_large() from None
    except ClientDisconnected:
        raise unreadable_body() from None
    if len(raw) > MAX_JSON_BYTES:
        raise _too_large()
    if raw.startswith(codecs.BOM_UTF8):
        raise _malformed(
            "The body starts with a byte order mark (U+FEFF), which JSON text must not have "
            "(RFC 8259): send it as UTF-8 without one."
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is None or "\x00" in text:  # a NUL byte: UTF-16 or UTF-32, most likely
        raise _malformed(
            "The body is not UTF-8 text (as JSON must be, RFC 8259; UTF-16 and UTF-32 are "
            "not read): send it encoded as UTF-8."
        )
    return json.loads(text)


def refuse_body_not_json(takes: _Takes | None = None) -> None:
    """Raise ``UnsupportedMediaTypeError`` (415) for a body that is not JSON sent to an
    operation that takes one.

    Without this, webargs reads such a body as no JSON at all and answers 422 "missing
    data" for every required field, which hides the real mistake (a form post, or a
    forgotten ``Content-Type``). Any ``application/json`` or ``application/*+json`` type
    (such as ``application/merge-patch+json``) is read as JSON. So too an upload's body
    that is not a form (the file sent raw, or as JSON) is 415, not "file missing".
    """
    has_body = bool(request.content_length) or (
        "chunked" in request.headers.get("Transfer-Encoding", "").lower()
    )
    if takes is None:
        takes = _takes(current_view())
    sent = request.mimetype or "no Content-Type"
    if has_body and takes.files:
        if request.mimetype != FORM:
            raise UnsupportedMediaTypeError(
                "unsupported_media_type",
                f"An upload is sent as {FORM}, with the file in the part named file (and "
                f"the file's own media type on that part); this body was sent as {sent}.",
                accepted=[FORM],
            )
        if not request.mimetype_params.get("boundary"):
            raise UnsupportedMediaTypeError(
                "unsupported_media_type",
                f"Content-Type: {FORM} needs its boundary parameter, the line that "
                "separates the form's parts. Let your HTTP library set the Content-Type of "
                "a form it sends (setting it by hand drops the boundary).",
                accepted=[FORM],
            )
    if not has_body or request.is_json or not takes.json:
        return
    raise UnsupportedMediaTypeError(
        "unsupported_media_type",
        f"This operation takes a JSON body, sent with Content-Type: {JSON}; this one was "
        f"sent as {sent}.",
        accepted=[JSON],
    )


def _bare(environ: Mapping[str, Any]) -> bool:
    """Whether the request carries nothing but its path: no body (no ``Content-Length``
    but ``0``, no ``Transfer-Encoding``), no query, no conditional header. Most reads."""
    length = environ.get("CONTENT_LENGTH")
    if length and length.strip() != "0":
        return False
    return not (
        environ.get("HTTP_TRANSFER_ENCODING")
        or environ.get("QUERY_STRING")
        or environ.get("HTTP_IF_MATCH")
        or environ.get("HTTP_IF_NONE_MATCH")
    )


def _path_problems(values: Mapping[str, Any]) -> list[FieldProblem]:
    """NULs and lone surrogates in the path's variables (ASCII text has neither of the
    latter, so only its NULs are looked for)."""
    if all(isinstance(v, str) and v.isascii() and "\x00" not in v for v in values.values()):
        return []
    return [
        FieldProblem(p.field, p.message, p.code, location="path")
        for p in _problems(dict(values), "")
    ]


def refuse_unstorable_input() -> None:
    """Limit the body, then raise 415 for a body that is not JSON where a JSON one is
    wanted, 413 for one over its limit, 400 for one that is not JSON, and
    ``InvalidRequestError`` (422) for query parameters the operation does not take,
    malformed ETags, NULs and lone surrogates anywhere, and JSON nested too deep.

    A request that carries nothing but its path (``_bare``: most reads) can only be wrong
    in its path, so only that is looked at.
    """
    asked = request._get_current_object()  # type: ignore[attr-defined]
    takes = _takes(current_view())
    limit_the_body(takes)
    if _bare(asked.environ):
        problems = _path_problems(asked.view_args or {})
        if problems:
            raise InvalidRequestError(problems)
        return
    refuse_body_not_json(takes)
    problems = _unknown_query_parameters() + _query_not_utf8() + _malformed_conditions()
    locations = {"path": dict(asked.view_args or {}), "query": asked.args.to_dict()}
    for location, values in locations.items():
        problems += [
            FieldProblem(p.field, p.message, p.code, location=location)
            for p in _problems(values, "")
        ]
    chunked = "chunked" in asked.headers.get("Transfer-Encoding", "").lower()
    if takes.json and asked.is_json and (asked.content_length or chunked):
        try:
            body = _json_body()
        except RecursionError:
            body = None
            problems.append(
                FieldProblem("", f"Nested more than {MAX_DEPTH} levels deep.", "too_deep")
            )
        except ValueError:  # json.JSONDecodeError, and numbers past Python's digit limit
            raise _malformed(
                "The body is not valid JSON (Content-Type says it is): check quotes, commas "
                "and brackets."
            ) from None
        problems += list(_problems(body, ""))
    if problems:
        raise InvalidRequestError(problems)
