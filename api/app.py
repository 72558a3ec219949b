"""The Flask application: ``create_app()`` for the server, the tests and gunicorn.

``gunicorn 'api:create_app()'`` serves it in production; ``coprod serve`` in development.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
from collections.abc import Callable, Mapping
from typing import Any

import flask_smorest
from flask import Flask, Response, send_from_directory
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from swagger_ui_bundle import swagger_ui_path  # type: ignore[import-untyped]

from api import auth, edge, hygiene, idempotency, oauth, problems, public, ratelimit
from api.after_answer import AfterAnswer, AnsweredClient
from api.context import EXTENSION, Services, close_workspace
from api.file_settings import read_file_settings
from api.resources import BLUEPRINTS
from api.resources.changes import read_retention
from api.resources.webhooks import webhook_settings
from api.settings import ConfigurationError as ConfigurationError  # also api.app's
from api.spec import SharedResponsesPlugin, openapi_document
from toolkits_core import PluginHost, load_plugins
from toolkits_core.service import (
    DEFAULT_DATABASE_URL,
    Database,
    FileStoreError,
    ServiceError,
    database_url,
)

MAX_UPLOAD_VARIABLE = "COPROD_MAX_UPLOAD_BYTES"
DEFAULT_MAX_UPLOAD_BYTES = 50 * 1024 * 1024
SWAGGER_UI_ASSETS = "/api/v1/docs/assets/"
"""Swagger UI's scripts and styles, served from the swagger-ui-bundle package, so that the
API's documentation page works on a network that blocks CDNs or has no internet at all."""


class CoprodApi(flask_smorest.Api):  # type: ignore[misc]
    """flask-smorest's Api, answering errors as problems and documenting them so."""

    ERROR_SCHEMA = problems.ProblemSchema

    def handle_http_exception(self, error: Exception) -> Any:
        return problems.handle_http_exception(error)  # type: ignore[arg-type]

    def _openapi_json(self) -> Response:
        """Serve the finished document (``api.spec.openapi_document``): the one
        ``coprod openapi`` writes, with its operations named, not flask-smorest's draft."""
        return self._app.response_class(  # type: ignore[no-any-return]
            json.dumps(openapi_document(self._app), indent=2),
            mimetype="application/json",
        )

    def _register_responses(self) -> None:
        saved: str = self.DEFAULT_RESPONSE_CONTENT_TYPE  # type: ignore[has-type]
        self.DEFAULT_RESPONSE_CONTENT_TYPE = problems.PROBLEM_JSON
        try:
            super()._register_responses()
        finally:
            self.DEFAULT_RESPONSE_CONTENT_TYPE = saved


def swagger_ui_asset(filename: str) -> Response:
    """One of Swagger UI's own files (its scripts, styles and icons)."""
    return send_from_directory(str(swagger_ui_path), filename, max_age=86400)


def _upload_limit(value: object) -> int:
    try:
        limit = int(str(value).strip())
    except ValueError:
        limit = 0
    if limit < 1:
        raise ConfigurationError(
            f"{MAX_UPLOAD_VARIABLE} is {value!r}: give the largest upload as a whole number "
            f"of bytes, such as {DEFAULT_MAX_UPLOAD_BYTES} for 50 MiB."
        )
    return limit


def package_version() -> str:
    try:
        return importlib.metadata.version("coprod")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - source checkout
        return "0.0.0"


Step = Callable[[], Response | None]
Finish = Callable[[Response], Response]


def _before_view(limiter: ratelimit.Limiter | None) -> Step:
    """The edge's checks, in the order a request meets them, as one hook: Flask pays for
    each hook it calls, and every request goes through all of them. The rate limiter's
    steps are left out when limiting is off (each would answer nothing)."""
    limited = limiter is not None
    steps: tuple[Step, ...] = tuple(
        step
        for step, counts in (
            (edge.answer_preflight, False),
            (ratelimit.refuse_exhausted_address, True),
            (ratelimit.refuse_spent_key, True),
            (auth.identify_caller, False),
            (ratelimit.count_caller, True),
            (auth.require_scope, False),
            (hygiene.refuse_unstorable_input, False),
            (idempotency.claim_idempotency_key, False),
        )
        if limited or not counts
    )

    def before_view() -> Response | None:
        for step in steps:
            answer = step()
            if answer is not None:
                return answer
        return None

    return before_view


def _after_view(limiter: ratelimit.Limiter | None) -> Finish:
    """What every answer passes on its way out, as one hook: first kept for its
    Idempotency-Key's retries (as the view made it), then given the edge's headers, then
    its RateLimit fields (when limiting is on)."""
    finishes: list[Finish] = [idempotency.keep_answer_for_retries, edge.add_headers]
    if limiter is not None:
        finishes.append(ratelimit.label_answer)

    def after_view(response: Response) -> Response:
        for finish in finishes:
            response = finish(response)
        return response

    return after_view


