import datetime
from http import HTTPStatus
from typing import Any, cast

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.audit_event_page import AuditEventPage
from ...models.list_audit_events_action import ListAuditEventsAction
from ...models.list_audit_events_record_type import ListAuditEventsRecordType
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    limit: int | Unset = 50,
    cursor: str | Unset = UNSET,
    record_id: str | Unset = UNSET,
    initiative_id: str | Unset = UNSET,
    key_id: str | Unset = UNSET,
    action: ListAuditEventsAction | Unset = UNSET,
    record_type: ListAuditEventsRecordType | Unset = UNSET,
    since: datetime.datetime | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["limit"] = limit

    params["cursor"] = cursor

    params["record_id"] = record_id

    params["initiative_id"] = initiative_id

    params["key_id"] = key_id

    json_action: str | Unset = UNSET
    if not isinstance(action, Unset):
        json_action = action.value

    params["action"] = json_action

    json_record_type: str | Unset = UNSET
    if not isinstance(record_type, Unset):
        json_record_type = record_type.value

    params["record_type"] = json_record_type

    json_since: str | Unset = UNSET
    if not isinstance(since, Unset):
        json_since = since.isoformat()
    params["since"] = json_since

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/audit-events",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> AuditEventPage | Problem | None:
    if response.status_code == 200:
        response_200 = AuditEventPage.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

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
) -> Response[AuditEventPage | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 50,
    cursor: str | Unset = UNSET,
    record_id: str | Unset = UNSET,
    initiative_id: str | Unset = UNSET,
    key_id: str | Unset = UNSET,
    action: ListAuditEventsAction | Unset = UNSET,
    record_type: ListAuditEventsRecordType | Unset = UNSET,
    since: datetime.datetime | Unset = UNSET,
) -> Response[AuditEventPage | Problem]:
    """List the organisation's audit events, oldest first.

     Every write through the API or the command line is here, in the same transaction as
    the write: creations, changes (with the names of the fields that changed), deletions,
    stage transitions, key creation and revocation, webhook subscriptions, case studies
    published to the library and taken out, subject access exports and erasures.
    Reads are not logged. Nothing can change or delete an event.

    Needs an API key or OAuth2 token with scope `audit:read`.

    Args:
        limit (int | Unset):  Default: 50.
        cursor (str | Unset):
        record_id (str | Unset):
        initiative_id (str | Unset):
        key_id (str | Unset):
        action (ListAuditEventsAction | Unset):
        record_type (ListAuditEventsRecordType | Unset):
        since (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuditEventPage | Problem]
    """

    kwargs = _get_kwargs(
        limit=limit,
        cursor=cursor,
        record_id=record_id,
        initiative_id=initiative_id,
        key_id=key_id,
        action=action,
        record_type=record_type,
        since=since,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 50,
    cursor: str | Unset = UNSET,
    record_id: str | Unset = UNSET,
    initiative_id: str | Unset = UNSET,
    key_id: str | Unset = UNSET,
    action: ListAuditEventsAction | Unset = UNSET,
    record_type: ListAuditEventsRecordType | Unset = UNSET,
    since: datetime.datetime | Unset = UNSET,
) -> AuditEventPage:
    """List the organisation's audit events, oldest first.

     Every write through the API or the command line is here, in the same transaction as
    the write: creations, changes (with the names of the fields that changed), deletions,
    stage transitions, key creation and revocation, webhook subscriptions, case studies
    published to the library and taken out, subject access exports and erasures.
    Reads are not logged. Nothing can change or delete an event.

    Needs an API key or OAuth2 token with scope `audit:read`.

    Args:
        limit (int | Unset):  Default: 50.
        cursor (str | Unset):
        record_id (str | Unset):
        initiative_id (str | Unset):
        key_id (str | Unset):
        action (ListAuditEventsAction | Unset):
        record_type (ListAuditEventsRecordType | Unset):
        since (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuditEventPage
    """

    response = sync_detailed(
        client=client,
        limit=limit,
        cursor=cursor,
        record_id=record_id,
        initiative_id=initiative_id,
        key_id=key_id,
        action=action,
        record_type=record_type,
        since=since,
    )
    return cast(AuditEventPage, errors.success_of(response))


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 50,
    cursor: str | Unset = UNSET,
    record_id: str | Unset = UNSET,
    initiative_id: str | Unset = UNSET,
    key_id: str | Unset = UNSET,
    action: ListAuditEventsAction | Unset = UNSET,
    record_type: ListAuditEventsRecordType | Unset = UNSET,
    since: datetime.datetime | Unset = UNSET,
) -> Response[AuditEventPage | Problem]:
    """List the organisation's audit events, oldest first.

     Every write through the API or the command line is here, in the same transaction as
    the write: creations, changes (with the names of the fields that changed), deletions,
    stage transitions, key creation and revocation, webhook subscriptions, case studies
    published to the library and taken out, subject access exports and erasures.
    Reads are not logged. Nothing can change or delete an event.

    Needs an API key or OAuth2 token with scope `audit:read`.

    Args:
        limit (int | Unset):  Default: 50.
        cursor (str | Unset):
        record_id (str | Unset):
        initiative_id (str | Unset):
        key_id (str | Unset):
        action (ListAuditEventsAction | Unset):
        record_type (ListAuditEventsRecordType | Unset):
        since (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuditEventPage | Problem]
    """

    kwargs = _get_kwargs(
        limit=limit,
        cursor=cursor,
        record_id=record_id,
        initiative_id=initiative_id,
        key_id=key_id,
        action=action,
        record_type=record_type,
        since=since,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 50,
    cursor: str | Unset = UNSET,
    record_id: str | Unset = UNSET,
    initiative_id: str | Unset = UNSET,
    key_id: str | Unset = UNSET,
    action: ListAuditEventsAction | Unset = UNSET,
    record_type: ListAuditEventsRecordType | Unset = UNSET,
    since: datetime.datetime | Unset = UNSET,
) -> AuditEventPage:
    """List the organisation's audit events, oldest first.

     Every write through the API or the command line is here, in the same transaction as
    the write: creations, changes (with the names of the fields that changed), deletions,
    stage transitions, key creation and revocation, webhook subscriptions, case studies
    published to the library and taken out, subject access exports and erasures.
    Reads are not logged. Nothing can change or delete an event.

    Needs an API key or OAuth2 token with scope `audit:read`.

    Args:
        limit (int | Unset):  Default: 50.
        cursor (str | Unset):
        record_id (str | Unset):
        initiative_id (str | Unset):
        key_id (str | Unset):
        action (ListAuditEventsAction | Unset):
        record_type (ListAuditEventsRecordType | Unset):
        since (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuditEventPage
    """

    response = await asyncio_detailed(
        client=client,
        limit=limit,
        cursor=cursor,
        record_id=record_id,
        initiative_id=initiative_id,
        key_id=key_id,
        action=action,
        record_type=record_type,
        since=since,
    )
    return cast(AuditEventPage, errors.success_of(response))
