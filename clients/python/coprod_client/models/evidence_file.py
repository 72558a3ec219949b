from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="EvidenceFile")


@_attrs_define
class EvidenceFile:
    """
    Attributes:
        content_type (str): Its media type, checked against its first bytes.
        name (str): The uploaded file's own name.
        sha256 (str): Hex SHA-256 of the bytes; the download's ETag.
        size (int): In bytes.
        uploaded_at (datetime.datetime):
        url (str): Where to download it (GET): a full URL, as every URL the API gives.
    """

    content_type: str
    name: str
    sha256: str
    size: int
    uploaded_at: datetime.datetime
    url: str

    def to_dict(self) -> dict[str, Any]:
        content_type = self.content_type

        name = self.name

        sha256 = self.sha256

        size = self.size

        uploaded_at = self.uploaded_at.isoformat()

        url = self.url

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "content_type": content_type,
                "name": name,
                "sha256": sha256,
                "size": size,
                "uploaded_at": uploaded_at,
                "url": url,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        content_type = d.pop("content_type")

        name = d.pop("name")

        sha256 = d.pop("sha256")

        size = d.pop("size")

        uploaded_at = datetime.datetime.fromisoformat(d.pop("uploaded_at"))

        url = d.pop("url")

        evidence_file = cls(
            content_type=content_type,
            name=name,
            sha256=sha256,
            size=size,
            uploaded_at=uploaded_at,
            url=url,
        )

        return evidence_file
