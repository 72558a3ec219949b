"""The demo initiative's story, as data: who takes part, what they did, what they gathered.

Everything here is invented. Brackenford is a made-up town, and every person, group,
school, care home and event in it is fictional; the shape of the work follows the kind
of dementia co-production projects that councils, dementia networks and communities run
with the Co-Production Star (mapping what exists, choosing a focus, finding co-producers,
then running supported walks and a café with pupils volunteering).

The story stops where its records stop: the charter is still being agreed, so the
initiative stands in Market it, and the toolkit's own rule shows what would open Grow it.
Days are counted back from the day the demo is seeded, so that it always reads as recent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

TOOLKIT = "coproduction-star"
SCALE = "star-self-assessment"

ORGANISATION_NAME = "Demo: Brackenford Dementia Partnership (fictional)"
INITIATIVE_REF = "demo-out-and-about"
"""The demo initiative's external_ref: how a later run finds it again."""

INITIATIVE: dict[str, Any] = {
    "toolkit": TOOLKIT,
    "title": "Out and About in Brackenford (demo)",
    "summary": (
        "A fictional demonstration initiative: every name, place and event in it is "
        "invented. People living with dementia in the made-up town of Brackenford, their "
        "families, neighbours, pupils from the local high school and the council's dementia "
        "team decide together how to get back into the life of the town, and then run what "
        "they chose together: supported walks along routes people already loved, and a "
        "weekly café in a care home where pupils volunteer."
    ),
    "themes": ["dementia", "loneliness", "intergenerational", "demo"],
    "external_ref": INITIATIVE_REF,
}

ALL_COS = ["co-commissioning", "co-design", "co-delivery", "co-assessment"]


@dataclass(frozen=True, slots=True)
class Person:
    """A participant: a role, a display name or pseudonym, and consent. Nothing else."""

    key: str
    role: str
    display_name: str
    consent: str = "given"
    given_by: str | None = "self"
    """Who signed the consent form: the person, or someone deciding for them."""
    publish: bool = False
    """Whether they also agreed to what they said being published beyond the council."""


@dataclass(frozen=True, slots=True)
class Happening:
    """An activity, with the people (by ``Person.key``) who took part."""

    key: str
    activity_type: str
    title: str
    description: str
    outcomes: str
    days_ago: int
    dimensions: list[str]
    people: list[str]


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file to upload with a piece of evidence (made by ``media``, never stored here)."""

    filename: str
    content_type: str
    maker: str
    """The name of the function in ``coprod_demo.media`` that makes the bytes."""


@dataclass(frozen=True, slots=True)
class Record:
    """A piece of evidence; ``activity`` and ``person`` are keys of this story's records."""

    evidence_type: str
    payload: dict[str, Any]
    dimensions: list[str]
    indicators: list[str] = field(default_factory=list)
    activity: str | None = None
    person: str | None = None
    visibility: str = "organisation"
    attachment: Attachment | None = None
    publish: bool = False
    """Public, with consent to publish: may go into the network library's copy."""


@dataclass(frozen=True, slots=True)
class Chapter:
    """What happened in one stage; ``arrival`` is the note of the move into it."""

    stage: str
    arrival: str | None
    happenings: list[Happening]
    records: list[Record]


PEOPLE = [
    Person("isla", "person_using_services", "Isla G.", given_by="welfare_attorney", publish=True),
    Person("duncan", "person_using_services", "Duncan F.", publish=True),
    Person("morag", "family_member_or_carer", "Morag F. (Duncan's wife)"),
    Person("adeyemi", "neighbour_or_community_member", "Mr Adeyemi (allotment society)"),
    Person("kerry", "professional", "Kerry, dementia link worker"),
    Person("priya", "professional", "Priya, activities coordinator at Larchfield Lodge"),
    Person("pupils", "volunteer", "Brackenford High pupil volunteers"),
    Person("sam", "volunteer", "Sam (S6 pupil; consent form not back yet)", "not_recorded", None),
    Person("walking_group", "partner_organisation", "Brackenford Walking Group"),
]

