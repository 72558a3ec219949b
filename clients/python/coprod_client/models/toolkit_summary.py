from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.toolkit_summary_counts import ToolkitSummaryCounts
    from ..models.toolkit_summary_plugin import ToolkitSummaryPlugin


T = TypeVar("T", bound="ToolkitSummary")


@_attrs_define
class ToolkitSummary:
    """
    Attributes:
        adapted_from (None | str): What the toolkit was adapted from, and how (as CC BY asks).
        attribution (str):
        counts (ToolkitSummaryCounts):
        key (str):
        licence (str):
        licence_id (None | str): The licence's SPDX identifier, such as CC-BY-4.0.
        name (str):
        plugin (ToolkitSummaryPlugin):
        publisher (str):
        source_url (str):
        stage_flow (str):
        summary (str):
        version (str):
    """

    adapted_from: None | str
    attribution: str
    counts: ToolkitSummaryCounts
    key: str
    licence: str
    licence_id: None | str
    name: str
    plugin: ToolkitSummaryPlugin
    publisher: str
    source_url: str
    stage_flow: str
    summary: str
    version: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        adapted_from: None | str
        adapted_from = self.adapted_from

        attribution = self.attribution

        counts = self.counts.to_dict()

        key = self.key

        licence = self.licence

        licence_id: None | str
        licence_id = self.licence_id

        name = self.name

        plugin = self.plugin.to_dict()

        publisher = self.publisher

        source_url = self.source_url

        stage_flow = self.stage_flow

        summary = self.summary

        version = self.version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "adapted_from": adapted_from,
                "attribution": attribution,
                "counts": counts,
                "key": key,
                "licence": licence,
                "licence_id": licence_id,
                "name": name,
                "plugin": plugin,
                "publisher": publisher,
                "source_url": source_url,
                "stage_flow": stage_flow,
                "summary": summary,
                "version": version,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.toolkit_summary_counts import ToolkitSummaryCounts  # noqa: PLC0415
        from ..models.toolkit_summary_plugin import ToolkitSummaryPlugin  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_adapted_from(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        adapted_from = _parse_adapted_from(d.pop("adapted_from"))

        attribution = d.pop("attribution")

        counts = ToolkitSummaryCounts.from_dict(d.pop("counts"))

        key = d.pop("key")

        licence = d.pop("licence")

        def _parse_licence_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        licence_id = _parse_licence_id(d.pop("licence_id"))

        name = d.pop("name")

        plugin = ToolkitSummaryPlugin.from_dict(d.pop("plugin"))

        publisher = d.pop("publisher")

        source_url = d.pop("source_url")

        stage_flow = d.pop("stage_flow")

        summary = d.pop("summary")

        version = d.pop("version")

        toolkit_summary = cls(
            adapted_from=adapted_from,
            attribution=attribution,
            counts=counts,
            key=key,
            licence=licence,
            licence_id=licence_id,
            name=name,
            plugin=plugin,
            publisher=publisher,
            source_url=source_url,
            stage_flow=stage_flow,
            summary=summary,
            version=version,
        )

        toolkit_summary.additional_properties = d
        return toolkit_summary

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
