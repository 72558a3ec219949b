"""Toolkit-specific case-study sections (plugin API 1.2): what the Star and the Standards add,
shown in every rendering, editable like the core's, cited only while consent allows, and
a broken plugin named without taking the case study down."""

from __future__ import annotations

import pytest
from conftest import ApiClient

from plugins import coproduction_star
from toolkits_core import (
    CaseStudySection,
    Citations,
    Paragraph,
    PluginHost,
    hookimpl,
)

STAR = "coproduction-star"
STANDARDS = "national-standards"


def created(response):
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.json["id"]


@pytest.fixture
def star_work(api):
    """A Star initiative: a person who uses the service, a co-design voice and a
    co-delivery voice (both consented), an activity of each kind and an assessment."""
    initiative = created(api.post("initiatives", json={"toolkit": STAR, "title": "Walks"}))
    person = created(
        api.post(
            f"initiatives/{initiative}/participants",
            json={"role": "person_using_services", "display_name": "Ann", "consent": "given"},
        )
    )
    design = created(
        api.post(
            f"initiatives/{initiative}/evidence",
            json={"evidence_type": "participant-quote", "participant_id": person,
                  "dimensions": ["co-design"], "consent": "given",
                  "payload": {"text": "We drew the route together."}},
        )
    )  # fmt: skip
    delivery = created(
        api.post(
            f"initiatives/{initiative}/evidence",
            json={"evidence_type": "participant-quote", "dimensions": ["co-delivery"],
                  "consent": "given", "payload": {"text": "I lead the Tuesday walk."}},
        )
    )  # fmt: skip
    for dimensions in (["co-design"], ["co-design"], ["co-delivery"]):
        created(
            api.post(
                f"initiatives/{initiative}/activities",
                json={"activity_type": "co-production-mapping-session", "stage": "map-it",
                      "title": "Mapping", "dimensions": dimensions},
            )
        )  # fmt: skip
    created(
        api.post(
            f"initiatives/{initiative}/assessments",
            json={"scale": "star-self-assessment", "perspective": "person_using_services",
                  "ratings": {"co-design": 4, "co-commissioning": 2, "co-delivery": 1}},
        )
    )  # fmt: skip
    case_study = created(api.post(f"initiatives/{initiative}/case-studies", json={}))
    return {
        "initiative": initiative,
        "person": person,
        "design": design,
        "delivery": delivery,
        "case_study": case_study,
    }


def sections_of(api, case_study):
    response = api.get(f"case-studies/{case_study}/content")
    assert response.status_code == 200, response.json
    return response.json


def section(document, key):
    return next(s for s in document["sections"] if s["key"] == key)


def blocks(document, key, kind):
    return [b for b in section(document, key)["blocks"] if b["type"] == kind]


def test_the_star_adds_voice_against_action_after_the_assessments(api, star_work):
    document = sections_of(api, star_work["case_study"])
    keys = [s["key"] for s in document["sections"]]
    assert keys.index("voice-and-action") == keys.index("assessments") + 1
    added = section(document, "voice-and-action")
    assert added["toolkit_section"] is True
    assert added["plugin"] == "coproduction_star"
    assert added["title"] == "Citizen voice and citizen action"
    activities = {m["label"]: m["value"] for m in blocks(document, "voice-and-action",
                  "measures")[0]["items"]}  # fmt: skip
    assert activities["Co-design (citizen voice)"] == 2
    assert activities["Co-delivery (citizen action)"] == 1
    [table] = blocks(document, "voice-and-action", "table")
    assert table["rows"] == [["person using services", 1, 3.0, 1.0, 2.0]]
    cited = {b["caption"]: [e["id"] for e in b["evidence"]]
             for b in blocks(document, "voice-and-action", "citations")}  # fmt: skip
    assert cited == {
        "Evidence speaking to citizen voice": [star_work["design"]],
        "Evidence speaking to citizen action": [star_work["delivery"]],
    }


