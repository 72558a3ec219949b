"""Every operation's ``operationId`` and tag: one table, applied when the document is built.

Client generators name their functions after ``operationId`` (``list_initiatives``,
``listInitiatives``) and their modules after the tag, so these names are part of the API:
a client written against ``createEvidence`` breaks when it becomes ``addEvidence``.
Renaming one is a breaking change, as renaming a path is (docs/api.md, "Generated
clients"). They live here, keyed by method and path, rather than on each view, so that
the whole vocabulary can be read, and kept consistent, in one screen; an operation that
is missing from the table is served without an ``operationId`` and
``tests/rest/test_operation_names.py`` fails naming it.

Tags group the operations as docs/api.md groups its sections, each tag's description
naming the section to read.
"""

from __future__ import annotations

from typing import Any, NamedTuple


class Tag(NamedTuple):
    name: str
    description: str


TAGS = [
    Tag(
        "toolkits",
        "The toolkits the loaded plugins provide, and the plugins themselves "
        '(docs/api.md, "Toolkits and their versions").',
    ),
    Tag(
        "initiatives",
        "Co-production initiatives, each run with one toolkit; create or "
        'replace one by your own id (docs/api.md, "Upserts by your own ids").',
    ),
    Tag(
        "stages",
        "Where an initiative stands in its toolkit's stages, and moving it on "
        '(docs/api.md, "Stages").',
    ),
    Tag(
        "participants",
        "The people and organisations taking part in an initiative, by "
        "role, with only a display name or pseudonym and their consent.",
    ),
    Tag(
        "activities",
        "What was done in an initiative's stages, such as a workshop or a walk, and who took part.",
    ),
    Tag(
        "evidence",
        "What an initiative gathered: notes, quotes, stories, counts, links, "
        "and recordings, photos, videos and documents.",
    ),
    Tag(
        "files",
        "The file of a recording, photo, video or document: upload, download, "
        'remove (docs/api.md, "Uploads").',
    ),
    Tag(
        "assessments",
        "Ratings of a toolkit's dimensions on one of its scales, from one "
        "perspective, kept over time and summarised by the toolkit's plugin.",
    ),
    Tag(
        "case-studies",
        "Case studies generated from an initiative's own records, edited by people, and "
        'rendered as JSON, Markdown, a printable page and charts (docs/api.md, "Case studies").',
    ),
    Tag(
        "library",
        "The network library: publishing a case study for every organisation on the server "
        'to read, and searching it (docs/api.md, "Case studies", "The network library").',
    ),
    Tag(
        "change-feed",
        "Every change to the organisation's records, in commit order, behind "
        'a cursor, and the full export to start from (docs/api.md, "The change feed").',
    ),
    Tag(
        "webhooks",
        "Signed deliveries of the change feed's events to your receivers, as they happen "
        '(docs/api.md, "Webhooks: hearing of changes as they happen").',
    ),
    Tag(
        "bulk", 'Many upserts by your own ids in one NDJSON request (docs/api.md, "Bulk upserts").'
    ),
    Tag(
        "data-protection",
        "Subject access, erasure and the audit log, for the data "
        'protection officer (docs/api.md, "Data protection").',
    ),
    Tag(
        "organisation",
        'Your organisation and its API keys (docs/api.md, "Keys, OAuth2 clients and scopes").',
    ),
    Tag(
        "oauth",
        "OAuth2 client credentials for machines: register and revoke clients, and trade a "
        "client's id and secret for a short-lived token (docs/api.md, "
        '"OAuth2 client credentials").',
    ),
]
"""In the order Swagger UI shows them: from what a toolkit is, through an initiative's
records, to keeping a copy in step and administering the organisation."""

V1 = "/api/v1"

