"""Input that no field can take is a 422 naming where it is, never a 500."""

from __future__ import annotations

import hashlib
import io
import re
import struct
from urllib.parse import quote

import pytest

from api.context import services
from api.hygiene import MAX_JSON_BYTES, MAX_UPLOAD_PARTS
from api.spec import openapi_document

STAR = "coproduction-star"


def problem(response, status=422):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    return response.json


def test_a_nul_character_anywhere_is_refused_with_its_place(api):
    body = problem(api.post("initiatives", json={"toolkit": STAR, "title": "Walks\u0000"}))
    assert [(e["location"], e["field"], e["code"]) for e in body["errors"]] == [
        ("json", "title", "nul")
    ]
    assert problem(api.get("initiatives?external_ref=a%00b"))["errors"][0]["location"] == "query"
    assert problem(api.get("initiatives/ini_%00"))["errors"][0]["location"] == "path"
    assert api.get("initiatives").json["items"] == []


def test_json_nested_too_deep_is_refused(api):
    initiative = api.post("initiatives", json={"toolkit": STAR, "title": "Walks"}).json["id"]
    deep: list = []
    for _ in range(600):
        deep = [deep]
    body = problem(
        api.post(
            f"initiatives/{initiative}/evidence",
            json={"evidence_type": "session-notes", "payload": {"text": "x", "deep": deep}},
        )
    )
    assert body["errors"][0]["code"] == "too_deep"
    assert api.get(f"initiatives/{initiative}/evidence").json["items"] == []


@pytest.mark.parametrize(
    "query",
    [
        "updated_since=0001-01-01T00:00:00%2B01:00",
        "updated_since=9999-12-31T23:59:59-01:00",
    ],
)
def test_times_at_the_ends_of_the_calendar_are_field_errors(api, query):
    body = problem(api.get(f"initiatives?{query}"))
    assert body["errors"][0]["field"] == "updated_since"


@pytest.mark.parametrize("collection", ["activities", "evidence", "assessments"])
def test_a_cycle_too_large_to_store_is_a_field_error(api, collection):
    initiative = api.post("initiatives", json={"toolkit": STAR, "title": "Walks"}).json["id"]
    body = problem(api.get(f"initiatives/{initiative}/{collection}?cycle=100000000000000000000"))
    assert body["errors"][0]["field"] == "cycle"


def test_a_weak_etag_never_satisfies_if_match(api):
    created = api.post("initiatives", json={"toolkit": STAR, "title": "Walks"})
    weak = "W/" + created.headers["ETag"]
    response = api.patch(
        f"initiatives/{created.json['id']}", json={"title": "New"}, headers={"If-Match": weak}
    )
    assert problem(response, 412)["code"] == "stale_etag"


def test_a_read_carrying_only_its_path_has_its_path_checked(api):
    """A GET with no body, query or conditional header is checked in its path alone: a
    NUL there is refused, with its place and whatever else it carries; text that is not
    ASCII is no problem, and the record is simply not found."""
    body = problem(api.get("initiatives/ini_%00x", headers={"Content-Length": "0"}))
    assert [(e["location"], e["field"], e["code"]) for e in body["errors"]] == [
        ("path", "initiative_id", "nul")
    ]
    assert problem(api.get("initiatives/ini_%C3%A9t%C3%A9"), 404)["code"] == "not_found"
    conditioned = api.get("initiatives/ini_%00", headers={"If-None-Match": "x"})
    assert sorted(e["code"] for e in problem(conditioned)["errors"]) == ["malformed_etag", "nul"]


def test_a_lone_surrogate_is_refused_as_not_text(api):
    raw = '{"toolkit": "coproduction-star", "title": "a\\ud800b"}'
    body = problem(api.post("initiatives", data=raw, content_type="application/json"))
    assert [(e["field"], e["code"]) for e in body["errors"]] == [("title", "not_text")]