def test_the_sections_show_in_markdown_and_html_escaped(api, star_work):
    path = f"case-studies/{star_work['case_study']}"
    api.patch(path, json={"sections": {"voice-and-action": "<script>x()</script> *Level*"}})
    page = api.get(f"{path}/case-study.html")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<h2 id="section-voice-and-action">Citizen voice and citizen action</h2>' in html
    assert '<th scope="col">Citizen voice (mean)</th>' in html
    assert "<dt>Co-design (citizen voice)</dt>" in html
    assert "I lead the Tuesday walk." in html
    assert "<script>" not in html
    assert "x()" not in html
    markdown = api.get(f"{path}/case-study.md").get_data(as_text=True)
    assert "## Citizen voice and citizen action" in markdown
    assert (
        "| Perspective | Cycle | Citizen voice (mean) | Citizen action (mean) | Gap |" in markdown
    )
    assert "| person using services | 1 | 3.0 | 1.0 | 2.0 |" in markdown
    assert "- Co-delivery (citizen action): 1 (activities tagged)" in markdown
    assert "\\*Level\\*" in markdown
    assert "<script>" not in markdown


def test_a_toolkit_section_is_edited_with_if_match_like_the_core_ones(api, star_work):
    path = f"case-studies/{star_work['case_study']}"
    before = api.get(path)
    edited = api.patch(
        path,
        json={"sections": {"voice-and-action": "People asked for more say in delivery."}},
        headers={"If-Match": before.headers["ETag"]},
    )
    assert edited.status_code == 200, edited.json
    assert edited.json["sections"]["voice-and-action"] == "People asked for more say in delivery."
    document = sections_of(api, star_work["case_study"])
    assert section(document, "voice-and-action")["text"] == (
        "People asked for more say in delivery."
    )
    stale = api.patch(path, json={"sections": {"voice-and-action": "x"}},
                      headers={"If-Match": before.headers["ETag"]})  # fmt: skip
    assert stale.status_code == 412
    other = api.patch(path, json={"sections": {"standards-at-review": "x"}})
    assert other.status_code == 422
    assert other.json["errors"][0]["code"] == "unknown_section"
    assert api.get(path).json == edited.json


def test_a_withdrawn_voice_leaves_the_plugins_section_too(api, star_work):
    api.patch(f"participants/{star_work['person']}", json={"consent": "withdrawn"})
    path = f"case-studies/{star_work['case_study']}"
    document = sections_of(api, star_work["case_study"])
    cited = [e["id"] for b in blocks(document, "voice-and-action", "citations")
             for e in b["evidence"]]  # fmt: skip
    assert cited == [star_work["delivery"]]
    for rendering in ("content", "case-study.md", "case-study.html"):
        text = api.get(f"{path}/{rendering}").get_data(as_text=True)
        assert "We drew the route together." not in text, rendering


def test_the_standards_add_each_standards_review_scores(api):
    initiative = created(api.post("initiatives", json={"toolkit": STANDARDS, "title": "Forum"}))
    created(
        api.post(
            f"initiatives/{initiative}/assessments",
            json={"scale": "review-six-point", "perspective": "professional",
                  "ratings": {"inclusion": 5, "support": 2}},
        )
    )  # fmt: skip
    created(
        api.post(
            f"initiatives/{initiative}/assessments",
            json={"scale": "review-six-point", "perspective": "neighbour_or_community_member",
                  "ratings": {"inclusion": 3, "support": 4}},
        )
    )  # fmt: skip
    case_study = created(api.post(f"initiatives/{initiative}/case-studies", json={}))
    document = sections_of(api, case_study)
    added = section(document, "standards-at-review")
    assert added["plugin"] == "national_standards"
    [table] = blocks(document, "standards-at-review", "table")
    assert table["columns"] == ["Standard", "neighbour or community member", "professional"]
    assert table["rows"][0] == ["Inclusion", 3, 5]
    assert table["rows"][1] == ["Support", 4, 2]
    assert len(table["rows"]) == 7
    means = {m["label"]: m["value"] for m in blocks(document, "standards-at-review",
             "measures")[0]["items"]}  # fmt: skip
    assert means["Inclusion"] == 4.0
    assert means["Impact"] is None
    [judgement] = [b["text"] for b in blocks(document, "standards-at-review", "paragraph")]
    assert "needing action: Support." in judgement
    html = api.get(f"case-studies/{case_study}/case-study.html").get_data(as_text=True)
    assert '<th scope="row">Support</th><td>4</td><td>2</td>' in html


