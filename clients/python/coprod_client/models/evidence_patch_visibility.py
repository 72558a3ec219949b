from enum import StrEnum


class EvidencePatchVisibility(StrEnum):
    ORGANISATION = "organisation"
    PRIVATE = "private"
    PUBLIC = "public"

    def __str__(self) -> str:
        return str(self.value)
