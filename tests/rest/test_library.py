"""The network library: publishing with the owners' agreement, reading across
organisations, search, and public pages that never show what may not leave."""

from __future__ import annotations

import secrets
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from test_every_operation import upload

STAR = "coproduction-star"
AGREED = {"owners_agree": True, "agreed_by": "Paula Brown, coordinator"}
CONSENTED = {"consent": "given", "consent_given_on": "2026-11-02", "consent_given_by": "self"}


@pytest.fixture
def public_app(make_app):
    return make_app(PUBLIC_LIBRARY="1")


@pytest.fixture
def story(api):
    """An initiative with a word of its own, a case study citing four voices: one that may
    be published, one not consented for publication, one private, one with its file."""
    word = "walk" + secrets.token_hex(4)
    initiative = api.post(
        "initiatives", json={"toolkit": STAR, "title": f"Out and About {word}",
                             "themes": [f"theme-{word}"]},
    ).json["id"]  # fmt: skip
    agrees = api.post(f"initiatives/{initiative}/participants", json={
        "role": "person_using_services", "display_name": "Jean", **CONSENTED,
        "publication_consent": "given"}).json["id"]  # fmt: skip
    declines = api.post(f"initiatives/{initiative}/participants", json={
        "role": "family_member_or_carer", "display_name": "Ann", **CONSENTED,
    }).json["id"]  # fmt: skip

    def quote(text, person, **more):
        body = {"evidence_type": "participant-quote", "participant_id": person,
                "payload": {"text": text}, "consent": "given", **more}  # fmt: skip
        made = api.post(f"initiatives/{initiative}/evidence", json=body)
        assert made.status_code == 201, made.json
        return made.json["id"]

    shown = quote("Published words", agrees, visibility="public", publication_consent="given")
    unconsented = quote("Unconsented words", declines, visibility="public")
    private = quote("Private words", agrees, visibility="private", publication_consent="given")
    interview = api.post(f"initiatives/{initiative}/evidence", json={
        "evidence_type": "audio-interview", "participant_id": agrees, "consent": "given",
        "publication_consent": "given", "visibility": "public",
        "payload": {"caption": "Walk interview", "transcript": "Transcript words"},
    }).json["id"]  # fmt: skip
    assert api.put(f"evidence/{interview}/file", data=upload()).status_code == 200
    study = api.post(f"initiatives/{initiative}/case-studies", json={}).json["id"]
    api.patch(f"case-studies/{study}", json={
        "cited_evidence_ids": [shown, unconsented, private, interview],
        "sections": {"learning": f"We learned {word} together."}})  # fmt: skip
    return {"word": word, "initiative": initiative, "study": study, "agrees": agrees,
            "shown": shown, "interview": interview}  # fmt: skip


def publish(api, study, **body):
    return api.put(f"case-studies/{study}/publication", json={**AGREED, **body})


def found(client, **query):
    response = client.get("library", query_string=query)
    assert response.status_code == 200, response.json
    return response.json["items"]


def text_of(response):
    return response.get_data(as_text=True)


def test_publishing_needs_the_owners_agreement_and_the_write_scope(org, story):
    refused = publish(org.api, story["study"], owners_agree=False)
    assert refused.status_code == 422
    assert refused.json["errors"][0]["code"] == "owners_must_agree"
    assert publish(org.with_scope("read"), story["study"]).status_code == 403
    assert found(org.api, q=story["word"]) == []
    made = publish(org.api, story["study"], place="East Dunbartonshire")
    assert made.status_code == 201, made.json
    assert made.json["owners_agreed_by"] == "Paula Brown, coordinator"
    assert publish(org.api, story["study"]).status_code == 200


