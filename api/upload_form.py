"""An upload's ``multipart/form-data`` body, read as it arrives: the file is never spooled.

Werkzeug's form parser reads a whole form before the view runs, writing each file part to
a temporary file, which the file store then reads again to send it on. Here the form is
read only up to the file's part (named ``file``, with a filename): the text parts before
it are kept, small, as the form, and the file is handed to the view as a stream that
reads the body on demand, so the store (the local folder, or object storage) takes the
bytes as they come off the network, hashing them on the way.

The form's limits are kept on the stream: the parts are counted as they go by (more than
``most_parts`` is ``too_many_parts``), a text part may hold at most the form's memory
limit (``part_too_large``), and the body as a whole is limited by werkzeug's stream
(``RequestEntityTooLarge``, answered ``file_too_large``). Whatever follows the file's
part is read to the end of the body before the file's stream ends, so a form broken
after the file fails the upload too. Every refusal, and a client that stops sending, is
raised from a read of the file's stream: the store then keeps nothing.

The file's own bytes are not passed through werkzeug's decoder, which copies every byte
in and out of its buffer in 64 KiB pieces: 4 MiB from memory took it 4.0 ms, against
2.6 ms for looking for the boundary in each MiB as it is read (``FilePart``). Everything around the
file (its headers, what follows it, the form's end) is still werkzeug's to read.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import IO, Any

from flask import has_request_context, request
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.exceptions import ClientDisconnected, RequestEntityTooLarge
from werkzeug.formparser import FormDataParser
from werkzeug.sansio.multipart import (
    Data,
    Epilogue,
    Event,
    Field,
    File,
    MultipartDecoder,
    NeedData,
)
from werkzeug.wsgi import LimitedStream

from toolkits_core.service import ServiceError

READ_BYTES = 1024 * 1024
"""How much of the body is read from the server at a time. Large reads matter: gunicorn
reads up to 1 MiB of a body off the socket at once and answers each read out of that,
copying what is left over every time, so reading it 64 KiB at a time copied each byte
several times over (measured: 4 MiB took about a quarter longer to come off the wire)."""
FEED_BYTES = 64 * 1024
"""How much is given to werkzeug's decoder at a time (its own parser reads as much): the
decoder refuses any one piece past the form's memory limit, and answers a file part's
bytes in pieces of this size."""
FILE_PART = "file"
LINE_BREAK = re.compile(rb"\r\n|\n|\r")
"""What werkzeug's decoder takes for a line break (a bare CR or LF too)."""


class UploadFormTooLargeError(ServiceError):
    """An upload's form (not its file) is past a limit: too many parts, or a text part
    too large to hold in memory."""

    status = 413
    title = "Content Too Large"


def unreadable_body() -> ServiceError:
    return ServiceError(
        "unreadable_body",
        "The body could not be read to its end: its chunked framing is broken, or the "
        "client stopped sending it. Nothing was stored.",
    )


def _too_many_parts(most: int) -> UploadFormTooLargeError:
    return UploadFormTooLargeError(
        "too_many_parts",
        f"An upload is sent as one part, named file; this form has more than {most} "
        "parts. Nothing was stored.",
        max_parts=most,
    )


def _part_too_large(memory: int) -> UploadFormTooLargeError:
    return UploadFormTooLargeError(
        "part_too_large",
        f"A part of the form other than the file is over {memory} bytes: send the file in "
        "the part named file, with a filename. Nothing was stored.",
        max_bytes=memory,
    )


