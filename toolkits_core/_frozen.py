"""Deep freezing, so that what a plugin registered or the host handed out cannot change."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any


def freeze(value: Any) -> Any:
    """A read-only deep copy: mappings become mapping proxies, lists and tuples tuples."""
    if isinstance(value, Mapping):
        return MappingProxyType({key: freeze(item) for key, item in value.items()})
    if isinstance(value, list | tuple):
        return tuple(freeze(item) for item in value)
    return value


def thaw(value: Any) -> Any:
    """A plain deep copy of frozen data: dicts and lists again, as JSON tools expect."""
    if isinstance(value, Mapping):
        return {key: thaw(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [thaw(item) for item in value]
    return value


def freeze_fields(instance: object, *names: str) -> None:
    """Store the named sequence fields of a frozen dataclass as tuples."""
    for name in names:
        value = getattr(instance, name)
        if isinstance(value, str) or not isinstance(value, Sequence):
            # Leave strings and wrong types alone: the definition checks report them.
            continue
        object.__setattr__(instance, name, tuple(value))
