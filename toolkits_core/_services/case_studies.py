"""Case studies: what an initiative learned, in the sections the field asks for.

A case study is generated from its initiative's records and then edited by people,
section by section. Only the section texts, the title, the date and the list of cited
evidence are stored; everything else it says (who took part by role, the steps with
their dates, the assessments over time, the voices it cites) is read from the records
each time it is shown, so it never disagrees with them. A cited voice appears only while
its consent allows the use (``Use``): a withdrawal or an erasure takes it out of every
rendering in the transaction that makes it.

Two kinds, from the Scottish Co-production Network's learning event: ``retrospective``
(what happened) and ``futuring`` (written from a date in the future, looking back at how
change happened; marked as imagined wherever it is shown).

The core decides what a case study says; ``api/`` decides how it looks.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from toolkits_core._case_study_sections import (
    SECTION_KEY,
    CaseStudySection,
    CaseStudyView,
    Citations,
)
from toolkits_core._evidence_kinds import EvidenceKind
from toolkits_core._outcomes import Blocker
from toolkits_core._plugin_errors import PluginHookError, UnknownToolkitError
from toolkits_core._services.consent import publishable, someone_disagrees
from toolkits_core._services.errors import Invalid
from toolkits_core._services.library_entries import take_out_published_from
from toolkits_core._services.pagination import Page, paginate
from toolkits_core._services.views import initiative_view
from toolkits_core._services.workspace import Workspace, apply_changes, check_if_match
from toolkits_core._store.models import (
    Activity,
    Assessment,
    CaseStudy,
    Evidence,
    Initiative,
    Organisation,
    Participant,
    StageEntry,
    utc_now,
)
from toolkits_core._views import Consent, EvidenceView, ParticipantRole
from toolkits_core._vocabulary import Toolkit


class CaseStudyKind(enum.StrEnum):
    RETROSPECTIVE = "retrospective"
    """What happened, told after it happened."""
    FUTURING = "futuring"
    """Written from a date in the future, looking back: imagined, and always marked so."""


class Use(enum.StrEnum):
    """What a rendering is for, which decides which cited evidence it may show."""

    ORGANISATION = "organisation"
    """Inside the organisation: evidence with consent given, not private, not erased."""
    PUBLICATION = "publication"
    """Beyond it (the network library): only evidence that is ``publishable``."""


@dataclass(frozen=True, slots=True)
class SectionSpec:
    key: str
    title: str
    asks: str
    """What the section should say: shown to the people editing it."""
    least: int
    """Fewer characters than this and the completeness check calls the section thin."""


SECTIONS: tuple[SectionSpec, ...] = (
    SectionSpec("context", "Context: why it started", "The setting and the need.", 120),
    SectionSpec("people", "Who took part, and how power was shared", "Roles, support given.", 80),
    SectionSpec("steps", "What was done, step by step", "The stages and activities.", 80),
    SectionSpec("voices", "In their own words", "What people said, unfiltered.", 0),
    SectionSpec("outcomes", "What difference it made", "Planned and unexpected.", 80),
    SectionSpec("assessments", "How it was judged over time", "From each perspective.", 0),
    SectionSpec("learning", "What was learned, and what was hard", "What helped.", 120),
    SectionSpec("next", "What next", "Where it goes from here.", 40),
    SectionSpec("credits", "Credits", "Who made it, and the toolkit's attribution.", 0),
)
SECTION_KEYS = tuple(spec.key for spec in SECTIONS)
SECTION_TEXT_LENGTH = 20_000
TITLE_LENGTH = 200
MAX_CITED = 200

VOICE_KINDS = frozenset(
    {EvidenceKind.QUOTE, EvidenceKind.STORY, EvidenceKind.AUDIO, EvidenceKind.VIDEO}
)
OUTCOME_KINDS = frozenset(
    {EvidenceKind.UNEXPECTED_OUTCOME, EvidenceKind.METRIC, EvidenceKind.SURVEY_RESULT}
)
GENERATED_CITATIONS = 12
"""How many voices, and how many outcomes, a new case study cites to start from."""
IMAGINED_NOTICE = (
    "This is a futuring case study: written from a date in the future, looking back. "
    "What it tells is imagined; the evidence it cites is real and is its starting point."
)


@dataclass(frozen=True, slots=True)
class Cited:
    """A piece of cited evidence as a case study may show it."""

    evidence: Evidence
    kind: EvidenceKind | None
    type_name: str
    speaker_role: str | None
    """The role of the person it came from (never their name), if anyone's."""

    @property
    def is_voice(self) -> bool:
        return self.kind in VOICE_KINDS

    @property
    def is_outcome(self) -> bool:
        return self.kind in OUTCOME_KINDS


