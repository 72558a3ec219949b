"""An upload's file part is read as werkzeug's own form parser reads it.

``FilePart`` looks for the boundary itself instead of passing the file's bytes through
werkzeug's decoder; here werkzeug's whole-form parser (``parse_form_data``) is the oracle.
Forms are built from the pieces that make boundaries hard to find (line breaks of every
kind, dashes, the boundary itself, its closing form) and read back in pieces of random
sizes, as a network delivers them.
"""

from __future__ import annotations

import functools
import io
import random
import urllib.parse

import pytest
from werkzeug.formparser import parse_form_data
from werkzeug.sansio.multipart import File

from api.upload_form import FEED_BYTES, READ_BYTES, FilePart, StreamedForm
from toolkits_core.service import ServiceError

BOUNDARY = b"Bnd7"
PIECES = [
    b"\r",
    b"\n",
    b"\r\n",
    b"-",
    b"--",
    BOUNDARY,
    b"--" + BOUNDARY,
    b"\r\n--" + BOUNDARY,
    b"\n--" + BOUNDARY + b"x",
    b"--" + BOUNDARY + b"--",
    b"audio",
    b"  ",
]
ENDINGS = [
    b"\r\n--" + BOUNDARY + b"--\r\n",
    b"\r\n--" + BOUNDARY + b"--",
    b"\n--" + BOUNDARY + b"--\n",
    b"\r\n--" + BOUNDARY + b"--\r\nan epilogue",
    b'\r\n--Bnd7\r\nContent-Disposition: form-data; name="note"\r\n\r\nhi\r\n--Bnd7--\r\n',
    b"",
    b"\r\n--" + BOUNDARY,
    b"\r\n--Bnd",
]


class Trickle(io.RawIOBase):
    """A body read back in pieces of 1 to 70 bytes, mostly, as a network gives them."""

    def __init__(self, data: bytes, rng: random.Random) -> None:
        self._data, self._rng = io.BytesIO(data), rng

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1, /) -> bytes:
        step = self._rng.randint(1, 70) if self._rng.random() < 0.7 else size
        return self._data.read(min(size, step) if size and size > 0 else step)


def form(content: bytes, ending: bytes) -> bytes:
    head = b'--Bnd7\r\nContent-Disposition: form-data; name="file"; filename="a.wav"\r\n\r\n'
    return head + content + ending


def read_by_file_part(body: bytes, rng: random.Random, size: int) -> bytes | None:
    """The file as ``FilePart`` reads it; None for a form it refuses."""
    streamed = StreamedForm(Trickle(body, rng), BOUNDARY, most_parts=10, memory=500_000)
    streamed.in_file = True
    try:
        while not isinstance(streamed.next(), File):
            pass
        part = FilePart(streamed, BOUNDARY)
        return b"".join(iter(lambda: part.read(size), b""))
    except ServiceError:  # a broken form (400 unreadable_body), nothing else
        return None


class Pieces(io.RawIOBase):
    """A body read back in the pieces given, then whole."""

    def __init__(self, data: bytes, sizes: list[int]) -> None:
        self._data, self._sizes = io.BytesIO(data), list(sizes)

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1, /) -> bytes:
        step = self._sizes.pop(0) if self._sizes else size
        return self._data.read(min(size, step) if size and size > 0 else step)


def read_by_werkzeug(
    body: bytes, content_type: str = "multipart/form-data; boundary=Bnd7"
) -> bytes | None:
    """The file as werkzeug's form parser reads the whole form; None if it refuses it."""
    environ = {
        "REQUEST_METHOD": "POST",
        "CONTENT_TYPE": content_type,
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
    }
    try:
        _, _, files = parse_form_data(environ, stream_factory=in_memory, silent=False)
    except Exception:
        return None
    return files["file"].read() if "file" in files else None


def in_memory(*_: object, **__: object) -> io.BytesIO:
    """Where werkzeug's parser keeps a file: memory, not a temporary file."""
    return io.BytesIO()


@pytest.mark.parametrize("seed", range(8))
def test_the_file_part_is_what_werkzeug_reads(seed):
    rng = random.Random(seed)
    compared = 0
    for _ in range(300):
        content = b"".join(
            rng.choice([*PIECES, rng.randbytes(rng.randint(1, 30))])  # and binary runs
            for _ in range(rng.randint(0, 12))
        )
        if (content or b"").startswith(b"--" + BOUNDARY):
            continue  # the boundary at once: how werkzeug splits it depends on its reads
        body = form(content, rng.choice(ENDINGS))
        expected = read_by_werkzeug(body)
        got = read_by_file_part(body, rng, rng.choice([1, 5, 1024 * 1024]))
        assert got == expected, (body, got, expected)
        compared += 1
    assert compared > 200


