"""``python -m bench.case_studies``: case studies of the long initiative, and library search.

Issue 12 asks that rendering a case study of the initiative with 600,936 pieces of
evidence take under a second, and that library search be measured at 10,000 published
case studies, each beside an anchor. This reuses the 1M databases ``python -m bench``
seeds (seeding them if they are missing), then:

- makes one case study of the long initiative through the API (as a person would: its
  sections drafted and its citations chosen by the product), and times its JSON
  (``/content``) and its HTML page (``/case-study.html``) against the anchor
  (``bench/case_study_anchor.py``), which authenticates and reads the same rows with the
  same SQL by hand, the toolkit section's counts included, and writes the same document
  with the standard library (and, for HTML, a page of f-strings: no Jinja2, no charts);
- publishes 10,000 case studies to the library in bulk (one per initiative, across the ten
  organisations, with searchable texts of their own), and times ``GET /api/v1/library?q=``
  against the anchor running the same full-text query (FTS5 on SQLite, ``to_tsvector`` with
  the GIN index on PostgreSQL).

Both apps run in this process through Flask's test client, on the same database and
engine settings; requests alternate product, anchor, product, ... so that the load of a
shared machine falls on both alike. It writes ``bench/results/case_studies.md``.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import pathlib
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

import sqlalchemy as sa

from bench.case_study_anchor import create_anchor
from bench.run import DEFAULT_POSTGRESQL, FULL, HERE, QUICK
from bench.seed import TABLES, THEMES, Seeded, _Loader, ensure_seeded
from bench.targets import Target, postgresql_reachable, postgresql_target, sqlite_target
from toolkits_core._store.ids import new_id
from toolkits_core.service import Database

GOAL_SECONDS = 1.0
LIBRARY_ENTRIES = 10_000
PLACES = ("Glasgow", "Fife", "Highland", "East Dunbartonshire", "Dundee", "Orkney", "Moray")
WORDS = (
    "walking", "garden", "cafe", "carers", "library", "memory", "music", "football",
    "allotment", "bus", "kitchen", "choir", "repair", "school", "pupils", "volunteers",
    "dementia", "loneliness", "housing", "transport", "youth", "elders", "market", "boat",
)  # fmt: skip
SEARCHES = ("garden", "memory cafe", "young carers", "walking football", "choir", "orkney")


def _log(message: str) -> None:
    print(f"[bench.case_studies] {message}", file=sys.stderr, flush=True)


def _alternate(
    product: Callable[[], Any], anchor: Callable[[], Any], runs: int
) -> tuple[list[float], list[float]]:
    """Seconds of each call, product and anchor in turn, after one warm-up of each."""
    product()
    anchor()
    mine: list[float] = []
    theirs: list[float] = []
    for _ in range(runs):
        for call, into in ((product, mine), (anchor, theirs)):
            started = time.perf_counter()
            reply = call()
            into.append(time.perf_counter() - started)
            if reply.status_code != 200:
                raise RuntimeError(f"{reply.status_code}: {reply.get_data(as_text=True)[:300]}")
    return mine, theirs


def _p(seconds: list[float], share: float) -> float:
    ordered = sorted(seconds)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _figures(seconds: list[float]) -> dict[str, float]:
    return {
        "median": statistics.median(seconds),
        "p99": _p(seconds, 0.99),
        "max": max(seconds),
        "runs": len(seconds),
    }


# Seeding the library -----------------------------------------------------------------


def _library_rows(
    database: Database, seeded: Seeded
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """One published case study per seeded initiative, 10,000 in all."""
    rng = random.Random(12)
    with database.engine.connect() as connection:
        initiatives = connection.execute(
            sa.text(
                "SELECT i.id, i.organisation_id, i.title, i.toolkit_key, i.stage, o.name "
                "FROM initiatives i JOIN organisations o ON o.id = i.organisation_id "
                "ORDER BY i.id LIMIT :count"
            ),
            {"count": LIBRARY_ENTRIES},
        ).all()
    now = dt.datetime.now(dt.UTC)
    studies: list[dict[str, Any]] = []
    entries: list[dict[str, Any]] = []
    for number, (initiative_id, organisation_id, title, toolkit, stage, org) in enumerate(
        initiatives
    ):
        themes = rng.sample(THEMES, 2)
        place = rng.choice(PLACES)
        sections = {
            key: " ".join(rng.choice(WORDS) for _ in range(rng.randint(12, 40))).capitalize() + "."
            for key in ("context", "people", "steps", "learning", "next")
        }
        dated = dt.date(2022 + number % 5, 1 + number % 12, 1 + number % 28)
        study_id = new_id("cst")
        studies.append(
            {
                "id": study_id, "organisation_id": organisation_id,
                "initiative_id": initiative_id, "kind": "retrospective", "title": title,
                "dated_on": dated, "sections": sections, "cited_evidence_ids": [],
                "created_at": now, "updated_at": now, "version": 1,
            }
        )  # fmt: skip
        search_text = "\n".join([title, org, place, " ".join(themes), *sections.values()])
        entries.append(
            {
                "id": new_id("lib"), "organisation_id": organisation_id,
                "slug": f"bench-{number}-{study_id[-6:]}", "case_study_id": study_id,
                "initiative_id": initiative_id, "organisation_name": org, "title": title,
                "kind": "retrospective", "dated_on": dated,
                "summary": sections["context"][:400], "toolkit_key": toolkit,
                "stage_reached": stage, "themes": themes,
                "themes_key": "|" + "|".join(themes) + "|", "place": place,
                "year": dated.year, "sections": sections, "cited_evidence_ids": [],
                "search_text": search_text, "owners_agreed_by": "Bench, its owner",
                "published_at": now,
            }
        )  # fmt: skip
    return studies, entries


def ensure_library(seeded: Seeded) -> int:
    """10,000 published case studies in the library (kept between runs; as many as there are
    initiatives at a smaller size)."""
    database = Database(seeded.target.url)
    try:
        with database.engine.connect() as connection:
            held = connection.execute(sa.text("SELECT count(*) FROM library_entries")).scalar_one()
            initiatives = connection.execute(
                sa.text("SELECT count(*) FROM initiatives")
            ).scalar_one()
        if held >= min(LIBRARY_ENTRIES, initiatives):
            return int(held)
        started = time.perf_counter()
        with database.engine.begin() as connection:
            connection.execute(sa.text("DELETE FROM library_entries"))
            connection.execute(sa.text("DELETE FROM case_studies"))
            if database.is_sqlite:
                connection.execute(sa.text("DELETE FROM library_search"))
        studies, entries = _library_rows(database, seeded)
        _Loader(database, TABLES["case_studies"]).load(iter(studies))
        _Loader(database, TABLES["library_entries"]).load(iter(entries))
        with database.engine.begin() as connection:
            if database.is_sqlite:
                connection.execute(
                    sa.text(
                        "INSERT INTO library_search (entry_id, body) "
                        "SELECT id, search_text FROM library_entries"
                    )
                )
            else:
                connection.execute(sa.text("ANALYZE library_entries"))
        _log(f"published {len(entries):,} case studies in {time.perf_counter() - started:.1f} s")
        return len(entries)
    finally:
        database.dispose()


# Measuring ---------------------------------------------------------------------------


@contextlib.contextmanager
def _statements(engine: sa.Engine) -> Iterator[list[str]]:
    """The SQL statements sent while the block runs."""
    found: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        found.append(" ".join(statement.split()))

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        yield found
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)


def measure(seeded: Seeded, runs: int, searches: int) -> dict[str, Any]:
    from api import create_app
    from api.context import services

    url = seeded.target.url
    app = create_app({"DATABASE_URL": url, "RATE_LIMIT": "off", "AUTO_MIGRATE": False})
    anchor_app = create_anchor(url)
    product = app.test_client()
    anchor = anchor_app.test_client()
    headers = {"Authorization": f"Bearer {seeded.token}"}
    made = product.post(
        f"/api/v1/initiatives/{seeded.long_initiative_id}/case-studies",
        json={"title": "The long initiative"},
        headers=headers,
    )
    if made.status_code != 201:
        raise RuntimeError(f"could not make the case study: {made.get_data(as_text=True)}")
    study = made.json["id"]
    try:
        engine = services(app).database.engine
        rows: dict[str, Any] = {}
        for name, suffix in (("json", "content"), ("html", "case-study.html")):
            path = f"case-studies/{study}/{suffix}"
            with _statements(engine) as sent:
                first = time.perf_counter()
                reply = product.get(f"/api/v1/{path}", headers=headers)
                cold = time.perf_counter() - first
            mine, theirs = _alternate(
                lambda path=path: product.get(f"/api/v1/{path}", headers=headers),
                lambda path=path: anchor.get(f"/anchor/{path}", headers=headers),
                runs,
            )
            rows[name] = {
                "product": _figures(mine),
                "anchor": _figures(theirs),
                "first": cold,
                "statements": len(sent),
                "bytes": len(reply.get_data()),
            }
        if rows["json"]["statements"]:
            _check_same_document(product, anchor, study, headers)
        library: dict[str, Any] = {}
        per = max(1, searches // len(SEARCHES))
        mine_all: list[float] = []
        theirs_all: list[float] = []
        for words in SEARCHES:
            query = f"q={words.replace(' ', '+')}&limit=50"
            ours = product.get(f"/api/v1/library?{query}", headers=headers).json
            their = anchor.get(f"/anchor/library?{query}", headers=headers).json
            if [i["slug"] for i in ours["items"]] != [i["slug"] for i in their["items"]]:
                raise RuntimeError(f"the anchor found other entries for {words!r}")
            mine, theirs = _alternate(
                lambda query=query: product.get(f"/api/v1/library?{query}", headers=headers),
                lambda query=query: anchor.get(f"/anchor/library?{query}", headers=headers),
                per,
            )
            mine_all += mine
            theirs_all += theirs
            library[words] = {"found": len(ours["items"]), "more": bool(ours["next_cursor"])}
        return {
            "database": seeded.target.name,
            "long_evidence": seeded.long_evidence,
            "rendering": rows,
            "library": {
                "product": _figures(mine_all),
                "anchor": _figures(theirs_all),
                "searches": library,
            },
        }
    finally:
        product.delete(f"/api/v1/case-studies/{study}", headers=headers)
        services(app).database.dispose()
        anchor_app.config["STORE"].engine.dispose()


def _check_same_document(product: Any, anchor: Any, study: str, headers: Any) -> None:
    """The anchor reads the same: the same cited evidence and the same toolkit section."""
    ours = product.get(f"/api/v1/case-studies/{study}/content", headers=headers).json
    theirs = anchor.get(f"/anchor/case-studies/{study}/content", headers=headers).json
    for key in ("voices", "outcomes", "people"):
        mine = next(s for s in ours["sections"] if s["key"] == key)
        their = next(s for s in theirs["sections"] if s["key"] == key)
        if json.dumps(mine, sort_keys=True) != json.dumps(their, sort_keys=True):
            raise RuntimeError(f"the anchor's {key!r} section differs from the product's")
    mine = [s for s in ours["sections"] if s.get("toolkit_section")]
    their = [s for s in theirs["sections"] if s.get("toolkit_section")]

    def values(sections: list[dict[str, Any]]) -> list[list[Any]]:
        return [[m["value"] for b in s["blocks"][1:3] for m in b["items"]] for s in sections]

    if values(mine) != values(their):
        raise RuntimeError("the anchor's counts differ from the toolkit section's")


def report(rows: list[dict[str, Any]], runs: int) -> str:
    lines = [
        "# Case studies of the long initiative, and library search (issue 12)",
        "",
        f"Measured {dt.date.today().isoformat()} by `python -m bench.case_studies`, in process "
        "through each app's Flask test client, on the 1M databases of `python -m bench` (the "
        "long initiative holds most of the evidence). The product and the anchor "
        "(`bench/case_study_anchor.py`: the same SQL by hand, the standard library's JSON, "
        "an f-string page without charts) answer in turn, request by request, in the same "
        "run, so the load of the shared machine (2 cores, other engineers' tests and "
        "benches running) falls on both alike: compare the columns of one row, not figures "
        f"of two runs. {runs} timed requests per rendering, after one warm-up each.",
        "",
        "## Rendering a case study of the long initiative",
        "",
        "| database | evidence in the initiative | rendering | product median ms | product p99 "
        "ms | anchor median ms | anchor p99 ms | product / anchor | statements | under 1 s |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for row in rows:
        for name, figures in row["rendering"].items():
            mine, theirs = figures["product"], figures["anchor"]
            lines.append(
                f"| {row['database']} | {row['long_evidence']:,} | {name} "
                f"| {mine['median'] * 1000:.1f} | {mine['p99'] * 1000:.1f} "
                f"| {theirs['median'] * 1000:.1f} | {theirs['p99'] * 1000:.1f} "
                f"| {mine['median'] / theirs['median']:.2f}x | {figures['statements']} "
                f"| {'yes' if mine['max'] < GOAL_SECONDS else 'NO'} (max "
                f"{mine['max'] * 1000:.0f} ms) |"
            )
    lines += [
        "",
        f"## Library search at {LIBRARY_ENTRIES:,} published case studies",
        "",
        "`GET /api/v1/library?q=...&limit=50`, over the searches "
        + ", ".join(f"`{s}`" for s in SEARCHES)
        + " in turn.",
        "",
        "| database | requests | product median ms | product p99 ms | anchor median ms | "
        "anchor p99 ms | p99 product / anchor |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        mine, theirs = row["library"]["product"], row["library"]["anchor"]
        lines.append(
            f"| {row['database']} | {mine['runs']} | {mine['median'] * 1000:.1f} "
            f"| {mine['p99'] * 1000:.1f} | {theirs['median'] * 1000:.1f} "
            f"| {theirs['p99'] * 1000:.1f} | {mine['p99'] / theirs['p99']:.2f}x |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.case_studies", description=__doc__)
    parser.add_argument(
        "--quick",
        action="store_true",
        help="the quick run's larger size (20k evidence, 1,000 initiatives): to try the bench, "
        "not to judge it; writes case_studies-quick.md",
    )
    parser.add_argument("--runs", type=int, default=20, help="timed requests per rendering")
    parser.add_argument("--searches", type=int, default=300, help="timed library searches")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--postgresql", default=DEFAULT_POSTGRESQL)
    parser.add_argument("--pg-prefix", default="coprod_bench")
    parser.add_argument("--data-dir", type=pathlib.Path, default=HERE / "data")
    args = parser.parse_args(argv)
    size = (QUICK if args.quick else FULL).sizes[-1]
    kinds = {kind.strip() for kind in args.databases.split(",")}
    targets: list[Target] = []
    if "sqlite" in kinds:
        targets.append(sqlite_target(args.data_dir, size))
    if "postgresql" in kinds:
        if (problem := postgresql_reachable(args.postgresql)) is None:
            targets.append(postgresql_target(args.postgresql, args.pg_prefix, size))
        else:
            _log(f"PostgreSQL not measured: {problem}")
    rows = []
    for target in targets:
        seeded = ensure_seeded(target, reseed=False, log=_log)
        ensure_library(seeded)
        rows.append(measure(seeded, args.runs, args.searches))
        _log(f"{target.name}: {json.dumps(rows[-1], default=str)}")
    text = report(rows, args.runs)
    name = "quick-case_studies" if args.quick else "case_studies"
    (HERE / "results" / f"{name}.md").write_text(text, encoding="utf-8")
    (HERE / "results" / f"{name}.json").write_text(
        json.dumps(rows, indent=2, default=str), encoding="utf-8"
    )
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
