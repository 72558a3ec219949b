"""Webhooks go to public addresses only, checked when saved and again when connecting.

Unless the operator allows private addresses (COPROD_WEBHOOKS_ALLOW_PRIVATE=1, which the
rest of the suite's app does, for receivers on loopback), a subscription to loopback, a
private range or the cloud metadata address is refused with 422, and a delivery whose
host resolves there by the time it connects (DNS rebinding) is refused without a
connection being made. Redirects are never followed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import httpx
import pytest
from webhook_receiver import Receiver

from api.webhooks.guard import AddressRefusedError, guarded_client
from api.webhooks.sending import retry_after_seconds
from api.webhooks.worker import WebhookSettings
from toolkits_core.service import system_resolver

PUBLIC = "93.184.215.14"
NAMES = {"crm.example.org": [PUBLIC], "rebinding.example.org": [PUBLIC]}


def resolve(host, port):
    return NAMES.get(host) or system_resolver(host, port)


@pytest.fixture(scope="module")
def strict_app(make_app):
    """An app as a production server runs it: no private addresses, no plain http."""
    return make_app(WEBHOOK_SETTINGS=WebhookSettings(resolve=resolve))


@pytest.fixture
def strict_admin(strict_app, org):
    from conftest import ApiClient

    return ApiClient(strict_app.test_client(), org.tokens["admin"])


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://10.0.0.5/hook",
        "https://10.255.255.254:8443/hook",
        "https://169.254.169.254/latest/meta-data/",
        "https://192.168.1.10/hook",
        "https://172.16.0.1/hook",
        "https://[::1]/hook",
        "https://[::ffff:127.0.0.1]/hook",
        "https://[fd00::1]/hook",
        "https://localhost/hook",
        "https://0.0.0.0/hook",
        f"http://{PUBLIC}/hook",
        "ftp://crm.example.org/hook",
        "https://user:pw@crm.example.org/hook",
        "not a url",
    ],
)
def test_a_webhook_to_a_non_public_address_or_not_https_is_refused_with_422(strict_admin, url):
    response = strict_admin.post("webhooks", json={"url": url, "event_types": ["*"]})
    assert response.status_code == 422, response.json
    assert response.mimetype == "application/problem+json"
    [problem] = response.json["errors"]
    assert problem["field"] == "url"
    assert problem["code"] == "webhook_url_refused"
    assert strict_admin.get("webhooks").json["items"] == []


@pytest.mark.parametrize(
    "url",
    [
        "https://crm.example.org/hook\r\nX-Injected: 1",
        "https://crm.example.org/ho\nok",
        "https://crm.example.org/hook\t",
        "https://crm.example.org/hook\x7f",
        "https://crm.example.org/a hook",
        " https://crm.example.org/hook",
    ],
)
@pytest.mark.parametrize("private_allowed", [False, True])
def test_a_url_with_whitespace_or_control_characters_is_refused_with_422(
    strict_admin, org, url, private_allowed
):
    """Python's urlsplit drops tabs and line breaks, so the check passed a URL httpx then
    refused at every delivery: found by probing, its ping was a 500 and the worker failed
    every round on it, for ever, without disabling it."""
    admin = org.with_scope("admin") if private_allowed else strict_admin
    response = admin.post("webhooks", json={"url": url, "event_types": ["*"]})
    assert response.status_code == 422, response.json
    [problem] = response.json["errors"]
    assert problem["code"] == "webhook_url_refused"
    assert "control characters" in problem["message"]
    assert admin.get("webhooks").json["items"] == []
    made = admin.post(
        "webhooks", json={"url": "https://crm.example.org/hook", "event_types": ["*"]}
    )
    moved = admin.patch(f"webhooks/{made.json['id']}", json={"url": url})
    assert moved.status_code == 422
    assert admin.get(f"webhooks/{made.json['id']}").json["url"] == "https://crm.example.org/hook"
    admin.delete(f"webhooks/{made.json['id']}")


def test_a_public_https_url_is_accepted_and_a_change_to_a_private_one_is_not(strict_admin):
    made = strict_admin.post(
        "webhooks", json={"url": "https://crm.example.org/hook", "event_types": ["*"]}
    )
    assert made.status_code == 201, made.json
    moved = strict_admin.patch(
        f"webhooks/{made.json['id']}", json={"url": "https://169.254.169.254/"}
    )
    assert moved.status_code == 422
    assert strict_admin.get(f"webhooks/{made.json['id']}").json["url"] == (
        "https://crm.example.org/hook"
    )
    strict_admin.delete(f"webhooks/{made.json['id']}")


def refused_connect(url, resolver=system_resolver):
    with (
        guarded_client(
            allow_private=False, connect_timeout=1, total_timeout=2, resolve=resolver
        ) as client,
        pytest.raises(httpx.ConnectError) as caught,
    ):
        client.post(url, content=b"{}")
    assert isinstance(caught.value.__cause__, AddressRefusedError)
    return str(caught.value)


def test_the_connection_to_loopback_is_refused_at_delivery(receiver):
    assert "loopback" in refused_connect(receiver.url)
    assert receiver.received == []


@pytest.mark.parametrize(
    ("address", "why"),
    [("10.0.0.1", "private"), ("169.254.169.254", "link-local"), ("127.0.0.1", "loopback")],
)
def test_private_and_metadata_addresses_are_refused_before_connecting(address, why):
    assert why in refused_connect(f"https://{address}/hook")


# IPv6 addresses that carry an IPv4 address inside them reach that IPv4 address through
# a translator (NAT64's 64:ff9b::/96, on IPv6-only networks such as a cloud's with DNS64),
# a 6to4 relay (2002::/16) or a dual stack (the deprecated IPv4-compatible ::/96), so they
# are judged as the IPv4 address they carry (a local translator's 64:ff9b:1::/48 is never
# public). Python's ipaddress calls them all global;
# probing a running server found each accepted.
EMBEDDED_PRIVATE = [
    ("64:ff9b::7f00:1", "loopback"),
    ("64:ff9b::a9fe:a9fe", "link-local"),
    ("64:ff9b::a00:5", "private"),
    ("64:ff9b:1::a00:5", "local NAT64"),
    ("2002:7f00:1::", "loopback"),
    ("2002:a9fe:a9fe::1", "link-local"),
    ("2002:c0a8:10a::", "private"),
    ("::127.0.0.1", "loopback"),
    ("::10.0.0.5", "private"),
]


@pytest.mark.parametrize(("address", "why"), EMBEDDED_PRIVATE)
def test_ipv6_carrying_a_non_public_ipv4_address_is_refused_when_saved(strict_admin, address, why):
    response = strict_admin.post(
        "webhooks", json={"url": f"https://[{address}]/hook", "event_types": ["*"]}
    )
    assert response.status_code == 422, response.json
    [problem] = response.json["errors"]
    assert problem["code"] == "webhook_url_refused"
    assert why in problem["message"]
    assert strict_admin.get("webhooks").json["items"] == []


@pytest.mark.parametrize(("address", "why"), EMBEDDED_PRIVATE)
def test_ipv6_carrying_a_non_public_ipv4_address_is_refused_before_connecting(address, why):
    assert why in refused_connect(f"https://[{address}]/hook")


@pytest.mark.parametrize("address", ["64:ff9b::5db8:d70e", "2002:5db8:d70e::1"])
def test_ipv6_carrying_a_public_ipv4_address_is_still_allowed(address):
    from toolkits_core.service import refused_address

    assert refused_address(address) is None


def test_a_name_resolving_to_loopback_is_refused_at_delivery(receiver):
    port = receiver.url.split(":")[2].split("/")[0]
    assert "loopback" in refused_connect(f"http://localhost:{port}/hook")
    rebound = refused_connect(
        f"https://rebinding.example.org:{port}/hook", lambda host, port: ["127.0.0.1"]
    )
    assert "loopback" in rebound
    assert receiver.received == []


def test_dns_rebinding_after_the_check_is_refused_and_logged_by_the_worker(
    strict_admin, api, receiver, deliver
):
    """Public when saved, loopback when delivered: the worker refuses, nothing is sent."""
    port = receiver.url.split(":")[2].split("/")[0]
    made = strict_admin.post(
        "webhooks",
        json={"url": f"https://rebinding.example.org:{port}/hook", "event_types": ["*"]},
    ).json
    api.post("initiatives", json={"toolkit": "coproduction-star", "title": "Walks"})
    log = lambda: strict_admin.get(f"webhooks/{made['id']}/deliveries").json["items"]  # noqa: E731
    deliver(
        lambda: len(log()) >= 1,
        allow_private=False,
        resolve=lambda host, port: ["127.0.0.1"],
    )
    first = log()[0]
    assert first["outcome"] == "refused"
    assert "loopback" in first["error"]
    assert receiver.received == []
    strict_admin.delete(f"webhooks/{made['id']}")


def test_a_redirect_to_loopback_is_not_followed(api, subscribe, receiver, deliver):
    target = Receiver()
    try:
        receiver.answers = [302]
        receiver.headers = {"Location": target.url}
        made = subscribe(receiver.url, ["initiative.created"])
        api.post("initiatives", json={"toolkit": "coproduction-star", "title": "Walks"})
        deliver(lambda: len(receiver.received) >= 1)
        assert target.received == []
        assert receiver.received[0].status == 302
        del made
    finally:
        target.close()


def test_retry_after_is_read_as_seconds_or_as_an_http_date():
    now = dt.datetime(2026, 12, 4, 12, 0, tzinfo=dt.UTC)
    assert retry_after_seconds("120", now) == 120
    assert retry_after_seconds("Fri, 04 Dec 2026 12:01:30 GMT", now) == 90
    assert retry_after_seconds("soon", now) is None
    assert retry_after_seconds(None, now) is None


def test_the_settings_are_read_from_the_environment():
    settings = WebhookSettings.from_environ(
        {
            "COPROD_WEBHOOKS_ALLOW_PRIVATE": "1",
            "COPROD_WEBHOOKS_GIVE_UP_AFTER": "60",
            "COPROD_WEBHOOKS_TIMEOUT": "5",
        }
    )
    assert settings.allow_private
    assert settings.give_up_after == dt.timedelta(seconds=60)
    assert settings.total_timeout == 5
    assert not WebhookSettings.from_environ({}).allow_private
    with pytest.raises(ValueError, match="COPROD_WEBHOOKS_TIMEOUT"):
        WebhookSettings.from_environ({"COPROD_WEBHOOKS_TIMEOUT": "-1"})
    assert dataclasses.replace(settings, allow_private=False).give_up_after.seconds == 60