@dataclass(frozen=True, slots=True)
class Step:
    """One line of the timeline: a move into a stage, or an activity."""

    on: dt.date | None
    stage: str
    stage_name: str
    what: str
    kind: str
    """``stage`` or ``activity``."""


@dataclass(frozen=True, slots=True)
class Rating:
    perspective: str
    assessed_on: dt.date
    scale: str
    ratings: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class ToolkitSection:
    """A section a plugin added (``coprod_case_study_sections``), its citations resolved:
    ``cited`` holds, by evidence id, only the cited evidence this use may show."""

    plugin: str
    section: CaseStudySection
    cited: Mapping[str, Cited]


@dataclass(frozen=True, slots=True)
class CaseStudyContent:
    """Everything a case study says, for one use: what every rendering is built from."""

    case_study: CaseStudy
    initiative: Initiative
    organisation_name: str
    toolkit: Toolkit | None
    use: Use
    roles: Mapping[str, int]
    activity_count: int
    steps: Sequence[Step]
    ratings: Sequence[Rating]
    dimensions: Sequence[tuple[str, str]]
    """The toolkit's dimensions, (key, name), in its order: the radar's axes."""
    voices: Sequence[Cited]
    outcomes: Sequence[Cited]
    other_evidence: Sequence[Cited]
    activity_outcomes: Sequence[tuple[str, str]]
    withheld: Sequence[str]
    """Cited evidence ids this use may not show (consent, visibility, erasure, gone)."""
    toolkit_sections: Sequence[ToolkitSection] = field(default_factory=tuple)
    """What the toolkit's plugins add, placed after the assessments."""
    plugin_failures: Sequence[PluginHookError] = field(default_factory=tuple)
    """Plugins whose sections were left out because their hook failed."""
    blockers: Sequence[Blocker] = field(default_factory=tuple)

    @property
    def imagined(self) -> bool:
        return self.case_study.kind == CaseStudyKind.FUTURING

    @property
    def notice(self) -> str | None:
        return IMAGINED_NOTICE if self.imagined else None

    @property
    def sections(self) -> tuple[SectionSpec, ...]:
        return SECTIONS

    def section_text(self, key: str) -> str:
        return str(self.case_study.sections.get(key, ""))


# Writing ------------------------------------------------------------------------------


def create_case_study(
    ws: Workspace,
    initiative_id: str,
    *,
    kind: str = CaseStudyKind.RETROSPECTIVE,
    title: str | None = None,
    dated_on: dt.date | None = None,
) -> CaseStudy:
    """A case study generated from the initiative's records, to be edited by people.

    A futuring study must be dated in the future (it looks back from there); a
    retrospective one defaults to today and may not be dated in the future.
    """
    initiative = ws.get(Initiative, initiative_id)
    invalid = Invalid()
    chosen = _kind(kind, invalid)
    if dated_on is None:
        dated_on = _today() + dt.timedelta(days=5 * 365) if chosen == "futuring" else _today()
    _check_date(chosen, dated_on, invalid)
    name = _title(title if title is not None else initiative.title, invalid)
    invalid.raise_if_any()
    toolkit = _toolkit(ws, initiative)
    case_study = CaseStudy(
        organisation_id=ws.organisation_id,
        initiative_id=initiative.id,
        kind=chosen,
        title=name,
        dated_on=dated_on,
        sections=_generated_sections(ws, initiative, toolkit, chosen),
        cited_evidence_ids=_generated_citations(ws, initiative, toolkit),
    )
    ws.session.add(case_study)
    ws.session.flush()
    return case_study


