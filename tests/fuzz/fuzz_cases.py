"""What both fuzz runs share: schemathesis's settings, the fuzzer's key, cases that name
seeded records, the problem check, and sending a case and checking what came back.

``test_openapi_fuzz.py`` sends the cases to the app in-process; ``test_http_fuzz.py``
sends them over HTTP to gunicorn, and follows the document's links statefully as well.
Each loads its own schema (``load_schema``), with its own settings, and both get the same
key, the same hooks and the same checks from here.
"""

from __future__ import annotations

import itertools
import os
import pathlib
import zlib
from collections.abc import Callable
from typing import Any

import schemathesis
from fuzz_world import FuzzWorld, SeededInitiative, Tally, current_world
from hypothesis import strategies as st
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation.meta import TestPhase

DOCUMENT = pathlib.Path(__file__).resolve().parents[2] / "openapi" / "openapi.json"
SEED = int(os.environ.get("COPROD_FUZZ_SEED", "4"))

REFUSALS = ["400", "401", "403", "404", "405", "406", "409", "412", "413", "415", "422", "428",
            "429", "5xx"]  # fmt: skip
"""What ``negative_data_rejection`` accepts as refusing what the document says is invalid.
412 too: a stale If-Match is judged before the body is read (RFC 9110 13.2.1 lets
preconditions be evaluated before the content is processed), so a broken body sent with a
stale ETag is rightly answered 412, not 422."""


@schemathesis.serializer("application/x-ndjson")
def ndjson(_context: Any, value: Any) -> bytes:
    """A bulk body as sent: the generated value as text, or each item of a list a line."""
    if isinstance(value, bytes):
        return value
    if isinstance(value, list):
        import json

        return b"".join(json.dumps(item).encode() + b"\n" for item in value)
    return str(value).encode("utf-8", "surrogatepass")


def fuzz_config(*, examples: int, coverage: bool = True, stateful: bool = False) -> Any:
    """schemathesis's settings: ``examples`` fuzzing cases per operation, derandomised.

    ``stateful`` turns on the checks that only a stateful run can make (a deleted record
    stays gone, a created one can be read) and makes the state machine follow the links
    the document declares (``api.spec.record_links``), not links schemathesis guesses.
    """
    return schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "generation": {
                "deterministic": True,
                "database": "none",
                "max-examples": examples,
                "mode": "all",
                # NUL bytes and any Unicode in generated strings (both defaults, said here
                # because they matter: PostgreSQL refuses NULs in text).
                "allow-x00": True,
                "codec": "utf-8",
                # Always send the fuzzer's key rather than generating (mostly broken)
                # ones: a broken key is answered 401 before anything else is read, which
                # would spend two cases in five of a long run. ignored_auth still sends
                # each operation without a key and with a wrong one, and the suite's
                # every-operation tests send missing, unknown and malformed keys.
                "with-security-parameters": False,
            },
            "phases": {
                "coverage": {"enabled": coverage},
                "stateful": {"enabled": stateful, "inference": {"algorithms": []}},
            },
            "checks": {
                "not_a_server_error": {"enabled": True},
                "status_code_conformance": {"enabled": True},
                "content_type_conformance": {"enabled": True},
                "response_schema_conformance": {"enabled": True},
                "response_headers_conformance": {"enabled": True},
                "negative_data_rejection": {
                    "enabled": True,
                    "expected-statuses": REFUSALS,
                },
                "ignored_auth": {"enabled": True},
                "unsupported_method": {"enabled": True},
                "allow_header_conformance": {"enabled": True},
                "positive_data_acceptance": {"enabled": False},
                "missing_required_header": {"enabled": False},
                "use_after_free": {"enabled": stateful},
                "ensure_resource_availability": {"enabled": stateful},
                "object_level_authorization": {"enabled": False},
            },
            "operations": [
                {
                    # DELETE on a key revokes it, and a revoked key is still there to
                    # read, with its revoked_at (as the document says): not a use after
                    # free.
                    "include-path": "/api/v1/keys/{key_id}",
                    "checks": {"use_after_free": {"enabled": False}},
                },
                {
                    # The same for OAuth2 clients: a revoked client stays, to be read.
                    "include-path": "/api/v1/oauth/clients/{client_id}",
                    "checks": {"use_after_free": {"enabled": False}},
                },
                {
                    # A bulk body is text whose lines are each answered on their own, a
                    # refused line in a 200 (tests/rest/test_bulk.py): the document's
                    # "string" cannot be violated on the wire, so nothing is to refuse.
                    "include-path": "/api/v1/bulk",
                    "checks": {"negative_data_rejection": {"enabled": False}},
                },
            ],
        }
    )


