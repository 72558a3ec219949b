from enum import StrEnum


class EvidenceWrittenVisibility(StrEnum):
    ORGANISATION = "organisation"
    PRIVATE = "private"
    PUBLIC = "public"

    def __str__(self) -> str:
        return str(self.value)
