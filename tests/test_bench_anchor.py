"""The benchmark's anchors do the product's work: same rows, same JSON, same statements.

bench/ judges the product by its ratio to hand-written anchors; an anchor that quietly
read fewer rows, showed fewer fields or skipped a statement would flatter nobody but
would make every ratio a lie. Each case of the suite is requested once from the product,
the honest anchor (the driver by hand) and the SQLAlchemy Core anchor, on a small seeded
SQLite database, and their answers must agree. When the product gains a field, this
fails until the anchors show it too.
"""

from __future__ import annotations

import pathlib
import sys
from typing import Any

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # bench/ is a folder of the checkout, not an installed package
    sys.path.insert(0, str(ROOT))

from bench.cases import Check, build_cases, check_cases  # noqa: E402
from bench.seed import Seeded, ensure_seeded  # noqa: E402
from bench.targets import Size, sqlite_target  # noqa: E402

CASES = (
    "list-initiatives",
    "list-evidence",
    "list-evidence-type",
    "list-evidence-since",
    "feed-recent",
    "feed-deep",
    "show-initiative",
    "progress",
    "create-evidence",
)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Seeded:
    target = sqlite_target(tmp_path_factory.mktemp("bench"), Size(1_000, 100, 2))
    return ensure_seeded(target, reseed=True, log=lambda _message: None)


@pytest.fixture(scope="module")
def checks(seeded: Seeded) -> dict[str, Check]:
    return check_cases(seeded, build_cases(seeded))


def test_every_case_is_checked(checks: dict[str, Check]) -> None:
    assert set(CASES) <= set(checks)


@pytest.mark.parametrize("case", CASES)
def test_the_anchors_answer_as_the_product_does(checks: dict[str, Check], case: str) -> None:
    check = checks[case]
    assert check.notes == []
    assert check.ok
    expected = 201 if case == "create-evidence" else 200
    assert (check.product_status, check.anchor_status, check.core_status) == (expected,) * 3
    body = check.product_body
    for name in ("anchor", "core"):
        theirs = check.anchor_bodies[name]
        if case == "create-evidence":
            varying = {"id", "created_at", "updated_at"}
            assert _without(theirs, varying) == _without(body, varying)
        else:
            assert theirs == body


@pytest.mark.parametrize("case", ["list-initiatives", "list-evidence", "feed-recent"])
def test_the_pages_are_full(checks: dict[str, Check], case: str) -> None:
    """A full page, so that the comparison covers as many rows as the load does."""
    page = checks[case].product_body
    assert len(page["items"]) == (100 if case.startswith("feed") else 50)
    assert page["next_cursor"]


@pytest.mark.parametrize("case", [key for key in CASES if key != "create-evidence"])
def test_the_honest_anchor_sends_the_products_statements(
    checks: dict[str, Check], case: str
) -> None:
    """One statement for each of the product's: the key, then the same reads."""
    check = checks[case]
    assert check.anchor_sql == check.product_sql
    assert check.anchor_statements[0].startswith("SELECT organisation_id, secret_sha256")


def test_creating_writes_what_the_product_writes(checks: dict[str, Check]) -> None:
    statements = checks["create-evidence"].anchor_statements
    written = [item.split(" (")[0] for item in statements if item.startswith("INSERT")]
    assert written == [
        "INSERT INTO idempotent_requests",
        "INSERT INTO evidence",
        "INSERT INTO audit_events",
        "INSERT INTO event_data",
    ]
    assert checks["create-evidence"].anchor_sql == checks["create-evidence"].product_sql


def test_creating_commits_once_as_the_product_does(checks: dict[str, Check]) -> None:
    """The product saves the Idempotency-Key answer in the write's own transaction: an
    anchor committing it in a second one would pay a sync to disk the product does not."""
    check = checks["create-evidence"]
    assert check.anchor_commits == 1
    saved = [item for item in check.anchor_statements if item.startswith("UPDATE idempotent")]
    assert len(saved) == 1


def _without(body: Any, keys: set[str]) -> dict[str, Any]:
    assert isinstance(body, dict)
    return {key: value for key, value in body.items() if key not in keys}
