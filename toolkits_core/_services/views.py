"""Frozen views of stored initiatives, as the plugins are given them, and the pinned toolkit."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from toolkits_core._frozen import ReadOnDemand
from toolkits_core._services.driver_reads import all_rows
from toolkits_core._services.errors import ConflictError
from toolkits_core._services.privacy import consent_not_withdrawn
from toolkits_core._services.workspace import Workspace
from toolkits_core._store.models import (
    Activity,
    Assessment,
    Evidence,
    Initiative,
    Participant,
    StageEntry,
    activity_participants,
    evidence_participants,
)
from toolkits_core._views import (
    ActivityQuery,
    ActivityView,
    AssessmentView,
    Consent,
    EvidenceQuery,
    EvidenceView,
    InitiativeView,
    ParticipantRole,
    ParticipantView,
    answered_by,
)
from toolkits_core._vocabulary import Toolkit


class PinnedTo(Protocol):
    """What choosing an initiative's toolkit reads of it: a stored initiative or a row."""

    @property
    def toolkit_key(self) -> str: ...

    @property
    def toolkit_version(self) -> str: ...


def pinned_toolkit(ws: Workspace, initiative: PinnedTo) -> Toolkit:
    """The installed definition of the initiative's toolkit, if it can still run it.

    An initiative is pinned to the toolkit version it started with. A newer minor or patch
    version keeps the meaning of the stages, dimensions and types recorded so far (semantic
    versioning), so it runs the initiative; a different major version, or no plugin for
    the toolkit at all, would judge old records by rules they were not made under, so the
    initiative can be read but not changed until the plugin it needs is installed.
    """
    toolkits = {toolkit.key: toolkit for toolkit in ws.host.toolkits()}
    toolkit = toolkits.get(initiative.toolkit_key)
    if toolkit is None:
        raise ConflictError(
            "toolkit_unavailable",
            f"The initiative runs toolkit {initiative.toolkit_key!r} "
            f"{initiative.toolkit_version}, which no loaded plugin provides: install and "
            "enable its plugin to change this initiative (coprod plugins list shows "
            "what is loaded).",
            toolkit=initiative.toolkit_key,
            toolkit_version=initiative.toolkit_version,
        )
    if toolkit.version.split(".")[0] != initiative.toolkit_version.split(".")[0]:
        raise ConflictError(
            "toolkit_version_mismatch",
            f"The initiative was started with {toolkit.name} {initiative.toolkit_version}; "
            f"the installed plugin provides {toolkit.version}, a different major version "
            "whose rules may not fit the records made so far. Install a plugin with "
            f"version {initiative.toolkit_version.split('.')[0]}.x to change this initiative.",
            toolkit=initiative.toolkit_key,
            toolkit_version=initiative.toolkit_version,
            installed_version=toolkit.version,
        )
    return toolkit


_REACHED = (
    sa.select(StageEntry.stage)
    .where(
        StageEntry.organisation_id == sa.bindparam("organisation_id"),
        StageEntry.initiative_id == sa.bindparam("initiative_id"),
    )
    .order_by(StageEntry.id)
)
"""The stages an initiative has entered, oldest first: read for every view, so built once."""