def test_a_body_that_is_not_json_is_a_400_problem(api):
    body = problem(api.post("initiatives", data="{bad json", content_type="application/json"), 400)
    assert body["code"] == "malformed_json"


def test_a_chunked_body_is_checked_like_any_other(app, org):
    """Servers accept bodies without a Content-Length; the checks must not depend on one."""
    raw = b'{"toolkit": "coproduction-star", "title": "nul\\u0000here"}'
    response = app.test_client().post(
        "/api/v1/initiatives",
        input_stream=io.BytesIO(raw),
        headers={
            "Authorization": f"Bearer {org.tokens['write']}",
            "Content-Type": "application/json",
            "Transfer-Encoding": "chunked",
        },
        environ_overrides={"wsgi.input_terminated": True},  # as servers set for chunked bodies
    )
    assert problem(response)["errors"][0]["code"] == "nul"
    assert org.api.get("initiatives").json["items"] == []


def test_a_json_body_over_a_mebibyte_is_413(api):
    body = {"toolkit": STAR, "title": "Walks", "summary": "x" * (1024 * 1024)}
    assert problem(api.post("initiatives", json=body), 413)["code"] == "body_too_large"
    assert api.get("initiatives").json["items"] == []


def chunked(app, org, path, raw: bytes, content_type: str, method: str = "POST"):
    """Send ``raw`` as a server hands on a chunked body: no Content-Length, and the input
    marked as ended by the server. Answers the response and how much of ``raw`` was read."""
    stream = io.BytesIO(raw)
    response = app.test_client().open(
        path,
        method=method,
        input_stream=stream,
        headers={
            "Authorization": f"Bearer {org.tokens['write']}",
            "Content-Type": content_type,
            "Transfer-Encoding": "chunked",
        },
        environ_overrides={"wsgi.input_terminated": True},
    )
    return response, stream.tell()


@pytest.mark.parametrize("size", [MAX_JSON_BYTES + 1, 2 * 1024 * 1024, 8 * 1024 * 1024])
def test_a_chunked_json_body_is_cut_off_at_the_limit_while_it_is_read(app, org, size):
    raw = b'{"toolkit": "coproduction-star", "title": "Walks", "summary": "'
    raw += b"x" * (size - len(raw) - 2) + b'"}'
    response, read = chunked(app, org, "/api/v1/initiatives", raw, "application/json")
    body = problem(response, 413)
    assert (body["code"], body["max_bytes"]) == ("body_too_large", MAX_JSON_BYTES)
    assert read <= MAX_JSON_BYTES + 64 * 1024, read
    assert org.api.get("initiatives").json["items"] == []


def test_a_chunked_json_body_of_exactly_the_limit_is_read(app, org):
    raw = b'{"toolkit": "coproduction-star", "title": "Walks", "summary": "'
    raw += b" " * (MAX_JSON_BYTES - len(raw) - 2) + b'"}'
    assert len(raw) == MAX_JSON_BYTES
    response, read = chunked(app, org, "/api/v1/initiatives", raw, "application/json")
    assert read == MAX_JSON_BYTES
    assert [e["field"] for e in problem(response)["errors"]] == ["summary"]  # judged: too long