class KnownLengthBody:
    """A body that stated its ``Content-Length``, read from the server's input itself.

    werkzeug's ``LimitedStream`` answers each read by allocating a fresh buffer, reading
    into it and copying it out again: two new megabytes touched for every one read, which
    cost about 8 ms for 4 MiB read from memory (against 0.1 ms straight from it). Here
    each read is the server's own bytes. The
    limits are the same: werkzeug has already refused a ``Content-Length`` past the
    request's limit (413) before the form is parsed, no read goes past the length stated,
    and a body that ends short of it, or whose read fails, is ``ClientDisconnected``, as
    werkzeug's stream says it.
    """

    def __init__(self, stream: IO[bytes], length: int) -> None:
        self._stream = stream
        self._left = length

    def read(self, size: int = -1, /) -> bytes:
        if self._left <= 0:
            return b""
        wanted = self._left if size is None or size < 0 else min(size, self._left)
        try:
            data = self._stream.read(wanted)
        except (OSError, ValueError):
            raise ClientDisconnected() from None
        if not data:
            raise ClientDisconnected()
        self._left -= len(data)
        return data


def _server_body(stream: IO[bytes], content_length: int | None) -> IO[bytes]:
    """The server's input, when ``stream`` is werkzeug's untouched stream over it for a
    body of known length sent as it is; otherwise ``stream`` itself (a body with a
    Transfer-Encoding, which only werkzeug's stream holds to the limit, or one already
    read into a copy)."""
    if (
        content_length is None
        or not has_request_context()
        or not isinstance(stream, LimitedStream)
        or stream is not request.stream
        or stream.tell() != 0
        or "HTTP_TRANSFER_ENCODING" in request.environ
    ):
        return stream
    limit = request.max_content_length
    if limit is not None and content_length > limit:
        raise RequestEntityTooLarge()  # (werkzeug refused it already, when it made the stream)
    return KnownLengthBody(request.environ["wsgi.input"], content_length)  # type: ignore[return-value]


class StreamedForm:
    """One upload's body, decoded as it is read: events come out, the limits kept."""

    def __init__(self, stream: IO[bytes], boundary: bytes, *, most_parts: int, memory: int) -> None:
        self._read: Callable[[int], bytes] = stream.read
        self._decoder = MultipartDecoder(boundary, max_form_memory_size=memory)
        self._most_parts, self._memory = most_parts, memory
        self._parts = 0
        self._unfed, self._fed = b"", 0
        """What was last read from the body, and how much of it the decoder has had."""
        self._events = self._decode()
        self.in_file = False
        """Whether the file's part has begun: from then on a broken form is a broken
        body (before it, werkzeug's parser reads it as no form, and the view says what
        is missing)."""

    def next(self) -> Event:
        """The next event; ``Epilogue`` once, at the end of the body."""
        try:
            return next(self._events)
        except ClientDisconnected:
            raise unreadable_body() from None
        except ValueError:
            if not self.in_file:
                raise
            # The form's framing is broken where it should close: a body cut short, or
            # one that never ends its last part.
            raise unreadable_body() from None

    def read_more(self) -> bytes:
        """The body's next bytes, not given to the decoder (``FilePart`` looks through
        them itself); b"" at its end."""
        try:
            return self._read(READ_BYTES)  # RequestEntityTooLarge past the limit
        except ClientDisconnected:
            raise unreadable_body() from None

    def take_buffered(self) -> bytes:
        """What was read from the body and not yet decoded into events: the decoder's
        buffer, then what it has not been given. Both are empty afterwards."""
        taken = bytes(self._decoder.buffer) + self._unfed[self._fed :]
        del self._decoder.buffer[:]
        self._unfed, self._fed = b"", 0
        return taken

    def put_back(self, data: bytes) -> None:
        """Give the decoder ``data`` before anything more of the body: its first piece at
        once, as the decoder expects to find the part's data begun when it next looks."""
        self._unfed, self._fed = data + self._unfed[self._fed :], 0
        piece = self._unfed[:FEED_BYTES]
        if piece:
            self._fed = len(piece)
            self._decoder.receive_data(piece)

    def _decode(self) -> Iterator[Event]:
        decoder = self._decoder
        while True:
            event = decoder.next_event()
            if isinstance(event, NeedData):
                if self._fed >= len(self._unfed):
                    self._unfed, self._fed = self._read(READ_BYTES), 0  # 413 past the limit
                piece = self._unfed[self._fed : self._fed + FEED_BYTES]
                self._fed += len(piece)
                try:
                    decoder.receive_data(piece or None)
                except RequestEntityTooLarge:
                    raise _part_too_large(self._memory) from None  # headers past any sense
                continue
            if isinstance(event, (Field, File)):
                self._parts += 1
                if self._parts > self._most_parts:
                    raise _too_many_parts(self._most_parts)
            yield event
            if isinstance(event, Epilogue):
                return


