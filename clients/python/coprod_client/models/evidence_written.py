from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.evidence_written_consent import EvidenceWrittenConsent
from ..models.evidence_written_publication_consent import EvidenceWrittenPublicationConsent
from ..models.evidence_written_visibility import EvidenceWrittenVisibility
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.advice import Advice
    from ..models.evidence_file import EvidenceFile
    from ..models.evidence_written_file_type_1_type_0 import EvidenceWrittenFileType1Type0
    from ..models.evidence_written_payload import EvidenceWrittenPayload


T = TypeVar("T", bound="EvidenceWritten")


@_attrs_define
class EvidenceWritten:
    """
    Attributes:
        activity_id (None | str): The activity of the same initiative it came from, if any.
        collected_on (datetime.date | None): The day it was gathered.
        consent (EvidenceWrittenConsent): Whether the person it came from agreed to its use: given, not_recorded or
            withdrawn. Withdrawn evidence is left out of every list and of the toolkits' rules, and its file is not given
            out; it can still be read and changed by its id. Default: EvidenceWrittenConsent.NOT_RECORDED.
        created_at (datetime.datetime):
        cycle (int): The round of the stages it was gathered in (cyclic toolkits); by default its activity's, or without
            one the initiative's current cycle.
        dimensions (list[str]): Keys of the toolkit's dimensions it speaks to.
        erased_at (datetime.datetime | None): When this evidence was erased with its participant (its payload emptied
            and its file deleted); null unless it was.
        evidence_type (str): The key of one of the toolkit's evidence types (GET /toolkits/{key}); its kind decides the
            payload's standard schema and whether it takes a file.
        expects_file (bool): Whether its type takes a file (a recording, photo, video or document): true and file null
            means the file is still to come.
        external_ref (None | str): Your own system's id for this record (for example a CRM id): unique where it is used,
            and a filter on lists.
        file (EvidenceFile | EvidenceWrittenFileType1Type0 | None): The uploaded file, or null (PUT .../file uploads
            one).
        id (str): Opaque id: a type prefix and 26 characters; sorts by creation.
        indicators (list[str]): Keys of the checklist indicators it speaks to; each one's dimension must be among the
            dimensions.
        initiative_id (str):
        participant_id (None | str): The first of participant_ids, or null when it came from nobody in particular: kept
            for clients that know one person per piece. Sent alone, it means participant_ids is [it] (null: []); sent with
            participant_ids, it must be their first (422 participants_disagree otherwise).
        participant_ids (list[str]): The participants of the same initiative it came from (whose words, voices or
            pictures it holds), in the order given, duplicates dropped; at most 100. An id that is not of this initiative is
            422 at participant_ids/<index>. Its consent is the strictest of theirs: it is published only if every one agreed
            to publication, and when any one withdraws consent or is erased, so is it (withdrawn; erased empties it). Not
            sent: from participant_id, or none.
        payload (EvidenceWrittenPayload): What the evidence says, as an object fitting the type's JSON Schema (GET
            /toolkits/{key}/evidence-types/{evidence_type}/schema); stored as given. On PATCH it replaces the stored payload
            whole.
        publication_consent (EvidenceWrittenPublicationConsent): given, not_recorded or withdrawn: whether it may be
            published beyond your organisation (the network library), asked separately from consent to use. Given only with
            consent given; consent leaving given takes it along. Only public evidence with both, from a participant (if any)
            who agreed to publication too, ever leaves the organisation. Default:
            EvidenceWrittenPublicationConsent.NOT_RECORDED.
        stage (str): The stage it was gathered in: one the initiative has reached. By default the stage of its activity,
            or without one the initiative's current stage.
        updated_at (datetime.datetime):
        version (int): Rises with every change; the ETag is built from it.
        visibility (EvidenceWrittenVisibility): Who may see it: private (the people running the initiative),
            organisation, or public (may be published; needs consent given, and not withdrawn by the linked participant).
            Default: EvidenceWrittenVisibility.ORGANISATION.
        advice (list[Advice] | Unset): Notes from the toolkit on the evidence as written, only when there is something
            to say: its type, when the type of the activity it came from suggests others (code
            evidence_type_not_for_activity_type). Advice never refuses a write.
    """

    activity_id: None | str
    collected_on: datetime.date | None
    created_at: datetime.datetime
    cycle: int
    dimensions: list[str]
    erased_at: datetime.datetime | None
    evidence_type: str
    expects_file: bool
    external_ref: None | str
    file: EvidenceFile | EvidenceWrittenFileType1Type0 | None
    id: str
    indicators: list[str]
    initiative_id: str
    participant_id: None | str
    participant_ids: list[str]
    payload: EvidenceWrittenPayload
    stage: str
    updated_at: datetime.datetime
    version: int
    consent: EvidenceWrittenConsent = EvidenceWrittenConsent.NOT_RECORDED
    publication_consent: EvidenceWrittenPublicationConsent = EvidenceWrittenPublicationConsent.NOT_RECORDED
    visibility: EvidenceWrittenVisibility = EvidenceWrittenVisibility.ORGANISATION
    advice: list[Advice] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.evidence_file import EvidenceFile  # noqa: PLC0415
        from ..models.evidence_written_file_type_1_type_0 import EvidenceWrittenFileType1Type0  # noqa: PLC0415

        activity_id: None | str
        activity_id = self.activity_id

        collected_on: None | str
        if isinstance(self.collected_on, datetime.date):
            collected_on = self.collected_on.isoformat()
        else:
            collected_on = self.collected_on

        consent = self.consent.value

        created_at = self.created_at.isoformat()

        cycle = self.cycle

        dimensions = self.dimensions

        erased_at: None | str
        if isinstance(self.erased_at, datetime.datetime):
            erased_at = self.erased_at.isoformat()
        else:
            erased_at = self.erased_at

        evidence_type = self.evidence_type

        expects_file = self.expects_file

        external_ref: None | str
        external_ref = self.external_ref

        file: dict[str, Any] | None
        if isinstance(self.file, EvidenceFile):
            file = self.file.to_dict()
        elif isinstance(self.file, EvidenceWrittenFileType1Type0):
            file = self.file.to_dict()
        else:
            file = self.file

        id = self.id

        indicators = self.indicators

        initiative_id = self.initiative_id

        participant_id: None | str
        participant_id = self.participant_id

        participant_ids = self.participant_ids

        payload = self.payload.to_dict()

        publication_consent = self.publication_consent.value

        stage = self.stage

        updated_at = self.updated_at.isoformat()

        version = self.version

        visibility = self.visibility.value

        advice: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.advice, Unset):
            advice = []
            for advice_item_data in self.advice:
                advice_item = advice_item_data.to_dict()
                advice.append(advice_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "activity_id": activity_id,
                "collected_on": collected_on,
                "consent": consent,
                "created_at": created_at,
                "cycle": cycle,
                "dimensions": dimensions,
                "erased_at": erased_at,
                "evidence_type": evidence_type,
                "expects_file": expects_file,
                "external_ref": external_ref,
                "file": file,
                "id": id,
                "indicators": indicators,
                "initiative_id": initiative_id,
                "participant_id": participant_id,
                "participant_ids": participant_ids,
                "payload": payload,
                "publication_consent": publication_consent,
                "stage": stage,
                "updated_at": updated_at,
                "version": version,
                "visibility": visibility,
            }
        )
        if advice is not UNSET:
            field_dict["advice"] = advice

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.advice import Advice  # noqa: PLC0415
        from ..models.evidence_file import EvidenceFile  # noqa: PLC0415
        from ..models.evidence_written_file_type_1_type_0 import EvidenceWrittenFileType1Type0  # noqa: PLC0415
        from ..models.evidence_written_payload import EvidenceWrittenPayload  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_activity_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        activity_id = _parse_activity_id(d.pop("activity_id"))

        def _parse_collected_on(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                collected_on_type_0 = datetime.date.fromisoformat(data)

                return collected_on_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        collected_on = _parse_collected_on(d.pop("collected_on"))

        consent = EvidenceWrittenConsent(d.pop("consent"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        cycle = d.pop("cycle")

        dimensions = cast(list[str], d.pop("dimensions"))

        def _parse_erased_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                erased_at_type_0 = datetime.datetime.fromisoformat(data)

                return erased_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        erased_at = _parse_erased_at(d.pop("erased_at"))

        evidence_type = d.pop("evidence_type")

        expects_file = d.pop("expects_file")

        def _parse_external_ref(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        external_ref = _parse_external_ref(d.pop("external_ref"))

        def _parse_file(data: object) -> EvidenceFile | EvidenceWrittenFileType1Type0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                file_type_0 = EvidenceFile.from_dict(data)

                return file_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                file_type_1_type_0 = EvidenceWrittenFileType1Type0.from_dict(data)

                return file_type_1_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(EvidenceFile | EvidenceWrittenFileType1Type0 | None, data)

        file = _parse_file(d.pop("file"))

        id = d.pop("id")

        indicators = cast(list[str], d.pop("indicators"))

        initiative_id = d.pop("initiative_id")

        def _parse_participant_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        participant_id = _parse_participant_id(d.pop("participant_id"))

        participant_ids = cast(list[str], d.pop("participant_ids"))

        payload = EvidenceWrittenPayload.from_dict(d.pop("payload"))

        publication_consent = EvidenceWrittenPublicationConsent(d.pop("publication_consent"))

        stage = d.pop("stage")

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        version = d.pop("version")

        visibility = EvidenceWrittenVisibility(d.pop("visibility"))

        _advice = d.pop("advice", UNSET)
        advice: list[Advice] | Unset = UNSET
        if _advice is not UNSET:
            advice = []
            for advice_item_data in _advice:
                advice_item = Advice.from_dict(advice_item_data)

                advice.append(advice_item)

        evidence_written = cls(
            activity_id=activity_id,
            collected_on=collected_on,
            consent=consent,
            created_at=created_at,
            cycle=cycle,
            dimensions=dimensions,
            erased_at=erased_at,
            evidence_type=evidence_type,
            expects_file=expects_file,
            external_ref=external_ref,
            file=file,
            id=id,
            indicators=indicators,
            initiative_id=initiative_id,
            participant_id=participant_id,
            participant_ids=participant_ids,
            payload=payload,
            publication_consent=publication_consent,
            stage=stage,
            updated_at=updated_at,
            version=version,
            visibility=visibility,
            advice=advice,
        )

        return evidence_written
