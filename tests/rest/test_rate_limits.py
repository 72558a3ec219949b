"""Rate limits: a quota per API key, and per client address for requests without a valid key.

Past the quota the answer is 429 with ``Retry-After`` and nothing is written; every
operation's answer says where its caller stands in ``RateLimit`` and ``RateLimit-Policy``
(draft-ietf-httpapi-ratelimit-headers-10). The counters live in the process by default
and in Redis when several workers must share them.
"""

from __future__ import annotations

import contextlib
import logging
import re
import threading
import time
import uuid

import pytest
import sqlalchemy as sa
from conftest import ApiClient
from fake_redis import FakeRedis

from api import ratelimit
from api.app import ConfigurationError
from api.context import services
from api.ratelimit import InProcessStorage, Limiter, Quota, parse_quota
from api.spec import openapi_document

STAR = "coproduction-star"
REDIS_URL = "redis://127.0.0.1:6379/0"
TEST_PREFIX = "coprod-test-edge:"
HTTP_METHODS = {"get", "post", "put", "patch", "delete"}
_ITEM = re.compile(r'"([a-z]+)"((?:;[a-z]+=\d+)+)')


def parsed(value: str) -> tuple[str, dict[str, int]]:
    """A one-item structured-field list such as ``"key";r=3;t=60``, as (name, parameters)."""
    found = _ITEM.fullmatch(value)
    assert found is not None, value
    parameters = dict(part.split("=") for part in found[2].strip(";").split(";"))
    return found[1], {name: int(number) for name, number in parameters.items()}


def standing(response) -> tuple[str, int, int, int, int]:
    """(policy, quota, window, remaining, seconds to reset) from an answer's fields."""
    policy, quota = parsed(response.headers["RateLimit-Policy"])
    name, left = parsed(response.headers["RateLimit"])
    assert name == policy
    assert set(quota) == {"q", "w"}
    assert set(left) == {"r", "t"}
    return policy, quota["q"], quota["w"], left["r"], left["t"]


def refused(response) -> dict:
    assert response.status_code == 429, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.json
    assert body["code"] == "rate_limited"
    assert body["type"] == "urn:coprod:problem:rate_limited"
    wait = int(response.headers["Retry-After"])
    assert 1 <= wait <= 60
    assert body["retry_after"] == wait
    _, _, _, remaining, reset = standing(response)
    assert remaining == 0
    assert reset == wait  # the same moment, as the draft asks
    return body


class AddressedClient(ApiClient):
    """A test client whose requests come from a given address."""

    def __init__(self, flask_client, token: str | None, address: str) -> None:
        super().__init__(flask_client, token)
        self.address = address

    def request(self, method, path, **options):
        options.setdefault("environ_base", {"REMOTE_ADDR": self.address})
        return super().request(method, path, **options)


def client_for(app, token: str | None, address: str = "127.0.0.1") -> AddressedClient:
    return AddressedClient(app.test_client(), token, address)


def operations(app):
    """The operations a bearer opens (all but the token endpoint, which its client opens
    with its id and secret: ``test_wrong_client_secrets_count_against_the_address``)."""
    document = openapi_document(app)
    for path, item in document["paths"].items():
        for method in sorted(set(item) & HTTP_METHODS):
            if "x-required-scope" in item[method]:
                yield method, path


def filled(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "nope_00000000000000000000000000", path)


# Every operation -------------------------------------------------------------------------


def test_every_operations_answer_says_where_the_caller_stands(make_app, org):
    app = make_app(RATE_LIMIT="1000/hour")
    keyed = client_for(app, org.tokens["admin"])
    anonymous = client_for(app, None, "127.0.0.9")
    seen = 0
    for number, (method, path) in enumerate(operations(app), start=1):
        answer = keyed.request(method.upper(), filled(path))
        assert standing(answer)[:4] == ("key", 1000, 3600, 1000 - number), (method, path)
        assert 0 < standing(answer)[4] <= 3600
        # A streamed answer (the export) keeps its request's context until it is closed;
        # the test client would otherwise run the next request inside it.
        answer.close()
        refusal = anonymous.request(method.upper(), filled(path))
        assert refusal.status_code == 401, (method, path)
        assert standing(refusal)[:4] == ("address", 1000, 3600, 1000 - number), (method, path)
        seen += 1
    assert seen == len(list(operations(app))) >= 40


