"""The stored records, as typed SQLAlchemy 2.0 models.

Every row belongs to an organisation and carries its ``organisation_id`` even where a
parent row already says which it is, so that every query can be filtered by organisation
without a join and no route can forget to. Records that integrators mirror carry an
``external_ref`` (their CRM's id), ``created_at`` and ``updated_at``, and a ``version``
that SQLAlchemy checks on every update: a write based on a stale read fails instead of
silently overwriting someone else's.

Personal data is kept to what co-production needs: a participant is a role, a display
name or pseudonym, where they come from (an affiliation), an age band (so that a child's
consent is asked of a parent) and a consent status; nothing else about a person is stored.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from toolkits_core._store.ids import new_id

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


FULL_TEXT_SEARCH = (
    "library_search",
    "ix_library_entries_search",
    "record_search",
    "ix_initiatives_search",
    "ix_activities_search",
    "ix_evidence_search",
)
"""What the full-text searches (the library's, and ``q`` on the lists of records) add that
the models cannot say: SQLite's FTS5 tables (and their shadow and key tables, named after
them) and PostgreSQL's expression GIN indexes."""


def modelled(name: str | None, type_: Any, _parents: Any) -> bool:
    """Alembic's ``include_name``: whether the schema comparison should look at ``name``."""
    return not (name or "").startswith(FULL_TEXT_SEARCH)


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timestamp stored as naive UTC and always read back as an aware UTC datetime.

    SQLite has no time zones and PostgreSQL's ``timestamptz`` converts to the session's
    zone; storing naive UTC behaves the same on both.
    """

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        return None if value is None else value.replace(tzinfo=dt.UTC)

    def result_processor(self, dialect: Any, coltype: Any) -> Any:
        """One function per value instead of three: every row of a page holds two or more
        timestamps. SQLite's text goes straight to ``fromisoformat`` (SQLAlchemy's own
        parser is a regular expression), then the zone, as ``process_result_value`` does."""
        utc = dt.UTC
        if dialect.name != "sqlite":

            def aware(value: dt.datetime | None) -> dt.datetime | None:
                return None if value is None else value.replace(tzinfo=utc)

            return aware
        parse = dt.datetime.fromisoformat

        def parsed(value: str | dt.datetime | None) -> dt.datetime | None:
            if value is None:
                return None
            if isinstance(value, str):
                return parse(value).replace(tzinfo=utc)
            return value.replace(tzinfo=utc)

        return parsed


def _page_index(table: str, *scope: str) -> sa.Index:
    """The index a list is paged along: its scope's columns, then the id it is sorted by.

    Keyset pages read "the next rows after this id" within one organisation or one
    initiative (whose id implies its organisation); with this index that is a seek and a
    short scan, whatever the page's depth and however many rows the table holds.
    """
    return sa.Index(f"ix_{table}_page", *scope, "id")


def _changed_index(table: str, *scope: str) -> sa.Index:
    """The index a list filtered by ``updated_since`` is paged along: its scope's
    columns, then ``(updated_at, id)``. The walk then reads only the rows changed since,
    so a page costs the same at 1 thousand rows as at 1 million."""
    return sa.Index(f"ix_{table}_changed", *scope, "updated_at", "id")


def _id_column(prefix: str) -> Mapped[str]:
    return mapped_column(sa.String(40), primary_key=True, default=lambda: new_id(prefix))


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dt.datetime: UTCDateTime,
        dict[str, Any]: sa.JSON,
        list[str]: sa.JSON,
    }


class Owned:
    """A row that belongs to an organisation: every row but the organisation itself."""

    organisation_id: Mapped[str] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )


class InInitiative(Owned):
    """A row recorded in an initiative, and deleted with it.

    Its ``initiative_id`` is indexed by the model's page index, ``(initiative_id, id)``,
    which also serves the cascade when an initiative is deleted.
    """

    initiative_id: Mapped[str] = mapped_column(sa.ForeignKey("initiatives.id", ondelete="CASCADE"))


class Mirrored:
    """A record integrators mirror: their id for it, when it changed, and its version.

    The version is SQLAlchemy's version counter: an update based on a stale read fails.
    """

    external_ref: Mapped[str | None] = mapped_column(sa.String(200))
    created_at: Mapped[dt.datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utc_now, onupdate=utc_now, index=True)
    version: Mapped[int] = mapped_column(default=1)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:  # noqa: N805
        return {"version_id_col": cls.version}


class Organisation(Base):
    """A council, partnership or charity: the owner of every other row."""

    __tablename__ = "organisations"

    id: Mapped[str] = _id_column("org")
    name: Mapped[str] = mapped_column(sa.String(200))
    ref_hash_key: Mapped[str | None] = mapped_column(sa.String(64))
    """The key of ``ErasedRef``'s hashes, made at the organisation's first erasure."""
    created_at: Mapped[dt.datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utc_now, onupdate=utc_now)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class ApiKey(Owned, Base):
    """A key an organisation's systems call the API with.

    Only a SHA-256 digest of the secret is kept: keys are long random strings, so a fast
    digest is enough, and a leaked table does not leak working keys.
    """

    __tablename__ = "api_keys"

    id: Mapped[str] = _id_column("key")
    name: Mapped[str] = mapped_column(sa.String(200))
    secret_sha256: Mapped[str] = mapped_column(sa.String(64))
    scopes: Mapped[list[str]]
    created_at: Mapped[dt.datetime] = mapped_column(default=utc_now)
    expires_at: Mapped[dt.datetime | None]
    revoked_at: Mapped[dt.datetime | None]
    last_used_at: Mapped[dt.datetime | None]


class OAuthClient(Owned, Base):
    """A machine that asks for short-lived bearer tokens (OAuth2 client credentials).

    Its secret is kept as a SHA-256 digest, as a key's is: it is a long random string, so
    a fast digest is enough. ``last_used_at`` is when it was last given a token.
    """

    __tablename__ = "oauth_clients"

    id: Mapped[str] = _id_column("cli")
    name: Mapped[str] = mapped_column(sa.String(200))
    secret_sha256: Mapped[str] = mapped_column(sa.String(64))
    scopes: Mapped[list[str]]
    created_at: Mapped[dt.datetime] = mapped_column(default=utc_now)
    revoked_at: Mapped[dt.datetime | None]
    last_used_at: Mapped[dt.datetime | None]


class OAuthToken(Owned, Base):
    """A bearer token given to a client: only the digest of its secret part is kept.

    A token is looked up by that digest, and read with its client on every request, so a
    revoked client's tokens stop at once. Expired tokens are dropped when their client
    next asks for one.
    """

    __tablename__ = "oauth_tokens"
    __table_args__ = (sa.Index("ix_oauth_tokens_client_expiry", "client_id", "expires_at"),)

    id: Mapped[str] = _id_column("tok")
    client_id: Mapped[str] = mapped_column(sa.ForeignKey("oauth_clients.id", ondelete="CASCADE"))
    token_sha256: Mapped[str] = mapped_column(sa.String(64), unique=True)
    scopes: Mapped[list[str]]
    issued_at: Mapped[dt.datetime] = mapped_column(default=utc_now)
    expires_at: Mapped[dt.datetime]


class Initiative(Mirrored, Owned, Base):
    """A co-production project run with one toolkit, pinned at creation to its version."""

    __tablename__ = "initiatives"
    __table_args__ = (
        sa.UniqueConstraint("organisation_id", "external_ref"),
        _page_index("initiatives", "organisation_id"),
        _changed_index("initiatives", "organisation_id"),
    )

    id: Mapped[str] = _id_column("ini")
    toolkit_key: Mapped[str] = mapped_column(sa.String(100))
    toolkit_version: Mapped[str] = mapped_column(sa.String(50))
    title: Mapped[str] = mapped_column(sa.String(200))
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[str] = mapped_column(sa.String(20), default="active")
    themes: Mapped[list[str]] = mapped_column(default=list)
    stage: Mapped[str] = mapped_column(sa.String(100))
    cycle: Mapped[int] = mapped_column(default=1)


class StageEntry(InInitiative, Base):
    """One move into a stage: the initiative's history, oldest first.

    The first entry is the start at the toolkit's first stage; every allowed transition
    adds one. Nothing updates or deletes an entry while the initiative exists.
    """

    __tablename__ = "stage_entries"
    __table_args__ = (_page_index("stage_entries", "initiative_id"),)

    id: Mapped[str] = _id_column("stg")
    from_stage: Mapped[str | None] = mapped_column(sa.String(100))
    stage: Mapped[str] = mapped_column(sa.String(100))
    cycle: Mapped[int]
    kind: Mapped[str] = mapped_column(sa.String(20))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    entered_at: Mapped[dt.datetime] = mapped_column(default=utc_now)


activity_participants = sa.Table(
    "activity_participants",
    Base.metadata,
    sa.Column(
        "activity_id",
        sa.String(40),
        sa.ForeignKey("activities.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column(
        "participant_id",
        sa.String(40),
        sa.ForeignKey("participants.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)


class Participant(Mirrored, InInitiative, Base):
    """A person or organisation taking part, by role, with only a display name or pseudonym."""

    __tablename__ = "participants"
    __table_args__ = (
        sa.UniqueConstraint("initiative_id", "external_ref"),
        _page_index("participants", "initiative_id"),
        _changed_index("participants", "initiative_id"),
        # A CRM finds a contact across the organisation (GET /participants), by its id.
        sa.Index("ix_participants_organisation_ref", "organisation_id", "external_ref"),
        sa.Index("ix_participants_organisation_page", "organisation_id", "id"),
        sa.Index("ix_participants_organisation_changed", "organisation_id", "updated_at", "id"),
    )

    id: Mapped[str] = _id_column("par")
    role: Mapped[str] = mapped_column(sa.String(50))
    display_name: Mapped[str] = mapped_column(sa.String(200))
    consent: Mapped[str] = mapped_column(sa.String(20), default="not_recorded")
    consent_recorded_at: Mapped[dt.datetime | None]
    consent_given_on: Mapped[dt.date | None]
    """The date consent was given, as the caller knows it (the date on a paper form)."""
    consent_given_by: Mapped[str | None] = mapped_column(sa.String(30))
    """Who gave it: the person, or someone deciding for them (``ConsentGiver``)."""
    publication_consent: Mapped[str] = mapped_column(sa.String(20), default="not_recorded")
    """Consent to publish what came from them beyond the organisation: asked separately."""
    publication_consent_recorded_at: Mapped[dt.datetime | None]
    erased_at: Mapped[dt.datetime | None]
    affiliation: Mapped[str | None] = mapped_column(sa.String(200))
    """The organisation or group they come from, as free text (a café, a school, a team)."""
    age_band: Mapped[str] = mapped_column(sa.String(20), default="adult")
    """``AgeBand``: adult, 16-17 or under_16; an under-16's consent is a parent's or
    guardian's."""


