"""The Star's own section of a case study: citizen voice against citizen action.

The Four Co's fall into two groups (Loeffler, 2020): citizens having a say in what a
service does and how well (co-commissioning, co-design, co-assessment) and citizens
taking part in doing it (co-delivery). A case study of Star work is more useful when it
shows how the work divided between the two: a service can ask people a great deal and
still do everything for them, or lean on their help without asking what they want.

The section is built from the activities counted by Co (an aggregate question the
database answers), the assessments on the Star's scale, and the evidence the case study
cites (a few hundred at most), never by counting the initiative's evidence by Co: a tag
is a JSON list the index cannot reach, so a Co that is rarely tagged would make such a
count read every piece of a big initiative (600,936 in the benchmark). It is data only:
the host renders it.
"""

from __future__ import annotations

from collections.abc import Sequence

from plugins.coproduction_star.toolkit import (
    CITIZEN_ACTION,
    CITIZEN_VOICE,
    SELF_ASSESSMENT_SCALE,
)
from toolkits_core import (
    ALL_CYCLES,
    AssessmentView,
    Block,
    CaseStudySection,
    CaseStudyView,
    Citations,
    EvidenceView,
    InitiativeView,
    Measure,
    Measures,
    Paragraph,
    Table,
    Toolkit,
)

SECTION_KEY = "voice-and-action"
CITED_PER_GROUP = 5


def sections(
    toolkit: Toolkit, initiative: InitiativeView, case_study: CaseStudyView
) -> list[CaseStudySection]:
    """One section: the work, the ratings and the voices, split into voice and action."""
    voice = [d for d in toolkit.dimensions if d.group == CITIZEN_VOICE]
    action = [d for d in toolkit.dimensions if d.group == CITIZEN_ACTION]
    activities = {
        d.key: initiative.count_activities(dimension=d.key, cycle=ALL_CYCLES)
        for d in toolkit.dimensions
    }
    cited = {
        d.key: sum(1 for item in case_study.cited if d.key in item.dimensions)
        for d in toolkit.dimensions
    }
    voice_work = sum(activities[d.key] for d in voice)
    action_work = sum(activities[d.key] for d in action)
    blocks: list[Block] = [
        Paragraph(
            "The Four Co's split into citizen voice (co-commissioning, co-design and "
            "co-assessment: people having a say in what the service does and how well it "
            "does it) and citizen action (co-delivery: people taking part in doing it). "
            f"Across the initiative, activities carry {_times(voice_work)} a Co of citizen "
            f"voice and {_times(action_work)} citizen action."
        ),
        Measures(
            [
                Measure(f"{d.name} ({d.group})", activities[d.key], "activities tagged")
                for d in toolkit.dimensions
            ],
            caption="Activities by Co",
        ),
        Measures(
            [
                Measure(f"{d.name} ({d.group})", cited[d.key], "pieces of cited evidence")
                for d in toolkit.dimensions
            ],
            caption="The evidence this case study cites, by Co",
        ),
    ]
    ratings = _ratings_table(
        initiative, voice_keys={d.key for d in voice}, action_keys={d.key for d in action}
    )
    if ratings is not None:
        blocks.append(ratings)
    blocks += _citations(case_study.cited, {d.key for d in voice}, {d.key for d in action})
    return [
        CaseStudySection(
            key=SECTION_KEY,
            title="Citizen voice and citizen action",
            blocks=blocks,
            asks="Where did people have a say, and where did they help do the work? "
            "What would even the two out?",
        )
    ]


def _ratings_table(
    initiative: InitiativeView, *, voice_keys: set[str], action_keys: set[str]
) -> Table | None:
    """The latest self-assessment of each perspective, voice against action."""
    latest: dict[str, AssessmentView] = {}
    for assessment in initiative.assessments:
        if assessment.scale == SELF_ASSESSMENT_SCALE:
            latest[assessment.perspective.value] = assessment  # oldest first: last wins
    if not latest:
        return None
    rows: list[list[str | int | float | None]] = []
    for perspective, assessment in sorted(latest.items()):
        voice = _mean(assessment, voice_keys)
        action = _mean(assessment, action_keys)
        gap = round(voice - action, 2) if voice is not None and action is not None else None
        rows.append([perspective.replace("_", " "), assessment.cycle, voice, action, gap])
    return Table(
        ["Perspective", "Cycle", "Citizen voice (mean)", "Citizen action (mean)", "Gap"],
        rows,
        caption="The latest Star self-assessment of each perspective (1 not yet to 5 embedded)",
    )


def _times(count: int) -> str:
    return f"{count} tag{'' if count == 1 else 's'} of"


def _mean(assessment: AssessmentView, keys: set[str]) -> float | None:
    values = [value for key, value in assessment.ratings.items() if key in keys]
    return round(sum(values) / len(values), 2) if values else None


def _citations(
    cited: Sequence[EvidenceView], voice_keys: set[str], action_keys: set[str]
) -> list[Block]:
    """The case study's own cited evidence, grouped by what it speaks to."""
    blocks: list[Block] = []
    for caption, keys in (
        ("Evidence speaking to citizen voice", voice_keys),
        ("Evidence speaking to citizen action", action_keys),
    ):
        ids = [item.id for item in cited if item.id and keys.intersection(item.dimensions)]
        if ids:
            blocks.append(Citations(ids[:CITED_PER_GROUP], caption=caption))
    return blocks
