"""Which files each kind of evidence takes, and whether an upload's bytes are what it says.

An upload's declared media type is the client's claim; its first bytes are the evidence.
Both must agree before anything is stored: a photo that is really an executable, or an
"audio interview" that is really a spreadsheet, would be served back to other people's
browsers and players under a type that lies about it. Each accepted type therefore comes
with the signature its files begin with (the magic numbers of the format); a plain-text
document has no signature, so the whole of it must decode as UTF-8 instead.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from toolkits_core._evidence_kinds import EvidenceKind
from toolkits_core._services.errors import ServiceError
from toolkits_core._services.files import ByteSource

HEAD_BYTES = 64
"""How many of an upload's first bytes are enough to recognise every accepted format."""


class UnsupportedMediaTypeError(ServiceError):
    """The upload's type is not one the evidence takes, or its bytes are not of that type."""

    status = 415
    title = "Unsupported Media Type"


class EmptyFileError(ServiceError):
    """An upload with no bytes: nothing to keep, and almost always a client's mistake."""

    status = 422
    title = "Unprocessable Content"


def _starts(*signatures: bytes) -> Callable[[bytes], bool]:
    return lambda head: head.startswith(signatures)


def _riff(form: bytes) -> Callable[[bytes], bool]:
    """RIFF containers: ``RIFF``, a four-byte length, then the form (``WAVE``, ``WEBP``)."""
    return lambda head: head[:4] == b"RIFF" and head[8:12] == form


def _mpeg_audio(head: bytes) -> bool:
    """An ID3 tag, or straight into an MPEG audio frame (eleven set bits of frame sync)."""
    if head.startswith(b"ID3"):
        return True
    return len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0


def _iso_media(head: bytes) -> bool:
    """The ISO base media format (MP4, M4A, HEIF): a ``ftyp`` box first, at offset 4."""
    return head[4:8] == b"ftyp"