def test_publishing_again_and_taking_out_are_in_the_audit_log_with_their_key(org, story):
    """Publishing sends an organisation's case study to the whole network: the log says
    which key did it, and when, as it does for every other write."""
    made = publish(org.api, story["study"]).json
    assert publish(org.api, story["study"], place="Kirkintilloch").status_code == 200
    assert org.api.delete(f"case-studies/{story['study']}/publication").status_code == 204
    assert publish(org.with_scope("read"), story["study"]).status_code == 403  # not logged
    log = org.with_scope("admin").get(
        "audit-events", query_string={"record_type": "library_entry", "limit": 100}
    )
    assert log.status_code == 200, log.json
    found = log.json["items"]
    assert [(e["action"], e["record_id"]) for e in found] == [
        ("created", made["id"]), ("changed", made["id"]), ("deleted", made["id"])
    ]  # fmt: skip
    assert {"place", "published_at"} <= set(found[1]["fields"])
    writer = org.tokens["write"].removeprefix("coprod_").split(".")[0]
    assert {(e["key_id"], e["initiative_id"]) for e in found} == {(writer, story["initiative"])}
    feed = org.api.get("events", query_string={"limit": 100}).json["items"]
    assert not [e for e in feed if e["type"].startswith("library_entry")]


@pytest.mark.parametrize("deleted", ["case study", "initiative"])
def test_deleting_what_was_published_takes_it_out_of_the_library_logged(
    org, other_org, story, deleted, database
):
    made = publish(org.api, story["study"]).json
    path = f"case-studies/{story['study']}" if deleted == "case study" else (
        f"initiatives/{story['initiative']}")  # fmt: skip
    assert org.api.delete(path).status_code == 204
    assert other_org.api.get(f"library/{made['slug']}").status_code == 404
    assert found(other_org.api, q=story["word"]) == []
    log = (
        org.with_scope("admin")
        .get("audit-events", query_string={"record_id": made["id"]})
        .json["items"]
    )
    assert [e["action"] for e in log] == ["created", "deleted"]
    if database.engine.dialect.name == "sqlite":  # its search index is a table of its own
        with database.engine.connect() as connection:
            left = connection.execute(
                sa.text("SELECT count(*) FROM library_search WHERE entry_id = :id"),
                {"id": made["id"]},
            ).scalar_one()
        assert left == 0


def test_two_entries_of_one_title_whose_random_suffix_repeats_get_different_slugs(
    org, other_org, monkeypatch
):
    """Many organisations name a case study alike; a repeated random suffix is drawn
    again, rather than failing the second publication as a write conflict."""
    from toolkits_core._services import library

    title = "Community walks " + secrets.token_hex(4)
    draws = iter(["aaaaaa", "aaaaaa", "aaaaaa", "bbbbbb"])
    monkeypatch.setattr(library, "secrets", SimpleNamespace(token_hex=lambda _: next(draws)))
    slugs = []
    for each in (org, other_org):
        home = each.api.post("initiatives", json={"toolkit": STAR, "title": title}).json["id"]
        study = each.api.post(f"initiatives/{home}/case-studies", json={}).json["id"]
        made = publish(each.api, study)
        assert made.status_code == 201, made.json
        slugs.append(made.json["slug"])
    words = title.lower().replace(" ", "-")
    assert slugs == [f"{words}-aaaaaa", f"{words}-bbbbbb"]
    assert next(draws, None) is None  # the taken suffix was drawn twice, then a free one
    for slug in slugs:
        assert other_org.api.get(f"library/{slug}").status_code == 200


def test_an_unpublished_case_study_never_shows_in_the_library(api, other_org, story):
    assert found(other_org.api, q=story["word"]) == []
    publish(api, story["study"])
    slug = found(other_org.api, q=story["word"])[0]["slug"]
    assert api.delete(f"case-studies/{story['study']}/publication").status_code == 204
    assert found(other_org.api, q=story["word"]) == []
    assert other_org.api.get(f"library/{slug}").status_code == 404


def test_another_organisation_reads_only_what_may_be_published(api, other_org, story):
    publish(api, story["study"])
    [entry] = found(other_org.api, q=story["word"])
    text = text_of(other_org.api.get(f"library/{entry['slug']}"))
    assert "Published words" in text
    assert "Transcript words" in text
    for hidden in ("Unconsented words", "Private words", story["study"], story["initiative"]):
        assert hidden not in text


