"""One rule for URLs: every URL the API gives, in a header or in a body, is a full URL.

``Location`` and ``Link`` always were; a file's ``url`` in evidence, the media of the
case-study renderings and the file URLs in webhook payloads are too, so that an
integrator follows any of them as it is, without knowing where the server is mounted.
"""

from __future__ import annotations

import re
import time

import pytest
from flask import Flask
from test_evidence_files import part, wav_bytes
from webhook_receiver import Receiver

from api.records import absolute_url
from api.resources.webhooks import webhook_settings
from api.settings import ConfigurationError
from api.webhooks.worker import Worker

STAR = "coproduction-star"
BASE = "http://localhost"  # where the test client sends its requests


@pytest.fixture
def interview(api):
    initiative = api.post("initiatives", json={"toolkit": STAR, "title": "Oral history"})
    assert initiative.status_code == 201, initiative.json
    assert initiative.headers["Location"] == f"{BASE}/api/v1/initiatives/{initiative.json['id']}"
    made = api.post(
        f"initiatives/{initiative.json['id']}/evidence",
        json={"evidence_type": "audio-interview", "payload": {"caption": "Two pupils"}},
    )
    assert made.status_code == 201, made.json
    stored = api.put(f"evidence/{made.json['id']}/file", data=part(wav_bytes()))
    assert stored.status_code == 200, stored.json
    return initiative.json["id"], stored.json


def test_a_files_url_is_absolute_and_downloads_the_file(api, interview):
    initiative, evidence = interview
    url = evidence["file"]["url"]
    assert url == f"{BASE}/api/v1/evidence/{evidence['id']}/file"
    downloaded = api.get(url.removeprefix(BASE))
    assert downloaded.status_code == 200
    assert downloaded.get_data() == wav_bytes()
    listed = api.get(f"initiatives/{initiative}/evidence").json["items"]
    assert [item["file"]["url"] for item in listed] == [url]
    assert api.get(f"evidence/{evidence['id']}").json["file"]["url"] == url


def test_the_url_follows_the_host_the_request_came_to(api, interview):
    _, evidence = interview
    seen = api.get(f"evidence/{evidence['id']}", base_url="https://coprod.council.example")
    assert seen.json["file"]["url"] == (
        f"https://coprod.council.example/api/v1/evidence/{evidence['id']}/file"
    )


def test_a_next_page_link_is_absolute(api, interview):
    api.post("initiatives", json={"toolkit": STAR, "title": "Second"})
    response = api.get("initiatives", query_string={"limit": 1})
    assert re.fullmatch(rf'<{BASE}/api/v1/initiatives\?limit=1&cursor=[\w-]+>; rel="next"',
                        response.headers["Link"])  # fmt: skip


def test_the_case_study_page_plays_its_media_from_absolute_urls(api, interview):
    initiative, evidence = interview
    api.patch(f"evidence/{evidence['id']}", json={"consent": "given"})
    study = api.post(f"initiatives/{initiative}/case-studies", json={})
    assert study.status_code == 201, study.json
    page = api.get(f"case-studies/{study.json['id']}/case-study.html").get_data(as_text=True)
    sources = re.findall(r'<audio[^>]* src="([^"]+)"', page)
    assert sources == [f"{BASE}/api/v1/evidence/{evidence['id']}/file"]


def test_webhook_payloads_carry_urls_on_the_public_address(app: Flask, org, interview, monkeypatch):
    """Outside a request (the worker) the server's address is COPROD_PUBLIC_URL."""
    monkeypatch.setitem(app.config, "PUBLIC_URL", "https://coprod.council.example/")
    _, evidence = interview
    receiver = Receiver()
    admin = org.with_scope("admin")
    made = admin.post("webhooks", json={"url": receiver.url, "event_types": ["evidence.*"]})
    assert made.status_code == 201, made.json
    changed = org.api.patch(f"evidence/{evidence['id']}", json={"collected_on": "2026-03-01"})
    assert changed.status_code == 200, changed.json
    worker = Worker(app, webhook_settings(app))
    try:
        deadline = time.monotonic() + 15
        while not receiver.received:
            assert time.monotonic() < deadline, "nothing was delivered"
            if not worker.run_once():
                time.sleep(0.02)
    finally:
        worker.close()
        receiver.close()
        admin.delete(f"webhooks/{made.json['id']}")
    record = receiver.received[-1].document()["record"]
    assert record["file"]["url"] == (
        f"https://coprod.council.example/api/v1/evidence/{evidence['id']}/file"
    )


def test_a_public_url_that_is_not_an_address_is_refused_saying_which_setting(app, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_URL", "coprod.council.example")
    with app.app_context(), pytest.raises(ConfigurationError, match="PUBLIC_URL"):
        absolute_url("/api/v1/evidence/evd_1/file")
