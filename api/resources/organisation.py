"""The caller's own organisation and its API keys.

Organisations are made by the operator (``coprod orgs create``); over HTTP a key sees and
administers only its own organisation. Key management needs the ``admin`` scope.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask_smorest import Blueprint

from api import fields
from api.auth import requires
from api.context import caller, workspace
from api.records import NO_IF_MATCH, if_match, record_reply
from toolkits_core.service import (
    ApiKey,
    Organisation,
    Scope,
    check_if_match,
    create_key,
    get_organisation,
    list_keys,
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
        validate=ma.validate.Length(min=1, max=3),
        metadata={"description": "read < write < admin: a higher scope includes the lower."},
    )
    expires_at = ma.fields.AwareDateTime(
        load_default=None, allow_none=True, metadata={"description": "Optional expiry."}
    )


class ApiKeyListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(ApiKeySchema))
    next_cursor = ma.fields.String(allow_none=True, metadata={"description": "Always null."})


@blueprint.route("/organisation")
@blueprint.response(200, OrganisationSchema)
@requires(Scope.READ)
def show_organisation() -> Any:
    """Show the organisation your key belongs to."""
    return record_reply(get_organisation(workspace().session, caller().organisation_id))


@blueprint.route("/organisation", methods=["PATCH"])
@blueprint.arguments(OrganisationPatchSchema)
@blueprint.response(200, OrganisationSchema)
@requires(Scope.ADMIN)
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
@blueprint.response(200, ApiKeyListSchema)
@requires(Scope.ADMIN)
def list_api_keys() -> dict[str, Any]:
    """List your organisation's API keys (never their secrets), revoked ones included."""
    ws = workspace()
    return {"items": list_keys(ws.session, ws.organisation_id), "next_cursor": None}


@blueprint.route("/keys", methods=["POST"])
@blueprint.arguments(ApiKeyCreateSchema)
@blueprint.response(201, NewApiKeySchema)
@requires(Scope.ADMIN)
def create_api_key(body: dict[str, Any]) -> Any:
    """Make a new API key; its token is in this answer only."""
    ws = workspace()
    made = create_key(
        ws.session, ws.organisation_id, body["name"], body["scopes"], body["expires_at"]
    )
    ws.commit()
    document = ApiKeySchema().dump(made.key)
    document["token"] = made.token
    return document, 201, {"Location": f"/api/v1/keys/{made.key.id}", "Cache-Control": "no-store"}


@blueprint.route("/keys/<string:key_id>", methods=["DELETE"])
@blueprint.response(200, ApiKeySchema)
@blueprint.doc(**NO_IF_MATCH)
@requires(Scope.ADMIN)
def revoke_api_key(key_id: str) -> ApiKey:
    """Revoke a key: it stops working at once. The record stays, for the audit trail.

    Revoking is idempotent (a second revoke keeps the first time), so it takes no If-Match.
    """
    ws = workspace()
    key = revoke_key(ws.session, ws.organisation_id, key_id)
    ws.commit()
    return key