def test_search_filters_and_pages(api, other_org, story, make_org):
    publish(api, story["study"], place="Brackenford")
    second = api.post(f"initiatives/{story['initiative']}/case-studies",
                      json={"title": f"Second {story['word']}"}).json["id"]  # fmt: skip
    publish(api, second, place="Brackenford")
    reader = other_org.api
    assert len(found(reader, q=story["word"])) == 2
    assert len(found(reader, q=f"learned {story['word']}")) == 1
    assert len(found(reader, theme=f"theme-{story['word']}", place="brackenford")) == 2
    assert found(reader, q=story["word"], toolkit="national-standards") == []
    assert found(reader, q=story["word"], year=1999) == []
    assert len(found(reader, q=story["word"], stage="map-it")) == 2
    first = reader.get("library", query_string={"q": story["word"], "limit": 1}).json
    rest = reader.get("library", query_string={"q": story["word"], "limit": 1,
                                               "cursor": first["next_cursor"]}).json  # fmt: skip
    assert {first["items"][0]["slug"], rest["items"][0]["slug"]} == {
        e["slug"] for e in found(reader, q=story["word"])
    }
    assert found(reader, q='"NEAR(* OR') == found(reader, q="NEAR OR")  # no FTS syntax


def test_public_pages_are_off_unless_the_operator_turns_them_on(app, api, story):
    publish(api, story["study"])
    assert app.test_client().get("/library").status_code == 404


def test_a_public_page_shows_only_publishable_voices_and_plays_the_audio(public_app, api, story):
    publish(api, story["study"])
    browser = public_app.test_client()
    listing = browser.get("/library", query_string={"q": story["word"]})
    assert listing.status_code == 200
    slug = api.get(f"case-studies/{story['study']}/publication").json["slug"]
    assert f"/library/{slug}" in text_of(listing)
    page = browser.get(f"/library/{slug}")
    assert page.status_code == 200
    html = text_of(page)
    assert "Published words" in html
    assert "Unconsented words" not in html
    assert "Private words" not in html
    assert f'src="/library/{slug}/files/{story["interview"]}"' in html
    audio = browser.get(f"/library/{slug}/files/{story['interview']}")
    assert audio.status_code == 200
    assert audio.mimetype.startswith("audio/")
    audio.close()
    assert browser.get(f"/library/{slug}/files/{story['shown']}").status_code == 404
    policy = page.headers["Content-Security-Policy"]
    assert "script-src" not in policy
    assert "media-src 'self'" in policy
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("order", ["withdraw_then_publish", "publish_then_withdraw"])
def test_a_withdrawal_takes_the_voice_out_of_the_published_copy(public_app, api, story, order):
    path = f"participants/{story['agrees']}"
    if order == "withdraw_then_publish":
        api.patch(path, json={"publication_consent": "withdrawn"})
        publish(api, story["study"])
    else:
        publish(api, story["study"])
        api.patch(path, json={"publication_consent": "withdrawn"})
    slug = api.get(f"case-studies/{story['study']}/publication").json["slug"]
    browser = public_app.test_client()
    for text in (text_of(browser.get(f"/library/{slug}")), text_of(api.get(f"library/{slug}"))):
        assert "Published words" not in text
        assert "Transcript words" not in text
    assert browser.get(f"/library/{slug}/files/{story['interview']}").status_code == 404


def test_an_erasure_takes_the_voice_out_of_the_published_copy(public_app, org, story):
    publish(org.api, story["study"])
    slug = org.api.get(f"case-studies/{story['study']}/publication").json["slug"]
    erased = org.with_scope("admin").post(f"participants/{story['agrees']}/erasure")
    assert erased.status_code == 200, erased.json
    page = text_of(public_app.test_client().get(f"/library/{slug}"))
    assert "Published words" not in page
    assert "<audio" not in page


def test_an_unknown_slug_is_a_page_saying_so(public_app):
    missing = public_app.test_client().get("/library/nothing-here")
    assert missing.status_code == 404
    assert "Not in the library" in text_of(missing)
