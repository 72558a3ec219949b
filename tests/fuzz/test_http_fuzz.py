"""The fuzz run again, over real HTTP to gunicorn, with the stateful phase.

The in-process run (``test_openapi_fuzz.py``) hands each case to the app as WSGI; an
independent probe that sent schemathesis's cases over HTTP, to gunicorn on PostgreSQL,
following the document's links, found bugs that run never did. This is that probe, as
our own run: gunicorn (2 workers, gthread) serves ``api:create_app()`` on the suite's
database (an SQLite file, or ``COPROD_TEST_DATABASE_URL``), started and stopped here; the
fuzzer is the admin key of an organisation holding real records (``fuzz_world.py``);
generated strings may hold NUL bytes. Two tests:

- ``test_every_answer_over_http_keeps_to_the_document``: every operation, schemathesis's
  coverage cases and ``COPROD_FUZZ_EXAMPLES`` fuzzing cases each, as in-process;
- ``test_following_links_over_http_keeps_to_the_document``: the stateful phase. Scenarios
  start by creating something (an initiative, a participant, a key...) and follow the
  ``links`` the document declares from a 201 (``api.spec.record_links``) to read, change,
  delete and list that very record, with its ETag as If-Match. Besides the checks of the
  other test, a deleted record must stay gone (``use_after_free``) and a created one must
  be there to read (``ensure_resource_availability``). It does not stop at the first
  failure: each distinct failure (operation and check) is kept, with a curl command that
  repeats it, and all are reported at the end.

Every answer gets the checks of the in-process run (``fuzz_cases.py``): no 5xx; a status,
content type, headers and body the document declares; every 4xx a problem with a
``code``; a refused request changes no row and no file.

This run is not part of the default run: ``tox -e fuzz`` sets ``COPROD_FUZZ_HTTP=1``. The
default run sends a smoke of it instead (``SMOKE``: one fuzzing case per operation, no
coverage cases, two short scenarios), so that the harness cannot rot unnoticed. Both skip,
saying why, where gunicorn is not installed, and (like the rest of the suite) where the
PostgreSQL server named by ``COPROD_TEST_DATABASE_URL`` does not answer.
"""

from __future__ import annotations

import collections
import dataclasses
import json
import os
import pathlib
import random
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from typing import Any

import hypothesis
import pytest
import requests
from flask import Flask
from fuzz_cases import (
    DOCUMENT,
    SEED,
    every_4xx_is_a_problem_with_a_code,
    fuzz_config,
    load_schema,
    send_and_check,
    with_seeded_ids,
)
from fuzz_world import FuzzWorld, Tally, fuzz_app, fuzz_world, http_fuzz_tally
from hypothesis import HealthCheck, Phase, settings
from hypothesis.errors import Flaky
from ports import free_port
from schemathesis.core.failures import FailureGroup
from schemathesis.generation.stateful.state_machine import StepInput, StepOutput

from api.context import services
from toolkits_core.service import Database

__all__ = ["fuzz_app", "fuzz_world", "http_fuzz_tally"]  # fixtures, used by name

FULL = os.environ.get("COPROD_FUZZ_HTTP") == "1"
"""The whole run (``tox -e fuzz``); otherwise the smoke."""
SMOKE = not FULL
EXAMPLES = int(os.environ.get("COPROD_FUZZ_EXAMPLES", "40")) if FULL else 1
WORKERS = 2
THREADS = 4
TIMEOUT = 60
"""Seconds to wait for one answer: a case that takes longer is a hang, and fails."""

STEPS = 10 if FULL else 4
"""The longest scenario, in steps (create, then follow links from what was made)."""
RESTARTS = 50
"""How many times the stateful run may start again after Hypothesis found it flaky."""

schema = load_schema(fuzz_config(examples=EXAMPLES, coverage=FULL, stateful=True))


# gunicorn -------------------------------------------------------------------------------


