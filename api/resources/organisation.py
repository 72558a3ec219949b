"""The caller's own organisation and its API keys.

Organisations are made by the operator (``coprod orgs create``); over HTTP a key sees and
administers only its own organisation. Key management needs ``keys:manage``, and a key can
be given only scopes its maker holds.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import request
from flask_smorest import Blueprint

from api import fields
from api.auth import requires
from api.context import caller, workspace
from api.lists import AWARE_TIME_NEEDED, ListArgs, page_reply, page_schema
from api.records import NO_IF_MATCH, if_match, record_reply
from toolkits_core.service import (
    ApiKey,
    Organisation,
    Scope,
    check_if_match,
    create_key,
    get_key,
    get_organisation,
    page_keys,
    revoke_key,
)

blueprint = Blueprint(
    "organisation",
    __name__,
    url_prefix="/api/v1",
    description="Your organisation and its API keys.",
)


class OrganisationSchema(ma.Schema):
    id = fields.record_id()
    name = fields.title("The organisation's name.", required=True)
    created_at = ma.fields.AwareDateTime(dump_only=True)
    updated_at = ma.fields.AwareDateTime(dump_only=True)
    version = ma.fields.Integer(dump_only=True)


class OrganisationPatchSchema(ma.Schema):
    name = fields.title("The organisation's name.")


class ApiKeySchema(ma.Schema):
    id = fields.record_id()
    name = ma.fields.String(dump_only=True)
    scopes = ma.fields.List(ma.fields.String(), dump_only=True)
    created_at = ma.fields.AwareDateTime(dump_only=True)
    expires_at = ma.fields.AwareDateTime(dump_only=True, allow_none=True)
    revoked_at = ma.fields.AwareDateTime(dump_only=True, allow_none=True)
    last_used_at = ma.fields.AwareDateTime(
        dump_only=True, allow_none=True, metadata={"description": "To within five minutes."}
    )


class NewApiKeySchema(ApiKeySchema):
    token = ma.fields.String(
        dump_only=True,
        metadata={"description": "The key to send as a bearer token. Shown now and never again."},
    )


class ApiKeyCreateSchema(ma.Schema):
    name = fields.title("What the key is for, such as the CRM it connects.", required=True)
    scopes = ma.fields.List(
        ma.fields.String(validate=ma.validate.OneOf([s.value for s in Scope])),
        required=True,
        validate=ma.validate.Length(min=1, max=len(Scope)),
        metadata={
            "description": "Fine scopes, or the bundles read < write < admin (docs/api.md has "
            "the table); only scopes you hold yourself."
        },
    )
    expires_at = ma.fields.AwareDateTime(
        error_messages={"invalid_awareness": AWARE_TIME_NEEDED},
        load_default=None,
        allow_none=True,
        metadata={"description": "Optional expiry."},
    )


class NewKeyShown:
    """A new key and its token, as the one answer that shows the token."""

    def __init__(self, key: ApiKey, token: str) -> None:
        self.key = key
        self.token = token

    def __getattr__(self, name: str) -> Any:
        return getattr(self.key, name)


@blueprint.route("/organisation")
@blueprint.response(200, OrganisationSchema)
@requires(Scope.RECORDS_READ)
def show_organisation() -> Any:
    """Show the organisation your key belongs to."""
    return record_reply(get_organisation(workspace().session, caller().organisation_id))


@blueprint.route("/organisation", methods=["PATCH"])
@blueprint.arguments(OrganisationPatchSchema, required=False)  # no body: nothing to change
@blueprint.response(200, OrganisationSchema)
@requires(Scope.ORGANISATION_MANAGE)
def update_organisation(changes: dict[str, Any]) -> Any:
    """Rename your organisation."""
    ws = workspace()
    organisation: Organisation = get_organisation(ws.session, ws.organisation_id)
    check_if_match(organisation, if_match())
    if "name" in changes and changes["name"].strip() != organisation.name:
        organisation.name = changes["name"].strip()
        ws.session.flush()
    ws.commit()
    return record_reply(organisation)


@blueprint.route("/keys")
@blueprint.arguments(ListArgs(), location="query")
@blueprint.response(200, page_schema(ApiKeySchema))
@requires(Scope.KEYS_MANAGE)
def list_api_keys(args: dict[str, Any]) -> Any:
    """List your organisation's API keys (never their secrets), revoked ones included."""
    return page_reply(
        page_keys(workspace().session, caller().organisation_id, **args), ApiKeySchema
    )


@blueprint.route("/keys", methods=["POST"])
@blueprint.arguments(ApiKeyCreateSchema)
@blueprint.response(201, NewApiKeySchema)
@requires(Scope.KEYS_MANAGE)
def create_api_key(body: dict[str, Any]) -> Any:
    """Make a new API key; its token is in this answer only, so keep it safe now."""
    ws = workspace()
    made = create_key(
        ws.session,
        ws.organisation_id,
        body["name"],
        body["scopes"],
        body["expires_at"],
        made_by=caller(),
    )
    ws.commit()
    shown = NewKeyShown(made.key, made.token)
    location = f"{request.host_url.rstrip('/')}/api/v1/keys/{made.key.id}"
    return shown, 201, {"Location": location, "Cache-Control": "no-store"}


@blueprint.route("/keys/<string:key_id>")
@blueprint.response(200, ApiKeySchema)
@requires(Scope.KEYS_MANAGE)
def show_api_key(key_id: str) -> ApiKey:
    """Show one of your organisation's API keys (never its secret)."""
    return get_key(workspace().session, caller().organisation_id, key_id)


@blueprint.route("/keys/<string:key_id>", methods=["DELETE"])
@blueprint.response(200, ApiKeySchema)
@blueprint.doc(**NO_IF_MATCH)
@requires(Scope.KEYS_MANAGE)
def revoke_api_key(key_id: str) -> ApiKey:
    """Revoke a key: it stops working at once. The record stays, for the audit trail.

    Revoking is idempotent (a second revoke keeps the first time), so it takes no If-Match.
    """
    ws = workspace()
    key = revoke_key(ws.session, ws.organisation_id, key_id)
    ws.commit()
    return key