CHAPTERS = [
    Chapter(
        stage="map-it",
        arrival=None,
        happenings=[
            Happening(
                key="mapping",
                activity_type="co-production-mapping-session",
                title="Mapping morning at the library",
                description=(
                    "Twelve people round a big paper map of the town, with tea: who already "
                    "helps whom, where people living with dementia still go, and where they "
                    "have stopped going since their diagnosis."
                ),
                outcomes=(
                    "A map of 23 places, groups and people that already help, and 9 places "
                    "people have stopped going to. Most of the help is informal and nobody "
                    "had written it down before."
                ),
                days_ago=150,
                dimensions=ALL_COS,
                people=["isla", "duncan", "morag", "adeyemi", "kerry"],
            ),
            Happening(
                key="route-walk",
                activity_type="asset-mapping-walk",
                title="Walking the Old Town with Duncan",
                description=(
                    "Duncan, Morag and Mr Adeyemi showed the link worker the way Duncan used "
                    "to walk to the bowling club, marking benches, toilets and the shops "
                    "where staff know him."
                ),
                outcomes=(
                    "A two-kilometre route with four benches and two cafés happy to help, "
                    "and one busy crossing that worries walkers."
                ),
                days_ago=143,
                dimensions=["co-commissioning"],
                people=["duncan", "morag", "adeyemi", "kerry"],
            ),
        ],
        records=[
            Record(
                evidence_type="session-notes",
                activity="mapping",
                dimensions=["co-commissioning"],
                indicators=["co-commissioning-community-assets-counted"],
                payload={
                    "text": (
                        "Came: five people living with dementia, three family carers, two "
                        "neighbours, the link worker and a librarian. Help that exists now "
                        "is mostly informal: a neighbour who walks with someone, a chemist "
                        "who rings a daughter when something seems wrong. Missed most: the "
                        "park, the bowling club, a cup of tea somewhere nobody hurries you. "
                        "Agreed: type up the map and bring it back to choose where to start."
                    )
                },
            ),
            Record(
                evidence_type="participant-quote",
                activity="mapping",
                person="isla",
                dimensions=["co-commissioning"],
                payload={
                    "text": (
                        "I used to walk to the park every morning. I still could, if "
                        "someone came with me. Nobody thinks to ask."
                    ),
                    "context": "At the mapping morning, pointing at the park on the map.",
                },
            ),
        ],
    ),
    Chapter(
        stage="focus-it",
        arrival="Everyone who came checked the map; next, choose where to start.",
        happenings=[
            Happening(
                key="choosing",
                activity_type="prioritisation-workshop",
                title="Choosing where to start",
                description=(
                    "The map came back to the library. Everyone had three stickers to put "
                    "on what would make the most difference to them; people living with "
                    "dementia voted first, so that nobody followed the staff."
                ),
                outcomes=(
                    "Two choices: walking together again, and a regular place to meet "
                    "over tea. Transport was kept for later."
                ),
                days_ago=128,
                dimensions=["co-commissioning"],
                people=["isla", "duncan", "morag", "kerry", "priya"],
            ),
        ],
        records=[
            Record(
                evidence_type="survey-result",
                activity="choosing",
                dimensions=["co-commissioning"],
                indicators=["co-commissioning-priorities-set-with-citizens"],
                payload={
                    "question": "Which of these would make the most difference to you?",
                    "respondents": 14,
                    "results": {
                        "walks with company": 9,
                        "a café to meet in": 11,
                        "help getting to places": 5,
                    },
                    "summary": "Stickers counted at the end of the session.",
                },
            ),
            Record(
                evidence_type="session-notes",
                activity="choosing",
                dimensions=["co-commissioning"],
                indicators=["co-commissioning-priorities-set-with-citizens"],
                payload={
                    "text": (
                        "Focus agreed: supported walks and a memory café. Why: they were "
                        "the first two choices of the people living with dementia "
                        "themselves; both build on what the map found (the walking group's "
                        "leaders, the lounge at Larchfield Lodge that stands empty on weekday "
                        "afternoons); and both can start small and grow."
                    )
                },
            ),
        ],
    ),
    Chapter(
        stage="people-it",
        arrival="Focus written down: supported walks and a memory café.",
        happenings=[
            Happening(
                key="assembly",
                activity_type="co-producer-recruitment",
                title="Asking Brackenford High for volunteers",
                description=(
                    "Isla and the link worker spoke at a school assembly about living with "
                    "dementia, and asked who would help run a café and join the walks."
                ),
                outcomes=(
                    "Fourteen pupils signed up for the café and six for the walks; the "
                    "school will count the hours towards a volunteering award."
                ),
                days_ago=110,
                dimensions=["co-delivery", "co-design"],
                people=["isla", "kerry", "pupils"],
            ),
            Happening(
                key="get-together",
                activity_type="co-producer-network-meeting",
                title="First get-together at Larchfield Lodge",
                description=(
                    "Everyone who had signed up met in the care home's lounge: walkers and "
                    "walk leaders paired up, and residents showed the pupils round the "
                    "space the café would use."
                ),
                outcomes="Walking pairs agreed; a café rota drafted by pupils and residents.",
                days_ago=98,
                dimensions=["co-design", "co-commissioning"],
                people=["isla", "duncan", "morag", "adeyemi", "priya", "pupils", "walking_group"],
            ),
        ],
        records=[
            Record(
                evidence_type="metric",
                activity="assembly",
                dimensions=["co-delivery"],
                indicators=["co-delivery-contribution-counted"],
                payload={
                    "name": "co-producers signed up",
                    "value": 31,
                    "unit": "people",
                    "period": "by the first get-together",
                },
            ),
            Record(
                evidence_type="participant-quote",
                activity="get-together",
                person="pupils",
                dimensions=["co-design"],
                payload={
                    "text": (
                        "I thought it would be sad. It isn't. Isla taught us a card game "
                        "and beat every one of us."
                    ),
                    "context": "A pupil, after the first get-together.",
                },
            ),
        ],
    ),
    Chapter(
        stage="market-it",
        arrival="Enough co-producers to start, with people living with dementia among them.",
        happenings=[
            Happening(
                key="canal-walk",
                activity_type="co-delivered-activity",
                title="Supported walk along the canal",
                description=(
                    "Two walking group leaders and two pupils walked with people living "
                    "with dementia and their carers, at the walkers' pace, resting at the "
                    "benches on Duncan's list. Duncan led the way."
                ),
                outcomes="Eleven walkers, all of whom finished; three asked for a weekly walk.",
                days_ago=70,
                dimensions=["co-delivery"],
                people=["isla", "duncan", "morag", "pupils", "walking_group"],
            ),
            Happening(
                key="cafe",
                activity_type="co-delivered-activity",
                title="Memory café: the first afternoon at Larchfield Lodge",
                description=(
                    "Pupils served tea and ran a photo quiz of old Brackenford that "
                    "residents and visitors had helped to put together."
                ),
                outcomes=(
                    "Twenty-six guests. The quiz ran out of time because people kept "
                    "adding their own stories to the photos."
                ),
                days_ago=56,
                dimensions=["co-delivery", "co-design"],
                people=["isla", "morag", "adeyemi", "priya", "pupils"],
            ),
            Happening(
                key="charter",
                activity_type="charter-drafting-session",
                title="Writing our charter",
                description=(
                    "Walkers, carers, pupils, the walking group and staff wrote down who does "
                    "what, what each can count on, and the small thanks on offer."
                ),
                outcomes=(
                    "A first draft: walk leaders, café hosts, pupils and staff each have a "
                    "part; thanks are school certificates, lunch at the café and bus fares. "
                    "It is going round for comments before everyone signs it."
                ),
                days_ago=21,
                dimensions=["co-delivery", "co-design"],
                people=["isla", "duncan", "morag", "kerry", "priya", "walking_group"],
            ),
        ],
        records=[
            Record(
                evidence_type="personal-story",
                activity="canal-walk",
                person="morag",
                dimensions=["co-delivery"],
                indicators=["co-delivery-citizens-do-part-of-the-work"],
                payload={
                    "title": "Getting our Saturdays back",
                    "text": (
                        "After Duncan's diagnosis we stopped going anywhere at the weekend. "
                        "I was frightened he would get lost, and he was frightened of "
                        "looking foolish. The walks gave us a reason to go out with people "
                        "who understand. He chose the route, because he knows every bench "
                        "on it, and the young ones ask him about the old mill. Now he "
                        "checks the weather on Friday night and puts his boots by the door."
                    ),
                },
            ),
            Record(
                evidence_type="participant-quote",
                activity="canal-walk",
                person="duncan",
                dimensions=["co-delivery"],
                payload={
                    "text": (
                        "I know this path better than any of them. I just need somebody "
                        "beside me now, that's all."
                    ),
                    "context": "On the canal walk, at the second bench.",
                },
                publish=True,
            ),
            Record(
                evidence_type="audio-interview",
                activity="cafe",
                person="isla",
                dimensions=["co-delivery", "co-assessment"],
                indicators=["co-assessment-citizens-judge-quality"],
                payload={
                    "caption": "Isla and a pupil volunteer on what the café is like",
                    "transcript": (
                        "Isla: It's the best afternoon of my week. Pupil: She says that "
                        "every week. Isla: Because it's true every week."
                    ),
                    "duration_seconds": 2,
                },
                attachment=Attachment("cafe-interview.wav", "audio/wav", "interview_wav"),
                publish=True,
            ),
            Record(
                evidence_type="unexpected-outcome",
                activity="cafe",
                dimensions=["co-delivery"],
                payload={
                    "description": (
                        "Two residents of Larchfield Lodge who had not been out of the home for "
                        "months asked to come on the next walk. The home now sends a member "
                        "of staff on every walk so that residents can join."
                    ),
                    "who_noticed": "Priya, activities coordinator",
                    "effect": "positive",
                },
            ),
            Record(
                evidence_type="metric",
                activity="cafe",
                dimensions=["co-delivery"],
                indicators=["co-delivery-contribution-counted"],
                payload={
                    "name": "hours volunteered by pupils",
                    "value": 84,
                    "unit": "hours",
                    "period": "the first eight weeks",
                },
            ),
            Record(
                evidence_type="session-notes",
                activity="charter",
                dimensions=["co-delivery", "co-design"],
                payload={
                    "text": (
                        "Draft charter read out and changed as we went: walkers asked that "
                        "no walk is cancelled without a phone call, pupils asked for a named "
                        "adult at every café. Not agreed yet: comments by the end of the "
                        "month, then everyone signs and the charter is recorded."
                    )
                },
            ),
        ],
    ),
]


