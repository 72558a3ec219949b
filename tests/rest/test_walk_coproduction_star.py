"""One initiative walked through the Co-Production Star, end to end, over HTTP.

A dementia-friendly community project, as in the seed: people living with dementia,
carers, neighbours, professionals, pupil volunteers, a partner organisation and a
commissioner; an activity in every step; evidence of several kinds including a recorded
interview; assessments from two perspectives; the Star's gates refusing a move until what
they ask for is recorded; then everything listed and paged back.
"""

from __future__ import annotations

import hashlib

from test_every_operation import upload, wav_bytes
from walking import ROLES, created, move, page_through, refused

STAR = "coproduction-star"

ACTIVITIES = [
    ("map-it", "co-production-mapping-session", "Mapping what already happens", ["co-design"]),
    ("focus-it", "prioritisation-workshop", "Choosing walks first", ["co-commissioning"]),
    ("people-it", "co-producer-recruitment", "Finding walk leaders", ["co-delivery"]),
    ("market-it", "charter-drafting-session", "Writing the walkers' charter", ["co-delivery"]),
    ("grow-it", "co-production-roadshow", "Taking walks to the next town", ["co-delivery"]),
]


def test_a_dementia_project_walks_through_the_five_steps(api):
    initiative = created(
        api.post(
            "initiatives",
            json={
                "toolkit": STAR,
                "title": "Walking together in Milngavie",
                "summary": "Supported walks designed with people living with dementia.",
                "themes": ["dementia", "walking"],
                "external_ref": "CRM-2026-0042",
            },
        )
    )
    ini = initiative["id"]
    assert initiative["stage"] == "map-it"

    # Everyone involved, one participant per role; one carer's consent is not yet recorded.
    people = {}
    for role in ROLES:
        consent = "not_recorded" if role == "family_member_or_carer" else "given"
        people[role] = created(
            api.post(
                f"initiatives/{ini}/participants",
                json={
                    "role": role,
                    "display_name": f"{role.replace('_', ' ')} A",
                    "consent": consent,
                    "external_ref": f"P-{role}",
                },
            )
        )["id"]

    # Map it cannot be left before the mapping is recorded: refused, with the blocker.
    blocked = refused(
        api.post(f"initiatives/{ini}/transitions", json={"to_stage": "focus-it"}),
        409,
        "transition_refused",
    )
    assert [b["code"] for b in blocked["blockers"]] == ["no_mapping_recorded"]
    assert blocked["blockers"][0]["plugin"] == "coproduction_star"
    assert api.get(f"initiatives/{ini}").json["stage"] == "map-it"
    progress = api.get(f"initiatives/{ini}/progress").json
    assert progress["moves"][0]["allowed"] is False

    # Skipping a step is the core's own refusal.
    skipped = refused(
        api.post(f"initiatives/{ini}/transitions", json={"to_stage": "people-it"}),
        409,
        "transition_refused",
    )
    assert skipped["blockers"][0]["code"] == "stage_skipped"

    activities = {}
    for stage, activity_type, title, dimensions in ACTIVITIES:
        if stage != "map-it":
            move(api, ini, stage)
        activities[stage] = created(
            api.post(
                f"initiatives/{ini}/activities",
                json={
                    "activity_type": activity_type,
                    "title": title,
                    "dimensions": dimensions,
                    "participant_ids": [people["person_using_services"], people["professional"]],
                    "starts_on": "2026-03-02",
                    "outcomes": "People chose where to walk.",
                },
            )
        )
        assert activities[stage]["stage"] == stage
        if stage == "map-it":
            # A recorded interview from the mapping session: uploaded and read back intact.
            interview = created(
                api.post(
                    f"initiatives/{ini}/evidence",
                    json={
                        "evidence_type": "audio-interview",
                        "activity_id": activities[stage]["id"],
                        "participant_id": people["person_using_services"],
                        "payload": {"caption": "Why the canal path matters", "duration_seconds": 1},
                        "consent": "given",
                        "visibility": "organisation",
                    },
                )
            )
            audio = wav_bytes()
            stored = api.put(f"evidence/{interview['id']}/file", data=upload(audio))
            assert stored.status_code == 200, stored.json
            assert stored.json["file"]["sha256"] == hashlib.sha256(audio).hexdigest()
            downloaded = api.get(f"evidence/{interview['id']}/file")
            assert downloaded.data == audio
            assert downloaded.mimetype == "audio/wav"
        if stage == "focus-it":
            created(
                api.post(
                    f"initiatives/{ini}/evidence",
                    json={
                        "evidence_type": "session-notes",
                        "activity_id": activities[stage]["id"],
                        "payload": {"text": "Walks first: they came top in every group."},
                        "dimensions": ["co-commissioning"],
                        "indicators": ["co-commissioning-priorities-set-with-citizens"],
                    },
                )
            )
            created(
                api.post(
                    f"initiatives/{ini}/evidence",
                    json={
                        "evidence_type": "participant-quote",
                        "participant_id": people["person_using_services"],
                        "payload": {"text": "I want to walk where I used to walk the dog."},
                        "consent": "given",
                        "visibility": "public",
                    },
                )
            )
        if stage == "market-it":
            # The Star asks for the charter before Grow it: refused until it is recorded.
            blocked = refused(
                api.post(f"initiatives/{ini}/transitions", json={"to_stage": "grow-it"}),
                409,
                "transition_refused",
            )
            assert [b["code"] for b in blocked["blockers"]] == ["no_co_production_charter"]
            created(
                api.post(
                    f"initiatives/{ini}/evidence",
                    json={
                        "evidence_type": "co-production-charter",
                        "payload": {
                            "title": "The walkers' charter",
                            "roles": "Walkers choose routes; pupils walk alongside.",
                            "responsibilities": "The council keeps paths safe and clear.",
                            "incentives": "A cafe voucher for each walk led.",
                        },
                        "dimensions": ["co-delivery"],
                    },
                )
            )
    assert api.get(f"initiatives/{ini}").json["stage"] == "grow-it"

    # The same four Co's rated from two perspectives, to compare.
    ratings = {
        "person_using_services": {"co-commissioning": 3, "co-design": 4, "co-delivery": 4,
                                  "co-assessment": 2},
        "professional": {"co-commissioning": 4, "co-design": 4, "co-delivery": 3,
                         "co-assessment": 3},
    }  # fmt: skip
    for perspective, given in ratings.items():
        assessment = created(
            api.post(
                f"initiatives/{ini}/assessments",
                json={
                    "scale": "star-self-assessment",
                    "perspective": perspective,
                    "ratings": given,
                },
            )
        )
        assert assessment["summary"]["summarised_by"] == "coproduction_star"
        assert assessment["summary"]["band"] is not None
    # The steps are sequential: no plain way back. A new round is asked for as one
    # (tests/rest/test_new_round.py), and progress offers it.
    refused(
        api.post(f"initiatives/{ini}/transitions", json={"to_stage": "map-it"}),
        409,
        "transition_refused",
    )
    [offered] = api.get(f"initiatives/{ini}/progress").json["moves"]
    assert (offered["to_stage"], offered["new_round"]) == ("map-it", True)

    # Everything, listed and paged back two at a time.
    participants, pages = page_through(api, f"initiatives/{ini}/participants")
    assert sorted(p["role"] for p in participants) == sorted(ROLES)
    assert pages == 4
    listed, _ = page_through(api, f"initiatives/{ini}/activities")
    assert [a["stage"] for a in listed] == [stage for stage, *_ in ACTIVITIES]
    evidence, _ = page_through(api, f"initiatives/{ini}/evidence")
    assert [e["evidence_type"] for e in evidence] == [
        "audio-interview", "session-notes", "participant-quote", "co-production-charter"
    ]  # fmt: skip
    assert evidence[0]["file"]["size"] == len(wav_bytes())
    assessments, _ = page_through(api, f"initiatives/{ini}/assessments")
    assert [a["perspective"] for a in assessments] == list(ratings)
    history, _ = page_through(api, f"initiatives/{ini}/transitions")
    assert [h["stage"] for h in history] == ["map-it", "focus-it", "people-it", "market-it",
                                             "grow-it"]  # fmt: skip
    mirrored = api.get("initiatives?external_ref=CRM-2026-0042").json["items"]
    assert [item["id"] for item in mirrored] == [ini]
