"""Seeded databases: organisations, initiatives and evidence as coprod itself writes them.

Organisations and their keys are made through the core's services (so the key is a real
one, shown once and kept in the manifest); everything else is written in bulk, with ids
from ``toolkits_core``'s id maker, every value passed through the model's own column
types (so a timestamp or a JSON payload is stored exactly as the ORM stores it), and
every kind of payload put to the toolkit's own checks first. The rows tell a consistent
story: initiatives move through their stages only as their toolkit's rules allow, and
evidence is recorded in stages its initiative has reached, after the initiative began.

One organisation is the benchmark's caller. It holds one *long* initiative with most of
the evidence (the list paged far into) and twenty *hot* initiatives with ten pieces of
evidence each, the same at every size, which the single-record and create cases use.
The rest is spread over the other initiatives and organisations.

A seeded database carries a manifest (table ``bench_seed``): what was seeded, the key,
and the ids the cases need. A later run reuses the database when the manifest matches,
after deleting what earlier runs' create cases added.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import hashlib
import json
import random
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from importlib.resources import files
from typing import Any

import sqlalchemy as sa

from bench import content
from bench.seed_events import EventLog, clock_position, feed_cursors, move_clock, snapshot
from bench.targets import Size, Target
from toolkits_core import (
    Consent,
    EvidenceView,
    InitiativeView,
    ParticipantRole,
    ParticipantView,
    PluginHost,
    Toolkit,
    load_plugins,
)
from toolkits_core._store.ids import new_id
from toolkits_core.service import (
    Database,
    Initiative,
    create_key,
    create_organisation,
)

SEED_VERSION = 3
"""Bump when what is seeded changes: cached databases are seeded again (2: feed events;
3: consent to publish, which issue 12 keeps apart from consent to use)."""
RANDOM_SEED = 20_260_505
HOT_INITIATIVES = 20
HOT_EVIDENCE = 10
LONG_SHARE = 0.6
SINCE_SHARE = 0.1
"""The updated_since case asks for about the newest tenth of the long initiative."""
UPDATED_SHARE = 0.05
"""Share of evidence changed after it was recorded."""
PAGE = 50
FAR_PAGE = 10_000
FEED_PAGE = 100
FEED_DEEP = 1_000
"""The deep feed cursor reads on after the caller's 1,000th event (or earlier, if fewer)."""
HISTORY = dt.timedelta(days=3 * 365)
BATCH = 20_000
STAR = "coproduction-star"
MARKET_IT = "market-it"
MANIFEST_TABLE = "bench_seed"
THEMES = ("dementia", "loneliness", "carers", "young people", "transport", "food")

Log = Callable[[str], None]
TABLES = Initiative.metadata.tables


@dataclass(frozen=True, slots=True)
class Seeded:
    """A seeded database and what the cases need to know about it."""

    target: Target
    token: str
    organisation_id: str
    long_initiative_id: str
    long_evidence: int
    hot_initiative_ids: tuple[str, ...]
    last_evidence_id: str
    """Every seeded evidence id is at most this; the create cases' rows are greater."""
    since: str
    """The updated_since of the filtered case, RFC 3339."""
    far_page: int
    far_after_id: str
    """The id the far page's cursor continues after."""
    feed_events: int
    """The caller's events in the change feed."""
    feed_events_all: int
    feed_deep_after: int
    """The position the deep feed page reads on after (early in the caller's events)."""
    feed_recent_after: int
    """The position the recent feed page reads on after (a page and a half from the head)."""
    seeded_at: str
    seconds: float | None
    """How long seeding took in this run; None when the cached database was reused."""
    steps: dict[str, float] = field(default_factory=dict)


def ensure_seeded(target: Target, *, reseed: bool, log: Log) -> Seeded:
    """The target's seeded database: reused when its manifest matches, else seeded now."""
    if not reseed and target.exists():
        found = _reuse(target, log)
        if found is not None:
            return found
    log(f"seeding {target.name} with {target.size.label} evidence ({target.size.slug})")
    return _seed(target, log)