@dataclass(frozen=True, slots=True)
class Rating:
    """An assessment: one perspective's ratings of the Four Co's, with why."""

    perspective: str
    ratings: dict[str, int]
    note: str
    days_ago: int


ASSESSMENTS = [
    Rating(
        perspective="person_using_services",
        ratings={"co-commissioning": 3, "co-design": 3, "co-delivery": 4, "co-assessment": 2},
        note=(
            "Rated together by the walkers and café regulars at the café, with the levels "
            "read out and talked through. Strongest: we run the walks ourselves now. "
            "Weakest: nobody has asked us yet how we would judge whether it works."
        ),
        days_ago=7,
    ),
    Rating(
        perspective="professional",
        ratings={"co-commissioning": 4, "co-design": 3, "co-delivery": 3, "co-assessment": 2},
        note=(
            "Rated by the link worker, the care home and the walking group's leaders. We "
            "think the choices were the walkers' own; we are less sure the walks would "
            "carry on without staff arranging them."
        ),
        days_ago=6,
    ),
]
"""The same initiative rated by the people using the service and by the staff."""


CONSENT_DAYS_AGO = 70
"""When the demo's consent forms were signed, counted back from today."""

CASE_STUDY_SECTIONS = {
    "learning": (
        "Walking at the pace of the slowest walker mattered more than the route. People "
        "living with dementia led best when a familiar face walked beside them, and the "
        "pupils learned as much from Isla and Duncan as they gave.\n\n"
        "What was hard: getting consent forms back from young volunteers in time, and "
        "keeping the café going through the school holidays."
    ),
    "next": (
        "Keep the café running all year with adult volunteers in the holidays, and offer "
        "the walks to a second care home."
    ),
    "credits": (
        "Told by the people of Out and About in Brackenford (a fictional demo): walkers, "
        "families, pupils, Larchfield Lodge and the Brackenford Walking Group."
    ),
}
CASE_STUDY_PLACE = "Brackenford"
CASE_STUDY_AGREED_BY = "The Out and About steering group (demo)"
