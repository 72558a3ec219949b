"""A request that stores a file but never commits leaves no file behind."""

from __future__ import annotations

import io
import threading

import pytest
import sqlalchemy as sa

from api.context import services
from toolkits_core._store.models import stored_file_name
from toolkits_core.service import Evidence, LocalFileStore, Workspace


def workspace(database, plugin_host, org, root):
    return Workspace(database.new_session(), org.id, plugin_host, LocalFileStore(root))


def test_an_abandoned_upload_is_deleted_and_a_committed_one_kept(
    database, plugin_host, org, tmp_path
):
    evidence = new_evidence(org.api)
    ws = workspace(database, plugin_host, org, tmp_path)
    stored = ws.put_file(evidence, io.BytesIO(b"never committed"), max_bytes=1000)
    path = tmp_path / org.id / evidence / stored.sha256
    assert path.exists()
    ws.abandon()
    ws.session.close()
    assert not path.exists()

    ws = workspace(database, plugin_host, org, tmp_path)
    stored = ws.put_file(evidence, io.BytesIO(b"committed"), max_bytes=1000)
    ws.session.get(Evidence, evidence).file_sha256 = stored.sha256
    ws.commit()
    ws.abandon()  # what the app does when every request ends
    ws.session.close()
    assert (tmp_path / org.id / evidence / stored.sha256).exists()


def test_a_failed_replacement_keeps_the_file_the_evidence_still_names(
    app, api, database, plugin_host, org
):
    evidence = new_evidence(api)
    minutes = b"Minutes of the walk group, 3 March."
    uploaded = api.put(
        f"evidence/{evidence}/file",
        data={"file": (io.BytesIO(minutes), "minutes.txt", "text/plain")},
    )
    assert uploaded.status_code == 200, uploaded.json
    ws = Workspace(database.new_session(), org.id, plugin_host, services(app).files)
    ws.put_file(evidence, io.BytesIO(minutes), max_bytes=1000)
    ws.abandon()
    ws.session.close()
    assert api.get(f"evidence/{evidence}/file").data == minutes


def new_evidence(api):
    initiative = api.post("initiatives", json={"toolkit": "coproduction-star", "title": "x"})
    response = api.post(
        f"initiatives/{initiative.json['id']}/evidence",
        json={"evidence_type": "document", "payload": {"title": "Minutes"}},
    )
    assert response.status_code == 201, response.json
    return response.json["id"]


def test_a_failed_upload_keeps_the_same_bytes_another_is_recording(
    database, plugin_host, org, tmp_path
):
    """Two uploads of the same file to the same evidence (a client's retry) store it under
    one name. If one fails while the other is recording it, the failed one's clean-up
    waits for the other's commit (it decides under the row's lock) and keeps the file:
    deleting it there left a committed row naming a missing file."""
    evidence = new_evidence(org.api)
    failing = workspace(database, plugin_host, org, tmp_path)
    recording = workspace(database, plugin_host, org, tmp_path)
    try:
        failing.put_file(evidence, io.BytesIO(b"the charter, signed"), max_bytes=1000)
        stored = recording.put_file(evidence, io.BytesIO(b"the charter, signed"), max_bytes=1000)
        if database.is_sqlite:
            recording.hold_write_lock()
        recording.session.get(Evidence, evidence).file_sha256 = stored.sha256
        recording.session.flush()  # the row is locked until the commit

        cleaning = threading.Thread(target=failing.abandon)
        cleaning.start()
        cleaning.join(0.5)
        assert cleaning.is_alive(), "the clean-up waits for the row"
        recording.commit()
        cleaning.join(30)
        assert not cleaning.is_alive()
    finally:
        failing.session.close()
        recording.session.close()
    assert (tmp_path / org.id / evidence / stored.sha256).exists()


def test_a_commit_that_deletes_a_replaced_file_leaves_the_records_as_written(
    database, plugin_host, org, tmp_path
):
    """The replaced file goes after the commit, decided on a connection of its own: the
    records the answer is built from are not expired and read again (another request's
    version could then be answered, or a row deleted meanwhile fail a committed write)."""
    evidence = new_evidence(org.api)
    ws = workspace(database, plugin_host, org, tmp_path)
    try:
        first = ws.put_file(evidence, io.BytesIO(b"first draft"), max_bytes=1000)
        record = ws.session.get(Evidence, evidence)
        record.file_sha256 = first.sha256
        ws.commit()
        second = ws.put_file(evidence, io.BytesIO(b"signed copy"), max_bytes=1000)
        record.file_sha256 = second.sha256
        ws.session.flush()
        ws.delete_file_after_commit(evidence, first.sha256)
        ws.commit()
        assert not sa.inspect(record).expired_attributes
    finally:
        ws.session.close()
    assert not (tmp_path / org.id / evidence / first.sha256).exists()
    assert (tmp_path / org.id / evidence / second.sha256).exists()


A, B = "a" * 64, "b" * 64


@pytest.mark.parametrize(
    ("sha256", "stored_as", "name"),
    [
        (None, None, None),
        (A, None, A),  # a folder's file, or an object stored before names had tokens
        (A, f"{A}.0123456789abcdef", f"{A}.0123456789abcdef"),
        # An earlier release, still serving during a rolling upgrade, wrote the digest
        # alone: its file is kept under that, whatever name an upload gave before.
        (B, f"{A}.0123456789abcdef", B),
        (None, f"{A}.0123456789abcdef", None),
    ],
)
def test_a_row_names_its_file_by_its_token_only_while_the_token_goes_with_its_digest(
    database, org, sha256, stored_as, name
):
    evidence = new_evidence(org.api)
    with database.session() as session:
        record = session.get(Evidence, evidence)
        record.file_sha256, record.file_stored_as = sha256, stored_as
        session.commit()
        assert record.stored_file_name == name
        in_sql = sa.select(stored_file_name()).where(Evidence.id == evidence)
        assert session.execute(in_sql).scalar_one() == name


def test_the_release_before_writing_a_new_digest_makes_the_row_forget_its_name(database, org):
    """While machines are upgraded one at a time, one of the release before (which knows
    nothing of ``file_stored_as``) writes the digest alone: the database forgets the name
    then, so the row names the object that release wrote. This release's own writes,
    which give the name with every new digest, keep theirs."""
    evidence = new_evidence(org.api)
    first, second = "c" * 64, "d" * 64

    def write(**columns):
        with database.engine.begin() as connection:
            connection.execute(sa.update(Evidence).where(Evidence.id == evidence).values(columns))
            return connection.execute(
                sa.select(Evidence.file_stored_as, stored_file_name()).where(
                    Evidence.id == evidence
                )
            ).one()

    assert write(file_sha256=first, file_stored_as=f"{first}.0123456789abcdef") == (
        f"{first}.0123456789abcdef",
        f"{first}.0123456789abcdef",
    ), "this release's upload"
    assert write(file_sha256=second) == (None, second), "the release before replaces it"
    assert write(file_sha256=first) == (None, first), "and sends the first bytes back"
    assert write(file_stored_as=f"{first}.fedcba9876543210") == (
        f"{first}.fedcba9876543210",
        f"{first}.fedcba9876543210",
    ), "this release mends it under a new name, the digest unchanged"
    assert write(file_sha256=None) == (None, None), "the release before removes it"