@dataclasses.dataclass
class Server:
    """gunicorn, serving the app on the suite's database and the fuzz app's files."""

    url: str
    log: pathlib.Path
    session: requests.Session

    @property
    def kwargs(self) -> dict[str, Any]:
        """What schemathesis sends each request with (its checks' probes too)."""
        return {"base_url": self.url, "session": self.session, "timeout": TIMEOUT}

    def text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def tracebacks(self) -> int:
        return self.text().count("Traceback")


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return bool(response.status == 200)
    except OSError:
        return False


@pytest.fixture(scope="module")
def gunicorn(
    database: Database,
    fuzz_app: Flask,
    http_fuzz_tally: Tally,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Server]:
    """gunicorn (``WORKERS`` workers x ``THREADS`` threads, gthread) on the suite's database.

    It stores files where ``fuzz_app`` does, so that the fuzzer's world (seeded through
    ``fuzz_app``, in-process) and what gunicorn stores are one organisation's data.
    """
    pytest.importorskip("gunicorn", reason="fuzzing over HTTP needs gunicorn: install .[server]")
    work = tmp_path_factory.mktemp("http-fuzz")
    env = {
        **os.environ,
        "COPROD_DATABASE_URL": database.engine.url.render_as_string(hide_password=False),
        "COPROD_FILES_DIR": str(services(fuzz_app).files.root),  # type: ignore[attr-defined]
        "COPROD_RATE_LIMIT": "off",
        "COPROD_PLUGINS": "coproduction_star,national_standards",
    }
    port, log = free_port(), work / "gunicorn.log"
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--config=python:api.gunicorn_conf",  # as in production (README)
        f"--workers={WORKERS}",
        f"--threads={THREADS}",
        f"--bind=127.0.0.1:{port}",
        f"--timeout={TIMEOUT}",
        "--graceful-timeout=5",
        f"--error-logfile={log}",
        "--capture-output",  # the app logs an unhandled error's traceback to stderr
        "api:create_app()",
    ]
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
    )
    server = Server(f"http://127.0.0.1:{port}", log, requests.Session())
    try:
        deadline = time.monotonic() + 60
        while not _answers(f"{server.url}/api/v1/openapi.json"):
            assert process.poll() is None, f"gunicorn stopped:\n{server.text()}"
            assert time.monotonic() < deadline, f"gunicorn did not start:\n{server.text()}"
            time.sleep(0.2)
        kind = "an SQLite file" if database.is_sqlite else "PostgreSQL"
        http_fuzz_tally.where = f"gunicorn ({WORKERS} workers x {THREADS} threads) on {kind}"
        yield server
    finally:
        server.session.close()
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
        http_fuzz_tally.log = f"{log} ({server.tracebacks()} traceback(s))"


def _with_log(server: Server, message: str) -> str:
    """``message``, and where gunicorn's log is if it logged a traceback."""
    tracebacks = server.tracebacks()
    if tracebacks:
        message += f"\n\ngunicorn logged {tracebacks} traceback(s): {server.log}"
    return message


# Every operation, one case at a time ----------------------------------------------------


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck), print_blob=False)
def test_every_answer_over_http_keeps_to_the_document(
    case: Any, gunicorn: Server, fuzz_world: FuzzWorld, http_fuzz_tally: Tally
) -> None:
    kwargs = gunicorn.kwargs
    try:
        send_and_check(
            case,
            fuzz_world,
            http_fuzz_tally,
            send=lambda case: case.call(**kwargs),
            validate=lambda case, response: case.validate_response(
                response,
                additional_checks=[every_4xx_is_a_problem_with_a_code],
                transport_kwargs=kwargs,
            ),
        )
    finally:
        http_fuzz_tally.organisations += fuzz_world.renew_if_grown()


# Following the links --------------------------------------------------------------------