def update_case_study(
    ws: Workspace, case_study_id: str, changes: Mapping[str, Any], *, if_match: str | None = None
) -> CaseStudy:
    """Edit a case study's title, date, section texts (by key) or cited evidence.

    ``sections`` changes only the sections it names; ``cited_evidence_ids`` replaces the
    list whole, and every id must be evidence of the same initiative.
    """
    case_study = ws.get(CaseStudy, case_study_id)
    check_if_match(case_study, if_match)
    invalid = Invalid()
    cleaned: dict[str, Any] = {}
    if "title" in changes:
        cleaned["title"] = _title(changes["title"], invalid)
    if "dated_on" in changes:
        _check_date(case_study.kind, changes["dated_on"], invalid)
        cleaned["dated_on"] = changes["dated_on"]
    if "sections" in changes:
        extra = _toolkit_section_keys(ws, case_study, changes["sections"])
        cleaned["sections"] = {
            **case_study.sections,
            **_section_texts(changes["sections"], invalid, extra),
        }
    if "cited_evidence_ids" in changes:
        cleaned["cited_evidence_ids"] = _citable(
            ws, case_study.initiative_id, changes["cited_evidence_ids"], invalid
        )
    invalid.raise_if_any()
    if apply_changes(case_study, cleaned):
        ws.session.flush()
    return case_study


def delete_case_study(ws: Workspace, case_study_id: str, *, if_match: str | None = None) -> None:
    case_study = ws.get(CaseStudy, case_study_id)
    check_if_match(case_study, if_match)
    take_out_published_from(ws, case_study_id=case_study.id)
    ws.session.delete(case_study)
    ws.session.flush()


def get_case_study(ws: Workspace, case_study_id: str) -> CaseStudy:
    return ws.get(CaseStudy, case_study_id)


def list_case_studies(
    ws: Workspace, initiative_id: str, *, limit: int, cursor: str | None = None
) -> Page[CaseStudy]:
    """An initiative's case studies, oldest first."""
    initiative = ws.get(Initiative, initiative_id)
    statement = ws.select(CaseStudy).where(CaseStudy.initiative_id == initiative.id)
    return paginate(ws.session, statement, CaseStudy.id, limit=limit, cursor=cursor)


def _today() -> dt.date:
    return utc_now().date()


def _kind(value: object, invalid: Invalid) -> str:
    try:
        return CaseStudyKind(str(value)).value
    except ValueError:
        invalid.add("kind", "Give retrospective or futuring.", "unknown_kind")
        return CaseStudyKind.RETROSPECTIVE.value


def _check_date(kind: str, dated_on: dt.date, invalid: Invalid) -> None:
    if kind == CaseStudyKind.FUTURING and dated_on <= _today():
        invalid.add(
            "dated_on",
            "A futuring case study looks back from a date in the future: give a later date.",
            "futuring_not_in_future",
        )
    if kind == CaseStudyKind.RETROSPECTIVE and dated_on > _today() + dt.timedelta(days=1):
        invalid.add(
            "dated_on",
            "A retrospective case study tells what happened: give today or an earlier date "
            "(or make it a futuring case study).",
            "retrospective_in_future",
        )


def _title(value: object, invalid: Invalid) -> str:
    title = value.strip() if isinstance(value, str) else ""
    if not title or len(title) > TITLE_LENGTH:
        invalid.add("title", f"Give a title of 1 to {TITLE_LENGTH} characters.", "invalid_title")
    return title


