"""How keys are handled: when they were last used is recorded, and they are never logged."""

from __future__ import annotations

import datetime as dt
import importlib
import logging

import pytest

STAR = "coproduction-star"


def secret_of(token: str) -> str:
    return token.split(".", 1)[1]


def test_using_a_key_records_when_it_was_last_used(org):
    admin = org.with_scope("admin")
    keys = {key["name"]: key for key in admin.get("keys").json["items"]}
    assert keys["read key"]["last_used_at"] is None
    before = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    assert org.with_scope("read").get("initiatives").status_code == 200
    keys = {key["name"]: key for key in admin.get("keys").json["items"]}
    used = dt.datetime.fromisoformat(keys["read key"]["last_used_at"])
    assert before <= used <= dt.datetime.now(dt.UTC)
    assert keys["write key"]["last_used_at"] is None


def test_no_key_or_secret_reaches_the_logs_or_the_answers(org, caplog, monkeypatch):
    """Good keys, wrong secrets, malformed tokens and a crash while holding a key: the
    secret appears in no log line and no answer, whatever the log level."""
    caplog.set_level(logging.DEBUG)
    token = org.tokens["write"]
    key_id = token.removeprefix("coprod_").split(".")[0]
    wrong = f"coprod_{key_id}.{'x' * 43}"

    def crash(*_args, **_kwargs):
        raise RuntimeError("a fault nobody foresaw")

    answers = [
        org.api.get("initiatives"),
        org.api.post("initiatives", json={"toolkit": STAR, "title": ""}),
        org.api.as_key(wrong).get("initiatives"),
        org.api.as_key("coprod_" + "y" * 300).get("initiatives"),
    ]
    resource = importlib.import_module("api.resources.initiatives")
    monkeypatch.setattr(resource, "list_initiatives", crash)
    crashed = org.api.get("initiatives")
    assert crashed.status_code == 500
    answers.append(crashed)
    assert "a fault nobody foresaw" in caplog.text, "the crash itself is logged"
    for secret in (secret_of(token), secret_of(wrong), "y" * 300):
        assert secret not in caplog.text
        for answer in answers:
            assert secret not in answer.get_data(as_text=True)
            assert all(secret not in value for _, value in answer.headers.items())


@pytest.mark.parametrize("scope", ["read", "write", "admin"])
def test_a_key_listing_never_shows_a_secret_or_its_digest(org, database, scope):
    admin = org.with_scope("admin")
    text = admin.get("keys").get_data(as_text=True)
    assert secret_of(org.tokens[scope]) not in text
    assert "sha256" not in text
