"""CORS for an allowlist of origins only, and the security headers on every answer.

By default no CORS header is ever sent (same origin only). An allowed origin's preflight
is answered without a key; any other origin hears nothing it could use. Every answer is
locked down against sniffing, framing and referrer leaks; operations are never cached;
the API document's viewer still runs, with only its own scripts.
"""

from __future__ import annotations

import base64
import hashlib
import re

import pytest

from api import edge
from api.app import ConfigurationError
from api.spec import openapi_document

CRM = "https://crm.example.org"
LOCAL_APP = "http://localhost:3000"
STRANGER = "https://evil.example.net"
HTTP_METHODS = {"get", "post", "put", "patch", "delete"}
LOCKED_DOWN = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"


def operations(app):
    for path, item in openapi_document(app)["paths"].items():
        for method in sorted(set(item) & HTTP_METHODS):
            yield method, re.sub(r"\{[^}]+\}", "nope_00000000000000000000000000", path)


def cors_headers(response) -> dict[str, str]:
    return {k: v for k, v in response.headers.items() if k.startswith("Access-Control-")}


def preflight(client, path: str, origin: str, method: str = "POST", headers: str = ""):
    sent = {"Origin": origin, "Access-Control-Request-Method": method}
    if headers:
        sent["Access-Control-Request-Headers"] = headers
    return client.options(path, headers=sent)


@pytest.fixture(scope="module")
def cors_app(make_app):
    return make_app(CORS_ORIGINS=f"{CRM}:443 , {LOCAL_APP}/")


# CORS ------------------------------------------------------------------------------------


def test_by_default_no_origin_hears_a_cors_header(app, org):
    client = app.test_client()
    asked = preflight(client, "/api/v1/initiatives", CRM)
    assert asked.status_code == 204
    assert cors_headers(asked) == {}
    answer = client.get(
        "/api/v1/initiatives",
        headers={"Origin": CRM, "Authorization": f"Bearer {org.tokens['read']}"},
    )
    assert answer.status_code == 200
    assert cors_headers(answer) == {}
    assert "Origin" not in answer.vary


def test_an_allowed_origins_preflight_is_answered_without_a_key(cors_app):
    client = cors_app.test_client()
    asked = preflight(
        client,
        "/api/v1/initiatives",
        CRM,
        "POST",
        "authorization, content-type, if-match, if-none-match, idempotency-key, x-other",
    )
    assert asked.status_code == 204
    assert asked.data == b""
    assert asked.headers["Access-Control-Allow-Origin"] == CRM
    assert asked.headers["Access-Control-Allow-Methods"] == "GET, POST"
    allowed = {h.strip().lower() for h in asked.headers["Access-Control-Allow-Headers"].split(",")}
    assert allowed == {
        "authorization",
        "content-type",
        "if-match",
        "if-none-match",
        "idempotency-key",
    }  # the headers asked for that coprod takes; x-other is not among them
    assert int(asked.headers["Access-Control-Max-Age"]) == 600
    assert "Access-Control-Allow-Credentials" not in asked.headers
    assert "Origin" in asked.vary
    one = preflight(client, "/api/v1/initiatives/ini_x", LOCAL_APP, "PATCH")
    assert one.headers["Access-Control-Allow-Methods"] == "DELETE, GET, PATCH"
    assert one.headers["Access-Control-Allow-Origin"] == LOCAL_APP


def test_another_origin_hears_no_cors_header_at_all(cors_app, org):
    client = cors_app.test_client()
    for origin in (
        STRANGER,
        "null",
        "https://crm.example.org.evil.example.net",
        "http://crm.example.org",
    ):
        asked = preflight(client, "/api/v1/initiatives", origin)
        assert asked.status_code == 204
        assert cors_headers(asked) == {}, origin
        assert "Origin" in asked.vary
        answer = client.get(
            "/api/v1/initiatives",
            headers={"Origin": origin, "Authorization": f"Bearer {org.tokens['read']}"},
        )
        assert cors_headers(answer) == {}, origin
        assert "Origin" in answer.vary


