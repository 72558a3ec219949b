"""The definition of the National Standards for Community Engagement toolkit, as data.

Everything here is the vocabulary the rest of coprod shows to people running an
initiative: the seven standards with their evidence checklists, the Analyse-Plan-Do-Review
cycle, the six-point review scale, and the activities and evidence that fit them. The
names of the standards, the steps and the scale's levels are SCDC's (they are the field's
vocabulary); every description is coprod's own wording, so no SCDC text is reproduced.

The keys below are constants because the rules in ``rules.py`` depend on them: renaming a
key here without the rules noticing would silently switch a blocker off.
"""

from __future__ import annotations

from toolkits_core import (
    ActivityType,
    Dimension,
    EvidenceKind,
    EvidenceType,
    Indicator,
    ListsAre,
    Requirement,
    Scale,
    ScaleLevel,
    Stage,
    StageFlow,
    Toolkit,
)

TOOLKIT_KEY = "national-standards"

# The rules' blocker codes, which are also the keys of the stage requirements they check.
OUTCOMES_NOT_AGREED = "outcomes_not_agreed"
NO_EVIDENCE_FROM_DO = "no_evidence_from_do"
REVIEW_NOT_SCORED = "review_not_scored"

# Stages of the cycle.
ANALYSE = "analyse"
PLAN = "plan"
DO = "do"
REVIEW = "review"

# Standards (dimensions) that the rules refer to.
PLANNING = "planning"

REVIEW_SCALE = "review-six-point"

# Evidence type the rules treat as one line of a standard's checklist.
INDICATOR_CHECK = "indicator-check"

# Levels of the review scale at or below which a standard needs action.
NEEDS_ACTION_AT_OR_BELOW = 2

LICENCE = (
    "SCDC's licence for the National Standards for Community Engagement was not confirmed. "
    "coprod uses the names of the seven standards, the four VOiCE steps and the review "
    "scale's levels as the vocabulary of the field, writes every description in its own "
    "words, credits SCDC, and does not reproduce SCDC's text."
)

SOURCE_URL = "https://www.scdc.org.uk/what/national-standards/"

ATTRIBUTION = (
    "Based on the National Standards for Community Engagement (revised 2016) by the "
    "Scottish Community Development Centre (SCDC). The Analyse, Plan, Do and Review steps "
    "and the six-point review scale come from SCDC's VOiCE engagement planning tool; SCDC "
    'adapted the scale from HMIE\'s "How good is our..." self-evaluation scale. The '
    "descriptions are coprod's own words. Source: " + SOURCE_URL
)


def _indicators(*pairs: tuple[str, str]) -> tuple[Indicator, ...]:
    """Indicators from (key, text) pairs, to keep the checklists below readable."""
    return tuple(Indicator(key, text) for key, text in pairs)


