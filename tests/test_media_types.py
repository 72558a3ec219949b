"""Whether an upload's first bytes are of the media type it declares, over a corpus of files.

The corpus (``media_samples``) holds, for every media type coprod accepts, files as phones,
recorders, browsers and office programs write them, and files disguised as another type.
Every genuine file must be taken and every disguised one refused; which of them filetype
identifies and which fall to coprod's own rules is pinned too, so a new filetype that
names more (or less) is noticed.
"""

from __future__ import annotations

import contextlib
import io
import random

import pytest
from media_samples import DISGUISED, GENUINE

from toolkits_core._evidence_kinds import EvidenceKind
from toolkits_core._services.media import (
    ACCEPTED,
    HEAD_BYTES,
    EmptyFileError,
    MediaType,
    UnsupportedMediaTypeError,
    check_head,
    identify,
    read_head,
)

KIND_OF = {name: kind for kind, types in ACCEPTED.items() for name in types}


def media_type(name: str) -> tuple[EvidenceKind, MediaType]:
    return KIND_OF[name], ACCEPTED[KIND_OF[name]][name]


def check(declared: str, content: bytes) -> None:
    """What an upload goes through: its head read from the stream, then checked."""
    kind, declared_type = media_type(declared)
    check_head(kind, declared_type, read_head(io.BytesIO(content)))


GENUINE_CASES = [
    pytest.param(declared, make, id=f"{declared}: {label}")
    for declared, makers in GENUINE.items()
    for label, make in makers.items()
]

COPROD_RULE_ONLY = {
    ("audio/mpeg", "MPEG-1 layer III frame with CRC"),
    ("audio/mpeg", "MPEG-2.5 layer III frame"),
    ("audio/mpeg", "MPEG-1 layer II frame"),
    ("image/heic", "heix brand"),
    ("image/heif", "mif1 brand"),
    ("video/mp4", "iso5 brand, no MP4 brand beside it"),
    ("video/quicktime", "no ftyp, wide atom first"),
    ("video/quicktime", "no ftyp, moov atom first"),
}
"""The genuine files filetype names nothing for, which coprod's own rules recognise."""


def test_the_corpus_has_files_of_every_accepted_media_type():
    assert set(GENUINE) == set(KIND_OF)


@pytest.mark.parametrize(("declared", "make"), GENUINE_CASES)
def test_a_genuine_file_is_taken_as_the_type_it_declares(declared, make):
    check(declared, make())


@pytest.mark.parametrize(
    ("declared", "make"),
    [
        pytest.param(declared, make, id=f"{what} as {declared}")
        for what, declared, make in DISGUISED
    ],
)
def test_a_disguised_file_is_refused_naming_what_was_declared_and_what_is_taken(declared, make):
    with pytest.raises(UnsupportedMediaTypeError) as refused:
        check(declared, make())
    assert refused.value.status == 415
    assert refused.value.extra["declared"] == declared
    assert refused.value.extra["accepted"] == list(ACCEPTED[KIND_OF[declared]])
    assert declared in refused.value.detail


def test_filetype_identifies_every_genuine_file_but_those_coprods_rules_cover():
    """Where the library stops and coprod's rules take over, pinned for the next upgrade."""
    by_coprod = []
    for declared, makers in GENUINE.items():
        _, declared_type = media_type(declared)
        if declared_type.text:
            continue
        for label, make in makers.items():
            head = read_head(io.BytesIO(make()))
            detected = identify(head)
            if detected is None:
                assert declared_type.otherwise is not None, (declared, label)
                assert declared_type.otherwise(head), (declared, label)
                by_coprod.append((declared, label))
            else:
                assert detected in declared_type.detected_as, (declared, label, detected)
    assert set(by_coprod) == COPROD_RULE_ONLY


def test_a_refusal_says_what_the_file_looks_like_when_filetype_knows():
    with pytest.raises(UnsupportedMediaTypeError) as refused:
        check("audio/wav", GENUINE["image/png"]["1x1"]())
    assert "(image/png)" in refused.value.detail


def test_coprods_rules_never_take_a_file_filetype_names_as_something_else():
    """A HEIC photo is a ``ftyp`` file too, but filetype names it, so it is no MP4."""
    heic = GENUINE["image/heic"]["heic brand (iPhone)"]()
    assert identify(heic) == "image/heic"
    _, mp4 = media_type("video/mp4")
    assert mp4.otherwise is not None
    assert mp4.otherwise(heic) is False
    assert mp4.recognise(heic, identify(heic)) is False


def test_an_office_document_is_told_apart_within_the_head_read():
    """Its kind shows only in the zip's entry names, a few hundred bytes in."""
    docx = GENUINE["application/vnd.openxmlformats-officedocument.wordprocessingml.document"]
    content = docx["LibreOffice"]()
    assert content.index(b"word/") > 64
    assert len(read_head(io.BytesIO(content))) == min(len(content), HEAD_BYTES)
    assert identify(content[:64]) == "application/zip"
    assert identify(content[:HEAD_BYTES]) == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )


def every_sample() -> list[tuple[str, bytes]]:
    genuine = [
        (declared, make()) for declared, makers in GENUINE.items() for make in makers.values()
    ]
    return genuine + [(declared, make()) for _, declared, make in DISGUISED]


def test_a_head_cut_short_anywhere_is_taken_or_refused_never_an_error():
    """Every prefix of every sample, as a client that stops sending part-way would leave it."""
    for declared, content in every_sample():
        for length in range(1, min(len(content), 300) + 1):
            with contextlib.suppress(UnsupportedMediaTypeError):
                check(declared, content[:length])


def test_random_bytes_after_a_known_signature_are_taken_or_refused_never_an_error():
    chance = random.Random(13)
    prefixes = {content[:12] for _, content in every_sample()}
    for prefix in sorted(prefixes):
        for _ in range(20):
            noise = chance.randbytes(chance.randrange(0, 600))
            for declared in KIND_OF:
                with contextlib.suppress(UnsupportedMediaTypeError):
                    check(declared, prefix + noise)


def test_no_bytes_at_all_is_an_empty_file_not_a_type_question():
    for declared in KIND_OF:
        with pytest.raises(EmptyFileError):
            check(declared, b"")
