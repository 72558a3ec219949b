"""The hot paths measured, and a one-off in-process run that checks and counts them.

Before any load, each case is requested once in process from the product and from the
anchor (Flask test clients on the same database): both must answer the same status and,
for reads, the same JSON, and an SQLAlchemy ``before_cursor_execute`` listener counts the
SQL statements each sends per request. Counting here, not under load, keeps the listener
out of the timed runs.
"""

from __future__ import annotations

import importlib.util
import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import Flask

from api import create_app as create_product
from api.context import services
from bench import anchor
from bench.anchor_store import COMMITTED
from bench.load import FEED_RETENTION_DAYS, Requests
from bench.seed import FEED_PAGE, PAGE, Seeded, forget_bench_writes
from toolkits_core._services.changes import encode_position
from toolkits_core._services.pagination import encode_cursor

IDEMPOTENCY = importlib.util.find_spec("api.idempotency") is not None
"""Whether the product honours Idempotency-Key: then every create sends a fresh one (and
the anchor stores the key's row too), as a careful integrator would."""
FAR_ENOUGH = 100
"""A far-page case is run only where the long list has at least this many pages."""

CREATE_BODY: dict[str, Any] = {
    "evidence_type": "participant-quote",
    "payload": {
        "text": "Coming here is the best part of my week.",
        "context": "Dementia café, Tuesday session",
    },
    "dimensions": ["co-design", "co-delivery"],
    "consent": "given",
    "collected_on": "2026-03-03",
}


@dataclass(frozen=True, slots=True)
class Case:
    key: str
    title: str
    requests: Requests
    writes: bool = False
    is_list: bool = False
    beside: Requests | None = None
    """Requests loaded on the same app in each round just before this case's: the far
    page's first page, so that a goal comparing the two compares them within one round
    rather than two moments of the machine a minute apart."""


def build_cases(seeded: Seeded) -> list[Case]:
    """The cases for one seeded database (the far page only where the list is long)."""
    long_list = f"/api/v1/initiatives/{seeded.long_initiative_id}/evidence"
    hot = seeded.hot_initiative_ids
    since = seeded.since.replace("+00:00", "Z")
    cases = [
        Case(
            "list-initiatives",
            "list initiatives, page 1 of 50",
            Requests("GET", ("/api/v1/initiatives",)),
            is_list=True,
        ),
        Case(
            "list-evidence",
            "list evidence, page 1 of 50",
            Requests("GET", (long_list,)),
            is_list=True,
        ),
        Case(
            "list-evidence-type",
            "list evidence, evidence_type=",
            Requests("GET", (f"{long_list}?evidence_type=participant-quote",)),
            is_list=True,
        ),
        Case(
            "list-evidence-since",
            "list evidence, updated_since=",
            Requests("GET", (f"{long_list}?updated_since={since}",)),
            is_list=True,
        ),
    ]
    if seeded.far_page >= FAR_ENOUGH:
        cursor = encode_cursor(seeded.far_after_id)
        cases.append(
            Case(
                "far-page",
                f"list evidence, page {seeded.far_page:,} by cursor",
                Requests("GET", (f"{long_list}?cursor={cursor}",)),
                is_list=True,
                beside=Requests("GET", (long_list,)),
            )
        )
    feed = f"/api/v1/events?limit={FEED_PAGE}&cursor="
    cases += [
        Case(
            "feed-recent",
            f"a page of {FEED_PAGE} events, recent cursor",
            Requests("GET", (feed + encode_position(seeded.feed_recent_after),)),
        ),
        Case(
            "feed-deep",
            f"a page of {FEED_PAGE} events, deep cursor",
            Requests("GET", (feed + encode_position(seeded.feed_deep_after),)),
        ),
        Case(
            "show-initiative",
            "show an initiative",
            Requests("GET", tuple(f"/api/v1/initiatives/{item}" for item in hot)),
        ),
        Case(
            "progress",
            "an initiative's stage progress",
            Requests("GET", tuple(f"/api/v1/initiatives/{item}/progress" for item in hot)),
        ),
        Case(
            "create-evidence",
            "create evidence (POST)",
            Requests(
                "POST",
                tuple(f"/api/v1/initiatives/{item}/evidence" for item in hot),
                CREATE_BODY,
                idempotency_keys=IDEMPOTENCY,
            ),
            writes=True,
        ),
    ]
    return cases