DIMENSIONS: tuple[Dimension, ...] = (
    Dimension(
        key="inclusion",
        name="Inclusion",
        summary=(
            "Everyone with a stake in the issue is found and brought in, especially people "
            "whose voices are seldom heard, and not only the people who always turn up."
        ),
        indicators=_indicators(
            (
                "inclusion-stakeholders-mapped",
                "The people, groups and organisations the issue touches have been listed, "
                "including those who rarely take part.",
            ),
            (
                "inclusion-barriers-identified",
                "Before engaging, we worked out why some people might be left out.",
            ),
            (
                "inclusion-seldom-heard-reached",
                "Groups who are seldom heard were approached in ways that suit them, and "
                "some of them took part.",
            ),
            (
                "inclusion-reach-checked",
                "We compared who took part with who the issue affects, and acted on the gaps.",
            ),
        ),
    ),
    Dimension(
        key="support",
        name="Support",
        summary=(
            "Whatever stops people from taking part, practical or otherwise, is spotted and "
            "dealt with, so that anyone who wants a say can have one."
        ),
        indicators=_indicators(
            (
                "support-needs-asked",
                "People were asked what would help them take part: access, language, timing, "
                "caring duties, transport or costs.",
            ),
            (
                "support-barriers-removed",
                "The obstacles people named were dealt with, for example accessible venues, "
                "interpreters, cover for carers or expenses paid.",
            ),
            (
                "support-confidence-built",
                "People who wanted it had information, training or a mentor so they could "
                "contribute with confidence.",
            ),
            (
                "support-resources-set-aside",
                "The time, money and staff that support needs were budgeted for in the plan.",
            ),
        ),
    ),
    Dimension(
        key=PLANNING,
        name="Planning",
        summary=(
            "The engagement has a purpose everyone understands, grounded in what the "
            "community needs and wants, and partners agree up front what it should achieve, "
            "how they will recognise success and what evidence they will collect."
        ),
        indicators=_indicators(
            (
                "planning-purpose-shared",
                "Why we are engaging, and what is genuinely open to change, is written down "
                "and understood by everyone involved.",
            ),
            (
                "planning-needs-evidenced",
                "The plan rests on evidence about the community's needs, strengths and "
                "priorities, such as a community profile.",
            ),
            (
                "planning-outcomes-agreed",
                "Partners have agreed, in writing, the outcomes the engagement should bring about.",
            ),
            (
                "planning-success-indicators-agreed",
                "Partners have agreed the signs or measures that will show the outcomes are "
                "being reached.",
            ),
            (
                "planning-evidence-agreed",
                "Partners have agreed what evidence will be gathered, how, when and by whom.",
            ),
        ),
    ),
    Dimension(
        key="working-together",
        name="Working together",
        summary=(
            "Partners and community members share the decisions, the work and the "
            "resources, and treat one another as equals pursuing aims they hold in common."
        ),
        indicators=_indicators(
            (
                "working-together-roles-agreed",
                "Each partner's role, responsibilities and say in decisions are clear and agreed.",
            ),
            (
                "working-together-shared-decisions",
                "Community members shaped decisions, rather than only commenting on them.",
            ),
            (
                "working-together-resources-pooled",
                "Partners pooled information, skills and resources instead of working side by "
                "side in isolation.",
            ),
            (
                "working-together-disagreements-settled",
                "Disagreements were raised openly and settled in a way people saw as fair.",
            ),
        ),
    ),
    Dimension(
        key="methods",
        name="Methods",
        summary=(
            "The ways people are invited to take part are chosen to suit the purpose, the "
            "people involved and the place, rather than out of habit."
        ),
        indicators=_indicators(
            (
                "methods-chosen-for-purpose",
                "Each method was picked for what we needed to learn and who we needed to hear.",
            ),
            (
                "methods-several-routes",
                "People had more than one way to take part: in person, online, in writing or "
                "through groups they already trust.",
            ),
            (
                "methods-tested-with-people",
                "Methods and materials were tried out with, or adapted for, the people "
                "expected to use them.",
            ),
            (
                "methods-adjusted",
                "We checked during the engagement how well the methods worked and changed "
                "those that did not.",
            ),
        ),
    ),
    Dimension(
        key="communication",
        name="Communication",
        summary=(
            "Information flows plainly and often, in both directions, between everyone "
            "involved, and people find out what became of what they said."
        ),
        indicators=_indicators(
            (
                "communication-plain-and-accessible",
                "Information used plain language and came in the formats and languages "
                "people asked for.",
            ),
            (
                "communication-in-good-time",
                "People heard about chances to take part early enough to join in, and were "
                "kept up to date.",
            ),
            (
                "communication-two-way",
                "People had ways to ask questions or raise concerns, and got answers.",
            ),
            (
                "communication-feedback-given",
                "Participants were told what was done with their views and why: "
                '"you said, we did".',
            ),
        ),
    ),
    Dimension(
        key="impact",
        name="Impact",
        summary=(
            "What the engagement changed is looked at honestly against what was agreed, and "
            "the lessons shape the next round and future engagement."
        ),
        indicators=_indicators(
            (
                "impact-outcomes-checked",
                "Progress towards the agreed outcomes was checked against the evidence gathered.",
            ),
            (
                "impact-change-traced",
                "Decisions, services or the community changed in ways that can be traced back "
                "to the engagement.",
            ),
            (
                "impact-participants-gained",
                "Participants say they gained something themselves, such as skills, "
                "confidence or connections.",
            ),
            (
                "impact-lessons-carried-forward",
                "Lessons from this round were written down and used to plan the next one.",
            ),
        ),
    ),
)


