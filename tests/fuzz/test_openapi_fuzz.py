"""Property-based fuzzing of every operation against the committed OpenAPI document.

schemathesis reads ``openapi/openapi.json`` (the committed document, which a test holds
equal to the one the app serves) and sends what it generates from it, valid and invalid,
to the app in-process (WSGI), with the admin key of an organisation that holds real
records. Every answer must:

- never be a 5xx (``not_a_server_error``);
- have a status code, a content type, headers and a body the document declares for that
  operation (``status_code_conformance``, ``content_type_conformance``,
  ``response_headers_conformance``, ``response_schema_conformance``);
- refuse what the document says is invalid (``negative_data_rejection``) and honour the
  key (``ignored_auth``), and answer a method the path does not take with 405 and an
  ``Allow`` header (``unsupported_method``, ``allow_header_conformance``);
- if it is a 4xx, be ``application/problem+json`` with a ``code`` (our check), and have
  changed nothing: the organisation's rows and files digest the same before and after.

Checks left out, and why:
``positive_data_acceptance`` expects every schema-valid request to succeed, but validity
here also depends on the data (a toolkit's vocabulary, a stage not reached yet, an
archived initiative, an ``If-Match`` the fuzzer cannot know), which the document cannot
say; ``missing_required_header`` has no required header to omit (``If-Match`` is
optional); ``use_after_free`` and ``ensure_resource_availability`` need the stateful
phase, which the run over HTTP has (``test_http_fuzz.py``); ``object_level_authorization``
needs a second identity (the isolation suite covers another organisation's ids);
``max_response_time`` is a timing, and timings live in ``bench/``.

Most cases name the seeded records: every coverage case whose path is not what it tests
(``seed_coverage_case``) and half the fuzzing cases (``flatmap_case``, which also puts the
toolkit's own keys in their bodies), so that they pass the 404 and reach the services.
Cases that delete, and those that change an initiative (which may archive it), are given a
fresh record of their own, so that the seeded ones last the run.

The default run is bounded: schemathesis's coverage cases (about 2,400, built from the
document) and ``COPROD_FUZZ_EXAMPLES`` fuzzing cases per operation (40 unless set), all
derandomised by a fixed seed (``COPROD_FUZZ_SEED``), so CI sends the same cases every
time; ``tox -e fuzz`` runs many more, and the same again over HTTP with the stateful
phase (``test_http_fuzz.py``). The settings, the key, the seeding and the checks are
shared with that run, in ``fuzz_cases.py``.
"""

from __future__ import annotations

import os
from typing import Any

from flask import Flask
from fuzz_cases import (
    every_4xx_is_a_problem_with_a_code,
    fuzz_config,
    load_schema,
    send_and_check,
)
from fuzz_world import FuzzWorld, Tally, fuzz_app, fuzz_tally, fuzz_world
from hypothesis import HealthCheck, settings

EXAMPLES = int(os.environ.get("COPROD_FUZZ_EXAMPLES", "40"))

__all__ = ["fuzz_app", "fuzz_tally", "fuzz_world"]  # fixtures, used by name

schema = load_schema(fuzz_config(examples=EXAMPLES))


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck), print_blob=False)
def test_every_answer_keeps_to_the_document(
    case: Any, fuzz_app: Flask, fuzz_world: FuzzWorld, fuzz_tally: Tally
) -> None:
    case.operation.schema.app = fuzz_app  # in-process (WSGI), for the cases and the probes
    try:
        send_and_check(
            case,
            fuzz_world,
            fuzz_tally,
            send=lambda case: case.call(app=fuzz_app),
            validate=lambda case, response: case.validate_response(
                response,
                additional_checks=[every_4xx_is_a_problem_with_a_code],
                transport_kwargs={"app": fuzz_app},
            ),
        )
    finally:
        fuzz_tally.organisations += fuzz_world.renew_if_grown()
