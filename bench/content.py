"""What the seeded records say: payloads, titles and names a council would plausibly store.

Payloads are made per evidence kind, so that they fit the kind's standard schema; types
with a schema of their own (such as the Star's charter) are left out, and the seeder puts
every payload it uses to the toolkit's own checks before writing a row.
"""

from __future__ import annotations

import random
from typing import Any

from toolkits_core import EvidenceKind

PLACES = (
    "Brackenford",
    "Millbrook",
    "Eastholme",
    "Carrow Vale",
    "Kingsmead",
    "Upper Thorne",
    "Ashby Row",
    "Fenwick",
)
SERVICES = (
    "dementia café",
    "supported walks",
    "lunch club",
    "carers' group",
    "youth drop-in",
    "home library service",
    "befriending calls",
    "community transport",
)
NAMES = (
    "Maggie",
    "Tom R.",
    "Priya",
    "Walking group member",
    "Parent B",
    "Joseph",
    "Care-home resident",
    "Ade",
    "Volunteer K",
    "Sunita",
)
SAYINGS = (
    "I didn't think anyone would ask what we wanted, and now we are running it.",
    "The bus times matter more than the timetable of sessions.",
    "Having a cup of tea first made it easier to say what I really thought.",
    "My mum looks forward to Tuesdays again.",
    "We should meet where people already go, not at the council offices.",
    "Being asked to help plan it made me feel useful again.",
)

_SUPPORTED = frozenset(
    {
        EvidenceKind.NOTE,
        EvidenceKind.QUOTE,
        EvidenceKind.STORY,
        EvidenceKind.AUDIO,
        EvidenceKind.PHOTO,
        EvidenceKind.VIDEO,
        EvidenceKind.DOCUMENT,
        EvidenceKind.LINK,
        EvidenceKind.METRIC,
        EvidenceKind.SURVEY_RESULT,
        EvidenceKind.UNEXPECTED_OUTCOME,
    }
)


def supports(kind: EvidenceKind) -> bool:
    """Whether ``payload`` can make a payload for evidence of this kind."""
    return kind in _SUPPORTED


def payload(kind: EvidenceKind, rng: random.Random, number: int) -> dict[str, Any]:
    """A payload of ``kind`` fitting its standard schema; ``number`` keeps texts distinct."""
    place = rng.choice(PLACES)
    service = rng.choice(SERVICES)
    saying = rng.choice(SAYINGS)
    if kind is EvidenceKind.NOTE:
        return {
            "text": f"Session {number} of the {service} in {place}: {rng.randint(4, 30)} "
            f"people came. Agreed to try a later start and to ask the bus company about "
            f"the route. Next meeting in two weeks."
        }
    if kind is EvidenceKind.QUOTE:
        return {"text": saying, "context": f"{service.capitalize()} in {place}, session {number}"}
    if kind is EvidenceKind.STORY:
        return {
            "title": f"What the {service} meant to me",
            "text": f"{saying} I first came to the {service} in {place} with my daughter. "
            f"Now I help set up the room and welcome people at the door.",
        }
    if kind in {EvidenceKind.AUDIO, EvidenceKind.VIDEO}:
        return {"caption": f"Conversation at the {service} in {place}, number {number}"}
    if kind is EvidenceKind.PHOTO:
        return {
            "caption": f"The {service} in {place}",
            "alt_text": f"People round a table at the {service}",
        }
    if kind is EvidenceKind.DOCUMENT:
        return {
            "title": f"{service.capitalize()} in {place}: notes for the review",
            "summary": f"What worked and what to change, written up after session {number}.",
        }
    if kind is EvidenceKind.LINK:
        return {
            "url": f"https://news.example.org/{place.lower().replace(' ', '-')}/{number}",
            "title": f"Local news: the {service} in {place}",
        }
    if kind is EvidenceKind.METRIC:
        return {
            "name": f"Attendance at the {service}",
            "value": rng.randint(3, 60),
            "unit": "people",
            "period": "month",
        }
    if kind is EvidenceKind.SURVEY_RESULT:
        yes = rng.randint(5, 40)
        no = rng.randint(0, 10)
        return {
            "question": f"Would you recommend the {service} to a friend?",
            "respondents": yes + no,
            "results": {"yes": yes, "no": no},
        }
    if kind is EvidenceKind.UNEXPECTED_OUTCOME:
        return {
            "description": f"People from the {service} in {place} started meeting on their "
            "own at the weekend.",
            "who_noticed": "A volunteer",
            "effect": rng.choice(("positive", "mixed")),
        }
    raise ValueError(f"no payload for evidence of kind {kind}")


def initiative_title(number: int, rng: random.Random) -> str:
    return f"{rng.choice(SERVICES).capitalize()} in {rng.choice(PLACES)} ({number})"


def initiative_summary(rng: random.Random) -> str:
    return (
        f"Running the {rng.choice(SERVICES)} with the people who use it, their families "
        "and local groups, and gathering what they say about it."
    )


def pseudonym(rng: random.Random) -> str:
    return rng.choice(NAMES)