def _section_texts(
    value: object, invalid: Invalid, toolkit_keys: Sequence[str] = ()
) -> dict[str, str]:
    if not isinstance(value, Mapping):
        invalid.add("sections", "Give an object of section texts by key.", "invalid_sections")
        return {}
    texts = {}
    for key, text in value.items():
        if key not in SECTION_KEYS and key not in toolkit_keys:
            known = ", ".join([*SECTION_KEYS, *toolkit_keys])
            invalid.add(
                f"sections/{key}",
                f"{key!r} is not a section of this case study ({known}).",
                "unknown_section",
            )
        elif not isinstance(text, str) or len(text) > SECTION_TEXT_LENGTH:
            invalid.add(
                f"sections/{key}",
                f"Give the section's text, up to {SECTION_TEXT_LENGTH} characters.",
                "invalid_section_text",
            )
        else:
            texts[key] = text
    return texts


def _toolkit_section_keys(ws: Workspace, case_study: CaseStudy, asked: object) -> list[str]:
    """The keys of the sections the toolkit's plugins add to this case study, asked only
    when a change names a key that is not a core section's."""
    if not isinstance(asked, Mapping) or all(key in SECTION_KEYS for key in asked):
        return []
    if not any(isinstance(key, str) and SECTION_KEY.match(key) for key in asked):
        return []
    initiative = ws.get(Initiative, case_study.initiative_id)
    found, _ = _toolkit_sections(ws, initiative, case_study, Use.ORGANISATION, [])
    return [item.section.key for item in found]


def _citable(ws: Workspace, initiative_id: str, value: object, invalid: Invalid) -> list[str]:
    """The ids, if each is evidence of this initiative (another organisation's evidence
    reads exactly as evidence that does not exist)."""
    if not isinstance(value, list) or len(value) > MAX_CITED:
        invalid.add(
            "cited_evidence_ids",
            f"Give a list of up to {MAX_CITED} evidence ids.",
            "invalid_citations",
        )
        return []
    ids = list(dict.fromkeys(str(item) for item in value))
    found = set(
        ws.session.scalars(
            ws.select(Evidence)
            .with_only_columns(Evidence.id)
            .where(Evidence.initiative_id == initiative_id, Evidence.id.in_(ids))
        )
    )
    for index, evidence_id in enumerate(ids):
        if evidence_id not in found:
            invalid.add(
                f"cited_evidence_ids/{index}",
                f"No evidence {evidence_id} in this case study's initiative.",
                "evidence_not_in_initiative",
            )
    return ids


# Generating ---------------------------------------------------------------------------


def _toolkit(ws: Workspace, initiative: Initiative) -> Toolkit | None:
    """The toolkit the initiative runs with, if installed (any version: a case study of
    an old initiative still names its stages)."""
    return next((t for t in ws.host.toolkits() if t.key == initiative.toolkit_key), None)


def _stage_name(toolkit: Toolkit | None, key: str) -> str:
    stage = toolkit.stage(key) if toolkit is not None else None
    return stage.name if stage is not None else key


def _generated_sections(
    ws: Workspace, initiative: Initiative, toolkit: Toolkit | None, kind: str
) -> dict[str, str]:
    """First drafts from the records, for people to rewrite in their own words."""
    roles = _roles(ws, initiative)
    entries = _stage_entries(ws, initiative)
    themes = ", ".join(initiative.themes)
    toolkit_name = toolkit.name if toolkit is not None else initiative.toolkit_key
    people = ", ".join(f"{count} {role.replace('_', ' ')}" for role, count in roles.items())
    reached = [_stage_name(toolkit, entry.stage) for entry in entries]
    sections = {
        "context": " ".join(
            part
            for part in (
                initiative.summary.strip(),
                f"Themes: {themes}." if themes else "",
                f"It used {toolkit_name}.",
            )
            if part
        ),
        "people": f"People taking part, by role: {people}." if people else "",
        "steps": (
            "The initiative moved through " + ", then ".join(dict.fromkeys(reached)) + "."
            if reached
            else ""
        ),
        "voices": "",
        "outcomes": "",
        "assessments": "",
        "learning": "",
        "next": "",
        "credits": "",
    }
    if kind == CaseStudyKind.FUTURING:
        sections["context"] = (
            "Looking back from the date of this case study at how change happened. "
            + sections["context"]
        )
    return sections


