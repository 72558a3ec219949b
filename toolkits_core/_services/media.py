"""Which files each kind of evidence takes, and whether an upload's bytes are what it says.

An upload's declared media type is the client's claim; its first bytes are the evidence.
Both must agree before anything is stored: a photo that is really an executable, or an
"audio interview" that is really a spreadsheet, would be served back to other people's
browsers and players under a type that lies about it.

The first bytes are identified by filetype, a pure-Python file-signature detector: it
names the format they begin, down to which kind of zip an office document is and which
brand of MP4 or HEIF a file declares. What each kind of evidence accepts stays coprod's
rule, and so do the few variants filetype names nothing for (MPEG audio frames with a
CRC, of layer II or of MPEG-2.5; HEIF brands other than ``heic``; QuickTime files without
a ``ftyp`` box; MP4 files of a brand it does not know). Those rules are asked only when
filetype names nothing, so a file it names as something else is never let through by
them. A plain-text document has no signature, so the whole of it must decode as UTF-8.

(puremagic, the other pure-Python detector, was measured too: from a file's head alone
it tells neither a WAV from a WebP nor one office document from another, or from any zip.)
"""

from __future__ import annotations

import codecs
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import filetype

from toolkits_core._evidence_kinds import EvidenceKind
from toolkits_core._services.errors import ServiceError
from toolkits_core._services.files import ByteSource

HEAD_BYTES = 8192
"""How many of an upload's first bytes are read and identified before anything is stored.

What filetype examines: an office document's kind shows only in the names of the zip's
first few entries, which a program may write a few kilobytes into the file.
"""


class UnsupportedMediaTypeError(ServiceError):
    """The upload's type is not one the evidence takes, or its bytes are not of that type."""

    status = 415
    title = "Unsupported Media Type"


class EmptyFileError(ServiceError):
    """An upload with no bytes: nothing to keep, and almost always a client's mistake."""

    status = 422
    title = "Unprocessable Content"


def identify(head: bytes) -> str | None:
    """The media type filetype names for the format ``head`` begins, or None if it knows none.

    The name is filetype's own, which is not always the registered one (``audio/x-wav``);
    each ``MediaType`` lists the names that count as it.
    """
    found = filetype.guess_mime(head)
    return found if isinstance(found, str) else None


# Coprod's own rules, for the variants filetype names nothing for.


def _mpeg_frame(head: bytes) -> bool:
    """Straight into an MPEG audio frame: eleven set bits of frame sync, then a version,
    layer, bit rate and sample rate none of which is a reserved value (which keeps out,
    say, UTF-16 text, whose byte-order mark also begins with eleven set bits)."""
    if len(head) < 3 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return False
    version, layer = (head[1] >> 3) & 0b11, (head[1] >> 1) & 0b11
    bit_rate, sample_rate = head[2] >> 4, (head[2] >> 2) & 0b11
    return version != 0b01 and layer != 0b00 and bit_rate != 0b1111 and sample_rate != 0b11


def _ftyp_brand(head: bytes) -> bytes | None:
    """The major brand of an ISO base media file (MP4, M4A, MOV, HEIF): its ``ftyp`` box."""
    return head[8:12] if head[4:8] == b"ftyp" and len(head) >= 12 else None


_HEIF_BRANDS = frozenset(
    {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs", b"mif1", b"msf1"}
)
_IMAGE_BRANDS = _HEIF_BRANDS | {b"avif", b"avis"}


def _heif(head: bytes) -> bool:
    """HEIC/HEIF: an ISO media file whose major brand is one of the image brands."""
    return _ftyp_brand(head) in _HEIF_BRANDS


def _iso_media(head: bytes) -> bool:
    """An MP4 (or M4A) of a brand filetype does not know: any ``ftyp`` but an image's."""
    brand = _ftyp_brand(head)
    return brand is not None and brand not in _IMAGE_BRANDS


def _quicktime(head: bytes) -> bool:
    """QuickTime: a ``ftyp`` box, or (older files) a top-level atom straight away."""
    return _iso_media(head) or head[4:8] in {b"moov", b"mdat", b"wide", b"free", b"skip"}


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
    detected_as: frozenset[str] = frozenset()
    """The names filetype gives files of this type (``audio/x-wav`` for ``audio/wav``)."""
    otherwise: Callable[[bytes], bool] | None = None
    """Coprod's rule for files of this type that filetype names nothing for."""
    text: bool = False
    """Text has no signature: every byte of it must decode as UTF-8, with no NUL."""

    def recognise(self, head: bytes, detected: str | None) -> bool:
        """Whether ``head`` begins a file of this type, ``detected`` being ``identify(head)``."""
        if self.text:
            return _text(head)
        if detected is not None:
            return detected in self.detected_as
        return self.otherwise is not None and self.otherwise(head)


def _binary(
    name: str, *detected_as: str, otherwise: Callable[[bytes], bool] | None = None
) -> MediaType:
    return MediaType(name, frozenset(detected_as or {name}), otherwise)


def _types(*items: MediaType) -> dict[str, MediaType]:
    return {item.name: item for item in items}


ACCEPTED: Mapping[EvidenceKind, Mapping[str, MediaType]] = {
    EvidenceKind.AUDIO: _types(
        _binary("audio/mpeg", otherwise=_mpeg_frame),
        # An M4A from an Android recorder carries a video brand (mp42, isom): one container.
        _binary("audio/mp4", "audio/mp4", "video/mp4", "video/x-m4v", otherwise=_iso_media),
        _binary("audio/ogg"),
        _binary("audio/wav", "audio/x-wav"),
        _binary("audio/webm", "video/webm"),  # a WebM's header does not say it has no video
        _binary("audio/flac", "audio/x-flac"),
    ),
    EvidenceKind.PHOTO: _types(
        _binary("image/jpeg"),
        _binary("image/png", "image/png", "image/apng"),  # an animated PNG is a PNG
        _binary("image/webp"),
        _binary("image/gif"),
        _binary("image/heic", otherwise=_heif),
        _binary("image/heif", "image/heic", otherwise=_heif),
    ),
    EvidenceKind.VIDEO: _types(
        _binary("video/mp4", "video/mp4", "video/x-m4v", "audio/mp4", otherwise=_iso_media),
        _binary("video/webm"),
        _binary("video/quicktime", otherwise=_quicktime),
    ),
    EvidenceKind.DOCUMENT: _types(
        _binary("application/pdf"),
        MediaType("text/plain", text=True),
        MediaType("text/csv", text=True),
        MediaType("text/markdown", text=True),
        _binary("application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        _binary("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        _binary("application/vnd.openxmlformats-officedocument.presentationml.presentation"),
        _binary("application/vnd.oasis.opendocument.text"),
        _binary("application/vnd.oasis.opendocument.spreadsheet"),
        _binary("application/vnd.oasis.opendocument.presentation"),
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
    detected = None if media_type.text else identify(head)
    if not media_type.recognise(head, detected):
        accepted = accepted_media_types(kind)
        if media_type.text:
            found = "is not UTF-8 text"
        elif detected is not None:
            found = f"is of another format ({detected})"
        else:
            found = "is not in that format"
        raise UnsupportedMediaTypeError(
            "unsupported_media_type",
            f"The file was declared as {media_type.name}, but its content {found}: its "
            "first bytes do not match. Declare the type the file really is; evidence of "
            f"kind {kind.value} takes {', '.join(accepted)}.",
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