def test_the_api_document_and_its_viewer_are_not_limited(make_app):
    app = make_app(RATE_LIMIT="1/minute")
    client = app.test_client()
    page = client.get("/api/v1/docs")
    asset = re.search(r'src="(/api/v1/docs/assets/[^"]+)"', page.get_data(as_text=True))
    assert asset is not None
    for _ in range(3):
        for path in ("/api/v1/openapi.json", "/api/v1/docs", asset[1]):
            response = client.get(path)
            assert response.status_code == 200, path
            assert "RateLimit" not in response.headers
            response.close()


# Refusals --------------------------------------------------------------------------------


def test_past_the_quota_a_key_hears_429_and_its_write_is_not_made(make_app, org):
    app = make_app(RATE_LIMIT="3/minute")
    api = client_for(app, org.tokens["write"])
    remaining = [standing(api.get("initiatives"))[3] for _ in range(3)]
    assert remaining == [2, 1, 0]
    body = refused(api.post("initiatives", json={"toolkit": STAR, "title": "Too many"}))
    assert "3 requests in 60 seconds" in body["detail"]
    refused(api.get("initiatives"))
    reader = client_for(app, org.tokens["read"])
    listed = reader.get("initiatives")
    assert listed.status_code == 200
    assert listed.json["items"] == []


def test_keys_are_limited_independently(make_app, org, other_org):
    app = make_app(RATE_LIMIT="2/minute")
    spent = client_for(app, org.tokens["write"])
    spent.get("initiatives")
    spent.get("initiatives")
    refused(spent.get("initiatives"))
    for token in (org.tokens["read"], other_org.tokens["write"]):
        fresh = client_for(app, token)
        answer = fresh.get("initiatives")
        assert answer.status_code == 200
        assert standing(answer)[:4] == ("key", 2, 60, 1)


def test_requests_without_a_valid_key_are_limited_by_address(make_app, org):
    """Once an address has spent its quota on bad keys, even a right key is refused from
    it: a guesser cannot tell a hit from a miss. Other addresses are not touched."""
    app = make_app(RATE_LIMIT="3/minute")
    guesser = client_for(app, "coprod_key_guess.not-a-secret", "127.0.0.7")
    answers = [guesser.get("initiatives") for _ in range(3)]
    assert [a.status_code for a in answers] == [401, 401, 401]
    assert [standing(a)[3] for a in answers] == [2, 1, 0]
    assert all(standing(a)[0] == "address" for a in answers)
    body = refused(client_for(app, org.tokens["write"], "127.0.0.7").get("initiatives"))
    assert "without a valid API key" in body["detail"]
    refused(client_for(app, None, "127.0.0.7").get("initiatives"))
    elsewhere = client_for(app, org.tokens["write"], "127.0.0.8").get("initiatives")
    assert elsewhere.status_code == 200
    assert standing(elsewhere)[:4] == ("key", 3, 60, 2)


def test_a_key_refused_for_its_scope_counts_against_the_key_not_the_address(make_app, org):
    app = make_app(RATE_LIMIT="3/minute")
    reader = client_for(app, org.tokens["read"], "127.0.0.9")
    answers = [reader.post("initiatives", json={}) for _ in range(2)]
    assert [a.status_code for a in answers] == [403, 403]
    assert [standing(a)[0] for a in answers] == ["key", "key"]
    assert [standing(a)[3] for a in answers] == [2, 1]
    anonymous = client_for(app, None, "127.0.0.9").get("initiatives")
    assert standing(anonymous)[:4] == ("address", 3, 60, 2)


@contextlib.contextmanager
def key_row_reads(app):
    """The SQL statements that read or write the api_keys table, as the engine runs them."""
    statements: list[str] = []

    def seen(_conn, _cursor, statement, *_args):
        if "api_keys" in statement:
            statements.append(statement)

    engine = services(app).database.engine
    sa.event.listen(engine, "before_cursor_execute", seen)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", seen)