def _generated_citations(
    ws: Workspace, initiative: Initiative, toolkit: Toolkit | None
) -> list[str]:
    """The latest voices and outcomes this organisation may use, to start from."""
    if toolkit is None:
        return []
    cited: list[str] = []
    for kinds in (VOICE_KINDS, OUTCOME_KINDS):
        types = [t.key for t in toolkit.evidence_types if t.kind in kinds]
        if not types:
            continue
        cited += ws.session.scalars(
            ws.select(Evidence)
            .with_only_columns(Evidence.id)
            .where(
                Evidence.initiative_id == initiative.id,
                Evidence.evidence_type.in_(types),
                _usable(Use.ORGANISATION),
            )
            .order_by(Evidence.id.desc())
            .limit(GENERATED_CITATIONS)
        )
    return cited


# Reading ------------------------------------------------------------------------------


def _usable(use: Use) -> sa.ColumnElement[bool]:
    """Evidence a case study may quote for ``use``: with evidence from several people,
    every one of them must have agreed (the strictest of their consents)."""
    if use == Use.PUBLICATION:
        return publishable()
    return sa.and_(
        Evidence.consent == Consent.GIVEN.value,
        Evidence.visibility != "private",
        Evidence.erased_at.is_(None),
        sa.not_(someone_disagrees(publication=False)),
    )


def _roles(ws: Workspace, initiative: Initiative) -> dict[str, int]:
    """How many took part in each role: counts, never names."""
    rows = ws.session.execute(
        sa.select(Participant.role, sa.func.count())
        .where(
            Participant.organisation_id == ws.organisation_id,
            Participant.initiative_id == initiative.id,
            Participant.consent == Consent.GIVEN.value,
        )
        .group_by(Participant.role)
        .order_by(Participant.role)
    )
    return {role: count for role, count in rows}


def _stage_entries(ws: Workspace, initiative: Initiative) -> list[StageEntry]:
    return list(
        ws.session.scalars(
            ws.select(StageEntry)
            .where(StageEntry.initiative_id == initiative.id)
            .order_by(StageEntry.id)
        )
    )


TIMELINE_ACTIVITIES = 60
"""The timeline shows this many activities at most (the latest), so that it stays a
picture: the full list is the activities resource."""
RATINGS_SHOWN = 120


def _steps(ws: Workspace, initiative: Initiative, toolkit: Toolkit | None) -> list[Step]:
    steps = [
        Step(
            entry.entered_at.date(),
            entry.stage,
            _stage_name(toolkit, entry.stage),
            f"Moved into {_stage_name(toolkit, entry.stage)}"
            + (f" (cycle {entry.cycle})" if entry.cycle > 1 else ""),
            "stage",
        )
        for entry in _stage_entries(ws, initiative)
    ]
    activities = ws.session.scalars(
        ws.select(Activity)
        .where(Activity.initiative_id == initiative.id)
        .order_by(Activity.id.desc())
        .limit(TIMELINE_ACTIVITIES)
    )
    for activity in activities:
        steps.append(
            Step(
                activity.starts_on or activity.created_at.date(),
                activity.stage,
                _stage_name(toolkit, activity.stage),
                activity.title,
                "activity",
            )
        )
    return sorted(steps, key=lambda step: (step.on or dt.date.min, step.kind != "stage"))


def case_study_content(
    ws: Workspace, case_study_id: str, *, use: Use = Use.ORGANISATION
) -> CaseStudyContent:
    """What the case study says now, for ``use``, with its completeness check."""
    return content_of(ws, ws.get(CaseStudy, case_study_id), use=use)


