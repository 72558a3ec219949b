"""The generated client against a real server: what an integrator's code does with it.

Every call goes through the generated functions and models; none of this file speaks
HTTP by hand. A test failing here after a change to the API means integrators' code
would break the same way.
"""

from __future__ import annotations

import hashlib
import io
import struct
import uuid

import pytest
from coprod_client import AuthenticatedClient
from coprod_client.api.evidence import create_evidence
from coprod_client.api.files import download_evidence_file, upload_evidence_file
from coprod_client.api.initiatives import (
    create_initiative,
    get_initiative,
    list_initiatives,
    update_initiative,
)
from coprod_client.errors import NotModified, ProblemError
from coprod_client.models import (
    EvidenceFile,
    EvidenceInput,
    EvidenceInputPayload,
    FileUpload,
    Initiative,
    InitiativeInput,
    InitiativePatch,
)
from coprod_client.types import UNSET, File

STAR = "coproduction-star"


def wav_bytes(samples: int = 800) -> bytes:
    """A tiny, valid PCM WAV file: what a recorded interview uploads as."""
    data = b"\x00\x00" * samples
    header = b"RIFF" + struct.pack("<I", 36 + len(data)) + b"WAVE"
    fmt = b"fmt " + struct.pack("<IHHIIHH", 16, 1, 1, 8000, 16000, 2, 16)
    return header + fmt + b"data" + struct.pack("<I", len(data)) + data


def new_initiative(client: AuthenticatedClient, title: str = "Walks") -> Initiative:
    return create_initiative.sync(
        client=client,
        body=InitiativeInput(toolkit=STAR, title=title, external_ref=f"crm-{uuid.uuid4()}"),
    )


def test_a_created_record_comes_back_typed_with_what_the_server_set(client):
    made = new_initiative(client, "Lunch club")
    assert isinstance(made, Initiative)
    assert made.id.startswith("ini_")
    assert made.version == 1
    assert made.stage  # the toolkit's first stage, set by the server
    assert made.created_at.tzinfo is not None
    assert get_initiative.sync(made.id, client=client) == made


def test_a_list_is_walked_page_by_page_with_its_cursor(client):
    made = {new_initiative(client, f"Page walk {n}").id for n in range(5)}
    seen: list[str] = []
    cursor = UNSET
    pages = 0
    while True:
        page = list_initiatives.sync(client=client, limit=2, cursor=cursor)
        assert len(page.items) <= 2
        seen += [initiative.id for initiative in page.items]
        pages += 1
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert made <= set(seen)
    assert len(seen) == len(set(seen)), "no record is on two pages"
    assert pages >= 3


def test_a_change_sent_with_a_stale_etag_is_refused_as_a_typed_problem(client):
    made = new_initiative(client)
    read = get_initiative.sync_detailed(made.id, client=client)
    etag = read.headers["ETag"]
    changed = update_initiative.sync(
        made.id, client=client, body=InitiativePatch(summary="With the club"), if_match=etag
    )
    assert changed.version == 2
    assert changed.summary == "With the club"
    with pytest.raises(ProblemError) as refused:
        update_initiative.sync(
            made.id, client=client, body=InitiativePatch(summary="Old read"), if_match=etag
        )
    assert refused.value.status_code == 412
    assert refused.value.code == "stale_etag"
    assert refused.value.problem.current_etag not in (UNSET, etag)
    assert get_initiative.sync(made.id, client=client).summary == "With the club"


def test_a_read_of_the_version_you_hold_is_not_modified(client):
    made = new_initiative(client)
    etag = get_initiative.sync_detailed(made.id, client=client).headers["ETag"]
    with pytest.raises(NotModified) as unchanged:
        get_initiative.sync(made.id, client=client, if_none_match=etag)
    assert unchanged.value.etag == etag
    assert (
        get_initiative.sync_detailed(made.id, client=client, if_none_match=etag).status_code == 304
    )


def test_a_file_is_uploaded_to_evidence_and_downloaded_byte_for_byte(client):
    made = new_initiative(client)
    evidence = create_evidence.sync(
        made.id,
        client=client,
        body=EvidenceInput(
            evidence_type="audio-interview",
            payload=EvidenceInputPayload.from_dict({"caption": "An interview"}),
        ),
    )
    assert evidence.expects_file
    assert evidence.file is None
    sound = wav_bytes()
    upload = File(payload=io.BytesIO(sound), file_name="interview.wav", mime_type="audio/wav")
    stored = upload_evidence_file.sync(evidence.id, client=client, body=FileUpload(file=upload))
    assert isinstance(stored.file, EvidenceFile)
    assert stored.file.sha256 == hashlib.sha256(sound).hexdigest()
    assert stored.file.size == len(sound)
    downloaded = download_evidence_file.sync(evidence.id, client=client)
    assert downloaded.payload.read() == sound


def test_a_refused_request_raises_the_problem_with_each_fields_error(client):
    with pytest.raises(ProblemError) as refused:
        create_initiative.sync(client=client, body=InitiativeInput(toolkit=STAR, title=""))
    assert refused.value.status_code == 422
    assert refused.value.code == "invalid_request"
    fields = {error.field for error in refused.value.problem.errors}
    assert "title" in fields


def test_a_request_without_a_valid_key_raises_a_401_problem(server):
    stranger = AuthenticatedClient(base_url=server.base_url, token="coprod_key_nope.x")
    with stranger, pytest.raises(ProblemError) as refused:
        list_initiatives.sync(client=stranger)
    assert refused.value.status_code == 401
    assert refused.value.code == "invalid_key"
