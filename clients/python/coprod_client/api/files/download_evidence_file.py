from http import HTTPStatus
from io import BytesIO
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...types import UNSET, File, Response, Unset


def _get_kwargs(
    evidence_id: str,
    *,
    range_: str | Unset = UNSET,
    if_range: str | Unset = UNSET,
    if_none_match: str | Unset = UNSET,
    if_match: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(range_, Unset):
        headers["Range"] = range_

    if not isinstance(if_range, Unset):
        headers["If-Range"] = if_range

    if not isinstance(if_none_match, Unset):
        headers["If-None-Match"] = if_none_match

    if not isinstance(if_match, Unset):
        headers["If-Match"] = if_match

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/evidence/{evidence_id}/file".format(
            evidence_id=quote(str(evidence_id), safe=""),
        ),
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Any | File | Problem | None:
    if response.status_code == 200:
        response_200 = File(payload=BytesIO(response.content))

        return response_200

    if response.status_code == 206:
        response_206 = File(payload=BytesIO(response.content))

        return response_206

    if response.status_code == 304:
        response_304 = cast(Any, None)
        return response_304

    if response.status_code == 307:
        response_307 = cast(Any, None)
        return response_307

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

    if response.status_code == 412:
        response_412 = Problem.from_dict(response.json())

        return response_412

    if response.status_code == 414:
        response_414 = Problem.from_dict(response.json())

        return response_414

    if response.status_code == 416:
        response_416 = Problem.from_dict(response.json())

        return response_416

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


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Any | File | Problem]:
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
    range_: str | Unset = UNSET,
    if_range: str | Unset = UNSET,
    if_none_match: str | Unset = UNSET,
    if_match: str | Unset = UNSET,
) -> Response[Any | File | Problem]:
    """Download the evidence's file, byte for byte as uploaded.

     The ETag is the file's SHA-256, and Repr-Digest carries it too, so a client can check
    what it received. Range, If-Range, If-None-Match and If-Match requests are honoured;
    an If-Match that is not the file's ETag is answered 412 stale_etag, with no bytes.
    404 with code no_file when none has been uploaded.

    Needs an API key or OAuth2 token with scope `records:read`.

    Args:
        evidence_id (str):
        range_ (str | Unset):
        if_range (str | Unset):
        if_none_match (str | Unset):
        if_match (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | File | Problem]
    """

    kwargs = _get_kwargs(
        evidence_id=evidence_id,
        range_=range_,
        if_range=if_range,
        if_none_match=if_none_match,
        if_match=if_match,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    evidence_id: str,
    *,
    client: AuthenticatedClient,
    range_: str | Unset = UNSET,
    if_range: str | Unset = UNSET,
    if_none_match: str | Unset = UNSET,
    if_match: str | Unset = UNSET,
) -> File:
    """Download the evidence's file, byte for byte as uploaded.

     The ETag is the file's SHA-256, and Repr-Digest carries it too, so a client can check
    what it received. Range, If-Range, If-None-Match and If-Match requests are honoured;
    an If-Match that is not the file's ETag is answered 412 stale_etag, with no bytes.
    404 with code no_file when none has been uploaded.

    Needs an API key or OAuth2 token with scope `records:read`.

    Args:
        evidence_id (str):
        range_ (str | Unset):
        if_range (str | Unset):
        if_none_match (str | Unset):
        if_match (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        File
    """

    response = sync_detailed(
        evidence_id=evidence_id,
        client=client,
        range_=range_,
        if_range=if_range,
        if_none_match=if_none_match,
        if_match=if_match,
    )
    return cast(File, errors.success_of(response))


async def asyncio_detailed(
    evidence_id: str,
    *,
    client: AuthenticatedClient,
    range_: str | Unset = UNSET,
    if_range: str | Unset = UNSET,
    if_none_match: str | Unset = UNSET,
    if_match: str | Unset = UNSET,
) -> Response[Any | File | Problem]:
    """Download the evidence's file, byte for byte as uploaded.

     The ETag is the file's SHA-256, and Repr-Digest carries it too, so a client can check
    what it received. Range, If-Range, If-None-Match and If-Match requests are honoured;
    an If-Match that is not the file's ETag is answered 412 stale_etag, with no bytes.
    404 with code no_file when none has been uploaded.

    Needs an API key or OAuth2 token with scope `records:read`.

    Args:
        evidence_id (str):
        range_ (str | Unset):
        if_range (str | Unset):
        if_none_match (str | Unset):
        if_match (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | File | Problem]
    """

    kwargs = _get_kwargs(
        evidence_id=evidence_id,
        range_=range_,
        if_range=if_range,
        if_none_match=if_none_match,
        if_match=if_match,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    evidence_id: str,
    *,
    client: AuthenticatedClient,
    range_: str | Unset = UNSET,
    if_range: str | Unset = UNSET,
    if_none_match: str | Unset = UNSET,
    if_match: str | Unset = UNSET,
) -> File:
    """Download the evidence's file, byte for byte as uploaded.

     The ETag is the file's SHA-256, and Repr-Digest carries it too, so a client can check
    what it received. Range, If-Range, If-None-Match and If-Match requests are honoured;
    an If-Match that is not the file's ETag is answered 412 stale_etag, with no bytes.
    404 with code no_file when none has been uploaded.

    Needs an API key or OAuth2 token with scope `records:read`.

    Args:
        evidence_id (str):
        range_ (str | Unset):
        if_range (str | Unset):
        if_none_match (str | Unset):
        if_match (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        File
    """

    response = await asyncio_detailed(
        evidence_id=evidence_id,
        client=client,
        range_=range_,
        if_range=if_range,
        if_none_match=if_none_match,
        if_match=if_match,
    )
    return cast(File, errors.success_of(response))
