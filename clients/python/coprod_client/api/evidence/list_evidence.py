import datetime
from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.evidence_page import EvidencePage
from ...models.list_evidence_visibility import ListEvidenceVisibility
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    initiative_id: str,
    *,
    limit: int | Unset = 50,
    cursor: str | Unset = UNSET,
    external_ref: str | Unset = UNSET,
    updated_since: datetime.datetime | Unset = UNSET,
    q: str | Unset = UNSET,
    stage: str | Unset = UNSET,
    evidence_type: str | Unset = UNSET,
    cycle: int | Unset = UNSET,
    activity_id: str | Unset = UNSET,
    participant_id: str | Unset = UNSET,
    visibility: ListEvidenceVisibility | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["limit"] = limit

    params["cursor"] = cursor

    params["external_ref"] = external_ref

    json_updated_since: str | Unset = UNSET
    if not isinstance(updated_since, Unset):
        json_updated_since = updated_since.isoformat()
    params["updated_since"] = json_updated_since

    params["q"] = q

    params["stage"] = stage

    params["evidence_type"] = evidence_type

    params["cycle"] = cycle

    params["activity_id"] = activity_id

    params["participant_id"] = participant_id

    json_visibility: str | Unset = UNSET
    if not isinstance(visibility, Unset):
        json_visibility = visibility.value

    params["visibility"] = json_visibility

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/initiatives/{initiative_id}/evidence".format(
            initiative_id=quote(str(initiative_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> EvidencePage | Problem | None:
    if response.status_code == 200:
        response_200 = EvidencePage.from_dict(response.json())

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


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[EvidencePage | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    initiative_id: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 50,
    cursor: str | Unset = UNSET,
    external_ref: str | Unset = UNSET,
    updated_since: datetime.datetime | Unset = UNSET,
    q: str | Unset = UNSET,
    stage: str | Unset = UNSET,
    evidence_type: str | Unset = UNSET,
    cycle: int | Unset = UNSET,
    activity_id: str | Unset = UNSET,
    participant_id: str | Unset = UNSET,
    visibility: ListEvidenceVisibility | Unset = UNSET,
) -> Response[EvidencePage | Problem]:
    """List an initiative's evidence, oldest first.

     Needs an API key or OAuth2 token with scope `records:read`.

    Args:
        initiative_id (str):
        limit (int | Unset):  Default: 50.
        cursor (str | Unset):
        external_ref (str | Unset):
        updated_since (datetime.datetime | Unset):
        q (str | Unset):
        stage (str | Unset):
        evidence_type (str | Unset):
        cycle (int | Unset):
        activity_id (str | Unset):
        participant_id (str | Unset):
        visibility (ListEvidenceVisibility | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EvidencePage | Problem]
    """

    kwargs = _get_kwargs(
        initiative_id=initiative_id,
        limit=limit,
        cursor=cursor,
        external_ref=external_ref,
        updated_since=updated_since,
        q=q,
        stage=stage,
        evidence_type=evidence_type,
        cycle=cycle,
        activity_id=activity_id,
        participant_id=participant_id,
        visibility=visibility,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    initiative_id: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 50,
    cursor: str | Unset = UNSET,
    external_ref: str | Unset = UNSET,
    updated_since: datetime.datetime | Unset = UNSET,
    q: str | Unset = UNSET,
    stage: str | Unset = UNSET,
    evidence_type: str | Unset = UNSET,
    cycle: int | Unset = UNSET,
    activity_id: str | Unset = UNSET,
    participant_id: str | Unset = UNSET,
    visibility: ListEvidenceVisibility | Unset = UNSET,
) -> EvidencePage:
    """List an initiative's evidence, oldest first.

     Needs an API key or OAuth2 token with scope `records:read`.

    Args:
        initiative_id (str):
        limit (int | Unset):  Default: 50.
        cursor (str | Unset):
        external_ref (str | Unset):
        updated_since (datetime.datetime | Unset):
        q (str | Unset):
        stage (str | Unset):
        evidence_type (str | Unset):
        cycle (int | Unset):
        activity_id (str | Unset):
        participant_id (str | Unset):
        visibility (ListEvidenceVisibility | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EvidencePage
    """

    response = sync_detailed(
        initiative_id=initiative_id,
        client=client,
        limit=limit,
        cursor=cursor,
        external_ref=external_ref,
        updated_since=updated_since,
        q=q,
        stage=stage,
        evidence_type=evidence_type,
        cycle=cycle,
        activity_id=activity_id,
        participant_id=participant_id,
        visibility=visibility,
    )
    return cast(EvidencePage, errors.success_of(response))


async def asyncio_detailed(
    initiative_id: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 50,
    cursor: str | Unset = UNSET,
    external_ref: str | Unset = UNSET,
    updated_since: datetime.datetime | Unset = UNSET,
    q: str | Unset = UNSET,
    stage: str | Unset = UNSET,
    evidence_type: str | Unset = UNSET,
    cycle: int | Unset = UNSET,
    activity_id: str | Unset = UNSET,
    participant_id: str | Unset = UNSET,
    visibility: ListEvidenceVisibility | Unset = UNSET,
) -> Response[EvidencePage | Problem]:
    """List an initiative's evidence, oldest first.

     Needs an API key or OAuth2 token with scope `records:read`.

    Args:
        initiative_id (str):
        limit (int | Unset):  Default: 50.
        cursor (str | Unset):
        external_ref (str | Unset):
        updated_since (datetime.datetime | Unset):
        q (str | Unset):
        stage (str | Unset):
        evidence_type (str | Unset):
        cycle (int | Unset):
        activity_id (str | Unset):
        participant_id (str | Unset):
        visibility (ListEvidenceVisibility | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EvidencePage | Problem]
    """

    kwargs = _get_kwargs(
        initiative_id=initiative_id,
        limit=limit,
        cursor=cursor,
        external_ref=external_ref,
        updated_since=updated_since,
        q=q,
        stage=stage,
        evidence_type=evidence_type,
        cycle=cycle,
        activity_id=activity_id,
        participant_id=participant_id,
        visibility=visibility,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    initiative_id: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 50,
    cursor: str | Unset = UNSET,
    external_ref: str | Unset = UNSET,
    updated_since: datetime.datetime | Unset = UNSET,
    q: str | Unset = UNSET,
    stage: str | Unset = UNSET,
    evidence_type: str | Unset = UNSET,
    cycle: int | Unset = UNSET,
    activity_id: str | Unset = UNSET,
    participant_id: str | Unset = UNSET,
    visibility: ListEvidenceVisibility | Unset = UNSET,
) -> EvidencePage:
    """List an initiative's evidence, oldest first.

     Needs an API key or OAuth2 token with scope `records:read`.

    Args:
        initiative_id (str):
        limit (int | Unset):  Default: 50.
        cursor (str | Unset):
        external_ref (str | Unset):
        updated_since (datetime.datetime | Unset):
        q (str | Unset):
        stage (str | Unset):
        evidence_type (str | Unset):
        cycle (int | Unset):
        activity_id (str | Unset):
        participant_id (str | Unset):
        visibility (ListEvidenceVisibility | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EvidencePage
    """

    response = await asyncio_detailed(
        initiative_id=initiative_id,
        client=client,
        limit=limit,
        cursor=cursor,
        external_ref=external_ref,
        updated_since=updated_since,
        q=q,
        stage=stage,
        evidence_type=evidence_type,
        cycle=cycle,
        activity_id=activity_id,
        participant_id=participant_id,
        visibility=visibility,
    )
    return cast(EvidencePage, errors.success_of(response))
