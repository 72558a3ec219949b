"""Organisations and their API keys.

A key is shown once, when it is made: ``coprod_<key id>.<secret>``. Only the SHA-256 of
the secret is stored, and checking compares digests in constant time. What a key may do is
its scopes (``toolkits_core._services.scopes``): fine ones, and the read < write < admin
bundles of them.

An OAuth2 client's bearer token has the same shape, ``coprod_<client id>.<secret>``, so
that whatever reads the credential id from a token (the rate limiter's bucket, the
idempotency keys' owner, the audit log's actor) reads the client's: a client that asks for
a fresh token is still the same caller. ``authenticate`` tells the two apart by the id's
prefix and reads a token's row with its client's on every request.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session

from toolkits_core._services.driver_reads import first_row
from toolkits_core._services.errors import (
    AuthenticationError,
    Invalid,
    NotFoundError,
    PermissionDeniedError,
)
from toolkits_core._services.pagination import Page, paginate
from toolkits_core._services.scopes import SCOPE_NAMES, Scope, granted, holds
from toolkits_core._store.models import ApiKey, OAuthClient, OAuthToken, Organisation, utc_now

TOKEN_PREFIX = "coprod_"
_LATEST_EXPIRY = dt.datetime(9000, 1, 1, tzinfo=dt.UTC)


CLIENT_ID_PREFIX = "cli_"
"""How a token's credential id says it is an OAuth2 client's, not a key's."""


@dataclass(frozen=True, slots=True)
class NewKey:
    """A key just made, with the token that is shown once and never again."""

    key: ApiKey
    token: str


@dataclass(frozen=True, slots=True)
class Caller:
    """Who is calling: an organisation, through one credential with some scopes.

    ``key_id`` is the credential's id: the key's, or for a bearer token the OAuth2
    client's (the rate limit, the idempotency keys and the audit log count by it).
    """

    organisation_id: str
    key_id: str
    scopes: frozenset[Scope]
    use_recorded: bool = field(default=False, compare=False)
    """Whether ``authenticate`` wrote the key's ``last_used_at``: commit it on its own."""

    def require(self, scope: Scope) -> None:
        """Raise ``PermissionDeniedError`` unless the caller's scopes hold ``scope``."""
        if not holds(self.scopes, scope):
            held = ", ".join(sorted(self.scopes)) or "none"
            raise PermissionDeniedError(
                "missing_scope",
                f"This operation needs a credential with the {scope.value!r} scope; this one "
                f"has: {held}.",
                required_scope=scope.value,
            )

    def require_all(self, scopes: Iterable[Scope]) -> None:
        """Refuse (403) to hand out ``scopes`` the caller does not hold itself.

        A credential that may make keys or clients could otherwise make one stronger than
        itself, and least privilege would be a matter of asking twice.
        """
        beyond = sorted(granted(scopes) - granted(self.scopes))
        if beyond:
            raise PermissionDeniedError(
                "scope_not_held",
                "A credential can only give scopes it holds itself; this one does not hold: "
                f"{', '.join(beyond)}.",
                required_scope=beyond[0].value,
            )


def digest(secret: str) -> str:
    """The SHA-256 a secret is stored as (a key's, a client's, a token's)."""
    return _digest(secret)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def clean_name(text: str, field: str, invalid: Invalid) -> str:
    """A credential's or organisation's name, trimmed; a problem in ``invalid`` if unusable."""
    text = text.strip() if isinstance(text, str) else ""
    if not text or len(text) > 200:
        invalid.add(field, "Give a name of 1 to 200 characters.")
    return text


def create_organisation(session: Session, name: str) -> Organisation:
    invalid = Invalid()
    name = clean_name(name, "name", invalid)
    invalid.raise_if_any()
    organisation = Organisation(name=name)
    session.add(organisation)
    session.flush()
    return organisation


def list_organisations(session: Session) -> list[Organisation]:
    return list(session.scalars(sa.select(Organisation).order_by(Organisation.id)))


def get_organisation(session: Session, organisation_id: str) -> Organisation:
    organisation = session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFoundError("organisation", organisation_id)
    return organisation


def parse_scopes(scopes: Iterable[str]) -> list[Scope]:
    """Scopes from their names; ``InvalidRequestError`` naming any that is not a scope."""
    invalid = Invalid()
    chosen = chosen_scopes(scopes, invalid)
    invalid.raise_if_any()
    return chosen


