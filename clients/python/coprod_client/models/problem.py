from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.field_error import FieldError
    from ..models.problem_blocker import ProblemBlocker


T = TypeVar("T", bound="Problem")


@_attrs_define
class Problem:
    """
    Attributes:
        accepted (list[str] | Unset): only in problems with code unsupported_media_type
        blockers (list[ProblemBlocker] | Unset): only in problems with code transition_refused
        code (str | Unset): stable, machine-readable Example: not_found.
        current_etag (str | Unset): only in problems with code stale_etag and record_exists
        declared (None | str | Unset): only in problems with code unsupported_media_type
        detail (str | Unset):
        differs (bool | Unset): only in problems with code external_ref_taken (whether the values sent differ from the
            existing record's; on initiatives, participants, activities and evidence)
        error (str | Unset): only in problems with code invalid_request, invalid_client, invalid_scope,
            unauthorized_client, unsupported_grant_type and insecure_transport, from the token endpoint (RFC 6749 section
            5.2; the same as code)
        error_description (str | Unset): only in problems with code those of the token endpoint (as detail)
        errors (list[FieldError] | Unset):
        evidence_type (str | Unset): only in problems with code file_not_expected
        existing_etag (str | Unset): only in problems with code external_ref_taken (the existing record's ETag)
        existing_id (str | Unset): only in problems with code external_ref_taken and record_exists (Location gives its
            URL)
        instance (str | Unset): the path of the request
        max_bytes (int | Unset): only in problems with code file_too_large, body_too_large and part_too_large
        max_parts (int | Unset): only in problems with code too_many_parts
        required_scope (str | Unset): only in problems with code missing_scope
        retry_after (int | Unset): only in problems with code rate_limited (seconds, as in Retry-After)
        status (int | Unset):  Example: 404.
        title (str | Unset):  Example: Not Found.
        to_stage (str | Unset): only in problems with code transition_refused
        type_ (str | Unset):  Example: about:blank.
    """

    accepted: list[str] | Unset = UNSET
    blockers: list[ProblemBlocker] | Unset = UNSET
    code: str | Unset = UNSET
    current_etag: str | Unset = UNSET
    declared: None | str | Unset = UNSET
    detail: str | Unset = UNSET
    differs: bool | Unset = UNSET
    error: str | Unset = UNSET
    error_description: str | Unset = UNSET
    errors: list[FieldError] | Unset = UNSET
    evidence_type: str | Unset = UNSET
    existing_etag: str | Unset = UNSET
    existing_id: str | Unset = UNSET
    instance: str | Unset = UNSET
    max_bytes: int | Unset = UNSET
    max_parts: int | Unset = UNSET
    required_scope: str | Unset = UNSET
    retry_after: int | Unset = UNSET
    status: int | Unset = UNSET
    title: str | Unset = UNSET
    to_stage: str | Unset = UNSET
    type_: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        accepted: list[str] | Unset = UNSET
        if not isinstance(self.accepted, Unset):
            accepted = self.accepted

        blockers: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.blockers, Unset):
            blockers = []
            for blockers_item_data in self.blockers:
                blockers_item = blockers_item_data.to_dict()
                blockers.append(blockers_item)

        code = self.code

        current_etag = self.current_etag

        declared: None | str | Unset
        if isinstance(self.declared, Unset):
            declared = UNSET
        else:
            declared = self.declared

        detail = self.detail

        differs = self.differs

        error = self.error

        error_description = self.error_description

        errors: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.errors, Unset):
            errors = []
            for errors_item_data in self.errors:
                errors_item = errors_item_data.to_dict()
                errors.append(errors_item)

        evidence_type = self.evidence_type

        existing_etag = self.existing_etag

        existing_id = self.existing_id

        instance = self.instance

        max_bytes = self.max_bytes

        max_parts = self.max_parts

        required_scope = self.required_scope

        retry_after = self.retry_after

        status = self.status

        title = self.title

        to_stage = self.to_stage

        type_ = self.type_

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if accepted is not UNSET:
            field_dict["accepted"] = accepted
        if blockers is not UNSET:
            field_dict["blockers"] = blockers
        if code is not UNSET:
            field_dict["code"] = code
        if current_etag is not UNSET:
            field_dict["current_etag"] = current_etag
        if declared is not UNSET:
            field_dict["declared"] = declared
        if detail is not UNSET:
            field_dict["detail"] = detail
        if differs is not UNSET:
            field_dict["differs"] = differs
        if error is not UNSET:
            field_dict["error"] = error
        if error_description is not UNSET:
            field_dict["error_description"] = error_description
        if errors is not UNSET:
            field_dict["errors"] = errors
        if evidence_type is not UNSET:
            field_dict["evidence_type"] = evidence_type
        if existing_etag is not UNSET:
            field_dict["existing_etag"] = existing_etag
        if existing_id is not UNSET:
            field_dict["existing_id"] = existing_id
        if instance is not UNSET:
            field_dict["instance"] = instance
        if max_bytes is not UNSET:
            field_dict["max_bytes"] = max_bytes
        if max_parts is not UNSET:
            field_dict["max_parts"] = max_parts
        if required_scope is not UNSET:
            field_dict["required_scope"] = required_scope
        if retry_after is not UNSET:
            field_dict["retry_after"] = retry_after
        if status is not UNSET:
            field_dict["status"] = status
        if title is not UNSET:
            field_dict["title"] = title
        if to_stage is not UNSET:
            field_dict["to_stage"] = to_stage
        if type_ is not UNSET:
            field_dict["type"] = type_

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.field_error import FieldError  # noqa: PLC0415
        from ..models.problem_blocker import ProblemBlocker  # noqa: PLC0415

        d = dict(src_dict)
        accepted = cast(list[str], d.pop("accepted", UNSET))

        _blockers = d.pop("blockers", UNSET)
        blockers: list[ProblemBlocker] | Unset = UNSET
        if _blockers is not UNSET:
            blockers = []
            for blockers_item_data in _blockers:
                blockers_item = ProblemBlocker.from_dict(blockers_item_data)

                blockers.append(blockers_item)

        code = d.pop("code", UNSET)

        current_etag = d.pop("current_etag", UNSET)

        def _parse_declared(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        declared = _parse_declared(d.pop("declared", UNSET))

        detail = d.pop("detail", UNSET)

        differs = d.pop("differs", UNSET)

        error = d.pop("error", UNSET)

        error_description = d.pop("error_description", UNSET)

        _errors = d.pop("errors", UNSET)
        errors: list[FieldError] | Unset = UNSET
        if _errors is not UNSET:
            errors = []
            for errors_item_data in _errors:
                errors_item = FieldError.from_dict(errors_item_data)

                errors.append(errors_item)

        evidence_type = d.pop("evidence_type", UNSET)

        existing_etag = d.pop("existing_etag", UNSET)

        existing_id = d.pop("existing_id", UNSET)

        instance = d.pop("instance", UNSET)

        max_bytes = d.pop("max_bytes", UNSET)

        max_parts = d.pop("max_parts", UNSET)

        required_scope = d.pop("required_scope", UNSET)

        retry_after = d.pop("retry_after", UNSET)

        status = d.pop("status", UNSET)

        title = d.pop("title", UNSET)

        to_stage = d.pop("to_stage", UNSET)

        type_ = d.pop("type", UNSET)

        problem = cls(
            accepted=accepted,
            blockers=blockers,
            code=code,
            current_etag=current_etag,
            declared=declared,
            detail=detail,
            differs=differs,
            error=error,
            error_description=error_description,
            errors=errors,
            evidence_type=evidence_type,
            existing_etag=existing_etag,
            existing_id=existing_id,
            instance=instance,
            max_bytes=max_bytes,
            max_parts=max_parts,
            required_scope=required_scope,
            retry_after=retry_after,
            status=status,
            title=title,
            to_stage=to_stage,
            type_=type_,
        )

        return problem