def initiative_view(
    ws: Workspace,
    initiative: Initiative,
    *,
    without_evidence: str | None = None,
    evidence_allowed: sa.ColumnElement[bool] | None = None,
) -> InitiativeView:
    """Everything the plugins may judge about an initiative, read as they ask for it.

    Where it stands (its stage, cycle and the stages it has reached) is read at once, in
    one query. The aggregate questions (``has_evidence`` and the rest) are each one
    query the database answers from an index (``DatabaseTally``). Its participants,
    activities, evidence and assessments are each read the first time a plugin looks at
    them, in one query each, and only the columns a view holds. Read them while the
    request lasts: they come from its session. ``without_evidence`` leaves one piece out
    (a change is judged against the initiative as it would be after it);
    ``evidence_allowed`` keeps only the evidence it holds for, in the list and in every
    count (a case study shows plugins only what its use allows).
    """
    ws.session.flush()  # as the session's own execute would: a new entry counts
    reached = all_rows(
        ws.session.connection(),
        _REACHED,
        {"organisation_id": ws.organisation_id, "initiative_id": initiative.id},
    )
    toolkit = next(
        (item for item in ws.host.toolkits() if item.key == initiative.toolkit_key), None
    )
    stages = tuple(stage.key for stage in toolkit.stages) if toolkit is not None else ()
    view = InitiativeView(
        toolkit=initiative.toolkit_key,
        stage=initiative.stage,
        cycle=initiative.cycle,
        reached_stages=tuple(dict.fromkeys(stage for (stage,) in reached)),
        participants=ReadOnDemand(lambda: _participants(ws, initiative)),
        activities=ReadOnDemand(lambda: _activities(ws, initiative)),
        evidence=ReadOnDemand(
            lambda: _evidence(ws, initiative, without_evidence, evidence_allowed)
        ),
        assessments=ReadOnDemand(lambda: _assessments(ws, initiative)),
        id=initiative.id,
    )
    tally = DatabaseTally(
        ws, initiative.id, initiative.cycle, stages, without_evidence, evidence_allowed
    )
    return answered_by(view, tally)


def _in(ws: Workspace, initiative: Initiative, model: type[Any]) -> list[sa.ColumnElement[bool]]:
    return [model.organisation_id == ws.organisation_id, model.initiative_id == initiative.id]


def _participants(ws: Workspace, initiative: Initiative) -> Iterator[ParticipantView]:
    rows = ws.session.execute(
        sa.select(Participant.role, Participant.consent, Participant.id)
        .where(*_in(ws, initiative, Participant))
        .order_by(Participant.id)
    )
    for role, consent, participant_id in rows:
        yield ParticipantView(ParticipantRole(role), Consent(consent), participant_id)


def _activities(ws: Workspace, initiative: Initiative) -> Iterator[ActivityView]:
    # Every linked participant, with consent; ``participant_roles`` keeps the consenting.
    linked: dict[str, list[ParticipantView]] = {}
    rows = ws.session.execute(
        sa.select(
            activity_participants.c.activity_id,
            Participant.role,
            Participant.consent,
            Participant.id,
        )
        .join(Participant, Participant.id == activity_participants.c.participant_id)
        .where(*_in(ws, initiative, Participant))
        .order_by(activity_participants.c.activity_id, Participant.id)
    )
    for activity_id, role, consent, participant_id in rows:
        linked.setdefault(activity_id, []).append(
            ParticipantView(ParticipantRole(role), Consent(consent), participant_id)
        )
    activities = ws.session.execute(
        sa.select(
            Activity.id, Activity.activity_type, Activity.stage, Activity.dimensions, Activity.cycle
        )
        .where(*_in(ws, initiative, Activity))
        .order_by(Activity.id)
    )
    for activity_id, activity_type, stage, dimensions, cycle in activities:
        people = tuple(linked.get(activity_id, ()))
        yield ActivityView(
            activity_type,
            stage,
            tuple(dimensions),
            tuple(p.role for p in people if p.takes_part),
            cycle,
            id=activity_id,
            participants=people,
        )


