"""Bearer API keys: who is calling, and whether their key has the scope an operation needs.

Every operation under /api/v1 declares its scope with ``@requires(Scope.X)``; the check
runs before the arguments are parsed, so a caller without a key hears 401 and one without
the scope 403, whatever they sent. A request to an operation that declares no scope is
refused, so a new endpoint cannot be left open by mistake.

A bearer token is an API key or a token an OAuth2 client was given
(``POST /api/v1/oauth/token``); both are checked by ``toolkits_core``'s ``authenticate``
and both name their credential (the key, or the client) in the same place, so everything
that counts by credential counts a client's tokens as one. The document declares both
schemes on every operation: ``bearer`` (a key) or ``oauth2`` (client credentials) with
the operation's scope.

The token endpoint is the one operation without a bearer: its client authenticates with
its id and secret (``authenticated_by_client``), and Authlib checks them.

The caller is found (``identify_caller``) and its scope checked (``require_scope``) in two
steps, so that the rate limiter can count a request against its key in between: a key past
its quota hears 429 whatever it asks, including what its scope would refuse.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import current_app, g, request
from sqlalchemy.orm import Session

from api.context import give_back_reading_connection, reading_connection, request_session
from api.declared import declares
from toolkits_core.service import (
    BUNDLES,
    SCOPE_DESCRIPTIONS,
    AuthenticationError,
    Scope,
    authenticate,
)

F = TypeVar("F", bound=Callable[..., Any])

BEARER = "bearer"
OAUTH2 = "oauth2"
CLIENT_BASIC = "clientSecretBasic"
TOKEN_URL = "/api/v1/oauth/token"
SECURITY_SCHEME = {
    "type": "http",
    "scheme": "bearer",
    "description": "An API key (coprod_key_...), from `coprod keys create` or POST /api/v1/keys, "
    "or a token from the OAuth2 token endpoint.",
}
OAUTH2_SCHEME = {
    "type": "oauth2",
    "description": "OAuth2 client credentials (RFC 6749 section 4.4): a client registered by "
    "`coprod clients create` or POST /api/v1/oauth/clients asks the token endpoint for a "
    "bearer token (client_secret_basic or client_secret_post) that lasts an hour by default.",
    "flows": {
        "clientCredentials": {
            "tokenUrl": TOKEN_URL,
            "scopes": {scope.value: text for scope, text in SCOPE_DESCRIPTIONS.items()},
        }
    },
}
CLIENT_BASIC_SCHEME = {
    "type": "http",
    "scheme": "basic",
    "description": "An OAuth2 client's id and secret (client_secret_basic); or send them as "
    "client_id and client_secret in the form (client_secret_post).",
}
SCOPE_ATTRIBUTE = "_coprod_scope"
CLIENT_AUTHENTICATED = "_coprod_client_authenticated"
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
        manual["security"] = security_of(scope)
        manual[SCOPE_EXTENSION] = scope.value
        view._apidoc = doc  # type: ignore[attr-defined]
        return view

    return mark


def security_of(scope: Scope) -> list[dict[str, list[str]]]:
    """An operation's security: a key, or a client's token holding ``scope``."""
    return [{BEARER: []}, {OAUTH2: [scope.value]}]


def authenticated_by_client(view: F) -> F:
    """Mark the token endpoint: its caller is a client with a secret, not a bearer."""
    setattr(view, CLIENT_AUTHENTICATED, True)
    return view


def _bearer_token() -> str | None:
    # Read from the environ itself: every request asks, and werkzeug's headers view of it
    # would look the name up through its own case folding.
    header: str = request.environ.get("HTTP_AUTHORIZATION", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != BEARER or not token.strip():
        return None
    return token.strip()


def claimed_key_id() -> str | None:
    """The credential id the bearer token names (``coprod_<id>.<secret>``), unchecked: a
    key's id, or the client's for a client's token.

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
    asked = request._get_current_object()  # type: ignore[attr-defined]  # one lookup
    endpoint = asked.endpoint
    if endpoint is None or asked.url_rule is None:
        return  # Flask answers 404 or 405 itself, as a problem
    view = current_app.view_functions[endpoint]
    scope = _scope_of(view, asked.path)
    if scope is None:
        return  # not an operation: the API document and its viewer
    upload = False
    if scope in _READ_ONLY_SCOPES and asked.method in READ_METHODS:
        on: sa.Connection | Session = reading_connection()  # no session until the view
    elif upload := declares(view, "files"):
        # An upload's body is read next, for as long as the client takes to send it, so
        # its key is read outside any transaction too, and the connection given back:
        # on PostgreSQL an open transaction holds locks that a migration's ALTER TABLE
        # would wait for, and everything after it behind.
        on = reading_connection()
    else:
        on = request_session()
    caller = authenticate(on, _bearer_token())
    if caller.use_recorded:
        on.commit()  # on its own, so that it holds whatever the operation does
    if upload:
        give_back_reading_connection()
    held = g._get_current_object()
    held.caller = caller
    held.required_scope = scope


def require_scope() -> None:
    """Refuse (403) a caller whose key lacks the scope ``identify_caller`` found."""
    held = g._get_current_object()
    scope: Scope | None = held.get("required_scope")
    caller = held.get("caller")
    if scope is not None and caller is not None:
        caller.require(scope)


_READ_ONLY_SCOPES = frozenset({Scope.READ, *BUNDLES[Scope.READ]})
"""The scopes whose reads need no transaction (what only ``read`` allowed before)."""

_UNDECLARED = object()
_CLIENT = object()
_DECLARED: weakref.WeakKeyDictionary[Callable[..., Any], object] = weakref.WeakKeyDictionary()
"""What each view declares (its scope, that its caller is a client, or nothing), found
once: the marks are left by decorators when the views are defined, and never change."""


def _declared_scope(view: Callable[..., Any]) -> object:
    found = _DECLARED.get(view)
    if found is None:
        found = _UNDECLARED
        seen: Any = view
        while seen is not None:
            if getattr(seen, CLIENT_AUTHENTICATED, False):
                found = _CLIENT
                break
            scope = getattr(seen, SCOPE_ATTRIBUTE, None)
            if scope is not None:
                found = scope
                break
            seen = getattr(seen, "__wrapped__", None)
        _DECLARED[view] = found
    return found


def _scope_of(view: Callable[..., Any], path: str) -> Scope | None:
    """The scope ``view`` requires; ``None`` for the token endpoint and for what is not an
    operation (the API document and its viewer). A view under /api/v1 that declares no
    scope is closed (401): no endpoint can be left open by mistake."""
    found = _declared_scope(view)
    if isinstance(found, Scope):
        return found
    if found is _CLIENT:
        return None
    if path.startswith("/api/v1/") and not path.startswith(
        ("/api/v1/docs", "/api/v1/openapi.json")
    ):
        raise AuthenticationError(
            "no_scope_declared", "This operation declares no scope, so it is closed."
        )
    return None
