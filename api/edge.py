"""What every answer says to browsers and proxies: CORS for an allowlist, security headers.

coprod is called by servers (a CRM) and by web apps. A web app on another origin may call
it only when its origin is on the allowlist (``COPROD_CORS_ORIGINS``); by default the list
is empty and no CORS header is ever sent, so browsers keep other sites out. Keys travel in
``Authorization`` and never in cookies, so no answer allows credentials, and none allows
every origin (``*``). The CORS headers are flask-cors's, told every option (so that no
``CORS_*`` app setting can widen them): each allowed origin as an exact, anchored
pattern, and the methods of each URL, so that a preflight names what that URL takes.
The preflight itself is answered here, before any key is asked for: browsers send none.

Every answer also carries headers that stop browsers from sniffing, framing or leaking it:
JSON is never a page, so its Content-Security-Policy allows nothing at all; the API
document's viewer (Swagger UI, served from this server) may run its own scripts and the
inline script that starts it, named by hash. Answers to operations are never stored by a
cache (``no-store``): they hold personal data. HSTS is sent only when configured, since
the development server speaks plain HTTP.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import re
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, current_app, request
from flask_cors import CORS
from werkzeug.middleware.proxy_fix import ProxyFix

from api.settings import ConfigurationError, setting, source

CORS_VARIABLE = "COPROD_CORS_ORIGINS"
HSTS_VARIABLE = "COPROD_HSTS_SECONDS"
PROXIES_VARIABLE = "COPROD_TRUSTED_PROXIES"
EXTENSION = "coprod.edge"

CORS_PATHS = "/api/"
UNCACHED_EXCEPT = ("/api/v1/docs", "/api/v1/openapi.json")
"""The API document and its viewer may be cached; every other answer under /api/v1 not."""
ALLOWED_HEADERS = ("Authorization", "Content-Type", "If-Match", "If-None-Match", "Idempotency-Key")
EXPOSED_HEADERS = (
    "ETag",
    "Location",
    "Link",
    "Retry-After",
    "RateLimit",
    "RateLimit-Policy",
    "Repr-Digest",
    "Content-Disposition",
    "Idempotent-Replayed",
)
PREFLIGHT_MAX_AGE = 600

LOCKED_DOWN = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
"""For JSON: nothing in it may load, run, be framed or be submitted anywhere."""
PAGE_POLICY = (
    "default-src 'none'; script-src 'self' {scripts}; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
"""For the API document's viewer: its own files, its inline start-up script (by hash),
the inline styles Swagger UI sets on elements, and requests to this API ("Try it out")."""

DEFAULT_HEADERS: dict[str, str] = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": LOCKED_DOWN,
}

_ORIGIN = re.compile(r"(https?)://([a-z0-9.\-]+|\[[0-9a-f:.]+\])(?::(\d{1,5}))?")
_DEFAULT_PORTS = {"http": "80", "https": "443"}
_INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.DOTALL)
_VARIABLE = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?\w+>")
_ANY_OTHER_PATH = re.compile(r"/api/.*")


@dataclasses.dataclass(frozen=True, slots=True)
class EdgePolicy:
    """The app's CORS allowlist, the headers every answer carries, and how many proxies
    stand in front of it."""

    origins: frozenset[str]
    headers: Mapping[str, str]
    proxies: int = 0
    defaults: tuple[tuple[str, str, str], ...] = dataclasses.field(init=False, repr=False)
    """``headers`` as (name, lower-case name, value), for ``add_headers``."""

    def __post_init__(self) -> None:
        defaults = tuple((name, name.lower(), value) for name, value in self.headers.items())
        object.__setattr__(self, "defaults", defaults)


def normalise_origin(origin: str, where: str = CORS_VARIABLE) -> str:
    """An origin as browsers send it: lower case, no default port, no trailing slash."""
    text = origin.strip().lower().rstrip("/")
    found = _ORIGIN.fullmatch(text)
    if text == "*" or found is None:
        raise ConfigurationError(
            f"{where} has {origin!r}: list each origin allowed to call the API as "
            "scheme://host[:port], such as https://crm.example.org, separated by commas "
            "(not *: keys are only for the origins you trust)."
        )
    scheme, host, port = found.groups()
    if port is None or port == _DEFAULT_PORTS[scheme]:
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


def _origins(value: object, where: str) -> frozenset[str]:
    items = value if isinstance(value, list | tuple | set | frozenset) else str(value).split(",")
    return frozenset(normalise_origin(str(item), where) for item in items if str(item).strip())


def _hsts_seconds(value: object, where: str) -> int:
    try:
        seconds = int(str(value).strip() or "0")
    except ValueError:
        seconds = -1
    if seconds < 0:
        raise ConfigurationError(
            f"{where} is {value!r}: give how long browsers should insist on HTTPS, in "
            "seconds (such as 31536000 for a year), or 0 for no Strict-Transport-Security."
        )
    return seconds


def _proxy_count(value: object, where: str) -> int:
    try:
        count = int(str(value).strip() or "0")
    except ValueError:
        count = -1
    if not 0 <= count <= 5:
        raise ConfigurationError(
            f"{where} is {value!r}: give how many reverse proxies stand in front of coprod "
            "(0 to 5; 1 for one nginx), so that their X-Forwarded-For is believed."
        )
    return count


def read_policy(config: Mapping[str, Any]) -> EdgePolicy:
    """The edge policy ``CORS_ORIGINS``, ``HSTS_SECONDS``, ``TRUSTED_PROXIES`` and
    ``SECURITY_HEADERS`` in the app's settings ask for, else the ``COPROD_`` variables.

    ``SECURITY_HEADERS`` (app settings only) maps header names to the value to send instead
    of the default, or to ``None`` to send none. Read before the app opens its database,
    so a bad setting stops it with nothing to clean up.
    """
    origins = _origins(
        setting(config, "CORS_ORIGINS", CORS_VARIABLE, ""),
        source(config, "CORS_ORIGINS", CORS_VARIABLE),
    )
    headers = dict(DEFAULT_HEADERS)
    hsts = _hsts_seconds(
        setting(config, "HSTS_SECONDS", HSTS_VARIABLE, "0"),
        source(config, "HSTS_SECONDS", HSTS_VARIABLE),
    )
    if hsts:
        headers["Strict-Transport-Security"] = f"max-age={hsts}"
    for name, value in dict(config.get("SECURITY_HEADERS") or {}).items():
        if value is None:
            headers.pop(name, None)
        else:
            headers[name] = str(value)
    proxies = _proxy_count(
        setting(config, "TRUSTED_PROXIES", PROXIES_VARIABLE, "0"),
        source(config, "TRUSTED_PROXIES", PROXIES_VARIABLE),
    )
    return EdgePolicy(origins, headers, proxies)


def install(app: Flask, policy: EdgePolicy) -> None:
    """Give the app its policy, its CORS headers when origins are allowed, and believe its
    proxies' forwarded addresses. Called once every route is registered."""
    if policy.proxies:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=policy.proxies, x_proto=policy.proxies, x_host=policy.proxies
        )
    # Swagger UI would otherwise send the document's URL to an outside validator and show
    # its badge: a leak, and an image the page's policy does not allow.
    ui_config = dict(app.config.get("OPENAPI_SWAGGER_UI_CONFIG") or {})
    ui_config.setdefault("validatorUrl", None)
    app.config["OPENAPI_SWAGGER_UI_CONFIG"] = ui_config
    app.extensions[EXTENSION] = policy
    if policy.origins:
        CORS(
            app,
            resources=_methods_by_url(app),
            origins=[_exactly(origin) for origin in sorted(policy.origins)],
            allow_headers=list(ALLOWED_HEADERS),
            expose_headers=list(EXPOSED_HEADERS),
            max_age=PREFLIGHT_MAX_AGE,
            supports_credentials=False,
            send_wildcard=False,
            always_send=False,  # no Origin, no CORS header (else it lists the allowlist)
            vary_header=False,  # add_headers says Vary: Origin on every answer, refused too
            allow_private_network=False,
            automatic_options=False,  # answer_preflight answers them
            intercept_exceptions=False,  # every answer, errors too, passes after_request
        )


