"""A query parameter an operation does not take is refused, so a typo cannot pass silently.

webargs drops unknown query parameters by default, so ``?evidence_typ=metric`` listed all
the evidence, unfiltered, and ``?q=walk`` every initiative. Each operation now takes only
the query parameters its entry in the API document lists (none, for most), and answers
422 ``unknown_field`` on the query naming the others. The operations come from the served
document, so one added later is covered without anyone adding it here.
"""

from __future__ import annotations

import re

import pytest

from api.spec import openapi_document

STAR = "coproduction-star"
HTTP_METHODS = {"get", "post", "put", "patch", "delete"}
MADE_UP_ID = "nope_01jd3k5m7n8p9q0r1s2t3v4w5x"


def unknown(response, *names):
    assert response.status_code == 422, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    found = [(e["location"], e["field"], e["code"]) for e in response.json["errors"]]
    assert found == [("query", name, "unknown_field") for name in names]
    return response.json


def test_a_misspelt_filter_is_refused_not_ignored(api):
    initiative = api.post("initiatives", json={"toolkit": STAR, "title": "Walks"}).json["id"]
    api.post(
        f"initiatives/{initiative}/evidence",
        json={"evidence_type": "session-notes", "payload": {"text": "Notes"}},
    )
    body = unknown(
        api.get(f"initiatives/{initiative}/evidence?evidence_typ=metric"), "evidence_typ"
    )
    message = body["errors"][0]["message"]
    assert "evidence_type" in message  # it names what the operation does take
    unknown(api.get("initiatives?search=walk"), "search")  # q is the search
    unknown(api.get("initiatives?limit=5&search=walk&sort=title"), "search", "sort")
    # What is declared still works, and the real filter still filters.
    listed = api.get(f"initiatives/{initiative}/evidence?evidence_type=metric&limit=5")
    assert listed.status_code == 200
    assert listed.json["items"] == []


def every_operation(app):
    for path, item in openapi_document(app)["paths"].items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield method, path, operation


def test_every_operation_refuses_a_query_parameter_it_does_not_take(app, org):
    admin = org.with_scope("admin")
    checked = []
    for method, path, operation in every_operation(app):
        url = re.sub(r"\{[^}]+\}", MADE_UP_ID, path)
        unknown(admin.request(method.upper(), f"{url}?no_such_parameter=1"), "no_such_parameter")
        taken = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
        body = unknown(admin.request(method.upper(), f"{url}?not_{method}=1"), f"not_{method}")
        if not taken:
            assert "takes no query parameters" in body["errors"][0]["message"]
        checked.append((method, path))
    assert len(checked) >= 45
    assert admin.get("initiatives").json["items"] == []  # no POST got through


def test_a_refused_query_changes_nothing(api):
    created = api.post("initiatives", json={"toolkit": STAR, "title": "Walks"})
    path = f"initiatives/{created.json['id']}"
    unknown(api.patch(f"{path}?dry_run=true", json={"title": "Renamed"}), "dry_run")
    unknown(api.delete(f"{path}?force=1"), "force")
    unknown(api.post("initiatives?draft=1", json={"toolkit": STAR, "title": "Two"}), "draft")
    after = api.get(path)
    assert after.json["title"] == "Walks"
    assert after.headers["ETag"] == created.headers["ETag"]
    assert len(api.get("initiatives").json["items"]) == 1


def test_every_operation_documents_422(app):
    missing = [
        f"{method} {path}"
        for method, path, operation in every_operation(app)
        if "422" not in operation["responses"]
    ]
    assert missing == []


@pytest.mark.parametrize("path", ["/api/v1/openapi.json", "/api/v1/docs"])
def test_the_document_and_its_viewer_are_not_operations_and_take_any_query(app, path):
    assert app.test_client().get(f"{path}?v=2").status_code == 200
