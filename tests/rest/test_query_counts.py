"""No N+1: a list costs the same number of SQL statements for 3 rows as for 12.

Each list request is counted at the database engine, so a relationship loaded row by row
(or a summary that queries per row) shows up as a count that grows with the rows.
"""

from __future__ import annotations

import contextlib

import pytest
import sqlalchemy as sa

from api.context import services

STAR = "coproduction-star"


@contextlib.contextmanager
def counting(app):
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    engine = services(app).database.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)


def add_participant(api, initiative, n):
    role = ["person_using_services", "professional", "volunteer"][n % 3]
    response = api.post(
        f"initiatives/{initiative}/participants",
        json={"role": role, "display_name": f"Person {n}", "consent": "given"},
    )
    assert response.status_code == 201, response.json
    return response.json["id"]


def add_activity(api, initiative, n):
    people = [add_participant(api, initiative, 100 + n), add_participant(api, initiative, 200 + n)]
    response = api.post(
        f"initiatives/{initiative}/activities",
        json={"activity_type": "co-production-mapping-session", "title": f"Session {n}",
              "participant_ids": people, "dimensions": ["co-design"]},
    )  # fmt: skip
    assert response.status_code == 201, response.json


def add_evidence(api, initiative, n):
    response = api.post(
        f"initiatives/{initiative}/evidence",
        json={"evidence_type": "session-notes", "payload": {"text": f"Notes {n}"}},
    )
    assert response.status_code == 201, response.json


def add_assessment(api, initiative, n):
    response = api.post(
        f"initiatives/{initiative}/assessments",
        json={"scale": "star-self-assessment", "perspective": "professional",
              "ratings": {"co-design": 1 + n % 5, "co-delivery": 3}},
    )  # fmt: skip
    assert response.status_code == 201, response.json


def add_initiative(api, _initiative, n):
    response = api.post("initiatives", json={"toolkit": STAR, "title": f"Initiative {n}"})
    assert response.status_code == 201, response.json


LISTS = {
    "initiatives": (add_initiative, "initiatives"),
    "participants": (add_participant, "initiatives/{initiative}/participants"),
    "activities": (add_activity, "initiatives/{initiative}/activities"),
    "evidence": (add_evidence, "initiatives/{initiative}/evidence"),
    "assessments": (add_assessment, "initiatives/{initiative}/assessments"),
}


@pytest.mark.parametrize("collection", sorted(LISTS))
def test_a_list_costs_the_same_statements_whatever_its_length(collection, app, make_org):
    add, path = LISTS[collection]
    counts = {}
    for rows in (3, 12):
        api = make_org(f"{collection} {rows}").api
        initiative = api.post("initiatives", json={"toolkit": STAR, "title": "Host"}).json["id"]
        for n in range(rows):
            add(api, initiative, n)
        url = path.format(initiative=initiative)
        with counting(app) as statements:
            response = api.get(url, query_string={"limit": 100})
        assert response.status_code == 200
        assert len(response.json["items"]) >= rows
        counts[rows] = len(statements)
    assert counts[3] == counts[12], counts
    assert counts[3] <= 6, f"{counts[3]} statements for one page is more than a list needs"


def test_a_feed_page_costs_the_same_statements_however_many_initiatives_it_shows(app, make_org):
    """Each evidence the feed shows says whether it expects a file, which its initiative's
    toolkit decides: the page reads those initiatives together, not one by one."""
    counts = {}
    for spread in (2, 8):
        api = make_org(f"feed {spread}").api
        for n in range(spread):
            initiative = api.post("initiatives", json={"toolkit": STAR, "title": f"I{n}"})
            add_evidence(api, initiative.json["id"], n)
        with counting(app) as statements:
            response = api.get("events", query_string={"limit": 100})
        assert response.status_code == 200
        shown = [item for item in response.json["items"] if item["record_type"] == "evidence"]
        assert len(shown) == spread
        assert all(item["record"]["expects_file"] is False for item in shown)
        counts[spread] = len(statements)
    assert counts[2] == counts[8], counts
