"""What every operation in the API document promises, tried on every operation.

The operations come from the served OpenAPI document, so an endpoint added later is
covered without anyone remembering to add it: it must answer 401 without a valid key,
403 without its scope (as ``x-required-scope`` names it, checked against the scope table:
a credential holding every scope but it is refused, an OAuth2 token holding only it is
let through, and the read < write < admin bundles allow what they always did), 404 for
another organisation's ids (changing nothing), 412 for a stale If-Match (changing
nothing) and 422 with field errors for bad input. An operation
that takes a body needs an example in ``VALID_BODIES``; the test says so when one is missing.
"""

from __future__ import annotations

import io
import re
import secrets
import struct

import pytest
from conftest import SHIPPED_PLUGINS

from api import create_app
from api.spec import openapi_document
from toolkits_core import load_plugins
from toolkits_core.service import FINE_SCOPES, Scope, granted

STAR = "coproduction-star"
HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


def wav_bytes(samples: int = 800) -> bytes:
    """A tiny, valid PCM WAV file: what a recorded interview uploads as."""
    data = b"\x00\x00" * samples
    header = b"RIFF" + struct.pack("<I", 36 + len(data)) + b"WAVE"
    fmt = b"fmt " + struct.pack("<IHHIIHH", 16, 1, 1, 8000, 16000, 2, 16)
    return header + fmt + b"data" + struct.pack("<I", len(data)) + data


def upload(content: bytes | None = None, name: str = "interview.wav") -> dict:
    return {"file": (io.BytesIO(content or wav_bytes()), name, "audio/wav")}


# A body each write operation accepts, keyed by (method, path template).
VALID_BODIES = {
    ("post", "/api/v1/initiatives"): {"toolkit": STAR, "title": "Another initiative"},
    ("patch", "/api/v1/initiatives/{initiative_id}"): {"title": "Renamed"},
    ("post", "/api/v1/initiatives/{initiative_id}/transitions"): {"to_stage": "focus-it"},
    ("post", "/api/v1/initiatives/{initiative_id}/participants"): {
        "role": "family_member_or_carer",
        "display_name": "Carer B",
    },
    ("patch", "/api/v1/participants/{participant_id}"): {"display_name": "Renamed"},
    ("post", "/api/v1/initiatives/{initiative_id}/activities"): {
        "activity_type": "asset-mapping-walk",
        "title": "A walk",
    },
    ("patch", "/api/v1/activities/{activity_id}"): {"title": "Renamed"},
    ("post", "/api/v1/initiatives/{initiative_id}/evidence"): {
        "evidence_type": "session-notes",
        "payload": {"text": "Notes"},
    },
    ("patch", "/api/v1/evidence/{evidence_id}"): {"payload": {"caption": "Renamed"}},
    ("post", "/api/v1/initiatives/{initiative_id}/assessments"): {
        "scale": "star-self-assessment",
        "perspective": "person_using_services",
        "ratings": {"co-design": 4},
    },
    ("patch", "/api/v1/assessments/{assessment_id}"): {"note": "Renamed"},
    ("patch", "/api/v1/organisation"): {"name": "Renamed council"},
    ("put", "/api/v1/initiatives/by-external-ref/{ref}"): {"toolkit": STAR, "title": "Walks"},
    ("put", "/api/v1/initiatives/{initiative_id}/participants/by-external-ref/{ref}"): {
        "role": "person_using_services",
        "display_name": "Walker A",
    },
    ("put", "/api/v1/initiatives/{initiative_id}/activities/by-external-ref/{ref}"): {
        "activity_type": "co-production-mapping-session",
        "title": "Mapping what exists",
    },
    ("put", "/api/v1/initiatives/{initiative_id}/evidence/by-external-ref/{ref}"): {
        "evidence_type": "audio-interview",
        "payload": {"caption": "An interview"},
    },
    ("post", "/api/v1/keys"): {"name": "CRM", "scopes": ["read"]},
    ("post", "/api/v1/oauth/clients"): {"name": "Connector", "scopes": ["read"]},
    # Paused, to a port nothing listens on: no worker sends it anything.
    ("post", "/api/v1/webhooks"): {
        "url": "http://127.0.0.1:9/hook",
        "event_types": ["participant.*"],
        "status": "paused",
    },
    ("patch", "/api/v1/webhooks/{webhook_id}"): {"description": "Renamed"},
    ("post", "/api/v1/webhooks/{webhook_id}/rotate-secret"): {"overlap_hours": 1},
    ("post", "/api/v1/initiatives/{initiative_id}/case-studies"): {"kind": "retrospective"},
    ("patch", "/api/v1/case-studies/{case_study_id}"): {"sections": {"next": "More walks."}},
    ("put", "/api/v1/case-studies/{case_study_id}/publication"): {
        "owners_agree": True,
        "agreed_by": "The walking group",
    },
}
MULTIPART = {("put", "/api/v1/evidence/{evidence_id}/file")}
BAD_QUERIES = {("get", "/api/v1/export"): {"initiative_id": "x" * 41}}
"""Operations whose only input is a query without ``limit``, with a value it refuses."""
NDJSON_BODIES = {
    ("post", "/api/v1/bulk"): (
        '{"record_type": "initiative", "external_ref": "bulk-1", '
        '"record": {"toolkit": "coproduction-star", "title": "By bulk"}}\n'
    )
}
WITHOUT_BODY = {
    ("post", "/api/v1/participants/{participant_id}/erasure"),
    ("post", "/api/v1/webhooks/{webhook_id}/ping"),
    ("post", "/api/v1/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver"),
}

