"""Read-only views of an initiative, as the core hands them to plugins.

Plugins judge initiatives (may it move on? is this evidence acceptable?) without ever
touching storage: the host builds these frozen views from whatever holds the data, and
a plugin sees only what co-production rules need, never a person's name.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from toolkits_core._frozen import freeze, freeze_fields


class ParticipantRole(enum.StrEnum):
    """The part someone plays in an initiative.

    The first four are the roles in NESTA's definition of co-production: professionals,
    people using services, their families and their neighbours.
    """

    PERSON_USING_SERVICES = "person_using_services"
    FAMILY_MEMBER_OR_CARER = "family_member_or_carer"
    NEIGHBOUR_OR_COMMUNITY_MEMBER = "neighbour_or_community_member"
    PROFESSIONAL = "professional"
    VOLUNTEER = "volunteer"
    PARTNER_ORGANISATION = "partner_organisation"
    COMMISSIONER = "commissioner"


class Consent(enum.StrEnum):
    """Whether a participant has agreed to take part and to their contributions being used."""

    GIVEN = "given"
    NOT_RECORDED = "not_recorded"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True, slots=True)
class ParticipantView:
    role: ParticipantRole
    consent: Consent = Consent.GIVEN

    @property
    def takes_part(self) -> bool:
        """Counts as taking part: consent is given and not withdrawn."""
        return self.consent is Consent.GIVEN


@dataclass(frozen=True, slots=True)
class ActivityView:
    """An activity done in a stage; ``cycle`` is the round of the stages it was done in.

    ``participant_roles`` holds the role of each participant who took part and takes part
    in the initiative (consent given): someone linked whose consent is not recorded or is
    withdrawn is left out, so a rule cannot be met by a person who never agreed.
    """

    activity_type: str
    stage: str
    dimensions: Sequence[str] = ()
    participant_roles: Sequence[ParticipantRole] = ()
    cycle: int = 1

    def __post_init__(self) -> None:
        freeze_fields(self, "dimensions", "participant_roles")


@dataclass(frozen=True, slots=True)
class EvidenceView:
    """A piece of evidence, recorded or proposed.

    ``activity_type`` names the type of the activity it came from, if any; ``indicators``
    are the checklist items (of the toolkit's dimensions) it speaks to; ``cycle`` is the
    round of the stages it was gathered in.
    """

    evidence_type: str
    stage: str
    payload: Mapping[str, Any] = field(default_factory=dict, hash=False)
    dimensions: Sequence[str] = ()
    indicators: Sequence[str] = ()
    activity_type: str | None = None
    cycle: int = 1

    def __post_init__(self) -> None:
        freeze_fields(self, "dimensions", "indicators")
        if isinstance(self.payload, Mapping):
            object.__setattr__(self, "payload", freeze(self.payload))


@dataclass(frozen=True, slots=True)
class AssessmentView:
    """Ratings of dimensions on one scale, from one perspective.

    ``ratings`` maps a dimension key to a level value of the scale; ``cycle`` is the round
    of the stages it was made in.
    """

    scale: str
    perspective: ParticipantRole
    ratings: Mapping[str, int] = field(default_factory=dict, hash=False)
    cycle: int = 1

    def __post_init__(self) -> None:
        if isinstance(self.ratings, Mapping):
            object.__setattr__(self, "ratings", freeze(self.ratings))


@dataclass(frozen=True, slots=True)
class InitiativeView:
    """Where an initiative stands and what it holds, for the plugins to judge.

    ``stage`` is the current stage and ``cycle`` counts completed rounds plus one (it only
    grows in cyclic toolkits). ``reached_stages`` lists every stage entered so far.
    """

    toolkit: str
    stage: str
    cycle: int = 1
    reached_stages: Sequence[str] = ()
    participants: Sequence[ParticipantView] = ()
    activities: Sequence[ActivityView] = ()
    evidence: Sequence[EvidenceView] = ()
    assessments: Sequence[AssessmentView] = ()

    def __post_init__(self) -> None:
        freeze_fields(
            self, "reached_stages", "participants", "activities", "evidence", "assessments"
        )
        # Built by the application from what it stores, so a wrong one is a bug: raise.
        if isinstance(self.cycle, bool) or not isinstance(self.cycle, int) or self.cycle < 1:
            raise ValueError(f"an initiative's cycle is a whole number from 1, not {self.cycle!r}")
        if not isinstance(self.stage, str) or not isinstance(self.toolkit, str):
            raise TypeError("an initiative's toolkit and stage are keys (strings)")
        if self.stage not in self.reached_stages:
            object.__setattr__(self, "reached_stages", (*self.reached_stages, self.stage))

    def participants_in_role(self, role: ParticipantRole) -> tuple[ParticipantView, ...]:
        """Participants in ``role`` who are taking part (consent given)."""
        return tuple(p for p in self.participants if p.role is role and p.takes_part)

    def activities_in(self, stage: str, cycle: int | None = None) -> tuple[ActivityView, ...]:
        """Activities done in ``stage`` during ``cycle`` (by default the current one).

        In a cyclic toolkit, last round's work does not open this round's gates.
        """
        wanted = self.cycle if cycle is None else cycle
        return tuple(a for a in self.activities if a.stage == stage and a.cycle == wanted)

    def evidence_in(self, stage: str, cycle: int | None = None) -> tuple[EvidenceView, ...]:
        """Evidence gathered in ``stage`` during ``cycle`` (by default the current one)."""
        wanted = self.cycle if cycle is None else cycle
        return tuple(e for e in self.evidence if e.stage == stage and e.cycle == wanted)

    def assessments_in(self, cycle: int | None = None) -> tuple[AssessmentView, ...]:
        """Assessments made during ``cycle`` (by default the current one)."""
        wanted = self.cycle if cycle is None else cycle
        return tuple(a for a in self.assessments if a.cycle == wanted)
