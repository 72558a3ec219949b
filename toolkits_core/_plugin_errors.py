"""What goes wrong with plugins and records, each naming who and what."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from toolkits_core._outcomes import Problem


@dataclass(frozen=True, slots=True)
class PluginFailure:
    """Why a plugin was skipped.

    ``phase`` is one of: select, import, api_version, hooks, register, toolkit.
    """

    plugin: str
    phase: str
    message: str

    def __str__(self) -> str:
        return f"plugin {self.plugin!r} ({self.phase}): {self.message}"


class PluginLoadError(RuntimeError):
    """Raised in strict mode when any plugin failed to load; lists every failure."""

    def __init__(self, failures: Iterable[PluginFailure]) -> None:
        self.failures = tuple(failures)
        lines = "\n".join(f"  - {failure}" for failure in self.failures)
        super().__init__(f"{len(self.failures)} plugin failure(s):\n{lines}")


class PluginHookError(RuntimeError):
    """A plugin's hook raised or returned something the hook does not allow."""

    def __init__(self, plugin: str, hook: str, message: str) -> None:
        self.plugin = plugin
        self.hook = hook
        super().__init__(f"plugin {plugin!r} failed in {hook}: {message}")


class UnknownToolkitError(LookupError):
    def __init__(self, key: str, known: Iterable[str]) -> None:
        self.key = key
        super().__init__(
            f"no toolkit {key!r} is registered (known: {', '.join(sorted(known)) or 'none'})"
        )


class InvalidRecordError(ValueError):
    """A record (evidence, assessment) failed the core's or a plugin's checks."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(f"{p.field or '(record)'}: {p.message}" for p in self.problems))
