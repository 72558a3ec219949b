"""`coprod db upgrade` keeps the data it finds: records written at an older schema read
back through the HTTP API, each with its values and the defaults of the fields added since.

The records are written as the schema of revision 0011c holds them (the tables spelt out
here, not the models, which move on), then the database is upgraded to the newest
revision, whatever that is: a later migration that loses or garbles older rows fails here.
Run on SQLite, and on PostgreSQL when ``COPROD_TEST_DATABASE_URL`` names one (in a schema
of its own, dropped afterwards, so the suite's tables are untouched).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import secrets
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from conftest import TEST_DATABASE_VARIABLE, ApiClient

from api import create_app
from api.context import services
from toolkits_core._store.ids import new_id
from toolkits_core.service import Database

OLD_REVISION = "0011c"
WHEN = dt.datetime(2026, 3, 2, 10, 30)  # naive UTC, as the columns store it
STAR = "coproduction-star"


def _table(name: str, *columns: tuple[str, Any]) -> sa.TableClause:
    return sa.table(name, *(sa.column(column, type_) for column, type_ in columns))


# The tables as revision 0011c has them (only the columns these rows need).
ORGANISATIONS = _table(
    "organisations",
    ("id", sa.String), ("name", sa.String), ("created_at", sa.DateTime),
    ("updated_at", sa.DateTime), ("version", sa.Integer),
)  # fmt: skip
KEYS = _table(
    "api_keys",
    ("id", sa.String), ("organisation_id", sa.String), ("name", sa.String),
    ("secret_sha256", sa.String), ("scopes", sa.JSON), ("created_at", sa.DateTime),
)  # fmt: skip
MIRRORED = (("created_at", sa.DateTime), ("updated_at", sa.DateTime), ("version", sa.Integer))
INITIATIVES = _table(
    "initiatives",
    ("id", sa.String), ("organisation_id", sa.String), ("toolkit_key", sa.String),
    ("toolkit_version", sa.String), ("title", sa.String), ("summary", sa.Text),
    ("status", sa.String), ("themes", sa.JSON), ("external_ref", sa.String),
    ("stage", sa.String), ("cycle", sa.Integer), *MIRRORED,
)  # fmt: skip
STAGE_ENTRIES = _table(
    "stage_entries",
    ("id", sa.String), ("organisation_id", sa.String), ("initiative_id", sa.String),
    ("from_stage", sa.String), ("stage", sa.String), ("cycle", sa.Integer),
    ("kind", sa.String), ("note", sa.Text), ("entered_at", sa.DateTime),
)  # fmt: skip
PARTICIPANTS = _table(
    "participants",
    ("id", sa.String), ("organisation_id", sa.String), ("initiative_id", sa.String),
    ("role", sa.String), ("display_name", sa.String), ("consent", sa.String),
    ("consent_recorded_at", sa.DateTime), ("external_ref", sa.String),
    ("consent_given_on", sa.Date), ("consent_given_by", sa.String),
    ("publication_consent", sa.String), ("publication_consent_recorded_at", sa.DateTime),
    *MIRRORED,
)  # fmt: skip
ACTIVITIES = _table(
    "activities",
    ("id", sa.String), ("organisation_id", sa.String), ("initiative_id", sa.String),
    ("activity_type", sa.String), ("stage", sa.String), ("cycle", sa.Integer),
    ("title", sa.String), ("description", sa.Text), ("dimensions", sa.JSON),
    ("starts_on", sa.Date), ("ends_on", sa.Date), ("outcomes", sa.Text),
    ("external_ref", sa.String), *MIRRORED,
)  # fmt: skip
ACTIVITY_PARTICIPANTS = _table(
    "activity_participants", ("activity_id", sa.String), ("participant_id", sa.String)
)
EVIDENCE = _table(
    "evidence",
    ("id", sa.String), ("organisation_id", sa.String), ("initiative_id", sa.String),
    ("evidence_type", sa.String), ("stage", sa.String), ("cycle", sa.Integer),
    ("activity_id", sa.String), ("participant_id", sa.String), ("dimensions", sa.JSON),
    ("indicators", sa.JSON), ("payload", sa.JSON), ("consent", sa.String),
    ("publication_consent", sa.String), ("visibility", sa.String),
    ("collected_on", sa.Date), ("external_ref", sa.String), *MIRRORED,
)  # fmt: skip
ASSESSMENTS = _table(
    "assessments",
    ("id", sa.String), ("organisation_id", sa.String), ("initiative_id", sa.String),
    ("scale", sa.String), ("perspective", sa.String), ("cycle", sa.Integer),
    ("stage", sa.String), ("ratings", sa.JSON), ("assessed_on", sa.Date), ("note", sa.Text),
    ("external_ref", sa.String), *MIRRORED,
)  # fmt: skip


@pytest.fixture
def old_database(tmp_path: Any) -> Iterator[Database]:
    """An empty database migrated to ``OLD_REVISION`` only."""
    url = os.environ.get(TEST_DATABASE_VARIABLE)
    schema = None
    if url:
        schema = f"upgrade_{secrets.token_hex(4)}"
        owner = Database(url)
        with owner.engine.begin() as connection:
            connection.execute(sa.text(f"CREATE SCHEMA {schema}"))
        owner.dispose()
        url = (
            sa.engine.make_url(url)
            .update_query_dict({"options": f"-csearch_path={schema}"})
            .render_as_string(hide_password=False)
        )
    else:
        url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    database = Database(url)
    command.upgrade(database._alembic_config(), OLD_REVISION)
    yield database
    database.dispose()
    if schema is not None:
        owner = Database(os.environ[TEST_DATABASE_VARIABLE])
        with owner.engine.begin() as connection:
            connection.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        owner.dispose()


def _write_old_records(database: Database) -> dict[str, Any]:
    """One of each record, as an application at ``OLD_REVISION`` would have stored it."""
    ids = {
        name: new_id(prefix)
        for name, prefix in (
            ("organisation", "org"), ("key", "key"), ("initiative", "ini"),
            ("entry", "stg"), ("carer", "par"), ("pupil", "par"), ("activity", "act"),
            ("quote", "evd"), ("notes", "evd"), ("assessment", "asm"),
        )
    }  # fmt: skip
    secret = secrets.token_urlsafe(32)
    stamps = {"created_at": WHEN, "updated_at": WHEN, "version": 1}
    owned = {"organisation_id": ids["organisation"]}
    within = {**owned, "initiative_id": ids["initiative"], **stamps}
    rows: list[tuple[sa.TableClause, dict[str, Any]]] = [
        (ORGANISATIONS, {"id": ids["organisation"], "name": "Old council", **stamps}),
        (KEYS, {"id": ids["key"], **owned, "name": "old key", "created_at": WHEN,
                "secret_sha256": hashlib.sha256(secret.encode()).hexdigest(),
                "scopes": ["read", "write"]}),
        (INITIATIVES, {"id": ids["initiative"], **owned, "toolkit_key": STAR,
                       "toolkit_version": "1.0.0", "title": "Memory walks",
                       "summary": "Walks with people living with dementia.",
                       "status": "active", "themes": ["dementia"], "external_ref": "INI-1",
                       "stage": "map-it", "cycle": 1, **stamps}),
        (STAGE_ENTRIES, {"id": ids["entry"], **owned, "initiative_id": ids["initiative"],
                         "from_stage": None, "stage": "map-it", "cycle": 1, "kind": "start",
                         "note": "", "entered_at": WHEN}),
        (PARTICIPANTS, {"id": ids["carer"], **within, "role": "family_member_or_carer",
                        "display_name": "Morag", "consent": "given",
                        "consent_recorded_at": WHEN, "external_ref": "CRM-7",
                        "consent_given_on": dt.date(2026, 3, 1), "consent_given_by": "self",
                        "publication_consent": "given",
                        "publication_consent_recorded_at": WHEN}),
        (PARTICIPANTS, {"id": ids["pupil"], **within, "role": "volunteer",
                        "display_name": "Pupil A", "consent": "not_recorded",
                        "consent_recorded_at": None, "external_ref": None,
                        "consent_given_on": None, "consent_given_by": None,
                        "publication_consent": "not_recorded",
                        "publication_consent_recorded_at": None}),
        (ACTIVITIES, {"id": ids["activity"], **within,
                      "activity_type": "co-production-mapping-session", "stage": "map-it",
                      "cycle": 1, "title": "Mapping the high street", "description": "",
                      "dimensions": [], "starts_on": dt.date(2026, 3, 2), "ends_on": None,
                      "outcomes": "", "external_ref": "ACT-1"}),
        (ACTIVITY_PARTICIPANTS, {"activity_id": ids["activity"], "participant_id": ids["carer"]}),
        (EVIDENCE, {"id": ids["quote"], **within, "evidence_type": "participant-quote",
                    "stage": "map-it", "cycle": 1, "activity_id": ids["activity"],
                    "participant_id": ids["carer"], "dimensions": [], "indicators": [],
                    "payload": {"text": "The café feels like ours now."},
                    "consent": "given", "publication_consent": "not_recorded",
                    "visibility": "organisation", "collected_on": dt.date(2026, 3, 2),
                    "external_ref": "EVD-1"}),
        (EVIDENCE, {"id": ids["notes"], **within, "evidence_type": "session-notes",
                    "stage": "map-it", "cycle": 1, "activity_id": None,
                    "participant_id": None, "dimensions": [], "indicators": [],
                    "payload": {"text": "Ten came."}, "consent": "not_recorded",
                    "publication_consent": "not_recorded", "visibility": "private",
                    "collected_on": None, "external_ref": None}),
        (ASSESSMENTS, {"id": ids["assessment"], **within, "scale": "star-self-assessment",
                       "perspective": "professional", "cycle": 1, "stage": "map-it",
                       "ratings": {"co-design": 3}, "assessed_on": dt.date(2026, 3, 2),
                       "note": "First look", "external_ref": None}),
    ]  # fmt: skip
    with database.engine.begin() as connection:
        for table, values in rows:
            connection.execute(sa.insert(table).values(**values))
    return {**ids, "token": f"coprod_{ids['key']}.{secret}"}


def _read(api: ApiClient, path: str) -> dict[str, Any]:
    response = api.get(path)
    assert response.status_code == 200, (path, response.json)
    body: dict[str, Any] = response.json
    return body


def test_an_upgrade_keeps_every_record_readable_with_its_values(
    old_database, plugin_host, tmp_path
):
    old = _write_old_records(old_database)
    old_database.upgrade()
    assert old_database.is_current()
    app = create_app(
        {
            "DATABASE_URL": old_database.url,
            "AUTO_MIGRATE": False,
            "PLUGIN_HOST": plugin_host,
            "FILES_DIR": str(tmp_path / "files"),
            "TESTING": True,
        }
    )
    try:
        api = ApiClient(app.test_client(), old["token"])
        initiative = _read(api, f"initiatives/{old['initiative']}")
        assert initiative["title"] == "Memory walks"
        assert initiative["stage"] == "map-it"
        assert initiative["themes"] == ["dementia"]
        assert initiative["external_ref"] == "INI-1"
        assert initiative["version"] == 1

        carer = _read(api, f"participants/{old['carer']}")
        assert carer["display_name"] == "Morag"
        assert carer["role"] == "family_member_or_carer"
        assert carer["consent"] == "given"
        assert carer["consent_given_on"] == "2026-03-01"
        assert carer["consent_given_by"] == "self"
        assert carer["publication_consent"] == "given"
        assert carer["external_ref"] == "CRM-7"
        assert carer["affiliation"] is None  # fields added since: their defaults
        assert carer["age_band"] == "adult"
        pupil = _read(api, f"participants/{old['pupil']}")
        assert (pupil["consent"], pupil["age_band"]) == ("not_recorded", "adult")

        activity = _read(api, f"activities/{old['activity']}")
        assert activity["title"] == "Mapping the high street"
        assert activity["participant_ids"] == [old["carer"]]
        assert activity["starts_on"] == "2026-03-02"

        quote = _read(api, f"evidence/{old['quote']}")
        assert quote["payload"] == {"text": "The café feels like ours now."}
        assert quote["participant_id"] == old["carer"]
        assert quote["participant_ids"] == [old["carer"]]
        assert quote["activity_id"] == old["activity"]
        assert quote["collected_on"] == "2026-03-02"
        notes = _read(api, f"evidence/{old['notes']}")
        assert (notes["participant_id"], notes["participant_ids"]) == (None, [])
        assert notes["visibility"] == "private"

        # The old single participant is found both ways: by evidence, and by person.
        from_carer = _read(
            api, f"initiatives/{old['initiative']}/evidence?participant_id={old['carer']}"
        )
        assert [item["id"] for item in from_carer["items"]] == [old["quote"]]

        assessment = _read(api, f"assessments/{old['assessment']}")
        assert assessment["ratings"] == {"co-design": 3}
        assert assessment["note"] == "First look"

        # And the old rows still take part in the rules that read them: withdrawing the
        # carer's consent withdraws the evidence that came from them.
        withdrawn = api.patch(f"participants/{old['carer']}", json={"consent": "withdrawn"})
        assert withdrawn.status_code == 200, withdrawn.json
        assert _read(api, f"evidence/{old['quote']}")["consent"] == "withdrawn"
    finally:
        services(app).database.dispose()
