from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.toolkit_activity_types_item import ToolkitActivityTypesItem
    from ..models.toolkit_counts import ToolkitCounts
    from ..models.toolkit_dimensions_item import ToolkitDimensionsItem
    from ..models.toolkit_evidence_types_item import ToolkitEvidenceTypesItem
    from ..models.toolkit_plugin import ToolkitPlugin
    from ..models.toolkit_scales_item import ToolkitScalesItem
    from ..models.toolkit_stages_item import ToolkitStagesItem


T = TypeVar("T", bound="Toolkit")


@_attrs_define
class Toolkit:
    """
    Attributes:
        activity_types (list[ToolkitActivityTypesItem]):
        adapted_from (None | str): What the toolkit was adapted from, and how (as CC BY asks).
        attribution (str):
        counts (ToolkitCounts):
        dimensions (list[ToolkitDimensionsItem]):
        evidence_types (list[ToolkitEvidenceTypesItem]):
        key (str):
        licence (str):
        licence_id (None | str): The licence's SPDX identifier, such as CC-BY-4.0.
        name (str):
        plugin (ToolkitPlugin):
        publisher (str):
        scales (list[ToolkitScalesItem]):
        source_url (str):
        stage_flow (str):
        stages (list[ToolkitStagesItem]):
        summary (str):
        version (str):
    """

    activity_types: list[ToolkitActivityTypesItem]
    adapted_from: None | str
    attribution: str
    counts: ToolkitCounts
    dimensions: list[ToolkitDimensionsItem]
    evidence_types: list[ToolkitEvidenceTypesItem]
    key: str
    licence: str
    licence_id: None | str
    name: str
    plugin: ToolkitPlugin
    publisher: str
    scales: list[ToolkitScalesItem]
    source_url: str
    stage_flow: str
    stages: list[ToolkitStagesItem]
    summary: str
    version: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        activity_types = []
        for activity_types_item_data in self.activity_types:
            activity_types_item = activity_types_item_data.to_dict()
            activity_types.append(activity_types_item)

        adapted_from: None | str
        adapted_from = self.adapted_from

        attribution = self.attribution

        counts = self.counts.to_dict()

        dimensions = []
        for dimensions_item_data in self.dimensions:
            dimensions_item = dimensions_item_data.to_dict()
            dimensions.append(dimensions_item)

        evidence_types = []
        for evidence_types_item_data in self.evidence_types:
            evidence_types_item = evidence_types_item_data.to_dict()
            evidence_types.append(evidence_types_item)

        key = self.key

        licence = self.licence

        licence_id: None | str
        licence_id = self.licence_id

        name = self.name

        plugin = self.plugin.to_dict()

        publisher = self.publisher

        scales = []
        for scales_item_data in self.scales:
            scales_item = scales_item_data.to_dict()
            scales.append(scales_item)

        source_url = self.source_url

        stage_flow = self.stage_flow

        stages = []
        for stages_item_data in self.stages:
            stages_item = stages_item_data.to_dict()
            stages.append(stages_item)

        summary = self.summary

        version = self.version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "activity_types": activity_types,
                "adapted_from": adapted_from,
                "attribution": attribution,
                "counts": counts,
                "dimensions": dimensions,
                "evidence_types": evidence_types,
                "key": key,
                "licence": licence,
                "licence_id": licence_id,
                "name": name,
                "plugin": plugin,
                "publisher": publisher,
                "scales": scales,
                "source_url": source_url,
                "stage_flow": stage_flow,
                "stages": stages,
                "summary": summary,
                "version": version,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.toolkit_activity_types_item import ToolkitActivityTypesItem  # noqa: PLC0415
        from ..models.toolkit_counts import ToolkitCounts  # noqa: PLC0415
        from ..models.toolkit_dimensions_item import ToolkitDimensionsItem  # noqa: PLC0415
        from ..models.toolkit_evidence_types_item import ToolkitEvidenceTypesItem  # noqa: PLC0415
        from ..models.toolkit_plugin import ToolkitPlugin  # noqa: PLC0415
        from ..models.toolkit_scales_item import ToolkitScalesItem  # noqa: PLC0415
        from ..models.toolkit_stages_item import ToolkitStagesItem  # noqa: PLC0415

        d = dict(src_dict)
        activity_types = []
        _activity_types = d.pop("activity_types")
        for activity_types_item_data in _activity_types:
            activity_types_item = ToolkitActivityTypesItem.from_dict(activity_types_item_data)

            activity_types.append(activity_types_item)

        def _parse_adapted_from(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        adapted_from = _parse_adapted_from(d.pop("adapted_from"))

        attribution = d.pop("attribution")

        counts = ToolkitCounts.from_dict(d.pop("counts"))

        dimensions = []
        _dimensions = d.pop("dimensions")
        for dimensions_item_data in _dimensions:
            dimensions_item = ToolkitDimensionsItem.from_dict(dimensions_item_data)

            dimensions.append(dimensions_item)

        evidence_types = []
        _evidence_types = d.pop("evidence_types")
        for evidence_types_item_data in _evidence_types:
            evidence_types_item = ToolkitEvidenceTypesItem.from_dict(evidence_types_item_data)

            evidence_types.append(evidence_types_item)

        key = d.pop("key")

        licence = d.pop("licence")

        def _parse_licence_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        licence_id = _parse_licence_id(d.pop("licence_id"))

        name = d.pop("name")

        plugin = ToolkitPlugin.from_dict(d.pop("plugin"))

        publisher = d.pop("publisher")

        scales = []
        _scales = d.pop("scales")
        for scales_item_data in _scales:
            scales_item = ToolkitScalesItem.from_dict(scales_item_data)

            scales.append(scales_item)

        source_url = d.pop("source_url")

        stage_flow = d.pop("stage_flow")

        stages = []
        _stages = d.pop("stages")
        for stages_item_data in _stages:
            stages_item = ToolkitStagesItem.from_dict(stages_item_data)

            stages.append(stages_item)

        summary = d.pop("summary")

        version = d.pop("version")

        toolkit = cls(
            activity_types=activity_types,
            adapted_from=adapted_from,
            attribution=attribution,
            counts=counts,
            dimensions=dimensions,
            evidence_types=evidence_types,
            key=key,
            licence=licence,
            licence_id=licence_id,
            name=name,
            plugin=plugin,
            publisher=publisher,
            scales=scales,
            source_url=source_url,
            stage_flow=stage_flow,
            stages=stages,
            summary=summary,
            version=version,
        )

        toolkit.additional_properties = d
        return toolkit

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
