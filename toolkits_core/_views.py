"""Read-only views of an initiative, as the core hands them to plugins.

Plugins judge initiatives (may it move on? is this evidence acceptable?) without ever
touching storage: the host builds these frozen views from whatever holds the data, and
a plugin sees only what co-production rules need, never a person's name.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

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


ALL_CYCLES: Literal["all"] = "all"
"""Pass as ``cycle`` to an aggregate question to count the records of every cycle."""


@dataclass(frozen=True, slots=True)
class ParticipantView:
    """Someone taking part: their role and consent, never their name.

    ``id`` (API 1.1) is the participant's id when the application built the view, so a
    rule can tell people apart; ``None`` in views a test builds without one.
    """

    role: ParticipantRole
    consent: Consent = Consent.GIVEN
    id: str | None = None

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

    API 1.1 adds ``id`` and ``participants``: every linked participant with their role,
    consent and id, consenting or not, for the rare rule that must see everyone (count
    with ``takes_part`` to keep to consent). When a view is built with ``participants``
    but no ``participant_roles``, the roles of those taking part are filled in.
    """

    activity_type: str
    stage: str
    dimensions: Sequence[str] = ()
    participant_roles: Sequence[ParticipantRole] = ()
    cycle: int = 1
    id: str | None = None
    participants: Sequence[ParticipantView] = ()

    def __post_init__(self) -> None:
        freeze_fields(self, "dimensions", "participant_roles", "participants")
        if self.participants and not self.participant_roles:
            roles = tuple(p.role for p in self.participants if p.takes_part)
            object.__setattr__(self, "participant_roles", roles)

    def roles(self, *, consenting_only: bool = True) -> tuple[ParticipantRole, ...]:
        """The roles of the linked participants: those taking part, or everyone."""
        if consenting_only or not self.participants:
            return tuple(self.participant_roles)
        return tuple(p.role for p in self.participants)


@dataclass(frozen=True, slots=True)
class EvidenceView:
    """A piece of evidence, recorded or proposed.

    ``activity_type`` names the type of the activity it came from, if any; ``indicators``
    are the checklist items (of the toolkit's dimensions) it speaks to; ``cycle`` is the
    round of the stages it was gathered in.

    API 1.1 adds the links: ``id``, ``activity_id`` (the activity it came from), and
    ``participant_id``, ``participant_role`` and ``participant_consent`` for the person
    it came from (all ``None`` when there is none, or for evidence not yet stored).
    """

    evidence_type: str
    stage: str
    payload: Mapping[str, Any] = field(default_factory=dict, hash=False)
    dimensions: Sequence[str] = ()
    indicators: Sequence[str] = ()
    activity_type: str | None = None
    cycle: int = 1
    id: str | None = None
    activity_id: str | None = None
    participant_id: str | None = None
    participant_role: ParticipantRole | None = None
    participant_consent: Consent | None = None

    def from_role(self, role: ParticipantRole, *, consenting_only: bool = True) -> bool:
        """Came from a participant in ``role`` (who takes part, unless ``consenting_only``
        is false)."""
        if self.participant_role is not role:
            return False
        return not consenting_only or self.participant_consent is Consent.GIVEN

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
class EvidenceQuery:
    """Which evidence an aggregate question counts; ``None`` in a field means any.

    ``cycle`` ``None`` here means every cycle: ``InitiativeView`` has already turned "the
    current cycle" into its number. ``role`` counts evidence that came from a participant
    in that role, who takes part unless ``consenting_only`` is false.
    """

    stage: str | None = None
    cycle: int | None = None
    evidence_type: str | None = None
    dimension: str | None = None
    activity_type: str | None = None
    role: ParticipantRole | None = None
    consenting_only: bool = True

    def matches(self, item: EvidenceView) -> bool:
        """Whether ``item`` is counted: the answer for views built from lists."""
        return (
            (self.stage is None or item.stage == self.stage)
            and (self.cycle is None or item.cycle == self.cycle)
            and (self.evidence_type is None or item.evidence_type == self.evidence_type)
            and (self.dimension is None or self.dimension in item.dimensions)
            and (self.activity_type is None or item.activity_type == self.activity_type)
            and (
                self.role is None or item.from_role(self.role, consenting_only=self.consenting_only)
            )
        )


