"""Where an initiative stands in its toolkit's stages, and moving it on.

A transition is asked of the core's stage flow and then of the toolkit's plugins; any
blocker refuses it, and nothing is written. The moves open from the current stage are
worked out the same way, so a front end can show what is blocking the next step before
anyone asks for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from toolkits_core._outcomes import Blocker, TransitionDecision, TransitionKind
from toolkits_core._services.errors import ConflictError, FieldProblem, InvalidRequestError
from toolkits_core._services.initiatives import (
    Write,
    refuse_by_status,
    writable_initiative,
)
from toolkits_core._services.pagination import Page, paginate
from toolkits_core._services.views import initiative_view, pinned_toolkit
from toolkits_core._services.workspace import Workspace
from toolkits_core._store.models import Initiative, StageEntry
from toolkits_core._vocabulary import StageFlow, Toolkit

_LEAVING = frozenset({TransitionKind.ADVANCE, TransitionKind.NEW_CYCLE})
"""The moves that leave a stage behind: the ones its requirements are asked of."""


@dataclass(frozen=True, slots=True)
class RequirementStatus:
    """One of the current stage's requirements and, where its rule checks it, whether the
    initiative meets it now (``None``: not checked by a rule, or no move leaves the stage)."""

    key: str
    text: str
    checked: bool
    met: bool | None


@dataclass(frozen=True, slots=True)
class Progress:
    """An initiative's place in its stages and the moves open from there."""

    initiative: Initiative
    toolkit: Toolkit | None
    """None when the plugin the initiative is pinned to is not loaded: no moves then."""
    reached_stages: Sequence[str]
    moves: Sequence[TransitionDecision]
    requirements: Sequence[RequirementStatus] = ()
    """What the current stage needs before the initiative leaves it (plugin API 1.2)."""


def _candidates(toolkit: Toolkit, stage: str, reached: Sequence[str]) -> list[tuple[str, bool]]:
    """The stages a move could go to from ``stage`` under the toolkit's flow, each with
    whether it is a new round asked for as one (``new_round``)."""
    keys = [item.key for item in toolkit.stages]
    here = keys.index(stage) if stage in keys else None
    if here is None:
        return []
    options = [(key, False) for key in keys[here + 1 : here + 2]]
    last = here == len(keys) - 1
    if toolkit.has_rounds() and last:
        options.append((keys[0], True))
    if toolkit.stage_flow is StageFlow.REVISITABLE:
        options += [(key, False) for key in keys[:here] if key in reached]
    if toolkit.stage_flow is StageFlow.ITERATIVE:
        options += [(key, False) for key in keys[:here] if not (last and key == keys[0])]
    return options


def _requirements(
    toolkit: Toolkit, stage: str, moves: Sequence[TransitionDecision]
) -> tuple[RequirementStatus, ...]:
    """The current stage's requirements, each checked one met unless a blocker with its key
    stands in the way of a move that leaves the stage."""
    current = toolkit.stage(stage)
    if current is None:
        return ()
    leaving = [
        move for move in moves if move.transition is not None and move.transition.kind in _LEAVING
    ]
    blocked = {blocker.code for move in leaving for blocker in move.blockers}
    return tuple(
        RequirementStatus(
            item.key,
            item.text,
            item.checked,
            (item.key not in blocked) if item.checked and leaving else None,
        )
        for item in current.requirements
    )


def _held_by_status(initiative: Initiative, move: TransitionDecision) -> TransitionDecision:
    """The move as ``transition`` would answer it: refused while the status forbids moves."""
    try:
        refuse_by_status(initiative, Write.TRANSITION)
    except ConflictError as refusal:
        held = Blocker(refusal.code, refusal.detail)
        return replace(move, blockers=(held, *move.blockers))
    return move


def get_progress(ws: Workspace, initiative_id: str) -> Progress:
    """The stages reached and, if the initiative can change, each open move's decision.

    The current stage's requirements are reported met or not from the same decisions, and
    a status that refuses transitions (paused, completed, archived) blocks every move.
    """
    initiative = ws.get(Initiative, initiative_id)
    view = initiative_view(ws, initiative)
    try:
        toolkit = pinned_toolkit(ws, initiative)
    except ConflictError:
        # Still readable: the stages reached are stored; the moves need the plugin.
        return Progress(initiative, None, view.reached_stages, ())
    moves = [
        ws.host.decide_transition(view, target, new_round=new_round)
        for target, new_round in _candidates(toolkit, initiative.stage, view.reached_stages)
    ]
    requirements = _requirements(toolkit, initiative.stage, moves)
    held = tuple(_held_by_status(initiative, move) for move in moves)
    return Progress(initiative, toolkit, view.reached_stages, held, requirements)


def transition(
    ws: Workspace,
    initiative_id: str,
    to_stage: str,
    *,
    note: str = "",
    if_match: str | None = None,
    new_round: bool = False,
) -> StageEntry:
    """Move the initiative to ``to_stage``, or raise ``ConflictError`` with the blockers.

    ``new_round`` starts a new round at the first stage from the last, where the toolkit
    has rounds (``Toolkit.has_rounds``); what earlier rounds recorded stays, under their
    ``cycle``. The status is checked first: a paused, completed or archived initiative
    does not move (409 ``initiative_<status>``).

    A stage the toolkit does not have is a mistake in the request, not a move the data
    does not allow yet, so it is ``InvalidRequestError`` (422) on ``to_stage``, naming the
    stages there are, as an unknown stage is for activities, evidence and assessments.
    """
    initiative = writable_initiative(
        ws, initiative_id, if_match=if_match, exclusive=True, write=Write.TRANSITION
    )
    toolkit = pinned_toolkit(ws, initiative)
    if toolkit.stage(to_stage) is None:
        known = ", ".join(stage.key for stage in toolkit.stages)
        raise InvalidRequestError(
            [
                FieldProblem(
                    "to_stage",
                    f"{toolkit.name} has no stage {to_stage!r} (it has: {known}).",
                    "unknown_stage",
                )
            ]
        )
    decision = ws.host.decide_transition(
        initiative_view(ws, initiative), to_stage, new_round=new_round
    )
    if not decision.allowed or decision.transition is None:
        target = toolkit.stage(to_stage)
        name = target.name if target is not None else repr(to_stage)
        count = len(decision.blockers)
        raise ConflictError(
            "transition_refused",
            f"The initiative cannot move to {name} yet: {count} blocker"
            f"{'s' if count != 1 else ''}. "
            + " ".join(blocker.message for blocker in decision.blockers),
            to_stage=to_stage,
            blockers=[
                {"code": b.code, "message": b.message, "plugin": b.plugin}
                for b in decision.blockers
            ],
        )
    move = decision.transition
    entry = StageEntry(
        organisation_id=ws.organisation_id,
        initiative_id=initiative.id,
        from_stage=move.from_stage,
        stage=move.to_stage,
        cycle=move.cycle,
        kind=move.kind.value,
        note=note,
    )
    initiative.stage = move.to_stage
    initiative.cycle = move.cycle
    ws.session.add(entry)
    ws.session.flush()
    return entry


def list_stage_entries(
    ws: Workspace, initiative_id: str, *, limit: int, cursor: str | None = None
) -> Page[StageEntry]:
    """The initiative's moves, oldest first, starting with its start at the first stage."""
    initiative = ws.get(Initiative, initiative_id)
    statement = ws.select(StageEntry).where(StageEntry.initiative_id == initiative.id)
    return paginate(ws.session, statement, StageEntry.id, limit=limit, cursor=cursor)
