"""The fast dumps of ``api.serialise`` answer byte for byte what marshmallow answers.

Every list in the API is dumped by a function ``api.serialise`` writes from the item's
marshmallow schema, and a read-only request reads its page as plain records rather than
ORM instances. These tests answer the same requests twice, once that way and once the
way the schemas alone would (marshmallow dumping ORM instances, encoded by ``jsonify``),
over records chosen to hold what is easy to get wrong: nulls, dates and times, nested
payloads, numbers, non-ASCII text, a file, a summary. Then they hold the generated
functions to ``Schema.dump`` field type by field type, including the fields they hand
back to marshmallow, and pin the read path around them: the records a read-only page
holds, the JSON columns it decodes, and the key's ``last_used_at`` that a read writes
now and then.
"""

from __future__ import annotations

import collections
import datetime as dt
import io
import json
import types
from typing import Any

import marshmallow as ma
import pytest
import sqlalchemy as sa

import api.context
import api.lists
import api.records
from api.context import services
from api.lists import page_schema
from api.resources.activities import ActivitySchema
from api.resources.assessments import AssessmentSchema
from api.resources.evidence import EvidenceSchema
from api.resources.initiatives import InitiativeSchema, StageEntrySchema
from api.resources.organisation import ApiKeySchema
from api.resources.participants import ParticipantSchema
from api.serialise import compile_dump, compiled
from toolkits_core._store.database import load_json
from toolkits_core.service import (
    Activity,
    ApiKey,
    NotFoundError,
    Workspace,
    get_evidence,
    get_initiative,
    get_participant,
    list_activities,
    list_evidence,
    list_initiatives,
    read_records_only,
)

STAR = "coproduction-star"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 40
UNICODE = "Café “Sunflower” — Łódź, 日本語, 😊 and a tab\there"


def created(response) -> dict[str, Any]:
    assert response.status_code in (200, 201), response.get_data(as_text=True)
    return response.json


@pytest.fixture
def world(org) -> dict[str, str]:
    """An organisation's initiative with one record of every kind, oddly shaped ones too."""
    api = org.api
    initiative = created(
        api.post(
            "initiatives",
            json={"toolkit": STAR, "title": UNICODE, "summary": "", "themes": ["dementia"],
                  "external_ref": "crm/ü-1"},
        )
    )["id"]  # fmt: skip
    created(api.post("initiatives", json={"toolkit": STAR, "title": "Plain", "themes": []}))
    people = [
        created(
            api.post(
                f"initiatives/{initiative}/participants",
                json={"role": role, "display_name": name, "consent": consent},
            )
        )["id"]
        for role, name, consent in (
            ("person_using_services", "Mary 😊", "given"),
            ("professional", "Dr. O'Neil", "not_recorded"),
            ("volunteer", "Ana", "withdrawn"),
        )
    ]
    activity = created(
        api.post(
            f"initiatives/{initiative}/activities",
            json={"activity_type": "co-production-mapping-session", "title": UNICODE,
                  "participant_ids": people[:2], "dimensions": ["co-design"],
                  "starts_on": "2026-03-01", "external_ref": "act-1"},
        )
    )["id"]  # fmt: skip
    created(
        api.post(
            f"initiatives/{initiative}/activities",
            json={"activity_type": "co-production-mapping-session", "title": "No one"},
        )
    )
    evidence = [
        {"evidence_type": "session-notes", "payload": {"text": UNICODE}},
        {"evidence_type": "survey-result", "activity_id": activity, "consent": "given",
         "payload": {"question": "Was it good?", "respondents": 12,
                     "results": {"zeta": 0.1, "Ja ✓": 3, "alpha": 1e-07, "big": 12.0},
                     "summary": "Mostly\nyes"},
         "collected_on": "2026-02-28", "dimensions": ["co-design", "co-delivery"],
         "external_ref": "ev-2"},
        {"evidence_type": "metric", "participant_id": people[0],
         "payload": {"name": "walks", "value": -2.5e-05, "unit": "km"}},
        {"evidence_type": "photo", "payload": {"caption": "The café"}},
    ]  # fmt: skip
    ids = [created(api.post(f"initiatives/{initiative}/evidence", json=body))["id"]
           for body in evidence]  # fmt: skip
    upload = {"file": (io.BytesIO(PNG), "café.png", "image/png")}
    created(api.put(f"evidence/{ids[-1]}/file", data=upload, content_type="multipart/form-data"))
    for perspective, ratings in (("professional", {"co-design": 2, "co-delivery": 5}),
                                 ("person_using_services", {"co-design": 1})):  # fmt: skip
        created(
            api.post(
                f"initiatives/{initiative}/assessments",
                json={"scale": "star-self-assessment", "perspective": perspective,
                      "ratings": ratings, "note": UNICODE},
            )
        )  # fmt: skip
    return {"initiative": initiative}