def end_request(error: BaseException | None = None) -> None:
    """When the request ends, whatever happened: close the copy of an upload's body made
    to hash it, and the request's session (and undo what it left uncommitted)."""
    try:
        idempotency.close_hashed_body(error)
    finally:
        close_workspace(error)


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """The app, with its database checked, its plugins loaded and every route registered.

    ``config`` may set ``DATABASE_URL`` (else ``COPROD_DATABASE_URL``, else the embedded
    SQLite file), ``FILES_DIR`` or ``FILES_URL``, ``FILES_PRESIGN`` and
    ``FILES_PRESIGN_SECONDS`` (``api.file_settings``), ``MAX_UPLOAD_BYTES``, ``PLUGIN_HOST``
    (a ``PluginHost``; by default the installed plugins are loaded) and ``AUTO_MIGRATE`` (by
    default only the embedded SQLite database migrates itself; any other must be upgraded
    with ``coprod db upgrade``, and the app refuses to start until it is). The edge settings
    (``RATE_LIMIT``, ``RATE_LIMIT_STORAGE``, ``RATE_LIMIT_PREFIX``, ``CORS_ORIGINS``,
    ``HSTS_SECONDS``, ``TRUSTED_PROXIES``, ``SECURITY_HEADERS``) are read by
    ``api.ratelimit`` and ``api.edge``, else their ``COPROD_`` variables; docs/api.md
    lists them. ``IDEMPOTENCY_HOURS`` (else ``COPROD_IDEMPOTENCY_HOURS``) is how long an
    answer is kept for the retries of a request sent with an ``Idempotency-Key``.
    ``OAUTH_TOKEN_SECONDS`` (else ``COPROD_OAUTH_TOKEN_SECONDS``, else 3600) is how long an
    OAuth2 client's bearer token lasts.
    """
    settings = dict(config or {})
    # Read first, so that a bad edge setting stops the app before it opens anything.
    limiter = ratelimit.build_limiter(settings)
    edge_policy = edge.read_policy(settings)
    read_retention(settings)
    idempotency_lifetime = idempotency.read_lifetime(settings)
    token_lifetime = oauth.read_token_lifetime(settings)
    file_settings = read_file_settings(settings)
    app = Flask("api")
    url = database_url(settings.pop("DATABASE_URL", None))
    database = Database(url)
    auto_migrate = settings.pop("AUTO_MIGRATE", url == database_url(DEFAULT_DATABASE_URL))
    if auto_migrate:
        database.upgrade()
    database.require_current()
    host = settings.pop("PLUGIN_HOST", None)
    max_upload = _upload_limit(
        settings.pop(
            "MAX_UPLOAD_BYTES", os.environ.get(MAX_UPLOAD_VARIABLE, DEFAULT_MAX_UPLOAD_BYTES)
        )
    )
    app.extensions[EXTENSION] = Services(
        database=database,
        host=host if isinstance(host, PluginHost) else load_plugins(),
        files=file_settings.store,
        max_upload_bytes=max_upload,
        presign_seconds=file_settings.presign_seconds,
    )
    app.config.update(
        API_TITLE="coprod",
        API_VERSION=package_version(),
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="docs",
        OPENAPI_SWAGGER_UI_URL=SWAGGER_UI_ASSETS,
        MAX_CONTENT_LENGTH=max_upload + 64 * 1024,
    )
    app.config.update(settings)
    api = CoprodApi(
        app,
        spec_kwargs={
            "extra_plugins": [SharedResponsesPlugin()],
            "info": {
                "description": "Co-production initiatives run through toolkits, over HTTP. "
                "Every error is an RFC 9457 problem document; every list is paged with "
                "limit and cursor; every record carries an ETag."
            },
        },
    )
    api.spec.components.security_scheme(auth.BEARER, auth.SECURITY_SCHEME)
    api.spec.components.security_scheme(auth.OAUTH2, auth.OAUTH2_SCHEME)
    api.spec.components.security_scheme(auth.CLIENT_BASIC, auth.CLIENT_BASIC_SCHEME)
    oauth.install(app, token_lifetime)
    for blueprint in BLUEPRINTS:
        api.register_blueprint(blueprint)
    webhook_settings(app)  # a bad COPROD_WEBHOOKS_* setting stops the app here
    if public.public_library_on(settings):
        public.install(app)
    app.add_url_rule(f"{SWAGGER_UI_ASSETS}<path:filename>", "swagger_ui_assets", swagger_ui_asset)
    # The edge, in the order a request meets it: CORS preflights need no key; an address
    # that spent its quota on bad keys, or a key known to have spent its own, is refused
    # before the key is looked up; a valid key is counted, and only then is its scope
    # checked, so a key past its quota hears 429 whatever it asks; then the body is
    # checked, and a write's Idempotency-Key claimed (or answered from). Answers get the
    # security and RateLimit headers on the way out, after the answer is kept for its
    # key's retries, and flask-cors's (registered first by edge.install, so run last).
    ratelimit.install(app, limiter)
    edge.install(app, edge_policy)
    idempotency.install(app, idempotency_lifetime)
    app.before_request(_before_view(limiter))
    app.after_request(_after_view(limiter))
    app.teardown_request(end_request)
    app.register_error_handler(ServiceError, problems.handle_service_error)
    app.register_error_handler(StaleDataError, problems.handle_write_conflict)
    app.register_error_handler(IntegrityError, problems.handle_write_conflict)
    app.register_error_handler(FileStoreError, problems.handle_file_store_unavailable)
    for unavailable in problems.DATABASE_UNAVAILABLE:
        app.register_error_handler(unavailable, problems.handle_database_unavailable)
    app.register_error_handler(Exception, problems.handle_unexpected)
    app.wsgi_app = AfterAnswer(app.wsgi_app)  # type: ignore[method-assign]
    app.test_client_class = AnsweredClient
    return app