def _evidence(
    ws: Workspace,
    initiative: Initiative,
    without: str | None,
    allowed: sa.ColumnElement[bool] | None = None,
) -> Iterator[EvidenceView]:
    statement = (
        sa.select(
            Evidence.evidence_type,
            Evidence.stage,
            Evidence.payload,
            Evidence.dimensions,
            Evidence.indicators,
            Activity.activity_type,
            Evidence.cycle,
            Evidence.id,
            Evidence.activity_id,
            Evidence.participant_id,
            Participant.role,
            Participant.consent,
        )
        .outerjoin(
            Activity,
            sa.and_(Activity.id == Evidence.activity_id, *_in(ws, initiative, Activity)),
        )
        .outerjoin(
            Participant,
            sa.and_(Participant.id == Evidence.participant_id, *_in(ws, initiative, Participant)),
        )
        .where(*_in(ws, initiative, Evidence), consent_not_withdrawn())
        .order_by(Evidence.id)
    )
    if without is not None:
        statement = statement.where(Evidence.id != without)
    if allowed is not None:
        statement = statement.where(allowed)
    for row in ws.session.execute(statement):
        (kind, stage, payload, dimensions, indicators, activity_type, cycle) = row[:7]
        evidence_id, activity_id, participant_id, role, consent = row[7:]
        yield EvidenceView(
            kind,
            stage,
            payload,
            tuple(dimensions),
            tuple(indicators),
            activity_type,
            cycle,
            id=evidence_id,
            activity_id=activity_id,
            participant_id=participant_id,
            participant_role=ParticipantRole(role) if role is not None else None,
            participant_consent=Consent(consent) if consent is not None else None,
        )


def _assessments(ws: Workspace, initiative: Initiative) -> Iterator[AssessmentView]:
    rows = ws.session.execute(
        sa.select(Assessment.scale, Assessment.perspective, Assessment.ratings, Assessment.cycle)
        .where(*_in(ws, initiative, Assessment))
        .order_by(Assessment.id)
    )
    for scale, perspective, ratings, cycle in rows:
        yield AssessmentView(scale, ParticipantRole(perspective), ratings, cycle)


_Params = dict[str, Any]


@dataclass(frozen=True, slots=True)
class _Sql:
    """A tally statement as its driver takes it: the text, and for a driver whose
    parameters are positional (SQLite's ``?``), the names in the order they stand."""

    text: str
    order: tuple[str, ...] | None

    def values(self, params: _Params) -> _Params | tuple[Any, ...]:
        return params if self.order is None else tuple(params[name] for name in self.order)


_SHAPES_KEPT = 1024
_SQL: dict[tuple[Any, ...], _Sql] = {}
"""Each tally statement's text, by dialect and shape (the names of its parameters).

A question's shape (which filters it sets, how many stages and cycles it lists) decides
its SQL; the values are parameters. Progress asks several questions per request, and
building and compiling the same statements each time cost more than the database took to
answer them, so each shape is compiled once per process and then sent as the driver's
own SQL, through the connection's ``exec_driver_sql`` (its events still see it).
"""


