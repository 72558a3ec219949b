from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    key: str,
    evidence_type: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/toolkits/{key}/evidence-types/{evidence_type}/schema".format(
            key=quote(str(key), safe=""),
            evidence_type=quote(str(evidence_type), safe=""),
        ),
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Any | Problem | None:
    if response.status_code == 200:
        response_200 = cast(Any, None)
        return response_200

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Any | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    key: str,
    evidence_type: str,
    *,
    client: AuthenticatedClient,
) -> Response[Any | Problem]:
    """The JSON Schema an evidence type's payload must match.

     Needs an API key or OAuth2 token with scope `records:read`.

    Args:
        key (str):
        evidence_type (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem]
    """

    kwargs = _get_kwargs(
        key=key,
        evidence_type=evidence_type,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    key: str,
    evidence_type: str,
    *,
    client: AuthenticatedClient,
) -> Any:
    """The JSON Schema an evidence type's payload must match.

     Needs an API key or OAuth2 token with scope `records:read`.

    Args:
        key (str):
        evidence_type (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any
    """

    response = sync_detailed(
        key=key,
        evidence_type=evidence_type,
        client=client,
    )
    return cast(Any, errors.success_of(response))


async def asyncio_detailed(
    key: str,
    evidence_type: str,
    *,
    client: AuthenticatedClient,
) -> Response[Any | Problem]:
    """The JSON Schema an evidence type's payload must match.

     Needs an API key or OAuth2 token with scope `records:read`.

    Args:
        key (str):
        evidence_type (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem]
    """

    kwargs = _get_kwargs(
        key=key,
        evidence_type=evidence_type,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    key: str,
    evidence_type: str,
    *,
    client: AuthenticatedClient,
) -> Any:
    """The JSON Schema an evidence type's payload must match.

     Needs an API key or OAuth2 token with scope `records:read`.

    Args:
        key (str):
        evidence_type (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any
    """

    response = await asyncio_detailed(
        key=key,
        evidence_type=evidence_type,
        client=client,
    )
    return cast(Any, errors.success_of(response))
