"""The network library over the API: publishing a case study, and reading the library.

Publishing needs the write scope and an explicit confirmation that the initiative's
owners agree. Every organisation's keys can read the whole library: that is what it is
for. A published case study shows only evidence that may leave its organisation.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask_smorest import Blueprint

from api import fields
from api.auth import requires
from api.context import request_session, services, workspace
from api.lists import ListArgs, page_reply, page_schema
from api.records import NO_IF_MATCH
from api.resources.case_studies import content_document
from toolkits_core.service import (
    CaseStudyContent,
    LibraryEntry,
    LibraryFilters,
    Scope,
    get_publication,
    library_entry,
    publish_case_study,
    published_content,
    search_library,
    unpublish_case_study,
)

blueprint = Blueprint(
    "library",
    __name__,
    url_prefix="/api/v1",
    description="The network library: case studies published for every organisation on the "
    "server to learn from, searchable.",
)


class PublishSchema(ma.Schema):
    owners_agree = ma.fields.Boolean(
        required=True,
        metadata={
            "description": "true: you confirm that the initiative's owners agree to publishing "
            "this case study to every organisation on the server (and, if the operator turns "
            "public pages on, to anyone)."
        },
    )
    agreed_by = ma.fields.String(
        required=True,
        validate=ma.validate.Length(min=1, max=200),
        metadata={"description": "Who agreed, such as a name and role; kept with the entry."},
    )
    place = ma.fields.String(
        load_default="",
        validate=ma.validate.Length(max=100),
        metadata={"description": "The local authority area it happened in, for the filters."},
    )


class LibraryEntrySchema(ma.Schema):
    slug = ma.fields.String(metadata={"description": "Its address in the library."})
    title = ma.fields.String()
    kind = ma.fields.String(metadata={"description": "retrospective or futuring (imagined)."})
    dated_on = ma.fields.Date()
    organisation = ma.fields.String(attribute="organisation_name")
    summary = ma.fields.String()
    toolkit = ma.fields.String(attribute="toolkit_key")
    stage_reached = ma.fields.String()
    themes = ma.fields.List(ma.fields.String())
    place = ma.fields.String()
    year = ma.fields.Integer()
    published_at = ma.fields.AwareDateTime()


class PublicationSchema(LibraryEntrySchema):
    id = fields.record_id(
        "The library entry's id: the audit log's record_id for its publication, each "
        "publication again and its withdrawal (record_type library_entry)."
    )
    owners_agreed_by = ma.fields.String()


class LibraryArgs(ListArgs):
    q = ma.fields.String(
        validate=ma.validate.Length(min=1, max=200),
        metadata={"description": "Words to find in what was written (full text)."},
    )
    toolkit = fields.key("Only case studies of initiatives run with this toolkit.")
    stage = fields.key("Only those whose initiative had reached this stage when published.")
    theme = ma.fields.String(
        validate=ma.validate.Length(min=1, max=100), metadata={"description": "Only this theme."}
    )
    place = ma.fields.String(
        validate=ma.validate.Length(min=1, max=100),
        metadata={"description": "Only this local authority area."},
    )
    year = ma.fields.Integer(
        validate=ma.validate.Range(min=1900, max=2200),
        metadata={"description": "Only case studies dated in this year."},
    )


class PublishedSchema(ma.Schema):
    slug = ma.fields.String()
    kind = ma.fields.String()
    imagined = ma.fields.Boolean()
    notice = ma.fields.String(allow_none=True)
    title = ma.fields.String()
    dated_on = ma.fields.Date()
    organisation = ma.fields.String()
    toolkit = ma.fields.Dict()
    sections = ma.fields.List(ma.fields.Dict())


def published_document(entry: LibraryEntry, content: CaseStudyContent) -> dict[str, Any]:
    """The JSON of a published case study: no id of the organisation's own records but the
    cited evidence's (its files are fetched by them), and no completeness check."""
    document = content_document(content)
    for private in ("id", "initiative_id", "completeness"):
        document.pop(private)
    return {"slug": entry.slug, **document}


@blueprint.route("/case-studies/<string:case_study_id>/publication", methods=["PUT"])
@blueprint.arguments(PublishSchema)
@blueprint.response(200, PublicationSchema, description="Republished: the copy is replaced.")
@blueprint.alt_response(201, schema=PublicationSchema, description="Published.")
@blueprint.doc(**NO_IF_MATCH)
@requires(Scope.RECORDS_WRITE)
def publish(body: dict[str, Any], case_study_id: str) -> Any:
    """Publish the case study to the network library, or republish it as it now reads.

    owners_agree must be true (422 owners_must_agree otherwise). The library keeps a copy
    of its texts and citations; of the evidence it cites, only what is public, consented
    for use and for publication (by the person it came from too) and not erased is ever
    shown, and a withdrawal or erasure takes it out at once.
    """
    ws = workspace()
    entry, new = publish_case_study(ws, case_study_id, **body)
    ws.commit()
    return entry, 201 if new else 200


@blueprint.route("/case-studies/<string:case_study_id>/publication")
@blueprint.response(200, PublicationSchema)
@requires(Scope.RECORDS_READ)
def show_publication(case_study_id: str) -> Any:
    """The case study's entry in the library; 404 when it is not published."""
    return get_publication(workspace(), case_study_id)


@blueprint.route("/case-studies/<string:case_study_id>/publication", methods=["DELETE"])
@blueprint.response(204)
@blueprint.doc(**NO_IF_MATCH)
@requires(Scope.RECORDS_WRITE)
def unpublish(case_study_id: str) -> None:
    """Take the case study out of the library."""
    ws = workspace()
    unpublish_case_study(ws, case_study_id)
    ws.commit()


@blueprint.route("/library")
@blueprint.arguments(LibraryArgs(), location="query")
@blueprint.response(200, page_schema(LibraryEntrySchema))
@requires(Scope.RECORDS_READ)
def search(args: dict[str, Any]) -> Any:
    """Search the library of every organisation on the server, oldest published first.

    q searches the title, the organisation, the place, the themes and the section texts
    (SQLite FTS5; PostgreSQL full text); the filters narrow it; pages by cursor.
    """
    limit, cursor = args.pop("limit"), args.pop("cursor", None)
    page = search_library(request_session(), LibraryFilters(**args), limit=limit, cursor=cursor)
    return page_reply(page, LibraryEntrySchema)


@blueprint.route("/library/<string:slug>")
@blueprint.response(200, PublishedSchema)
@requires(Scope.RECORDS_READ)
def show(slug: str) -> Any:
    """A published case study as it reads now, with only publishable evidence."""
    held = services()
    session = request_session()
    entry = library_entry(session, slug)
    return published_document(entry, published_content(session, held.host, held.files, entry))