evidence_participants = sa.Table(
    "evidence_participants",
    Base.metadata,
    sa.Column(
        "evidence_id",
        sa.String(40),
        sa.ForeignKey("evidence.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column(
        "participant_id",
        sa.String(40),
        sa.ForeignKey("participants.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)
"""Which people each piece of evidence came from, indexed both ways: by evidence (the
primary key) and by participant, so that a withdrawal or an erasure finds everything
that came from someone in one seek. ``Evidence.participant_ids`` holds the same ids in
the order given, for reading a page of evidence without a join."""


class Activity(Mirrored, InInitiative, Base):
    """Something done in a stage of an initiative: a mapping session, a workshop, a walk."""

    __tablename__ = "activities"
    __table_args__ = (
        sa.UniqueConstraint("initiative_id", "external_ref"),
        _page_index("activities", "initiative_id"),
        sa.Index("ix_activities_tally", "initiative_id", "stage", "cycle", "activity_type"),
        _changed_index("activities", "initiative_id"),
        # The lists filtered by type or by place are paged along these (a seek, then a walk
        # in id order), as the unfiltered list is along its page index.
        sa.Index("ix_activities_type_page", "initiative_id", "activity_type", "id"),
        sa.Index("ix_activities_place_page", "initiative_id", "place", "id"),
    )

    id: Mapped[str] = _id_column("act")
    activity_type: Mapped[str] = mapped_column(sa.String(100))
    stage: Mapped[str] = mapped_column(sa.String(100))
    cycle: Mapped[int] = mapped_column(default=1)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    dimensions: Mapped[list[str]] = mapped_column(default=list)
    starts_on: Mapped[dt.date | None]
    ends_on: Mapped[dt.date | None]
    outcomes: Mapped[str] = mapped_column(sa.Text, default="")
    tags: Mapped[list[str]] = mapped_column(default=list)
    """Short labels, normalised; each is also a row of ``activity_tags``, which lists filter on."""
    place: Mapped[str | None] = mapped_column(sa.String(200))
    recurrence: Mapped[dict[str, Any] | None]
    """How often it recurs: ``{"frequency": ..., "note": ...}``; none for a one-off."""
    attendance: Mapped[dict[str, Any] | None]
    """How many came, by participant role: counts only, never names."""

    participants: Mapped[list[Participant]] = relationship(
        secondary=activity_participants, order_by=Participant.id, lazy="raise"
    )

    @property
    def participant_ids(self) -> list[str]:
        return [participant.id for participant in self.participants]


activity_tags = sa.Table(
    "activity_tags",
    Base.metadata,
    sa.Column(
        "activity_id",
        sa.String(40),
        sa.ForeignKey("activities.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("tag", sa.String(50), primary_key=True),
    sa.Column("initiative_id", sa.String(40), nullable=False),
    sa.Index("ix_activity_tags_page", "initiative_id", "tag", "activity_id"),
)
"""An activity's tags, one row each, for lists filtered by tag: the index finds an
initiative's activities with a tag in id order, the order lists are paged in. The activity's
``tags`` column holds the same tags for reading; the activities service writes both."""


class Evidence(Mirrored, InInitiative, Base):
    """A piece of evidence: a typed payload, and for recordings, photos and documents a file."""

    __tablename__ = "evidence"
    __table_args__ = (
        sa.UniqueConstraint("initiative_id", "external_ref"),
        _page_index("evidence", "initiative_id"),
        sa.Index("ix_evidence_tally", "initiative_id", "stage", "cycle", "evidence_type"),
        _changed_index("evidence", "initiative_id"),
        # The lists filtered by type or stage are paged along these, as the activities'
        # are along theirs: without them, PostgreSQL's generic plan read every piece of
        # the type (or stage) through the tally index and sorted them (170 and 940 ms a
        # page in an initiative of 600,000 pieces).
        sa.Index("ix_evidence_type_page", "initiative_id", "evidence_type", "id"),
        sa.Index("ix_evidence_stage_page", "initiative_id", "stage", "id"),
    )

    id: Mapped[str] = _id_column("evd")
    evidence_type: Mapped[str] = mapped_column(sa.String(100))
    stage: Mapped[str] = mapped_column(sa.String(100))
    cycle: Mapped[int] = mapped_column(default=1)
    activity_id: Mapped[str | None] = mapped_column(
        sa.ForeignKey("activities.id", ondelete="SET NULL"), index=True
    )
    participant_id: Mapped[str | None] = mapped_column(
        sa.ForeignKey("participants.id", ondelete="SET NULL"), index=True
    )
    """The first of ``participant_ids`` (null without any): what API 1.x clients read."""
    participant_ids: Mapped[list[str]] = mapped_column(default=list)
    """The people it came from, in the order given; ``evidence_participants`` indexes them."""
    dimensions: Mapped[list[str]] = mapped_column(default=list)
    indicators: Mapped[list[str]] = mapped_column(default=list)
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    consent: Mapped[str] = mapped_column(sa.String(20), default="not_recorded")
    publication_consent: Mapped[str] = mapped_column(sa.String(20), default="not_recorded")
    """Consent to publish this piece beyond the organisation (a photo, a voice)."""
    visibility: Mapped[str] = mapped_column(sa.String(20), default="organisation")
    collected_on: Mapped[dt.date | None]
    file_name: Mapped[str | None] = mapped_column(sa.String(255))
    file_content_type: Mapped[str | None] = mapped_column(sa.String(100))
    file_size: Mapped[int | None] = mapped_column(sa.BigInteger)
    file_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    file_stored_as: Mapped[str | None] = mapped_column(sa.String(81))
    """The name the file store keeps the file under, where that is not ``file_sha256``
    alone: in object storage, the digest and a token of its upload's own. Null for a
    file in a folder, and for one uploaded before names had tokens."""
    file_uploaded_at: Mapped[dt.datetime | None]
    erased_at: Mapped[dt.datetime | None]

    @property
    def stored_file_name(self) -> str | None:
        """The name the file store keeps its file under (None: it has none).

        ``file_stored_as`` counts only while it names the bytes ``file_sha256`` gives: a
        process of an earlier release, still serving while the machines are upgraded one
        by one, writes ``file_sha256`` alone, and then its file is kept under that (a
        trigger of migration 0017 also forgets the name then)."""
        stored_as, sha256 = self.file_stored_as, self.file_sha256
        if sha256 is not None and stored_as is not None and stored_as[:65] == f"{sha256}.":
            return stored_as
        return sha256

    def forget_file(self) -> str | None:
        """Clear the file's fields; the name of the file it had, for deleting after the
        commit (None if it had none)."""
        name = self.stored_file_name
        self.file_name = None
        self.file_content_type = None
        self.file_size = None
        self.file_sha256 = None
        self.file_stored_as = None
        self.file_uploaded_at = None
        return name


def stored_file_name() -> sa.ColumnElement[str | None]:
    """``Evidence.stored_file_name`` in a query."""
    return sa.case(
        (
            sa.func.substr(Evidence.file_stored_as, 1, 65) == Evidence.file_sha256 + ".",
            Evidence.file_stored_as,
        ),
        else_=Evidence.file_sha256,
    )


class Assessment(Mirrored, InInitiative, Base):
    """Ratings of a toolkit's dimensions on one of its scales, from one perspective."""

    __tablename__ = "assessments"
    __table_args__ = (
        sa.UniqueConstraint("initiative_id", "external_ref"),
        _page_index("assessments", "initiative_id"),
        _changed_index("assessments", "initiative_id"),
    )

    id: Mapped[str] = _id_column("asm")
    scale: Mapped[str] = mapped_column(sa.String(100))
    perspective: Mapped[str] = mapped_column(sa.String(50))
    cycle: Mapped[int] = mapped_column(default=1)
    stage: Mapped[str] = mapped_column(sa.String(100))
    ratings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    assessed_on: Mapped[dt.date]
    note: Mapped[str] = mapped_column(sa.Text, default="")


class CaseStudy(InInitiative, Base):
    """A case study of an initiative: section texts people edit, and the evidence it cites.

    What it says about the initiative's people, steps, outcomes and assessments is read
    from the records at every rendering; what it quotes is the cited evidence, by id, so
    a withdrawal takes a voice out of every rendering at once.
    """

    __tablename__ = "case_studies"
    __table_args__ = (_page_index("case_studies", "initiative_id"),)

    id: Mapped[str] = _id_column("cst")
    kind: Mapped[str] = mapped_column(sa.String(20))
    title: Mapped[str] = mapped_column(sa.String(200))
    dated_on: Mapped[dt.date]
    sections: Mapped[dict[str, Any]] = mapped_column(default=dict)
    cited_evidence_ids: Mapped[list[str]] = mapped_column(default=list)
    created_at: Mapped[dt.datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utc_now, onupdate=utc_now)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class LibraryEntry(Owned, Base):
    """A case study published to the network's library, readable by every organisation.

    It keeps the texts and citations as they were published; what it quotes is read from
    the cited evidence at every reading, and only while it is ``publishable``, so a
    withdrawal or erasure takes a voice out of it in the transaction that makes it.
    ``search_text`` holds only what people wrote for publication (title, section texts,
    themes, place, organisation), never the voices.
    """

    __tablename__ = "library_entries"
    __table_args__ = (sa.Index("ix_library_entries_page", "id"),)

    id: Mapped[str] = _id_column("lib")
    slug: Mapped[str] = mapped_column(sa.String(140), unique=True)
    case_study_id: Mapped[str] = mapped_column(
        sa.ForeignKey("case_studies.id", ondelete="CASCADE"), unique=True
    )
    initiative_id: Mapped[str] = mapped_column(sa.String(40))
    organisation_name: Mapped[str] = mapped_column(sa.String(200))
    title: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.String(20))
    dated_on: Mapped[dt.date]
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    toolkit_key: Mapped[str] = mapped_column(sa.String(100), index=True)
    stage_reached: Mapped[str] = mapped_column(sa.String(100))
    themes: Mapped[list[str]] = mapped_column(default=list)
    themes_key: Mapped[str] = mapped_column(sa.Text, default="|")
    """The themes as ``|a|b|``, lower-cased: filtered on alike in SQLite and PostgreSQL."""
    place: Mapped[str] = mapped_column(sa.String(100), default="")
    year: Mapped[int] = mapped_column(index=True)
    sections: Mapped[dict[str, Any]] = mapped_column(default=dict)
    cited_evidence_ids: Mapped[list[str]] = mapped_column(default=list)
    search_text: Mapped[str] = mapped_column(sa.Text, default="")
    owners_agreed_by: Mapped[str] = mapped_column(sa.String(200))
    published_at: Mapped[dt.datetime] = mapped_column(default=utc_now)


class AuditEvent(Owned, Base):
    """One write, export or erasure: who did it (which key), to which record, and when.

    The log is append-only: nothing in coprod updates or deletes an event, and the
    database refuses to (triggers made by the migration). It names records and the
    fields that changed, never their values, so that erasing a person's data leaves no
    copy of it here.
    """

    __tablename__ = "audit_events"
    __table_args__ = (
        sa.Index("ix_audit_events_organisation_id_record_id", "organisation_id", "record_id"),
        _page_index("audit_events", "organisation_id"),
        sa.Index("ix_audit_events_feed", "organisation_id", "position"),
    )

    id: Mapped[str] = _id_column("aud")
    occurred_at: Mapped[dt.datetime] = mapped_column(default=utc_now)
    key_id: Mapped[str | None] = mapped_column(sa.String(40))
    channel: Mapped[str] = mapped_column(sa.String(20))
    action: Mapped[str] = mapped_column(sa.String(20))
    record_type: Mapped[str] = mapped_column(sa.String(30))
    record_id: Mapped[str] = mapped_column(sa.String(40))
    initiative_id: Mapped[str | None] = mapped_column(sa.String(40), index=True)
    fields: Mapped[list[str]] = mapped_column(default=list)
    position: Mapped[int] = mapped_column(sa.BigInteger, unique=True)
    """Where the event stands in commit order, over the whole server: the change feed's
    order. Given out at commit under the change clock (``ChangeClock``), so an event is
    never committed behind one a reader has already seen."""
    event_type: Mapped[str] = mapped_column(sa.String(60))
    """What the change feed calls it, such as ``participant.consent_withdrawn``."""
    version: Mapped[int | None]
    """The record's version just after the change (None for a deletion)."""


class EventData(Base):
    """What an event showed of its record: its external_ref and the record as it then was.

    Kept apart from the append-only event so that it can go while the event stays: an
    erasure deletes it for every event about the erased person and their evidence, and
    it is deleted once the change feed's retention has passed.
    """

    __tablename__ = "event_data"

    event_id: Mapped[str] = mapped_column(
        sa.ForeignKey("audit_events.id", ondelete="CASCADE"), primary_key=True
    )
    external_ref: Mapped[str | None] = mapped_column(sa.String(200))
    record: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)


class ChangeClock(Base):
    """One row: the last position given to an event. A committing write takes it (``FOR
    UPDATE``), so positions are given out in the order the writes commit."""

    __tablename__ = "change_clock"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    position: Mapped[int] = mapped_column(sa.BigInteger)


class ErasedRef(Owned, Base):
    """A keyed hash of an erased participant's external_ref: enough to refuse a CRM that
    pushes them again, and no CRM id in clear."""

    __tablename__ = "erased_refs"
    __table_args__ = (sa.PrimaryKeyConstraint("organisation_id", "ref_hash"),)

    ref_hash: Mapped[str] = mapped_column(sa.String(64))
    erased_at: Mapped[dt.datetime] = mapped_column(default=utc_now)


class IdempotentRequest(Owned, Base):
    """A POST or PUT sent with an ``Idempotency-Key``: what it asked and what it was told.

    Kept per credential and key for a day, so a retry gets the first answer again instead
    of doing the work twice, across workers and machines.
    """

    __tablename__ = "idempotent_requests"

    credential_id: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(sa.String(255), primary_key=True)
    request_sha256: Mapped[str] = mapped_column(sa.String(64))
    method: Mapped[str] = mapped_column(sa.String(10))
    path: Mapped[str] = mapped_column(sa.String(2000))
    status: Mapped[int | None]
    """None while the first request is still running."""
    headers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    body: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(default=utc_now)
    expires_at: Mapped[dt.datetime] = mapped_column(index=True)


class WebhookSubscription(Owned, Base):
    """A receiver the organisation's changes are posted to, and where its delivery stands.

    The subscription is its own queue: ``cursor_position`` is the change feed's position of
    the last event delivered (or skipped, for types it did not ask for), so delivery reads
    the one record of changes and never keeps a second. A worker claims it with a lease
    (``leased_until``, ``lease_owner``) before it delivers, so one delivery at a time is in
    flight and order holds; a lease that runs out (a worker killed) lets another take over.
    """

    __tablename__ = "webhook_subscriptions"
    __table_args__ = (
        _page_index("webhook_subscriptions", "organisation_id"),
        sa.Index("ix_webhook_subscriptions_due", "status", "next_attempt_at"),
    )

    id: Mapped[str] = _id_column("whk")
    url: Mapped[str] = mapped_column(sa.String(2000))
    description: Mapped[str] = mapped_column(sa.String(500), default="")
    event_types: Mapped[list[str]]
    status: Mapped[str] = mapped_column(sa.String(20), default="active")
    """active, paused (by the admin) or disabled (after failing for too long)."""
    disabled_reason: Mapped[str | None] = mapped_column(sa.String(1000))
    secret: Mapped[str] = mapped_column(sa.String(200))
    """The signing key as ``whsec_<base64>``: kept as it is, since signing needs it."""
    previous_secret: Mapped[str | None] = mapped_column(sa.String(200))
    previous_secret_expires_at: Mapped[dt.datetime | None]
    cursor_position: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    next_attempt_at: Mapped[dt.datetime | None]
    failing_since: Mapped[dt.datetime | None]
    failed_attempts: Mapped[int] = mapped_column(default=0)
    leased_until: Mapped[dt.datetime | None]
    lease_owner: Mapped[str | None] = mapped_column(sa.String(100))
    created_at: Mapped[dt.datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utc_now, onupdate=utc_now)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class WebhookDelivery(Owned, Base):
    """One attempt to deliver an event (or a ping) to a subscription, as it went."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (_page_index("webhook_deliveries", "subscription_id"),)

    id: Mapped[str] = _id_column("whd")
    subscription_id: Mapped[str] = mapped_column(
        sa.ForeignKey("webhook_subscriptions.id", ondelete="CASCADE")
    )
    event_id: Mapped[str | None] = mapped_column(sa.String(40))
    """The event's id, which is also its ``webhook-id`` (None for a ping's own id)."""
    message_id: Mapped[str] = mapped_column(sa.String(40))
    event_type: Mapped[str] = mapped_column(sa.String(60))
    trigger: Mapped[str] = mapped_column(sa.String(20))
    """worker, redeliver or ping."""
    outcome: Mapped[str] = mapped_column(sa.String(20))
    """delivered, retrying, rejected (a final answer), refused (an address not allowed)."""
    attempted_at: Mapped[dt.datetime] = mapped_column(default=utc_now)
    latency_ms: Mapped[int]
    response_status: Mapped[int | None]
    response_excerpt: Mapped[str | None] = mapped_column(sa.String(1000))
    error: Mapped[str | None] = mapped_column(sa.String(1000))