def test_past_its_quota_a_key_hears_429_whatever_it_asks_even_what_it_may_not(make_app, org):
    """A key refused 403 for its scope is still held to its quota: the 21st request is 429,
    not yet another 403, and once the key is known to be spent its row is not read."""
    app = make_app(RATE_LIMIT="20/minute")
    reader = client_for(app, org.tokens["read"])
    with key_row_reads(app) as statements:
        answers = [
            reader.post("keys", json={"name": "mine now", "scopes": ["admin"]}) for _ in range(40)
        ]
    assert [a.status_code for a in answers] == [403] * 20 + [429] * 20
    assert [standing(a)[:4] for a in answers[:20]] == [
        ("key", 20, 60, left) for left in range(19, -1, -1)
    ]  # each request counted once
    for answer in answers[20:]:
        assert "more than 20 requests in 60 seconds" in refused(answer)["detail"]
    lookups = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(lookups) == 20, statements  # none for the 20 refused past the quota
    listed = client_for(app, org.tokens["admin"]).get("keys")
    assert len(listed.json["items"]) == 3  # no key was made


def test_a_spent_keys_429_does_not_tell_a_right_secret_from_a_wrong_one(make_app, org, monkeypatch):
    app = make_app(RATE_LIMIT="2/minute")
    # The clock stands still: the two answers say the seconds left in the window, which
    # would differ by one if the two requests fell either side of a whole second.
    counting = ratelimit.limiter(app)
    assert counting is not None
    assert isinstance(counting.storage, InProcessStorage)
    now = time.time()
    monkeypatch.setattr(counting, "_clock", lambda: now)
    monkeypatch.setattr(counting.storage, "_clock", lambda: now)
    right = client_for(app, org.tokens["read"], "127.0.0.41")
    right.get("initiatives")
    right.get("initiatives")
    key_id = _key_id(org.tokens["read"])
    wrong = client_for(app, f"coprod_{key_id}.not-the-secret", "127.0.0.41")
    with key_row_reads(app) as statements:
        with_right, with_wrong = right.get("initiatives"), wrong.get("initiatives")
    assert statements == []
    assert refused(with_right) == refused(with_wrong)
    assert standing(with_right)[:4] == standing(with_wrong)[:4]


def test_bad_secrets_for_a_key_id_count_against_the_address_not_the_key(make_app, org):
    """Only a request the key's secret opened counts against a key: nobody who merely
    knows a key's id can spend its quota and lock its owner out."""
    app = make_app(RATE_LIMIT="3/minute")
    key_id = _key_id(org.tokens["read"])
    guesser = client_for(app, f"coprod_{key_id}.guess", "127.0.0.42")
    assert [guesser.get("initiatives").status_code for _ in range(3)] == [401, 401, 401]
    refused(guesser.get("initiatives"))
    owner = client_for(app, org.tokens["read"], "127.0.0.43").get("initiatives")
    assert owner.status_code == 200
    assert standing(owner)[:4] == ("key", 3, 60, 2)


def test_an_ipv6_client_is_limited_by_its_64(make_app):
    app = make_app(RATE_LIMIT="2/minute")
    for address in ("2001:db8:0:1::1", "2001:db8:0:1::2"):
        assert client_for(app, None, address).get("initiatives").status_code == 401
    refused(client_for(app, None, "2001:db8:0:1::3").get("initiatives"))
    assert client_for(app, None, "2001:db8:0:2::1").get("initiatives").status_code == 401
    assert ratelimit.client_partition("2001:db8::1") == "2001:db8::/64"
    assert ratelimit.client_partition("::ffff:127.0.0.3") == "127.0.0.3"
    assert ratelimit.client_partition("127.0.0.3") == "127.0.0.3"


