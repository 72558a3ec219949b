from enum import StrEnum


class ToolkitStageFlow(StrEnum):
    CYCLIC = "cyclic"
    ITERATIVE = "iterative"
    REVISITABLE = "revisitable"
    SEQUENTIAL = "sequential"

    def __str__(self) -> str:
        return str(self.value)
