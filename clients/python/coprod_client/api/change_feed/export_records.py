from http import HTTPStatus
from typing import Any, cast

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    initiative_id: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["initiative_id"] = initiative_id

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/export",
        "params": params,
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
    *,
    client: AuthenticatedClient,
    initiative_id: str | Unset = UNSET,
) -> Response[Problem]:
    """Export every record, consistent with one position of the change feed, as NDJSON.

     The first line is `{"type": "export", "cursor": ..., ...}`: after loading the records,
    follow `GET /events` from that cursor and no change is missed or told twice. Then one
    line a record, `{"type": "record", "record_type": ..., "record": {...}}`, each as GET
    shows it (initiatives first, then their stage history, participants, activities,
    evidence and assessments); the last line is `{"type": "end", "records": N}`, so a cut
    stream is known. Memory stays flat however large the organisation. The export is in
    the audit log.

    Needs an API key or OAuth2 token with scope `feed:read`.

    Args:
        initiative_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem]
    """

    kwargs = _get_kwargs(
        initiative_id=initiative_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    initiative_id: str | Unset = UNSET,
) -> None:
    """Export every record, consistent with one position of the change feed, as NDJSON.

     The first line is `{"type": "export", "cursor": ..., ...}`: after loading the records,
    follow `GET /events` from that cursor and no change is missed or told twice. Then one
    line a record, `{"type": "record", "record_type": ..., "record": {...}}`, each as GET
    shows it (initiatives first, then their stage history, participants, activities,
    evidence and assessments); the last line is `{"type": "end", "records": N}`, so a cut
    stream is known. Memory stays flat however large the organisation. The export is in
    the audit log.

    Needs an API key or OAuth2 token with scope `feed:read`.

    Args:
        initiative_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        None
    """

    response = sync_detailed(
        client=client,
        initiative_id=initiative_id,
    )
    return cast(None, errors.success_of(response))


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    initiative_id: str | Unset = UNSET,
) -> Response[Problem]:
    """Export every record, consistent with one position of the change feed, as NDJSON.

     The first line is `{"type": "export", "cursor": ..., ...}`: after loading the records,
    follow `GET /events` from that cursor and no change is missed or told twice. Then one
    line a record, `{"type": "record", "record_type": ..., "record": {...}}`, each as GET
    shows it (initiatives first, then their stage history, participants, activities,
    evidence and assessments); the last line is `{"type": "end", "records": N}`, so a cut
    stream is known. Memory stays flat however large the organisation. The export is in
    the audit log.

    Needs an API key or OAuth2 token with scope `feed:read`.

    Args:
        initiative_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem]
    """

    kwargs = _get_kwargs(
        initiative_id=initiative_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    initiative_id: str | Unset = UNSET,
) -> None:
    """Export every record, consistent with one position of the change feed, as NDJSON.

     The first line is `{"type": "export", "cursor": ..., ...}`: after loading the records,
    follow `GET /events` from that cursor and no change is missed or told twice. Then one
    line a record, `{"type": "record", "record_type": ..., "record": {...}}`, each as GET
    shows it (initiatives first, then their stage history, participants, activities,
    evidence and assessments); the last line is `{"type": "end", "records": N}`, so a cut
    stream is known. Memory stays flat however large the organisation. The export is in
    the audit log.

    Needs an API key or OAuth2 token with scope `feed:read`.

    Args:
        initiative_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        None
    """

    response = await asyncio_detailed(
        client=client,
        initiative_id=initiative_id,
    )
    return cast(None, errors.success_of(response))
