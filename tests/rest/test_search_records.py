"""Search within an organisation: ``q`` on the lists of initiatives, activities, evidence.

Run on SQLite (FTS5) and on PostgreSQL (``to_tsvector`` with GIN indexes) alike: a record
is found by the words people wrote in it, only by its own organisation, never once its
consent is withdrawn or its person erased, page by page, and whatever a caller types.
"""

from __future__ import annotations

import pytest

STAR = "coproduction-star"


def created(response):
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.json["id"]


def found(api, path, **query):
    response = api.get(path, query_string=query)
    assert response.status_code == 200, response.get_data(as_text=True)
    return [item["id"] for item in response.json["items"]]


def new_initiative(api, title, summary=""):
    return created(
        api.post("initiatives", json={"toolkit": STAR, "title": title, "summary": summary})
    )


def new_person(api, initiative, name="Margaret"):
    return created(
        api.post(
            f"initiatives/{initiative}/participants",
            json={"role": "person_using_services", "display_name": name, "consent": "given"},
        )
    )


def new_activity(api, initiative, title, description=""):
    return created(
        api.post(
            f"initiatives/{initiative}/activities",
            json={
                "activity_type": "co-production-mapping-session",
                "title": title,
                "description": description,
            },
        )
    )


def new_evidence(api, initiative, text, **fields):
    body = {"evidence_type": "session-notes", "payload": {"text": text}, **fields}
    return created(api.post(f"initiatives/{initiative}/evidence", json=body))


def test_records_are_found_by_title_summary_description_and_payload_text(api):
    walks = new_initiative(api, "Dementia-friendly walks", "Weekly walks round Kirkintilloch")
    cafe = new_initiative(api, "Memory café", "A café where carers meet on Fridays")
    assert found(api, "initiatives", q="walks") == [walks]
    assert found(api, "initiatives", q="carers") == [cafe]  # the summary
    assert found(api, "initiatives", q="walk") == [walks]  # any form of the word
    assert found(api, "initiatives", q="Kirkintilloch walks") == [walks]  # every word
    assert found(api, "initiatives", q="Kirkintilloch carers") == []

    canal = new_activity(api, walks, "Canal walk", "Along the Forth and Clyde canal")
    new_activity(api, walks, "Mapping the high street")
    assert found(api, f"initiatives/{walks}/activities", q="canal") == [canal]
    assert found(api, f"initiatives/{walks}/activities", q="Clyde") == [canal]

    note = new_evidence(api, walks, "The benches by the lock made the walk possible.")
    quote = created(
        api.post(
            f"initiatives/{walks}/evidence",
            json={
                "evidence_type": "participant-quote",
                "payload": {"text": "I had not been out since March.", "context": "the pupils"},
                "participant_id": new_person(api, walks),
            },
        )
    )
    interview = created(
        api.post(
            f"initiatives/{walks}/evidence",
            json={
                "evidence_type": "audio-interview",
                "payload": {"caption": "Oral history", "transcript": "We asked about the mill."},
            },
        )
    )
    assert found(api, f"initiatives/{walks}/evidence", q="mill") == [interview]
    assert found(api, f"initiatives/{walks}/evidence", q="benches") == [note]
    assert found(api, f"initiatives/{walks}/evidence", q="pupils") == [quote]
    assert found(api, f"initiatives/{walks}/evidence", q="nothing-like-it") == []


def test_a_change_of_text_changes_what_finds_a_record(api):
    initiative = new_initiative(api, "Oral history with pupils")
    evidence = new_evidence(api, initiative, "Recorded at the library")
    response = api.patch(f"evidence/{evidence}", json={"payload": {"text": "Recorded at school"}})
    assert response.status_code == 200, response.json
    assert found(api, f"initiatives/{initiative}/evidence", q="library") == []
    assert found(api, f"initiatives/{initiative}/evidence", q="school") == [evidence]
    response = api.patch(f"initiatives/{initiative}", json={"title": "Stories of the town"})
    assert response.status_code == 200, response.json
    assert found(api, "initiatives", q="pupils") == []
    assert found(api, "initiatives", q="stories") == [initiative]