LISTS = {
    "initiatives": ("initiatives", "write"),
    "initiatives, a page of one": ("initiatives?limit=1", "read"),
    "participants": ("initiatives/{initiative}/participants", "read"),
    "activities": ("initiatives/{initiative}/activities", "read"),
    "evidence": ("initiatives/{initiative}/evidence", "read"),
    "evidence, filtered and paged": (
        "initiatives/{initiative}/evidence?limit=2&visibility=organisation",
        "read",
    ),
    "assessments": ("initiatives/{initiative}/assessments", "read"),
    "stage history": ("initiatives/{initiative}/transitions", "read"),
    "keys": ("keys", "admin"),
}


def marshmallow_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Answer lists as before ``api.serialise``: ORM instances, dumped by marshmallow."""
    monkeypatch.setattr(api.lists, "compiled", lambda schema: schema().dump)
    monkeypatch.setattr(api.records, "compiled", lambda schema: schema().dump)
    monkeypatch.setattr(api.context, "read_records_only", lambda session: None)


@pytest.mark.parametrize("name", sorted(LISTS))
def test_every_list_answers_what_marshmallow_answers_byte_for_byte(name, org, world, monkeypatch):
    path, scope = LISTS[name]
    client = org.with_scope(scope)
    url = path.format(**world)
    fast = client.get(url)
    assert fast.status_code == 200, fast.get_data(as_text=True)
    assert fast.json["items"], "the page must hold records to compare"
    with monkeypatch.context() as patched:
        marshmallow_only(patched)
        slow = client.get(url)
    assert fast.get_data() == slow.get_data()
    assert fast.status_code == slow.status_code
    assert fast.headers.get("Link") == slow.headers.get("Link")
    assert fast.headers["Content-Type"] == slow.headers["Content-Type"]
    assert fast.headers["Content-Length"] == slow.headers["Content-Length"]


def same_answers(fast, slow) -> None:
    assert fast.status_code == 200, fast.get_data(as_text=True)
    assert fast.get_data() == slow.get_data()
    for header in ("ETag", "Content-Type", "Content-Length", "Link", "Location"):
        assert fast.headers.get(header) == slow.headers.get(header), header


@pytest.mark.parametrize("collection", ["participants", "activities", "evidence"])
def test_every_record_shown_answers_what_marshmallow_answers(collection, org, world, monkeypatch):
    listed = org.api.get(f"initiatives/{world['initiative']}/{collection}").json["items"]
    paths = [f"initiatives/{world['initiative']}"] + [f"{collection}/{r['id']}" for r in listed]
    for path in paths:
        fast = org.api.get(path)
        with monkeypatch.context() as patched:
            marshmallow_only(patched)
            slow = org.api.get(path)
        same_answers(fast, slow)


def test_a_created_record_answers_what_marshmallow_shows_of_it(org, world, monkeypatch):
    payload = {"question": "Ça va?", "respondents": 3, "results": {"oui": 2.5}}
    body = {"evidence_type": "survey-result", "collected_on": "2026-01-31", "payload": payload}
    made = org.api.post(f"initiatives/{world['initiative']}/evidence", json=body)
    assert made.status_code == 201, made.get_data(as_text=True)
    assert made.headers["Location"].endswith(f"/api/v1/evidence/{made.json['id']}")
    with monkeypatch.context() as patched:
        marshmallow_only(patched)
        shown = org.api.get(f"evidence/{made.json['id']}")
    assert made.get_data() == shown.get_data()
    assert made.headers["ETag"] == shown.headers["ETag"]


def test_the_pages_compared_hold_the_awkward_values(org, world):
    """The comparison above means something only if these values are really in it."""
    evidence = org.api.get(f"initiatives/{world['initiative']}/evidence").json["items"]
    assert any(item["file"] is not None for item in evidence)
    assert any(item["file"] is None and item["collected_on"] is None for item in evidence)
    assert any(item["payload"].get("results", {}).get("alpha") == 1e-07 for item in evidence)
    text = org.api.get(f"initiatives/{world['initiative']}/evidence").get_data(as_text=True)
    assert "\\u00e9" in text  # escaped, as jsonify escapes
    assert "\\ud83d\\ude0a" in text
    people = org.api.get(f"initiatives/{world['initiative']}/participants").json["items"]
    assert {p["consent_recorded_at"] is None for p in people} == {True, False}
    summaries = org.api.get(f"initiatives/{world['initiative']}/assessments").json["items"]
    assert all(item["summary"] is not None for item in summaries)


# The generated functions, field type by field type ---------------------------------------


class Odd(ma.fields.String):
    """A field type the writer does not know: it must be left to marshmallow."""

    def _serialize(self, value: Any, attr: Any, obj: Any, **kwargs: Any) -> Any:
        return None if value is None else f"<{value}>"


class InnerSchema(ma.Schema):
    label = ma.fields.String()
    when = ma.fields.Date()


class EverythingSchema(ma.Schema):
    text = ma.fields.String()
    not_text = ma.fields.String()
    renamed = ma.fields.String(data_key="shown_as", attribute="stored_as")
    number = ma.fields.Integer()
    from_text = ma.fields.Integer()
    from_bool = ma.fields.Integer()
    as_text = ma.fields.Integer(as_string=True)
    ratio = ma.fields.Float()
    flag = ma.fields.Boolean()
    moment = ma.fields.AwareDateTime()
    naive = ma.fields.NaiveDateTime()
    stamp = ma.fields.DateTime(format="timestamp")
    custom = ma.fields.DateTime(format="%d/%m/%Y")
    day = ma.fields.Date()
    labels = ma.fields.List(ma.fields.String())
    days = ma.fields.List(ma.fields.Date())
    mapping = ma.fields.Dict(keys=ma.fields.String())
    raw_mapping = ma.fields.Dict()
    counted = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())
    inner = ma.fields.Nested(InnerSchema)
    inners = ma.fields.List(ma.fields.Nested(InnerSchema))
    many_inner = ma.fields.Nested(InnerSchema, many=True)
    dotted = ma.fields.String(attribute="inner.label")
    computed = ma.fields.Function(lambda record: f"#{record.number}")
    odd = Odd()
    defaulted = ma.fields.String(dump_default="fallback")
    secret = ma.fields.String(load_only=True)
    nothing = ma.fields.String()


def everything(**overrides: Any) -> types.SimpleNamespace:
    values: dict[str, Any] = {
        "text": UNICODE,
        "not_text": 42,
        "stored_as": "kept",
        "number": 7,
        "from_text": "8",
        "from_bool": True,
        "as_text": 9,
        "ratio": 0.1,
        "flag": 1,
        "moment": dt.datetime(2026, 3, 1, 9, 30, 0, 123, tzinfo=dt.UTC),
        "naive": dt.datetime(2026, 3, 1, 9, 30),
        "stamp": dt.datetime(2026, 3, 1, tzinfo=dt.UTC),
        "custom": dt.datetime(2026, 3, 1),
        "day": dt.date(2026, 2, 28),
        "labels": ["a", 1, None],
        "days": [dt.date(2026, 1, 1)],
        "mapping": {1: {"nested": [1.5, None, "ü"]}, "b": None},
        "raw_mapping": {"x": 1},
        "counted": {"a": "3"},
        "inner": types.SimpleNamespace(label="in", when=dt.date(2026, 1, 2)),
        "inners": [types.SimpleNamespace(label=None, when=None), None],
        "many_inner": [types.SimpleNamespace(label="m", when=None)],
        "odd": "value",
        "defaulted": "given",
        "secret": "never shown",
        "nothing": None,
    }
    values.update(overrides)
    return types.SimpleNamespace(**values)


def same_as_marshmallow(schema: ma.Schema, record: Any, *, fast: bool = True) -> None:
    """The generated function's dump equals ``schema.dump``'s, keys, order, types and all.

    With ``fast``, it must have built the dump itself rather than handed the record over.
    """
    expected = schema.dump(record)
    dump = compile_dump(schema)
    handed_over = []
    original = schema.dump
    schema.dump = lambda *args, **kwargs: handed_over.append(args) or original(*args, **kwargs)
    try:
        got = dump(record)
    finally:
        del schema.dump
    assert got == expected
    assert list(got) == list(expected)  # the same keys in the same order
    assert repr(got) == repr(expected)  # and the same types (1 is not 1.0 nor True)
    assert (not handed_over) == fast


def test_every_field_type_dumps_as_marshmallow_dumps_it():
    same_as_marshmallow(EverythingSchema(), everything())


@pytest.mark.parametrize(
    "field",
    ["text", "number", "moment", "day", "labels", "mapping", "inner", "inners", "many_inner",
     "ratio", "flag", "stamp", "counted"],
)  # fmt: skip
def test_nulls_dump_as_marshmallow_dumps_them(field):
    same_as_marshmallow(EverythingSchema(), everything(**{field: None}))


def test_a_record_lacking_an_attribute_is_left_to_marshmallow():
    record = everything()
    del record.defaulted  # the field's dump_default stands in
    del record.stored_as  # and "renamed" is left out
    same_as_marshmallow(EverythingSchema(), record, fast=False)
    del record.number
    with pytest.raises(AttributeError):  # the Function field reads it, in both
        compile_dump(EverythingSchema())(record)
    with pytest.raises(AttributeError):
        EverythingSchema().dump(record)


def test_a_mapping_is_dumped_by_marshmallow():
    schema = InitiativeSchema()
    record = {"id": "ini_1", "title": "T", "toolkit_key": "k", "themes": ["a"], "cycle": "2"}
    same_as_marshmallow(schema, record, fast=False)


def test_a_schema_with_dump_hooks_is_dumped_by_marshmallow():
    class Hooked(ma.Schema):
        name = ma.fields.String()

        @ma.post_dump
        def shout(self, data: dict[str, Any], **_kwargs: Any) -> dict[str, Any]:
            return {key: value.upper() for key, value in data.items()}

    same_as_marshmallow(Hooked(), types.SimpleNamespace(name="quiet"), fast=False)


def test_a_schema_with_its_own_accessor_keeps_it():
    class Wrapped(ma.Schema):
        name = ma.fields.String()
        extra = ma.fields.Integer()

        def get_attribute(self, obj: Any, attr: str, default: Any) -> Any:
            if attr == "extra":
                return 5
            return super().get_attribute(obj.inner, attr, default)

    same_as_marshmallow(Wrapped(), types.SimpleNamespace(inner={"name": "from a dict"}))


def test_named_tuple_records_dump_as_their_orm_instances_would():
    Record = collections.namedtuple("Record", ["id", "title", "count", "index"])
    schema = ma.Schema.from_dict(
        {"id": ma.fields.String(), "title": ma.fields.String(), "count": ma.fields.Integer()}
    )()
    same_as_marshmallow(schema, Record("r1", UNICODE, 3, 0))


def test_a_named_tuple_record_lacking_a_field_is_refused_rather_than_shown_without_it():
    Record = collections.namedtuple("Record", ["id"])
    schema = ma.Schema.from_dict({"id": ma.fields.String(), "title": ma.fields.String()})()
    assert schema.dump(Record("r1")) == {"id": "r1"}  # marshmallow would drop it silently
    with pytest.raises(TypeError, match="title"):
        compile_dump(schema)(Record("r1"))


@pytest.mark.parametrize(
    "schema",
    [InitiativeSchema, ParticipantSchema, ActivitySchema, EvidenceSchema, AssessmentSchema,
     StageEntrySchema, ApiKeySchema],
)  # fmt: skip
def test_every_listed_resource_has_a_compiled_page(schema):
    """Each list's page schema compiles, and is kept: it is built once, not per request."""
    page = page_schema(schema)
    assert compiled(page) is compiled(page)
    empty = types.SimpleNamespace(items=[], next_cursor=None)
    assert compiled(page)(empty) == page().dump(empty) == {"items": [], "next_cursor": None}


