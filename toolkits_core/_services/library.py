"""The network library: case studies published for every organisation on the server.

The Scottish Co-production Network collects case studies so that what one place learned
is shared and built on. Publishing puts a copy of a case study's texts and citations in
the library, with an explicit confirmation that the initiative's owners agree. Every
organisation can read the library over the API, and anyone can read it as web pages when
the operator turns them on.

What a published case study quotes is read from its cited evidence at every reading, and
only evidence that is ``publishable`` (public, consented for use and for publication,
from a person who agreed to publication, not erased) is shown: a withdrawal or erasure
takes a voice out of the library in the transaction that makes it, whatever raced it.

Search is full text over what people wrote for publication (SQLite FTS5; PostgreSQL
``to_tsvector`` with a GIN index), with filters and keyset pages.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import BinaryIO

import sqlalchemy as sa
from sqlalchemy.orm import Session

from toolkits_core._host import PluginHost
from toolkits_core._services.case_studies import CaseStudyContent, Use, content_of
from toolkits_core._services.consent import publishable
from toolkits_core._services.errors import Invalid, NotFoundError
from toolkits_core._services.evidence import FileMissingError, NoFileError
from toolkits_core._services.files import FileStore
from toolkits_core._services.library_entries import index_entry, take_out
from toolkits_core._services.pagination import Page, paginate
from toolkits_core._services.workspace import Workspace
from toolkits_core._store.models import (
    CaseStudy,
    Evidence,
    Initiative,
    LibraryEntry,
    Organisation,
    utc_now,
)

PLACE_LENGTH = 100
AGREED_BY_LENGTH = 200
_WORD = re.compile(r"\w+", re.UNICODE)
_SLUG_CHARACTERS = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True, slots=True)
class LibraryFilters:
    q: str | None = None
    toolkit: str | None = None
    stage: str | None = None
    theme: str | None = None
    place: str | None = None
    year: int | None = None


def publish_case_study(
    ws: Workspace,
    case_study_id: str,
    *,
    owners_agree: bool,
    agreed_by: str,
    place: str = "",
) -> tuple[LibraryEntry, bool]:
    """Publish (or republish) a case study; the entry, and whether it is new.

    ``owners_agree`` must be true: the caller confirms that the initiative's owners agree
    to its publication, and ``agreed_by`` says who agreed (kept with the entry).
    """
    case_study = ws.get(CaseStudy, case_study_id)
    invalid = Invalid()
    if owners_agree is not True:
        invalid.add(
            "owners_agree",
            "Confirm that the initiative's owners agree to publishing it (true).",
            "owners_must_agree",
        )
    agreed = agreed_by.strip()
    if not agreed or len(agreed) > AGREED_BY_LENGTH:
        invalid.add(
            "agreed_by",
            f"Say who agreed, 1 to {AGREED_BY_LENGTH} characters (a name and role).",
            "invalid_agreed_by",
        )
    place = place.strip()
    if len(place) > PLACE_LENGTH:
        invalid.add("place", f"Up to {PLACE_LENGTH} characters.", "invalid_place")
    invalid.raise_if_any()
    initiative = ws.get(Initiative, case_study.initiative_id)
    organisation = ws.session.get(Organisation, ws.organisation_id)
    entry = ws.session.scalars(
        ws.select(LibraryEntry).where(LibraryEntry.case_study_id == case_study.id)
    ).first()
    new = entry is None
    if entry is None:
        entry = LibraryEntry(
            organisation_id=ws.organisation_id,
            case_study_id=case_study.id,
            slug=_unused_slug(ws.session, case_study.title),
        )
    sections = dict(case_study.sections)
    entry.initiative_id = initiative.id
    entry.organisation_name = organisation.name if organisation is not None else ""
    entry.title = case_study.title
    entry.kind = case_study.kind
    entry.dated_on = case_study.dated_on
    entry.summary = str(sections.get("context", ""))[:400]
    entry.toolkit_key = initiative.toolkit_key
    entry.stage_reached = initiative.stage
    entry.themes = list(initiative.themes)
    entry.themes_key = "|" + "|".join(t.lower() for t in initiative.themes) + "|"
    entry.place = place
    entry.year = case_study.dated_on.year
    entry.sections = sections
    entry.cited_evidence_ids = list(case_study.cited_evidence_ids)
    entry.owners_agreed_by = agreed
    entry.published_at = utc_now()
    entry.search_text = "\n".join(
        [
            entry.title,
            entry.organisation_name,
            entry.place,
            " ".join(entry.themes),
            *(str(text) for text in sections.values()),
        ]
    )
    ws.session.add(entry)
    ws.session.flush()
    index_entry(ws.session, entry)
    return entry, new


def unpublish_case_study(ws: Workspace, case_study_id: str) -> None:
    """Take a case study out of the library; 404 if it is not in it."""
    case_study = ws.get(CaseStudy, case_study_id)
    entry = ws.session.scalars(
        ws.select(LibraryEntry).where(LibraryEntry.case_study_id == case_study.id)
    ).first()
    if entry is None:
        raise NotFoundError("library entry", case_study.id)
    take_out(ws, entry)
    ws.session.flush()


def get_publication(ws: Workspace, case_study_id: str) -> LibraryEntry:
    case_study = ws.get(CaseStudy, case_study_id)
    entry = ws.session.scalars(
        ws.select(LibraryEntry).where(LibraryEntry.case_study_id == case_study.id)
    ).first()
    if entry is None:
        raise NotFoundError("library entry", case_study.id)
    return entry


def search_library(
    session: Session, filters: LibraryFilters, *, limit: int, cursor: str | None = None
) -> Page[LibraryEntry]:
    """Published case studies matching every filter given, oldest published first."""
    statement = sa.select(LibraryEntry)
    if filters.q:
        statement = statement.where(_matches(session, filters.q))
    if filters.toolkit:
        statement = statement.where(LibraryEntry.toolkit_key == filters.toolkit)
    if filters.stage:
        statement = statement.where(LibraryEntry.stage_reached == filters.stage)
    if filters.theme:
        needle = "|" + filters.theme.lower() + "|"
        statement = statement.where(
            sa.func.instr(LibraryEntry.themes_key, needle) > 0
            if session.get_bind().dialect.name == "sqlite"
            else sa.func.strpos(LibraryEntry.themes_key, needle) > 0
        )
    if filters.place:
        statement = statement.where(sa.func.lower(LibraryEntry.place) == filters.place.lower())
    if filters.year is not None:
        statement = statement.where(LibraryEntry.year == filters.year)
    return paginate(session, statement, LibraryEntry.id, limit=limit, cursor=cursor)


def library_entry(session: Session, slug: str) -> LibraryEntry:
    entry = session.scalars(sa.select(LibraryEntry).where(LibraryEntry.slug == slug)).first()
    if entry is None:
        raise NotFoundError("library entry", slug)
    return entry


def published_content(
    session: Session, host: PluginHost, files: FileStore, entry: LibraryEntry
) -> CaseStudyContent:
    """What the published copy says now: its texts as published, its voices only while
    publishable. Read under the publishing organisation's workspace."""
    owner = Workspace(
        session=session, organisation_id=entry.organisation_id, host=host, files=files
    )
    published = CaseStudy(
        id=entry.case_study_id,
        organisation_id=entry.organisation_id,
        initiative_id=entry.initiative_id,
        kind=entry.kind,
        title=entry.title,
        dated_on=entry.dated_on,
        sections=dict(entry.sections),
        cited_evidence_ids=list(entry.cited_evidence_ids),
    )
    return content_of(owner, published, use=Use.PUBLICATION)