STAGES: tuple[Stage, ...] = (
    Stage(
        key=ANALYSE,
        name="Analyse",
        summary=(
            "Understand the situation before engaging: the issue, who it affects, what is "
            "already known and what might keep people out."
        ),
        guidance=(
            "Put together a community profile from existing figures and local knowledge. "
            "Map the people, groups and organisations with a stake, and note who usually "
            "goes unheard and why. Find out what earlier engagement already learned, so "
            "nobody is asked the same questions twice."
        ),
        requirements=(
            Requirement(
                "picture-of-the-community",
                "A picture of the community and of who has a stake, noting who usually goes "
                "unheard: guidance for going into Plan, not checked by a rule.",
            ),
        ),
    ),
    Stage(
        key=PLAN,
        name="Plan",
        summary="Agree with partners what the engagement is for and how it will be run.",
        guidance=(
            "Write down the purpose and what is open to change. Agree the outcomes you are "
            "after, the signs that will show success and the evidence you will collect. "
            "Choose methods and the support participants will need, and share out roles, "
            "time and budget. Record the agreed outcomes as evidence at this stage, tagged "
            "with the Planning standard: in every round, moving on to Do waits for that "
            "round's agreed outcomes."
        ),
        requirements=(
            Requirement(
                OUTCOMES_NOT_AGREED,
                "The outcomes partners agreed for this round, recorded as evidence in Plan "
                "tagged with the Planning standard.",
                checked=True,
            ),
        ),
    ),
    Stage(
        key=DO,
        name="Do",
        summary="Carry out the engagement as planned, gathering evidence along the way.",
        guidance=(
            "Run the activities and keep supporting people to take part. Collect evidence "
            "of the process as well as its results: attendance and reach, people's own "
            "words, photos, and anything nobody expected. Change methods that are not "
            "working. Moving on to Review waits for at least one piece of evidence "
            "recorded here in the current round."
        ),
        requirements=(
            Requirement(
                NO_EVIDENCE_FROM_DO,
                "At least one piece of evidence from the engagement recorded in Do this "
                "round, such as attendance, people's own words or survey results.",
                checked=True,
            ),
        ),
    ),
    Stage(
        key=REVIEW,
        name="Review",
        summary=(
            "Look back, with partners and participants, at how the engagement went and what "
            "it changed, then carry the lessons into the next round."
        ),
        guidance=(
            "Compare what happened with the outcomes agreed at Plan, using the evidence "
            "gathered. Rate each of the seven standards on the six-point review scale, "
            "ideally from more than one perspective. Tell participants what came of their "
            "contributions. A new round starts at Analyse only once this round's review "
            "has been scored."
        ),
        requirements=(
            Requirement(
                REVIEW_NOT_SCORED,
                "Before a new round: this round's review scored, as an assessment on the "
                "six-point review scale rating the standards.",
                checked=True,
            ),
        ),
    ),
)


