"""Bearer API keys: who is calling, and whether their key has the scope an operation needs.

Every operation under /api/v1 declares its scope with ``@requires(Scope.X)``; the check
runs before the arguments are parsed, so a caller without a key hears 401 and one without
the scope 403, whatever they sent. A request to an operation that declares no scope is
refused, so a new endpoint cannot be left open by mistake.
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


def requires(scope: Scope) -> Callable[[F], F]:
    """Mark a view as needing ``scope`` (checked in ``authenticate_request``)."""

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


def authenticate_request() -> None:
    """Run before every /api/v1 operation: find the caller and check the view's scope."""
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
    g.caller = caller  # known before the scope check: a 403 is counted against its key
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
