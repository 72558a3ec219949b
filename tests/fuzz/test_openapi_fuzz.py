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
optional); ``use_after_free``, ``ensure_resource_availability`` and
``object_level_authorization`` need the stateful phase (the isolation suite covers
another organisation's ids); ``max_response_time`` is a timing, and timings live in
``bench/``.

Most cases name the seeded records: every coverage case whose path is not what it tests
(``_seed_coverage_case``) and half the fuzzing cases (``flatmap_case``, which also puts the
toolkit's own keys in their bodies), so that they pass the 404 and reach the services.
Cases that delete, and those that change an initiative (which may archive it), are given a
fresh record of their own, so that the seeded ones last the run.

The default run is bounded: schemathesis's coverage cases (about 2,400, built from the
document) and ``COPROD_FUZZ_EXAMPLES`` fuzzing cases per operation (40 unless set), all
derandomised by a fixed seed (``COPROD_FUZZ_SEED``), so CI sends the same cases every
time; ``tox -e fuzz`` runs many more.
"""

from __future__ import annotations

import itertools
import os
import pathlib
import zlib
from typing import Any

import schemathesis
from flask import Flask
from fuzz_world import (
    FuzzWorld,
    SeededInitiative,
    Tally,
    current_world,
    fuzz_app,
    fuzz_tally,
    fuzz_world,
)
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation.meta import TestPhase

DOCUMENT = pathlib.Path(__file__).resolve().parents[2] / "openapi" / "openapi.json"
EXAMPLES = int(os.environ.get("COPROD_FUZZ_EXAMPLES", "40"))
SEED = int(os.environ.get("COPROD_FUZZ_SEED", "4"))

__all__ = ["fuzz_app", "fuzz_tally", "fuzz_world"]  # fixtures, used by name

CONFIG = schemathesis.Config.from_dict(
    {
        "seed": SEED,
        "generation": {
            "deterministic": True,
            "database": "none",
            "max-examples": EXAMPLES,
            "mode": "all",
            # Always send the fuzzer's key rather than generating (mostly broken) ones: a
            # broken key is answered 401 before anything else is read, which would spend
            # two cases in five of a long run. ignored_auth still sends each operation
            # without a key and with a wrong one, and the suite's every-operation tests
            # send missing, unknown and malformed keys.
            "with-security-parameters": False,
        },
        "phases": {"stateful": {"enabled": False}},
        "checks": {
            "not_a_server_error": {"enabled": True},
            "status_code_conformance": {"enabled": True},
            "content_type_conformance": {"enabled": True},
            "response_schema_conformance": {"enabled": True},
            "response_headers_conformance": {"enabled": True},
            # 412 too: a stale If-Match is judged before the body is read (RFC 9110
            # 13.2.1 lets preconditions be evaluated before the content is processed), so
            # a broken body sent with a stale ETag is rightly answered 412, not 422.
            "negative_data_rejection": {
                "enabled": True,
                "expected-statuses": [
                    "400",
                    "401",
                    "403",
                    "404",
                    "405",
                    "406",
                    "409",
                    "412",
                    "413",
                    "415",
                    "422",
                    "428",
                    "429",
                    "5xx",
                ],
            },
            "ignored_auth": {"enabled": True},
            "unsupported_method": {"enabled": True},
            "allow_header_conformance": {"enabled": True},
            "positive_data_acceptance": {"enabled": False},
            "missing_required_header": {"enabled": False},
            "use_after_free": {"enabled": False},
            "ensure_resource_availability": {"enabled": False},
            "object_level_authorization": {"enabled": False},
        },
    }
)


schema = schemathesis.openapi.from_path(DOCUMENT, config=CONFIG)

FUZZER_KEY = "coprod-fuzzer-key"
"""Stands for the seeded organisation's key in generated cases until they are sent.

schemathesis builds its coverage cases when pytest collects, before the organisation (and
so its key) exists; the test puts the real key in place of this one just before the call.
(Loading the schema lazily in a fixture would avoid this, but schemathesis's lazy loader
does not run on pytest 9.2.)
"""


@schema.auth(refresh_interval=None)
class FuzzerKey:
    """The fuzzer's key, as the bearer token of every case.

    Given to schemathesis as the schema's auth, so that it knows the key is meant to be
    valid: after every case that succeeds, it sends the same request again without the key
    and with a wrong one, and both must be refused (``ignored_auth``).
    """

    def get(self, case: Any, context: Any) -> str:
        return FUZZER_KEY

    def set(self, case: Any, data: str, context: Any) -> None:
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


def _with_the_real_key(case: Any, world: FuzzWorld) -> None:
    if (case.headers or {}).get("Authorization") == f"Bearer {FUZZER_KEY}":
        case.headers["Authorization"] = f"Bearer {world.token}"


# Real ids for a share of the cases ------------------------------------------------------

BODY_VOCABULARY = {
    "toolkit": lambda v: [v.toolkit],
    "evidence_type": lambda v: v.evidence_types,
    "activity_type": lambda v: v.activity_types,
    "scale": lambda v: v.scales,
    "to_stage": lambda v: v.stages,
    "stage": lambda v: v.stages,
}


SEEDED: set[str] = set()
"""The ids of cases that name seeded records (a Case takes no attributes of ours)."""


def _with_seeded_ids(
    case: Any, initiative: SeededInitiative, picks: list[int], *, body: bool = True
) -> Any:
    """``case`` naming ``initiative``'s records in its path (and the toolkit's keys in its
    body, with ``body``); ``picks`` choose among the candidates."""
    world = current_world()
    pick = itertools.cycle(picks)
    for name in list(case.path_parameters or {}):
        ids = world.ids_for(name, initiative)
        if ids:
            case.path_parameters[name] = ids[next(pick) % len(ids)]
    if body and isinstance(case.body, dict):
        for name, choices in BODY_VOCABULARY.items():
            if isinstance(case.body.get(name), str):
                values = choices(initiative.vocabulary)
                case.body[name] = values[next(pick) % len(values)]
        for name in ("activity_id", "participant_id"):
            if isinstance(case.body.get(name), str):
                ids = world.ids_for(name, initiative)
                case.body[name] = ids[next(pick) % len(ids)]
    SEEDED.add(case.id)
    return case


def _seed_coverage_case(case: Any, world: FuzzWorld) -> None:
    """Point a coverage case at seeded records, unless its path is what it tests.

    Coverage cases are built once, when pytest collects (before any record exists), and
    each tests one boundary of one part of the request; with a made-up id in its path
    almost every one would stop at 404. Which seeded initiative it names follows from the
    case itself, so runs stay repeatable. Its body is left as built.
    """
    meta = case.meta
    if meta is None or meta.phase.name != TestPhase.COVERAGE or not case.path_parameters:
        return
    if meta.is_negative_at(ParameterLocation.PATH):
        return
    key = zlib.crc32(f"{case.method} {case.path} {case.query} {case.body!r}".encode())
    initiative = world.initiatives[key % len(world.initiatives)]
    _with_seeded_ids(case, initiative, [key % 7, key % 11, key % 13], body=False)


@schema.hook
def flatmap_case(context: Any, case: Any) -> st.SearchStrategy[Any]:
    """Half the time, the case names seeded records (the other half keeps what was drawn)."""
    world = current_world()
    return st.one_of(
        st.just(case),
        st.builds(
            _with_seeded_ids,
            st.just(case),
            st.sampled_from(world.initiatives),
            st.lists(st.integers(0, 15), min_size=4, max_size=4),
        ),
    )


DESTRUCTIVE = {"delete"}
"""Methods whose seeded target is swapped for a fresh record, so the seeded ones last."""


def _protect_seeded_records(case: Any, world: FuzzWorld) -> None:
    """Give a case that may delete or archive a seeded record a fresh one instead."""
    if case.id not in SEEDED:
        return
    method = case.method.lower()
    path = case.path
    changes_initiative = method == "patch" and path == "/api/v1/initiatives/{initiative_id}"
    if method not in DESTRUCTIVE and not changes_initiative:
        return
    for name, value in list(case.path_parameters.items()):
        initiative = next((i for i in world.initiatives if value in world.ids_for(name, i)), None)
        if initiative is not None and name not in {"key", "evidence_type"}:
            case.path_parameters[name] = world.disposable(name, initiative)


# The problem check ----------------------------------------------------------------------


def every_4xx_is_a_problem_with_a_code(ctx: Any, response: Any, case: Any) -> bool | None:
    """A refused request is answered as application/problem+json with a stable code."""
    if not 400 <= response.status_code < 500:
        return None
    content_type = (response.headers.get("content-type") or [""])[0]
    assert content_type.split(";")[0].strip() == "application/problem+json", (
        f"{response.status_code} answered as {content_type!r}, not application/problem+json"
    )
    body = response.json()
    assert isinstance(body, dict), "a problem is a JSON object"
    assert isinstance(body.get("code"), str), f"a problem without a code: {body}"
    assert body.get("status") == response.status_code, f"status member differs: {body}"
    return True


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck), print_blob=False)
def test_every_answer_keeps_to_the_document(
    case: Any, fuzz_app: Flask, fuzz_world: FuzzWorld, fuzz_tally: Tally
) -> None:
    try:
        _send_and_check(case, fuzz_app, fuzz_world, fuzz_tally)
    finally:
        fuzz_tally.organisations += fuzz_world.renew_if_grown()


def _send_and_check(case: Any, app: Flask, world: FuzzWorld, tally: Tally) -> None:
    case.operation.schema.app = app  # in-process (WSGI), for the cases and the checks' probes
    _seed_coverage_case(case, world)
    _protect_seeded_records(case, world)
    _with_the_real_key(case, world)
    before = world.digest_before_a_case()
    response = case.call(app=app)
    refused = 400 <= response.status_code < 500
    if not refused:
        world.known = None  # an answered case may have changed the data
    phase = case.meta.phase.name.value if case.meta else "explicit"
    tally.record(case.operation.label, phase, case.id in SEEDED, response.status_code)
    case.validate_response(
        response,
        additional_checks=[every_4xx_is_a_problem_with_a_code],
        transport_kwargs={"app": app},
    )
    if refused:
        world.known = after = world.digest()
        assert after == before, (
            f"{case.method} {case.formatted_path} was refused ({response.status_code}) "
            "but changed the organisation's data"
        )
        tally.refused_unchanged += 1