# The read path around them ---------------------------------------------------------------


def read_only_workspace(database, org, plugin_host, files) -> Workspace:
    session = database.new_session()
    read_records_only(session)
    return Workspace(session, org.id, plugin_host, files)


def test_a_read_only_page_holds_records_equal_to_the_orm_instances(
    org, world, database, plugin_host, app
):
    files = services(app).files
    reading = read_only_workspace(database, org, plugin_host, files)
    loading = Workspace(database.new_session(), org.id, plugin_host, files)
    try:
        pages = [
            (list_initiatives(reading, limit=10), list_initiatives(loading, limit=10)),
            (
                list_evidence(reading, world["initiative"], limit=10),
                list_evidence(loading, world["initiative"], limit=10),
            ),
        ]
        for records, instances in pages:
            assert len(records.items) == len(instances.items) > 1
            assert records.next_cursor == instances.next_cursor
            for record, instance in zip(records.items, instances.items, strict=True):
                _assert_record_equals_instance(record, instance)
    finally:
        reading.session.close()
        loading.session.close()


@pytest.mark.parametrize("collection", ["initiatives", "participants", "evidence"])
def test_a_record_read_to_be_shown_equals_the_orm_instance(
    collection, org, world, database, plugin_host, app
):
    files = services(app).files
    reading = read_only_workspace(database, org, plugin_host, files)
    loading = Workspace(database.new_session(), org.id, plugin_host, files)
    shown = {"initiatives": get_initiative, "participants": get_participant,
             "evidence": get_evidence}[collection]  # fmt: skip
    path = (
        "initiatives" if collection == "initiatives" else f"initiatives/{{initiative}}/{collection}"
    )
    listed = org.api.get(path.format(**world)).json["items"]
    assert len(listed) > 1
    try:
        for item in listed:
            record = shown(reading, item["id"])
            instance = shown(loading, item["id"])
            _assert_record_equals_instance(record, instance)
    finally:
        reading.session.close()
        loading.session.close()


