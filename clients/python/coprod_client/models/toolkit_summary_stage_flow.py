from enum import StrEnum


class ToolkitSummaryStageFlow(StrEnum):
    CYCLIC = "cyclic"
    ITERATIVE = "iterative"
    REVISITABLE = "revisitable"
    SEQUENTIAL = "sequential"

    def __str__(self) -> str:
        return str(self.value)
