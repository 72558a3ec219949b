"""Consent fit for publishing: when and by whom it was given, and consent to publish apart.

Existing clients keep sending only ``consent`` and see it behave as before; nobody agrees
to publication unless someone records that they did.
"""

from __future__ import annotations

import datetime as dt

import pytest


@pytest.fixture
def initiative(api):
    response = api.post("initiatives", json={"toolkit": "coproduction-star", "title": "Walks"})
    assert response.status_code == 201, response.json
    return response.json["id"]


def add(api, initiative, **fields):
    body = {"role": "person_using_services", "display_name": "Jean", **fields}
    return api.post(f"initiatives/{initiative}/participants", json=body)


def quote(api, initiative, **fields):
    body = {"evidence_type": "participant-quote", "payload": {"text": "We walk together."}}
    return api.post(f"initiatives/{initiative}/evidence", json={**body, **fields})


def codes(response):
    assert response.status_code == 422, response.json
    return {(error["field"], error.get("code")) for error in response.json["errors"]}


def test_a_form_signed_last_week_keeps_its_date_and_who_signed_it(api, initiative):
    signed = dt.date.today() - dt.timedelta(days=7)
    response = add(
        api,
        initiative,
        consent="given",
        consent_given_on=signed.isoformat(),
        consent_given_by="welfare_attorney",
    )
    assert response.status_code == 201, response.json
    body = response.json
    assert body["consent_given_on"] == signed.isoformat()
    assert body["consent_given_by"] == "welfare_attorney"
    assert dt.datetime.fromisoformat(body["consent_recorded_at"]).date() >= dt.date.today() - (
        dt.timedelta(days=1)
    )
    assert api.get(f"participants/{body['id']}").json == body


def test_a_client_sending_only_consent_sees_no_publication_consent(api, initiative):
    body = add(api, initiative, consent="given").json
    assert body["consent"] == "given"
    assert body["publication_consent"] == "not_recorded"
    assert body["publication_consent_recorded_at"] is None
    assert body["consent_given_on"] is None
    assert body["consent_given_by"] is None


def test_consent_to_publish_needs_consent_to_take_part_and_its_record(api, initiative):
    refused = add(api, initiative, publication_consent="given")
    assert codes(refused) == {
        ("publication_consent", "publication_needs_consent"),
        ("consent_given_on", "publication_needs_consent_record"),
        ("consent_given_by", "publication_needs_consent_record"),
    }
    person = add(api, initiative, consent="given").json
    refused = api.patch(f"participants/{person['id']}", json={"publication_consent": "given"})
    assert {field for field, _ in codes(refused)} == {"consent_given_on", "consent_given_by"}
    assert api.get(f"participants/{person['id']}").json == person


def test_a_date_in_the_future_or_an_unknown_giver_is_refused(api, initiative):
    tomorrow_anywhere = dt.date.today() + dt.timedelta(days=2)
    refused = add(api, initiative, consent="given", consent_given_on=tomorrow_anywhere.isoformat())
    assert codes(refused) == {("consent_given_on", "consent_date_in_future")}
    refused = add(api, initiative, consent="given", consent_given_by="neighbour")
    assert refused.status_code == 422
    assert [error["field"] for error in refused.json["errors"]] == ["consent_given_by"]
    assert api.get(f"initiatives/{initiative}/participants").json["items"] == []


def test_consent_to_publish_is_stamped_and_withdrawing_consent_takes_it_along(api, initiative):
    person = add(
        api,
        initiative,
        consent="given",
        consent_given_on="2026-11-20",
        consent_given_by="parent",
        publication_consent="given",
    ).json
    assert person["publication_consent"] == "given"
    assert person["publication_consent_recorded_at"] is not None
    withdrawn = api.patch(f"participants/{person['id']}", json={"consent": "withdrawn"}).json
    assert withdrawn["consent"] == "withdrawn"
    assert withdrawn["publication_consent"] == "withdrawn"
    assert withdrawn["publication_consent_recorded_at"] >= person["publication_consent_recorded_at"]


def test_evidence_is_published_only_with_consent_to_use_as_well(api, initiative):
    assert codes(quote(api, initiative, publication_consent="given")) == {
        ("publication_consent", "publication_needs_consent")
    }
    made = quote(api, initiative, consent="given", publication_consent="given")
    assert made.status_code == 201, made.json
    assert made.json["publication_consent"] == "given"
    changed = api.patch(f"evidence/{made.json['id']}", json={"consent": "not_recorded"}).json
    assert changed["publication_consent"] == "not_recorded"


def test_a_withdrawal_withdraws_consent_to_publish_their_evidence(api, initiative):
    person = add(
        api,
        initiative,
        consent="given",
        consent_given_on="2026-11-20",
        consent_given_by="self",
        publication_consent="given",
    ).json
    said = quote(
        api,
        initiative,
        participant_id=person["id"],
        consent="given",
        publication_consent="given",
        visibility="public",
    ).json
    api.patch(f"participants/{person['id']}", json={"consent": "withdrawn"})
    after = api.get(f"evidence/{said['id']}").json
    assert (after["consent"], after["publication_consent"], after["visibility"]) == (
        "withdrawn",
        "withdrawn",
        "organisation",
    )


def test_erasure_withdraws_consent_to_publish(api, org, initiative):
    person = add(
        api,
        initiative,
        consent="given",
        consent_given_on="2026-11-20",
        consent_given_by="self",
        publication_consent="given",
    ).json
    erased = org.with_scope("admin").post(f"participants/{person['id']}/erasure")
    assert erased.status_code in {200, 201}, erased.json
    after = api.get(f"participants/{person['id']}").json
    assert after["publication_consent"] == "withdrawn"


def test_the_change_feed_shows_the_consent_record_as_a_get_does(api, initiative):
    start = api.get("events", query_string={"limit": 1}).json["next_cursor"]
    person = add(
        api,
        initiative,
        consent="given",
        consent_given_on="2026-11-20",
        consent_given_by="guardian",
        publication_consent="given",
    ).json
    api.patch(f"participants/{person['id']}", json={"publication_consent": "withdrawn"})
    shown = api.get(f"participants/{person['id']}").json
    items = api.get("events", query_string={"cursor": start, "limit": 50}).json["items"]
    mine = [item for item in items if item["record_id"] == person["id"]]
    assert [item["type"] for item in mine] == [
        "participant.created",
        "participant.publication_consent_withdrawn",
    ]
    assert mine[0]["record"]["consent_given_by"] == "guardian"
    assert mine[0]["record"]["publication_consent"] == "given"
    assert mine[-1]["record"] == shown