_HEIF_BRANDS = frozenset(
    {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs", b"mif1", b"msf1"}
)


def _heif(head: bytes) -> bool:
    """HEIC/HEIF: an ISO media file whose major brand is one of the image brands."""
    return _iso_media(head) and head[8:12] in _HEIF_BRANDS


def _quicktime(head: bytes) -> bool:
    """QuickTime: a ``ftyp`` box, or (older files) a top-level atom straight away."""
    return _iso_media(head) or head[4:8] in {b"moov", b"mdat", b"wide", b"free", b"skip"}


_EBML = _starts(b"\x1a\x45\xdf\xa3")  # Matroska and WebM
_ZIP = _starts(b"PK\x03\x04")  # OOXML (docx, xlsx, pptx) and ODF (odt, ods, odp)


def _text(head: bytes) -> bool:
    """The start of a UTF-8 text; the rest is checked as it streams (see ``checked_stream``)."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return b"\x00" not in head


@dataclass(frozen=True, slots=True)
class MediaType:
    """A media type an evidence kind accepts, and how to recognise its files."""

    name: str
    recognise: Callable[[bytes], bool]
    text: bool = False
    """Text has no signature: every byte of it must decode as UTF-8, with no NUL."""


def _types(*items: MediaType) -> dict[str, MediaType]:
    return {item.name: item for item in items}


ACCEPTED: Mapping[EvidenceKind, Mapping[str, MediaType]] = {
    EvidenceKind.AUDIO: _types(
        MediaType("audio/mpeg", _mpeg_audio),
        MediaType("audio/mp4", _iso_media),
        MediaType("audio/ogg", _starts(b"OggS")),
        MediaType("audio/wav", _riff(b"WAVE")),
        MediaType("audio/webm", _EBML),
        MediaType("audio/flac", _starts(b"fLaC")),
    ),
    EvidenceKind.PHOTO: _types(
        MediaType("image/jpeg", _starts(b"\xff\xd8\xff")),
        MediaType("image/png", _starts(b"\x89PNG\r\n\x1a\n")),
        MediaType("image/webp", _riff(b"WEBP")),
        MediaType("image/gif", _starts(b"GIF87a", b"GIF89a")),
        MediaType("image/heic", _heif),
        MediaType("image/heif", _heif),
    ),
    EvidenceKind.VIDEO: _types(
        MediaType("video/mp4", _iso_media),
        MediaType("video/webm", _EBML),
        MediaType("video/quicktime", _quicktime),
    ),
    EvidenceKind.DOCUMENT: _types(
        MediaType("application/pdf", _starts(b"%PDF-")),
        MediaType("text/plain", _text, text=True),
        MediaType("text/csv", _text, text=True),
        MediaType("text/markdown", _text, text=True),
        MediaType("application/vnd.openxmlformats-officedocument.wordprocessingml.document", _ZIP),
        MediaType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ZIP),
        MediaType(
            "application/vnd.openxmlformats-officedocument.presentationml.presentation", _ZIP
        ),
        MediaType("application/vnd.oasis.opendocument.text", _ZIP),
        MediaType("application/vnd.oasis.opendocument.spreadsheet", _ZIP),
        MediaType("application/vnd.oasis.opendocument.presentation", _ZIP),
    ),
}
"""The media types each kind with a file accepts. Kinds without a file accept none."""

ALIASES = {
    "audio/mp3": "audio/mpeg",
    "audio/mpeg3": "audio/mpeg",
    "audio/x-mpeg": "audio/mpeg",
    "audio/x-mp3": "audio/mpeg",
    "audio/m4a": "audio/mp4",
    "audio/x-m4a": "audio/mp4",
    "audio/x-wav": "audio/wav",
    "audio/wave": "audio/wav",
    "audio/vnd.wave": "audio/wav",
    "audio/x-flac": "audio/flac",
    "application/ogg": "audio/ogg",
    "image/jpg": "image/jpeg",
    "image/pjpeg": "image/jpeg",
    "image/x-png": "image/png",
    "video/x-m4v": "video/mp4",
    "application/x-pdf": "application/pdf",
}
"""Names that browsers and recorders send for the same formats, and the name they are kept under."""


def accepted_media_types(kind: EvidenceKind) -> list[str]:
    """The media types evidence of ``kind`` accepts, in the order they are listed."""
    return list(ACCEPTED.get(kind, {}))


def media_type_for(kind: EvidenceKind, declared: str | None) -> MediaType:
    """The accepted media type an upload declares, or ``UnsupportedMediaTypeError``.

    Parameters (``; charset=utf-8``) and case are ignored, and common aliases (``audio/mp3``,
    ``image/jpg``) are read as the registered name, which is the one stored and served.
    """
    essence = (declared or "").split(";", 1)[0].strip().lower()
    essence = ALIASES.get(essence, essence)
    found = ACCEPTED.get(kind, {}).get(essence)
    if found is None:
        accepted = ", ".join(accepted_media_types(kind))
        what = f"{declared!r}" if declared else "no media type"
        raise UnsupportedMediaTypeError(
            "unsupported_media_type",
            f"Evidence of kind {kind.value} takes files of these media types: {accepted}; "
            f"this upload declared {what}. Send the file's own type as the Content-Type of "
            "the multipart part.",
            declared=declared,
            accepted=accepted_media_types(kind),
        )
    return found


def check_head(kind: EvidenceKind, media_type: MediaType, head: bytes) -> None:
    """Refuse an upload whose first bytes are not those of ``media_type``.

    ``EmptyFileError`` for no bytes at all; ``UnsupportedMediaTypeError`` for bytes that
    begin some other format (a PNG declared as ``audio/mpeg``, a text declared as a PDF).
    """
    if not head:
        raise EmptyFileError(
            "empty_file",
            "The file is empty: send the file's content in the multipart part named file.",
            errors=[
                {
                    "location": "files",
                    "field": "file",
                    "message": "The file has no bytes.",
                    "code": "empty_file",
                }
            ],
        )
    if not media_type.recognise(head):
        accepted = accepted_media_types(kind)
        raise UnsupportedMediaTypeError(
            "unsupported_media_type",
            f"The file was declared as {media_type.name}, but its content is not "
            f"{'UTF-8 text' if media_type.text else 'in that format'}: its first bytes do "
            "not match. Declare the type the file really is; evidence of kind "
            f"{kind.value} takes {', '.join(accepted)}.",
            declared=media_type.name,
            accepted=accepted,
        )


def read_head(stream: ByteSource, size: int = HEAD_BYTES) -> bytes:
    """Up to ``size`` first bytes of ``stream`` (fewer only when the stream ends first)."""
    head = b""
    while len(head) < size:
        chunk = stream.read(size - len(head))
        if not chunk:
            break
        head += chunk
    return head


class CheckedStream:
    """An upload read once: the head already examined, then the rest, checked as it passes.

    For text types the decoder runs over every chunk on its way to the file store, which
    stops (and so discards the partial file) at the first byte that is not UTF-8 text.
    """

    def __init__(
        self, kind: EvidenceKind, media_type: MediaType, head: bytes, rest: ByteSource
    ) -> None:
        self._kind = kind
        self._media_type = media_type
        self._pending = head
        self._rest = rest
        self._decoder = codecs.getincrementaldecoder("utf-8")() if media_type.text else None

    def read(self, size: int = -1, /) -> bytes:
        if self._pending:
            chunk, self._pending = self._pending, b""
        else:
            chunk = self._rest.read(size)
        if self._decoder is not None:
            self._check_text(chunk)
        return chunk

    def _check_text(self, chunk: bytes) -> None:
        assert self._decoder is not None
        try:
            self._decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError:
            ok = False
        else:
            ok = b"\x00" not in chunk
        if not ok:
            raise UnsupportedMediaTypeError(
                "unsupported_media_type",
                f"The file was declared as {self._media_type.name}, but it is not UTF-8 "
                "text all the way through. Save it as UTF-8, or declare the type it really "
                f"is; evidence of kind {self._kind.value} takes "
                f"{', '.join(accepted_media_types(self._kind))}.",
                declared=self._media_type.name,
                accepted=accepted_media_types(self._kind),
            )
