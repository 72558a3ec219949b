"""The anchor for ``bench.case_studies``: a case study and a library search, by hand.

A plain Flask app with no flask-smorest, no ORM, no marshmallow, no Jinja2 and no charts.
It authenticates as the product does at the SQL level (``bench.anchor``'s caller check),
sends the SQL the product sends for the same reading through SQLAlchemy Core ``text()``
(the case study, its initiative and organisation, the cited evidence that consent allows
and its speakers' roles, the roles by count, the stage entries, the latest 60 activities,
the activity count, the latest 30 activity outcomes, the latest 120 assessments, and the
toolkit section's counts of activities by dimension, through the tally index as the
product asks, and the assessments it reads), and writes the same document with the
standard library. Its HTML is a page of f-strings with every text escaped. The toolkit's
definition (which evidence type is a voice, the dimensions and their groups) comes from
the same plugin host, as ``bench.anchor`` does for progress: the toolkit is the work.
"""

from __future__ import annotations

import html
import json
from typing import Any

import sqlalchemy as sa
from flask import Flask, Response, request

from bench.anchor import RefusedError, Store, _caller, _day, _loaded
from toolkits_core import EvidenceKind, PluginHost, Toolkit, load_plugins

VOICES = {EvidenceKind.QUOTE, EvidenceKind.STORY, EvidenceKind.AUDIO, EvidenceKind.VIDEO}
OUTCOMES = {EvidenceKind.UNEXPECTED_OUTCOME, EvidenceKind.METRIC, EvidenceKind.SURVEY_RESULT}
TITLES = {
    "context": "Context: why it started",
    "people": "Who took part, and how power was shared",
    "steps": "What was done, step by step",
    "voices": "In their own words",
    "outcomes": "What difference it made",
    "assessments": "How it was judged over time",
    "learning": "What was learned, and what was hard",
    "next": "What next",
    "credits": "Credits",
}
CITED = (
    "SELECT id, evidence_type, participant_id, collected_on, payload, file_sha256, "
    "file_content_type, dimensions FROM evidence e WHERE e.organisation_id = :org "
    "AND e.initiative_id = :ini AND e.id IN :ids AND e.consent = 'given' "
    "AND e.visibility != 'private' AND e.erased_at IS NULL AND (e.participant_id IS NULL OR "
    "EXISTS (SELECT p.id FROM participants p WHERE p.id = e.participant_id "
    "AND p.consent = 'given'))"
)


def _sql(statement: str, *expanding: str) -> sa.TextClause:
    text = sa.text(statement)
    if expanding:
        text = text.bindparams(*(sa.bindparam(name, expanding=True) for name in expanding))
    return text


