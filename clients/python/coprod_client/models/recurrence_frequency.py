from enum import StrEnum


class RecurrenceFrequency(StrEnum):
    FORTNIGHTLY = "fortnightly"
    MONTHLY = "monthly"
    OTHER = "other"
    WEEKLY = "weekly"

    def __str__(self) -> str:
        return str(self.value)
