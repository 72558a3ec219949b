"""What each participant role means: the same for every toolkit, so the core says it.

The roles are ``ParticipantRole``'s; a toolkit's rules and assessments read them, and
a person recording an initiative has to pick one for everyone, often for someone who
could be two things (a council worker from a dementia network, a café owner who lives
round the corner). These descriptions are what the API document and ``GET
/toolkits/{key}`` show, so that the choice is made the same way everywhere: by what the
person does in this initiative, not by their job title. Where they come from is the
participant's ``affiliation``, whatever their role.
"""

from __future__ import annotations

from dataclasses import dataclass

from toolkits_core._views import ParticipantRole


@dataclass(frozen=True, slots=True)
class RoleDescription:
    """One role, with a label to show and what it means."""

    key: ParticipantRole
    label: str
    description: str


ROLE_DESCRIPTIONS: tuple[RoleDescription, ...] = (
    RoleDescription(
        ParticipantRole.PERSON_USING_SERVICES,
        "Person using services",
        "Someone the initiative is about, taking part from their own experience: a person "
        "living with dementia, a pupil, a tenant, someone who uses or could use the service.",
    ),
    RoleDescription(
        ParticipantRole.FAMILY_MEMBER_OR_CARER,
        "Family member or carer",
        "A relative, partner, friend or unpaid carer of someone using services, taking part "
        "from that side of the experience. A paid care worker is a professional.",
    ),
    RoleDescription(
        ParticipantRole.NEIGHBOUR_OR_COMMUNITY_MEMBER,
        "Neighbour or community member",
        "Someone from the local community taking part as a resident or local trader, for "
        "themself rather than for an organisation: a neighbour, a café owner who hosts a "
        "session. Put the business or group they belong to in affiliation.",
    ),
    RoleDescription(
        ParticipantRole.PROFESSIONAL,
        "Professional",
        "Someone taking part as part of their paid job of providing a service to the people "
        "the initiative is about, whoever employs them: a council or NHS worker, a teacher, "
        "a dementia link worker. Staff of the organisation running the initiative are "
        "professionals. If they mainly deliver support or services here, choose professional "
        "even when their employer is a partner.",
    ),
    RoleDescription(
        ParticipantRole.VOLUNTEER,
        "Volunteer",
        "Someone giving unpaid time to help run the initiative (a walk leader, a befriender, "
        "a young volunteer), not taking part as a person using services or a carer.",
    ),
    RoleDescription(
        ParticipantRole.PARTNER_ORGANISATION,
        "Partner organisation",
        "Someone speaking for another organisation that shares the work (a charity, a "
        "network, a school, a business lending a venue): they represent it, bring its "
        "resources and can commit it, rather than deliver a service to people themselves. "
        "Put the organisation's name in affiliation.",
    ),
    RoleDescription(
        ParticipantRole.COMMISSIONER,
        "Commissioner",
        "Someone who decides what services are bought or funded (a council or health board "
        "commissioner, a funder), taking part so that what is learnt can change what is "
        "paid for.",
    ),
)
"""Every ``ParticipantRole``, in its order, described."""


def role_description(role: ParticipantRole) -> RoleDescription:
    """The description of one role."""
    return next(found for found in ROLE_DESCRIPTIONS if found.key == role)
