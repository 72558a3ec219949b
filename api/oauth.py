"""OAuth2 client credentials (RFC 6749 section 4.4), by Authlib's authorization server.

Authlib reads the token request, authenticates the client (``client_secret_basic`` or
``client_secret_post``), checks the grant type and answers; coprod gives it the clients
(``query_client``), the tokens' shape and lifetime, what it may grant (a subset of the
client's scopes), and where to keep a token (its digest only).

Errors are RFC 9457 problems that also carry RFC 6749 section 5.2's members: ``error``
(also the problem's ``code``) and ``error_description``. An OAuth2 client library reads
``error`` from the JSON body whatever its media type, and everything else under /api reads
a problem, so one body serves both (docs/api.md says so).
"""

from __future__ import annotations

import base64
import binascii
import logging
import os
import urllib.parse
from collections.abc import Mapping
from typing import Any, ClassVar

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import ClientMixin
from authlib.oauth2.rfc6749.errors import (
    InsecureTransportError,
    InvalidClientError,
    InvalidRequestError,
    InvalidScopeError,
    OAuth2Error,
)
from authlib.oauth2.rfc6749.grants import ClientCredentialsGrant
from authlib.oauth2.rfc6749.util import scope_to_list
from authlib.oauth2.rfc6750 import BearerTokenGenerator
from flask import Flask, Response, current_app, request

from api.context import request_session
from api.problems import problem_response
from api.settings import ConfigurationError
from toolkits_core.service import (
    DEFAULT_TOKEN_LIFETIME,
    OAuthClient,
    active_client,
    new_token,
    scopes_beyond,
    secret_matches,
    store_token,
)

TOKEN_SECONDS_VARIABLE = "COPROD_OAUTH_TOKEN_SECONDS"
MAX_TOKEN_SECONDS = 86400
AUTH_METHODS = ("client_secret_basic", "client_secret_post")
EXTENSION = "coprod_oauth"
TOKEN_PATH = "/api/v1/oauth/token"
CLIENT_CREDENTIALS = "client_credentials"

_TITLES = {
    "invalid_client": "Client authentication failed",
    "invalid_request": "Invalid token request",
    "invalid_scope": "Scope not allowed",
    "unsupported_grant_type": "Unsupported grant type",
    "unauthorized_client": "Grant not allowed for this client",
    "insecure_transport": "HTTPS required",
}


class _WithholdIssuedTokens(logging.Filter):
    """Authlib logs each token it issues at DEBUG ("Issue token %r to %r"): keep the line,
    without the token, so that turning DEBUG on never writes a working credential down."""

    def filter(self, record: logging.LogRecord) -> bool:
        if str(record.msg).startswith("Issue token") and isinstance(record.args, tuple):
            record.args = ("<withheld>", *record.args[1:])
        return True


logging.getLogger(ClientCredentialsGrant.__module__).addFilter(_WithholdIssuedTokens())


def read_token_lifetime(config: Mapping[str, Any]) -> int:
    """Seconds a token lasts: ``OAUTH_TOKEN_SECONDS``, else its ``COPROD_`` variable, else an
    hour. Short, since a token cannot be recalled one by one (only with its client)."""
    raw = config.get(
        "OAUTH_TOKEN_SECONDS",
        os.environ.get(TOKEN_SECONDS_VARIABLE, int(DEFAULT_TOKEN_LIFETIME.total_seconds())),
    )
    try:
        seconds = int(str(raw).strip())
    except ValueError:
        seconds = 0
    if not 1 <= seconds <= MAX_TOKEN_SECONDS:
        raise ConfigurationError(
            f"{TOKEN_SECONDS_VARIABLE} is {raw!r}: give a token's lifetime as a whole number "
            f"of seconds from 1 to {MAX_TOKEN_SECONDS}, such as 3600 for an hour."
        )
    return seconds


