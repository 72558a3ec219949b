from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.scale_band import ScaleBand
    from ..models.scale_level import ScaleLevel


T = TypeVar("T", bound="Scale")


@_attrs_define
class Scale:
    """
    Attributes:
        bands (list[ScaleBand]): Labelled ranges of an assessment's total, if any.
        key (str): The scale's key: what an assessment's scale field names.
        levels (list[ScaleLevel]): Its points, lowest first: the values a rating may take.
        name (str): Its name, for people.
        provenance (None | str): Where the scale comes from, if it is adapted from another.
        summary (str): What it measures, and how.
    """

    bands: list[ScaleBand]
    key: str
    levels: list[ScaleLevel]
    name: str
    provenance: None | str
    summary: str

    def to_dict(self) -> dict[str, Any]:
        bands = []
        for bands_item_data in self.bands:
            bands_item = bands_item_data.to_dict()
            bands.append(bands_item)

        key = self.key

        levels = []
        for levels_item_data in self.levels:
            levels_item = levels_item_data.to_dict()
            levels.append(levels_item)

        name = self.name

        provenance: None | str
        provenance = self.provenance

        summary = self.summary

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "bands": bands,
                "key": key,
                "levels": levels,
                "name": name,
                "provenance": provenance,
                "summary": summary,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.scale_band import ScaleBand  # noqa: PLC0415
        from ..models.scale_level import ScaleLevel  # noqa: PLC0415

        d = dict(src_dict)
        bands = []
        _bands = d.pop("bands")
        for bands_item_data in _bands:
            bands_item = ScaleBand.from_dict(bands_item_data)

            bands.append(bands_item)

        key = d.pop("key")

        levels = []
        _levels = d.pop("levels")
        for levels_item_data in _levels:
            levels_item = ScaleLevel.from_dict(levels_item_data)

            levels.append(levels_item)

        name = d.pop("name")

        def _parse_provenance(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        provenance = _parse_provenance(d.pop("provenance"))

        summary = d.pop("summary")

        scale = cls(
            bands=bands,
            key=key,
            levels=levels,
            name=name,
            provenance=provenance,
            summary=summary,
        )

        return scale