def chosen_scopes(scopes: Iterable[str], invalid: Invalid) -> list[Scope]:
    """Scopes from their names, once each; problems in ``invalid`` (for keys and clients)."""
    chosen: list[Scope] = []
    for index, name in enumerate(scopes):
        try:
            scope = Scope(name)
        except ValueError:
            invalid.add(f"scopes/{index}", f"{name!r} is not a scope ({SCOPE_NAMES}).")
            continue
        if scope not in chosen:
            chosen.append(scope)
    if not chosen and not invalid.problems:
        invalid.add("scopes", f"Give at least one scope: {SCOPE_NAMES}.")
    return chosen


def create_key(
    session: Session,
    organisation_id: str,
    name: str,
    scopes: Sequence[str],
    expires_at: dt.datetime | None = None,
    *,
    made_by: Caller | None = None,
) -> NewKey:
    """A new key for an organisation, and its token (shown once).

    ``made_by`` is the credential asking over HTTP: it may give only scopes it holds. The
    operator's command line gives any.
    """
    get_organisation(session, organisation_id)
    invalid = Invalid()
    name = clean_name(name, "name", invalid)
    chosen = chosen_scopes(scopes, invalid)
    if expires_at is not None and not utc_now() < expires_at < _LATEST_EXPIRY:
        invalid.add("expires_at", "An expiry must be in the future, and before the year 9000.")
    invalid.raise_if_any()
    if made_by is not None:
        made_by.require_all(chosen)
    secret = secrets.token_urlsafe(32)
    key = ApiKey(
        organisation_id=organisation_id,
        name=name,
        scopes=[scope.value for scope in chosen],
        secret_sha256=_digest(secret),
        expires_at=expires_at,
    )
    session.add(key)
    session.flush()
    return NewKey(key, f"{TOKEN_PREFIX}{key.id}.{secret}")


def list_keys(session: Session, organisation_id: str) -> list[ApiKey]:
    statement = sa.select(ApiKey).where(ApiKey.organisation_id == organisation_id)
    return list(session.scalars(statement.order_by(ApiKey.id)))


def page_keys(
    session: Session, organisation_id: str, *, limit: int, cursor: str | None = None
) -> Page[ApiKey]:
    """An organisation's keys, oldest first, a page at a time."""
    statement = sa.select(ApiKey).where(ApiKey.organisation_id == organisation_id)
    return paginate(session, statement, ApiKey.id, limit=limit, cursor=cursor)


def get_key(session: Session, organisation_id: str, key_id: str) -> ApiKey:
    """A key of the organisation; ``NotFoundError`` for any other organisation's."""
    key = session.get(ApiKey, key_id)
    if key is None or key.organisation_id != organisation_id:
        raise NotFoundError("API key", key_id)
    return key


def revoke_key(session: Session, organisation_id: str, key_id: str) -> ApiKey:
    """Revoke a key of the organisation; revoking twice keeps the first time."""
    key = get_key(session, organisation_id, key_id)
    if key.revoked_at is None:
        key.revoked_at = utc_now()
    return key


def find_key(session: Session, key_id: str) -> ApiKey:
    """A key by id in any organisation (for the operator's CLI)."""
    key = session.get(ApiKey, key_id)
    if key is None:
        raise NotFoundError("API key", key_id)
    return key


KEY_USE_INTERVAL = dt.timedelta(minutes=5)
"""How stale ``last_used_at`` may get: reads then write a key's row only now and then."""

_KEYS = cast(sa.Table, ApiKey.__table__)
_KEY_LOOKUP = sa.select(
    _KEYS.c.organisation_id,
    _KEYS.c.secret_sha256,
    _KEYS.c.scopes,
    _KEYS.c.expires_at,
    _KEYS.c.revoked_at,
    _KEYS.c.last_used_at,
).where(_KEYS.c.id == sa.bindparam("key_id"))
"""The columns a check needs, read as plain rows: every request runs it, so it skips the
ORM's identity map and the loading of columns nobody reads."""

