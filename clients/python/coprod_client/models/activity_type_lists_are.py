from enum import StrEnum


class ActivityTypeListsAre(StrEnum):
    RULES = "rules"
    SUGGESTIONS = "suggestions"

    def __str__(self) -> str:
        return str(self.value)