SCALES: tuple[Scale, ...] = (
    Scale(
        key=REVIEW_SCALE,
        name="Six-point review scale",
        summary=(
            "Each standard is rated at the Review step, from 1 (unsatisfactory) to 6 "
            "(excellent). Ratings of 2 or below mark a standard that needs action."
        ),
        levels=(
            ScaleLevel(
                1,
                "Unsatisfactory",
                "This standard was largely not met; putting it right is urgent.",
            ),
            ScaleLevel(
                2,
                "Weak",
                "What fell short on this standard outweighs what went well; it needs action.",
            ),
            ScaleLevel(
                3,
                "Adequate",
                "The basics of this standard are in place, but only just: what went well "
                "barely outweighs what did not. Later versions of the scale name this level "
                "Satisfactory.",
            ),
            ScaleLevel(
                4,
                "Good",
                "Clear strengths on this standard, with some things still to improve.",
            ),
            ScaleLevel(
                5,
                "Very good",
                "Strong on this standard throughout; what is left to improve is minor.",
            ),
            ScaleLevel(
                6,
                "Excellent",
                "Practice on this standard is outstanding and could show others how to do it.",
            ),
        ),
        provenance=(
            "The six-point scale that SCDC's VOiCE tool uses to score the Review step, which "
            'SCDC adapted from the HMIE (HM Inspectorate of Education) "How good is our..." '
            "self-evaluation scale. The level names are theirs; the level descriptions are "
            "coprod's own words. coprod adds no banding of totals."
        ),
    ),
)


EVIDENCE_TYPES: tuple[EvidenceType, ...] = (
    EvidenceType(
        "note",
        "Note",
        EvidenceKind.NOTE,
        "A short written record of what happened, was decided or was noticed.",
    ),
    EvidenceType(
        "quote",
        "Quote",
        EvidenceKind.QUOTE,
        "Someone's own words, kept as they said them, with a line of context.",
    ),
    EvidenceType(
        "story",
        "Story",
        EvidenceKind.STORY,
        "An account, in a participant's or worker's words, of what taking part meant.",
    ),
    EvidenceType(
        "audio",
        "Audio recording",
        EvidenceKind.AUDIO,
        "A recorded interview or discussion, ideally with a transcript.",
    ),
    EvidenceType(
        "photo",
        "Photo",
        EvidenceKind.PHOTO,
        "A picture of an event, a wall of sticky notes or a finished product, with a caption.",
    ),
    EvidenceType(
        "video",
        "Video",
        EvidenceKind.VIDEO,
        "A filmed account or event, ideally with a transcript.",
    ),
    EvidenceType(
        "document",
        "Document",
        EvidenceKind.DOCUMENT,
        "A file such as the engagement plan, a community profile, minutes or a report.",
    ),
    EvidenceType(
        "link",
        "Link",
        EvidenceKind.LINK,
        "A web address of something published elsewhere, such as a consultation page.",
    ),
    EvidenceType(
        "metric",
        "Count or measure",
        EvidenceKind.METRIC,
        "A number, such as attendance, responses, or how many people from under-represented "
        "groups were reached.",
    ),
    EvidenceType(
        "survey-result",
        "Survey result",
        EvidenceKind.SURVEY_RESULT,
        "The answers to one question of a survey or feedback form.",
    ),
    EvidenceType(
        "unexpected-outcome",
        "Unexpected outcome",
        EvidenceKind.UNEXPECTED_OUTCOME,
        "Something that happened that nobody planned for, good or bad.",
    ),
    EvidenceType(
        INDICATOR_CHECK,
        "Checklist line",
        EvidenceKind.NOTE,
        "An answer to one line of a standard's checklist: is this indicator met, partly "
        "met or not yet met, and why we think so. Cites exactly one indicator.",
        payload_schema={
            "type": "object",
            "properties": {
                "status": {"enum": ["met", "partly_met", "not_yet_met"]},
                "comment": {"type": "string", "minLength": 1, "maxLength": 20000},
            },
            "required": ["status"],
            "additionalProperties": False,
        },
    ),
)