def content_of(ws: Workspace, case_study: CaseStudy, *, use: Use) -> CaseStudyContent:
    """``case_study_content`` for a case study already read (the library reads it across
    organisations, under the owner's workspace)."""
    initiative = ws.get(Initiative, case_study.initiative_id)
    toolkit = _toolkit(ws, initiative)
    organisation = ws.session.get(Organisation, ws.organisation_id)
    cited_ids = list(case_study.cited_evidence_ids)
    shown = _cite(ws, initiative, toolkit, cited_ids, use)
    cited = [shown[evidence_id] for evidence_id in cited_ids if evidence_id in shown]
    toolkit_sections, failures = _toolkit_sections(ws, initiative, case_study, use, cited)
    activities = ws.select(Activity).where(Activity.initiative_id == initiative.id)
    activity_count = ws.session.scalar(activities.with_only_columns(sa.func.count()).order_by(None))
    outcomes = [
        (activity.title, activity.outcomes)
        for activity in ws.session.scalars(
            activities.where(Activity.outcomes != "").order_by(Activity.id.desc()).limit(30)
        )
    ]
    ratings = [
        Rating(a.perspective, a.assessed_on, a.scale, dict(a.ratings))
        for a in ws.session.scalars(
            ws.select(Assessment)
            .where(Assessment.initiative_id == initiative.id)
            .order_by(Assessment.assessed_on.desc(), Assessment.id.desc())
            .limit(RATINGS_SHOWN)
        )
    ][::-1]
    content = CaseStudyContent(
        case_study=case_study,
        initiative=initiative,
        organisation_name=organisation.name if organisation is not None else "",
        toolkit=toolkit,
        use=use,
        roles=_roles(ws, initiative),
        activity_count=int(activity_count or 0),
        steps=_steps(ws, initiative, toolkit),
        ratings=ratings,
        dimensions=[(d.key, d.name) for d in toolkit.dimensions] if toolkit is not None else [],
        voices=[item for item in cited if item.is_voice],
        outcomes=[item for item in cited if item.is_outcome],
        other_evidence=[item for item in cited if not item.is_voice and not item.is_outcome],
        activity_outcomes=outcomes,
        withheld=[evidence_id for evidence_id in cited_ids if evidence_id not in shown],
        toolkit_sections=toolkit_sections,
        plugin_failures=failures,
    )
    return _with_blockers(content)


def _cite(
    ws: Workspace,
    initiative: Initiative,
    toolkit: Toolkit | None,
    evidence_ids: Sequence[str],
    use: Use,
) -> dict[str, Cited]:
    """The evidence of ``initiative`` among ``evidence_ids`` that ``use`` may show, by id."""
    if not evidence_ids:
        return {}
    shown = list(
        ws.session.scalars(
            ws.select(Evidence).where(
                Evidence.initiative_id == initiative.id,
                Evidence.id.in_(list(dict.fromkeys(evidence_ids))),
                _usable(use),
            )
        )
    )
    kinds = {t.key: t for t in toolkit.evidence_types} if toolkit is not None else {}
    speakers = {e.participant_id for e in shown if e.participant_id is not None}
    roles_of: dict[str, str] = dict(
        ws.session.execute(
            sa.select(Participant.id, Participant.role).where(
                Participant.organisation_id == ws.organisation_id,
                Participant.id.in_(speakers),
            )
        ).all()
    )
    found = {}
    for evidence in shown:
        kind = kinds.get(evidence.evidence_type)
        found[evidence.id] = Cited(
            evidence,
            kind.kind if kind is not None else None,
            kind.name if kind is not None else evidence.evidence_type,
            roles_of.get(evidence.participant_id or ""),
        )
    return found