def _spec(size: Size) -> dict[str, Any]:
    return {"seed_version": SEED_VERSION, "size": dataclasses.asdict(size)}


def _migrations_fingerprint() -> str:
    digest = hashlib.sha256()
    folder = files("toolkits_core") / "migrations" / "versions"
    for item in sorted(folder.iterdir(), key=lambda entry: entry.name):
        if item.name.endswith(".py"):
            digest.update(item.name.encode())
            digest.update(item.read_bytes())
    return digest.hexdigest()[:16]


def _reuse(target: Target, log: Log) -> Seeded | None:
    database = Database(target.url)
    try:
        manifest = _read_manifest(database)
        if manifest is None or manifest.get("spec") != _spec(target.size):
            log(f"{target.name} {target.size.slug}: no matching manifest, seeding again")
            return None
        if not database.is_current():
            log(f"{target.name} {target.size.slug}: migrating the cached database to head")
            database.upgrade()
        elif manifest.get("migrations") != _migrations_fingerprint():
            log(f"{target.name} {target.size.slug}: migrations changed in place, seeding again")
            return None
        removed = _forget_writes(
            database, manifest["organisation_id"], manifest["last_evidence_id"]
        )
        if removed:
            log(f"{target.name} {target.size.slug}: removed {removed} rows of earlier runs")
        manifest["migrations"] = _migrations_fingerprint()
        _write_manifest(database, manifest)
        return _seeded(target, manifest, seconds=None)
    finally:
        database.dispose()


def bring_current(seeded: Seeded, log: Log) -> None:
    """Migrate a seeded database to the newest schema, if a migration arrived since.

    The migrations may change while a run goes on (or between runs); the product refuses
    a database behind them, and ``coprod db upgrade`` is what an operator would run.
    """
    database = Database(seeded.target.url)
    try:
        if database.is_current():
            return
        target = seeded.target
        log(f"{target.name} {target.size.slug}: migrating to {database.head_revision()}")
        database.upgrade()
        manifest = _read_manifest(database)
        if manifest is not None:
            manifest["migrations"] = _migrations_fingerprint()
            _write_manifest(database, manifest)
    finally:
        database.dispose()


def forget_bench_writes(seeded: Seeded) -> int:
    """Delete the evidence that create cases added after seeding (and the idempotency keys
    they sent); how many rows of evidence went.

    Their audit events stay: the audit log is append-only (the feed cases' cursors are
    fixed positions, so the pages they read do not change).
    """
    database = Database(seeded.target.url)
    try:
        return _forget_writes(database, seeded.organisation_id, seeded.last_evidence_id)
    finally:
        database.dispose()


def _forget_writes(database: Database, organisation_id: str, last_evidence_id: str) -> int:
    with database.engine.begin() as connection:
        result = connection.execute(
            sa.text("DELETE FROM evidence WHERE organisation_id = :org AND id > :last"),
            {"org": organisation_id, "last": last_evidence_id},
        )
        if sa.inspect(connection).has_table("idempotent_requests"):
            connection.execute(
                sa.text(
                    "DELETE FROM idempotent_requests WHERE organisation_id = :org "
                    "AND idempotency_key LIKE 'bench-%'"
                ),
                {"org": organisation_id},
            )
    return int(result.rowcount or 0)


def _read_manifest(database: Database) -> dict[str, Any] | None:
    with database.engine.connect() as connection:
        if not sa.inspect(connection).has_table(MANIFEST_TABLE):
            return None
        value = connection.execute(
            sa.text(f"SELECT value FROM {MANIFEST_TABLE} WHERE name = 'manifest'")
        ).scalar()
    return json.loads(value) if value else None


