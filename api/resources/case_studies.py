"""Case studies of an initiative: generated from its records, edited by people.

The record (``/case-studies/{id}``) is what people wrote: title, date, section texts and
the evidence cited, with an ETag for If-Match. What the case study says now, with the
voices its consent allows and its completeness check, is ``/content``: it changes with
the records it reads (a withdrawal takes a voice out at once), so it carries no ETag.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import Response, current_app
from flask_smorest import Blueprint

from api import fields, renderings
from api.auth import requires
from api.charts import Chart, charts
from api.context import workspace
from api.lists import ListArgs, page_reply, page_schema
from api.records import absolute_url, if_match, record_reply
from api.resources.initiatives import BlockerSchema
from toolkits_core import Citations, Measures, Paragraph, Table
from toolkits_core.service import (
    SECTION_KEYS,
    SECTION_TEXT_LENGTH,
    CaseStudyContent,
    CaseStudyKind,
    Cited,
    Scope,
    ToolkitSection,
    case_study_content,
    create_case_study,
    delete_case_study,
    get_case_study,
    list_case_studies,
    update_case_study,
)

blueprint = Blueprint(
    "case_studies",
    __name__,
    url_prefix="/api/v1",
    description="Case studies of an initiative, in the sections the field asks for: "
    "generated from its records, edited by people, citing evidence by id.",
)

KINDS = [kind.value for kind in CaseStudyKind]
KIND_DESCRIPTION = (
    "retrospective (what happened) or futuring (written from a date in the future looking "
    "back at how change happened: imagined, and marked so wherever it is shown)."
)
SECTIONS_DESCRIPTION = (
    "Section texts by key (" + ", ".join(SECTION_KEYS) + ", and the keys of the sections "
    "the toolkit's plugin adds, as /content lists them); a PATCH changes only the sections "
    "it names."
)
SECTION_KEY_PATTERN = r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$"
CITED_DESCRIPTION = (
    "The evidence the case study cites, by id, in the order shown: each must be evidence of "
    "the same initiative. Shown only while its consent allows the use."
)


class _SectionTexts(ma.fields.Dict):
    def __init__(self, **options: Any) -> None:
        super().__init__(
            keys=ma.fields.String(
                validate=[
                    ma.validate.Length(min=1, max=40),
                    ma.validate.Regexp(SECTION_KEY_PATTERN),
                ]
            ),
            values=ma.fields.String(validate=ma.validate.Length(max=SECTION_TEXT_LENGTH)),
            metadata={"description": SECTIONS_DESCRIPTION},
            **options,
        )


def _cited_ids(**options: Any) -> ma.fields.List[Any]:
    return ma.fields.List(
        ma.fields.String(validate=ma.validate.Length(min=1, max=40)),
        validate=ma.validate.Length(max=200),
        metadata={"description": CITED_DESCRIPTION},
        **options,
    )


class CaseStudySchema(fields.Timestamps):
    id = fields.record_id()
    initiative_id = ma.fields.String(dump_only=True)
    kind = ma.fields.String(dump_only=True, metadata={"description": KIND_DESCRIPTION})
    title = fields.title("What the case study is called.")
    dated_on = ma.fields.Date(dump_only=True, metadata={"description": "The date it speaks from."})
    sections = _SectionTexts(dump_only=True)
    cited_evidence_ids = _cited_ids(dump_only=True)


class CaseStudyCreateSchema(ma.Schema):
    kind = ma.fields.String(
        load_default=CaseStudyKind.RETROSPECTIVE.value,
        validate=ma.validate.OneOf(KINDS),
        metadata={"description": KIND_DESCRIPTION},
    )
    title = fields.title("What it is called; the initiative's title if not given.")
    dated_on = ma.fields.Date(
        metadata={
            "description": "The date it speaks from: today by default for a retrospective "
            "(never later); for a futuring case study a date in the future (five years on "
            "by default)."
        }
    )


class CaseStudyPatchSchema(ma.Schema):
    title = fields.title("What it is called.")
    dated_on = ma.fields.Date(metadata={"description": "The date it speaks from."})
    sections = _SectionTexts()
    cited_evidence_ids = _cited_ids()


class CompletenessSchema(ma.Schema):
    complete = ma.fields.Boolean(metadata={"description": "True when nothing is missing."})
    blockers = ma.fields.List(
        ma.fields.Nested(BlockerSchema),
        metadata={"description": "What is missing or thin, in the form of transition blockers."},
    )


class ContentSchema(ma.Schema):
    """A case study as it reads now: JSON is one of its renderings."""

    id = ma.fields.String()
    initiative_id = ma.fields.String()
    kind = ma.fields.String()
    imagined = ma.fields.Boolean(
        metadata={"description": "True for a futuring case study: what it tells is imagined."}
    )
    notice = ma.fields.String(allow_none=True)
    title = ma.fields.String()
    dated_on = ma.fields.Date()
    organisation = ma.fields.String()
    toolkit = ma.fields.Dict()
    sections = ma.fields.List(
        ma.fields.Dict(),
        metadata={
            "description": "Every section in order: key, title, text and the facts read from "
            "the records. Sections the toolkit's plugin adds come after the assessments, "
            "with toolkit_section true, the plugin's name, and blocks: paragraph (text), "
            "table (caption, columns, rows), measures (caption, items of label, value, "
            "scale) and citations (caption, evidence: only what consent allows)."
        },
    )
    completeness = ma.fields.Nested(CompletenessSchema)


def content_document(content: CaseStudyContent) -> dict[str, Any]:
    """The JSON rendering: every section with its text and the facts read from records."""
    case_study = content.case_study
    toolkit = content.toolkit
    facts: dict[str, dict[str, Any]] = {
        "people": {
            "roles": dict(content.roles),
            "activities": content.activity_count,
        },
        "steps": {
            "timeline": [
                {
                    "on": step.on.isoformat() if step.on else None,
                    "stage": step.stage,
                    "stage_name": step.stage_name,
                    "what": step.what,
                    "kind": step.kind,
                }
                for step in content.steps
            ],
            "evidence": [_cited(item) for item in content.other_evidence],
        },
        "voices": {"evidence": [_cited(item) for item in content.voices]},
        "outcomes": {
            "evidence": [_cited(item) for item in content.outcomes],
            "activities": [
                {"activity": title, "outcomes": text} for title, text in content.activity_outcomes
            ],
        },
        "assessments": {
            "dimensions": [{"key": key, "name": name} for key, name in content.dimensions],
            "ratings": [
                {
                    "perspective": rating.perspective,
                    "assessed_on": rating.assessed_on.isoformat(),
                    "scale": rating.scale,
                    "ratings": dict(rating.ratings),
                }
                for rating in content.ratings
            ],
        },
        "credits": {"attribution": toolkit.attribution if toolkit else None},
    }
    sections: list[dict[str, Any]] = []
    for spec in content.sections:
        sections.append(
            {
                "key": spec.key,
                "title": spec.title,
                "text": content.section_text(spec.key),
                **facts.get(spec.key, {}),
            }
        )
        if spec.key == "assessments":
            sections += [_toolkit_section(content, item) for item in content.toolkit_sections]
    return {
        "id": case_study.id,
        "initiative_id": case_study.initiative_id,
        "kind": case_study.kind,
        "imagined": content.imagined,
        "notice": content.notice,
        "title": case_study.title,
        "dated_on": case_study.dated_on,
        "organisation": content.organisation_name,
        "toolkit": {
            "key": content.initiative.toolkit_key,
            "name": toolkit.name if toolkit else content.initiative.toolkit_key,
            "publisher": toolkit.publisher if toolkit else None,
            "licence": toolkit.licence if toolkit else None,
            "attribution": toolkit.attribution if toolkit else None,
            "source_url": toolkit.source_url if toolkit else None,
        },
        "sections": sections,
        "completeness": completeness_document(content),
    }


def _toolkit_section(content: CaseStudyContent, item: ToolkitSection) -> dict[str, Any]:
    """A plugin's section as data: its blocks, its citations only as the use allows."""
    section = item.section
    blocks: list[dict[str, Any]] = []
    for block in section.blocks:
        if isinstance(block, Paragraph):
            blocks.append({"type": "paragraph", "text": block.text})
        elif isinstance(block, Table):
            blocks.append(
                {
                    "type": "table",
                    "caption": block.caption,
                    "columns": list(block.columns),
                    "rows": [list(row) for row in block.rows],
                }
            )
        elif isinstance(block, Measures):
            blocks.append(
                {
                    "type": "measures",
                    "caption": block.caption,
                    "items": [
                        {"label": m.label, "value": m.value, "scale": m.scale} for m in block.items
                    ],
                }
            )
        elif isinstance(block, Citations):
            shown = [item.cited[i] for i in dict.fromkeys(block.evidence_ids) if i in item.cited]
            blocks.append(
                {
                    "type": "citations",
                    "caption": block.caption,
                    "evidence": [_cited(cited) for cited in shown],
                }
            )
    return {
        "key": section.key,
        "title": section.title,
        "text": content.section_text(section.key),
        "asks": section.asks,
        "toolkit_section": True,
        "plugin": item.plugin,
        "blocks": blocks,
    }