def test_another_organisation_never_finds_the_records(api, other_org):
    initiative = new_initiative(api, "Lennoxtown reminiscence group")
    new_activity(api, initiative, "Lennoxtown photographs")
    new_evidence(api, initiative, "Lennoxtown in 1962")
    theirs = other_org.api
    assert found(theirs, "initiatives", q="Lennoxtown") == []
    assert theirs.get(f"initiatives/{initiative}/evidence?q=Lennoxtown").status_code == 404
    assert theirs.get(f"initiatives/{initiative}/activities?q=Lennoxtown").status_code == 404
    own = new_initiative(theirs, "Lennoxtown too")
    assert found(theirs, "initiatives", q="Lennoxtown") == [own]
    assert found(theirs, f"initiatives/{own}/evidence", q="Lennoxtown") == []


def test_withdrawn_and_erased_evidence_is_never_found_by_its_text(org, api):
    initiative = new_initiative(api, "Carers' voices")
    withdrawing = new_person(api, initiative, "Jean")
    erased = new_person(api, initiative, "Agnes")
    staying = new_person(api, initiative, "Isa")
    words = "my husband's diagnosis"
    first = new_evidence(api, initiative, f"Jean: {words}", participant_id=withdrawing)
    second = new_evidence(api, initiative, f"Agnes: {words}", participant_id=erased)
    third = new_evidence(api, initiative, f"Isa: {words}", participant_id=staying)
    evidence = f"initiatives/{initiative}/evidence"
    assert found(api, evidence, q="diagnosis") == [first, second, third]

    response = api.patch(f"participants/{withdrawing}", json={"consent": "withdrawn"})
    assert response.status_code == 200, response.json
    assert org.with_scope("admin").post(f"participants/{erased}/erasure").status_code == 200
    assert found(api, evidence, q="diagnosis") == [third]
    assert found(api, evidence, q="Agnes") == []
    assert found(api, evidence, q="Jean") == []

    # Consent given again brings the withdrawn piece back; the erased one's words are gone.
    response = api.patch(f"participants/{withdrawing}", json={"consent": "given"})
    assert response.status_code == 200, response.json
    response = api.patch(f"evidence/{first}", json={"consent": "given"})
    assert response.status_code == 200, response.json
    assert found(api, evidence, q="diagnosis") == [first, third]


def test_erasure_takes_the_words_out_of_the_index_itself(app, org, api, database):
    """Not only hidden by the list: nothing the search index keeps holds the erased text."""
    initiative = new_initiative(api, "Erasure check")
    person = new_person(api, initiative, "Bessie")
    evidence = new_evidence(
        api, initiative, "Zephyrinus Quackenbush told us", participant_id=person
    )
    assert org.with_scope("admin").post(f"participants/{person}/erasure").status_code == 200
    with database.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            still = connection.exec_driver_sql(
                "SELECT count(*) FROM evidence WHERE id = %(id)s AND "
                "json_to_tsvector('english', payload, '[\"string\"]') "
                "@@ plainto_tsquery('english', 'Quackenbush')",
                {"id": evidence},
            ).scalar_one()
            assert still == 0
        else:
            matches = connection.exec_driver_sql(
                "SELECT count(*) FROM record_search WHERE record_search MATCH 'Quackenbush'"
            ).scalar_one()
            assert matches == 0
            # No segment of the FTS5 index keeps the term: its vocabulary does not know it.
            connection.exec_driver_sql(
                "CREATE VIRTUAL TABLE IF NOT EXISTS temp.record_search_terms "
                "USING fts5vocab(main, record_search, row)"
            )
            terms = connection.exec_driver_sql(
                "SELECT count(*) FROM temp.record_search_terms WHERE term = 'quackenbush'"
            ).scalar_one()
            assert terms == 0


def test_search_pages_keep_their_order_and_combine_with_other_filters(api):
    initiative = new_initiative(api, "Paging")
    wanted = [new_evidence(api, initiative, f"Walk number {n}") for n in range(7)]
    new_evidence(api, initiative, "Café morning")
    staged = new_evidence(api, initiative, "Walk in the Focus stage", external_ref="CRM-WALK")
    wanted.append(staged)
    seen: list[str] = []
    cursor = None
    while True:
        query = {"q": "walk", "limit": 3, **({"cursor": cursor} if cursor else {})}
        response = api.get(f"initiatives/{initiative}/evidence", query_string=query)
        assert response.status_code == 200, response.json
        seen += [item["id"] for item in response.json["items"]]
        cursor = response.json["next_cursor"]
        if cursor is None:
            assert "Link" not in response.headers
            break
        assert "q=walk" in response.headers["Link"]  # the next page keeps the search
    assert seen == sorted(wanted)  # oldest first, as without q
    evidence = f"initiatives/{initiative}/evidence"
    assert found(api, evidence, q="walk", external_ref="CRM-WALK") == [staged]
    assert found(api, evidence, q="café", external_ref="CRM-WALK") == []
    assert found(api, evidence, q="walk", evidence_type="quote") == []
    assert found(api, "initiatives", q="paging", status="active") == [initiative]
    assert found(api, "initiatives", q="paging", status="archived") == []