def _write_manifest(database: Database, manifest: dict[str, Any]) -> None:
    with database.engine.begin() as connection:
        connection.execute(
            sa.text(
                f"CREATE TABLE IF NOT EXISTS {MANIFEST_TABLE} "
                "(name VARCHAR(40) PRIMARY KEY, value TEXT NOT NULL)"
            )
        )
        connection.execute(sa.text(f"DELETE FROM {MANIFEST_TABLE}"))
        connection.execute(
            sa.text(f"INSERT INTO {MANIFEST_TABLE} (name, value) VALUES ('manifest', :value)"),
            {"value": json.dumps(manifest)},
        )


def _seeded(target: Target, manifest: dict[str, Any], *, seconds: float | None) -> Seeded:
    return Seeded(
        target=target,
        token=manifest["token"],
        organisation_id=manifest["organisation_id"],
        long_initiative_id=manifest["long_initiative_id"],
        long_evidence=manifest["long_evidence"],
        hot_initiative_ids=tuple(manifest["hot_initiative_ids"]),
        last_evidence_id=manifest["last_evidence_id"],
        since=manifest["since"],
        far_page=manifest["far_page"],
        far_after_id=manifest["far_after_id"],
        feed_events=manifest["feed_events"],
        feed_events_all=manifest["feed_events_all"],
        feed_deep_after=manifest["feed_deep_after"],
        feed_recent_after=manifest["feed_recent_after"],
        seeded_at=manifest["seeded_at"],
        seconds=seconds,
        steps=dict(manifest.get("steps", {})),
    )


# The plan: who owns what, and when it happened ---------------------------------------


@dataclass(slots=True)
class _PlannedInitiative:
    number: int
    id: str
    organisation_id: str
    toolkit: Toolkit
    reached: tuple[str, ...]
    created_at: dt.datetime
    participant_ids: list[str] = field(default_factory=list)
    view: InitiativeView | None = None

    @property
    def stage(self) -> str:
        return self.reached[-1]