def _toolkit_sections(
    ws: Workspace,
    initiative: Initiative,
    case_study: CaseStudy,
    use: Use,
    cited: Sequence[Cited],
) -> tuple[list[ToolkitSection], list[PluginHookError]]:
    """The sections the toolkit's plugins add, each citation kept only while ``use``
    allows it. The plugins see a view holding only the evidence ``use`` allows."""
    try:
        ws.host.toolkit(initiative.toolkit_key)
    except UnknownToolkitError:
        return [], []
    linked = {c.evidence.activity_id for c in cited if c.evidence.activity_id}
    activity_types = (
        dict(
            ws.session.execute(
                sa.select(Activity.id, Activity.activity_type).where(
                    Activity.organisation_id == ws.organisation_id, Activity.id.in_(linked)
                )
            ).all()
        )
        if linked
        else {}
    )
    view = CaseStudyView(
        id=case_study.id,
        kind=case_study.kind,
        dated_on=case_study.dated_on,
        use=use.value,
        cited=tuple(_evidence_view(item, activity_types) for item in cited),
    )
    allowed = initiative_view(ws, initiative, evidence_allowed=_usable(use))
    given, failures = ws.host.case_study_sections(allowed, view, reserved=SECTION_KEYS)
    wanted = [
        evidence_id
        for _, section in given
        for block in section.blocks
        if isinstance(block, Citations)
        for evidence_id in block.evidence_ids
    ]
    # What the case study cites is resolved already, for this use: ask only for the rest.
    known = {item.evidence.id: item for item in cited}
    toolkit = _toolkit(ws, initiative)
    shown = {**known, **_cite(ws, initiative, toolkit, [i for i in wanted if i not in known], use)}
    sections = [
        ToolkitSection(
            plugin,
            section,
            {
                evidence_id: shown[evidence_id]
                for block in section.blocks
                if isinstance(block, Citations)
                for evidence_id in block.evidence_ids
                if evidence_id in shown
            },
        )
        for plugin, section in given
    ]
    return sections, failures


def _evidence_view(item: Cited, activity_types: Mapping[str, str]) -> EvidenceView:
    evidence = item.evidence
    return EvidenceView(
        evidence.evidence_type,
        evidence.stage,
        dict(evidence.payload),
        tuple(evidence.dimensions),
        tuple(evidence.indicators),
        activity_types.get(evidence.activity_id or ""),
        evidence.cycle,
        id=evidence.id,
        activity_id=evidence.activity_id,
        participant_id=evidence.participant_id,
        participant_role=ParticipantRole(item.speaker_role) if item.speaker_role else None,
        participant_consent=Consent.GIVEN if item.speaker_role else None,
    )


def _with_blockers(content: CaseStudyContent) -> CaseStudyContent:
    return CaseStudyContent(
        **{
            name: getattr(content, name)
            for name in content.__dataclass_fields__
            if name != "blockers"
        },
        blockers=tuple(completeness(content)),
    )


def completeness(content: CaseStudyContent) -> list[Blocker]:
    """What is missing or thin, in the form of transition blockers (code, message).

    OECD OPSI takes a case only when every section is complete; the field asks for the
    people's own voices. A cited voice this use may not show is named, so that someone
    can ask for consent again or take it out.
    """
    found: list[Blocker] = []
    for spec in SECTIONS:
        text = content.section_text(spec.key).strip()
        if spec.least and not text:
            found.append(
                Blocker(f"section_missing:{spec.key}", f"Write the {spec.title!r} section.")
            )
        elif spec.least and len(text) < spec.least:
            found.append(
                Blocker(
                    f"section_thin:{spec.key}",
                    f"The {spec.title!r} section has {len(text)} characters: say more "
                    f"({spec.asks.lower()}).",
                )
            )
    if not content.voices:
        found.append(
            Blocker(
                "no_voices",
                "Cite at least one quote, story, audio or video in the people's own words, "
                "with their consent.",
            )
        )
    if not content.outcomes and not content.activity_outcomes:
        found.append(
            Blocker(
                "no_outcomes",
                "Record outcomes on the activities, or cite outcome evidence (measures, "
                "survey results, unexpected outcomes).",
            )
        )
    if not content.ratings:
        found.append(
            Blocker("no_assessments", "Record an assessment, from at least one perspective.")
        )
    for failure in content.plugin_failures:
        found.append(
            Blocker(
                "toolkit_sections_failed",
                f"The toolkit's sections from plugin {failure.plugin!r} are left out: {failure}. "
                "Tell whoever looks after the plugin; the rest of the case study is shown.",
                failure.plugin,
            )
        )
    for evidence_id in content.withheld:
        found.append(
            Blocker(
                "cited_evidence_not_allowed",
                f"Evidence {evidence_id} is cited but its consent (or visibility) does not "
                f"allow this use ({content.use.value}), or it is gone: it is left out. Ask "
                "for consent again, or stop citing it.",
            )
        )
    return found