def _exactly(origin: str) -> re.Pattern[str]:
    """An allowed origin as a pattern matching only itself: flask-cors would read a literal
    with ``[`` (an IPv6 host) as a regular expression, and matches a prefix."""
    return re.compile(re.escape(origin) + r"\Z", re.IGNORECASE)


def _methods_by_url(app: Flask) -> dict[str | re.Pattern[str], dict[str, Any]]:
    """flask-cors's resources: each URL under /api/ with the methods it takes, as Flask's
    automatic OPTIONS answer would list them, so that a preflight names just those."""
    methods: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(CORS_PATHS):
            methods.setdefault(rule.rule, set()).update(rule.methods or ())
    resources: dict[str | re.Pattern[str], dict[str, Any]] = {
        _url_pattern(path): {"methods": sorted(taken - {"HEAD", "OPTIONS"})}
        for path, taken in methods.items()
    }
    resources[_ANY_OTHER_PATH] = {"methods": []}  # a 404's problem is readable too
    return resources


def _url_pattern(path: str) -> str | re.Pattern[str]:
    """A rule's path as flask-cors matches it: itself, or a pattern for its variables."""
    if _VARIABLE.search(path) is None:
        return path
    parts: list[str] = []
    last = 0
    for variable in _VARIABLE.finditer(path):
        parts.append(re.escape(path[last : variable.start()]))
        parts.append(".+" if variable[1] == "path" else "[^/]+")
        last = variable.end()
    parts.append(re.escape(path[last:]))
    return re.compile("".join(parts) + r"\Z")


