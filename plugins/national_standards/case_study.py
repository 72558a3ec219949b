"""The Standards' own section of a case study: each standard's scores at review.

Engagement run with the National Standards is judged at the Review step, standard by
standard, on the six-point scale. A case study of it should show those judgements: the
latest review from each perspective side by side, how they moved since the cycle
before, and which standards need action (scored 2 or below) or were never scored. It is
built from the assessments and from the evidence the case study already cites, never by
reading every piece of evidence, and it is data only: the host renders it.
"""

from __future__ import annotations

from collections.abc import Sequence

from toolkits_core import (
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

from .toolkit import NEEDS_ACTION_AT_OR_BELOW, REVIEW_SCALE

SECTION_KEY = "standards-at-review"
CITED_SHOWN = 8
ScoreCell = str | int | float | None


def sections(
    toolkit: Toolkit, initiative: InitiativeView, case_study: CaseStudyView
) -> list[CaseStudySection]:
    """One section: the seven standards' review scores, and what they call for."""
    scale = toolkit.scale(REVIEW_SCALE)
    reviews = [a for a in initiative.assessments if a.scale == REVIEW_SCALE]
    scale_words = (
        f"{scale.levels[0].value} {scale.levels[0].label.lower()} to "
        f"{scale.levels[-1].value} {scale.levels[-1].label.lower()}"
        if scale is not None and scale.levels
        else "the review scale"
    )
    blocks: list[Block] = []
    if not reviews:
        blocks.append(
            Paragraph(
                "No standard has been scored yet. Score each standard at the Review step, "
                "from the perspective of each group taking part, to show how well the "
                "engagement met it."
            )
        )
    else:
        latest = _latest_by_perspective(reviews, cycle=max(a.cycle for a in reviews))
        earlier = _latest_by_perspective(reviews, cycle=min(a.cycle for a in latest.values()) - 1)
        blocks += [
            _scores_table(toolkit, latest, earlier, scale_words),
            Measures(
                [
                    Measure(d.name, _mean([a.ratings.get(d.key) for a in latest.values()]),
                            scale_words)
                    for d in toolkit.dimensions
                ],
                caption="Each standard's mean score at the latest review",
            ),
            _judgement(toolkit, latest),
        ]  # fmt: skip
    dimension_keys = {d.key for d in toolkit.dimensions}
    cited = _tagged(case_study.cited, dimension_keys)
    if cited:
        blocks.append(Citations(cited, caption="Evidence the case study cites, by standard"))
    return [
        CaseStudySection(
            key=SECTION_KEY,
            title="The National Standards at review",
            blocks=blocks,
            asks="Why did each standard score as it did, and what will change next cycle?",
        )
    ]


def _latest_by_perspective(
    reviews: Sequence[AssessmentView], *, cycle: int
) -> dict[str, AssessmentView]:
    latest: dict[str, AssessmentView] = {}
    for review in reviews:  # oldest first, so the last of each perspective wins
        if review.cycle == cycle:
            latest[review.perspective.value] = review
    return latest


def _scores_table(
    toolkit: Toolkit,
    latest: dict[str, AssessmentView],
    earlier: dict[str, AssessmentView],
    scale_words: str,
) -> Table:
    perspectives = sorted(latest)
    columns = ["Standard", *(p.replace("_", " ") for p in perspectives)]
    if earlier:
        columns.append("Mean, cycle before")
    rows: list[list[ScoreCell]] = []
    for dimension in toolkit.dimensions:
        row: list[ScoreCell] = [dimension.name]
        row += [latest[p].ratings.get(dimension.key) for p in perspectives]
        if earlier:
            row.append(_mean([a.ratings.get(dimension.key) for a in earlier.values()]))
        rows.append(row)
    cycle = next(iter(latest.values())).cycle
    return Table(
        columns,
        rows,
        caption=f"Scores at the latest review (cycle {cycle}), by perspective ({scale_words})",
    )


def _judgement(toolkit: Toolkit, latest: dict[str, AssessmentView]) -> Paragraph:
    needs_action = [
        d.name
        for d in toolkit.dimensions
        if any(
            (value := a.ratings.get(d.key)) is not None and value <= NEEDS_ACTION_AT_OR_BELOW
            for a in latest.values()
        )
    ]
    unscored = [
        d.name for d in toolkit.dimensions if all(d.key not in a.ratings for a in latest.values())
    ]
    parts = []
    if needs_action:
        parts.append(
            f"Scored {NEEDS_ACTION_AT_OR_BELOW} or below from at least one perspective, and "
            f"so needing action: {', '.join(needs_action)}."
        )
    else:
        parts.append(f"No standard was scored {NEEDS_ACTION_AT_OR_BELOW} or below.")
    if unscored:
        parts.append(f"Not scored at the latest review: {', '.join(unscored)}.")
    return Paragraph(" ".join(parts))


def _mean(values: Sequence[int | None]) -> float | None:
    scored = [value for value in values if value is not None]
    return round(sum(scored) / len(scored), 2) if scored else None


def _tagged(cited: Sequence[EvidenceView], keys: set[str]) -> list[str]:
    return [item.id for item in cited if item.id and keys.intersection(item.dimensions)][
        :CITED_SHOWN
    ]
