"""The default summary of an assessment, used when no plugin writes its own."""

from __future__ import annotations

from toolkits_core._outcomes import AssessmentSummary
from toolkits_core._views import AssessmentView
from toolkits_core._vocabulary import Scale, Toolkit


def default_summary(
    toolkit: Toolkit, scale: Scale, assessment: AssessmentView
) -> AssessmentSummary:
    """Count, total, mean and range of the ratings, the band, and the lowest and unrated dimensions.

    The ratings must already have passed ``check_assessment``. A scale's bands are read as
    bands of the total over every dimension of the toolkit, so a partial assessment gets
    no band rather than a misleadingly low one.
    """
    values = list(assessment.ratings.values())
    total = sum(values)
    mean = round(total / len(values), 2)
    lowest_value = min(values)
    lowest = tuple(
        sorted(key for key, value in assessment.ratings.items() if value == lowest_value)
    )
    unrated = tuple(d.key for d in toolkit.dimensions if d.key not in assessment.ratings)
    band = None if unrated else scale.band_for(total)
    nearest = min(scale.levels, key=lambda level: (abs(level.value - mean), -level.value))
    headline = (
        f"{len(values)} dimension(s) rated on {scale.name} from the perspective of "
        f"{assessment.perspective.value.replace('_', ' ')}: mean {mean:g} "
        f"(nearest level: {nearest.label}), range {lowest_value}-{max(values)}"
    )
    if band is not None:
        headline += f", total {total} ({band.label})"
    if unrated:
        headline += f"; {len(unrated)} not rated"
    return AssessmentSummary(
        scale=scale.key,
        count=len(values),
        total=total,
        mean=mean,
        minimum=lowest_value,
        maximum=max(values),
        headline=headline + ".",
        band=band.label if band else None,
        lowest=lowest,
        unrated=unrated,
    )