def _policy() -> EdgePolicy:
    found: EdgePolicy = current_app.extensions[EXTENSION]
    return found


def answer_preflight() -> Response | None:
    """A CORS preflight, answered before any key is asked for: browsers send none with it.

    The answer is an empty 204; flask-cors adds what an allowed origin may do (the URL's
    methods, the headers it may send, for how long to remember). Any other origin gets
    the 204 with no CORS header, which browsers take as a refusal.
    """
    if (
        request.method != "OPTIONS"
        or "Access-Control-Request-Method" not in request.headers
        or "Origin" not in request.headers
        or request.url_rule is None
    ):
        return None
    response = current_app.response_class(status=204)
    del response.headers["Content-Type"]
    return response


def add_headers(response: Response) -> Response:
    """``Vary: Origin`` when origins are allowed, the security headers, and ``no-store`` on
    operations."""
    policy = _policy()
    path: str = request.path
    headers = response.headers
    if policy.origins and path.startswith(CORS_PATHS):
        response.vary.add("Origin")  # the CORS headers, from flask-cors, depend on it
    present = {name.lower() for name, _ in headers.items()}
    for name, lowered, value in policy.defaults:  # each unless the answer has it already
        if lowered not in present:
            headers.add(name, value)
            present.add(lowered)
    if _is_page(response) and headers.get("Content-Security-Policy") == LOCKED_DOWN:
        headers["Content-Security-Policy"] = page_policy(response.get_data())
    if (
        path.startswith("/api/v1/")
        and not path.startswith(UNCACHED_EXCEPT)
        and "cache-control" not in present
    ):
        headers.add("Cache-Control", "no-store")  # none there: nothing to replace
    return response


def _is_page(response: Response) -> bool:
    return (
        response.status_code == 200
        and response.mimetype == "text/html"
        and not response.direct_passthrough
        and not response.is_streamed
    )


def page_policy(page: bytes) -> str:
    """The policy for one of our own HTML pages: its inline scripts allowed by hash."""
    hashes = [
        "'sha256-" + base64.b64encode(hashlib.sha256(script).digest()).decode("ascii") + "'"
        for script in _INLINE_SCRIPT.findall(page)
    ]
    return PAGE_POLICY.format(scripts=" ".join(hashes)).replace("'self' ;", "'self';")