class _Client(ClientMixin):  # type: ignore[misc]
    """A stored client, as Authlib asks about it (only the client credentials grant)."""

    def __init__(self, row: OAuthClient | None) -> None:
        self.row: OAuthClient | None = row

    def get_client_id(self) -> str:
        return self.row.id if self.row else ""

    def get_default_redirect_uri(self) -> None:
        return None

    def get_allowed_scope(self, scope: str | None) -> str:
        """The requested scopes (checked by the grant), or all the client's if none."""
        assert self.row is not None  # only a client whose secret matched gets a token
        return scope or " ".join(self.row.scopes)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return False

    def check_client_secret(self, client_secret: str) -> bool:
        # An unknown client is refused as a wrong secret is: the two cannot be told apart.
        return self.row is not None and secret_matches(self.row, client_secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return endpoint == "token" and method in AUTH_METHODS

    def check_response_type(self, response_type: str) -> bool:
        return False

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == CLIENT_CREDENTIALS


class _ClientCredentials(ClientCredentialsGrant):  # type: ignore[misc]
    TOKEN_ENDPOINT_AUTH_METHODS: ClassVar[list[str]] = list(AUTH_METHODS)

    def validate_requested_scope(self) -> None:
        """Refuse a scope the client does not hold, rather than quietly give less: an
        integration that asked for more than it may have is misconfigured, and should hear
        so when it starts, not at its first 403."""
        client: _Client = self.request.client
        assert client.row is not None
        beyond = scopes_beyond(client.row, scope_to_list(self.request.payload.scope) or [])
        if beyond:
            raise InvalidScopeError(
                description=f"This client may not have {_printable(', '.join(beyond))}; it holds "
                f"{' '.join(client.row.scopes)} (ask for some of those, or none for all)."
            )


class _Server(AuthorizationServer):  # type: ignore[misc]
    def handle_error_response(self, request: Any, error: OAuth2Error) -> Response:
        status, body, headers = error()
        members = dict(body)
        code = str(members.get("error", "invalid_request"))
        detail = str(members.get("error_description") or _TITLES.get(code, code))
        if code == "insecure_transport":
            detail = (
                "Tokens are only given over HTTPS. Behind a proxy that terminates TLS, set "
                "COPROD_TRUSTED_PROXIES so that coprod believes its X-Forwarded-Proto."
            )
        if code == "unsupported_grant_type":
            detail = "Send grant_type=client_credentials: the one grant this server answers."
        if code == "invalid_client":
            detail = (
                "The client could not be authenticated: it is unknown or revoked, or the "
                "secret is wrong. Send client_id and client_secret by HTTP Basic or in the form."
            )
        return problem_response(
            status,
            code=code,
            title=_TITLES.get(code, "Token request refused"),
            detail=detail,
            extra={"error": code, "error_description": detail},
            headers={k: v for k, v in headers if k.lower() != "content-type"},
        )


def _printable(text: str) -> str:
    """``text`` with every character RFC 6749 keeps out of an ``error_description`` (a
    quote, a backslash, anything not printable ASCII) as ``?``: a requested scope is echoed
    back, and Authlib raises (a 500) rather than send a forbidden character."""
    return "".join(c if " " <= c <= "~" and c not in '"\\' else "?" for c in text)


def _refusal_before_authlib() -> OAuth2Error | None:
    """What Authlib would let through or crash on, refused in RFC 6749's terms.

    A parameter sent twice (section 3.2 forbids it; Authlib reads one of them), a client
    authenticated both by HTTP Basic and in the form (section 2.3: one method a request,
    else the two could name different clients or one could be a wrong secret let pass), and
    Basic credentials that are not base64 of UTF-8 text (Authlib raises a decode error).
    """
    for values in (request.form, request.args):
        repeated = sorted(name for name, found in values.lists() if len(found) > 1)
        if repeated:
            return InvalidRequestError(
                description=f"Send each parameter once; sent more than once: "
                f"{_printable(', '.join(repeated))}."
            )
    authorization = request.headers.get("Authorization", "")
    kind, _, credentials = authorization.partition(" ")
    if kind.lower() != "basic":
        return None
    try:
        pair = base64.b64decode(credentials.strip(), validate=False).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return InvalidClientError(status_code=401)
    basic_id = urllib.parse.unquote(pair.partition(":")[0])
    form_id = request.form.get("client_id")
    if "client_secret" in request.form or (form_id is not None and form_id != basic_id):
        # A client_id in the form that repeats Basic's is tolerated: some libraries send it.
        return InvalidRequestError(
            description="Authenticate the client one way only: by HTTP Basic or with "
            "client_id and client_secret in the form, not both."
        )
    return None


def _query_client(client_id: str) -> _Client:
    return _Client(active_client(request_session(), client_id))


def _save_token(token: dict[str, Any], request: Any) -> None:
    client: _Client = request.client
    assert client.row is not None
    session = request_session()
    store_token(
        session,
        client.row,
        token["access_token"],
        scope_to_list(token.get("scope")) or [],
        int(token["expires_in"]),
    )
    session.commit()


def install(app: Flask, lifetime_seconds: int) -> None:
    """Give ``app`` its authorization server, issuing tokens of ``lifetime_seconds``."""
    server = _Server(query_client=_query_client, save_token=_save_token)
    server.register_token_generator(
        "default",
        BearerTokenGenerator(
            access_token_generator=lambda client, **_: new_token(client.get_client_id()),
            expires_generator=lambda _client, _grant_type: lifetime_seconds,
        ),
    )
    server.register_grant(_ClientCredentials)
    app.extensions[EXTENSION] = server


def token_response() -> Response:
    """Authlib's answer to the token request being served.

    Authlib refuses a token request that did not come over HTTPS (loopback aside) before
    it reads it, outside its own error handling: answered here as its other refusals are.
    Behind a proxy that terminates TLS, set ``COPROD_TRUSTED_PROXIES`` so that the request
    is seen as the HTTPS one it was.
    """
    server: _Server = current_app.extensions[EXTENSION]
    refusal = _refusal_before_authlib()
    if refusal is not None:
        return server.handle_error_response(None, refusal)
    try:
        answer: Response = server.create_token_response()
    except InsecureTransportError as error:
        return server.handle_error_response(None, error)
    return answer
