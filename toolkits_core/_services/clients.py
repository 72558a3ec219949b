"""OAuth2 clients (RFC 6749 client credentials) and the bearer tokens they are given.

The protocol (reading the token request, authenticating the client by
``client_secret_basic`` or ``client_secret_post``, the answer and its errors) is Authlib's,
in ``api/oauth.py``; this module keeps what it needs stored. A client's secret is shown
once and kept as a SHA-256 digest; so is each token's secret part. A token is
``coprod_<client id>.<secret>``, the shape of a key, so that it counts as its client
wherever a credential is counted (see ``access``).
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from toolkits_core._services.access import (
    CLIENT_ID_PREFIX,
    TOKEN_PREFIX,
    Caller,
    chosen_scopes,
    clean_name,
    digest,
    get_organisation,
)
from toolkits_core._services.errors import Invalid, NotFoundError
from toolkits_core._services.pagination import Page, paginate
from toolkits_core._services.scopes import Scope, granted
from toolkits_core._store.models import OAuthClient, OAuthToken, utc_now

DEFAULT_TOKEN_LIFETIME = dt.timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class NewClient:
    """A client just registered, with its secret, shown once and never again."""

    client: OAuthClient
    secret: str


def create_client(
    session: Session,
    organisation_id: str,
    name: str,
    scopes: Sequence[str],
    *,
    made_by: Caller | None = None,
) -> NewClient:
    """Register a client for an organisation; ``made_by`` may give only scopes it holds."""
    get_organisation(session, organisation_id)
    invalid = Invalid()
    name = clean_name(name, "name", invalid)
    chosen = chosen_scopes(scopes, invalid)
    invalid.raise_if_any()
    if made_by is not None:
        made_by.require_all(chosen)
    secret = secrets.token_urlsafe(32)
    client = OAuthClient(
        organisation_id=organisation_id,
        name=name,
        scopes=[scope.value for scope in chosen],
        secret_sha256=digest(secret),
    )
    session.add(client)
    session.flush()
    return NewClient(client, secret)


def page_clients(
    session: Session, organisation_id: str, *, limit: int, cursor: str | None = None
) -> Page[OAuthClient]:
    """An organisation's clients, oldest first, a page at a time."""
    statement = sa.select(OAuthClient).where(OAuthClient.organisation_id == organisation_id)
    return paginate(session, statement, OAuthClient.id, limit=limit, cursor=cursor)


def list_clients(session: Session, organisation_id: str | None = None) -> list[OAuthClient]:
    """Clients of one organisation, or of all (for the operator's command line)."""
    statement = sa.select(OAuthClient)
    if organisation_id is not None:
        statement = statement.where(OAuthClient.organisation_id == organisation_id)
    return list(session.scalars(statement.order_by(OAuthClient.id)))


def get_client(session: Session, organisation_id: str, client_id: str) -> OAuthClient:
    """A client of the organisation; ``NotFoundError`` for any other organisation's."""
    client = session.get(OAuthClient, client_id)
    if client is None or client.organisation_id != organisation_id:
        raise NotFoundError("OAuth client", client_id)
    return client


def find_client(session: Session, client_id: str) -> OAuthClient:
    """A client by id in any organisation (for the operator's command line)."""
    client = session.get(OAuthClient, client_id)
    if client is None:
        raise NotFoundError("OAuth client", client_id)
    return client


def revoke_client(session: Session, client: OAuthClient) -> OAuthClient:
    """Revoke a client and drop its tokens: they stop at the next request they make.

    Revoking twice keeps the first time. (Every request reads a token with its client, so
    the revocation would stop them even if the tokens stayed.)
    """
    if client.revoked_at is None:
        client.revoked_at = utc_now()
    session.execute(sa.delete(OAuthToken).where(OAuthToken.client_id == client.id))
    return client


def active_client(session: Session, client_id: str) -> OAuthClient | None:
    """The client a token request names, if it exists and is not revoked."""
    if not client_id.startswith(CLIENT_ID_PREFIX) or len(client_id) > 40:
        return None
    client = session.get(OAuthClient, client_id)
    return None if client is None or client.revoked_at is not None else client


def secret_matches(client: OAuthClient, secret: str) -> bool:
    """Whether ``secret`` is the client's, compared in constant time."""
    return hmac.compare_digest(client.secret_sha256, digest(secret))


def scopes_beyond(client: OAuthClient, requested: Iterable[str]) -> list[str]:
    """The requested scope names the client may not have: unknown, or more than it holds."""
    held = granted(Scope(name) for name in client.scopes)
    beyond = []
    for name in requested:
        try:
            scope = Scope(name)
        except ValueError:
            beyond.append(name)
            continue
        if not granted((scope,)) <= held:
            beyond.append(name)
    return beyond


def new_token(client_id: str) -> str:
    """A fresh bearer token for a client: its id, then 256 random bits."""
    return f"{TOKEN_PREFIX}{client_id}.{secrets.token_urlsafe(32)}"


def store_token(
    session: Session, client: OAuthClient, token: str, scopes: Sequence[str], lifetime_s: int
) -> OAuthToken:
    """Keep the digest of a token just given, and drop the client's expired ones."""
    now = utc_now()
    session.execute(
        sa.delete(OAuthToken).where(OAuthToken.client_id == client.id, OAuthToken.expires_at <= now)
    )
    secret = token.rpartition(".")[2]
    stored = OAuthToken(
        organisation_id=client.organisation_id,
        client_id=client.id,
        token_sha256=digest(secret),
        scopes=list(scopes),
        issued_at=now,
        expires_at=now + dt.timedelta(seconds=lifetime_s),
    )
    session.add(stored)
    client.last_used_at = now
    session.flush()
    return stored
