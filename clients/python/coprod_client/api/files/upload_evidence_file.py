from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.evidence import Evidence
from ...models.file_upload import FileUpload
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    evidence_id: str,
    *,
    body: FileUpload,
    if_match: str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(if_match, Unset):
        headers["If-Match"] = if_match

    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/api/v1/evidence/{evidence_id}/file".format(
            evidence_id=quote(str(evidence_id), safe=""),
        ),
    }

    _kwargs["files"] = body.to_multipart()

    headers["Content-Type"] = "multipart/form-data; boundary=+++"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Evidence | Problem | None:
    if response.status_code == 200:
        response_200 = Evidence.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())

        return response_409

    if response.status_code == 412:
        response_412 = Problem.from_dict(response.json())

        return response_412

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())

        return response_413

    if response.status_code == 414:
        response_414 = Problem.from_dict(response.json())

        return response_414

    if response.status_code == 415:
        response_415 = Problem.from_dict(response.json())

        return response_415

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())

        return response_429

    if response.status_code == 431:
        response_431 = Problem.from_dict(response.json())

        return response_431

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Evidence | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    evidence_id: str,
    *,
    client: AuthenticatedClient,
    body: FileUpload,
    if_match: str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[Evidence | Problem]:
    """Upload the file of a recording, photo, video or document, replacing any it had.

     Send multipart/form-data with the file in the part named file, its Content-Type the
    file's media type. The type must be one the evidence's kind takes and the file's first
    bytes must be of that type (415 otherwise); past the size limit it is refused with 413.
    Evidence whose type takes no file answers 409 (code file_not_expected). Nothing is
    stored when the upload is refused. Answers the evidence with its new ETag.

    Other requests are not held up while the bytes arrive: they are checked before and
    recorded after. If meanwhile another request changes the evidence (409
    write_conflict, or 412 with If-Match) or closes its initiative (409), the upload is
    refused and nothing is stored.

    Needs an API key or OAuth2 token with scope `records:write`.

    Args:
        evidence_id (str):
        if_match (str | Unset):
        idempotency_key (str | Unset):
        body (FileUpload):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Evidence | Problem]
    """

    kwargs = _get_kwargs(
        evidence_id=evidence_id,
        body=body,
        if_match=if_match,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    evidence_id: str,
    *,
    client: AuthenticatedClient,
    body: FileUpload,
    if_match: str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Evidence:
    """Upload the file of a recording, photo, video or document, replacing any it had.

     Send multipart/form-data with the file in the part named file, its Content-Type the
    file's media type. The type must be one the evidence's kind takes and the file's first
    bytes must be of that type (415 otherwise); past the size limit it is refused with 413.
    Evidence whose type takes no file answers 409 (code file_not_expected). Nothing is
    stored when the upload is refused. Answers the evidence with its new ETag.

    Other requests are not held up while the bytes arrive: they are checked before and
    recorded after. If meanwhile another request changes the evidence (409
    write_conflict, or 412 with If-Match) or closes its initiative (409), the upload is
    refused and nothing is stored.

    Needs an API key or OAuth2 token with scope `records:write`.

    Args:
        evidence_id (str):
        if_match (str | Unset):
        idempotency_key (str | Unset):
        body (FileUpload):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Evidence
    """

    response = sync_detailed(
        evidence_id=evidence_id,
        client=client,
        body=body,
        if_match=if_match,
        idempotency_key=idempotency_key,
    )
    return cast(Evidence, errors.success_of(response))


async def asyncio_detailed(
    evidence_id: str,
    *,
    client: AuthenticatedClient,
    body: FileUpload,
    if_match: str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[Evidence | Problem]:
    """Upload the file of a recording, photo, video or document, replacing any it had.

     Send multipart/form-data with the file in the part named file, its Content-Type the
    file's media type. The type must be one the evidence's kind takes and the file's first
    bytes must be of that type (415 otherwise); past the size limit it is refused with 413.
    Evidence whose type takes no file answers 409 (code file_not_expected). Nothing is
    stored when the upload is refused. Answers the evidence with its new ETag.

    Other requests are not held up while the bytes arrive: they are checked before and
    recorded after. If meanwhile another request changes the evidence (409
    write_conflict, or 412 with If-Match) or closes its initiative (409), the upload is
    refused and nothing is stored.

    Needs an API key or OAuth2 token with scope `records:write`.

    Args:
        evidence_id (str):
        if_match (str | Unset):
        idempotency_key (str | Unset):
        body (FileUpload):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Evidence | Problem]
    """

    kwargs = _get_kwargs(
        evidence_id=evidence_id,
        body=body,
        if_match=if_match,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    evidence_id: str,
    *,
    client: AuthenticatedClient,
    body: FileUpload,
    if_match: str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Evidence:
    """Upload the file of a recording, photo, video or document, replacing any it had.

     Send multipart/form-data with the file in the part named file, its Content-Type the
    file's media type. The type must be one the evidence's kind takes and the file's first
    bytes must be of that type (415 otherwise); past the size limit it is refused with 413.
    Evidence whose type takes no file answers 409 (code file_not_expected). Nothing is
    stored when the upload is refused. Answers the evidence with its new ETag.

    Other requests are not held up while the bytes arrive: they are checked before and
    recorded after. If meanwhile another request changes the evidence (409
    write_conflict, or 412 with If-Match) or closes its initiative (409), the upload is
    refused and nothing is stored.

    Needs an API key or OAuth2 token with scope `records:write`.

    Args:
        evidence_id (str):
        if_match (str | Unset):
        idempotency_key (str | Unset):
        body (FileUpload):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Evidence
    """

    response = await asyncio_detailed(
        evidence_id=evidence_id,
        client=client,
        body=body,
        if_match=if_match,
        idempotency_key=idempotency_key,
    )
    return cast(Evidence, errors.success_of(response))