@dataclass(frozen=True, slots=True)
class ActivityQuery:
    """Which activities an aggregate question counts; ``None`` in a field means any.

    ``role`` counts activities with at least one participant in that role, who takes part
    unless ``consenting_only`` is false.
    """

    stage: str | None = None
    cycle: int | None = None
    activity_type: str | None = None
    dimension: str | None = None
    role: ParticipantRole | None = None
    consenting_only: bool = True

    def matches(self, item: ActivityView) -> bool:
        """Whether ``item`` is counted: the answer for views built from lists."""
        return (
            (self.stage is None or item.stage == self.stage)
            and (self.cycle is None or item.cycle == self.cycle)
            and (self.activity_type is None or item.activity_type == self.activity_type)
            and (self.dimension is None or self.dimension in item.dimensions)
            and (self.role is None or self.role in item.roles(consenting_only=self.consenting_only))
        )


class Tally(Protocol):
    """Answers an initiative's aggregate questions from wherever its records are.

    The application's tally asks the database, which answers from an index; a view built
    from lists counts its lists (``ListTally``). ``at_most`` lets an answer stop counting
    once it has that many, which is how "is there any?" stays cheap at any size.
    """

    def evidence(self, query: EvidenceQuery, at_most: int | None) -> int: ...

    def activities(self, query: ActivityQuery, at_most: int | None) -> int: ...

    def participants(self, role: ParticipantRole | None, consent: Consent | None) -> int: ...


@dataclass(frozen=True, slots=True)
class ListTally:
    """The answers for a view built from lists: each question counts them."""

    view: InitiativeView

    def evidence(self, query: EvidenceQuery, at_most: int | None) -> int:
        return _count((query.matches(item) for item in self.view.evidence), at_most)

    def activities(self, query: ActivityQuery, at_most: int | None) -> int:
        return _count((query.matches(item) for item in self.view.activities), at_most)

    def participants(self, role: ParticipantRole | None, consent: Consent | None) -> int:
        return _count(
            (role is None or p.role is role) and (consent is None or p.consent is consent)
            for p in self.view.participants
        )


def _count(hits: Iterable[bool], at_most: int | None = None) -> int:
    found = 0
    for hit in hits:
        if hit:
            found += 1
            if at_most is not None and found >= at_most:
                break
    return found


def _limit(at_most: int | None) -> int | None:
    if at_most is not None and (isinstance(at_most, bool) or not isinstance(at_most, int)):
        raise TypeError(f"at_most is a whole number or None, not {at_most!r}")
    if at_most is not None and at_most < 1:
        raise ValueError(f"at_most counts from 1, not {at_most!r}")
    return at_most


CycleChoice = int | Literal["all"] | None
"""A cycle number, ``ALL_CYCLES`` for every cycle, or ``None`` for the current one."""


