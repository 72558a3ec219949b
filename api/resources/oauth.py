"""OAuth2 client credentials: the token endpoint, and the organisation's clients.

A client is a machine credential for platforms that speak OAuth2 (Power Automate custom
connectors, Dataverse application users, Salesforce Named Credentials, MuleSoft): it
trades its id and secret for a bearer token that lasts an hour, holding some or all of the
client's scopes. Registering and revoking clients needs ``clients:manage``; a credential
can only give a client scopes it holds itself.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import Response, request
from flask_smorest import Blueprint

from api import fields
from api.auth import CLIENT_BASIC, authenticated_by_client, requires
from api.context import caller, workspace
from api.lists import ListArgs, page_reply, page_schema
from api.oauth import token_response
from api.records import NO_IF_MATCH
from api.spec import SHARED_RESPONSES, problem_doc
from toolkits_core.service import (
    OAuthClient,
    Scope,
    create_client,
    get_client,
    page_clients,
    revoke_client,
)

blueprint = Blueprint(
    "oauth",
    __name__,
    url_prefix="/api/v1",
    description="OAuth2 client credentials: tokens for machines, and the clients that get them.",
)

SCOPE_VALUES = [scope.value for scope in Scope]


class OAuthClientSchema(ma.Schema):
    id = fields.record_id()
    name = ma.fields.String(dump_only=True)
    scopes = ma.fields.List(ma.fields.String(), dump_only=True)
    created_at = ma.fields.AwareDateTime(dump_only=True)
    revoked_at = ma.fields.AwareDateTime(dump_only=True, allow_none=True)
    last_used_at = ma.fields.AwareDateTime(
        dump_only=True, allow_none=True, metadata={"description": "When it last got a token."}
    )


class NewOAuthClientSchema(OAuthClientSchema):
    client_id = ma.fields.String(
        dump_only=True, metadata={"description": "The client's id (its id), for the token request."}
    )
    client_secret = ma.fields.String(
        dump_only=True,
        metadata={"description": "The client's secret. Shown now and never again."},
    )


class OAuthClientCreateSchema(ma.Schema):
    name = fields.title("What the client is, such as the connector it serves.", required=True)
    scopes = ma.fields.List(
        ma.fields.String(validate=ma.validate.OneOf(SCOPE_VALUES)),
        required=True,
        validate=ma.validate.Length(min=1, max=len(SCOPE_VALUES)),
        metadata={"description": "What its tokens may hold; only scopes you hold yourself."},
    )


class TokenSchema(ma.Schema):
    access_token = ma.fields.String(metadata={"description": "Send as Authorization: Bearer."})
    token_type = ma.fields.String(metadata={"example": "Bearer"})
    expires_in = ma.fields.Integer(metadata={"description": "Seconds the token lasts."})
    scope = ma.fields.String(metadata={"description": "The scopes granted, space-separated."})


TOKEN_REQUEST = {
    "required": True,
    "content": {
        "application/x-www-form-urlencoded": {
            "schema": {
                "type": "object",
                "required": ["grant_type"],
                "properties": {
                    "grant_type": {"type": "string", "enum": ["client_credentials"]},
                    "scope": {
                        "type": "string",
                        "description": "Space-separated scopes, some of the client's; "
                        "leave out for all of them.",
                    },
                    "client_id": {
                        "type": "string",
                        "description": "client_secret_post: the client's id (else HTTP Basic).",
                    },
                    "client_secret": {
                        "type": "string",
                        "description": "client_secret_post: the client's secret.",
                    },
                },
            }
        }
    },
}
OAUTH_PROBLEM = (
    "A problem document that also carries RFC 6749 section 5.2's `error` and `error_description`."
)
TOKEN_RESPONSES = {
    "400": problem_doc(
        "invalid_request, unsupported_grant_type, unauthorized_client, invalid_scope, or "
        "insecure_transport (not over HTTPS). " + OAUTH_PROBLEM
    ),
    "401": {
        **problem_doc(
            "invalid_client: unknown or revoked client, or wrong secret." + OAUTH_PROBLEM
        ),
        "headers": {
            "WWW-Authenticate": {
                "description": 'With HTTP Basic: Basic error="invalid_client".',
                "schema": {"type": "string"},
            }
        },
    },
    **{status: SHARED_RESPONSES[status] for status in ("413", "414", "422", "429", "431")},
}


@blueprint.route("/oauth/token", methods=["POST"])
@blueprint.response(200, TokenSchema)
@blueprint.doc(
    requestBody=TOKEN_REQUEST,
    responses=TOKEN_RESPONSES,
    security=[{CLIENT_BASIC: []}, {}],
)
@authenticated_by_client
def issue_token() -> Response:
    """Trade a client's id and secret for a bearer token (OAuth2 client credentials).

    Send them by HTTP Basic (client_secret_basic) or in the form (client_secret_post),
    with grant_type=client_credentials and, optionally, the scopes wanted.
    """
    return token_response()


@blueprint.route("/oauth/clients")
@blueprint.arguments(ListArgs(), location="query")
@blueprint.response(200, page_schema(OAuthClientSchema))
@requires(Scope.CLIENTS_MANAGE)
def list_oauth_clients(args: dict[str, Any]) -> Any:
    """List your organisation's OAuth2 clients (never their secrets), revoked ones included."""
    return page_reply(
        page_clients(workspace().session, caller().organisation_id, **args), OAuthClientSchema
    )


class NewClientShown:
    """A client just registered, with its secret, as the one answer that shows it."""

    def __init__(self, client: OAuthClient, secret: str) -> None:
        self.client = client
        self.client_id = client.id
        self.client_secret = secret

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)


@blueprint.route("/oauth/clients", methods=["POST"])
@blueprint.arguments(OAuthClientCreateSchema)
@blueprint.response(201, NewOAuthClientSchema)
@requires(Scope.CLIENTS_MANAGE)
def create_oauth_client(body: dict[str, Any]) -> Any:
    """Register an OAuth2 client; its secret is in this answer only, so keep it safe now."""
    ws = workspace()
    made = create_client(
        ws.session, ws.organisation_id, body["name"], body["scopes"], made_by=caller()
    )
    ws.commit()
    location = f"{request.host_url.rstrip('/')}/api/v1/oauth/clients/{made.client.id}"
    shown = NewClientShown(made.client, made.secret)
    return shown, 201, {"Location": location, "Cache-Control": "no-store"}


@blueprint.route("/oauth/clients/<string:client_id>")
@blueprint.response(200, OAuthClientSchema)
@requires(Scope.CLIENTS_MANAGE)
def show_oauth_client(client_id: str) -> OAuthClient:
    """Show one of your organisation's OAuth2 clients (never its secret)."""
    return get_client(workspace().session, caller().organisation_id, client_id)


@blueprint.route("/oauth/clients/<string:client_id>", methods=["DELETE"])
@blueprint.response(200, OAuthClientSchema)
@blueprint.doc(**NO_IF_MATCH)
@requires(Scope.CLIENTS_MANAGE)
def revoke_oauth_client(client_id: str) -> OAuthClient:
    """Revoke a client: it gets no more tokens, and those it has stop working at once.

    Revoking is idempotent (a second revoke keeps the first time), so it takes no If-Match.
    """
    ws = workspace()
    client = revoke_client(ws.session, get_client(ws.session, ws.organisation_id, client_id))
    ws.commit()
    return client
