"""Seeding the demo: an organisation and a key, then the whole initiative over HTTP.

Only the organisation and its key are made directly in the database, as the operator's
``coprod orgs create`` and ``coprod keys create`` would (no HTTP call makes an
organisation). Everything else is recorded through the API with that key, exactly as an
integrator would record it, so a demo that seeds is also an API that works.

Seeding twice records nothing twice: the organisation is found by its name and the
initiative by its external_ref. A key is made on every run, because a key is shown only
when it is made.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from api.context import services
from coprod_demo.content import (
    ASSESSMENTS,
    CASE_STUDY_AGREED_BY,
    CASE_STUDY_PLACE,
    CASE_STUDY_SECTIONS,
    CHAPTERS,
    CONSENT_DAYS_AGO,
    INITIATIVE,
    INITIATIVE_REF,
    ORGANISATION_NAME,
    PEOPLE,
    SCALE,
    TOOLKIT,
    Attachment,
)
from coprod_demo.media import MAKERS
from toolkits_core.service import (
    Organisation,
    create_key,
    create_organisation,
    list_keys,
    list_organisations,
    revoke_key,
)

KEY_NAME = "demo key (coprod serve --demo)"
API = "/api/v1"


class DemoRequestError(RuntimeError):
    """The API refused one of the demo's requests: a bug in coprod or in the demo itself."""


class DemoUnavailableError(RuntimeError):
    """The demo cannot be recorded here, for a reason the message gives."""


@dataclass(frozen=True, slots=True)
class DemoSeed:
    """What a seeding run left: where the demo is, and a fresh key to reach it."""

    organisation_id: str
    initiative_id: str
    token: str
    """A new admin key of the demo organisation, shown now and never again."""
    created: bool
    """Whether this run recorded the initiative (False: an earlier run had)."""
    summary: str
    """A few lines for people: who, what, where the initiative stands, what blocks it."""


class _Client:
    """The app's test client with the demo key, failing loudly on any unexpected answer."""

    def __init__(self, client: FlaskClient, token: str) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"}

    def call(self, method: str, path: str, expected: int, **options: Any) -> Any:
        headers = {**self.headers, **options.pop("headers", {})}
        response = self.client.open(f"{API}{path}", method=method, headers=headers, **options)
        if response.status_code != expected:
            raise DemoRequestError(
                f"{method} {API}{path} answered {response.status_code}, not {expected}: "
                f"{response.get_data(as_text=True)}"
            )
        return response.get_json(silent=True)

    def every(self, path: str) -> list[dict[str, Any]]:
        """Every item of a list, page by page."""
        items: list[dict[str, Any]] = []
        query: dict[str, Any] = {"limit": 100}
        while True:
            page = self.call("GET", path, 200, query_string=query)
            items += page["items"]
            if page["next_cursor"] is None:
                return items
            query["cursor"] = page["next_cursor"]


def seed_demo(app: Flask, *, today: dt.date | None = None) -> DemoSeed:
    """Make sure the demo organisation and initiative exist; return a new key for them.

    ``today`` is the day the story's dates count back from (by default, today).
    """
    if TOOLKIT not in {toolkit.key for toolkit in services(app).host.toolkits()}:
        raise DemoUnavailableError(
            f"The demo is run with the toolkit {TOOLKIT!r}, which no loaded plugin provides: "
            "check COPROD_PLUGINS and COPROD_DISABLE_PLUGINS (coprod plugins list)."
        )
    with services(app).database.session() as session:
        organisation = _demo_organisation(session)
        made = create_key(session, organisation.id, KEY_NAME, ["admin"])
        organisation_id, token = organisation.id, made.token
    client = _Client(app.test_client(), token)
    found = client.call("GET", "/initiatives", 200, query_string={"external_ref": INITIATIVE_REF})
    if found["items"]:
        initiative_id, created = found["items"][0]["id"], False
    else:
        _clear_unfinished(client)
        initiative_id, created = _record_story(client, today or dt.date.today()), True
    with services(app).database.session() as session:
        # Keys are shown once, so each run needs a new one. Once this run has succeeded,
        # the earlier runs' keys stop working: demo runs leave no admin keys lying about.
        for key in list_keys(session, organisation_id):
            if key.name == KEY_NAME and key.revoked_at is None and key.id != made.key.id:
                revoke_key(session, organisation_id, key.id)
    return DemoSeed(
        organisation_id=organisation_id,
        initiative_id=initiative_id,
        token=token,
        created=created,
        summary=_summary(client, initiative_id, created),
    )


def _demo_organisation(session: Session) -> Organisation:
    for organisation in list_organisations(session):
        if organisation.name == ORGANISATION_NAME:
            return organisation
    return create_organisation(session, ORGANISATION_NAME)


def _record_story(client: _Client, today: dt.date) -> str:
    """Record the initiative, chapter by chapter; on failure, leave no half-told story.

    The initiative gets the external_ref a later run finds it by only once the story is
    complete, so a run killed part-way leaves an initiative no later run takes as done.
    """
    unfinished = {key: value for key, value in INITIATIVE.items() if key != "external_ref"}
    initiative = client.call("POST", "/initiatives", 201, json=unfinished)
    initiative_id: str = initiative["id"]
    try:
        _record_chapters(client, initiative_id, today)
        _publish_case_study(client, initiative_id)
        client.call(
            "PATCH", f"/initiatives/{initiative_id}", 200, json={"external_ref": INITIATIVE_REF}
        )
    except BaseException:
        client.call("DELETE", f"/initiatives/{initiative_id}", 204)
        raise
    return initiative_id


