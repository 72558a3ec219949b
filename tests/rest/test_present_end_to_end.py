"""A PRESENT-like dementia project recorded end to end over HTTP, with every field it needed.

PRESENT (East Dunbartonshire) brought together people living with dementia, carers, a
local café owner, council and dementia-network staff, and secondary-school pupils. Recording
it from the API document alone found records that did not fit the work (issue 17); this
walk records it again as a third-party app would, using what was built for it: pupils under
16 with a parent's consent, a café owner and a network worker with affiliations, weekly walks
with tags, place, dates, recurrence and attendance, an oral-history recording with two
pupils and a person living with dementia, search, the published stage requirements, the
Star's tightened Focus it rule, status semantics and a second round of the Star.
"""

from __future__ import annotations

from typing import Any

from test_every_operation import upload, wav_bytes
from walking import created, move, refused

STAR = "coproduction-star"
CONSENT = {"consent": "given", "consent_given_on": "2026-02-10"}


def person(api: Any, ini: str, role: str, name: str, **fields: Any) -> str:
    body = {"role": role, "display_name": name, **fields}
    return str(created(api.post(f"initiatives/{ini}/participants", json=body))["id"])


def activity(api: Any, ini: str, activity_type: str, title: str, **fields: Any) -> dict[str, Any]:
    body = {"activity_type": activity_type, "title": title, **fields}
    return created(api.post(f"initiatives/{ini}/activities", json=body))


def evidence(api: Any, ini: str, evidence_type: str, payload: dict[str, Any], **fields: Any) -> Any:
    body = {"evidence_type": evidence_type, "payload": payload, **fields}
    return api.post(f"initiatives/{ini}/evidence", json=body)


def requirement_met(api: Any, ini: str, key: str) -> bool | None:
    progress = api.get(f"initiatives/{ini}/progress").json
    [found] = [r for r in progress["requirements"] if r["key"] == key]
    met: bool | None = found["met"]
    return met


