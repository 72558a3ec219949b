"""The app the idempotency tests serve under gunicorn: coprod whose worker can be killed.

gunicorn imports it in each worker (``tests.trust.idempotency_app:idempotency_app()``), so
it stands alone. A request sent with an ``Idempotency-Key`` starting with ``die-`` kills
its worker process (``os._exit``) after its write has committed and before its answer is
saved: the one moment when only the claim can stop a retry from doing the write again.
A claim's answer counts as lost ``COPROD_TEST_LOST_AFTER_MS`` after its commit, so that
the tests need not wait the production ten seconds.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from flask import Flask

import api.idempotency as hooks
import toolkits_core._services.idempotency as kept
from api import create_app

DIE_PREFIX = "die-"
LOST_AFTER_VARIABLE = "COPROD_TEST_LOST_AFTER_MS"
EXIT_STATUS = 17


def idempotency_app() -> Flask:
    """The app for one gunicorn worker, on ``COPROD_DATABASE_URL`` (already migrated)."""
    real_save = hooks.save_answer

    def save_unless_told_to_die(session: Any, call: Any, answer: Any) -> bool:
        if call.key.startswith(DIE_PREFIX):
            os._exit(EXIT_STATUS)  # the worker dies: no answer saved, no reply sent
        return real_save(session, call, answer)

    hooks.save_answer = save_unless_told_to_die  # type: ignore[assignment]
    kept.ANSWER_LOST_AFTER = dt.timedelta(
        milliseconds=int(os.environ.get(LOST_AFTER_VARIABLE, "1000"))
    )
    return create_app({"AUTO_MIGRATE": False, "RATE_LIMIT": "off"})
