"""The Co-Production Star as data: five steps, the Four Co's, a scale and what gets recorded.

Everything here is vocabulary. The names of the steps and of the Four Co's are the
field's words and are Governance International's; every summary, piece of guidance,
indicator and label is written by the coprod project. The rules that gate the steps
live in ``rules.py`` so that this module stays a plain definition a reader can check
against the model.
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
    ScaleBand,
    ScaleLevel,
    Stage,
    StageFlow,
    Toolkit,
)

KEY = "coproduction-star"
SOURCE_URL = "https://www.govint.org/our-services/co-production/"

# Stage keys, named once because the rules refer to them.
MAP_IT = "map-it"
FOCUS_IT = "focus-it"
PEOPLE_IT = "people-it"
MARKET_IT = "market-it"
GROW_IT = "grow-it"

# Dimension keys and the groups Loeffler (2020) puts them in.
CO_COMMISSIONING = "co-commissioning"
CO_DESIGN = "co-design"
CO_DELIVERY = "co-delivery"
CO_ASSESSMENT = "co-assessment"
CITIZEN_VOICE = "citizen voice"
CITIZEN_ACTION = "citizen action"

SELF_ASSESSMENT_SCALE = "star-self-assessment"

# Evidence types the rules look for.
CHARTER_EVIDENCE = "co-production-charter"
FOCUS_EVIDENCE = ("session-notes", "document")
"""What writes the focus down: the evidence types leaving Focus it asks for."""

# The rules' blocker codes, which are also the keys of the stage requirements they check.
NO_MAPPING_RECORDED = "no_mapping_recorded"
NO_FOCUS_RECORDED = "no_focus_recorded"
NO_PEOPLE_USING_SERVICES = "no_people_using_services"
NO_CO_PRODUCTION_CHARTER = "no_co_production_charter"
NO_GROWTH_RECORDED = "no_growth_recorded"

PEOPLE_USING_SERVICES_TAKE_PART = Requirement(
    NO_PEOPLE_USING_SERVICES,
    "At least one person who uses the service takes part as a participant, with their "
    "consent given: from People it on, the work needs them as co-producers, not only staff.",
    checked=True,
)

STAGES = (
    Stage(
        key=MAP_IT,
        name="Map it",
        summary=(
            "Take stock of the co-production already going on in and around the service, "
            "and of the places where more of it could happen."
        ),
        guidance=(
            "Ask staff, people who use the service and local groups who already contributes "
            "what, including the informal help nobody has ever counted. Record each mapping "
            "activity so that the picture can be checked and redrawn later."
        ),
        requirements=(
            Requirement(
                NO_MAPPING_RECORDED,
                "At least one activity recorded in Map it this round, such as a mapping "
                "session or an asset-mapping walk, so that the focus rests on a picture of "
                "the co-production there is and could be.",
                checked=True,
            ),
        ),
    ),
    Stage(
        key=FOCUS_IT,
        name="Focus it",
        summary=(
            "Choose the area where more co-production would make the biggest difference, "
            "and say why."
        ),
        guidance=(
            "Weigh what the map shows against what matters most to the people using the "
            "service and to the organisation, and start with one or two areas rather than "
            "everything at once. Write the choice and the reasons down: the later steps "
            "build on it."
        ),
        requirements=(
            Requirement(
                NO_FOCUS_RECORDED,
                "The focus written down in Focus it this round, as session notes or a "
                "document (evidence type session-notes or document): which area was chosen "
                "and why. A count, a photo or a quote does not say that on its own.",
                checked=True,
            ),
        ),
    ),
    Stage(
        key=PEOPLE_IT,
        name="People it",
        summary=(
            "Find the people who will co-produce, among staff inside the organisation and "
            "among citizens and groups outside it."
        ),
        guidance=(
            "Start from what people can bring (time, skills, lived experience, networks) "
            "rather than from what they lack, and look past the usual voices to people "
            "using the service, their families, neighbours and frontline staff. Record "
            "each person's consent as they join."
        ),
        requirements=(PEOPLE_USING_SERVICES_TAKE_PART,),
    ),
    Stage(
        key=MARKET_IT,
        name="Market it",
        summary=(
            "Win people over to taking part and to keep taking part, treating co-production "
            "as a change in how people behave."
        ),
        guidance=(
            "Use small prompts and rewards that suit the people involved to make taking part "
            "easy and worthwhile. Agree a co-production charter that says who does what, "
            "what each side can count on, and what incentives are on offer."
        ),
        requirements=(
            PEOPLE_USING_SERVICES_TAKE_PART,
            Requirement(
                NO_CO_PRODUCTION_CHARTER,
                "A co-production charter recorded as evidence (type co-production-charter): "
                "the roles, responsibilities and incentives agreed with the co-producers, "
                "which Grow it spreads (a charter agreed in an earlier round still counts).",
                checked=True,
            ),
        ),
    ),
    Stage(
        key=GROW_IT,
        name="Grow it",
        summary="Spread what works, across the organisation and beyond it.",
        guidance=(
            "Look at the whole service from every side (people using it, staff, partners) "
            "to find where co-production can be built in next. Take the story to other "
            "teams and places, and help co-producers back each other up through networks "
            "of peers."
        ),
        requirements=(
            PEOPLE_USING_SERVICES_TAKE_PART,
            Requirement(
                NO_GROWTH_RECORDED,
                "Before a new round: at least one activity recorded in Grow it this round, "
                "such as a roadshow, a whole-service review or a peer network meeting, so "
                "that the next Map it starts from what spread and what did not.",
                checked=True,
            ),
        ),
    ),
)

DIMENSIONS = (
    Dimension(
        key=CO_COMMISSIONING,
        name="Co-commissioning",
        summary=(
            "Citizens help decide what a service should achieve, for whom, and where the "
            "money and effort go."
        ),
        group=CITIZEN_VOICE,
        indicators=(
            Indicator(
                "co-commissioning-priorities-set-with-citizens",
                "People who use the service and local residents helped decide which needs "
                "come first.",
            ),
            Indicator(
                "co-commissioning-resources-decided-together",
                "Citizens had a real say in how money, staff time or space is shared out.",
            ),
            Indicator(
                "co-commissioning-community-assets-counted",
                "The plan counts what the community can contribute itself, not only what the "
                "organisation provides.",
            ),
        ),
    ),
    Dimension(
        key=CO_DESIGN,
        name="Co-design",
        summary=(
            "Citizens and staff shape how a service works together, drawing on the "
            "experience of the people who use it."
        ),
        group=CITIZEN_VOICE,
        indicators=(
            Indicator(
                "co-design-users-involved-from-start",
                "People who use the service took part from the first design session, not "
                "only at the end to approve a finished plan.",
            ),
            Indicator(
                "co-design-ideas-tested-with-users",
                "Ideas were tried out with the people they are meant for and changed in the "
                "light of what they said.",
            ),
            Indicator(
                "co-design-lived-experience-visible",
                "The final design contains changes that can be traced to lived experience.",
            ),
        ),
    ),
    Dimension(
        key=CO_DELIVERY,
        name="Co-delivery",
        summary=("Citizens do part of the work of a service themselves, alongside paid staff."),
        group=CITIZEN_ACTION,
        indicators=(
            Indicator(
                "co-delivery-citizens-do-part-of-the-work",
                "Citizens carry out part of the service themselves, side by side with staff.",
            ),
            Indicator(
                "co-delivery-roles-written-down",
                "Who does what is agreed and written down, including the support that "
                "co-producers can expect.",
            ),
            Indicator(
                "co-delivery-contribution-counted",
                "The time and effort citizens give is counted, for example as volunteer hours "
                "or sessions run.",
            ),
            Indicator(
                "co-delivery-co-producers-supported",
                "People who help deliver get the training, expenses and backing they need to "
                "keep going.",
            ),
        ),
    ),
    Dimension(
        key=CO_ASSESSMENT,
        name="Co-assessment",
        summary=(
            "Citizens judge how good a service is and what difference it makes, and their "
            "judgement counts."
        ),
        group=CITIZEN_VOICE,
        indicators=(
            Indicator(
                "co-assessment-citizens-judge-quality",
                "People who use the service give their own verdict on its quality, in their "
                "own words.",
            ),
            Indicator(
                "co-assessment-citizens-choose-measures",
                "Citizens helped choose what counts as success and how it is measured.",
            ),
            Indicator(
                "co-assessment-findings-acted-on",
                "What citizens reported led to a visible change, and they were told what changed.",
            ),
        ),
    ),
)

SCALES = (
    Scale(
        key=SELF_ASSESSMENT_SCALE,
        name="Star self-assessment",
        summary=(
            "A quick rating of how far each of the Four Co's is part of the way a service "
            "works, for a team or partnership to fill in together and repeat over time."
        ),
        levels=(
            ScaleLevel(1, "Not yet", "Nothing of this kind happens yet."),
            ScaleLevel(2, "Emerging", "It happens now and then, usually through one person."),
            ScaleLevel(
                3, "Developing", "It happens in some parts of the service and is being tried."
            ),
            ScaleLevel(4, "Established", "It is the normal way of working in most of the service."),
            ScaleLevel(
                5,
                "Embedded",
                "It is built into how the service is planned, run and reviewed, and would "
                "carry on if key people left.",
            ),
        ),
        bands=(
            ScaleBand(4, 7, "Little co-production yet", "Co-production is rare or absent."),
            ScaleBand(
                8, 11, "Co-production in pockets", "It happens, but in places and by chance."
            ),
            ScaleBand(
                12, 15, "Co-production taking hold", "It is spreading and starting to be planned."
            ),
            ScaleBand(16, 20, "Co-production the norm", "It is how the service usually works."),
        ),
        provenance=(
            "This scale is the coprod project's own. Governance International publishes no "
            "rating scale for the Co-Production Star, so the levels, their labels and the "
            "bands are not Governance International's. The bands cover the total of all four "
            "Co's (4 to 20) and are only given when all four are rated."
        ),
    ),
)

EVIDENCE_TYPES = (
    EvidenceType(
        "session-notes",
        "Session notes",
        EvidenceKind.NOTE,
        "Notes from a session or meeting: who came, what was said and what was agreed.",
    ),
    EvidenceType(
        "participant-quote",
        "Participant quote",
        EvidenceKind.QUOTE,
        "Something a participant said, in their own words, with where it was said.",
    ),
    EvidenceType(
        "personal-story",
        "Personal story",
        EvidenceKind.STORY,
        "A participant's account of what taking part meant to them.",
    ),
    EvidenceType(
        "audio-interview",
        "Audio interview",
        EvidenceKind.AUDIO,
        "A recorded conversation that lets people using the service and staff be heard directly.",
    ),
    EvidenceType(
        "video-clip",
        "Video clip",
        EvidenceKind.VIDEO,
        "A short film of an activity or of someone telling their part of the story.",
    ),
    EvidenceType(
        "photo",
        "Photo",
        EvidenceKind.PHOTO,
        "A picture of an activity, a place or something made together, taken with consent.",
    ),
    EvidenceType(
        "document",
        "Document",
        EvidenceKind.DOCUMENT,
        "A written output such as a map of assets, an action plan or a review report.",
    ),
    EvidenceType(
        CHARTER_EVIDENCE,
        "Co-production charter",
        EvidenceKind.DOCUMENT,
        "The written agreement between staff and citizens on who does what, what each can "
        "expect from the other, and the incentives for taking part.",
        payload_schema={
            "type": "object",
            "properties": {
                "title": {"type": "string", "minLength": 1, "maxLength": 500},
                "roles": {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": 20000,
                    "description": "who takes on which part of the work",
                },
                "responsibilities": {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": 20000,
                    "description": "what each side commits to and can expect",
                },
                "incentives": {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": 20000,
                    "description": "what taking part offers people, or 'none agreed yet'",
                },
                "summary": {"type": "string", "minLength": 1, "maxLength": 20000},
            },
            "required": ["title", "roles", "responsibilities", "incentives"],
            "additionalProperties": False,
        },
    ),
    EvidenceType(
        "link",
        "Link",
        EvidenceKind.LINK,
        "A web page about the work, such as a news item, a blog post or a published report.",
    ),
    EvidenceType(
        "metric",
        "Count or measure",
        EvidenceKind.METRIC,
        "A number worth tracking, such as attendance, volunteer hours or sessions run.",
    ),
    EvidenceType(
        "survey-result",
        "Survey result",
        EvidenceKind.SURVEY_RESULT,
        "The answers to a question put to participants, with how many people answered.",
    ),
    EvidenceType(
        "unexpected-outcome",
        "Unexpected outcome",
        EvidenceKind.UNEXPECTED_OUTCOME,
        "Something that happened that nobody planned for, good or bad.",
    ),
)

# Whether each type's dimensions and evidence types are rules or suggestions (plugin API 1.2).
# Rules where the Star describes desk work with a known output: the review of what is known
# reads existing material (documents, figures, surveys, links), and the charter session
# writes the charter down; a photo or a quote recorded against them belongs to another
# activity. Suggestions for everything people do together, the mapping session included:
# a mapping session is a conversation as much as a map, and the voices heard there (a
# quote, an interview) are worth keeping; what comes out of walks, workshops, meetings,
# co-delivered sessions and roadshows is as varied as the people there.
ACTIVITY_TYPES = (
    ActivityType(
        "co-production-mapping-session",
        "Co-production mapping session",
        "A meeting where staff and citizens list who already contributes what to the "
        "service, and where more could be done together.",
        stages=(MAP_IT,),
        dimensions=(CO_COMMISSIONING, CO_DESIGN, CO_DELIVERY, CO_ASSESSMENT),
        evidence_types=("session-notes", "document", "photo"),
    ),
    ActivityType(
        "asset-mapping-walk",
        "Asset-mapping walk",
        "A walk round the neighbourhood with local people to spot the places, groups and "
        "skills that the service could build on.",
        stages=(MAP_IT, PEOPLE_IT),
        dimensions=(CO_COMMISSIONING,),
        evidence_types=("photo", "session-notes", "participant-quote", "document"),
    ),
    ActivityType(
        "prioritisation-workshop",
        "Prioritisation workshop",
        "A session where people using the service and staff weigh the options from the map "
        "and agree where to start.",
        stages=(FOCUS_IT,),
        dimensions=(CO_COMMISSIONING,),
        evidence_types=("session-notes", "document", "survey-result", "participant-quote"),
    ),
    ActivityType(
        "evidence-review",
        "Review of what is known",
        "Looking at existing data, complaints and feedback to see where change would matter "
        "most to the people using the service.",
        stages=(MAP_IT, FOCUS_IT),
        dimensions=(CO_COMMISSIONING, CO_ASSESSMENT),
        evidence_types=("document", "metric", "survey-result", "link"),
        lists_are=ListsAre.RULES,
    ),
    ActivityType(
        "co-producer-recruitment",
        "Recruiting co-producers",
        "Reaching out, in person and through local groups, to people who could take part, "
        "and agreeing with each how they want to be involved.",
        stages=(PEOPLE_IT,),
        dimensions=(CO_DELIVERY, CO_DESIGN),
        evidence_types=("session-notes", "metric", "participant-quote"),
    ),
    ActivityType(
        "co-producer-network-meeting",
        "Co-producer network meeting",
        "A gathering of the staff, community members and people using the service who have "
        "signed up, to get to know each other and plan together.",
        stages=(PEOPLE_IT, MARKET_IT),
        dimensions=(CO_DESIGN, CO_COMMISSIONING),
        evidence_types=("session-notes", "photo", "metric"),
    ),
    ActivityType(
        "co-design-workshop",
        "Co-design workshop",
        "A hands-on session where citizens and staff shape a new activity or change to the "
        "service and try out early versions.",
        stages=(PEOPLE_IT, MARKET_IT, GROW_IT),
        dimensions=(CO_DESIGN,),
        evidence_types=("session-notes", "photo", "participant-quote", "document"),
    ),
    ActivityType(
        "charter-drafting-session",
        "Drafting a co-production charter",
        "Working out and writing down, together, the roles, commitments and incentives that "
        "co-producers and the organisation agree to.",
        stages=(MARKET_IT,),
        dimensions=(CO_DELIVERY, CO_DESIGN),
        evidence_types=(CHARTER_EVIDENCE, "session-notes"),
        lists_are=ListsAre.RULES,
    ),
    ActivityType(
        "co-delivered-activity",
        "Co-delivered activity",
        "An activity run partly by citizens themselves, such as a supported walk, a "
        "community cafe session or an oral-history event.",
        stages=(MARKET_IT, GROW_IT),
        dimensions=(CO_DELIVERY,),
        evidence_types=(
            "metric",
            "photo",
            "participant-quote",
            "personal-story",
            "audio-interview",
            "unexpected-outcome",
        ),
    ),
    ActivityType(
        "service-review-360",
        "360-degree service review",
        "Looking at the whole service with people using it, staff and partners to find "
        "where co-production could be built in next.",
        stages=(GROW_IT,),
        dimensions=(CO_ASSESSMENT, CO_COMMISSIONING),
        evidence_types=("document", "survey-result", "audio-interview", "session-notes"),
    ),
    ActivityType(
        "co-production-roadshow",
        "Co-production roadshow",
        "Taking the story of the work, told with the people who did it, to other teams, "
        "services and areas.",
        stages=(GROW_IT,),
        dimensions=(CO_DELIVERY, CO_DESIGN),
        evidence_types=("photo", "video-clip", "metric", "link"),
    ),
    ActivityType(
        "peer-support-network-meeting",
        "Peer-support network meeting",
        "A regular meeting where co-producers share what works and back each other up.",
        stages=(GROW_IT,),
        dimensions=(CO_DELIVERY, CO_ASSESSMENT),
        evidence_types=("session-notes", "personal-story", "metric", "unexpected-outcome"),
    ),
)

TOOLKIT = Toolkit(
    key=KEY,
    name="Co-Production Star",
    version="1.0.0",
    summary=(
        "Governance International's model of co-production: five steps that take an "
        "organisation from finding the co-production it already has to spreading it, and "
        "four ways citizens take part (the Four Co's): commissioning, designing, delivering "
        "and assessing services with staff."
    ),
    publisher="Governance International",
    licence=(
        "Governance International's Co-Production Star material is copyright Governance "
        "International, all rights reserved. coprod uses the names of the steps and of the "
        "Four Co's as the vocabulary of the field; every description, indicator and scale "
        "in this toolkit is written by the coprod project. coprod does not reproduce "
        "Governance International's text or the Star graphic."
    ),
    attribution=(
        f"Based on the Co-Production Star by Governance International ({SOURCE_URL}). "
        "This toolkit is the coprod project's reading of the model, not a Governance "
        "International product."
    ),
    source_url=SOURCE_URL,
    stage_flow=StageFlow.SEQUENTIAL,
    allows_new_rounds=True,
    stages=STAGES,
    dimensions=DIMENSIONS,
    scales=SCALES,
    activity_types=ACTIVITY_TYPES,
    evidence_types=EVIDENCE_TYPES,
)
