from enum import StrEnum


class CaseStudyCreateKind(StrEnum):
    FUTURING = "futuring"
    RETROSPECTIVE = "retrospective"

    def __str__(self) -> str:
        return str(self.value)