@dataclass(frozen=True, slots=True)
class DatabaseTally:
    """The aggregate questions of one initiative, each answered by one query.

    Evidence is found through ``ix_evidence_tally`` (initiative, stage, cycle, type):
    a question that leaves the stage or cycle open lists the toolkit's stages and the
    cycles so far, so the index is still walked from its start, and "is there any?"
    (``at_most=1``) reads one entry. Tags (dimensions) are JSON lists, tested on the
    rows the index found.
    """

    ws: Workspace
    initiative_id: str
    cycle: int
    stages: Sequence[str]
    without_evidence: str | None = None
    evidence_allowed: sa.ColumnElement[bool] | None = None

    def evidence(self, query: EvidenceQuery, at_most: int | None) -> int:
        params = self._where(query.stage, query.cycle)
        params["withdrawn"] = Consent.WITHDRAWN.value
        if query.evidence_type is not None:
            params["evidence_type"] = query.evidence_type
        if query.dimension is not None:
            params["tag"] = self._tag(query.dimension)
        if self.without_evidence is not None:
            params["without"] = self.without_evidence
        if query.activity_type is not None:
            params["activity_type"] = query.activity_type
        if query.role is not None:
            params["role"] = query.role.value
            if query.consenting_only:
                params["given"] = Consent.GIVEN.value
        if at_most is not None:
            params["at_most"] = at_most
        if self.evidence_allowed is not None:  # a clause of its own: built for this call
            statement = _evidence_count(self._dialect(), params, self.evidence_allowed)
            return int(self.ws.session.execute(statement, params).scalar_one())
        return self._count("evidence", params)

    def activities(self, query: ActivityQuery, at_most: int | None) -> int:
        params = self._where(query.stage, query.cycle)
        if query.activity_type is not None:
            params["activity_type"] = query.activity_type
        if query.dimension is not None:
            params["tag"] = self._tag(query.dimension)
        if query.role is not None:
            params["role"] = query.role.value
            if query.consenting_only:
                params["given"] = Consent.GIVEN.value
        if at_most is not None:
            params["at_most"] = at_most
        return self._count("activities", params)

    def participants(self, role: ParticipantRole | None, consent: Consent | None) -> int:
        params: _Params = {"org": self.ws.organisation_id, "initiative": self.initiative_id}
        if role is not None:
            params["role"] = role.value
        if consent is not None:
            params["consent"] = consent.value
        return self._count("participants", params)

    def _dialect(self) -> str:
        return self.ws.session.get_bind().dialect.name

    def _where(self, stage: str | None, cycle: int | None) -> _Params:
        """The organisation, the initiative, and the index's leading columns, listed out
        when left open."""
        params: _Params = {"org": self.ws.organisation_id, "initiative": self.initiative_id}
        if stage is not None:
            params["stage"] = stage
        else:
            params.update({f"stage_{n}": key for n, key in enumerate(self.stages)})
        if cycle is not None:
            params["cycle"] = cycle
        else:
            params.update({f"cycle_{n}": n + 1 for n in range(self.cycle)})
        return params

    def _tag(self, key: str) -> str:
        """The parameter that tests a JSON list for ``key``: on PostgreSQL a list to contain."""
        return json.dumps([key]) if self._dialect() == "postgresql" else key

    def _count(self, kind: str, params: _Params) -> int:
        session = self.ws.session
        if session.autoflush:  # as the session's own execute would: a new record counts
            session.flush()
        connection = session.connection()
        dialect = connection.dialect
        shape = (dialect.name, dialect.driver, kind, *params)
        sql = _SQL.get(shape)
        if sql is None:
            statement = _STATEMENTS[kind](dialect.name, params)
            compiled = statement.compile(dialect=dialect)
            unnamed = set(compiled.bind_names.values()) - set(params)
            if unnamed:  # a value built into the statement would be cached with it
                raise ValueError(f"tally statement with values of its own: {sorted(unnamed)}")
            order = tuple(compiled.positiontup or ()) if compiled.positional else None
            if len(_SQL) >= _SHAPES_KEPT:  # shapes grow with the cycles listed: stay bounded
                _SQL.clear()
            sql = _SQL[shape] = _Sql(compiled.string, order)
        return int(connection.exec_driver_sql(sql.text, sql.values(params)).scalar_one())


def _owned(dialect: str, model: type[Any]) -> sa.ColumnElement[bool]:
    """The organisation's rows, said so that SQLite walks the tally index.

    SQLite has no statistics (nothing runs ANALYZE), and given a list of stages it
    prefers the one-column index on the organisation, reading every row of it: 1.7 s
    at 600,936 pieces against under a millisecond. Wrapped in an expression, the
    condition still holds every query to the organisation but offers no index.
    """
    column = model.organisation_id
    if dialect == "sqlite":
        return sa.func.coalesce(column, sa.literal_column("''")) == sa.bindparam("org")
    return column == sa.bindparam("org")  # type: ignore[no-any-return]


def _stage_and_cycle(model: type[Any], params: _Params) -> list[sa.ColumnElement[bool]]:
    """The conditions ``DatabaseTally._where`` set parameters for."""
    found: list[sa.ColumnElement[bool]] = [model.initiative_id == sa.bindparam("initiative")]
    if "stage" in params:
        found.append(model.stage == sa.bindparam("stage"))
    else:
        stages: list[sa.BindParameter[Any]] = [
            sa.bindparam(name) for name in params if name.startswith("stage_")
        ]
        if stages:
            found.append(model.stage.in_(stages))
    if "cycle" in params:
        found.append(model.cycle == sa.bindparam("cycle"))
    else:
        found.append(model.cycle.in_([sa.bindparam(n) for n in params if n.startswith("cycle_")]))
    return found


