from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.toolkit_stage_flow import ToolkitStageFlow

if TYPE_CHECKING:
    from ..models.activity_type import ActivityType
    from ..models.dimension import Dimension
    from ..models.evidence_type import EvidenceType
    from ..models.participant_role import ParticipantRole
    from ..models.providing_plugin import ProvidingPlugin
    from ..models.scale import Scale
    from ..models.stage import Stage
    from ..models.toolkit_counts import ToolkitCounts


T = TypeVar("T", bound="Toolkit")


@_attrs_define
class Toolkit:
    """
    Attributes:
        activity_types (list[ActivityType]): The kinds of activity it expects.
        adapted_from (None | str): What the toolkit was adapted from, and how (as CC BY asks).
        allows_new_rounds (bool): Whether an initiative at the last stage may start a new round at the first (POST
            .../transitions with new_round true), keeping earlier rounds.
        attribution (str): The attribution the licence asks for, to show with the content.
        counts (ToolkitCounts):
        dimensions (list[Dimension]): What assessments rate and evidence speaks to.
        evidence_types (list[EvidenceType]): The kinds of evidence it takes.
        key (str): The toolkit's key: what an initiative's toolkit field names.
        licence (str): The licence of the toolkit's content, in words.
        licence_id (None | str): The licence's SPDX identifier, such as CC-BY-4.0.
        name (str): Its name, for people.
        plugin (ProvidingPlugin):
        publisher (str): Who publishes the toolkit the definition follows.
        roles (list[ParticipantRole]): The roles participants can have, described: the same for every toolkit, and what
            its rules and assessments count by.
        scales (list[Scale]): The scales assessments rate dimensions on.
        source_url (str): Where the published toolkit can be read (a full URL).
        stage_flow (ToolkitStageFlow): How an initiative moves between its stages: sequential: forward one stage at a
            time; no going back; revisitable: forward one stage at a time; back to any stage already reached; cyclic:
            forward one stage at a time; after the last, a new cycle begins; iterative: forward one stage at a time; back to
            any earlier stage of the round; after the last, a new round begins.
        stages (list[Stage]): Its stages, in order.
        summary (str): What the toolkit is for, in a sentence or two.
        version (str): The version of its definition; an initiative is pinned to the version it started with.
    """

    activity_types: list[ActivityType]
    adapted_from: None | str
    allows_new_rounds: bool
    attribution: str
    counts: ToolkitCounts
    dimensions: list[Dimension]
    evidence_types: list[EvidenceType]
    key: str
    licence: str
    licence_id: None | str
    name: str
    plugin: ProvidingPlugin
    publisher: str
    roles: list[ParticipantRole]
    scales: list[Scale]
    source_url: str
    stage_flow: ToolkitStageFlow
    stages: list[Stage]
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

        allows_new_rounds = self.allows_new_rounds

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

        roles = []
        for roles_item_data in self.roles:
            roles_item = roles_item_data.to_dict()
            roles.append(roles_item)

        scales = []
        for scales_item_data in self.scales:
            scales_item = scales_item_data.to_dict()
            scales.append(scales_item)

        source_url = self.source_url

        stage_flow = self.stage_flow.value

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
                "allows_new_rounds": allows_new_rounds,
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
                "roles": roles,
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
        from ..models.activity_type import ActivityType  # noqa: PLC0415
        from ..models.dimension import Dimension  # noqa: PLC0415
        from ..models.evidence_type import EvidenceType  # noqa: PLC0415
        from ..models.participant_role import ParticipantRole  # noqa: PLC0415
        from ..models.providing_plugin import ProvidingPlugin  # noqa: PLC0415
        from ..models.scale import Scale  # noqa: PLC0415
        from ..models.stage import Stage  # noqa: PLC0415
        from ..models.toolkit_counts import ToolkitCounts  # noqa: PLC0415

        d = dict(src_dict)
        activity_types = []
        _activity_types = d.pop("activity_types")
        for activity_types_item_data in _activity_types:
            activity_types_item = ActivityType.from_dict(activity_types_item_data)

            activity_types.append(activity_types_item)

        def _parse_adapted_from(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        adapted_from = _parse_adapted_from(d.pop("adapted_from"))

        allows_new_rounds = d.pop("allows_new_rounds")

        attribution = d.pop("attribution")

        counts = ToolkitCounts.from_dict(d.pop("counts"))

        dimensions = []
        _dimensions = d.pop("dimensions")
        for dimensions_item_data in _dimensions:
            dimensions_item = Dimension.from_dict(dimensions_item_data)

            dimensions.append(dimensions_item)

        evidence_types = []
        _evidence_types = d.pop("evidence_types")
        for evidence_types_item_data in _evidence_types:
            evidence_types_item = EvidenceType.from_dict(evidence_types_item_data)

            evidence_types.append(evidence_types_item)

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

        roles = []
        _roles = d.pop("roles")
        for roles_item_data in _roles:
            roles_item = ParticipantRole.from_dict(roles_item_data)

            roles.append(roles_item)

        scales = []
        _scales = d.pop("scales")
        for scales_item_data in _scales:
            scales_item = Scale.from_dict(scales_item_data)

            scales.append(scales_item)

        source_url = d.pop("source_url")

        stage_flow = ToolkitStageFlow(d.pop("stage_flow"))

        stages = []
        _stages = d.pop("stages")
        for stages_item_data in _stages:
            stages_item = Stage.from_dict(stages_item_data)

            stages.append(stages_item)

        summary = d.pop("summary")

        version = d.pop("version")

        toolkit = cls(
            activity_types=activity_types,
            adapted_from=adapted_from,
            allows_new_rounds=allows_new_rounds,
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
            roles=roles,
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
