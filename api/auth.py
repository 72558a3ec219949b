"""Bearer API keys: who is calling, and whether their key has the scope an operation needs.

Every operation under /api/v1 declares its scope with ``@requires(Scope.X)``; the check
runs before the arguments are parsed, so a caller without a key hears 401 and one without
the scope 403, whatever they sent. A request to an operation that declares no scope is
refused, so a new endpoint cannot be left open by mistake.

The caller is found (``identify_caller``) and its scope checked (``require_scope``) in two
steps, so that the rate limiter can count a request against its key in between: a key past
its quota hears 429 whatever it asks, including what its scope would refuse.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import current_app, g, request

from api.context import request_session
from toolkits_core.service import AuthenticationError, Scope, authenticate

F = TypeVar("F", bound=Callable[..., Any])

BEARER = "bearer"
SECURITY: list[dict[str, list[str]]] = [{BEARER: []}]
SECURITY_SCHEME = {
    "type": "http",
    "scheme": "bearer",
    "description": "An API key (coprod_key_...), from `coprod keys create` or POST /api/v1/keys.",
}
SCOPE_ATTRIBUTE = "_coprod_scope"
SCOPE_EXTENSION = "x-required-scope"
READ_METHODS = frozenset({"GET", "HEAD"})
"""Methods that only read: with the read scope, their session needs no transaction."""
TOKEN_PREFIX = "coprod_"
MAX_TOKEN_LENGTH = 200
"""A token's shape, as ``toolkits_core``'s ``authenticate`` reads it."""


def requires(scope: Scope) -> Callable[[F], F]:
    """Mark a view as needing ``scope`` (checked in ``require_scope``)."""

    def mark(view: F) -> F:
        setattr(view, SCOPE_ATTRIBUTE, scope)
        doc = getattr(view, "_apidoc", {})
        manual = doc.setdefault("manual_doc", {})
        manual["security"] = SECURITY
        manual[SCOPE_EXTENSION] = scope.value
        view._apidoc = doc  # type: ignore[attr-defined]
        return view

    return mark


def _bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != BEARER or not token.strip():
        return None
    return token.strip()


def claimed_key_id() -> str | None:
    """The key id the bearer token names (``coprod_<key id>.<secret>``), unchecked.

    Only good for looking at that key's rate-limit count before its row is read: whether
    the secret is right is for ``identify_caller`` to say. ``None`` for a token of another
    shape, which ``authenticate`` refuses without reading any row.
    """
    token = _bearer_token()
    if token is None or len(token) > MAX_TOKEN_LENGTH or not token.startswith(TOKEN_PREFIX):
        return None
    key_id, _, secret = token.removeprefix(TOKEN_PREFIX).partition(".")
    return key_id if key_id and secret else None


def identify_caller() -> None:
    """Run before every /api/v1 operation: find the caller (401 when there is none).

    The scope the operation needs is kept for ``require_scope``, which runs once the
    request has been counted against the caller's key.
    """
    if request.endpoint is None or request.url_rule is None:
        return  # Flask answers 404 or 405 itself, as a problem
    view = current_app.view_functions[request.endpoint]
    scope = _scope_of(view)
    if scope is None:
        return  # not an operation: the API document and its viewer
    reads = scope is Scope.READ and request.method in READ_METHODS
    session = request_session(read_only=reads)
    caller = authenticate(session, _bearer_token())
    if caller.use_recorded:
        session.commit()  # on its own, so that it holds whatever the operation does
    g.caller = caller
    g.required_scope = scope


def require_scope() -> None:
    """Refuse (403) a caller whose key lacks the scope ``identify_caller`` found."""
    scope: Scope | None = g.get("required_scope")
    caller = g.get("caller")
    if scope is not None and caller is not None:
        caller.require(scope)


def _scope_of(view: Callable[..., Any]) -> Scope | None:
    seen: Any = view
    while seen is not None:
        scope = getattr(seen, SCOPE_ATTRIBUTE, None)
        if scope is not None:
            return scope  # type: ignore[no-any-return]
        seen = getattr(seen, "__wrapped__", None)
    if request.path.startswith("/api/v1/") and not request.path.startswith(
        ("/api/v1/docs", "/api/v1/openapi.json")
    ):
        raise AuthenticationError(
            "no_scope_declared", "This operation declares no scope, so it is closed."
        )
    return None
