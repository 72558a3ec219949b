from enum import StrEnum


class EvidencePatchPublicationConsent(StrEnum):
    GIVEN = "given"
    NOT_RECORDED = "not_recorded"
    WITHDRAWN = "withdrawn"

    def __str__(self) -> str:
        return str(self.value)
