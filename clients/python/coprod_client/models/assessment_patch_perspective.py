from enum import StrEnum


class AssessmentPatchPerspective(StrEnum):
    COMMISSIONER = "commissioner"
    FAMILY_MEMBER_OR_CARER = "family_member_or_carer"
    NEIGHBOUR_OR_COMMUNITY_MEMBER = "neighbour_or_community_member"
    PARTNER_ORGANISATION = "partner_organisation"
    PERSON_USING_SERVICES = "person_using_services"
    PROFESSIONAL = "professional"
    VOLUNTEER = "volunteer"

    def __str__(self) -> str:
        return str(self.value)