# Path parameters that name toolkit definitions, which every organisation shares.
SHARED_PARAMETERS = {"key", "evidence_type", "slug"}
# (a published case study's slug: the library is every organisation's to read)
# Path parameters that are the integrator's own ids: each organisation has its own, so
# another organisation's PUT by the same ref makes a record of its own (no 404).
OWN_ID_PARAMETERS = {"ref"}


def served_document():
    """The document the app serves, with the shipped plugins only."""
    host = load_plugins(environ={"COPROD_PLUGINS": SHIPPED_PLUGINS})
    app = create_app({"DATABASE_URL": "sqlite://", "AUTO_MIGRATE": True, "PLUGIN_HOST": host})
    return openapi_document(app)


def scope_of(operation) -> str:
    scope = operation["x-required-scope"]
    assert f"scope `{scope}`" in operation["description"], "and says so to people"
    return scope


def owned_parameters(path: str) -> list[str]:
    return [
        p for p in re.findall(r"{(\w+)}", path) if p not in SHARED_PARAMETERS | OWN_ID_PARAMETERS
    ]


def operations(where=lambda method, path, operation: True):
    """The secured operations of the served document for which ``where`` holds."""
    document = served_document()
    found = []
    for path, item in sorted(document["paths"].items()):
        for method, operation in sorted(item.items()):
            # The token endpoint is the one operation a client opens with its id and
            # secret, not a bearer: tests/rest/test_oauth_clients.py covers it.
            secured = method in HTTP_METHODS and "x-required-scope" in operation
            if secured and where(method, path, operation):
                found.append(pytest.param(method, path, operation, id=f"{method} {path}"))
    return found


def takes_if_match(operation) -> bool:
    return any(p.get("name") == "If-Match" for p in operation.get("parameters", []))


def takes_input(method, path, operation) -> bool:
    return (
        (method, path) in MULTIPART
        or (method, path) in BAD_QUERIES
        or "requestBody" in operation
        or any(p.get("name") == "limit" for p in operation.get("parameters", []))
    )


OPERATIONS = operations()
TAKING_OWNED_IDS = operations(lambda m, p, o: bool(owned_parameters(p)))
TAKING_IF_MATCH = operations(lambda m, p, o: takes_if_match(o))
TAKING_INPUT = operations(takes_input)


@pytest.fixture
def world(org):
    """One of every record, in ``org``, made through the API."""
    return build_world(org)