def test_behind_trusted_proxies_the_forwarded_address_is_limited(make_app):
    app = make_app(RATE_LIMIT="1/minute", TRUSTED_PROXIES=1)
    client = app.test_client()

    def anonymous(forwarded: str):
        return client.get("/api/v1/initiatives", headers={"X-Forwarded-For": forwarded})

    assert anonymous("127.0.0.21").status_code == 401
    refused(anonymous("127.0.0.21"))
    assert anonymous("127.0.0.22").status_code == 401


# Settings --------------------------------------------------------------------------------


def test_the_default_quota_is_the_production_one(make_app, org, monkeypatch):
    for variable in (ratelimit.RATE_LIMIT_VARIABLE, ratelimit.STORAGE_VARIABLE):
        monkeypatch.delenv(variable, raising=False)
    app = make_app()
    limiter = ratelimit.limiter(app)
    assert limiter is not None
    assert limiter.quota == Quota(1200, 60) == parse_quota(ratelimit.DEFAULT_RATE_LIMIT)
    assert isinstance(limiter.storage, InProcessStorage)
    answer = client_for(app, org.tokens["read"]).get("initiatives")
    assert standing(answer)[:4] == ("key", 1200, 60, 1199)


def test_the_environment_sets_the_quota(make_app, org, monkeypatch):
    monkeypatch.setenv(ratelimit.RATE_LIMIT_VARIABLE, "5/hour")
    answer = client_for(make_app(), org.tokens["read"]).get("initiatives")
    assert standing(answer)[:3] == ("key", 5, 3600)


@pytest.mark.parametrize("value", ["off", "OFF", "0"])
def test_rate_limiting_can_be_turned_off(make_app, org, value):
    app = make_app(RATE_LIMIT=value)
    assert ratelimit.limiter(app) is None
    api = client_for(app, org.tokens["read"])
    for _ in range(5):
        answer = api.get("initiatives")
        assert answer.status_code == 200
        assert "RateLimit" not in answer.headers


@pytest.mark.parametrize(
    ("value", "quota"),
    [
        ("600/minute", Quota(600, 60)),
        ("10/second", Quota(10, 1)),
        ("5000/hour", Quota(5000, 3600)),
        ("100000/day", Quota(100000, 86400)),
        ("100/10seconds", Quota(100, 10)),
        (" 50 / Minutes ", Quota(50, 60)),
    ],
)
def test_a_quota_is_requests_per_window(value, quota):
    assert parse_quota(value) == quota


@pytest.mark.parametrize(
    "value", ["lots", "600", "600/fortnight", "-1/minute", "0/minute", "1.5/minute", "6/0hours"]
)
def test_a_quota_that_is_not_one_stops_the_app_naming_its_variable(make_app, monkeypatch, value):
    monkeypatch.setenv(ratelimit.RATE_LIMIT_VARIABLE, value)
    with pytest.raises(ConfigurationError, match=r"COPROD_RATE_LIMIT is .*N/minute"):
        make_app()
    with pytest.raises(ConfigurationError, match="app setting RATE_LIMIT"):
        make_app(RATE_LIMIT=value)


def test_a_store_that_is_not_redis_stops_the_app(make_app, monkeypatch):
    monkeypatch.setenv(ratelimit.STORAGE_VARIABLE, "memcached://127.0.0.1:11211")
    with pytest.raises(ConfigurationError, match=r"COPROD_RATE_LIMIT_STORAGE is .*redis://"):
        make_app()


# The in-process store --------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_window_starts_at_its_first_request_and_ends_after_its_length():
    clock = Clock()
    limiter = Limiter(Quota(5, 60), InProcessStorage(clock), clock)
    assert limiter.hit("key", "a").remaining == 4
    clock.now += 59.5
    decision = limiter.hit("key", "a")
    assert (decision.remaining, decision.reset_after) == (3, 0.5)
    assert limiter.peek("key", "a").remaining == 3
    clock.now += 0.5
    assert limiter.peek("key", "a").remaining == 5
    decision = limiter.hit("key", "a")
    assert (decision.remaining, decision.reset_after) == (4, 60)