def load_schema(config: Any) -> Any:
    """The committed document with ``config``, the fuzzer's key and the seeding hook."""
    schema = schemathesis.openapi.from_path(DOCUMENT, config=config)
    schema.auth(refresh_interval=None)(FuzzerKey)
    schema.hook(flatmap_case)
    return schema


# The fuzzer's key -----------------------------------------------------------------------

FUZZER_KEY = "coprod-fuzzer-key"
"""Stands for the seeded organisation's key in generated cases until they are sent.

schemathesis builds its coverage cases when pytest collects, before the organisation (and
so its key) exists; the test puts the real key in place of this one just before the call.
(Loading the schema lazily in a fixture would avoid this, but schemathesis's lazy loader
does not run on pytest 9.2.)
"""


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


def with_the_real_key(case: Any, world: FuzzWorld) -> None:
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


SEARCH_WORDS = ("Seeded", "mapping", "what was said", "carers", "outcomes", "care (who)")
"""Searches (``q``) that find seeded records: their titles' and payloads' words."""

SEEDED: set[str] = set()
"""The ids of cases that name seeded records (a Case takes no attributes of ours)."""


def with_seeded_ids(
    case: Any,
    initiative: SeededInitiative,
    picks: list[int],
    *,
    path: bool = True,
    body: bool = True,
) -> Any:
    """``case`` naming ``initiative``'s records in its path (with ``path``), and the
    toolkit's keys and the initiative's records in its body (with ``body``); ``picks``
    choose among the candidates."""
    world = current_world()
    pick = itertools.cycle(picks)
    for name in list(case.path_parameters or {}) if path else []:
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
    if isinstance(case.query, dict) and isinstance(case.query.get("q"), str):
        case.query["q"] = SEARCH_WORDS[next(pick) % len(SEARCH_WORDS)]
    if path:
        SEEDED.add(case.id)
    return case


def seed_coverage_case(case: Any, world: FuzzWorld) -> None:
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
    with_seeded_ids(case, initiative, [key % 7, key % 11, key % 13], body=False)


def flatmap_case(context: Any, case: Any) -> st.SearchStrategy[Any]:
    """Half the time, the case names seeded records (the other half keeps what was drawn).

    In the stateful phase only the body is seeded (a toolkit's keys, so that creating an
    initiative can succeed and start a chain): its path names what the links carried from
    an earlier step, which is the point of it.
    """
    world = current_world()
    stateful = case.meta is not None and case.meta.phase.name == TestPhase.STATEFUL
    return st.one_of(
        st.just(case),
        st.builds(
            with_seeded_ids,
            st.just(case),
            st.sampled_from(world.initiatives),
            st.lists(st.integers(0, 15), min_size=4, max_size=4),
            path=st.just(not stateful),
        ),
    )


DESTRUCTIVE = {"delete"}
"""Methods whose seeded target is swapped for a fresh record, so the seeded ones last."""


def protect_seeded_records(case: Any, world: FuzzWorld) -> None:
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


# Sending a case -------------------------------------------------------------------------


def send_and_check(
    case: Any,
    world: FuzzWorld,
    tally: Tally,
    *,
    send: Callable[[Any], Any],
    validate: Callable[[Any, Any], None],
) -> Any:
    """Send ``case`` (with ``send``), check the answer (with ``validate``: schemathesis's
    checks and the problem check) and, if it was refused, that it changed nothing.

    Returns the answer; raises what the checks raise.
    """
    seed_coverage_case(case, world)
    protect_seeded_records(case, world)
    with_the_real_key(case, world)
    before = world.digest_before_a_case()
    response = send(case)
    refused = 400 <= response.status_code < 500
    if not refused:
        world.known = None  # an answered case may have changed the data
    phase = case.meta.phase.name.value if case.meta else "explicit"
    tally.record(case.operation.label, phase, case.id in SEEDED, response.status_code)
    validate(case, response)
    if refused:
        world.known = after = world.digest()
        assert after == before, (
            f"{case.method} {case.formatted_path} was refused ({response.status_code}) "
            "but changed the organisation's data"
        )
        tally.refused_unchanged += 1
    return response
