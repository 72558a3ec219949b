from enum import StrEnum


class EvidenceWrittenConsent(StrEnum):
    GIVEN = "given"
    NOT_RECORDED = "not_recorded"
    WITHDRAWN = "withdrawn"

    def __str__(self) -> str:
        return str(self.value)