def test_the_request_past_the_quota_is_refused_and_the_bucket_stays_spent():
    clock = Clock()
    limiter = Limiter(Quota(2, 60), InProcessStorage(clock), clock)
    assert [limiter.hit("key", "a").refused for _ in range(3)] == [False, False, True]
    assert limiter.peek("key", "a").exhausted
    assert not limiter.peek("key", "b").exhausted


def test_ended_windows_are_swept_so_memory_stays_bounded():
    clock = Clock()
    storage = InProcessStorage(clock)
    limiter = Limiter(Quota(5, 60), storage, clock)
    for number in range(500):
        limiter.hit("address", str(number))
    assert len(storage) == 500
    clock.now += 61
    limiter.hit("address", "late")
    assert len(storage) == 1


def test_the_in_process_store_counts_every_hit_from_many_threads():
    limiter = Limiter(Quota(10_000, 60), InProcessStorage())
    threads = [
        threading.Thread(target=lambda: [limiter.hit("key", "shared") for _ in range(500)])
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert limiter.peek("key", "shared").remaining == 10_000 - 4000


# Redis -----------------------------------------------------------------------------------


@pytest.fixture
def redis_prefix(monkeypatch):
    """A key prefix of this test's own in the Redis at 127.0.0.1:6379, emptied afterwards.

    The storage waits 5 s for Redis, not a quarter of one: on a busy machine an answer
    later than that would be asked again (counted twice) or skipped (failing open), and
    these tests count exactly."""
    monkeypatch.setattr(ratelimit, "TIMEOUT_SECONDS", 5.0)
    redis = pytest.importorskip("redis", reason="the redis package is not installed")
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5, socket_timeout=0.5)
    try:
        client.ping()
    except redis.RedisError as error:
        pytest.skip(f"no Redis answers at {REDIS_URL}, so the shared store is untested: {error}")
    prefix = f"{TEST_PREFIX}{uuid.uuid4().hex}:"
    yield client, prefix
    keys = list(client.scan_iter(match=f"{prefix}*"))
    if keys:
        client.delete(*keys)
    client.close()


def test_two_apps_sharing_redis_share_the_quota(make_app, org, redis_prefix):
    client, prefix = redis_prefix
    settings = {"RATE_LIMIT": "3/minute", "RATE_LIMIT_STORAGE": REDIS_URL}
    first = make_app(**settings, RATE_LIMIT_PREFIX=prefix)
    second = make_app(**settings, RATE_LIMIT_PREFIX=prefix)
    on_first, on_second = (
        client_for(first, org.tokens["write"]),
        client_for(second, org.tokens["write"]),
    )
    assert standing(on_first.get("initiatives"))[3] == 2
    assert standing(on_second.get("initiatives"))[3] == 1
    assert standing(on_first.get("initiatives"))[3] == 0
    refused(on_second.post("initiatives", json={"toolkit": STAR, "title": "Too many"}))
    assert on_first.as_key(org.tokens["read"]).get("initiatives").json["items"] == []
    limiter = ratelimit.limiter(first)
    assert limiter is not None
    counter = f"{prefix}{limiter.bucket('key', _key_id(org.tokens['write']))}"
    assert int(client.get(counter)) == 3  # the 4th was refused unread and uncounted
    assert 0 < client.pttl(counter) <= 60_000  # the window's expiry was set with its count


def test_bad_keys_are_counted_per_address_across_apps(make_app, org, redis_prefix):
    _, prefix = redis_prefix
    settings = {"RATE_LIMIT": "2/minute", "RATE_LIMIT_STORAGE": REDIS_URL}
    first = make_app(**settings, RATE_LIMIT_PREFIX=prefix)
    second = make_app(**settings, RATE_LIMIT_PREFIX=prefix)
    assert client_for(first, None, "127.0.0.31").get("initiatives").status_code == 401
    assert client_for(second, None, "127.0.0.31").get("initiatives").status_code == 401
    refused(client_for(first, org.tokens["write"], "127.0.0.31").get("initiatives"))


