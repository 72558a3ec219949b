from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.indicator import Indicator


T = TypeVar("T", bound="Dimension")


@_attrs_define
class Dimension:
    """
    Attributes:
        group (None | str): The group of dimensions it belongs to, if the toolkit has any.
        indicators (list[Indicator]): Its checklist indicators (none for most toolkits).
        key (str): The dimension's key: what ratings and dimensions fields name.
        name (str): Its name, for people.
        summary (str): What it means.
    """

    group: None | str
    indicators: list[Indicator]
    key: str
    name: str
    summary: str

    def to_dict(self) -> dict[str, Any]:
        group: None | str
        group = self.group

        indicators = []
        for indicators_item_data in self.indicators:
            indicators_item = indicators_item_data.to_dict()
            indicators.append(indicators_item)

        key = self.key

        name = self.name

        summary = self.summary

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "group": group,
                "indicators": indicators,
                "key": key,
                "name": name,
                "summary": summary,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.indicator import Indicator  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_group(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        group = _parse_group(d.pop("group"))

        indicators = []
        _indicators = d.pop("indicators")
        for indicators_item_data in _indicators:
            indicators_item = Indicator.from_dict(indicators_item_data)

            indicators.append(indicators_item)

        key = d.pop("key")

        name = d.pop("name")

        summary = d.pop("summary")

        dimension = cls(
            group=group,
            indicators=indicators,
            key=key,
            name=name,
            summary=summary,
        )

        return dimension