def test_an_allowed_origin_may_read_the_answers_headers_but_never_with_credentials(cors_app, org):
    client = cors_app.test_client()
    bearer = {"Authorization": f"Bearer {org.tokens['write']}"}
    for response in (
        client.get("/api/v1/initiatives", headers={"Origin": CRM, **bearer}),
        client.post("/api/v1/initiatives", json={"title": "x"}, headers={"Origin": CRM, **bearer}),
        client.get("/api/v1/initiatives", headers={"Origin": CRM}),  # 401: readable too
    ):
        assert response.headers["Access-Control-Allow-Origin"] == CRM
        assert "Access-Control-Allow-Credentials" not in response.headers
        exposed = {h.strip() for h in response.headers["Access-Control-Expose-Headers"].split(",")}
        assert {
            "ETag",
            "Location",
            "Link",
            "Retry-After",
            "RateLimit",
            "RateLimit-Policy",
            "Repr-Digest",
        } <= exposed
        assert "Origin" in response.vary


def test_every_urls_preflight_names_the_methods_of_that_url(cors_app):
    client = cors_app.test_client()
    adapter = cors_app.url_map.bind("localhost")
    checked = 0
    for method, path in operations(cors_app):
        asked = preflight(client, path, CRM, method.upper())
        assert asked.status_code == 204, (method, path)
        taken = set(adapter.allowed_methods(path)) - {"HEAD", "OPTIONS"}
        named = {m.strip() for m in asked.headers["Access-Control-Allow-Methods"].split(",")}
        assert named == taken, (method, path)
        checked += 1
    assert checked >= 40


def test_a_method_the_url_does_not_take_is_not_allowed(cors_app):
    asked = preflight(cors_app.test_client(), "/api/v1/initiatives", CRM, "PUT")
    assert "Access-Control-Allow-Methods" not in asked.headers


def test_an_origin_is_allowed_exactly_as_listed(make_app):
    """Listed origins are matched whole: not as a prefix, and an IPv6 host's brackets are
    not read as a regular expression."""
    app = make_app(CORS_ORIGINS="http://[::1]:8080,https://crm.example.org")
    client = app.test_client()
    assert (
        preflight(client, "/api/v1/initiatives", "http://[::1]:8080").headers[
            "Access-Control-Allow-Origin"
        ]
        == "http://[::1]:8080"
    )
    for origin in (
        "http://1:8080",
        "http://[::1]:80800",
        "https://crm.example.org.evil.example.net",
        "https://crm.example.orgx",
    ):
        assert cors_headers(preflight(client, "/api/v1/initiatives", origin)) == {}, origin


def test_a_request_without_an_origin_hears_no_cors_header(cors_app, org):
    answer = cors_app.test_client().get(
        "/api/v1/initiatives", headers={"Authorization": f"Bearer {org.tokens['read']}"}
    )
    assert answer.status_code == 200
    assert cors_headers(answer) == {}  # the allowlist is not told to whoever asks
    assert "Origin" in answer.vary


def test_flask_cors_settings_in_the_app_config_cannot_widen_cors(make_app, org):
    app = make_app(
        CORS_ORIGINS=CRM,
        CORS_SUPPORTS_CREDENTIALS=True,
        CORS_SEND_WILDCARD=True,
        CORS_ALLOW_HEADERS="*",
        CORS_ALWAYS_SEND=True,
    )
    client = app.test_client()
    asked = preflight(client, "/api/v1/initiatives", CRM, "POST", "x-other, authorization")
    assert asked.headers["Access-Control-Allow-Origin"] == CRM
    assert asked.headers["Access-Control-Allow-Headers"].lower() == "authorization"
    assert "Access-Control-Allow-Credentials" not in asked.headers
    assert cors_headers(preflight(client, "/api/v1/initiatives", STRANGER)) == {}
    bare = client.get(
        "/api/v1/initiatives", headers={"Authorization": f"Bearer {org.tokens['read']}"}
    )
    assert cors_headers(bare) == {}


def test_a_preflight_to_no_such_path_is_404(cors_app):
    asked = preflight(cors_app.test_client(), "/api/v1/nowhere", CRM)
    assert asked.status_code == 404
    assert asked.mimetype == "application/problem+json"


