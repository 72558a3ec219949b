"""A key sees its own organisation, and an admin key manages the organisation's keys."""

from __future__ import annotations

import datetime as dt

from toolkits_core.service import ApiKey


def test_a_key_shows_its_own_organisation(org):
    response = org.with_scope("read").get("organisation")
    assert response.status_code == 200
    assert response.json["id"] == org.id
    assert response.json["name"] == "East Dunbartonshire test council"
    assert response.headers["ETag"]


def test_an_admin_renames_the_organisation_with_if_match(org):
    admin = org.with_scope("admin")
    etag = admin.get("organisation").headers["ETag"]
    renamed = admin.patch("organisation", json={"name": "  Renamed council "},
                          headers={"If-Match": etag})  # fmt: skip
    assert renamed.status_code == 200
    assert renamed.json["name"] == "Renamed council"
    stale = admin.patch("organisation", json={"name": "Again"}, headers={"If-Match": etag})
    assert stale.status_code == 412
    assert admin.get("organisation").json["name"] == "Renamed council"


def test_a_new_key_is_shown_once_and_works_at_once(org):
    admin = org.with_scope("admin")
    made = admin.post("keys", json={"name": "Dynamics sync", "scopes": ["write"]})
    assert made.status_code == 201, made.get_data(as_text=True)
    assert made.headers["Cache-Control"] == "no-store"
    token = made.json["token"]
    assert token.startswith("coprod_key_")
    assert made.headers["Location"].endswith(f"/api/v1/keys/{made.json['id']}")
    shown = admin.get(f"keys/{made.json['id']}")
    assert shown.status_code == 200
    assert "token" not in shown.json
    assert shown.json["scopes"] == ["write"]
    assert (
        org.api.as_key(token)
        .post("initiatives", json={"toolkit": "coproduction-star", "title": "By the new key"})
        .status_code
        == 201
    )
    listed = admin.get("keys?limit=2")
    assert listed.json["next_cursor"] is not None
    assert "Link" in listed.headers
    everything = admin.get("keys?limit=100").json["items"]
    assert [k["name"] for k in everything] == ["read key", "write key", "admin key",
                                                "Dynamics sync"]  # fmt: skip
    assert all("token" not in k and "secret_sha256" not in k for k in everything)


def test_a_revoked_key_stops_working_at_once(org):
    admin = org.with_scope("admin")
    made = admin.post("keys", json={"name": "Old CRM", "scopes": ["read"]}).json
    client = org.api.as_key(made["token"])
    assert client.get("initiatives").status_code == 200
    revoked = admin.delete(f"keys/{made['id']}")
    assert revoked.status_code == 200
    assert revoked.json["revoked_at"] is not None
    refused = client.get("initiatives")
    assert refused.status_code == 401
    assert refused.json["code"] == "invalid_key"
    again = admin.delete(f"keys/{made['id']}")
    assert again.json["revoked_at"] == revoked.json["revoked_at"]


def test_an_expired_key_is_refused(org, database):
    admin = org.with_scope("admin")
    soon = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)).isoformat()
    made = admin.post("keys", json={"name": "Brief", "scopes": ["read"], "expires_at": soon})
    assert made.status_code == 201
    client = org.api.as_key(made.json["token"])
    assert client.get("initiatives").status_code == 200
    with database.session() as session:  # an hour passes
        key = session.get(ApiKey, made.json["id"])
        key.expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    assert client.get("initiatives").status_code == 401
    past = admin.post("keys", json={"name": "Late", "scopes": ["read"],
                                    "expires_at": "2020-01-01T00:00:00Z"})  # fmt: skip
    assert past.status_code == 422
    assert [e["field"] for e in past.json["errors"]] == ["expires_at"]
    far = admin.post("keys", json={"name": "Forever", "scopes": ["read"],
                                   "expires_at": "9999-12-31T23:00:00-02:00"})  # fmt: skip
    assert far.status_code == 422


def test_a_key_can_only_be_made_with_known_scopes(org):
    response = org.with_scope("admin").post("keys", json={"name": "x", "scopes": ["root"]})
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "scopes/0"