class FilePart:
    """The file part's bytes, read from the body as they are asked for.

    The bytes are looked through for the boundary that ends the part (``--boundary``
    after a line break), a MiB at a time as they are read, and handed out as they are:
    the last few bytes of each read are held back until the next shows whether they
    begin the boundary. From the first boundary on, what is left goes back to werkzeug's
    decoder, which reads it as it reads any form: the end of the part (or, were it not a
    real boundary, more of the file), then the rest of the form. Past the part's last
    byte it reads the rest of the form (counting its parts, keeping none) before it
    answers the end, so the end is reported only for a whole form.
    """

    def __init__(self, form: StreamedForm, boundary: bytes) -> None:
        self._form = form
        self._pending = b""
        self._done = False
        self._dash_boundary = b"--" + boundary
        self._holding = len(self._dash_boundary) + 2
        """Bytes held back at the end of a read: a boundary and its line break, but one."""
        taken = form.take_buffered()
        lead = LINE_BREAK.match(taken)
        self._scanning = lead is not None
        if lead is None:  # pragma: no cover - werkzeug always leaves the header's line break
            form.put_back(taken)
            self._lead, self._seen = b"", b""
        else:
            # werkzeug leaves the line break that ends the part's headers, for the
            # decoder's first look at the part's data to take off.
            self._lead, self._seen = taken[: lead.end()], taken[lead.end() :]
        self._searched = 0
        self._handed_out = False
        """Whether any of the file's bytes were handed out (so the headers' line break
        is behind them)."""

    def read(self, size: int = -1, /) -> bytes:
        while not self._pending and not self._done:
            self._pending = self._next_data()
        if size < 0 or size >= len(self._pending):
            chunk, self._pending = self._pending, b""
        else:
            chunk, self._pending = self._pending[:size], self._pending[size:]
        return chunk

    def _next_data(self) -> bytes:
        if self._scanning:
            return self._scan()
        event = self._form.next()
        if isinstance(event, Data):
            if not event.more_data:
                self._finish()
            return event.data
        raise AssertionError(f"{type(event).__name__} inside the file's part")  # pragma: no cover

    def _scan(self) -> bytes:
        """The file's next bytes, up to the boundary that ends it; b"" once werkzeug's
        decoder has the rest.

        A boundary is handed back only once the bytes after it show what werkzeug makes
        of it (``_ends_part``): given a boundary cut short, its decoder can take the CR
        of a CRLF before it for the file's last byte. One that does not end the part is
        the file's, and the search goes on past it.
        """
        while True:
            seen = self._seen
            found, line = seen.find(self._dash_boundary, self._searched), -1
            while found >= 0:
                line = _line_break_before(seen, found)
                if line < 0 and found == 0 and not self._handed_out:
                    line = 0  # at once: the headers' line break is the boundary's too
                if line >= 0:
                    ends = _ends_part(seen, found + len(self._dash_boundary))
                    if ends is None and len(seen) - found > FEED_BYTES:
                        ends = True  # blanks on and on: werkzeug's decoder says what it is
                    if ends is None:
                        break  # the bytes that decide it are still to come
                    if ends:
                        self._hand_back(seen[line:])
                        return seen[:line]
                found, line = seen.find(self._dash_boundary, found + 1), -1
            undecided = found >= 0
            kept_from = line if undecided else len(seen) - self._holding
            if kept_from > 0:
                self._seen, self._searched = seen[kept_from:], 0
                self._handed_out = True
                return seen[:kept_from]
            more = self._form.read_more()
            if not more:
                if undecided or not self._handed_out:
                    self._hand_back(seen[max(line, 0) :])  # werkzeug says how this ends
                    return b""
                raise unreadable_body()  # no boundary after a line break: no end
            self._seen = seen + more
            self._searched = max(0, found if undecided else len(seen) - self._holding)

    def _hand_back(self, rest: bytes) -> None:
        """Give werkzeug's decoder ``rest`` (a line break and a boundary, if not the end),
        after the line break it takes off the part's data first: the headers' own, when
        none of the file was handed out, so that it reads exactly what it would have;
        otherwise a CRLF, which cannot join with ``rest`` into another boundary."""
        self._form.put_back((b"\r\n" if self._handed_out else self._lead) + rest)
        self._scanning = False
        self._seen = b""

    def _finish(self) -> None:
        """Read what follows the file's part, to the end of the body."""
        while not isinstance(self._form.next(), Epilogue):
            pass
        self._done = True

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self._done = True
        self._pending = b""