# Whether each type's dimensions and evidence types are rules or suggestions (plugin API 1.2).
# Rules for the desk work of analysing and planning (the community profile, the stakeholder
# map, the engagement plan): the Standards say what each is for and what it yields, and a
# standard it does not speak to, or a recording, is a sign the record belongs elsewhere.
# Suggestions for the engagement itself (meetings, support, focus groups, consultation,
# feedback and review): people bring what they bring, and the lists only prompt.
ACTIVITY_TYPES: tuple[ActivityType, ...] = (
    ActivityType(
        "community-profile",
        "Community profile or needs analysis",
        "Gather figures and local knowledge about the community, its needs, strengths and "
        "priorities, before deciding how to engage.",
        stages=(ANALYSE,),
        dimensions=("inclusion", PLANNING),
        evidence_types=("document", "metric", "link", "note"),
        lists_are=ListsAre.RULES,
    ),
    ActivityType(
        "stakeholder-mapping",
        "Stakeholder mapping",
        "Chart who the issue affects and who can influence it, marking those seldom heard.",
        stages=(ANALYSE, PLAN),
        dimensions=("inclusion", "working-together"),
        evidence_types=("document", "photo", "note", INDICATOR_CHECK),
        lists_are=ListsAre.RULES,
    ),
    ActivityType(
        "engagement-plan",
        "Engagement plan agreed with partners",
        "Partners agree in writing the purpose, outcomes, signs of success, evidence to "
        "gather, methods, support, roles and budget.",
        stages=(PLAN,),
        dimensions=(PLANNING, "working-together", "support", "methods"),
        evidence_types=("document", "note", INDICATOR_CHECK),
        lists_are=ListsAre.RULES,
    ),
    ActivityType(
        "participant-support",
        "Support for participants",
        "Arrange what people need to take part, such as transport, interpreters, cover for "
        "carers or expenses.",
        stages=(PLAN, DO),
        dimensions=("support", "inclusion"),
        evidence_types=("note", "metric", "document", "quote"),
    ),
    ActivityType(
        "accessible-public-meeting",
        "Accessible public meeting",
        "An open meeting held at a time and place, and in a format, that the people "
        "affected can reach and follow.",
        stages=(DO,),
        dimensions=("inclusion", "support", "methods", "communication"),
        evidence_types=("metric", "quote", "photo", "audio", "note", "unexpected-outcome"),
    ),
    ActivityType(
        "focus-group",
        "Focus group",
        "A small, facilitated discussion with people who share an experience of the issue.",
        stages=(DO,),
        dimensions=("inclusion", "methods"),
        evidence_types=("quote", "audio", "story", "note", "unexpected-outcome"),
    ),
    ActivityType(
        "online-consultation",
        "Online consultation",
        "Questions or proposals published online for people to answer in their own time.",
        stages=(DO,),
        dimensions=("methods", "communication", "inclusion"),
        evidence_types=("survey-result", "metric", "link", "quote"),
    ),
    ActivityType(
        "feedback-to-participants",
        'Feedback to participants ("you said, we did")',
        "Tell the people who took part what was done with their views, and why.",
        stages=(DO, REVIEW),
        dimensions=("communication", "impact"),
        evidence_types=("document", "link", "photo", "note"),
    ),
    ActivityType(
        "review-meeting",
        "Review meeting with partners",
        "Partners and participants look back at the engagement against the agreed outcomes, "
        "rate the standards and agree what to change next time.",
        stages=(REVIEW,),
        dimensions=("impact", "working-together", PLANNING),
        evidence_types=("note", INDICATOR_CHECK, "quote", "survey-result", "unexpected-outcome"),
    ),
)


TOOLKIT = Toolkit(
    key=TOOLKIT_KEY,
    name="National Standards for Community Engagement",
    version="1.0.0",
    summary=(
        "Seven standards for good community engagement, worked through a repeating cycle "
        "of Analyse, Plan, Do and Review, with each standard rated on a six-point scale at "
        "the Review."
    ),
    publisher="Scottish Community Development Centre (SCDC)",
    licence=LICENCE,
    attribution=ATTRIBUTION,
    source_url=SOURCE_URL,
    stage_flow=StageFlow.CYCLIC,
    stages=STAGES,
    dimensions=DIMENSIONS,
    scales=SCALES,
    activity_types=ACTIVITY_TYPES,
    evidence_types=EVIDENCE_TYPES,
)