def build_world(org):
    """One of every record, in ``org``, made through the API.

    The initiative, participant, activity and evidence all carry ``ref`` as their
    external_ref (each is unique in its own scope), a different one in each world.
    """
    api = org.api
    ref = f"crm-{secrets.token_hex(6)}"
    initiative = api.post(
        "initiatives", json={"toolkit": STAR, "title": "Walks", "external_ref": ref}
    ).json["id"]
    participant = api.post(
        f"initiatives/{initiative}/participants",
        json={"role": "person_using_services", "display_name": "Walker A", "consent": "given",
              "external_ref": ref},
    ).json["id"]  # fmt: skip
    activity = api.post(
        f"initiatives/{initiative}/activities",
        json={
            "activity_type": "co-production-mapping-session",
            "title": "Mapping what exists",
            "participant_ids": [participant],
            "external_ref": ref,
        },
    ).json["id"]
    evidence = api.post(
        f"initiatives/{initiative}/evidence",
        json={
            "evidence_type": "audio-interview",
            "activity_id": activity,
            "participant_id": participant,
            "payload": {"caption": "An interview"},
            "consent": "given",
            "external_ref": ref,
        },
    ).json["id"]
    uploaded = api.put(f"evidence/{evidence}/file", data=upload())
    assert uploaded.status_code == 200, uploaded.json
    assessment = api.post(
        f"initiatives/{initiative}/assessments",
        json={"scale": "star-self-assessment", "perspective": "professional",
              "ratings": {"co-design": 3}},
    ).json["id"]  # fmt: skip
    keys = org.with_scope("admin").get("keys").json["items"]
    client = org.with_scope("admin").post(
        "oauth/clients", json={"name": "Connector", "scopes": ["read"]}
    )
    assert client.status_code == 201, client.json
    admin = org.with_scope("admin")
    webhook = admin.post("webhooks", json=VALID_BODIES[("post", "/api/v1/webhooks")]).json["id"]
    delivery = admin.post(f"webhooks/{webhook}/ping").json["id"]  # refused at once: logged
    case_study = api.post(f"initiatives/{initiative}/case-studies", json={}).json["id"]
    published = api.put(
        f"case-studies/{case_study}/publication",
        json={"owners_agree": True, "agreed_by": "The walking group"},
    )
    assert published.status_code == 201, published.json
    return {
        "slug": published.json["slug"],
        "case_study_id": case_study,
        "initiative_id": initiative,
        "participant_id": participant,
        "activity_id": activity,
        "evidence_id": evidence,
        "assessment_id": assessment,
        "key_id": keys[0]["id"],
        "client_id": client.json["id"],
        "key": STAR,
        "evidence_type": "audio-interview",
        "ref": ref,
        "webhook_id": webhook,
        "delivery_id": delivery,
    }


def fill(path: str, world) -> str:
    def value(match):
        name = match.group(1)
        assert name in world, f"the test world has no {name}: add one to the world fixture"
        return world[name]

    return re.sub(r"{(\w+)}", value, path)


def send(client, method, path, world, body=None, **options):
    key = (method, path)
    if key in MULTIPART:
        options.setdefault("data", upload() if body is None else body)
        options.setdefault("content_type", "multipart/form-data")  # a form without a file too
    elif key in NDJSON_BODIES:
        options.setdefault("data", NDJSON_BODIES[key] if body is None else body)
        options.setdefault("content_type", "application/x-ndjson")
    elif method in {"post", "patch", "put"} and key not in WITHOUT_BODY:
        assert key in VALID_BODIES, f"add an example body for {method.upper()} {path}"
        options.setdefault("json", VALID_BODIES[key] if body is None else body)
    return client.request(method.upper(), fill(path, world), **options)


def snapshot(org, world):
    """What the organisation's records look like now, by ETag and content."""
    api = org.with_scope("admin")
    paths = [
        f"initiatives/{world['initiative_id']}",
        f"participants/{world['participant_id']}",
        f"activities/{world['activity_id']}",
        f"evidence/{world['evidence_id']}",
        f"assessments/{world['assessment_id']}",
        f"case-studies/{world['case_study_id']}",
        "organisation",
        "keys",
        "oauth/clients",
        f"initiatives/{world['initiative_id']}/transitions",
        "audit-events?limit=100",
        f"webhooks/{world['webhook_id']}",
        f"webhooks/{world['webhook_id']}/deliveries",
    ]
    taken = {}
    for path in paths:
        response = api.get(path)
        assert response.status_code == 200, (path, response.json)
        body = response.json
        if path in {"keys", "oauth/clients"}:  # when a credential was last used: not data
            body = [{k: v for k, v in key.items() if k != "last_used_at"} for key in body["items"]]
        taken[path] = (response.headers.get("ETag"), body)
    file = api.get(f"evidence/{world['evidence_id']}/file")
    taken["file"] = (file.status_code, file.data)
    return taken


