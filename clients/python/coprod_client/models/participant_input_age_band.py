from enum import StrEnum


class ParticipantInputAgeBand(StrEnum):
    ADULT = "adult"
    UNDER_16 = "under_16"
    VALUE_1 = "16-17"

    def __str__(self) -> str:
        return str(self.value)
