from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.toolkit_summary_stage_flow import ToolkitSummaryStageFlow

if TYPE_CHECKING:
    from ..models.providing_plugin import ProvidingPlugin
    from ..models.toolkit_counts import ToolkitCounts


T = TypeVar("T", bound="ToolkitSummary")


@_attrs_define
class ToolkitSummary:
    """
    Attributes:
        adapted_from (None | str): What the toolkit was adapted from, and how (as CC BY asks).
        allows_new_rounds (bool): Whether an initiative at the last stage may start a new round at the first (POST
            .../transitions with new_round true), keeping earlier rounds.
        attribution (str): The attribution the licence asks for, to show with the content.
        counts (ToolkitCounts):
        key (str): The toolkit's key: what an initiative's toolkit field names.
        licence (str): The licence of the toolkit's content, in words.
        licence_id (None | str): The licence's SPDX identifier, such as CC-BY-4.0.
        name (str): Its name, for people.
        plugin (ProvidingPlugin):
        publisher (str): Who publishes the toolkit the definition follows.
        source_url (str): Where the published toolkit can be read (a full URL).
        stage_flow (ToolkitSummaryStageFlow): How an initiative moves between its stages: sequential: forward one stage
            at a time; no going back; revisitable: forward one stage at a time; back to any stage already reached; cyclic:
            forward one stage at a time; after the last, a new cycle begins; iterative: forward one stage at a time; back to
            any earlier stage of the round; after the last, a new round begins.
        summary (str): What the toolkit is for, in a sentence or two.
        version (str): The version of its definition; an initiative is pinned to the version it started with.
    """

    adapted_from: None | str
    allows_new_rounds: bool
    attribution: str
    counts: ToolkitCounts
    key: str
    licence: str
    licence_id: None | str
    name: str
    plugin: ProvidingPlugin
    publisher: str
    source_url: str
    stage_flow: ToolkitSummaryStageFlow
    summary: str
    version: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        adapted_from: None | str
        adapted_from = self.adapted_from

        allows_new_rounds = self.allows_new_rounds

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

        stage_flow = self.stage_flow.value

        summary = self.summary

        version = self.version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "adapted_from": adapted_from,
                "allows_new_rounds": allows_new_rounds,
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
        from ..models.providing_plugin import ProvidingPlugin  # noqa: PLC0415
        from ..models.toolkit_counts import ToolkitCounts  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_adapted_from(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        adapted_from = _parse_adapted_from(d.pop("adapted_from"))

        allows_new_rounds = d.pop("allows_new_rounds")

        attribution = d.pop("attribution")

        counts = ToolkitCounts.from_dict(d.pop("counts"))

        key = d.pop("key")

        licence = d.pop("licence")

        def _parse_licence_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        licence_id = _parse_licence_id(d.pop("licence_id"))

        name = d.pop("name")

        plugin = ProvidingPlugin.from_dict(d.pop("plugin"))

        publisher = d.pop("publisher")

        source_url = d.pop("source_url")

        stage_flow = ToolkitSummaryStageFlow(d.pop("stage_flow"))

        summary = d.pop("summary")

        version = d.pop("version")

        toolkit_summary = cls(
            adapted_from=adapted_from,
            allows_new_rounds=allows_new_rounds,
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