def _cited(item: Cited) -> dict[str, Any]:
    evidence = item.evidence
    return {
        "id": evidence.id,
        "evidence_type": evidence.evidence_type,
        "type_name": item.type_name,
        "kind": item.kind.value if item.kind else None,
        "speaker_role": item.speaker_role,
        "collected_on": evidence.collected_on.isoformat() if evidence.collected_on else None,
        "payload": dict(evidence.payload),
        "has_file": evidence.file_sha256 is not None,
        "file_content_type": evidence.file_content_type,
    }


def completeness_document(content: CaseStudyContent) -> dict[str, Any]:
    return {
        "complete": not content.blockers,
        "blockers": [
            {"code": b.code, "message": b.message, "plugin": b.plugin} for b in content.blockers
        ],
    }


@blueprint.route("/initiatives/<string:initiative_id>/case-studies")
@blueprint.arguments(ListArgs(), location="query")
@blueprint.response(200, page_schema(CaseStudySchema))
@requires(Scope.RECORDS_READ)
def list_all(args: dict[str, Any], initiative_id: str) -> Any:
    """List an initiative's case studies, oldest first."""
    return page_reply(list_case_studies(workspace(), initiative_id, **args), CaseStudySchema)


@blueprint.route("/initiatives/<string:initiative_id>/case-studies", methods=["POST"])
@blueprint.arguments(CaseStudyCreateSchema)
@blueprint.response(201, CaseStudySchema)
@requires(Scope.RECORDS_WRITE)
def create(body: dict[str, Any], initiative_id: str) -> Any:
    """Generate a case study from the initiative's records, for people to edit.

    Its sections start as drafts from the records; it cites the latest voices and
    outcome evidence its consent allows. A futuring case study must be dated in the
    future (422 futuring_not_in_future), a retrospective one not (retrospective_in_future).
    """
    ws = workspace()
    case_study = create_case_study(ws, initiative_id, **body)
    ws.commit()
    return record_reply(case_study, 201, CaseStudySchema)