class _Plan:
    """Every initiative of one size, and a clock that runs from three years ago to now."""

    def __init__(self, size: Size, host: PluginHost, organisation_ids: list[str]) -> None:
        if size.initiatives < (HOT_INITIATIVES + 1) * 2:
            raise ValueError(f"{size.initiatives} initiatives is too few for the benchmark")
        self.size = size
        self.host = host
        self.rng = random.Random(RANDOM_SEED)
        self.now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        self.start = self.now - HISTORY
        self.toolkits = {toolkit.key: toolkit for toolkit in host.toolkits()}
        self.templates = {key: _templates(toolkit) for key, toolkit in self.toolkits.items()}
        others = sorted(key for key in self.toolkits if key != STAR)
        self.initiatives: list[_PlannedInitiative] = []
        span = HISTORY - dt.timedelta(days=60)
        for number in range(size.initiatives):
            special = number <= HOT_INITIATIVES
            if special:
                organisation_id = organisation_ids[0]
                toolkit = self.toolkits[STAR]
                reached = _stages_up_to(toolkit, MARKET_IT)
            else:
                rest = number - HOT_INITIATIVES - 1
                organisation_id = organisation_ids[rest % len(organisation_ids)]
                toolkit = self.toolkits[([STAR, *others])[(rest // len(organisation_ids)) % 2]]
                reached = tuple(item.key for item in toolkit.stages[: self.rng.randint(1, 2)])
            self.initiatives.append(
                _PlannedInitiative(
                    number=number,
                    id=new_id("ini"),
                    organisation_id=organisation_id,
                    toolkit=toolkit,
                    reached=reached,
                    created_at=self.start + span * (number / size.initiatives),
                )
            )
        self.long = self.initiatives[0]
        self.hot = self.initiatives[1 : HOT_INITIATIVES + 1]
        self.rest = self.initiatives[HOT_INITIATIVES + 1 :]
        self._rest_created = [item.created_at for item in self.rest]
        self.evidence_start = self.start + dt.timedelta(days=30)
        self.since = self.evidence_start + (self.now - self.evidence_start) * (1 - SINCE_SHARE)
        self.long_ids: list[str] = []
        self.last_evidence_id = ""

    def owners(self) -> Iterator[tuple[_PlannedInitiative, dt.datetime]]:
        """Who records each piece of evidence, and when, oldest first.

        Each hot and the long initiative first gets the notes that let it leave Focus it
        (its toolkit's rule), made soon after it started; the rest follows in time order.
        """
        founding = [self.long, *self.hot]
        for item in founding:
            yield item, item.created_at + dt.timedelta(minutes=90)
        count = self.size.evidence - len(founding)
        span = self.now - self.evidence_start
        hot_slots: dict[int, _PlannedInitiative] = {}
        for item in self.hot:
            for slot in self.rng.sample(range(count), HOT_EVIDENCE - 1):
                while slot in hot_slots:
                    slot = (slot + 1) % count
                hot_slots[slot] = item
        long_chance = (self.size.evidence * LONG_SHARE - 1) / max(count - len(hot_slots), 1)
        for slot in range(count):
            moment = self.evidence_start + span * ((slot + 0.5) / count)
            owner = hot_slots.get(slot)
            if owner is None and self.rng.random() >= long_chance:
                known = bisect.bisect_right(self._rest_created, moment - dt.timedelta(days=1))
                owner = self.rest[self.rng.randrange(known)] if known else None
            yield (owner or self.long), moment


def _stages_up_to(toolkit: Toolkit, stage: str) -> tuple[str, ...]:
    keys = [item.key for item in toolkit.stages]
    return tuple(keys[: keys.index(stage) + 1])


def _templates(toolkit: Toolkit) -> list[tuple[str, Any]]:
    """The toolkit's evidence types with a standard payload schema, and their kinds."""
    return [
        (item.key, item.kind)
        for item in toolkit.evidence_types
        if item.payload_schema is None and content.supports(item.kind)
    ]


# Loading rows fast, with the models' own column types ---------------------------------


class _Loader:
    """Writes rows into one table: COPY on PostgreSQL, executemany in batches on SQLite."""

    def __init__(self, database: Database, table: sa.Table) -> None:
        self.database = database
        self.table = table
        dialect = database.engine.dialect
        self.columns = list(table.columns)
        self.processors = [
            column.type.dialect_impl(dialect).bind_processor(dialect) for column in self.columns
        ]

    def _values(self, row: dict[str, Any]) -> tuple[Any, ...]:
        values = []
        for column, processor in zip(self.columns, self.processors, strict=True):
            if column.name in row:
                value = row[column.name]
            elif column.default is not None and column.default.is_scalar:
                value = column.default.arg  # a column added since: what the model writes
            elif column.nullable:
                value = None
            else:
                raise KeyError(f"the seeder gives no value for {self.table.name}.{column.name}")
            values.append(
                processor(value) if processor is not None and value is not None else value
            )
        return tuple(values)

    def load(self, rows: Iterable[dict[str, Any]]) -> int:
        names = ", ".join(column.name for column in self.columns)
        raw = self.database.engine.raw_connection()
        count = 0
        try:
            driver: Any = raw.driver_connection
            if self.database.is_sqlite:
                driver.execute("PRAGMA synchronous=OFF")
                marks = ", ".join("?" for _ in self.columns)
                statement = f"INSERT INTO {self.table.name} ({names}) VALUES ({marks})"
                batch: list[tuple[Any, ...]] = []
                for row in rows:
                    batch.append(self._values(row))
                    if len(batch) >= BATCH:
                        driver.executemany(statement, batch)
                        count += len(batch)
                        batch = []
                driver.executemany(statement, batch)
                count += len(batch)
            else:
                with (
                    driver.cursor() as cursor,
                    cursor.copy(f"COPY {self.table.name} ({names}) FROM STDIN") as copy,
                ):
                    for row in rows:
                        copy.write_row(self._values(row))
                        count += 1
            raw.commit()
        finally:
            raw.close()
        return count


def _plain_indexes(database: Database, table: str) -> list[tuple[str, str]]:
    """The table's indexes that back no constraint, as (name, the SQL that makes it)."""
    with database.engine.connect() as connection:
        if database.is_sqlite:
            rows = connection.execute(
                sa.text(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                    "AND tbl_name = :table AND sql IS NOT NULL"
                ),
                {"table": table},
            )
        else:
            rows = connection.execute(
                sa.text(
                    "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = :table "
                    "AND indexname NOT IN (SELECT conname FROM pg_constraint "
                    "WHERE conrelid = CAST(:table AS regclass))"
                ),
                {"table": table},
            )
        return [(str(name), str(sql)) for name, sql in rows]


def _run(database: Database, statements: Iterable[str]) -> None:
    with database.engine.begin() as connection:
        for statement in statements:
            connection.execute(sa.text(statement))


# Seeding -----------------------------------------------------------------------------


def _seed(target: Target, log: Log) -> Seeded:
    started = time.perf_counter()
    steps: dict[str, float] = {}

    def step(name: str, since: float) -> float:
        now = time.perf_counter()
        steps[name] = round(now - since, 2)
        return now

    target.drop()
    target.create()
    database = Database(target.url)
    try:
        database.upgrade()
        mark = step("schema", started)
        host = load_plugins()
        token, organisation_ids, key_ids = _organisations(database, target.size)
        plan = _Plan(target.size, host, organisation_ids)
        log_events = EventLog(
            dict(zip(organisation_ids, key_ids, strict=True)), clock_position(database)
        )
        mark = step("organisations and keys", mark)
        initiatives = list(_initiative_rows(plan))
        entries = list(_stage_entry_rows(plan))
        _Loader(database, TABLES["initiatives"]).load(initiatives)
        _Loader(database, TABLES["stage_entries"]).load(entries)
        mark = step("initiatives and stage entries", mark)
        participants = list(_participant_rows(plan))
        _Loader(database, TABLES["participants"]).load(participants)
        activity_rows, links = _activity_rows(plan)
        _Loader(database, TABLES["activities"]).load(activity_rows)
        _Loader(database, TABLES["activity_participants"]).load(links)
        mark = step("participants and activities", mark)
        _record_events(log_events, initiatives, entries, participants, activity_rows, links)
        del initiatives, entries, participants
        indexes = _plain_indexes(database, "evidence")
        _run(database, [f"DROP INDEX {name}" for name, _ in indexes])
        loaded = _Loader(database, TABLES["evidence"]).load(
            _with_events(log_events, _evidence_rows(plan))
        )
        mark = step(f"evidence ({loaded} rows)", mark)
        _run(  # the people index, as the application writes it beside each piece
            database,
            [
                "INSERT INTO evidence_participants (evidence_id, participant_id) "
                "SELECT id, participant_id FROM evidence WHERE participant_id IS NOT NULL"
            ],
        )
        _run(database, [sql for _, sql in indexes])
        mark = step("evidence indexes", mark)
        try:
            events = log_events.finish()
            indexes = _plain_indexes(database, "audit_events")
            _run(database, [f"DROP INDEX {name}" for name, _ in indexes])
            _Loader(database, TABLES["audit_events"]).load(log_events.events())
            _Loader(database, TABLES["event_data"]).load(log_events.data())
            _run(database, [sql for _, sql in indexes])
            move_clock(database, log_events.position)
        finally:
            log_events.close()
        mark = step(f"feed events ({events} rows, with their data)", mark)
        if not database.is_sqlite:
            raw = database.engine.raw_connection()
            try:
                driver: Any = raw.driver_connection
                driver.autocommit = True
                driver.execute("VACUUM ANALYZE")
            finally:
                raw.close()
            mark = step("vacuum analyze", mark)
        far_page = min(FAR_PAGE, max(1, (len(plan.long_ids) - 1) // PAGE))
        manifest = {
            "spec": _spec(target.size),
            "migrations": _migrations_fingerprint(),
            "token": token,
            "organisation_id": organisation_ids[0],
            "long_initiative_id": plan.long.id,
            "long_evidence": len(plan.long_ids),
            "hot_initiative_ids": [item.id for item in plan.hot],
            "last_evidence_id": plan.last_evidence_id,
            "since": plan.since.isoformat().replace("+00:00", "Z"),
            "far_page": far_page,
            "far_after_id": plan.long_ids[(far_page - 1) * PAGE - 1] if far_page > 1 else "",
            "seeded_at": plan.now.isoformat(),
            "steps": steps,
            "event_types": log_events.by_type,
            **feed_cursors(database, organisation_ids[0], FEED_PAGE, FEED_DEEP),
        }
        _write_manifest(database, manifest)
    finally:
        database.dispose()
    seconds = round(time.perf_counter() - started, 1)
    log(f"seeded {target.name} {target.size.slug} in {seconds} s: {steps}")
    return _seeded(target, manifest, seconds=seconds)


def _organisations(database: Database, size: Size) -> tuple[str, list[str], list[str]]:
    """The organisations and a key for each, through the core: the first key's token, the
    organisations' ids and their keys' ids (whose events the core records as it goes)."""
    with database.session() as session:
        ids: list[str] = []
        tokens: list[str] = []
        key_ids: list[str] = []
        for number in range(size.organisations):
            name = "Brackenford Council" if number == 0 else f"Partner organisation {number:02d}"
            organisation = create_organisation(session, name)
            made = create_key(session, organisation.id, "benchmark", ["read", "write"])
            ids.append(organisation.id)
            tokens.append(made.token)
            key_ids.append(made.key.id)
    return tokens[0], ids, key_ids


def _initiative_rows(plan: _Plan) -> Iterator[dict[str, Any]]:
    rng = plan.rng
    for item in plan.initiatives:
        moves = len(item.reached) - 1
        special = item.number <= HOT_INITIATIVES
        status = (
            "active" if special else rng.choices(["active", "paused", "completed"], [17, 2, 1])[0]
        )
        yield {
            "id": item.id,
            "organisation_id": item.organisation_id,
            "toolkit_key": item.toolkit.key,
            "toolkit_version": item.toolkit.version,
            "title": content.initiative_title(item.number, rng),
            "summary": content.initiative_summary(rng),
            "status": status,
            "themes": rng.sample(THEMES, rng.randint(1, 2)),
            "stage": item.stage,
            "cycle": 1,
            "external_ref": f"crm-{item.number}" if item.number % 2 == 0 else None,
            "created_at": item.created_at,
            "updated_at": item.created_at + dt.timedelta(hours=moves),
            "version": 1 + moves,
        }


def _stage_entry_rows(plan: _Plan) -> Iterator[dict[str, Any]]:
    for item in plan.initiatives:
        previous: str | None = None
        for step, stage in enumerate(item.reached):
            yield {
                "id": new_id("stg"),
                "organisation_id": item.organisation_id,
                "initiative_id": item.id,
                "from_stage": previous,
                "stage": stage,
                "cycle": 1,
                "kind": "start" if previous is None else "advance",
                "note": "",
                "entered_at": item.created_at + dt.timedelta(hours=step),
            }
            previous = stage


def _participant_rows(plan: _Plan) -> Iterator[dict[str, Any]]:
    roles = [ParticipantRole.PERSON_USING_SERVICES, ParticipantRole.PROFESSIONAL]
    special_roles = [*roles, ParticipantRole.FAMILY_MEMBER_OR_CARER]
    for item in plan.initiatives:
        moment = item.created_at + dt.timedelta(minutes=30)
        chosen = special_roles if item.number <= HOT_INITIATIVES else roles
        for role in chosen:
            participant_id = new_id("par")
            item.participant_ids.append(participant_id)
            yield {
                "id": participant_id,
                "organisation_id": item.organisation_id,
                "initiative_id": item.id,
                "role": role.value,
                "display_name": content.pseudonym(plan.rng),
                "consent": Consent.GIVEN.value,
                "consent_recorded_at": moment,
                # As the migration took everyone: no one is taken to agree to publication.
                "publication_consent": Consent.NOT_RECORDED.value,
                "external_ref": None,
                "created_at": moment,
                "updated_at": moment,
                "version": 1,
            }
        item.view = InitiativeView(
            toolkit=item.toolkit.key,
            stage=item.stage,
            reached_stages=item.reached,
            participants=tuple(ParticipantView(role, Consent.GIVEN) for role in chosen),
        )


def _activity_rows(plan: _Plan) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """One activity in each stage an initiative reached, with its participants."""
    activities: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    for item in plan.initiatives:
        for step, stage in enumerate(item.reached):
            kind = next(
                kind
                for kind in item.toolkit.activity_types
                if not kind.stages or stage in kind.stages
            )
            moment = item.created_at + dt.timedelta(hours=step, minutes=10)
            activity_id = new_id("act")
            activities.append(
                {
                    "id": activity_id,
                    "organisation_id": item.organisation_id,
                    "initiative_id": item.id,
                    "activity_type": kind.key,
                    "stage": stage,
                    "cycle": 1,
                    "title": kind.name,
                    "description": f"{kind.summary}",
                    "dimensions": list(kind.dimensions[:2]),
                    "starts_on": moment.date(),
                    "ends_on": moment.date(),
                    "outcomes": "",
                    "tags": [],  # no labels: the filtered lists are not benched yet
                    "external_ref": None,
                    "created_at": moment,
                    "updated_at": moment,
                    "version": 1,
                }
            )
            links += [
                {"activity_id": activity_id, "participant_id": participant_id}
                for participant_id in item.participant_ids
            ]
    return activities, links


def _evidence_rows(plan: _Plan) -> Iterator[dict[str, Any]]:
    rng = plan.rng
    checked: set[tuple[str, str, str]] = set()
    founding = {plan.long.id, *(item.id for item in plan.hot)}
    kept_in: dict[str, dict[str, tuple[str, ...]]] = {}
    for number, (owner, moment) in enumerate(plan.owners()):
        toolkit = owner.toolkit
        if owner.id in founding:
            founding.discard(owner.id)
            evidence_type, kind = next(
                (key, kind) for key, kind in plan.templates[toolkit.key] if key == "session-notes"
            )
            stage = "focus-it"
        else:  # a type recorded in a stage the initiative reached (API 1.1's stages)
            kept = kept_in.get(toolkit.key)
            if kept is None:
                kept = kept_in[toolkit.key] = {
                    item.key: tuple(item.stages) for item in toolkit.evidence_types
                }
            fits = [
                (key, kind, [s for s in owner.reached if not kept[key] or s in kept[key]])
                for key, kind in plan.templates[toolkit.key]
            ]
            evidence_type, kind, stages = rng.choice([item for item in fits if item[2]])
            stage = rng.choice(stages)
        payload = content.payload(kind, rng, number)
        keys = [item.key for item in toolkit.dimensions]  # a toolkit may have only one
        dimensions = rng.sample(keys, rng.randint(min(1, len(keys)), min(2, len(keys))))
        if (toolkit.key, evidence_type, stage) not in checked or number % 997 == 0:
            _check(plan, owner, evidence_type, stage, payload, dimensions)
            checked.add((toolkit.key, evidence_type, stage))
        consent = Consent.GIVEN.value if rng.random() < 0.8 else Consent.NOT_RECORDED.value
        visibility = "organisation"
        draw = rng.random()
        if draw < 0.1:
            visibility = "private"
        elif draw < 0.15 and consent == Consent.GIVEN.value:
            visibility = "public"
        updated = moment
        version = 1
        if rng.random() < UPDATED_SHARE:
            updated = moment + (plan.now - moment) * rng.random()
            version = 2
        evidence_id = new_id("evd")
        speaker = owner.participant_ids[0] if kind.value in {"quote", "story"} else None
        if owner is plan.long:
            plan.long_ids.append(evidence_id)
        plan.last_evidence_id = evidence_id
        yield {
            "id": evidence_id,
            "organisation_id": owner.organisation_id,
            "initiative_id": owner.id,
            "evidence_type": evidence_type,
            "stage": stage,
            "cycle": 1,
            "activity_id": None,
            "participant_id": speaker,
            "participant_ids": [] if speaker is None else [speaker],
            "dimensions": dimensions,
            "indicators": [],
            "payload": payload,
            "consent": consent,
            # Public evidence was marked so to be shown: its consent to publish is given.
            "publication_consent": (
                Consent.GIVEN.value if visibility == "public" else Consent.NOT_RECORDED.value
            ),
            "visibility": visibility,
            "collected_on": moment.date(),
            "external_ref": f"crm-ev-{number}" if number % 5 == 0 else None,
            "created_at": moment,
            "updated_at": updated,
            "version": version,
        }


def _check(
    plan: _Plan,
    owner: _PlannedInitiative,
    evidence_type: str,
    stage: str,
    payload: dict[str, Any],
    dimensions: list[str],
) -> None:
    """Put a row to the toolkit's own checks, as the API would: the seeder must not lie."""
    view = EvidenceView(evidence_type, stage, payload, tuple(dimensions), (), None, 1)
    assert owner.view is not None
    problems = plan.host.check_evidence(view, toolkit=owner.toolkit.key, initiative=owner.view)
    if problems:
        raise ValueError(f"the seeder made evidence coprod would refuse: {problems}")


# The change feed's events for the rows above ------------------------------------------


def _record_events(
    log: EventLog,
    initiatives: list[dict[str, Any]],
    entries: list[dict[str, Any]],
    participants: list[dict[str, Any]],
    activities: list[dict[str, Any]],
    links: list[dict[str, Any]],
) -> None:
    """The events the product would have recorded making these records, held by time.

    An initiative is created with its first stage entry; each later entry moves it on
    (``initiative.stage_changed`` showing it one version later, in the entry's stage).
    """
    by_initiative: dict[str, list[dict[str, Any]]] = {}
    for entry in entries:
        by_initiative.setdefault(entry["initiative_id"], []).append(entry)
    for row in initiatives:
        for step, entry in enumerate(by_initiative.get(row["id"], [])):
            moment = entry["entered_at"]
            shown = snapshot(
                "initiative", row, stage=entry["stage"], version=1 + step, updated_at=moment
            )
            if step == 0:
                log.add(moment, "created", "initiative", shown, event_type="initiative.created")
            else:
                log.add(
                    moment,
                    "changed",
                    "initiative",
                    shown,
                    event_type="initiative.stage_changed",
                    fields=["stage"],
                )
            log.add(
                moment,
                "created",
                "transition",
                snapshot("transition", entry),
                event_type="transition.created",
            )
    for row in participants:
        log.add(
            row["created_at"],
            "created",
            "participant",
            snapshot("participant", row),
            event_type="participant.created",
        )
    linked: dict[str, list[str]] = {}
    for link in links:
        linked.setdefault(link["activity_id"], []).append(link["participant_id"])
    for row in activities:
        shown = snapshot("activity", row)
        shown["participant_ids"] = sorted(linked.get(row["id"], []))
        log.add(row["created_at"], "created", "activity", shown, event_type="activity.created")


def _with_events(log: EventLog, rows: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """The evidence rows, oldest first, each recorded as created (and changed, later, when
    the seeder dates it so: ``payload`` is what such a change names)."""
    for row in rows:
        moment = row["created_at"]
        log.release_until(moment)
        log.add(
            moment,
            "created",
            "evidence",
            snapshot("evidence", row, version=1, updated_at=moment),
            event_type="evidence.created",
        )
        if row["version"] > 1:
            log.add(
                row["updated_at"],
                "changed",
                "evidence",
                snapshot("evidence", row),
                event_type="evidence.updated",
                fields=["payload"],
            )
        yield row