class CaseStudyAnchor:
    def __init__(self, store: Store, host: PluginHost) -> None:
        self.store = store
        self.toolkits: dict[str, Toolkit] = {t.key: t for t in host.toolkits()}

    # Reading --------------------------------------------------------------------------

    def read(self, case_study_id: str) -> dict[str, Any]:
        with self.store.engine.connect() as connection:
            org, _ = _caller(connection, self.store, "read")
            study = connection.execute(
                sa.text("SELECT * FROM case_studies WHERE id = :id AND organisation_id = :org"),
                {"id": case_study_id, "org": org},
            ).first()
            if study is None:
                raise RefusedError(404, "not_found", "No such case study.")
            initiative = connection.execute(
                sa.text("SELECT * FROM initiatives WHERE id = :id AND organisation_id = :org"),
                {"id": study.initiative_id, "org": org},
            ).one()
            organisation = connection.execute(
                sa.text("SELECT name FROM organisations WHERE id = :org"), {"org": org}
            ).scalar_one()
            toolkit = self.toolkits[initiative.toolkit_key]
            where = {"org": org, "ini": initiative.id}
            cited = self._cited(connection, where, toolkit, _loaded(study.cited_evidence_ids))
            roles = dict(
                connection.execute(
                    sa.text(
                        "SELECT role, count(*) FROM participants WHERE organisation_id = :org "
                        "AND initiative_id = :ini AND consent = 'given' GROUP BY role "
                        "ORDER BY role"
                    ),
                    where,
                ).all()
            )
            entries = connection.execute(
                sa.text(
                    "SELECT stage, cycle, entered_at FROM stage_entries WHERE "
                    "organisation_id = :org AND initiative_id = :ini ORDER BY id"
                ),
                where,
            ).all()
            activities = connection.execute(
                sa.text(
                    "SELECT title, stage, starts_on, created_at FROM activities WHERE "
                    "organisation_id = :org AND initiative_id = :ini ORDER BY id DESC LIMIT 60"
                ),
                where,
            ).all()
            activity_count = connection.execute(
                sa.text(
                    "SELECT count(*) FROM activities WHERE organisation_id = :org "
                    "AND initiative_id = :ini"
                ),
                where,
            ).scalar_one()
            outcomes = connection.execute(
                sa.text(
                    "SELECT title, outcomes FROM activities WHERE organisation_id = :org AND "
                    "initiative_id = :ini AND outcomes != '' ORDER BY id DESC LIMIT 30"
                ),
                where,
            ).all()
            ratings = connection.execute(
                sa.text(
                    "SELECT perspective, assessed_on, scale, ratings FROM assessments WHERE "
                    "organisation_id = :org AND initiative_id = :ini "
                    "ORDER BY assessed_on DESC, id DESC LIMIT 120"
                ),
                where,
            ).all()[::-1]
            section = self._toolkit_counts(connection, where, toolkit, initiative, cited)
        for item in cited:
            del item["dimensions"]  # read for the toolkit section only
        voices = [item for item in cited if item["kind"] in VOICES]
        told = [item for item in cited if item["kind"] in OUTCOMES]
        facts: dict[str, dict[str, Any]] = {
            "people": {"roles": roles, "activities": activity_count},
            "steps": {
                "timeline": [
                    {"stage": e.stage, "what": f"Moved into {e.stage}", "on": _day(e.entered_at)}
                    for e in entries
                ]
                + [
                    {"stage": a.stage, "what": a.title, "on": _day(a.starts_on)}
                    for a in activities
                ],
                "evidence": [i for i in cited if i not in voices and i not in told],
            },
            "voices": {"evidence": voices},
            "outcomes": {
                "evidence": told,
                "activities": [{"activity": t, "outcomes": o} for t, o in outcomes],
            },
            "assessments": {
                "ratings": [
                    {"perspective": r.perspective, "assessed_on": _day(r.assessed_on),
                     "scale": r.scale, "ratings": _loaded(r.ratings)}
                    for r in ratings
                ]
            },
        }  # fmt: skip
        texts = _loaded(study.sections)
        sections: list[dict[str, Any]] = []
        for key, title in TITLES.items():
            sections.append({"key": key, "title": title, "text": texts.get(key, ""),
                             **facts.get(key, {})})  # fmt: skip
            if key == "assessments":
                sections.append(section)
        return {
            "id": study.id,
            "title": study.title,
            "organisation": organisation,
            "toolkit": {"key": toolkit.key, "name": toolkit.name},
            "sections": sections,
        }

    def _cited(
        self, connection: sa.Connection, where: dict[str, Any], toolkit: Toolkit, ids: list[str]
    ) -> list[dict[str, Any]]:
        if not ids:
            return []
        rows = {
            row.id: row
            for row in connection.execute(_sql(CITED, "ids"), {**where, "ids": ids}).all()
        }
        speakers = {row.participant_id for row in rows.values() if row.participant_id}
        roles = (
            dict(
                connection.execute(
                    _sql(
                        "SELECT id, role FROM participants WHERE organisation_id = :org "
                        "AND id IN :ids",
                        "ids",
                    ),
                    {"org": where["org"], "ids": list(speakers)},
                ).all()
            )
            if speakers
            else {}
        )
        kinds = {t.key: t for t in toolkit.evidence_types}
        found = []
        for evidence_id in ids:
            row = rows.get(evidence_id)
            if row is None:
                continue
            kind = kinds.get(row.evidence_type)
            found.append(
                {
                    "id": row.id,
                    "evidence_type": row.evidence_type,
                    "type_name": kind.name if kind else row.evidence_type,
                    "kind": kind.kind.value if kind else None,
                    "speaker_role": roles.get(row.participant_id or ""),
                    "collected_on": _day(row.collected_on),
                    "payload": _loaded(row.payload),
                    "has_file": row.file_sha256 is not None,
                    "file_content_type": row.file_content_type,
                    "dimensions": row.dimensions,
                }
            )
        return found

    def _toolkit_counts(
        self,
        connection: sa.Connection,
        where: dict[str, Any],
        toolkit: Toolkit,
        initiative: Any,
        cited: list[dict[str, Any]],
    ) -> dict[str, Any]:
        """The toolkit section's counts, as the plugin asks them: activities tagged with each
        dimension (on the tally index), and the cited evidence tagged with it."""
        sqlite = self.store.sqlite
        owned = (
            "coalesce({t}.organisation_id, '') = :org" if sqlite else "{t}.organisation_id = :org"
        )
        tagged = (
            "EXISTS (SELECT 1 FROM json_each({t}.dimensions) WHERE value = :dim)"
            if sqlite
            else "CAST({t}.dimensions AS JSONB) @> CAST(:tag AS JSONB)"
        )
        stages = [stage.key for stage in toolkit.stages]
        cycles = list(range(1, initiative.cycle + 1))
        activities = _sql(
            "SELECT count(*) FROM (SELECT a.id FROM activities a WHERE "
            + owned.format(t="a")
            + " AND a.initiative_id = :ini AND a.stage IN :stages AND a.cycle IN :cycles AND "
            + tagged.format(t="a")
            + ") counted",
            "stages",
            "cycles",
        )
        counts = []
        for dimension in toolkit.dimensions:
            values = {**where, "stages": stages, "cycles": cycles, "dim": dimension.key,
                      "tag": json.dumps([dimension.key])}  # fmt: skip
            counted = connection.execute(activities, values).scalar_one()
            counts.append({"label": dimension.name, "value": counted})
        tags = [_loaded(item["dimensions"]) for item in cited]
        by_tag = [
            {"label": d.name, "value": sum(d.key in t for t in tags)} for d in toolkit.dimensions
        ]
        measures = [counts, by_tag]
        connection.execute(
            sa.text(
                "SELECT scale, perspective, ratings, cycle FROM assessments "
                "WHERE organisation_id = :org AND initiative_id = :ini ORDER BY id"
            ),
            where,
        ).all()
        return {
            "key": "toolkit",
            "toolkit_section": True,
            "blocks": [
                {"type": "paragraph", "text": ""},
                {"type": "measures", "items": measures[0]},
                {"type": "measures", "items": measures[1]},
            ],
        }


