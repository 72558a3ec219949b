from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.assessment_comparison import AssessmentComparison
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    initiative_id: str,
    *,
    scale: str | Unset = UNSET,
    cycle: int | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["scale"] = scale

    params["cycle"] = cycle

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/initiatives/{initiative_id}/assessments/comparison".format(
            initiative_id=quote(str(initiative_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> AssessmentComparison | Problem | None:
    if response.status_code == 200:
        response_200 = AssessmentComparison.from_dict(response.json())

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
) -> Response[AssessmentComparison | Problem]:
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
    scale: str | Unset = UNSET,
    cycle: int | Unset = UNSET,
) -> Response[AssessmentComparison | Problem]:
    """Compare perspectives: each one's latest ratings on a scale in a cycle, side by side.

     Co-assessment asks whether people using services and professionals see the initiative
    the same way. For each perspective the latest assessment counts (the one assessed last);
    gaps lists the dimensions they rate differently, widest first.

    Needs an API key or OAuth2 token with scope `records:read`.

    Args:
        initiative_id (str):
        scale (str | Unset):
        cycle (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AssessmentComparison | Problem]
    """

    kwargs = _get_kwargs(
        initiative_id=initiative_id,
        scale=scale,
        cycle=cycle,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    initiative_id: str,
    *,
    client: AuthenticatedClient,
    scale: str | Unset = UNSET,
    cycle: int | Unset = UNSET,
) -> AssessmentComparison:
    """Compare perspectives: each one's latest ratings on a scale in a cycle, side by side.

     Co-assessment asks whether people using services and professionals see the initiative
    the same way. For each perspective the latest assessment counts (the one assessed last);
    gaps lists the dimensions they rate differently, widest first.

    Needs an API key or OAuth2 token with scope `records:read`.

    Args:
        initiative_id (str):
        scale (str | Unset):
        cycle (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AssessmentComparison
    """

    response = sync_detailed(
        initiative_id=initiative_id,
        client=client,
        scale=scale,
        cycle=cycle,
    )
    return cast(AssessmentComparison, errors.success_of(response))


async def asyncio_detailed(
    initiative_id: str,
    *,
    client: AuthenticatedClient,
    scale: str | Unset = UNSET,
    cycle: int | Unset = UNSET,
) -> Response[AssessmentComparison | Problem]:
    """Compare perspectives: each one's latest ratings on a scale in a cycle, side by side.

     Co-assessment asks whether people using services and professionals see the initiative
    the same way. For each perspective the latest assessment counts (the one assessed last);
    gaps lists the dimensions they rate differently, widest first.

    Needs an API key or OAuth2 token with scope `records:read`.

    Args:
        initiative_id (str):
        scale (str | Unset):
        cycle (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AssessmentComparison | Problem]
    """

    kwargs = _get_kwargs(
        initiative_id=initiative_id,
        scale=scale,
        cycle=cycle,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    initiative_id: str,
    *,
    client: AuthenticatedClient,
    scale: str | Unset = UNSET,
    cycle: int | Unset = UNSET,
) -> AssessmentComparison:
    """Compare perspectives: each one's latest ratings on a scale in a cycle, side by side.

     Co-assessment asks whether people using services and professionals see the initiative
    the same way. For each perspective the latest assessment counts (the one assessed last);
    gaps lists the dimensions they rate differently, widest first.

    Needs an API key or OAuth2 token with scope `records:read`.

    Args:
        initiative_id (str):
        scale (str | Unset):
        cycle (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AssessmentComparison
    """

    response = await asyncio_detailed(
        initiative_id=initiative_id,
        client=client,
        scale=scale,
        cycle=cycle,
    )
    return cast(AssessmentComparison, errors.success_of(response))