def open_published_file(
    session: Session, files: FileStore, entry: LibraryEntry, evidence_id: str
) -> tuple[Evidence, BinaryIO]:
    """The file of evidence the entry cites, only while it is publishable."""
    evidence = session.scalars(
        sa.select(Evidence).where(
            Evidence.organisation_id == entry.organisation_id,
            Evidence.initiative_id == entry.initiative_id,
            Evidence.id == evidence_id,
            publishable(),
        )
    ).first()
    if evidence is None or evidence_id not in entry.cited_evidence_ids:
        raise NotFoundError("published file", evidence_id)
    name = evidence.stored_file_name
    if name is None:
        raise NoFileError("no_file", f"Evidence {evidence_id} has no file.")
    try:
        stream = files.open(entry.organisation_id, evidence.id, name)
    except FileNotFoundError:
        raise FileMissingError(
            "file_missing", f"The file of evidence {evidence.id} is missing from the store."
        ) from None
    return evidence, stream


_SLUG_DRAWS = 8


def _unused_slug(session: Session, title: str) -> str:
    """The title's words and a random suffix, drawn again while another entry, of any
    organisation, has it: many entries share a title ("Community walks"), and among 600
    of them two share 24 random bits about one time in a hundred. Two publications
    drawing the same unused slug at the same moment remain, a race the unique index
    refuses and the client hears as a write conflict to retry."""
    base = _SLUG_CHARACTERS.sub("-", title.lower()).strip("-")[:100] or "case-study"
    for _ in range(_SLUG_DRAWS):
        slug = f"{base}-{secrets.token_hex(3)}"
        taken = sa.select(LibraryEntry.id).where(LibraryEntry.slug == slug)
        if session.scalars(taken).first() is None:
            return slug
    return f"{base}-{secrets.token_hex(8)}"  # this title's short slugs are crowded


def _fts_query(text: str) -> str:
    """The words of a search as an FTS5 query of quoted terms: no operator of the user's
    (NEAR, *, column filters, quotes) reaches FTS5."""
    return " ".join(f'"{word}"' for word in _WORD.findall(text)) or '""'


def _matches(session: Session, text: str) -> sa.ColumnElement[bool]:
    if session.get_bind().dialect.name == "postgresql":
        return sa.func.to_tsvector(sa.literal_column("'english'"), LibraryEntry.search_text).op(
            "@@"
        )(sa.func.websearch_to_tsquery(sa.literal_column("'english'"), text))
    found = sa.text("SELECT entry_id FROM library_search WHERE library_search MATCH :query")
    return LibraryEntry.id.in_(found.bindparams(query=_fts_query(text)).columns(entry_id=sa.String))
