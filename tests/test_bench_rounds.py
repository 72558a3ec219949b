"""How bench/ turns alternating rounds into the ratio its goals judge, and how it serves.

A slow round on a shared 2-core machine must fall on one pair of rounds, not on the whole
figure, and wrk's connections must be spread over gunicorn's workers, or a round's
throughput hangs on which worker happened to accept them.
"""

from __future__ import annotations

import pathlib
import sys
from typing import Any

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # bench/ is a folder of the checkout, not an installed package
    sys.path.insert(0, str(ROOT))

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