HOSTILE = [
    '"',
    'walk"',
    "walk NEAR cafe",
    "NEAR(walk cafe)",
    "walk*",
    "*",
    "(walk",
    "walk)) OR ((",
    "title:walk",
    "body:walk",
    "-walk",
    "walk & !cafe | <->",
    "'; DROP TABLE evidence; --",
    "^walk",
    "walk AND NOT",
    "\\",
    "ẅälk ☕ 步行",
    "%00",
    "a" * 200,
]


@pytest.mark.parametrize("q", HOSTILE)
def test_whatever_is_typed_is_only_words_never_a_server_error(api, q):
    initiative = new_initiative(api, "Hostile search")
    evidence = new_evidence(api, initiative, "We walked to the café")
    for path in ("initiatives", f"initiatives/{initiative}/activities",
                 f"initiatives/{initiative}/evidence"):  # fmt: skip
        response = api.get(path, query_string={"q": q})
        if response.status_code != 200:
            assert response.status_code == 422, response.get_data(as_text=True)
            assert response.mimetype == "application/problem+json"
            assert [e["field"] for e in response.json["errors"]] == ["q"]
    # Operators are words like any other: the words typed alongside them still count.
    if q in ("walk*", "(walk", "-walk", "^walk", 'walk"'):
        assert found(api, f"initiatives/{initiative}/evidence", q=q) == [evidence]
    if q in ("walk NEAR cafe", "title:walk"):  # "near" and "title" are not in its text
        assert found(api, f"initiatives/{initiative}/evidence", q=q) == []


@pytest.mark.parametrize(
    ("q", "why"),
    [("", "empty"), ("   ", "no word"), ("*** ((", "no word"), ("a" * 201, "too long")],
)
def test_a_search_without_words_or_too_long_is_refused_clearly(api, q, why):
    response = api.get("initiatives", query_string={"q": q})
    assert response.status_code == 422, (why, response.get_data(as_text=True))
    assert response.mimetype == "application/problem+json"
    problem = response.json["errors"][0]
    assert (problem["field"], problem["location"]) == ("q", "query")


def test_operators_typed_are_matched_as_words(api):
    initiative = new_initiative(api, "Operators as words")
    walked = new_evidence(api, initiative, "A walk near the canal")
    new_evidence(api, initiative, "A café by the canal")
    evidence = f"initiatives/{initiative}/evidence"
    assert found(api, evidence, q="walk*") == [walked]
    assert found(api, evidence, q='"walk') == [walked]
    assert found(api, evidence, q="(walk") == [walked]
    assert found(api, evidence, q="walk NEAR canal") == [walked]  # "near" is in its text
    assert found(api, evidence, q="title:walk") == []  # "title" is a word it does not hold


def test_a_deleted_initiative_leaves_nothing_of_its_records_in_the_index(api, database):
    """Deleting an initiative deletes its activities and evidence by cascade: the index
    follows them (on SQLite the triggers fire for cascaded rows too)."""
    initiative = new_initiative(api, "Short-lived")
    activity = new_activity(api, initiative, "Gone soon")
    evidence = new_evidence(api, initiative, "Also gone")
    assert api.delete(f"initiatives/{initiative}").status_code == 204
    with database.engine.connect() as connection:
        if connection.dialect.name != "sqlite":
            pytest.skip("PostgreSQL's indexes are over the rows themselves")
        kept = connection.exec_driver_sql(
            "SELECT count(*) FROM record_search_keys WHERE record_id IN (?, ?, ?)",
            (initiative, activity, evidence),
        ).scalar_one()
        indexed = connection.exec_driver_sql("SELECT count(*) FROM record_search_keys").scalar_one()
        rows = connection.exec_driver_sql("SELECT count(*) FROM record_search").scalar_one()
    assert kept == 0
    assert rows == indexed  # no text without its record