def _clear_unfinished(client: _Client) -> None:
    """Delete what an interrupted run left: demo initiatives that were never completed."""
    for initiative in client.every("/initiatives"):
        if initiative["external_ref"] is None and initiative["title"] == INITIATIVE["title"]:
            client.call("DELETE", f"/initiatives/{initiative['id']}", 204)


def _record_chapters(client: _Client, initiative_id: str, today: dt.date) -> None:
    base = f"/initiatives/{initiative_id}"
    people = {
        person.key: client.call(
            "POST",
            f"{base}/participants",
            201,
            json={
                "role": person.role,
                "display_name": person.display_name,
                "consent": person.consent,
                "consent_given_by": person.given_by,
                "consent_given_on": (
                    (today - dt.timedelta(days=CONSENT_DAYS_AGO)).isoformat()
                    if person.given_by
                    else None
                ),
                "publication_consent": "given" if person.publish else "not_recorded",
            },
        )["id"]
        for person in PEOPLE
    }
    consent = {person.key: person.consent for person in PEOPLE}
    for chapter in CHAPTERS:
        if chapter.arrival is not None:
            entry = client.call(
                "POST",
                f"{base}/transitions",
                201,
                json={"to_stage": chapter.stage, "note": chapter.arrival},
            )
            if entry["stage"] != chapter.stage:
                raise DemoRequestError(f"moved to {entry['stage']}, not {chapter.stage}")
        activities: dict[str, str] = {}
        days: dict[str, str] = {}
        for happening in chapter.happenings:
            days[happening.key] = (today - dt.timedelta(days=happening.days_ago)).isoformat()
            activities[happening.key] = client.call(
                "POST",
                f"{base}/activities",
                201,
                json={
                    "activity_type": happening.activity_type,
                    "stage": chapter.stage,
                    "title": happening.title,
                    "description": happening.description,
                    "outcomes": happening.outcomes,
                    "dimensions": happening.dimensions,
                    "participant_ids": [people[key] for key in happening.people],
                    "starts_on": days[happening.key],
                },
            )["id"]
        for record in chapter.records:
            body: dict[str, Any] = {
                "evidence_type": record.evidence_type,
                "stage": chapter.stage,
                "payload": record.payload,
                "dimensions": record.dimensions,
                "indicators": record.indicators,
                "consent": consent[record.person] if record.person else "given",
                "visibility": "public" if record.publish else record.visibility,
                "publication_consent": "given" if record.publish else "not_recorded",
            }
            if record.activity is not None:
                body["activity_id"] = activities[record.activity]
                body["collected_on"] = days[record.activity]
            if record.person is not None:
                body["participant_id"] = people[record.person]
            evidence = client.call("POST", f"{base}/evidence", 201, json=body)
            if record.attachment is not None:
                _upload(client, evidence["id"], record.attachment)
    for rating in ASSESSMENTS:
        client.call(
            "POST",
            f"{base}/assessments",
            201,
            json={
                "scale": SCALE,
                "perspective": rating.perspective,
                "ratings": rating.ratings,
                "note": rating.note,
                "assessed_on": (today - dt.timedelta(days=rating.days_ago)).isoformat(),
            },
        )


def _publish_case_study(client: _Client, initiative_id: str) -> None:
    """A case study of the story, with the people's words added, in the library."""
    made = client.call("POST", f"/initiatives/{initiative_id}/case-studies", 201, json={})
    client.call("PATCH", f"/case-studies/{made['id']}", 200, json={"sections": CASE_STUDY_SECTIONS})
    client.call(
        "PUT",
        f"/case-studies/{made['id']}/publication",
        201,
        json={
            "owners_agree": True,
            "agreed_by": CASE_STUDY_AGREED_BY,
            "place": CASE_STUDY_PLACE,
        },
    )


def _upload(client: _Client, evidence_id: str, attachment: Attachment) -> None:
    """Upload a file as any client would: multipart/form-data, the file in part ``file``."""
    content = MAKERS[attachment.maker]()
    client.call(
        "PUT",
        f"/evidence/{evidence_id}/file",
        200,
        data={"file": (io.BytesIO(content), attachment.filename, attachment.content_type)},
        content_type="multipart/form-data",
    )


def _summary(client: _Client, initiative_id: str, created: bool) -> str:
    """Where the demo stands, read back through the API."""
    initiative = client.call("GET", f"/initiatives/{initiative_id}", 200)
    progress = client.call("GET", f"/initiatives/{initiative_id}/progress", 200)
    toolkit = client.call("GET", f"/toolkits/{initiative['toolkit']}", 200)
    organisation = client.call("GET", "/organisation", 200)
    stage_names = {stage["key"]: stage["name"] for stage in toolkit["stages"]}
    position = list(stage_names).index(initiative["stage"]) + 1
    counts = {
        collection: len(client.every(f"/initiatives/{initiative_id}/{collection}"))
        for collection in ("participants", "activities", "evidence", "assessments")
    }
    lines = [
        f"Demo organisation: {organisation['name']} ({organisation['id']})",
        f"Demo initiative: {initiative['title']} ({initiative_id}), "
        + ("recorded just now" if created else "as an earlier run recorded it"),
        f"  run with {toolkit['name']} {initiative['toolkit_version']}; now in "
        f"{stage_names[initiative['stage']]} (stage {position} of {len(stage_names)})",
        f"  {counts['participants']} participants, {counts['activities']} activities, "
        f"{counts['evidence']} pieces of evidence, {counts['assessments']} assessments",
    ]
    for move in progress["moves"]:
        name = stage_names.get(move["to_stage"], move["to_stage"])
        if move["allowed"]:
            lines.append(f"  Next: {name} is open.")
        for blocker in move["blockers"]:
            lines.append(f"  Next: {name} waits for this: {blocker['message']}")
    return "\n".join(lines)