@pytest.mark.parametrize(
    "origins", ["*", "crm.example.org", "https://crm.example.org/path", "ftp://crm.example.org"]
)
def test_an_origin_that_is_not_one_stops_the_app(make_app, monkeypatch, origins):
    monkeypatch.setenv(edge.CORS_VARIABLE, f"{CRM},{origins}")
    with pytest.raises(ConfigurationError, match="COPROD_CORS_ORIGINS has"):
        make_app()


def test_origins_are_compared_as_browsers_send_them():
    assert edge.normalise_origin("HTTPS://CRM.Example.org:443/") == CRM
    assert edge.normalise_origin("http://localhost:80") == "http://localhost"
    assert edge.normalise_origin("http://[::1]:8080") == "http://[::1]:8080"


# Security headers ------------------------------------------------------------------------


def test_every_operations_answer_is_locked_down_and_never_cached(make_app, org):
    app = make_app()
    client = app.test_client()
    bearer = {"Authorization": f"Bearer {org.tokens['admin']}"}
    checked = 0
    for method, path in operations(app):
        for headers in (bearer, {}):
            response = client.open(path, method=method.upper(), headers=headers)
            assert response.headers["X-Content-Type-Options"] == "nosniff", (method, path)
            assert response.headers["Referrer-Policy"] == "no-referrer"
            assert response.headers["X-Frame-Options"] == "DENY"
            assert response.headers["Content-Security-Policy"] == LOCKED_DOWN
            assert response.headers["Cache-Control"] == "no-store", (method, path)
            assert "Strict-Transport-Security" not in response.headers
        checked += 1
    assert checked >= 40
    missing = client.get("/api/v1/nowhere")
    assert missing.status_code == 404
    assert missing.headers["Content-Security-Policy"] == LOCKED_DOWN


def test_the_api_documents_viewer_may_run_its_own_scripts_only(app):
    client = app.test_client()
    page = client.get("/api/v1/docs")
    policy = page.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    inline = re.findall(r"<script>(.*?)</script>", page.get_data(as_text=True), re.DOTALL)
    assert len(inline) == 1
    digest = base64.b64encode(hashlib.sha256(inline[0].encode()).digest()).decode()
    assert directives["script-src"] == f"'self' 'sha256-{digest}'"
    assert directives["default-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["connect-src"] == "'self'"  # "Try it out" calls this API
    assert "unsafe-eval" not in policy
    assert "validatorUrl" in inline[0]  # no badge fetched from an outside validator
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "no-store" not in page.headers.get("Cache-Control", "")
    for asset in re.findall(r'(?:src|href)="([^"]+)"', page.get_data(as_text=True)):
        assert asset.startswith("/api/v1/docs/assets/"), asset  # 'self', as the policy says
        loaded = client.get(asset)
        assert loaded.status_code == 200
        assert loaded.headers["X-Content-Type-Options"] == "nosniff"
        assert "no-store" not in loaded.headers["Cache-Control"]
        loaded.close()


def test_hsts_is_sent_only_when_configured(make_app, org):
    app = make_app(HSTS_SECONDS=31536000)
    answer = app.test_client().get("/api/v1/openapi.json")
    assert answer.headers["Strict-Transport-Security"] == "max-age=31536000"


@pytest.mark.parametrize("value", ["-1", "a year"])
def test_an_hsts_time_that_is_not_one_stops_the_app(make_app, monkeypatch, value):
    monkeypatch.setenv(edge.HSTS_VARIABLE, value)
    with pytest.raises(ConfigurationError, match="COPROD_HSTS_SECONDS is"):
        make_app()


def test_each_security_header_can_be_changed_or_dropped(make_app):
    app = make_app(SECURITY_HEADERS={"Referrer-Policy": "same-origin", "X-Frame-Options": None})
    answer = app.test_client().get("/api/v1/initiatives")
    assert answer.headers["Referrer-Policy"] == "same-origin"
    assert "X-Frame-Options" not in answer.headers
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