def _multipart(boundary: str, parts: list[tuple[str, bytes]]) -> bytes:
    body = b""
    for name, content in parts:
        body += (
            (f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n').encode()
            + content
            + b"\r\n"
        )
    return body + f"--{boundary}--\r\n".encode()


@pytest.mark.parametrize("sent_chunked", [False, True], ids=["content-length", "chunked"])
def test_an_upload_of_thousands_of_parts_is_413_too_many_parts(app, org, sent_chunked):
    """It was 413 file_too_large, blaming a file that was never sent."""
    api = org.api
    initiative = api.post("initiatives", json={"toolkit": STAR, "title": "Walks"}).json["id"]
    evidence = api.post(
        f"initiatives/{initiative}/evidence",
        json={"evidence_type": "audio-interview", "payload": {"caption": "Canal path"}},
    ).json["id"]
    path = f"/api/v1/evidence/{evidence}/file"
    raw = _multipart("b", [(f"p{n}", b"x") for n in range(5000)])
    content_type = "multipart/form-data; boundary=b"
    if sent_chunked:
        response, _ = chunked(app, org, path, raw, content_type, method="PUT")
    else:
        response = api.put(path, data=raw, content_type=content_type)
    body = problem(response, 413)
    assert (body["code"], body["max_parts"]) == ("too_many_parts", MAX_UPLOAD_PARTS)
    assert f"more than {MAX_UPLOAD_PARTS} parts" in body["detail"]
    # As many parts as an upload may have are read (and judged: no file among them).
    few = _multipart("b", [(f"p{n}", b"x") for n in range(MAX_UPLOAD_PARTS)])
    assert problem(api.put(path, data=few, content_type=content_type))["errors"][0]["field"] == (
        "file"
    )
    # A text part too large to hold is its own problem too, not the file's.
    large = _multipart("b", [("note", b"x" * 600_000)])
    body = problem(api.put(path, data=large, content_type=content_type), 413)
    assert body["code"] == "part_too_large"
    assert api.get(f"evidence/{evidence}").json["file"] is None


# File names ------------------------------------------------------------------------------


def wav_bytes(samples: int = 400) -> bytes:
    """A tiny, valid PCM WAV file."""
    data = b"\x00\x00" * samples
    header = b"RIFF" + struct.pack("<I", 36 + len(data)) + b"WAVE"
    fmt = b"fmt " + struct.pack("<IHHIIHH", 16, 1, 1, 8000, 16000, 2, 16)
    return header + fmt + b"data" + struct.pack("<I", len(data)) + data


def upload_named(api, path: str, name: str, content: bytes):
    """Upload with the file name sent exactly, in RFC 5987 form (``filename*``), so that
    NULs, line breaks and any Unicode arrive as they are, whatever a client would escape."""
    boundary = "coprod-hostile-name"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        f"filename*=UTF-8''{quote(name, safe='')}\r\nContent-Type: audio/wav\r\n\r\n"
    )
    body = head.encode("ascii") + content + f"\r\n--{boundary}--\r\n".encode("ascii")
    return api.put(path, data=body, content_type=f"multipart/form-data; boundary={boundary}")


HOSTILE_NAMES = [
    pytest.param("../../etc/passwd", "passwd", id="dot-dot-slash"),
    pytest.param("/etc/passwd", "passwd", id="absolute"),
    pytest.param("..\\..\\windows\\win.ini", "win.ini", id="backslashes"),
    pytest.param("C:\\Users\\worker\\..\\..\\walk.wav", "walk.wav", id="windows-path"),
    pytest.param("walk\x00.wav", "walk.wav", id="nul"),
    pytest.param("walk\x00/../../x.wav", "x.wav", id="nul-then-path"),
    pytest.param(
        "\x1b[31mred\x07\r\nX-Injected: yes.wav", "[31mredX-Injected: yes.wav", id="controls"
    ),
    pytest.param("walk\u202egpj.wav", "walkgpj.wav", id="rtl-override"),
    pytest.param("inter\u200bview\ufeff\u2066.wav", "interview.wav", id="invisible"),
    pytest.param("\uff0e\uff0e\uff0fsecret\uff3cx.wav", "x.wav", id="fullwidth-separators"),
    pytest.param("a" * 1000 + ".wav", "a" * 251 + ".wav", id="overlong"),
    pytest.param("\u00e9" * 300, "\u00e9" * 255, id="overlong-unicode"),
    pytest.param("..", "file", id="dot-dot"),
    pytest.param(" . ", "file", id="dot"),
    pytest.param(
        "Margaret's walk \u2013 part 1.wav", "Margaret's walk \u2013 part 1.wav", id="kept"
    ),
]


