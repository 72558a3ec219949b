from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    participant_id: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/participants/{participant_id}/subject-access".format(
            participant_id=quote(str(participant_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | None:
    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

    if response.status_code == 414:
        response_414 = Problem.from_dict(response.json())

        return response_414

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    participant_id: str,
    *,
    client: AuthenticatedClient,
) -> Response[Problem]:
    """Everything held about a participant (a subject access request).

     The participant, the activities they took part in, every piece of evidence from them
    and the audit events about those records. Answering is logged as an export.

    Needs an API key or OAuth2 token with scope `privacy:manage`.

    Args:
        participant_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem]
    """

    kwargs = _get_kwargs(
        participant_id=participant_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    participant_id: str,
    *,
    client: AuthenticatedClient,
) -> None:
    """Everything held about a participant (a subject access request).

     The participant, the activities they took part in, every piece of evidence from them
    and the audit events about those records. Answering is logged as an export.

    Needs an API key or OAuth2 token with scope `privacy:manage`.

    Args:
        participant_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        None
    """

    response = sync_detailed(
        participant_id=participant_id,
        client=client,
    )
    return cast(None, errors.success_of(response))


async def asyncio_detailed(
    participant_id: str,
    *,
    client: AuthenticatedClient,
) -> Response[Problem]:
    """Everything held about a participant (a subject access request).

     The participant, the activities they took part in, every piece of evidence from them
    and the audit events about those records. Answering is logged as an export.

    Needs an API key or OAuth2 token with scope `privacy:manage`.

    Args:
        participant_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem]
    """

    kwargs = _get_kwargs(
        participant_id=participant_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    participant_id: str,
    *,
    client: AuthenticatedClient,
) -> None:
    """Everything held about a participant (a subject access request).

     The participant, the activities they took part in, every piece of evidence from them
    and the audit events about those records. Answering is logged as an export.

    Needs an API key or OAuth2 token with scope `privacy:manage`.

    Args:
        participant_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        None
    """

    response = await asyncio_detailed(
        participant_id=participant_id,
        client=client,
    )
    return cast(None, errors.success_of(response))
