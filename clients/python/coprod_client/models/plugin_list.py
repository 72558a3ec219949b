from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.plugin import Plugin
    from ..models.plugin_failure import PluginFailure


T = TypeVar("T", bound="PluginList")


@_attrs_define
class PluginList:
    """
    Attributes:
        failures (list[PluginFailure]): Plugins that were found but not loaded, and why.
        items (list[Plugin]):
        next_cursor (None | str): Always null.
    """

    failures: list[PluginFailure]
    items: list[Plugin]
    next_cursor: None | str

    def to_dict(self) -> dict[str, Any]:
        failures = []
        for failures_item_data in self.failures:
            failures_item = failures_item_data.to_dict()
            failures.append(failures_item)

        items = []
        for items_item_data in self.items:
            items_item = items_item_data.to_dict()
            items.append(items_item)

        next_cursor: None | str
        next_cursor = self.next_cursor

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "failures": failures,
                "items": items,
                "next_cursor": next_cursor,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.plugin import Plugin  # noqa: PLC0415
        from ..models.plugin_failure import PluginFailure  # noqa: PLC0415

        d = dict(src_dict)
        failures = []
        _failures = d.pop("failures")
        for failures_item_data in _failures:
            failures_item = PluginFailure.from_dict(failures_item_data)

            failures.append(failures_item)

        items = []
        _items = d.pop("items")
        for items_item_data in _items:
            items_item = Plugin.from_dict(items_item_data)

            items.append(items_item)

        def _parse_next_cursor(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        next_cursor = _parse_next_cursor(d.pop("next_cursor"))

        plugin_list = cls(
            failures=failures,
            items=items,
            next_cursor=next_cursor,
        )

        return plugin_list