_TOKENS = cast(sa.Table, OAuthToken.__table__)
_CLIENTS = cast(sa.Table, OAuthClient.__table__)
_TOKEN_LOOKUP = (
    sa.select(
        _TOKENS.c.organisation_id,
        _TOKENS.c.scopes,
        _TOKENS.c.expires_at,
        _CLIENTS.c.revoked_at,
    )
    .join(_CLIENTS, _CLIENTS.c.id == _TOKENS.c.client_id)
    .where(
        _TOKENS.c.token_sha256 == sa.bindparam("digest"),
        _TOKENS.c.client_id == sa.bindparam("client_id"),
    )
)
"""A token with its client, in one indexed read: the client's revocation counts at once."""


def _refused() -> AuthenticationError:
    """The one refusal of a token that stands for nobody (made only when it is raised)."""
    return AuthenticationError(
        "invalid_key", "The API key is not valid: it is unknown, revoked or expired."
    )


def authenticate(session: Session | sa.Connection, token: str | None) -> Caller:
    """The caller a bearer token stands for; ``AuthenticationError`` if it stands for none.

    Every failure gives the same answer, so a caller cannot tell a wrong secret from an
    unknown key id. The key's row is read on every request, so a revoked or expired key
    is refused at once, by every worker. ``last_used_at`` is written at most every
    ``KEY_USE_INTERVAL``, in ``session`` (a session, or a Core connection: a request that
    only reads borrows one instead of a session), and the caller says so
    (``use_recorded``): commit it.
    """
    if not token:
        raise AuthenticationError(
            "missing_key",
            "Send an API key in the Authorization header, after the word Bearer: "
            "Authorization: Bearer <key>.",
        )
    body = token.removeprefix(TOKEN_PREFIX)
    key_id, _, secret = body.partition(".")
    if body == token or not key_id or not secret or len(token) > 200:
        raise _refused()
    connection = session if isinstance(session, sa.Connection) else session.connection()
    if key_id.startswith(CLIENT_ID_PREFIX):
        return _bearer_of_client(connection, key_id, secret)
    key = _key_row(connection, key_id)
    if key is None or not hmac.compare_digest(key[1], _digest(secret)):
        raise _refused()
    organisation_id, _, scope_names, expires_at, revoked_at, last_used_at = key
    now = utc_now()
    if revoked_at is not None or (expires_at is not None and expires_at <= now):
        raise _refused()
    due = last_used_at is None or now - last_used_at > KEY_USE_INTERVAL
    if due:
        connection.execute(sa.update(_KEYS).where(_KEYS.c.id == key_id).values(last_used_at=now))
    return Caller(organisation_id, key_id, _scopes(scope_names), use_recorded=due)


_SCOPE_SETS: dict[tuple[str, ...], frozenset[Scope]] = {}
"""The scope sets keys hold, by their stored names: a handful of distinct ones."""


def _scopes(names: Sequence[str]) -> frozenset[Scope]:
    stored = tuple(names)
    found = _SCOPE_SETS.get(stored)
    if found is None:
        found = frozenset(Scope(name) for name in stored)  # ValueError for no scope, as before
        if len(_SCOPE_SETS) < 1024:
            _SCOPE_SETS[stored] = found
    return found


def _key_row(connection: sa.Connection, key_id: str) -> tuple[Any, ...] | None:
    """The key's row (``_KEY_LOOKUP``'s columns, converted as SQLAlchemy converts them), or
    ``None``; read in the connection's own transaction, so a revoked key is refused at once.

    Every request runs it: so it is run on the driver's cursor of the same connection,
    compiled once per dialect, unless something listens to the engine's statements
    (``driver_reads``)."""
    return first_row(connection, _KEY_LOOKUP, {"key_id": key_id})


def _bearer_of_client(connection: sa.Connection, client_id: str, secret: str) -> Caller:
    """The caller an OAuth2 client's token stands for: its client, with the token's scopes.

    Unknown, expired and revoked-client tokens get the same refusal as a bad key, said in
    RFC 6750's words by the HTTP layer (``invalid_token``).
    """
    found = connection.execute(
        _TOKEN_LOOKUP, {"digest": _digest(secret), "client_id": client_id}
    ).one_or_none()
    if found is None or found.revoked_at is not None or found.expires_at <= utc_now():
        raise _refused()
    return Caller(found.organisation_id, client_id, frozenset(Scope(n) for n in found.scopes))