_PART_ENDS = re.compile(rb"--|[ \t\f\v]*[\r\n]")
_MAY_END = re.compile(rb"-?\Z|[ \t\f\v]+\Z")


def _ends_part(data: bytes, at: int) -> bool | None:
    """Whether a boundary whose ``--boundary`` ends at ``at`` ends the part, as werkzeug's
    decoder reads it (then ``--``, or blanks and a line break); None while the bytes that
    decide it have not come. Matched where it stands, without copying what follows."""
    if _PART_ENDS.match(data, at):
        return True
    if _MAY_END.match(data, at):
        return None
    return False


def _line_break_before(data: bytes, at: int) -> int:
    """Where the line break that ends just before ``at`` begins, or -1 if none does."""
    if at >= 2 and data[at - 2 : at] == b"\r\n":
        return at - 2
    if at >= 1 and data[at - 1 : at] in (b"\n", b"\r"):
        return at - 1
    return -1


class StreamingUploadParser(FormDataParser):
    """Werkzeug's form parser for an upload, stopping at the file's part (``FilePart``)."""

    most_parts = 10

    def _parse_multipart(
        self,
        stream: IO[bytes],
        mimetype: str,
        content_length: int | None,
        options: dict[str, str],
    ) -> Any:
        boundary = options.get("boundary", "").encode("latin-1")
        if not boundary:
            raise ValueError("Missing boundary")  # no form: werkzeug's parser says the same
        memory = self.max_form_memory_size or 500_000
        body = _server_body(stream, content_length)
        form = StreamedForm(body, boundary, most_parts=self.most_parts, memory=memory)
        fields: list[tuple[str, str]] = []
        files: list[tuple[str, FileStorage]] = []
        while not isinstance(event := form.next(), Epilogue):
            if isinstance(event, File) and event.name == FILE_PART:
                form.in_file = True
                part = FilePart(form, boundary)
                files.append(
                    (
                        event.name,
                        FileStorage(part, event.filename, event.name, headers=event.headers),  # type: ignore[arg-type]
                    )
                )
                break
            if isinstance(event, Field):
                fields.append((event.name, self._text(form, event, memory)))
            elif isinstance(event, File):
                self._skip(form)  # a file the operation does not take: not kept
        return stream, MultiDict(fields), MultiDict(files)

    @staticmethod
    def _text(form: StreamedForm, field: Field, memory: int) -> str:
        parts, size = [], 0
        while True:
            event = _data(form)
            size += len(event.data)
            if size > memory:
                raise _part_too_large(memory)
            parts.append(event.data)
            if not event.more_data:
                charset = field.headers.get("content-type", "")
                encoding = "latin-1" if "iso-8859-1" in charset.lower() else "utf-8"
                return b"".join(parts).decode(encoding, "replace")

    @staticmethod
    def _skip(form: StreamedForm) -> None:
        while _data(form).more_data:
            pass


def _data(form: StreamedForm) -> Data:
    """The next of a part's bytes (werkzeug's decoder gives nothing else inside a part)."""
    event = form.next()
    if not isinstance(event, Data):  # pragma: no cover - the decoder's own promise
        raise ValueError(f"{type(event).__name__} inside a part")
    return event
