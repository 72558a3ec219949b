"""A transition to a stage the toolkit does not have is a 422 on to_stage, not a 409.

409 ``transition_refused`` says the data does not allow the move yet, with blockers to
lift; a stage that does not exist is a mistake in the request, answered as an unknown
stage is everywhere else (activities, evidence, assessments): 422 ``unknown_stage``,
naming the stages there are.
"""

from __future__ import annotations

import pytest

from api.spec import openapi_document

STAR = "coproduction-star"
STAR_STAGES = ["map-it", "focus-it", "people-it", "grow-it"]


@pytest.mark.parametrize("to_stage", ["no-such-stage", "Map-It", "map-it ", "x" * 100])
def test_a_stage_the_toolkit_does_not_have_is_a_field_problem_and_moves_nothing(api, to_stage):
    created = api.post("initiatives", json={"toolkit": STAR, "title": "Walks"})
    path = f"initiatives/{created.json['id']}"
    response = api.post(f"{path}/transitions", json={"to_stage": to_stage})
    assert response.status_code == 422, response.json
    assert response.mimetype == "application/problem+json"
    [error] = response.json["errors"]
    assert (error["location"], error["field"], error["code"]) == (
        "json",
        "to_stage",
        "unknown_stage",
    )
    assert all(stage in error["message"] for stage in STAR_STAGES)
    after = api.get(path)
    assert after.json["stage"] == "map-it"
    assert after.headers["ETag"] == created.headers["ETag"]
    assert len(api.get(f"{path}/transitions").json["items"]) == 1  # the start only


def test_a_known_stage_that_is_not_open_yet_is_still_409(api):
    created = api.post("initiatives", json={"toolkit": STAR, "title": "Walks"}).json["id"]
    response = api.post(f"initiatives/{created}/transitions", json={"to_stage": "grow-it"})
    assert response.status_code == 409
    assert response.json["code"] == "transition_refused"


def test_the_document_lists_422_for_a_transition(app):
    operation = openapi_document(app)["paths"]["/api/v1/initiatives/{initiative_id}/transitions"]
    assert "422" in operation["post"]["responses"]