def _page(document: dict[str, Any]) -> str:
    e = html.escape
    parts = [
        f'<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>'
        f"{e(document['title'])}</title></head><body><main><h1>{e(document['title'])}</h1>"
    ]
    for section in document["sections"]:
        parts.append(f"<section><h2>{e(section.get('title', ''))}</h2>")
        parts += [f"<p>{e(p)}</p>" for p in str(section.get("text", "")).split("\n\n") if p]
        for item in section.get("evidence", []):
            text = item["payload"].get("text") or item["payload"].get("transcript") or ""
            parts.append(f"<blockquote>{e(str(text))}</blockquote>")
        for step in section.get("timeline", []):
            parts.append(f"<li>{e(str(step['on']))}: {e(step['what'])}</li>")
        for block in section.get("blocks", []):
            for item in block.get("items", []):
                parts.append(f"<dt>{e(item['label'])}</dt><dd>{item['value']}</dd>")
        parts.append("</section>")
    parts.append("</main></body></html>")
    return "".join(parts)


def create_anchor(url: str) -> Flask:
    app = Flask("bench.case_study_anchor")
    store = Store(url)
    anchor = CaseStudyAnchor(store, load_plugins())
    app.config["STORE"] = store

    def reply(body: str, mimetype: str) -> Response:
        return Response(body, 200, mimetype=mimetype)

    @app.errorhandler(RefusedError)
    def refused(error: RefusedError) -> Response:
        return Response(json.dumps({"code": error.code}), error.status, mimetype="application/json")

    @app.get("/anchor/case-studies/<case_study_id>/content")
    def content(case_study_id: str) -> Response:
        return reply(json.dumps(anchor.read(case_study_id), default=str), "application/json")

    @app.get("/anchor/case-studies/<case_study_id>/case-study.html")
    def page(case_study_id: str) -> Response:
        return reply(_page(anchor.read(case_study_id)), "text/html")

    @app.get("/anchor/library")
    def library() -> Response:
        limit = int(request.args.get("limit", 50))
        words = request.args.get("q", "")
        with store.engine.connect() as connection:
            _caller(connection, store, "read")
            if store.sqlite:
                terms = " ".join(f'"{word}"' for word in words.split()) or '""'
                statement = (
                    "SELECT * FROM library_entries WHERE id IN (SELECT entry_id FROM "
                    "library_search WHERE library_search MATCH :q) ORDER BY id LIMIT :n"
                )
                found = connection.execute(sa.text(statement), {"q": terms, "n": limit + 1})
            else:
                statement = (
                    "SELECT * FROM library_entries WHERE to_tsvector('english', search_text) "
                    "@@ websearch_to_tsquery('english', :q) ORDER BY id LIMIT :n"
                )
                found = connection.execute(sa.text(statement), {"q": words, "n": limit + 1})
            rows = found.all()
        items = [
            {
                "slug": row.slug, "title": row.title, "kind": row.kind,
                "dated_on": _day(row.dated_on), "organisation": row.organisation_name,
                "summary": row.summary, "toolkit": row.toolkit_key,
                "stage_reached": row.stage_reached, "themes": _loaded(row.themes),
                "place": row.place, "year": row.year, "published_at": str(row.published_at),
            }
            for row in rows[:limit]
        ]  # fmt: skip
        more = rows[limit].id if len(rows) > limit else None
        body = {"items": items, "next_cursor": more}
        return reply(json.dumps(body), "application/json")

    del content, page, library, refused
    return app


__all__ = ["create_anchor"]