def test_the_redis_store_counts_every_hit_from_many_threads(redis_prefix):
    client, prefix = redis_prefix
    limiter = Limiter(Quota(1000, 60), ratelimit.redis_storage(REDIS_URL, prefix))
    threads = [
        threading.Thread(target=lambda: [limiter.hit("key", "shared") for _ in range(50)])
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert limiter.peek("key", "shared").remaining == 1000 - 400
    assert 0 < client.pttl(f"{prefix}{limiter.bucket('key', 'shared')}") <= 60_000


def test_when_redis_is_down_requests_are_served_unlimited_with_one_warning(make_app, org, caplog):
    """Fail open: a limiter that cannot count must not take the API down with it."""
    pytest.importorskip("redis", reason="the redis package is not installed")
    app = make_app(RATE_LIMIT="1/minute", RATE_LIMIT_STORAGE="redis://127.0.0.1:1/0")
    api = client_for(app, org.tokens["read"])
    with caplog.at_level(logging.WARNING, logger="api.ratelimit"):
        answers = [api.get("initiatives") for _ in range(3)]
        answers.append(client_for(app, None).get("initiatives"))
    assert [a.status_code for a in answers] == [200, 200, 200, 401]
    assert all("RateLimit" not in a.headers for a in answers)
    warnings = [r for r in caplog.records if r.name == "api.ratelimit"]
    assert len(warnings) == 1
    assert "serving requests unlimited" in warnings[0].getMessage()


@pytest.fixture
def fake_redis(request, monkeypatch):
    """A Redis stand-in meeting the fault the test names (``fake_redis.py``); the storage
    waits 1 s for it, long enough for its prompt answers on a busy machine."""
    pytest.importorskip("redis", reason="the redis package is not installed")
    monkeypatch.setattr(ratelimit, "TIMEOUT_SECONDS", 1.0)
    redis = FakeRedis(request.param)
    yield redis
    redis.close()


@pytest.mark.parametrize("fake_redis", ["slow"], indirect=True)
def test_a_count_that_times_out_is_not_sent_again_so_it_is_counted_once(fake_redis, caplog):
    """A slow Redis counts a request whose answer came too late: asking again would count
    it twice, which a client near its quota hears as a 429 it did not earn."""
    limiter = Limiter(Quota(10, 60), ratelimit.redis_storage(fake_redis.url))
    with caplog.at_level(logging.WARNING, logger="api.ratelimit"):
        assert limiter.hit("key", "slow") is None  # served unlimited, as when Redis is down
    assert (fake_redis.received, fake_redis.executed) == (1, 1)
    assert "Timeout reading" in caplog.text


@pytest.mark.parametrize("fake_redis", ["hang up"], indirect=True)
def test_a_count_whose_connection_was_lost_is_sent_once_more(fake_redis):
    limiter = Limiter(Quota(10, 60), ratelimit.redis_storage(fake_redis.url))
    decision = limiter.hit("key", "dropped")
    assert decision is not None
    assert decision.remaining == 9
    assert (fake_redis.received, fake_redis.executed) == (2, 1)


def _key_id(token: str) -> str:
    """The key id a token names (``coprod_<key id>.<secret>``)."""
    return token.removeprefix("coprod_").split(".", 1)[0]


def test_wrong_client_secrets_count_against_the_address(make_app, org):
    """Guessing an OAuth2 client's secret is limited as guessing keys is: each 401 from the
    token endpoint counts against the address, which then hears 429 even for the right one."""
    app = make_app(RATE_LIMIT="3/minute")
    made = org.with_scope("admin").post("oauth/clients", json={"name": "c", "scopes": ["read"]})
    client = app.test_client()

    def ask(secret):
        form = {"grant_type": "client_credentials", "client_id": made.json["client_id"],
                "client_secret": secret}  # fmt: skip
        return client.post("/api/v1/oauth/token", data=form,
                           environ_base={"REMOTE_ADDR": "198.51.100.7"})  # fmt: skip

    assert [ask("wrong").status_code for _ in range(3)] == [401, 401, 401]
    refused = ask(made.json["client_secret"])
    assert refused.status_code == 429
    assert refused.json["code"] == "rate_limited"