# A broken plugin, and a plugin written for 1.1 -----------------------------------------


class BrokenSections:
    """Adds rules to the Star, and its case-study hook fails."""

    RULES_FOR = (STAR,)

    @hookimpl
    def coprod_case_study_sections(self, initiative):
        raise RuntimeError("the plugin's database is down")


class WrongSections:
    RULES_FOR = (STAR,)

    @hookimpl
    def coprod_case_study_sections(self):
        return [CaseStudySection("context", "Takes a core key", [Paragraph("<b>x</b>")])]


class CitesAnything:
    """Cites evidence whatever its consent: the core must take it out."""

    RULES_FOR = (STAR,)

    def __init__(self, wanted):
        self.wanted = wanted

    @hookimpl
    def coprod_case_study_sections(self):
        return [CaseStudySection("everything", "Everything", [Citations(self.wanted)])]


class OldRules:
    """A 1.1 plugin: rules for the Star, no case-study hook."""

    PLUGIN_API = 1
    RULES_FOR = (STAR,)

    @hookimpl
    def coprod_transition_advice(self, initiative):
        return None


@pytest.fixture
def client_with(make_app, org):
    def make(*others):
        host = PluginHost.of(coproduction_star, *others)
        app = make_app(PLUGIN_HOST=host)
        return ApiClient(app.test_client(), org.tokens["write"])

    return make


def test_a_broken_plugin_is_named_and_the_case_study_still_shows(client_with, api, star_work):
    other = client_with(("broken", BrokenSections()), ("wrong", WrongSections()))
    path = f"case-studies/{star_work['case_study']}"
    document = sections_of(other, star_work["case_study"])
    assert "voice-and-action" in [s["key"] for s in document["sections"]]
    failed = {b["plugin"]: b["message"] for b in document["completeness"]["blockers"]
              if b["code"] == "toolkit_sections_failed"}  # fmt: skip
    assert set(failed) == {"broken", "wrong"}
    assert "RuntimeError: the plugin's database is down" in failed["broken"]
    assert "'context' is one of the core's sections" in failed["wrong"]
    assert section(document, "context")["title"] == "Context: why it started"
    for rendering in ("case-study.md", "case-study.html"):
        assert other.get(f"{path}/{rendering}").status_code == 200


def test_the_core_takes_out_plugin_citations_consent_does_not_allow(client_with, api, star_work):
    private = created(
        api.post(
            f"initiatives/{star_work['initiative']}/evidence",
            json={"evidence_type": "participant-quote", "consent": "given",
                  "visibility": "private", "payload": {"text": "Not for the case study."}},
        )
    )  # fmt: skip
    citing = CitesAnything([star_work["delivery"], private, "evd_not_there"])
    other = client_with(("citing", citing))
    document = sections_of(other, star_work["case_study"])
    [shown] = blocks(document, "everything", "citations")
    assert [e["id"] for e in shown["evidence"]] == [star_work["delivery"]]
    assert "Not for the case study." not in str(document)


def test_a_plugin_written_for_1_1_without_the_hook_still_works(client_with, star_work):
    other = client_with(("old", OldRules()))
    document = sections_of(other, star_work["case_study"])
    assert [s["key"] for s in document["sections"] if s.get("toolkit_section")] == [
        "voice-and-action"
    ]
    assert not [b for b in document["completeness"]["blockers"] if b["plugin"] == "old"]
