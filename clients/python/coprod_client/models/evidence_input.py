from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.evidence_input_consent import EvidenceInputConsent
from ..models.evidence_input_publication_consent import EvidenceInputPublicationConsent
from ..models.evidence_input_visibility import EvidenceInputVisibility
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.evidence_input_payload import EvidenceInputPayload


T = TypeVar("T", bound="EvidenceInput")


@_attrs_define
class EvidenceInput:
    """
    Attributes:
        evidence_type (str): The key of one of the toolkit's evidence types (GET /toolkits/{key}); its kind decides the
            payload's standard schema and whether it takes a file.
        payload (EvidenceInputPayload): What the evidence says, as an object fitting the type's JSON Schema (GET
            /toolkits/{key}/evidence-types/{evidence_type}/schema); stored as given. On PATCH it replaces the stored payload
            whole.
        activity_id (None | str | Unset): The activity of the same initiative it came from, if any.
        collected_on (datetime.date | None | Unset): The day it was gathered.
        consent (EvidenceInputConsent | Unset): Whether the person it came from agreed to its use: given, not_recorded
            or withdrawn. Withdrawn evidence is left out of every list and of the toolkits' rules, and its file is not given
            out; it can still be read and changed by its id. Default: EvidenceInputConsent.NOT_RECORDED.
        cycle (int | Unset): The round of the stages it was gathered in (cyclic toolkits); by default its activity's, or
            without one the initiative's current cycle.
        dimensions (list[str] | Unset): Keys of the toolkit's dimensions it speaks to.
        external_ref (None | str | Unset): Your own system's id for this record (for example a CRM id): unique where it
            is used, and a filter on lists.
        indicators (list[str] | Unset): Keys of the checklist indicators it speaks to; each one's dimension must be
            among the dimensions.
        participant_id (None | str | Unset): The first of participant_ids, or null when it came from nobody in
            particular: kept for clients that know one person per piece. Sent alone, it means participant_ids is [it] (null:
            []); sent with participant_ids, it must be their first (422 participants_disagree otherwise).
        participant_ids (list[str] | Unset): The participants of the same initiative it came from (whose words, voices
            or pictures it holds), in the order given, duplicates dropped; at most 100. An id that is not of this initiative
            is 422 at participant_ids/<index>. Its consent is the strictest of theirs: it is published only if every one
            agreed to publication, and when any one withdraws consent or is erased, so is it (withdrawn; erased empties it).
            Not sent: from participant_id, or none.
        publication_consent (EvidenceInputPublicationConsent | Unset): given, not_recorded or withdrawn: whether it may
            be published beyond your organisation (the network library), asked separately from consent to use. Given only
            with consent given; consent leaving given takes it along. Only public evidence with both, from a participant (if
            any) who agreed to publication too, ever leaves the organisation. Default:
            EvidenceInputPublicationConsent.NOT_RECORDED.
        stage (str | Unset): The stage it was gathered in: one the initiative has reached. By default the stage of its
            activity, or without one the initiative's current stage.
        visibility (EvidenceInputVisibility | Unset): Who may see it: private (the people running the initiative),
            organisation, or public (may be published; needs consent given, and not withdrawn by the linked participant).
            Default: EvidenceInputVisibility.ORGANISATION.
    """

    evidence_type: str
    payload: EvidenceInputPayload
    activity_id: None | str | Unset = UNSET
    collected_on: datetime.date | None | Unset = UNSET
    consent: EvidenceInputConsent | Unset = EvidenceInputConsent.NOT_RECORDED
    cycle: int | Unset = UNSET
    dimensions: list[str] | Unset = UNSET
    external_ref: None | str | Unset = UNSET
    indicators: list[str] | Unset = UNSET
    participant_id: None | str | Unset = UNSET
    participant_ids: list[str] | Unset = UNSET
    publication_consent: EvidenceInputPublicationConsent | Unset = EvidenceInputPublicationConsent.NOT_RECORDED
    stage: str | Unset = UNSET
    visibility: EvidenceInputVisibility | Unset = EvidenceInputVisibility.ORGANISATION

    def to_dict(self) -> dict[str, Any]:
        evidence_type = self.evidence_type

        payload = self.payload.to_dict()

        activity_id: None | str | Unset
        if isinstance(self.activity_id, Unset):
            activity_id = UNSET
        else:
            activity_id = self.activity_id

        collected_on: None | str | Unset
        if isinstance(self.collected_on, Unset):
            collected_on = UNSET
        elif isinstance(self.collected_on, datetime.date):
            collected_on = self.collected_on.isoformat()
        else:
            collected_on = self.collected_on

        consent: str | Unset = UNSET
        if not isinstance(self.consent, Unset):
            consent = self.consent.value

        cycle = self.cycle

        dimensions: list[str] | Unset = UNSET
        if not isinstance(self.dimensions, Unset):
            dimensions = self.dimensions

        external_ref: None | str | Unset
        if isinstance(self.external_ref, Unset):
            external_ref = UNSET
        else:
            external_ref = self.external_ref

        indicators: list[str] | Unset = UNSET
        if not isinstance(self.indicators, Unset):
            indicators = self.indicators

        participant_id: None | str | Unset
        if isinstance(self.participant_id, Unset):
            participant_id = UNSET
        else:
            participant_id = self.participant_id

        participant_ids: list[str] | Unset = UNSET
        if not isinstance(self.participant_ids, Unset):
            participant_ids = self.participant_ids

        publication_consent: str | Unset = UNSET
        if not isinstance(self.publication_consent, Unset):
            publication_consent = self.publication_consent.value

        stage = self.stage

        visibility: str | Unset = UNSET
        if not isinstance(self.visibility, Unset):
            visibility = self.visibility.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "evidence_type": evidence_type,
                "payload": payload,
            }
        )
        if activity_id is not UNSET:
            field_dict["activity_id"] = activity_id
        if collected_on is not UNSET:
            field_dict["collected_on"] = collected_on
        if consent is not UNSET:
            field_dict["consent"] = consent
        if cycle is not UNSET:
            field_dict["cycle"] = cycle
        if dimensions is not UNSET:
            field_dict["dimensions"] = dimensions
        if external_ref is not UNSET:
            field_dict["external_ref"] = external_ref
        if indicators is not UNSET:
            field_dict["indicators"] = indicators
        if participant_id is not UNSET:
            field_dict["participant_id"] = participant_id
        if participant_ids is not UNSET:
            field_dict["participant_ids"] = participant_ids
        if publication_consent is not UNSET:
            field_dict["publication_consent"] = publication_consent
        if stage is not UNSET:
            field_dict["stage"] = stage
        if visibility is not UNSET:
            field_dict["visibility"] = visibility

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.evidence_input_payload import EvidenceInputPayload  # noqa: PLC0415

        d = dict(src_dict)
        evidence_type = d.pop("evidence_type")

        payload = EvidenceInputPayload.from_dict(d.pop("payload"))

        def _parse_activity_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        activity_id = _parse_activity_id(d.pop("activity_id", UNSET))

        def _parse_collected_on(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                collected_on_type_0 = datetime.date.fromisoformat(data)

                return collected_on_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        collected_on = _parse_collected_on(d.pop("collected_on", UNSET))

        _consent = d.pop("consent", UNSET)
        consent: EvidenceInputConsent | Unset
        if isinstance(_consent, Unset):
            consent = UNSET
        else:
            consent = EvidenceInputConsent(_consent)

        cycle = d.pop("cycle", UNSET)

        dimensions = cast(list[str], d.pop("dimensions", UNSET))

        def _parse_external_ref(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        external_ref = _parse_external_ref(d.pop("external_ref", UNSET))

        indicators = cast(list[str], d.pop("indicators", UNSET))

        def _parse_participant_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        participant_id = _parse_participant_id(d.pop("participant_id", UNSET))

        participant_ids = cast(list[str], d.pop("participant_ids", UNSET))

        _publication_consent = d.pop("publication_consent", UNSET)
        publication_consent: EvidenceInputPublicationConsent | Unset
        if isinstance(_publication_consent, Unset):
            publication_consent = UNSET
        else:
            publication_consent = EvidenceInputPublicationConsent(_publication_consent)

        stage = d.pop("stage", UNSET)

        _visibility = d.pop("visibility", UNSET)
        visibility: EvidenceInputVisibility | Unset
        if isinstance(_visibility, Unset):
            visibility = UNSET
        else:
            visibility = EvidenceInputVisibility(_visibility)

        evidence_input = cls(
            evidence_type=evidence_type,
            payload=payload,
            activity_id=activity_id,
            collected_on=collected_on,
            consent=consent,
            cycle=cycle,
            dimensions=dimensions,
            external_ref=external_ref,
            indicators=indicators,
            participant_id=participant_id,
            participant_ids=participant_ids,
            publication_consent=publication_consent,
            stage=stage,
            visibility=visibility,
        )

        return evidence_input