@pytest.mark.parametrize(("sent", "kept"), HOSTILE_NAMES)
def test_a_file_name_never_reaches_the_file_store_and_is_kept_clean(api, app, org, sent, kept):
    initiative = api.post("initiatives", json={"toolkit": STAR, "title": "Walks"}).json["id"]
    evidence = api.post(
        f"initiatives/{initiative}/evidence",
        json={"evidence_type": "audio-interview", "payload": {"caption": "Canal path"}},
    ).json["id"]
    root = services(app).files.root
    around = set(root.parent.iterdir())
    audio = wav_bytes()
    response = upload_named(api, f"evidence/{evidence}/file", sent, audio)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.json["file"]["name"] == kept
    assert api.get(f"evidence/{evidence}").json["file"]["name"] == kept
    # On disk there is only <root>/<organisation>/<evidence>/<sha256>, named by us.
    files = [p.relative_to(root).parts for p in root.rglob("*") if p.is_file()]
    assert (org.id, evidence, hashlib.sha256(audio).hexdigest()) in files
    assert all(len(parts) == 3 and re.fullmatch(r"[0-9a-f]{64}", parts[2]) for parts in files)
    assert set(root.parent.iterdir()) == around
    # The download names it in one header line, with no path in either form of the name.
    disposition = api.get(f"evidence/{evidence}/file").headers["Content-Disposition"]
    assert "\r" not in disposition
    assert "\n" not in disposition
    fallback = re.search(r'filename="?([^";]*)', disposition)
    assert fallback is not None
    assert "/" not in fallback[1]
    assert "\\" not in fallback[1]
    assert fallback[1] not in {".", ".."}


# String lengths --------------------------------------------------------------------------

HTTP_METHODS = {"get", "post", "put", "patch", "delete"}
BOUNDED_BY_FORMAT = {"date", "date-time", "binary"}


def _resolve(document, schema):
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def request_strings(document):
    """Every string an operation reads from a JSON body or the query, with its bound:
    (method, path, location, field, schema, make(value) -> the body or query value)."""
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method not in HTTP_METHODS:
                continue
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                if parameter["in"] == "query" and schema.get("type") == "string":
                    yield method, path, "query", parameter["name"], schema
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body is None:
                continue
            properties = _resolve(document, body["schema"]).get("properties", {})
            for name, schema in properties.items():
                if schema.get("readOnly"):
                    continue
                if schema.get("type") == "string":
                    yield method, path, "json", name, schema
                elif schema.get("type") == "array" and schema["items"].get("type") == "string":
                    yield method, path, "json", f"{name}/0", schema["items"]


def test_every_string_a_request_takes_has_a_bound(app):
    unbounded = [
        (method, path, location, field)
        for method, path, location, field, schema in request_strings(openapi_document(app))
        if "maxLength" not in schema
        and "enum" not in schema
        and schema.get("format") not in BOUNDED_BY_FORMAT
    ]
    assert unbounded == []


def test_every_string_past_its_bound_is_a_field_error(app, org):
    admin = org.with_scope("admin")
    checked = 0
    for method, path, location, field, schema in request_strings(openapi_document(app)):
        if "maxLength" not in schema:
            continue
        long = "x" * (schema["maxLength"] + 1)
        url = re.sub(r"\{[^}]+\}", "nope_00000000000000000000000000", path)
        if location == "query":
            response = admin.request(method.upper(), f"{url}?{field}={long}")
        else:
            name, _, index = field.partition("/")
            response = admin.request(method.upper(), url, json={name: [long] if index else long})
        assert response.status_code == 422, (method, path, field, response.status_code)
        fields = {(e["location"], e["field"]) for e in response.json["errors"]}
        assert (location, field) in fields, (method, path, field, fields)
        checked += 1
    assert checked >= 60
    assert admin.get("initiatives").json["items"] == []
