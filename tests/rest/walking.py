"""Small steps the end-to-end walks share: each asserts the answer it expects."""

from __future__ import annotations

from typing import Any

ROLES = [
    "person_using_services",
    "family_member_or_carer",
    "neighbour_or_community_member",
    "professional",
    "volunteer",
    "partner_organisation",
    "commissioner",
]


def created(response: Any) -> dict[str, Any]:
    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.headers["ETag"]
    body: dict[str, Any] = response.json
    return body


def refused(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body: dict[str, Any] = response.json
    assert body["code"] == code, body
    return body


def move(api: Any, initiative: str, to_stage: str) -> dict[str, Any]:
    return created(api.post(f"initiatives/{initiative}/transitions", json={"to_stage": to_stage}))


def page_through(api: Any, path: str, limit: int = 2) -> tuple[list[dict[str, Any]], int]:
    """Every item of a list, fetched ``limit`` at a time by following the Link header."""
    items: list[dict[str, Any]] = []
    pages = 0
    url = f"/api/v1/{path}{'&' if '?' in path else '?'}limit={limit}"
    while url:
        response = api.get(url)
        assert response.status_code == 200, response.get_data(as_text=True)
        items += response.json["items"]
        pages += 1
        link = response.headers.get("Link")
        assert (link is None) == (response.json["next_cursor"] is None)
        url = link[link.index("<") + 1 : link.index(">")].split("localhost", 1)[-1] if link else ""
    return items, pages