@dataclasses.dataclass
class Failures:
    """Distinct failures of the stateful run: the first of each, and how often it came."""

    first: dict[tuple[str, str], str] = dataclasses.field(default_factory=dict)
    seen: collections.Counter[tuple[str, str]] = dataclasses.field(
        default_factory=collections.Counter
    )

    def note(self, case: Any, response: Any, error: BaseException) -> None:
        failures = error.exceptions if isinstance(error, FailureGroup) else (error,)
        for failure in failures:
            title = getattr(failure, "title", None) or str(failure).splitlines()[0][:120]
            key = (case.operation.label, title)
            self.seen[key] += 1
            if key not in self.first:
                curl = case.as_curl_command(headers=dict(response.request.headers))
                message = getattr(failure, "message", str(failure))
                self.first[key] = f"{message}\n    {response.status_code} to: {curl}"

    def report(self) -> str:
        return "\n\n".join(
            f"[{self.seen[key]}x] {key[0]}: {key[1]}\n{text}" for key, text in self.first.items()
        )


def test_following_links_over_http_keeps_to_the_document(
    gunicorn: Server, fuzz_world: FuzzWorld, http_fuzz_tally: Tally
) -> None:
    failures = Failures()
    machine = schema.as_state_machine()
    targets = _link_targets()
    assert targets, "the document declares no links to follow"
    rng = random.Random(SEED)
    kwargs = gunicorn.kwargs

    class Workflow(machine):  # type: ignore[misc, valid-type]
        def step(self, input: StepInput) -> StepOutput:
            case = input.case
            if input.transition is None and case.path_parameters and rng.random() < 0.5:
                # A scenario that starts by creating something under an initiative
                # (a participant, say) starts under a seeded one, half the time.
                initiative = rng.choice(fuzz_world.initiatives)
                with_seeded_ids(case, initiative, [rng.randrange(16)], body=False)
            answers = []

            def send(case: Any) -> Any:
                answers.append(self.call(case, **kwargs))
                self.after_call(answers[-1], case)  # kept for the stateful checks
                return answers[-1]

            def validate(case: Any, response: Any) -> None:
                additional = [every_4xx_is_a_problem_with_a_code]
                self.validate_response(response, case, additional_checks=additional, **kwargs)

            try:
                send_and_check(case, fuzz_world, http_fuzz_tally, send=send, validate=validate)
            except (AssertionError, FailureGroup) as error:
                if not answers:
                    raise  # not a check of an answer: the set-up of the case failed
                failures.note(case, answers[-1], error)
            return StepOutput(answers[-1], case)

        def teardown(self) -> None:
            scenarios.append(1)
            http_fuzz_tally.organisations += fuzz_world.renew_if_grown()
            super().teardown()

    # About EXAMPLES steps for each operation a link leads to (scenarios end early, too).
    wanted = 2 if SMOKE else max(1, EXAMPLES * len(targets) // STEPS)
    scenarios: list[int] = []
    for attempt in range(RESTARTS):
        # What the machine may do next depends on what the server answered, which
        # Hypothesis takes for a flaky strategy when it replays a prefix it has seen; like
        # schemathesis's own runner, start again (with the next seed) for the rest.
        left = wanted - len(scenarios)
        if left <= 0:
            break
        try:
            hypothesis.seed(SEED + attempt)(Workflow).run(
                settings=settings(
                    max_examples=left,
                    stateful_step_count=STEPS,
                    deadline=None,
                    database=None,
                    phases=[Phase.generate],
                    suppress_health_check=list(HealthCheck),
                    print_blob=False,
                )
            )
            break
        except Flaky:
            continue
    if failures.first:  # pytest.fail: an assert would print every failure twice
        report = f"{len(failures.first)} distinct failure(s):\n\n{failures.report()}"
        pytest.fail(_with_log(gunicorn, report), pytrace=False)


def _link_targets() -> set[str]:
    """The operations the document's links lead to."""
    document = json.loads(DOCUMENT.read_text(encoding="utf-8"))
    return {
        link["operationRef"]
        for item in document["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict)
        for response in operation.get("responses", {}).values()
        for link in response.get("links", {}).values()
    }