def test_a_record_of_another_organisation_is_not_found_when_read_to_be_shown(
    org, world, database, plugin_host, app
):
    reading = read_only_workspace(database, org, plugin_host, services(app).files)
    stranger = Workspace(reading.session, "org_not_this_one", plugin_host, reading.files)
    try:
        assert get_initiative(reading, world["initiative"]).id == world["initiative"]
        with pytest.raises(NotFoundError):
            get_initiative(stranger, world["initiative"])
        with pytest.raises(NotFoundError):
            get_initiative(reading, "ini_nothere")
    finally:
        reading.session.close()


def test_a_read_only_page_with_loader_options_is_still_loaded_by_the_orm(
    org, world, database, plugin_host, app
):
    reading = read_only_workspace(database, org, plugin_host, services(app).files)
    try:
        page = list_activities(reading, world["initiative"], limit=10)
        assert all(isinstance(item, Activity) for item in page.items)
        assert sorted(len(item.participant_ids) for item in page.items) == [0, 2]
    finally:
        reading.session.close()


def key_used_at(database, key_id: str) -> dt.datetime | None:
    with database.session() as session:
        return session.get(ApiKey, key_id).last_used_at


def test_a_read_records_the_key_use_at_most_every_few_minutes(org, database):
    reader = org.with_scope("read")
    key_id = org.tokens["read"].removeprefix("coprod_").partition(".")[0]
    assert key_used_at(database, key_id) is None
    assert reader.get("initiatives").status_code == 200
    first = key_used_at(database, key_id)
    assert first is not None  # committed, though the request itself wrote nothing
    assert reader.get("initiatives").status_code == 200
    assert key_used_at(database, key_id) == first
    with database.session() as session:  # six minutes pass
        session.get(ApiKey, key_id).last_used_at = first - dt.timedelta(minutes=6)
    assert reader.get("initiatives").status_code == 200
    assert key_used_at(database, key_id) > first - dt.timedelta(minutes=6)