def _tagged(dialect: str, column: Any) -> sa.ColumnElement[bool]:
    """The JSON list in ``column`` holds the ``tag`` parameter."""
    if dialect == "postgresql":
        return sa.cast(column, postgresql.JSONB).op("@>")(
            sa.cast(sa.bindparam("tag", type_=sa.String), postgresql.JSONB)
        )
    tags = sa.func.json_each(column).table_valued("value")
    return sa.exists(sa.select(1).select_from(tags).where(tags.c.value == sa.bindparam("tag")))


def _with_people(links: sa.Table, link: sa.Column[Any], owner: Any, params: _Params) -> Any:
    """Someone linked to the counted record is in the ``role`` (consenting, with ``given``)."""
    people = (
        sa.select(link)
        .join(Participant, Participant.id == links.c.participant_id)
        .where(link == owner, Participant.role == sa.bindparam("role"))
    )
    if "given" in params:
        people = people.where(Participant.consent == sa.bindparam("given"))
    return people.exists()


def _counted(dialect: str, statement: sa.Select[Any], params: _Params) -> sa.Select[Any]:
    if "at_most" in params:
        statement = statement.limit(sa.bindparam("at_most", type_=sa.Integer))
        if dialect == "sqlite":  # which would otherwise add an OFFSET of its own value
            statement = statement.offset(sa.literal_column("0"))
    return sa.select(sa.func.count()).select_from(statement.subquery())


def _evidence_count(
    dialect: str, params: _Params, allowed: sa.ColumnElement[bool] | None = None
) -> sa.Select[Any]:
    where = [
        _owned(dialect, Evidence),
        *_stage_and_cycle(Evidence, params),
        Evidence.consent != sa.bindparam("withdrawn"),
    ]
    if allowed is not None:
        where.append(allowed)
    statement = sa.select(Evidence.id)
    if "evidence_type" in params:
        where.append(Evidence.evidence_type == sa.bindparam("evidence_type"))
    if "tag" in params:
        where.append(_tagged(dialect, Evidence.dimensions))
    if "without" in params:
        where.append(Evidence.id != sa.bindparam("without"))
    if "activity_type" in params:
        statement = statement.join(Activity, Activity.id == Evidence.activity_id)
        where.append(Activity.activity_type == sa.bindparam("activity_type"))
    if "role" in params:  # evidence from several people counts for each of their roles
        link = evidence_participants.c.evidence_id
        where.append(_with_people(evidence_participants, link, Evidence.id, params))
    return _counted(dialect, statement.where(*where), params)


def _activities_count(dialect: str, params: _Params) -> sa.Select[Any]:
    where = [_owned(dialect, Activity), *_stage_and_cycle(Activity, params)]
    if "activity_type" in params:
        where.append(Activity.activity_type == sa.bindparam("activity_type"))
    if "tag" in params:
        where.append(_tagged(dialect, Activity.dimensions))
    if "role" in params:
        link = activity_participants.c.activity_id
        where.append(_with_people(activity_participants, link, Activity.id, params))
    return _counted(dialect, sa.select(Activity.id).where(*where), params)


def _participants_count(dialect: str, params: _Params) -> sa.Select[Any]:
    statement = sa.select(sa.func.count()).where(
        _owned(dialect, Participant), Participant.initiative_id == sa.bindparam("initiative")
    )
    if "role" in params:
        statement = statement.where(Participant.role == sa.bindparam("role"))
    if "consent" in params:
        statement = statement.where(Participant.consent == sa.bindparam("consent"))
    return statement


_STATEMENTS: dict[str, Callable[[str, _Params], sa.Select[Any]]] = {
    "evidence": _evidence_count,
    "activities": _activities_count,
    "participants": _participants_count,
}