def test_present_is_recorded_end_to_end(api):
    ini = created(
        api.post(
            "initiatives",
            json={
                "toolkit": STAR,
                "title": "PRESENT: memories and walks across the generations",
                "summary": "People living with dementia, carers and pupils share a town's past.",
                "themes": ["dementia", "intergenerational"],
                "external_ref": "EDC-PRESENT-1",
            },
        )
    )["id"]

    # The roles are described where the app looks them up, so the network worker's is no
    # guess, and what Map it needs is published before anyone meets a blocker.
    toolkit = api.get(f"toolkits/{STAR}").json
    roles = {role["key"]: role["description"] for role in toolkit["roles"]}
    assert {"professional", "partner_organisation"} <= roles.keys()
    assert roles["partner_organisation"] != roles["professional"]
    assert toolkit["allows_new_rounds"] is True
    assert requirement_met(api, ini, "no_mapping_recorded") is False

    # People, with where they come from; job titles stay out of display names.
    agnes = person(api, ini, "person_using_services", "Agnes", **CONSENT, consent_given_by="self")
    carer = person(api, ini, "family_member_or_carer", "Jim", **CONSENT, consent_given_by="self")
    cafe = person(
        api, ini, "neighbour_or_community_member", "Morag", affiliation="Café Brio",
        **CONSENT, consent_given_by="self",
    )  # fmt: skip
    network = person(
        api, ini, "professional", "Link worker",
        affiliation="East Dunbartonshire Dementia Network", **CONSENT, consent_given_by="self",
    )  # fmt: skip
    shown = api.get(f"participants/{cafe}").json
    assert (shown["affiliation"], shown["age_band"]) == ("Café Brio", "adult")
    assert api.get(f"participants/{network}").json["display_name"] == "Link worker"

    # Pupils under 16: a pupil cannot consent for themself, a parent can. The refusal
    # leaves nothing behind.
    before = len(api.get(f"initiatives/{ini}/participants?limit=100").json["items"])
    pupil_alone = {"age_band": "under_16", **CONSENT, "consent_given_by": "self"}
    wrong = refused(
        api.post(
            f"initiatives/{ini}/participants",
            json={"role": "volunteer", "display_name": "Pupil A", **pupil_alone},
        ),
        422,
        "invalid_request",
    )
    assert any(e["code"] == "consent_needs_parent" for e in wrong["errors"]), wrong
    assert len(api.get(f"initiatives/{ini}/participants?limit=100").json["items"]) == before
    by_parent = {
        "age_band": "under_16",
        "affiliation": "Bearsden Academy",
        **CONSENT,
        "consent_given_by": "parent",
        "publication_consent": "given",
    }
    ellie = person(api, ini, "volunteer", "Pupil A", **by_parent)
    sam = person(api, ini, "volunteer", "Pupil B", **by_parent)
    assert api.get(f"participants/{ellie}").json["consent_given_by"] == "parent"

    # Map it: a mapping session in the café, tagged, placed and dated.
    mapping = activity(
        api, ini, "co-production-mapping-session", "What the town remembers",
        tags=["Mapping", "memories"], place="Café Brio, Milngavie",
        starts_on="2026-02-16", participant_ids=[agnes, cafe, network],
    )  # fmt: skip
    assert mapping["tags"] == ["mapping", "memories"]
    assert requirement_met(api, ini, "no_mapping_recorded") is True
    move(api, ini, "focus-it")

    # Focus it asks for session notes or a document: a metric alone no longer lifts it.
    focus = activity(api, ini, "prioritisation-workshop", "Choosing what to do first")
    created(
        evidence(api, ini, "metric", {"name": "ideas gathered", "value": 23},
                 activity_id=focus["id"])
    )  # fmt: skip
    assert requirement_met(api, ini, "no_focus_recorded") is False
    blocked = refused(
        api.post(f"initiatives/{ini}/transitions", json={"to_stage": "people-it"}),
        409,
        "transition_refused",
    )
    assert [b["code"] for b in blocked["blockers"]] == ["no_focus_recorded"]
    created(
        evidence(api, ini, "session-notes", {"text": "Walks and oral history came top."},
                 activity_id=focus["id"])
    )  # fmt: skip
    assert requirement_met(api, ini, "no_focus_recorded") is True
    move(api, ini, "people-it")
    move(api, ini, "market-it")

    # A charter-drafting session's evidence list is a rule: a quote is refused there.
    charter_session = activity(api, ini, "charter-drafting-session", "Our walking charter")
    refused(
        evidence(api, ini, "participant-quote", {"text": "We walk at our pace."},
                 activity_id=charter_session["id"], participant_ids=[agnes], consent="given"),
        422,
        "invalid_request",
    )  # fmt: skip
    created(
        evidence(
            api, ini, "co-production-charter",
            {"title": "PRESENT charter", "roles": "Walkers lead; pupils record.",
             "responsibilities": "The council keeps the paths clear.",
             "incentives": "Tea and cake at Café Brio."},
            activity_id=charter_session["id"],
        )
    )  # fmt: skip

    # Weekly walks, counted by role and never by name.
    walks = activity(
        api, ini, "co-delivered-activity", "Memory walks along the Allander",
        tags=["walk"], place="Allander Walkway", starts_on="2026-04-07", ends_on="2026-06-30",
        recurrence={"frequency": "weekly", "note": "Tuesdays at 10"},
        attendance={"person_using_services": 6, "family_member_or_carer": 4, "volunteer": 3},
    )  # fmt: skip
    assert walks["recurrence"]["frequency"] == "weekly"
    assert walks["attendance"]["person_using_services"] == 6
    refused(
        api.post(
            f"initiatives/{ini}/activities",
            json={"activity_type": "co-delivered-activity", "title": "Bad count",
                  "attendance": {"Agnes": 1}},
        ),
        422,
        "invalid_request",
    )  # fmt: skip

    # The oral history: two pupils interview Agnes; one recording names all three.
    oral = activity(
        api, ini, "co-delivered-activity", "Oral history at the café", tags=["oral history"],
        place="Café Brio, Milngavie", starts_on="2026-05-12",
    )  # fmt: skip
    recording = created(
        evidence(
            api, ini, "audio-interview",
            {"caption": "Agnes remembers the canal mill", "duration_seconds": 1},
            activity_id=oral["id"], participant_ids=[ellie, sam, agnes], consent="given",
        )
    )  # fmt: skip
    assert recording["participant_ids"] == [ellie, sam, agnes]
    assert recording["participant_id"] == ellie
    stored = api.put(f"evidence/{recording['id']}/file", data=upload(wav_bytes()))
    assert stored.status_code == 200, stored.json
    assert stored.json["file"]["url"].startswith("http")

    # Finding things: all the walks by tag and by date, the recording by its words.
    walk_list = api.get(f"initiatives/{ini}/activities?tag=walk").json["items"]
    assert [a["id"] for a in walk_list] == [walks["id"]]
    in_may = api.get(f"initiatives/{ini}/activities?on_or_after=2026-05-01&on_or_before=2026-05-31")
    # The walks run April to June, so they overlap May; the mapping in February does not.
    assert {a["id"] for a in in_may.json["items"]} == {walks["id"], oral["id"]}
    found = api.get(f"initiatives/{ini}/evidence?q=canal mill").json["items"]
    assert [e["id"] for e in found] == [recording["id"]]
    assert [i["id"] for i in api.get("initiatives?q=generations").json["items"]] == [ini]

    # A parent withdraws one pupil's consent: the shared recording goes with it.
    withdrawn = api.patch(
        f"participants/{sam}",
        json={"consent": "withdrawn"},
        headers={"If-Match": api.get(f"participants/{sam}").headers["ETag"]},
    )
    assert withdrawn.status_code == 200, withdrawn.json
    listed = api.get(f"initiatives/{ini}/evidence?limit=100").json["items"]
    assert recording["id"] not in [e["id"] for e in listed]
    assert api.get(f"initiatives/{ini}/evidence?q=canal mill").json["items"] == []

    # Grow it, then the year ends: completed refuses new records with a code of its own.
    move(api, ini, "grow-it")
    activity(api, ini, "co-production-roadshow", "PRESENT at the Kirkintilloch fair")
    etag = api.get(f"initiatives/{ini}").headers["ETag"]
    done = api.patch(f"initiatives/{ini}", json={"status": "completed"},
                     headers={"If-Match": etag})  # fmt: skip
    assert done.status_code == 200, done.json
    refused(
        api.post(f"initiatives/{ini}/activities",
                 json={"activity_type": "co-delivered-activity", "title": "One more walk"}),
        409,
        "initiative_completed",
    )  # fmt: skip
    refused(
        api.post(f"initiatives/{ini}/transitions", json={"to_stage": "map-it", "new_round": True}),
        409,
        "initiative_completed",
    )

    # Year two: reopened, the Star goes round again with year one kept.
    etag = api.get(f"initiatives/{ini}").headers["ETag"]
    reopened = api.patch(f"initiatives/{ini}", json={"status": "active"},
                         headers={"If-Match": etag})  # fmt: skip
    assert reopened.status_code == 200, reopened.json
    second = created(
        api.post(f"initiatives/{ini}/transitions", json={"to_stage": "map-it", "new_round": True})
    )
    assert second["cycle"] == 2
    progress = api.get(f"initiatives/{ini}/progress").json
    assert (progress["stage"], progress["cycle"]) == ("map-it", 2)
    # Round two's Map it asks for its own mapping; round one's records are all still there.
    assert requirement_met(api, ini, "no_mapping_recorded") is False
    kept = api.get(f"initiatives/{ini}/activities?limit=100").json["items"]
    assert {walks["id"], oral["id"], mapping["id"]} <= {a["id"] for a in kept}
    history = api.get(f"initiatives/{ini}/transitions?limit=100").json["items"]
    assert [h["stage"] for h in history][-1] == "map-it"
    assert [h["cycle"] for h in history][-1] == 2
    assert api.get(f"participants/{carer}").json["consent"] == "given"
