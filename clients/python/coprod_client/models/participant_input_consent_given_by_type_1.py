from enum import StrEnum


class ParticipantInputConsentGivenByType1(StrEnum):
    GUARDIAN = "guardian"
    PARENT = "parent"
    SELF = "self"
    WELFARE_ATTORNEY = "welfare_attorney"

    def __str__(self) -> str:
        return str(self.value)
