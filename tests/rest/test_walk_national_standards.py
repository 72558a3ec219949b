"""One initiative walked through the National Standards' cycle, end to end, over HTTP.

A carers' engagement round: Analyse, Plan, Do and Review, then a second round; the
toolkit's gates refuse leaving Plan before outcomes are agreed, Review before Do has
evidence, and a new round before the Review is scored; evidence of several kinds with a
recorded audio file; the Review scored from two perspectives; then everything paged back.
No line of api/ or toolkits_core/ knows this toolkit: the same code runs the Star walk.
"""

from __future__ import annotations

from test_every_operation import upload, wav_bytes
from walking import ROLES, created, move, page_through, refused

STANDARDS = "national-standards"

ACTIVITIES = {
    "analyse": ("community-profile", "Who cares for whom in the ward", ["inclusion"]),
    "plan": ("engagement-plan", "Planning the carers' evenings", ["planning"]),
    "do": ("focus-group", "Carers' evening at the library", ["methods", "inclusion"]),
    "review": ("review-meeting", "Looking back with carers", ["impact"]),
}
REVIEW = {
    "family_member_or_carer": {"inclusion": 4, "support": 3, "planning": 5, "working-together": 4,
                               "methods": 4, "communication": 2, "impact": 3},
    "professional": {"inclusion": 5, "support": 4, "planning": 5, "working-together": 4,
                     "methods": 5, "communication": 4, "impact": 4},
}  # fmt: skip


def test_a_carers_engagement_goes_round_the_cycle_twice(api):
    ini = created(
        api.post(
            "initiatives",
            json={
                "toolkit": STANDARDS,
                "title": "Carers' voices in Kirkintilloch",
                "external_ref": "ENG-7",
            },
        )
    )["id"]
    people = {
        role: created(
            api.post(
                f"initiatives/{ini}/participants",
                json={"role": role, "display_name": f"{role} B", "consent": "given"},
            )
        )["id"]
        for role in ROLES
    }

    def activity(stage):
        activity_type, title, dimensions = ACTIVITIES[stage]
        return created(
            api.post(
                f"initiatives/{ini}/activities",
                json={
                    "activity_type": activity_type,
                    "title": title,
                    "dimensions": dimensions,
                    "participant_ids": [people["family_member_or_carer"]],
                },
            )
        )

    activity("analyse")
    move(api, ini, "plan")
    activity("plan")
    blocked = refused(
        api.post(f"initiatives/{ini}/transitions", json={"to_stage": "do"}),
        409,
        "transition_refused",
    )
    assert [b["code"] for b in blocked["blockers"]] == ["outcomes_not_agreed"]
    assert blocked["blockers"][0]["plugin"] == "national_standards"
    created(
        api.post(
            f"initiatives/{ini}/evidence",
            json={
                "evidence_type": "document",
                "payload": {"title": "Agreed outcomes"},
                "dimensions": ["planning"],
            },
        )
    )
    move(api, ini, "do")
    evening = activity("do")
    refused(
        api.post(f"initiatives/{ini}/transitions", json={"to_stage": "review"}),
        409,
        "transition_refused",
    )
    recording = created(
        api.post(
            f"initiatives/{ini}/evidence",
            json={
                "evidence_type": "audio",
                "activity_id": evening["id"],
                "participant_id": people["family_member_or_carer"],
                "payload": {"caption": "A carer on getting to the evening"},
                "consent": "given",
            },
        )
    )
    assert api.put(f"evidence/{recording['id']}/file", data=upload()).status_code == 200
    created(
        api.post(
            f"initiatives/{ini}/evidence",
            json={
                "evidence_type": "metric",
                "activity_id": evening["id"],
                "payload": {"name": "carers who came", "value": 14},
            },
        )
    )
    move(api, ini, "review")
    activity("review")
    refused(
        api.post(f"initiatives/{ini}/transitions", json={"to_stage": "analyse"}),
        409,
        "transition_refused",
    )
    for perspective, ratings in REVIEW.items():
        scored = created(
            api.post(
                f"initiatives/{ini}/assessments",
                json={"scale": "review-six-point", "perspective": perspective, "ratings": ratings},
            )
        )
        assert scored["summary"]["summarised_by"] == "national_standards"
    weak = api.get(f"initiatives/{ini}/assessments?perspective=family_member_or_carer").json
    assert any("Communication" in note for note in weak["items"][0]["summary"]["notes"])

    second = move(api, ini, "analyse")
    assert second["kind"] == "new_cycle"
    assert second["cycle"] == 2
    assert api.get(f"initiatives/{ini}").json["cycle"] == 2
    activity("analyse")
    move(api, ini, "plan")
    # Last round's agreed outcomes do not open this round's gate.
    blocked = refused(
        api.post(f"initiatives/{ini}/transitions", json={"to_stage": "do"}),
        409,
        "transition_refused",
    )
    assert [b["code"] for b in blocked["blockers"]] == ["outcomes_not_agreed"]

    activities, _ = page_through(api, f"initiatives/{ini}/activities")
    assert [(a["stage"], a["cycle"]) for a in activities] == [
        ("analyse", 1), ("plan", 1), ("do", 1), ("review", 1), ("analyse", 2),
    ]  # fmt: skip
    second_round = api.get(f"initiatives/{ini}/activities?cycle=2").json["items"]
    assert [a["stage"] for a in second_round] == ["analyse"]
    evidence, _ = page_through(api, f"initiatives/{ini}/evidence")
    assert [e["evidence_type"] for e in evidence] == ["document", "audio", "metric"]
    assert evidence[1]["file"]["size"] == len(wav_bytes())
    participants, _ = page_through(api, f"initiatives/{ini}/participants", limit=3)
    assert len(participants) == len(ROLES)
    assessments, _ = page_through(api, f"initiatives/{ini}/assessments", limit=1)
    assert [a["perspective"] for a in assessments] == list(REVIEW)
    history, pages = page_through(api, f"initiatives/{ini}/transitions")
    assert [(h["stage"], h["cycle"]) for h in history] == [
        ("analyse", 1), ("plan", 1), ("do", 1), ("review", 1), ("analyse", 2), ("plan", 2),
    ]  # fmt: skip
    assert pages == 3
