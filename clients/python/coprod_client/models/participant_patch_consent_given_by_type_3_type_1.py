from enum import StrEnum


class ParticipantPatchConsentGivenByType3Type1(StrEnum):
    GUARDIAN = "guardian"
    PARENT = "parent"
    SELF = "self"
    WELFARE_ATTORNEY = "welfare_attorney"

    def __str__(self) -> str:
        return str(self.value)
