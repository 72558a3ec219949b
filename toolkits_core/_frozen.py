"""Deep freezing, so that what a plugin registered or the host handed out cannot change."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from types import MappingProxyType
from typing import Any, TypeVar, overload

Item = TypeVar("Item")


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


class ReadOnDemand(Sequence[Item]):
    """A read-only sequence whose items are read when first asked for, then kept.

    The host hands plugins whole initiatives, and an initiative may hold a million pieces
    of evidence that a given rule never looks at: built from one of these, a view costs
    only what its plugins read. It compares, hashes and reads like the tuple it stands
    for, which ``freeze_fields`` leaves it as.
    """

    __slots__ = ("_items", "_read")

    def __init__(self, read: Callable[[], Iterable[Item]]) -> None:
        self._read: Callable[[], Iterable[Item]] | None = read
        self._items: tuple[Item, ...] = ()

    def _loaded(self) -> tuple[Item, ...]:
        if self._read is not None:
            self._items = tuple(self._read())
            self._read = None
        return self._items

    @overload
    def __getitem__(self, index: int) -> Item: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[Item, ...]: ...
    def __getitem__(self, index: int | slice) -> Item | tuple[Item, ...]:
        return self._loaded()[index]

    def __len__(self) -> int:
        return len(self._loaded())

    def __iter__(self) -> Iterator[Item]:
        return iter(self._loaded())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ReadOnDemand):
            other = other._loaded()
        return self._loaded() == other

    def __hash__(self) -> int:
        return hash(self._loaded())

    def __repr__(self) -> str:
        return repr(self._loaded()) if self._read is None else "ReadOnDemand(<not read yet>)"


def freeze_fields(instance: object, *names: str) -> None:
    """Store the named sequence fields of a frozen dataclass as tuples."""
    for name in names:
        value = getattr(instance, name)
        if isinstance(value, str | ReadOnDemand) or not isinstance(value, Sequence):
            # Leave strings and wrong types alone: the definition checks report them.
            continue
        object.__setattr__(instance, name, tuple(value))
