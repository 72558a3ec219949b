from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.publication import Publication
from ...models.publish import Publish
from ...types import UNSET, Response, Unset


def _get_kwargs(
    case_study_id: str,
    *,
    body: Publish,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/api/v1/case-studies/{case_study_id}/publication".format(
            case_study_id=quote(str(case_study_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | Publication | None:
    if response.status_code == 200:
        response_200 = Publication.from_dict(response.json())

        return response_200

    if response.status_code == 201:
        response_201 = Publication.from_dict(response.json())

        return response_201

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


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Problem | Publication]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    case_study_id: str,
    *,
    client: AuthenticatedClient,
    body: Publish,
    idempotency_key: str | Unset = UNSET,
) -> Response[Problem | Publication]:
    """Publish the case study to the network library, or republish it as it now reads.

     owners_agree must be true (422 owners_must_agree otherwise). The library keeps a copy
    of its texts and citations; of the evidence it cites, only what is public, consented
    for use and for publication (by the person it came from too) and not erased is ever
    shown, and a withdrawal or erasure takes it out at once.

    Needs an API key or OAuth2 token with scope `records:write`.

    Args:
        case_study_id (str):
        idempotency_key (str | Unset):
        body (Publish):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | Publication]
    """

    kwargs = _get_kwargs(
        case_study_id=case_study_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    case_study_id: str,
    *,
    client: AuthenticatedClient,
    body: Publish,
    idempotency_key: str | Unset = UNSET,
) -> Publication:
    """Publish the case study to the network library, or republish it as it now reads.

     owners_agree must be true (422 owners_must_agree otherwise). The library keeps a copy
    of its texts and citations; of the evidence it cites, only what is public, consented
    for use and for publication (by the person it came from too) and not erased is ever
    shown, and a withdrawal or erasure takes it out at once.

    Needs an API key or OAuth2 token with scope `records:write`.

    Args:
        case_study_id (str):
        idempotency_key (str | Unset):
        body (Publish):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Publication
    """

    response = sync_detailed(
        case_study_id=case_study_id,
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    )
    return cast(Publication, errors.success_of(response))


async def asyncio_detailed(
    case_study_id: str,
    *,
    client: AuthenticatedClient,
    body: Publish,
    idempotency_key: str | Unset = UNSET,
) -> Response[Problem | Publication]:
    """Publish the case study to the network library, or republish it as it now reads.

     owners_agree must be true (422 owners_must_agree otherwise). The library keeps a copy
    of its texts and citations; of the evidence it cites, only what is public, consented
    for use and for publication (by the person it came from too) and not erased is ever
    shown, and a withdrawal or erasure takes it out at once.

    Needs an API key or OAuth2 token with scope `records:write`.

    Args:
        case_study_id (str):
        idempotency_key (str | Unset):
        body (Publish):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | Publication]
    """

    kwargs = _get_kwargs(
        case_study_id=case_study_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    case_study_id: str,
    *,
    client: AuthenticatedClient,
    body: Publish,
    idempotency_key: str | Unset = UNSET,
) -> Publication:
    """Publish the case study to the network library, or republish it as it now reads.

     owners_agree must be true (422 owners_must_agree otherwise). The library keeps a copy
    of its texts and citations; of the evidence it cites, only what is public, consented
    for use and for publication (by the person it came from too) and not erased is ever
    shown, and a withdrawal or erasure takes it out at once.

    Needs an API key or OAuth2 token with scope `records:write`.

    Args:
        case_study_id (str):
        idempotency_key (str | Unset):
        body (Publish):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Publication
    """

    response = await asyncio_detailed(
        case_study_id=case_study_id,
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    )
    return cast(Publication, errors.success_of(response))