def assert_problem(response, status):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.json
    assert body["status"] == status
    assert body["title"]
    assert body["detail"]
    assert body["type"]
    return body


@pytest.mark.parametrize(("method", "path", "operation"), OPERATIONS)
def test_no_key_or_a_wrong_key_is_401(method, path, operation, org, world):
    before = snapshot(org, world)
    unknown_token = f"coprod_{world['client_id']}.no-such-token"
    for token in (
        None,
        "coprod_key_0123456789abcdefghjkmnpqrs.wrong",
        unknown_token,
        "not-a-coprod-key",
    ):
        response = send(org.api.as_key(token), method, path, world)
        body = assert_problem(response, 401)
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert body["code"] in {"missing_key", "invalid_key"}
        if token is not None:
            assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
    assert snapshot(org, world) == before


def make_key(org, scopes) -> str:
    made = org.with_scope("admin").post("keys", json={"name": "scoped", "scopes": list(scopes)})
    assert made.status_code == 201, made.json
    return made.json["token"]


def token_holding(org, scope: str) -> str:
    """A bearer token of an OAuth2 client that holds only ``scope``."""
    admin = org.with_scope("admin")
    client = admin.post("oauth/clients", json={"name": "scoped", "scopes": [scope]}).json
    form = {"grant_type": "client_credentials", "client_id": client["client_id"],
            "client_secret": client["client_secret"]}  # fmt: skip
    issued = org.api.as_key(None).post("/api/v1/oauth/token", data=form)
    assert issued.status_code == 200, issued.json
    return issued.json["access_token"]


@pytest.mark.parametrize(("method", "path", "operation"), OPERATIONS)
def test_a_credential_with_every_scope_but_the_one_needed_is_403(
    method, path, operation, org, world
):
    needed = scope_of(operation)
    # Every fine scope but the one needed (for an operation that still names a bundle,
    # such as admin: every fine scope but one of the bundle's).
    others = sorted(set(FINE_SCOPES) - {min(granted([Scope(needed)]))})
    api = org.api.as_key(make_key(org, others))
    before = snapshot(org, world)
    body = assert_problem(send(api, method, path, world), 403)
    assert body["required_scope"] == needed
    assert snapshot(org, world) == before


@pytest.mark.parametrize(("method", "path", "operation"), OPERATIONS)
def test_an_oauth2_token_holding_just_the_scope_needed_gets_past_the_check(
    method, path, operation, org, world
):
    needed = scope_of(operation)
    api = org.api.as_key(token_holding(org, needed))
    body = None
    if path in {"/api/v1/keys", "/api/v1/oauth/clients"}:  # only scopes it holds
        body = {"name": "Narrow", "scopes": [needed]}
    response = send(api, method, path, world, body)
    assert response.status_code not in {401, 403}, response.get_data(as_text=True)


@pytest.mark.parametrize(("method", "path", "operation"), OPERATIONS)
@pytest.mark.parametrize("bundle", ["read", "write"])
def test_the_read_and_write_bundles_allow_what_they_always_did(
    method, path, operation, bundle, org, world
):
    """read < write < admin, as before the fine scopes: read allows every operation that
    only reads records or the feed, write adds every one that writes records, and only
    admin allows the rest (keys, clients, the audit log, privacy, the organisation)."""
    needed = Scope(scope_of(operation))
    before = snapshot(org, world)
    response = send(org.with_scope(bundle), method, path, world)
    allowed = {
        "read": {Scope.RECORDS_READ, Scope.FEED_READ},
        "write": {Scope.RECORDS_READ, Scope.FEED_READ, Scope.RECORDS_WRITE},
    }[bundle]
    if needed in allowed:
        assert response.status_code not in {401, 403}, response.get_data(as_text=True)
    else:
        assert_problem(response, 403)
        assert snapshot(org, world) == before


@pytest.mark.parametrize(("method", "path", "operation"), TAKING_OWNED_IDS)
def test_another_organisations_ids_are_404_and_change_nothing(
    method, path, operation, org, other_org, world
):
    before = snapshot(org, world)
    response = send(other_org.with_scope("admin"), method, path, world)
    body = assert_problem(response, 404)
    for name in owned_parameters(path):
        assert world[name] in body["detail"] or body["code"] == "not_found"
    assert snapshot(org, world) == before