@pytest.mark.parametrize("encoded", ["a%0Db", "a%0Ab", "a%0D%0Ab"])
def test_a_boundary_holding_a_line_break_ends_the_file_where_werkzeug_ends_it(encoded):
    """RFC 2046 allows no line break in a boundary, but werkzeug takes one given in RFC
    2231's form (boundary*=UTF-8''a%0Db): a read that ends inside it must not let the
    file run on into the next part, or the form be refused."""
    boundary = urllib.parse.unquote_to_bytes(encoded)
    head = (
        b"--" + boundary + b'\r\nContent-Disposition: form-data; name="file"; filename="a"\r\n\r\n'
    )
    delimiter = b"\r\n--" + boundary
    ending = b'\r\nContent-Disposition: form-data; name="note"\r\n\r\nhi' + delimiter + b"--\r\n"
    body = head + b"x" * 20 + delimiter + ending
    expected = read_by_werkzeug(body, f"multipart/form-data; boundary*=UTF-8''{encoded}")
    assert expected == b"x" * 20
    got = {}  # the file's first read ending anywhere up to the part's end
    for cut in range(1, 21 + len(delimiter)):  # (0: an empty read, the end of the body)
        streamed = StreamedForm(
            Pieces(body, [len(head), cut, 1]), boundary, most_parts=10, memory=500_000
        )
        streamed.in_file = True
        while not isinstance(streamed.next(), File):
            pass
        part = FilePart(streamed, boundary)
        got[cut] = b"".join(iter(functools.partial(part.read, 1024), b""))
    assert got == dict.fromkeys(got, expected)


def test_a_large_file_arrives_whole_whatever_the_reads():
    rng = random.Random(7)
    content = rng.randbytes(3 * 1024 * 1024 + 17).replace(b"\r\n--", b"\r\n-+")
    body = form(content, ENDINGS[0])
    assert read_by_file_part(body, rng, 1024 * 1024) == content


@pytest.mark.parametrize(
    "content",
    [
        b"\n--Bnd7x" * 40_000,  # a boundary at every turn, none ending the part
        b"\r\n--Bnd7" + b" " * (3 * 1024 * 1024) + b"x",  # one kept undecided by blanks
    ],
    ids=["dense false boundaries", "a boundary followed by MiBs of blanks"],
)
def test_what_is_held_back_stays_small(content, monkeypatch):
    """Bytes are held back only while they may begin the boundary: never more than a
    read and a piece, however the file is made, and the file is still werkzeug's."""
    held = []
    scan = FilePart._scan

    def watched(self):
        chunk = scan(self)
        held.append(len(self._seen))
        return chunk

    monkeypatch.setattr(FilePart, "_scan", watched)
    body = form(content, ENDINGS[0])
    assert read_by_file_part(body, random.Random(3), 1024 * 1024) == read_by_werkzeug(body)
    assert max(held) <= READ_BYTES + FEED_BYTES + 64


@pytest.mark.parametrize("shift", range(-12, 4))
def test_a_file_whose_end_falls_between_two_pieces_is_stored_byte_for_byte(shift):
    """The CRLF before the closing boundary near the end of one of the decoder's pieces
    (64 KiB each, cut from whole reads; 8 bytes before it here): werkzeug's decoder, fed
    the file, took that CR for the file's last byte, so about one upload size in 65,536
    was stored (and its SHA-256 given) with a CR too many. The file's bytes no longer
    pass through it."""
    head = len(form(b"", b""))
    size = 3 * FEED_BYTES - head - 1 + shift  # the CR near a piece's end, or at it
    content = bytes((7 * i) % 251 for i in range(size)).replace(b"\r", b"r").replace(b"\n", b"n")
    streamed = StreamedForm(
        io.BytesIO(form(content, ENDINGS[0])), BOUNDARY, most_parts=10, memory=500_000
    )
    while not isinstance(streamed.next(), File):
        pass
    part = FilePart(streamed, BOUNDARY)
    assert b"".join(iter(lambda: part.read(READ_BYTES), b"")) == content