def long_cases(seeded: Seeded) -> list[Case]:
    """Single requests whose work may grow with the long initiative: timed once, not loaded."""
    initiative = f"/api/v1/initiatives/{seeded.long_initiative_id}"
    count = f"{seeded.long_evidence:,}"
    return [
        Case(
            "progress-long",
            f"progress of the long initiative ({count} evidence)",
            Requests("GET", (f"{initiative}/progress",)),
        ),
        Case(
            "create-long",
            f"create evidence in the long initiative ({count} evidence)",
            Requests(
                "POST", (f"{initiative}/evidence",), CREATE_BODY, idempotency_keys=IDEMPOTENCY
            ),
            writes=True,
        ),
    ]


@dataclass(slots=True)
class Check:
    """What the one-off run found for one case (the anchors' figures keyed by anchor)."""

    product_status: int = 0
    anchor_status: int = 0
    product_sql: int = 0
    anchor_sql: int = 0
    same: bool = False
    notes: list[str] = field(default_factory=list)
    product_statements: list[str] = field(default_factory=list)
    anchor_statements: list[str] = field(default_factory=list)
    product_body: Any = None
    anchor_bodies: dict[str, Any] = field(default_factory=dict)
    core_status: int = 0
    core_sql: int = 0
    anchor_commits: int = 0
    """Write transactions the honest anchor committed (0 for a read)."""

    @property
    def ok(self) -> bool:
        statuses = {self.product_status, self.anchor_status} | (
            {self.core_status} if self.core_status else set()
        )
        return self.same and len(statuses) == 1


class _Counter:
    def __init__(self, engine: sa.Engine) -> None:
        self.statements: list[str] = []
        sa.event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        self.statements.append(" ".join(statement.split()))


RETENTION_VARIABLE = "COPROD_FEED_RETENTION_DAYS"


@contextmanager
def _apps(url: str, core: bool) -> Iterator[tuple[Flask, dict[str, Flask]]]:
    """The product, the honest anchor and (with ``core``) the SQLAlchemy Core anchor."""
    with tempfile.TemporaryDirectory(prefix="coprod-bench-files-") as files:
        product = create_product(
            {
                "DATABASE_URL": url,
                "FILES_DIR": files,
                "FEED_RETENTION_DAYS": FEED_RETENTION_DAYS,
                "RATE_LIMIT": "off",  # as served under load
            }
        )
        # The anchors read the retention from the environment, as a deployment would; it
        # is put back afterwards, so that a test run that checks the anchors leaves the
        # suite's later tests the default retention.
        before = os.environ.get(RETENTION_VARIABLE)
        os.environ[RETENTION_VARIABLE] = FEED_RETENTION_DAYS
        try:
            anchors = {"anchor": anchor.create_app(url)}
            if core:
                anchors["core"] = anchor.create_core_app(url)
        finally:
            if before is None:
                os.environ.pop(RETENTION_VARIABLE, None)
            else:
                os.environ[RETENTION_VARIABLE] = before
        try:
            yield product, anchors
        finally:
            services(product).database.dispose()
            for app in anchors.values():
                app.extensions[anchor.STORE].dispose()