@pytest.mark.parametrize(("method", "path", "operation"), TAKING_IF_MATCH)
def test_a_stale_if_match_is_412_and_changes_nothing(method, path, operation, org, world):
    before = snapshot(org, world)
    stale = '"' + "x" * 10 + '.0"'
    response = send(org.with_scope("admin"), method, path, world, headers={"If-Match": stale})
    body = assert_problem(response, 412)
    assert body["code"] == "stale_etag"
    assert snapshot(org, world) == before


@pytest.mark.parametrize(("method", "path", "operation"), TAKING_INPUT)
def test_bad_input_is_422_with_field_errors_and_changes_nothing(
    method, path, operation, org, world
):
    client = org.with_scope("admin")
    before = snapshot(org, world)
    if (method, path) in MULTIPART:
        response = send(client, method, path, world, body={"not_a_file": "text"})
        location = "files"
    elif (method, path) in BAD_QUERIES:
        response = send(client, method, path, world, query_string=BAD_QUERIES[method, path])
        location = "query"
    elif (method, path) in NDJSON_BODIES:  # each line is answered on its own: the query
        response = send(client, method, path, world, query_string={"atomic": "maybe"})
        location = "query"
    elif "requestBody" in operation:
        response = send(client, method, path, world, body={"no_such_field": 1})
        location = "json"
    elif any(p.get("name") == "limit" for p in operation.get("parameters", [])):
        response = send(client, method, path, world, query_string={"limit": 0})
        location = "query"
    body = assert_problem(response, 422)
    assert body["errors"], "a 422 lists what is wrong"
    assert all({"location", "field", "message"} <= set(error) for error in body["errors"])
    assert location in {error["location"] for error in body["errors"]}
    assert snapshot(org, world) == before


def test_every_operation_is_secured_and_documents_its_problems():
    document = served_document()
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method not in HTTP_METHODS:
                continue
            assert operation.get("security"), f"{method} {path} declares no scope"
            responses = operation["responses"]
            scoped = "x-required-scope" in operation
            assert {"401", "403"} <= set(responses) or not scoped, f"{method} {path}"
            if owned_parameters(path) or "{" in path:
                assert "404" in responses, f"{method} {path}"


def test_an_unknown_path_and_a_wrong_method_are_problems(api):
    assert_problem(api.get("no-such-thing"), 404)
    response = api.put("initiatives", json={})
    body = assert_problem(response, 405)
    assert "GET" in response.headers["Allow"]
    assert body["type"] == "about:blank"


def test_a_body_that_is_not_json_is_a_problem(api):
    response = api.post("initiatives", data="{not json", content_type="application/json")
    assert response.status_code in {400, 422}
    assert response.mimetype == "application/problem+json"


READS = operations(lambda m, p, o: m == "get")


@pytest.mark.parametrize(("method", "path", "operation"), READS)
def test_a_read_carries_an_etag_exactly_when_the_document_says_so(
    method, path, operation, org, world
):
    response = send(org.with_scope("admin"), method, path, world)
    assert response.status_code == 200, response.get_data(as_text=True)
    documented = set(operation["responses"]["200"].get("headers", {}))
    assert ("ETag" in response.headers) == ("ETag" in documented)
    if "Link" in documented:
        assert response.json["next_cursor"] is None or "Link" in response.headers


def assert_shows_nothing_of(response, org, world):
    """Nothing in the answer names the other organisation or any of its records."""
    text = response.get_data().decode("utf-8", errors="replace")
    assert org.id not in text
    for name, value in world.items():
        if name not in SHARED_PARAMETERS:
            assert value not in text, f"the answer shows {name} {value} of another organisation"


@pytest.mark.parametrize(("method", "path", "operation"), OPERATIONS)
def test_another_organisation_using_its_own_records_never_sees_or_changes_these(
    method, path, operation, org, other_org, world
):
    """Every operation, called by a second organisation on its own records (so that its
    lists are not empty), shows none of the first organisation's rows and changes none."""
    theirs = build_world(other_org)
    before = snapshot(org, world)
    response = send(other_org.with_scope("admin"), method, path, theirs)
    assert response.status_code < 500, response.get_data(as_text=True)
    if method == "get":
        assert response.status_code == 200, response.get_data(as_text=True)
    assert_shows_nothing_of(response, org, world)
    assert snapshot(org, world) == before