OPERATIONS: dict[tuple[str, str], tuple[str, str]] = {
    # (method, path): (operationId, tag)
    ("get", f"{V1}/toolkits"): ("listToolkits", "toolkits"),
    ("get", f"{V1}/toolkits/{{key}}"): ("getToolkit", "toolkits"),
    ("get", f"{V1}/toolkits/{{key}}/evidence-types/{{evidence_type}}/schema"): (
        "getEvidenceTypeSchema",
        "toolkits",
    ),
    ("get", f"{V1}/plugins"): ("listPlugins", "toolkits"),
    ("get", f"{V1}/initiatives"): ("listInitiatives", "initiatives"),
    ("post", f"{V1}/initiatives"): ("createInitiative", "initiatives"),
    ("put", f"{V1}/initiatives/by-external-ref/{{ref}}"): ("upsertInitiative", "initiatives"),
    ("get", f"{V1}/initiatives/{{initiative_id}}"): ("getInitiative", "initiatives"),
    ("patch", f"{V1}/initiatives/{{initiative_id}}"): ("updateInitiative", "initiatives"),
    ("delete", f"{V1}/initiatives/{{initiative_id}}"): ("deleteInitiative", "initiatives"),
    ("get", f"{V1}/initiatives/{{initiative_id}}/progress"): ("getInitiativeProgress", "stages"),
    ("get", f"{V1}/initiatives/{{initiative_id}}/transitions"): ("listTransitions", "stages"),
    ("post", f"{V1}/initiatives/{{initiative_id}}/transitions"): ("createTransition", "stages"),
    ("get", f"{V1}/participants"): ("listAllParticipants", "participants"),
    ("get", f"{V1}/initiatives/{{initiative_id}}/participants"): (
        "listParticipants",
        "participants",
    ),
    ("post", f"{V1}/initiatives/{{initiative_id}}/participants"): (
        "createParticipant",
        "participants",
    ),
    ("put", f"{V1}/initiatives/{{initiative_id}}/participants/by-external-ref/{{ref}}"): (
        "upsertParticipant",
        "participants",
    ),
    ("get", f"{V1}/participants/{{participant_id}}"): ("getParticipant", "participants"),
    ("patch", f"{V1}/participants/{{participant_id}}"): ("updateParticipant", "participants"),
    ("delete", f"{V1}/participants/{{participant_id}}"): ("deleteParticipant", "participants"),
    ("get", f"{V1}/initiatives/{{initiative_id}}/activities"): ("listActivities", "activities"),
    ("post", f"{V1}/initiatives/{{initiative_id}}/activities"): (
        "createActivity",
        "activities",
    ),
    ("put", f"{V1}/initiatives/{{initiative_id}}/activities/by-external-ref/{{ref}}"): (
        "upsertActivity",
        "activities",
    ),
    ("get", f"{V1}/activities/{{activity_id}}"): ("getActivity", "activities"),
    ("patch", f"{V1}/activities/{{activity_id}}"): ("updateActivity", "activities"),
    ("delete", f"{V1}/activities/{{activity_id}}"): ("deleteActivity", "activities"),
    ("get", f"{V1}/initiatives/{{initiative_id}}/evidence"): ("listEvidence", "evidence"),
    ("post", f"{V1}/initiatives/{{initiative_id}}/evidence"): ("createEvidence", "evidence"),
    ("put", f"{V1}/initiatives/{{initiative_id}}/evidence/by-external-ref/{{ref}}"): (
        "upsertEvidence",
        "evidence",
    ),
    ("get", f"{V1}/evidence/{{evidence_id}}"): ("getEvidence", "evidence"),
    ("patch", f"{V1}/evidence/{{evidence_id}}"): ("updateEvidence", "evidence"),
    ("delete", f"{V1}/evidence/{{evidence_id}}"): ("deleteEvidence", "evidence"),
    ("put", f"{V1}/evidence/{{evidence_id}}/file"): ("uploadEvidenceFile", "files"),
    ("get", f"{V1}/evidence/{{evidence_id}}/file"): ("downloadEvidenceFile", "files"),
    ("delete", f"{V1}/evidence/{{evidence_id}}/file"): ("deleteEvidenceFile", "files"),
    ("get", f"{V1}/initiatives/{{initiative_id}}/assessments"): (
        "listAssessments",
        "assessments",
    ),
    ("post", f"{V1}/initiatives/{{initiative_id}}/assessments"): (
        "createAssessment",
        "assessments",
    ),
    ("get", f"{V1}/initiatives/{{initiative_id}}/assessments/comparison"): (
        "compareAssessments",
        "assessments",
    ),
    ("get", f"{V1}/assessments/{{assessment_id}}"): ("getAssessment", "assessments"),
    ("patch", f"{V1}/assessments/{{assessment_id}}"): ("updateAssessment", "assessments"),
    ("delete", f"{V1}/assessments/{{assessment_id}}"): ("deleteAssessment", "assessments"),
    ("get", f"{V1}/events"): ("listEvents", "change-feed"),
    ("get", f"{V1}/export"): ("exportRecords", "change-feed"),
    ("post", f"{V1}/bulk"): ("bulkUpsert", "bulk"),
    ("get", f"{V1}/participants/{{participant_id}}/subject-access"): (
        "getSubjectAccess",
        "data-protection",
    ),
    ("post", f"{V1}/participants/{{participant_id}}/erasure"): (
        "eraseParticipant",
        "data-protection",
    ),
    ("get", f"{V1}/audit-events"): ("listAuditEvents", "data-protection"),
    ("get", f"{V1}/organisation"): ("getOrganisation", "organisation"),
    ("patch", f"{V1}/organisation"): ("updateOrganisation", "organisation"),
    ("get", f"{V1}/keys"): ("listKeys", "organisation"),
    ("post", f"{V1}/keys"): ("createKey", "organisation"),
    ("get", f"{V1}/keys/{{key_id}}"): ("getKey", "organisation"),
    ("delete", f"{V1}/keys/{{key_id}}"): ("revokeKey", "organisation"),
    ("get", f"{V1}/oauth/clients"): ("listOAuthClients", "oauth"),
    ("post", f"{V1}/oauth/clients"): ("createOAuthClient", "oauth"),
    ("get", f"{V1}/oauth/clients/{{client_id}}"): ("getOAuthClient", "oauth"),
    ("delete", f"{V1}/oauth/clients/{{client_id}}"): ("revokeOAuthClient", "oauth"),
    ("post", f"{V1}/oauth/token"): ("createOAuthToken", "oauth"),
    ("get", f"{V1}/initiatives/{{initiative_id}}/case-studies"): (
        "listCaseStudies",
        "case-studies",
    ),
    ("post", f"{V1}/initiatives/{{initiative_id}}/case-studies"): (
        "createCaseStudy",
        "case-studies",
    ),
    ("get", f"{V1}/case-studies/{{case_study_id}}"): ("getCaseStudy", "case-studies"),
    ("patch", f"{V1}/case-studies/{{case_study_id}}"): ("updateCaseStudy", "case-studies"),
    ("delete", f"{V1}/case-studies/{{case_study_id}}"): ("deleteCaseStudy", "case-studies"),
    ("get", f"{V1}/case-studies/{{case_study_id}}/content"): (
        "getCaseStudyContent",
        "case-studies",
    ),
    ("get", f"{V1}/case-studies/{{case_study_id}}/completeness"): (
        "getCaseStudyCompleteness",
        "case-studies",
    ),
    ("get", f"{V1}/case-studies/{{case_study_id}}/case-study.html"): (
        "renderCaseStudyHtml",
        "case-studies",
    ),
    ("get", f"{V1}/case-studies/{{case_study_id}}/case-study.md"): (
        "renderCaseStudyMarkdown",
        "case-studies",
    ),
    ("get", f"{V1}/case-studies/{{case_study_id}}/charts/radar.svg"): (
        "getCaseStudyRadar",
        "case-studies",
    ),
    ("get", f"{V1}/case-studies/{{case_study_id}}/charts/radar.txt"): (
        "getCaseStudyRadarText",
        "case-studies",
    ),
    ("get", f"{V1}/case-studies/{{case_study_id}}/charts/timeline.svg"): (
        "getCaseStudyTimeline",
        "case-studies",
    ),
    ("get", f"{V1}/case-studies/{{case_study_id}}/charts/timeline.txt"): (
        "getCaseStudyTimelineText",
        "case-studies",
    ),
    ("get", f"{V1}/case-studies/{{case_study_id}}/publication"): ("getPublication", "library"),
    ("put", f"{V1}/case-studies/{{case_study_id}}/publication"): ("publishCaseStudy", "library"),
    ("delete", f"{V1}/case-studies/{{case_study_id}}/publication"): (
        "unpublishCaseStudy",
        "library",
    ),
    ("get", f"{V1}/library"): ("searchLibrary", "library"),
    ("get", f"{V1}/library/{{slug}}"): ("getLibraryEntry", "library"),
    ("get", f"{V1}/webhooks"): ("listWebhooks", "webhooks"),
    ("post", f"{V1}/webhooks"): ("createWebhook", "webhooks"),
    ("get", f"{V1}/webhooks/{{webhook_id}}"): ("getWebhook", "webhooks"),
    ("patch", f"{V1}/webhooks/{{webhook_id}}"): ("updateWebhook", "webhooks"),
    ("delete", f"{V1}/webhooks/{{webhook_id}}"): ("deleteWebhook", "webhooks"),
    ("post", f"{V1}/webhooks/{{webhook_id}}/rotate-secret"): ("rotateWebhookSecret", "webhooks"),
    ("post", f"{V1}/webhooks/{{webhook_id}}/ping"): ("pingWebhook", "webhooks"),
    ("get", f"{V1}/webhooks/{{webhook_id}}/deliveries"): ("listWebhookDeliveries", "webhooks"),
    ("post", f"{V1}/webhooks/{{webhook_id}}/deliveries/{{delivery_id}}/redeliver"): (
        "redeliverWebhookDelivery",
        "webhooks",
    ),
}
"""Names are camelCase verbs on the domain's nouns: list, get, create, update (PATCH),
upsert (PUT by your own id), delete; a verb of its own where the operation is one
(``eraseParticipant``, ``compareAssessments``)."""

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def name_operations(document: dict[str, Any]) -> None:
    """Give each operation of ``document`` its ``operationId`` and tag from the table, and
    the document the tags its operations use, in ``TAGS`` order, described.

    An operation the table does not know keeps the tag of its blueprint and has no
    ``operationId`` (the test names it); the tag of a blueprint keeps its own description.
    """
    declared = {tag["name"]: tag for tag in document.get("tags", [])}
    for path, item in document.get("paths", {}).items():
        for method, operation in item.items():
            if method not in HTTP_METHODS:
                continue
            named = OPERATIONS.get((method, path))
            if named is not None:
                operation["operationId"], tag = named
                operation["tags"] = [tag]
    used = {
        tag
        for item in document.get("paths", {}).values()
        for method, operation in item.items()
        if method in HTTP_METHODS
        for tag in operation.get("tags", [])
    }
    ours = [{"name": tag.name, "description": tag.description} for tag in TAGS]
    theirs = [tag for name, tag in declared.items() if name not in {t.name for t in TAGS}]
    document["tags"] = [tag for tag in ours + theirs if tag["name"] in used]
