"""What the core and the plugins answer: problems, blockers, decisions and summaries."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from toolkits_core._frozen import freeze_fields

CORE = "core"
"""The name given as ``plugin`` when a rule of the core itself, not of a plugin, spoke."""


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong with a proposed record, such as evidence or an assessment.

    ``field`` is a JSON-pointer-like path (``payload/text``, ``dimensions/2``) or empty when
    the problem is with the record as a whole. ``plugin`` is filled in by the host.
    """

    code: str
    message: str
    field: str = ""
    plugin: str = CORE


@dataclass(frozen=True, slots=True)
class Blocker:
    """A reason an initiative may not make a stage transition yet.

    ``code`` is stable and machine-readable; ``message`` is for the people running the
    initiative and should say what would lift the blocker. ``plugin`` is filled in by the host.
    """

    code: str
    message: str
    plugin: str = CORE


@dataclass(frozen=True, slots=True)
class Advice:
    """A note on a move that does not block it (plugin API 1.1), such as "consider a
    show-and-tell before moving on".

    Shown beside the blockers in progress; a move with only advice is allowed. ``code`` is
    stable and machine-readable; ``plugin`` is filled in by the host.
    """

    code: str
    message: str
    plugin: str = CORE


class TransitionKind(enum.StrEnum):
    ADVANCE = "advance"
    """To the next stage."""
    REVISIT = "revisit"
    """Back to a stage reached before (revisitable toolkits), or to an earlier stage of the
    current round (iterative toolkits)."""
    NEW_CYCLE = "new_cycle"
    """From the last stage to the first, starting the next cycle (cyclic and iterative
    toolkits, and since plugin API 1.2 any toolkit with ``allows_new_rounds``)."""


@dataclass(frozen=True, slots=True)
class Transition:
    """A requested move from one stage to another, and the cycle it would land in."""

    from_stage: str
    to_stage: str
    kind: TransitionKind
    cycle: int


@dataclass(frozen=True, slots=True)
class TransitionDecision:
    """The answer to a transition request: allowed when nothing blocks it.

    ``transition`` is ``None`` when the toolkit's stage flow itself forbids the move (an
    unknown stage, a skipped stage, going back where the flow does not allow it): then
    ``blockers`` holds the one core blocker saying why, and no plugin was asked. When the
    flow allows it, ``transition`` is the move it would be and ``blockers`` the plugins'.
    ``advice`` (plugin API 1.1) holds the plugins' non-blocking notes on the move.
    """

    to_stage: str
    transition: Transition | None
    blockers: Sequence[Blocker] = ()
    advice: Sequence[Advice] = ()

    def __post_init__(self) -> None:
        freeze_fields(self, "blockers", "advice")

    @property
    def allowed(self) -> bool:
        return self.transition is not None and not self.blockers


@dataclass(frozen=True, slots=True)
class AssessmentSummary:
    """A short reading of an assessment on its scale.

    ``band`` is the scale's band for the total, given only when the scale has bands and
    every dimension of the toolkit is rated (a total over fewer would understate the work);
    ``lowest`` are the dimensions rated lowest (where to look next) and ``unrated`` those
    not rated at all. ``summarised_by`` names the plugin whose hook wrote the summary, or
    ``"core"`` for the default.
    """

    scale: str
    count: int
    total: int
    mean: float
    minimum: int
    maximum: int
    headline: str
    band: str | None = None
    lowest: Sequence[str] = ()
    unrated: Sequence[str] = ()
    notes: Sequence[str] = ()
    summarised_by: str = CORE

    def __post_init__(self) -> None:
        freeze_fields(self, "lowest", "unrated", "notes")
