"""Case study renderings: Markdown, a standalone printable page, and charts by pygal,
each with a text alternative; people's text never becomes markup."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from test_every_operation import upload

STAR = "coproduction-star"
CO_S = ["Co-commissioning", "Co-design", "Co-delivery", "Co-assessment"]


@pytest.fixture
def study(api):
    initiative = api.post(
        "initiatives", json={"toolkit": STAR, "title": "Out and About",
                             "summary": "Walks <b>planned</b> with people."},
    ).json["id"]  # fmt: skip
    person = api.post(
        f"initiatives/{initiative}/participants",
        json={"role": "person_using_services", "display_name": "Margaret", "consent": "given"},
    ).json["id"]
    api.post(
        f"initiatives/{initiative}/evidence",
        json={"evidence_type": "participant-quote", "participant_id": person, "consent": "given",
              "payload": {"text": "I know the way <script>alert(1)</script>now."}},
    )  # fmt: skip
    interview = api.post(
        f"initiatives/{initiative}/evidence",
        json={"evidence_type": "audio-interview", "participant_id": person, "consent": "given",
              "payload": {"caption": "Walking interview", "transcript": "We went slowly."}},
    ).json["id"]  # fmt: skip
    assert api.put(f"evidence/{interview}/file", data=upload()).status_code == 200
    for perspective, value in (("professional", 3), ("person_using_services", 5)):
        api.post(
            f"initiatives/{initiative}/assessments",
            json={"scale": "star-self-assessment", "perspective": perspective,
                  "ratings": {"co-design": value, "co-delivery": 2}},
        )  # fmt: skip
    made = api.post(f"initiatives/{initiative}/case-studies", json={}).json
    learning = "Go slowly.\n\n<img src=x onerror=alert(1)>"
    api.patch(f"case-studies/{made['id']}", json={"sections": {"learning": learning}})
    return made["id"]


def test_the_page_stands_alone_with_headings_audio_transcript_and_print_css(api, study):
    response = api.get(f"case-studies/{study}/case-study.html")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert page.count("<h1>") == 1
    assert page.count("<h2 ") == 10  # the core's nine, and the Star's own (plugin API 1.2)
    assert re.search(
        r'<audio controls preload="metadata" '
        r'src="http://localhost/api/v1/evidence/evd_\w+/file"',
        page,
    )
    assert "We went slowly." in page
    assert "@media print" in page
    assert "<script" not in page
    assert "onerror" not in page
    assert "<b>planned</b>" not in page
    policy = response.headers["Content-Security-Policy"]
    assert "script-src" not in policy
    assert "'unsafe-inline'" not in policy
    assert policy.startswith("default-src 'none'; style-src 'sha256-")


def test_the_markdown_has_every_section_and_the_charts_in_words(api, study):
    response = api.get(f"case-studies/{study}/case-study.md")
    assert response.status_code == 200
    assert response.mimetype == "text/markdown"
    text = response.get_data(as_text=True)
    assert text.count("\n## ") == 10  # the core's nine, and the Star's own
    assert "We went slowly." in text
    assert "<script>" not in text
    assert "Radar of 2 assessment(s) on 4 dimensions" in text


def test_the_radar_labels_every_dimension_and_describes_itself(api, study):
    response = api.get(f"case-studies/{study}/charts/radar.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    svg = ET.fromstring(response.data)
    ns = {"svg": "http://www.w3.org/2000/svg"}
    labels = {text.text for text in svg.iterfind(".//svg:text", ns)}
    assert set(CO_S) <= labels
    assert svg.get("role") == "img"
    assert svg.find("svg:desc", ns).text == api.get(
        f"case-studies/{study}/charts/radar.txt").get_data(as_text=True)  # fmt: skip
    assert svg.find(".//svg:script", ns) is None
    words = api.get(f"case-studies/{study}/charts/radar.txt").get_data(as_text=True)
    assert "person using services" in words
    assert "Co-design 5" in words
    assert "Co-commissioning not rated" in words


def test_the_timeline_shows_the_stages_and_says_so_in_words(api, study):
    svg = api.get(f"case-studies/{study}/charts/timeline.svg")
    assert svg.status_code == 200
    assert "Map it" in svg.get_data(as_text=True)
    words = api.get(f"case-studies/{study}/charts/timeline.txt").get_data(as_text=True)
    assert "Moved into Map it (Map it)" in words


def test_a_withdrawn_voice_leaves_every_rendering(api, study):
    document = api.get(f"case-studies/{study}/content").json
    voices = next(s for s in document["sections"] if s["key"] == "voices")
    assert len(voices["evidence"]) == 2
    people = api.get(f"initiatives/{document['initiative_id']}/participants").json["items"]
    person = people[0]["id"]
    api.patch(f"participants/{person}", json={"consent": "withdrawn"})
    for rendering in ("case-study.html", "case-study.md"):
        text = api.get(f"case-studies/{study}/{rendering}").get_data(as_text=True)
        assert "We went slowly." not in text
        assert "I know the way" not in text
        assert "<audio" not in text


def test_a_figure_of_zero_shows_as_zero_in_the_page_and_the_markdown():
    """A gap of 0 between citizen voice and action (or any measure of 0) is a figure, not
    nothing: the page showed an empty cell for it."""
    from api.renderings import inline, markdown_text, paragraphs

    assert str(inline(0)) == "0"
    assert str(inline(0.0)) == "0.0"
    assert markdown_text(0) == "0"
    assert str(paragraphs(0)) == "<p>0</p>"
    assert str(inline(None)) == ""
    assert markdown_text(None) == ""
