"""The README's walk through with curl, redone with the generated Python client.

Start ``coprod serve --demo`` and give this the key it printed:

    COPROD_KEY='coprod_key_...' python clients/python/examples/readme_walk.py

(``COPROD_URL`` is the server, http://127.0.0.1:8000 by default.) Every request goes
through ``coprod_client``'s generated functions and models: no URL, header or JSON is
written by hand, and every refusal arrives as a ``ProblemError`` carrying the problem
document's ``code``. clients/python/tests/test_readme_walk.py runs it against a live server.
"""

from __future__ import annotations

import io
import os
import sys

from coprod_client import AuthenticatedClient
from coprod_client.api.activities import list_activities
from coprod_client.api.assessments import compare_assessments
from coprod_client.api.evidence import create_evidence, list_evidence
from coprod_client.api.files import upload_evidence_file
from coprod_client.api.initiatives import (
    create_initiative,
    get_initiative,
    list_initiatives,
    update_initiative,
)
from coprod_client.api.stages import create_transition, get_initiative_progress
from coprod_client.api.toolkits import get_toolkit, list_toolkits
from coprod_client.errors import ProblemError
from coprod_client.models import (
    EvidenceFile,
    EvidenceInput,
    EvidenceInputConsent,
    EvidenceInputPayload,
    FileUpload,
    InitiativeInput,
    InitiativePatch,
    TransitionRequest,
)
from coprod_client.types import File

CHARTER = {
    "title": "Out and About charter",
    "roles": "Walk leaders, café hosts, pupils and staff",
    "responsibilities": "No walk is cancelled without a phone call",
    "incentives": "School certificates, lunch at the café, bus fares",
}


def refused(error: ProblemError) -> str:
    return f"{error.status_code} {error.code}"


def walk(client: AuthenticatedClient) -> None:
    """Each step of the README's walk, in its order, printing what each answer says."""
    # The toolkits, one in full, and the demo initiative.
    toolkits = list_toolkits.sync(client=client)
    print("toolkits:", ", ".join(toolkit.key for toolkit in toolkits.items))
    star = get_toolkit.sync("coproduction-star", client=client)
    print("Co-Production Star stages:", ", ".join(stage.key for stage in star.stages))
    demo = list_initiatives.sync(client=client).items[0]  # oldest first: the demo's
    print("demo initiative:", demo.id, demo.title)

    progress = get_initiative_progress.sync(demo.id, client=client)
    for move in progress.moves:
        waits = "; ".join(blocker.code for blocker in move.blockers)
        print(f"move to {move.to_stage}: {'allowed' if move.allowed else 'waits: ' + waits}")
    quotes = list_evidence.sync(demo.id, client=client, evidence_type="participant-quote")
    print("participant quotes:", len(quotes.items))
    comparison = compare_assessments.sync(demo.id, client=client, scale="star-self-assessment")
    print("widest gap:", comparison.gaps[0].dimension if comparison.gaps else "none")

    # Record the charter, upload its signed text, and move on to Grow it.
    written = create_evidence.sync(
        demo.id,
        client=client,
        body=EvidenceInput(
            evidence_type="co-production-charter",
            dimensions=["co-delivery"],
            indicators=["co-delivery-roles-written-down"],
            consent=EvidenceInputConsent.GIVEN,
            payload=EvidenceInputPayload.from_dict(CHARTER),
        ),
    )
    text = b"# Out and About charter\n\nAgreed and signed by everyone who takes part.\n"
    upload = File(payload=io.BytesIO(text), file_name="charter.md", mime_type="text/markdown")
    if written.advice:  # the toolkit's notes on the record as written, when it has some
        print("advice:", "; ".join(note.code for note in written.advice))
    charter = upload_evidence_file.sync(written.id, client=client, body=FileUpload(file=upload))
    print("charter file:", charter.file.name if isinstance(charter.file, EvidenceFile) else None)
    try:
        moved = create_transition.sync(
            demo.id, client=client, body=TransitionRequest(to_stage="grow-it")
        )
        print("demo moved to:", moved.stage)
    except ProblemError as error:  # walked before: the demo is at Grow it already
        codes = ", ".join(str(blocker.code) for blocker in error.problem.blockers or [])
        print(f"demo not moved: {refused(error)}, {codes}")

    # An integrator's own initiative, kept in step with its CRM by the CRM's id.
    body = InitiativeInput(
        toolkit="national-standards", title="Lunch club review", external_ref="crm-4711"
    )
    try:
        mine = create_initiative.sync(client=client, body=body)
    except ProblemError as error:  # run before: carry on with the one that has the ref
        if error.code != "external_ref_taken":
            raise
        mine = get_initiative.sync(str(error.problem.existing_id), client=client)
    found = list_initiatives.sync(client=client, external_ref="crm-4711").items
    print("found by external_ref:", [initiative.id for initiative in found] == [mine.id])
    for stage in ("plan", "do"):
        try:
            create_transition.sync(mine.id, client=client, body=TransitionRequest(to_stage=stage))
            print(f"moved to {stage}")
        except ProblemError as error:  # Do waits for agreed outcomes
            blockers = error.problem.blockers or []
            print(f"move to {stage}: {refused(error)},", ", ".join(str(b.code) for b in blockers))

    etag = get_initiative.sync_detailed(mine.id, client=client).headers["ETag"]
    summary = "Reviewing the lunch club with the people who use it."
    changed = update_initiative.sync(
        mine.id, client=client, body=InitiativePatch(summary=summary), if_match=etag
    )
    print("changed with If-Match: version", changed.version)
    try:
        stale = InitiativePatch(summary="A change based on an old read.")
        update_initiative.sync(mine.id, client=client, body=stale, if_match=etag)
    except ProblemError as error:
        print("change on an old read:", refused(error), "current:", error.problem.current_etag)

    page = list_activities.sync(demo.id, client=client, limit=3)
    print("a page of activities:", len(page.items), "next page:", page.next_cursor is not None)
    try:
        create_initiative.sync(client=client, body=InitiativeInput(toolkit="nope", title=""))
    except ProblemError as error:
        fields = sorted({str(field_error.field) for field_error in error.problem.errors or []})
        print("a request that is not valid:", refused(error), "fields:", ", ".join(fields))


def main() -> int:
    key = os.environ.get("COPROD_KEY")
    if not key:
        print("Set COPROD_KEY to the key `coprod serve --demo` printed.", file=sys.stderr)
        return 2
    url = os.environ.get("COPROD_URL", "http://127.0.0.1:8000")
    with AuthenticatedClient(base_url=url, token=key, raise_on_unexpected_status=True) as client:
        walk(client)
    return 0


if __name__ == "__main__":
    sys.exit(main())