@dataclass(frozen=True, slots=True)
class InitiativeView:
    """Where an initiative stands and what it holds, for the plugins to judge.

    ``stage`` is the current stage and ``cycle`` counts completed rounds plus one (it only
    grows in cyclic and iterative toolkits). ``reached_stages`` lists every stage entered
    so far, always including the current one: a view built without it gets it added at
    the end. ``id`` (API 1.1) is the initiative's id, ``None`` in views a test builds.

    Ask counts with the aggregate questions (``has_evidence``, ``count_evidence``,
    ``has_activities``, ``count_activities``, ``count_participants``) rather than by
    reading ``evidence`` or ``activities``: in a view the application built they are
    answered by the database from an index, so a rule costs the same in an initiative
    with a million pieces of evidence as in a new one.
    """

    toolkit: str
    stage: str
    cycle: int = 1
    reached_stages: Sequence[str] = ()
    participants: Sequence[ParticipantView] = ()
    activities: Sequence[ActivityView] = ()
    evidence: Sequence[EvidenceView] = ()
    assessments: Sequence[AssessmentView] = ()
    id: str | None = None
    tally: Tally | None = field(default=None, init=False, compare=False, repr=False)
    """Who answers the aggregate questions when the application built the view (the
    database); ``None`` counts the lists. Not a constructor argument, so a copy made with
    ``dataclasses.replace`` counts its own lists, never the original's records."""

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

    def _cycle(self, cycle: CycleChoice) -> int | None:
        if cycle is None:
            return self.cycle
        if cycle == ALL_CYCLES:
            return None
        if isinstance(cycle, bool) or not isinstance(cycle, int):
            raise TypeError(f"cycle is a number, ALL_CYCLES or None, not {cycle!r}")
        return cycle

    def _tally(self) -> Tally:
        return ListTally(self) if self.tally is None else self.tally

    def participants_in_role(self, role: ParticipantRole) -> tuple[ParticipantView, ...]:
        """Participants in ``role`` who are taking part (consent given)."""
        return tuple(p for p in self.participants if p.role is role and p.takes_part)

    def count_participants(
        self, role: ParticipantRole | None = None, *, consent: Consent | None = Consent.GIVEN
    ) -> int:
        """How many participants are in ``role`` (any role if ``None``) with ``consent``.

        By default only those taking part (consent given) count, as everywhere in rules;
        pass ``consent=None`` to count everyone, or another ``Consent`` to count those.
        """
        return self._tally().participants(role, consent)

    def count_evidence(
        self,
        *,
        stage: str | None = None,
        cycle: CycleChoice = None,
        evidence_type: str | None = None,
        dimension: str | None = None,
        activity_type: str | None = None,
        role: ParticipantRole | None = None,
        consenting_only: bool = True,
        at_most: int | None = None,
    ) -> int:
        """How much evidence matches every filter given (``None`` is any).

        ``cycle`` defaults to the current cycle (``ALL_CYCLES`` counts every one);
        ``dimension`` counts evidence tagged with it; ``activity_type`` evidence from an
        activity of that type; ``role`` evidence from a participant in that role who takes
        part (``consenting_only=False`` counts it whatever their consent). Evidence whose
        own consent was withdrawn is never counted, as it is never in ``evidence``.
        ``at_most`` stops counting there ("at least three quotes?" is
        ``count_evidence(..., at_most=3) == 3``), which keeps big initiatives cheap.
        """
        query = EvidenceQuery(
            stage,
            self._cycle(cycle),
            evidence_type,
            dimension,
            activity_type,
            role,
            consenting_only,
        )
        return self._tally().evidence(query, _limit(at_most))

    def has_evidence(
        self,
        *,
        stage: str | None = None,
        cycle: CycleChoice = None,
        evidence_type: str | None = None,
        dimension: str | None = None,
        activity_type: str | None = None,
        role: ParticipantRole | None = None,
        consenting_only: bool = True,
    ) -> bool:
        """Whether any evidence matches (the filters of ``count_evidence``); stops at one."""
        found = self.count_evidence(
            stage=stage,
            cycle=cycle,
            evidence_type=evidence_type,
            dimension=dimension,
            activity_type=activity_type,
            role=role,
            consenting_only=consenting_only,
            at_most=1,
        )
        return found > 0

    def count_activities(
        self,
        *,
        stage: str | None = None,
        cycle: CycleChoice = None,
        activity_type: str | None = None,
        dimension: str | None = None,
        role: ParticipantRole | None = None,
        consenting_only: bool = True,
        at_most: int | None = None,
    ) -> int:
        """How many activities match every filter given (``None`` is any).

        ``cycle`` defaults to the current cycle (``ALL_CYCLES`` counts every one); ``role``
        counts activities with at least one participant in that role who takes part
        (``consenting_only=False`` counts them whatever their consent). ``at_most`` stops
        counting there, as for ``count_evidence``.
        """
        query = ActivityQuery(
            stage, self._cycle(cycle), activity_type, dimension, role, consenting_only
        )
        return self._tally().activities(query, _limit(at_most))

    def has_activities(
        self,
        *,
        stage: str | None = None,
        cycle: CycleChoice = None,
        activity_type: str | None = None,
        dimension: str | None = None,
        role: ParticipantRole | None = None,
        consenting_only: bool = True,
    ) -> bool:
        """Whether any activity matches (the filters of ``count_activities``); stops at one."""
        found = self.count_activities(
            stage=stage,
            cycle=cycle,
            activity_type=activity_type,
            dimension=dimension,
            role=role,
            consenting_only=consenting_only,
            at_most=1,
        )
        return found > 0

    def activities_in(self, stage: str, cycle: int | None = None) -> tuple[ActivityView, ...]:
        """Activities done in ``stage`` during ``cycle`` (by default the current one).

        In a cyclic toolkit, last round's work does not open this round's gates.
        """
        wanted = self.cycle if cycle is None else cycle
        return tuple(a for a in self.activities if a.stage == stage and a.cycle == wanted)

    def evidence_in(self, stage: str, cycle: int | None = None) -> tuple[EvidenceView, ...]:
        """Evidence gathered in ``stage`` during ``cycle`` (by default the current one).

        This reads every piece of the initiative's evidence: to ask whether there is any,
        or how much, use ``has_evidence`` or ``count_evidence``.
        """
        wanted = self.cycle if cycle is None else cycle
        return tuple(e for e in self.evidence if e.stage == stage and e.cycle == wanted)

    def assessments_in(self, cycle: int | None = None) -> tuple[AssessmentView, ...]:
        """Assessments made during ``cycle`` (by default the current one)."""
        wanted = self.cycle if cycle is None else cycle
        return tuple(a for a in self.assessments if a.cycle == wanted)


def answered_by(view: InitiativeView, tally: Tally) -> InitiativeView:
    """``view``, its aggregate questions answered by ``tally`` (the application's database)."""
    object.__setattr__(view, "tally", tally)
    return view