def test_a_failed_write_still_records_the_key_use(org, database):
    key_id = org.tokens["write"].removeprefix("coprod_").partition(".")[0]
    refused = org.api.post("initiatives", json={"toolkit": "no-such-toolkit", "title": "x"})
    assert refused.status_code == 422
    assert key_used_at(database, key_id) is not None


@pytest.mark.parametrize(
    "stored",
    [b'["co-design"]', b"[]", b"{}", '{"t": "café 😊", "n": [1, 2.5e-07, -0.0, null]}'.encode(),
     b'{"a": 1, "a": 2}', b"18446744073709551616", b'"\\ud800"', b"  [1]  ", b"\xef\xbb\xbf[1]",
     b"NaN", b"1 2", b"[1", b"", '["text"]'],
)  # fmt: skip
def test_json_columns_read_as_json_loads_reads_them(stored):
    def outcome(read):
        try:
            return "value", repr(read(stored))
        except ValueError as error:
            return "error", type(error).__name__, str(error)

    assert outcome(load_json) == outcome(json.loads)


def _assert_record_equals_instance(record, instance):
    """A record read as a row is a plain tuple with the instance's columns and values."""
    assert isinstance(record, tuple)
    assert not isinstance(record, type(instance))
    columns = sa.inspect(type(instance)).column_attrs
    assert record._fields == tuple(column.key for column in columns)
    for name in record._fields:
        assert getattr(record, name) == getattr(instance, name), name