def check_cases(seeded: Seeded, cases: list[Case], *, core: bool = True) -> dict[str, Check]:
    """Request each case once from the product and the anchors: statuses, bodies and SQL."""
    headers = {"Authorization": f"Bearer {seeded.token}"}
    found: dict[str, Check] = {}
    with _apps(seeded.target.url, core) as (product, anchors):
        product_count = _Counter(services(product).database.engine)
        for case in cases:
            check = Check()
            path = case.requests.paths[0]

            def ask(client: Any, path: str = path, case: Case = case) -> Any:
                if case.requests.method == "POST":
                    sent = dict(headers)
                    if case.requests.idempotency_keys:
                        sent["Idempotency-Key"] = f"bench-check-{uuid.uuid4()}"
                    return client.post(path, headers=sent, json=case.requests.body)
                return client.get(path, headers=headers)

            client = product.test_client()
            if not case.writes:
                ask(client)  # warm: the first request of a process reads more
            product_count.statements.clear()
            mine = ask(client)
            check.product_status = mine.status_code
            check.product_sql = len(product_count.statements)
            check.product_statements = list(product_count.statements)
            check.product_body = mine.get_json(silent=True)
            check.same = True
            for name, app in anchors.items():
                store = app.extensions[anchor.STORE]
                anchor_client = app.test_client()
                if not case.writes:
                    ask(anchor_client)
                store.trace = []
                theirs = ask(anchor_client)
                traced, store.trace = store.trace, None
                statements = [item for item in traced if item != COMMITTED]
                body = theirs.get_json(silent=True)
                check.anchor_bodies[name] = body
                if name == "anchor":
                    check.anchor_status = theirs.status_code
                    check.anchor_sql = len(statements)
                    check.anchor_statements = [" ".join(item.split()) for item in statements]
                    check.anchor_commits = traced.count(COMMITTED)
                else:
                    check.core_status = theirs.status_code
                    check.core_sql = len(statements)
                if not _same(case, check.product_body, body, check, name):
                    check.same = False
            if case.key.startswith("feed-") and check.product_sql > check.anchor_sql:
                check.notes.append(
                    f"the product sent {check.product_sql} SQL statements and the anchor "
                    f"{check.anchor_sql}: for each initiative whose evidence the page shows, "
                    "the product reads the initiative on its own (to say whether the "
                    "evidence's type takes a file); the anchor reads them in one statement"
                )
            elif not case.writes and check.product_sql != check.anchor_sql:
                check.notes.append(
                    f"the product sent {check.product_sql} SQL statements and the anchor "
                    f"{check.anchor_sql}: the anchor may need updating to the product's SQL"
                )
            if case.key == "list-evidence":
                _check_cursor(check.product_body, check)
            if case.key == "far-page":
                _check_far_page(seeded, check.product_body, check)
            found[case.key] = check
    forget_bench_writes(seeded)
    return found


def _same(case: Case, mine: Any, theirs: Any, check: Check, name: str = "anchor") -> bool:
    if not isinstance(mine, dict) or not isinstance(theirs, dict):
        check.notes.append(f"an answer is not a JSON object ({name})")
        return False
    if case.writes:
        # Ids and times differ between two creations; the fields and the rest must not.
        varying = {"id", "created_at", "updated_at"}
        mine = {key: value for key, value in mine.items() if key not in varying}
        theirs = {key: value for key, value in theirs.items() if key not in varying}
    if mine == theirs:
        return True
    check.notes.append(f"bodies differ ({name}): {_difference(mine, theirs)}")
    return False


def _difference(mine: dict[str, Any], theirs: dict[str, Any]) -> str:
    items = mine.get("items"), theirs.get("items")
    if isinstance(items[0], list) and isinstance(items[1], list):
        if len(items[0]) != len(items[1]):
            return f"{len(items[0])} items against {len(items[1])}"
        for first, second in zip(items[0], items[1], strict=True):
            if first != second:
                return _difference(first, second)
    keys = sorted(set(mine) | set(theirs))
    return ", ".join(key for key in keys if mine.get(key) != theirs.get(key))


def _check_cursor(page: Any, check: Check) -> None:
    """The product's cursor is the one the far page's cursor is made like."""
    items = page.get("items", []) if isinstance(page, dict) else []
    if len(items) == PAGE and page.get("next_cursor") != encode_cursor(items[-1]["id"]):
        check.same = False
        check.notes.append("next_cursor is not made the way the far page's cursor is")


def _check_far_page(seeded: Seeded, page: Any, check: Check) -> None:
    items = page.get("items", []) if isinstance(page, dict) else []
    if len(items) != PAGE or items[0]["id"] <= seeded.far_after_id:
        check.same = False
        check.notes.append("the far page is not the page after its cursor")