@blueprint.route("/case-studies/<string:case_study_id>")
@blueprint.response(200, CaseStudySchema)
@requires(Scope.RECORDS_READ)
def show(case_study_id: str) -> Any:
    """Show what people wrote: the title, date, section texts and cited evidence ids."""
    return record_reply(get_case_study(workspace(), case_study_id), schema=CaseStudySchema)


@blueprint.route("/case-studies/<string:case_study_id>", methods=["PATCH"])
@blueprint.arguments(CaseStudyPatchSchema, required=False)
@blueprint.response(200, CaseStudySchema)
@requires(Scope.RECORDS_WRITE)
def update(changes: dict[str, Any], case_study_id: str) -> Any:
    """Edit the title, date, some sections' texts, or the cited evidence (replaced whole).

    Citing evidence that is not of the case study's initiative is 422
    (evidence_not_in_initiative), whoever's it is.
    """
    ws = workspace()
    case_study = update_case_study(ws, case_study_id, changes, if_match=if_match())
    ws.commit()
    return record_reply(case_study)


@blueprint.route("/case-studies/<string:case_study_id>", methods=["DELETE"])
@blueprint.response(204)
@requires(Scope.RECORDS_WRITE)
def delete(case_study_id: str) -> None:
    """Delete a case study."""
    ws = workspace()
    delete_case_study(ws, case_study_id, if_match=if_match())
    ws.commit()


@blueprint.route("/case-studies/<string:case_study_id>/content")
@blueprint.response(200, ContentSchema)
@requires(Scope.RECORDS_READ)
def content(case_study_id: str) -> Any:
    """The case study as it reads now, section by section, with its completeness check.

    Facts come from the records at this moment (roles as counts, never names; the
    timeline; the assessments by perspective); cited evidence appears only while its
    consent allows use in the organisation, so a withdrawal takes it out at once.
    """
    return content_document(case_study_content(workspace(), case_study_id))


