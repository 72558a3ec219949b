"""How bench/ turns alternating rounds into the ratio its goals judge, and how it serves.

A slow round on a shared 2-core machine must fall on one pair of rounds, not on the whole
figure, and wrk's connections must be spread over gunicorn's workers, or a round's
throughput hangs on which worker happened to accept them.
"""

from __future__ import annotations

import pathlib
import sys
from types import SimpleNamespace
from typing import Any

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # bench/ is a folder of the checkout, not an installed package
    sys.path.insert(0, str(ROOT))

import bench.report  # noqa: E402
import bench.run  # noqa: E402
from bench.load import ServerSettings  # noqa: E402
from bench.run import paired_ratio  # noqa: E402


def _side(*rps: float) -> dict[str, Any]:
    return {"rounds": [{"rps": value} for value in rps]}


def test_the_ratio_is_the_median_of_the_paired_rounds() -> None:
    # the anchor's second round was slowed: pooled, the product would look at 0.80
    ratio, spread = paired_ratio(_side(500, 300, 500), _side(1000, 300, 1000))
    assert ratio == pytest.approx(0.5)
    assert spread == (pytest.approx(0.5), pytest.approx(1.0))


def test_a_round_the_anchor_did_not_answer_is_left_out() -> None:
    ratio, spread = paired_ratio(_side(400, 400), _side(0, 800))
    assert ratio == pytest.approx(0.5)
    assert spread == (pytest.approx(0.5), pytest.approx(0.5))
    assert paired_ratio(_side(400), _side(0)) == (None, None)


def test_each_worker_takes_only_its_share_of_the_connections() -> None:
    settings = ServerSettings.spreading(8)
    assert settings.worker_connections == 4
    assert ServerSettings.spreading(9).worker_connections == 5  # never fewer than all
    assert "at most 4 connections each" in settings.describe()
    assert "connections" not in ServerSettings().describe()


class _IdleServer:
    def wait_idle(self) -> None:
        pass


def _timed(monkeypatch: pytest.MonkeyPatch, answers: list[float | None], writes: bool) -> Any:
    forgotten: list[object] = []
    monkeypatch.setattr(bench.run, "time_one", lambda *_: (201, answers.pop(0)))
    monkeypatch.setattr(bench.run, "forget_bench_writes", forgotten.append)
    case = bench.run.Case("create-long", "create", None, writes=writes)  # type: ignore[arg-type]
    seeded = SimpleNamespace(token="token")
    timed = bench.run._timed_requests(_IdleServer(), case, seeded)  # type: ignore[arg-type]
    return timed, forgotten


def test_a_single_request_is_the_median_of_several_timings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # one timing caught something else on the machine: it must not be the figure
    timed, forgotten = _timed(monkeypatch, [0.028, 0.009, 0.010, 0.009, 0.011, 0.010, 0.009], True)
    assert timed["seconds"] == pytest.approx(0.010)
    assert len(timed["timings"]) == bench.run.SINGLE_TIMINGS
    assert len(forgotten) == bench.run.SINGLE_TIMINGS  # each write's rows deleted


def test_single_timings_stop_at_the_budget_and_at_a_timeout(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    timed, _ = _timed(monkeypatch, [40.0, 30.0, 5.0], False)
    assert timed["timings"] == [40.0, 30.0]  # a minute spent: no third
    assert timed["seconds"] == pytest.approx(35.0)
    timed, _ = _timed(monkeypatch, [0.01, None], False)
    assert timed["seconds"] is None


def _page(*p50_ms: float) -> dict[str, Any]:
    return {"rounds": [{"latency_us": {"p50": value * 1000}} for value in p50_ms]}


def test_the_far_page_is_judged_against_the_first_page_of_its_own_round() -> None:
    # the machine slowed during the far page's second round, first page and far page alike
    far = {**_page(21, 42, 22), "beside_rounds": _page(20, 40, 20)["rounds"]}
    assert bench.report._far({"product": far}, "product") == pytest.approx(1.05)