@blueprint.route("/case-studies/<string:case_study_id>/completeness")
@blueprint.response(200, CompletenessSchema)
@requires(Scope.RECORDS_READ)
def completeness(case_study_id: str) -> Any:
    """What is missing or thin, and any cited evidence whose consent does not allow the
    use, in the same form as a refused transition's blockers."""
    return completeness_document(case_study_content(workspace(), case_study_id))


TEXT = {"type": "string"}


def _text_response(body: str, mimetype: str, policy: str | None = None) -> Response:
    response = current_app.response_class(body, content_type=f"{mimetype}; charset=utf-8")
    if policy is not None:
        response.headers["Content-Security-Policy"] = policy
    return response


def _organisation_media(evidence_id: str) -> str:
    return absolute_url(f"/api/v1/evidence/{evidence_id}/file")


def _rendered(case_study_id: str) -> tuple[dict[str, Any], dict[str, Chart]]:
    found = case_study_content(workspace(), case_study_id)
    return content_document(found), charts(found)


@blueprint.route("/case-studies/<string:case_study_id>/case-study.md")
@blueprint.response(200, TEXT, content_type="text/markdown", description="The case study.")
@requires(Scope.RECORDS_READ)
def markdown(case_study_id: str) -> Response:
    """The case study as Markdown: every section, the voices with their transcripts, and
    the charts' text alternatives. People's text is sanitised (nh3) and escaped."""
    document, drawn = _rendered(case_study_id)
    return _text_response(renderings.markdown(document, drawn), "text/markdown")


@blueprint.route("/case-studies/<string:case_study_id>/case-study.html")
@blueprint.response(200, TEXT, content_type="text/html", description="A standalone page.")
@requires(Scope.RECORDS_READ)
def html(case_study_id: str) -> Response:
    """The case study as a standalone page that prints well: semantic headings, charts as
    inline SVG with text alternatives, audio and video with their transcripts (played
    from the evidence's file download, which needs your key), print CSS. Its
    Content-Security-Policy allows its own inline styles by hash and nothing else."""
    document, drawn = _rendered(case_study_id)
    page = renderings.html(document, drawn, _organisation_media)
    return _text_response(page, "text/html", renderings.page_policy(page))


def _chart(case_study_id: str, key: str) -> Chart:
    return charts(case_study_content(workspace(), case_study_id))[key]


@blueprint.route("/case-studies/<string:case_study_id>/charts/radar.svg")
@blueprint.response(200, TEXT, content_type="image/svg+xml", description="The radar, as SVG.")
@requires(Scope.RECORDS_READ)
def radar_svg(case_study_id: str) -> Response:
    """The radar of the assessments on the toolkit's dimensions, one layer per perspective
    and date (each perspective's latest three), drawn by pygal. The SVG names itself by
    its title and describes itself by its text alternative (aria-labelledby)."""
    chart = _chart(case_study_id, "radar")
    return _text_response(chart.svg, "image/svg+xml", renderings.page_policy(chart.svg))


@blueprint.route("/case-studies/<string:case_study_id>/charts/radar.txt")
@blueprint.response(200, TEXT, content_type="text/plain", description="Its text alternative.")
@requires(Scope.RECORDS_READ)
def radar_text(case_study_id: str) -> Response:
    """The radar's text alternative: every layer's rating on every dimension, in words."""
    return _text_response(_chart(case_study_id, "radar").text, "text/plain")


@blueprint.route("/case-studies/<string:case_study_id>/charts/timeline.svg")
@blueprint.response(200, TEXT, content_type="image/svg+xml", description="The timeline, SVG.")
@requires(Scope.RECORDS_READ)
def timeline_svg(case_study_id: str) -> Response:
    """The timeline of stage moves and activities, a row per stage, drawn by pygal."""
    chart = _chart(case_study_id, "timeline")
    return _text_response(chart.svg, "image/svg+xml", renderings.page_policy(chart.svg))


@blueprint.route("/case-studies/<string:case_study_id>/charts/timeline.txt")
@blueprint.response(200, TEXT, content_type="text/plain", description="Its text alternative.")
@requires(Scope.RECORDS_READ)
def timeline_text(case_study_id: str) -> Response:
    """The timeline's text alternative: each dated step, in order."""
    return _text_response(_chart(case_study_id, "timeline").text, "text/plain")
