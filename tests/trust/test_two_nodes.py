"""Two machines: two gunicorn nodes sharing one PostgreSQL, one Redis and one object store.

Each node has its own working folder and nothing else of its own: rows are in
PostgreSQL, rate-limit counts in Redis (``COPROD_RATE_LIMIT_STORAGE``), evidence files in
S3-compatible object storage (``COPROD_FILES_URL``, moto's server here). The soak of
test_soak.py runs across both, its clients spread over them; part-way through, one node
is killed with SIGKILL (master and workers at once, as a machine dies) and started
again, and its clients carry on on the other node meanwhile. Afterwards:

- every acknowledged write is in the database, at the version and with the values the
  client was told (a write cut off by the kill, never answered, may or may not be there:
  the records it named are checked leniently, and counted);
- every committed row's file is in the object store, holding the bytes its name says;
  what the kill left behind (a file whose row never committed) is swept by
  ``coprod files gc``, after which the store holds exactly the files rows name;
- the rate limit is one quota across both nodes: a key's requests, alternated between
  them, are served exactly the quota's number of times.

It runs in the default suite on PostgreSQL with Redis, in about a minute.
"""

from __future__ import annotations

import hashlib
import http.client as http_client
import os
import pathlib
import re
import secrets
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from conftest import bytes_named
from ports import free_port

from toolkits_core._store.models import stored_file_name
from toolkits_core.service import (
    Database,
    Evidence,
    ObjectFileStore,
    create_key,
    create_organisation,
)

from .conftest import SOAK_FIGURES, GunicornNode, Http, Reply
from .test_soak import MODELS, ORGANISATIONS, Ack, Client, Soak

SECONDS = float(os.environ.get("COPROD_TWO_NODE_SECONDS", "15"))
CLIENTS = 8
QUOTA = 1000
REDIS_URL = os.environ.get("COPROD_TEST_REDIS_URL", "redis://127.0.0.1:6379/5")
RECORD_ID = re.compile(r"[a-z]{3}_[0-9a-z]{26}")
CUT = 599
"""The status a request cut off by the kill is noted as: it never had an answer."""


def _redis_or_skip(url: str) -> Any:
    try:
        import redis
    except ImportError:
        pytest.skip("needs the redis package: pip install -e '.[test]'")
    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as error:
        pytest.skip(f"needs Redis at {url} (set COPROD_TEST_REDIS_URL): {error}")
    return client


class Cluster:
    def __init__(self, nodes: list[GunicornNode], store: ObjectFileStore) -> None:
        self.nodes = nodes
        self.store = store
        self.environment = nodes[0].environment

    @property
    def ports(self) -> list[int]:
        return [node.port for node in self.nodes]


@pytest.fixture(scope="module")
def cluster(
    database: Database, object_store: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Cluster]:
    if database.is_sqlite:
        pytest.skip(
            "two nodes need PostgreSQL (set COPROD_TEST_DATABASE_URL): machines share a "
            "database server, never an SQLite file"
        )
    redis = _redis_or_skip(REDIS_URL)
    prefix = f"coprod-two-nodes-{secrets.token_hex(4)}"
    url = f"s3://{object_store.bucket}/two-nodes-{secrets.token_hex(3)}"
    env = {
        **object_store.environment(),
        "COPROD_FILES_URL": url,
        "COPROD_RATE_LIMIT": f"{QUOTA}/minute",
        "COPROD_RATE_LIMIT_STORAGE": REDIS_URL,
        "COPROD_RATE_LIMIT_PREFIX": prefix,
    }
    work = tmp_path_factory.mktemp("two-nodes")
    nodes = [
        GunicornNode(database, work / name, "api:create_app()", workers=2, threads=4, env=env)
        for name in ("node-a", "node-b")
    ]
    nodes[0].upgrade_database()
    try:
        for node in nodes:
            node.start()
        yield Cluster(nodes, ObjectFileStore(url, client=object_store.client()))
    finally:
        for node in nodes:
            node.stop()
        for key in redis.scan_iter(f"{prefix}*"):
            redis.delete(key)


class TwoNodeSoak(Soak):
    """The soak's shared state, with two ports, a node that may be down, and the records
    that requests cut off by the kill named (their outcome is unknown to the client)."""

    def __init__(self, organisation_ids: list[str], tokens: list[str], ports: list[int]) -> None:
        super().__init__(organisation_ids, tokens, ports[0])
        self.ports = ports
        self.down: int | None = None
        self.doubtful: set[str] = set()
        self.cut_writes = 0
        self.served: Counter[str] = Counter()

    def note(self, operation: str, reply: Reply, what: str) -> bool:
        if reply.status == CUT:
            return False
        return super().note(operation, reply, what)


class NodeClient(Client):
    """A soak client on one node, moving to the other while its node is down."""

    def __init__(self, soak: TwoNodeSoak, number: int, deadline: float, token: str) -> None:
        super().__init__(soak, number, deadline)
        self.cluster_soak = soak
        self.home = number % 2
        self.token = token
        self.http.close()
        self.on = self.home
        self.http = Http(soak.ports[self.on], token, timeout=30)

    def _node(self) -> int:
        down = self.cluster_soak.down
        return 1 - self.home if down == self.home else self.home

    def send(self, method: str, path: str, **options: Any) -> Reply:
        self.requests += 1
        wanted = self._node()
        if wanted != self.on:
            self.http.close()
            self.on = wanted
            self.http = Http(self.cluster_soak.ports[wanted], self.token, timeout=30)
        try:
            reply = self.http.request(method, path, **options)
        except (OSError, http_client.HTTPException):
            self.http.close()
            self.http = Http(self.cluster_soak.ports[self.on], self.token, timeout=30)
            with self.soak.lock:
                if method != "GET":
                    self.cluster_soak.cut_writes += 1
                    self.cluster_soak.doubtful.update(RECORD_ID.findall(path))
            return Reply(CUT, http_client.HTTPMessage(), b"")
        with self.soak.lock:
            self.cluster_soak.served[f"node {'ab'[self.on]}"] += 1
        return reply


def check_acknowledged(database: Database, soak: TwoNodeSoak) -> dict[str, int]:
    """Every acknowledged write is stored; what a cut request named is checked leniently."""
    problems: list[str] = []
    by_record: dict[tuple[str, str], list[Ack]] = defaultdict(list)
    for ack in soak.acks:
        by_record[(ack.kind, ack.record_id)].append(ack)
    with database.session() as session:
        for (kind, record_id), acks in by_record.items():
            doubtful = record_id in soak.doubtful
            versions = sorted(ack.version for ack in acks if ack.version is not None)
            if len(set(versions)) != len(versions):
                problems.append(f"{kind} {record_id}: a version acknowledged twice {versions}")
            if not doubtful and versions != list(range(1, len(versions) + 1)):
                problems.append(f"{kind} {record_id}: acknowledged versions {versions}")
            model = MODELS.get(kind)
            if model is None:
                continue
            row = session.get(model, record_id)
            if any(ack.deleted for ack in acks):
                if row is not None:
                    problems.append(f"{kind} {record_id} was acknowledged deleted but is there")
                continue
            if row is None:
                if not doubtful:  # a cut DELETE may have gone through
                    problems.append(f"{kind} {record_id} was acknowledged but is gone")
                continue
            if row.version < versions[-1] or (not doubtful and row.version != versions[-1]):
                problems.append(f"{kind} {record_id}: version {row.version}, told {versions}")
            if row.version != versions[-1]:
                continue  # a cut write came after the last acknowledged one
            latest: dict[str, Any] = {}
            for ack in sorted(acks, key=lambda item: item.version or 0):
                latest.update({k: v for k, v in ack.fields.items() if k != "entry"})
            for name, value in latest.items():
                if getattr(row, name) != value:
                    problems.append(
                        f"{kind} {record_id}.{name}: {getattr(row, name)!r}, told {value!r}"
                    )
    assert not problems, "\n".join(problems[:30])
    return {"records checked": len(by_record), "records a cut write named": len(soak.doubtful)}


def named_files(database: Database, organisations: list[str]) -> set[tuple[str, str, str]]:
    """(organisation, evidence, the name its file is kept under) of every row naming one."""
    with database.session() as session:
        return {
            (str(o), str(e), str(s))
            for o, e, s in session.execute(
                sa.select(Evidence.organisation_id, Evidence.id, stored_file_name()).where(
                    Evidence.organisation_id.in_(organisations),
                    Evidence.file_sha256.is_not(None),
                )
            )
        }


def stored_files(
    store: ObjectFileStore, organisations: list[str]
) -> dict[tuple[str, str, str], Any]:
    return {
        (entry.organisation_id, entry.evidence_id, entry.name): entry
        for organisation in organisations
        for entry in store.entries(organisation)
    }


def coprod(cluster: Cluster, *arguments: str) -> subprocess.CompletedProcess[str]:
    """The coprod command, as an operator runs it on a third machine."""
    command = pathlib.Path(sys.executable).with_name("coprod")
    return subprocess.run(
        [str(command), *arguments],
        env=cluster.environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def run_soak(database: Database, cluster: Cluster) -> TwoNodeSoak:
    tokens, organisation_ids, client_tokens = [], [], []
    with database.session() as session:
        for number in range(ORGANISATIONS):
            organisation = create_organisation(session, f"Two-node council {number}")
            organisation_ids.append(organisation.id)
            tokens.append(create_key(session, organisation.id, "soak", ["write"]).token)
        for number in range(CLIENTS):  # a key each: each key has its own quota
            organisation = organisation_ids[number % ORGANISATIONS]
            client_tokens.append(create_key(session, organisation, "client", ["write"]).token)
    soak = TwoNodeSoak(organisation_ids, tokens, cluster.ports)
    started = time.monotonic()
    clients = [
        NodeClient(soak, number, started + SECONDS, client_tokens[number])
        for number in range(CLIENTS)
    ]
    threads = [threading.Thread(target=client.run) for client in clients]
    for thread in threads:
        thread.start()
    time.sleep(SECONDS / 3)
    victim = cluster.nodes[0]
    for client in clients:  # the soak goes on until a while after the restart
        client.deadline = float("inf")
    soak.down = 0
    victim.kill()
    killed_at = time.monotonic() - started
    victim.start()
    soak.down = None
    restarted_at = time.monotonic() - started
    for client in clients:
        client.deadline = max(started + SECONDS, time.monotonic() + SECONDS / 3)
    before_restart = soak.served["node a"]
    for thread in threads:
        thread.join(SECONDS + 120)
    assert not any(thread.is_alive() for thread in threads), "a client hung"
    SOAK_FIGURES.update(
        {
            "two nodes: seconds": round(time.monotonic() - started, 1),
            "two nodes: clients": CLIENTS,
            "two nodes: node a killed at": round(killed_at, 1),
            "two nodes: node a serving again at": round(restarted_at, 1),
            "two nodes: requests served": dict(soak.served),
            "two nodes: writes acknowledged": len(soak.acks),
            "two nodes: writes cut off by the kill": soak.cut_writes,
        }
    )
    assert not soak.unexpected, "\n".join(soak.unexpected[:20])
    assert soak.served["node a"] > before_restart, "the restarted node served clients again"
    assert soak.served["node b"] > 0
    return soak


def test_two_nodes_lose_no_acknowledged_write_or_file_when_one_is_killed(
    database: Database, cluster: Cluster
) -> None:
    soak = run_soak(database, cluster)
    SOAK_FIGURES.update(
        {f"two nodes: {k}": v for k, v in check_acknowledged(database, soak).items()}
    )
    organisations = soak.organisation_ids
    named = named_files(database, organisations)
    stored = stored_files(cluster.store, organisations)
    assert named <= set(stored), f"rows without their file: {sorted(named - set(stored))[:5]}"
    acknowledged_files = {
        (ack.record_id, ack.fields.get("file_sha256"))
        for ack in soak.acks
        if ack.kind == "evidence" and ack.fields.get("file_sha256")
    }
    assert acknowledged_files, "the soak uploaded files"

    swept = coprod(cluster, "files", "gc", "--older-than", "0")
    assert swept.returncode == 0, swept.stderr
    left = stored_files(cluster.store, organisations)
    assert set(left) == named_files(database, organisations), swept.stdout
    for (organisation, evidence, name), _entry in left.items():
        with cluster.store.open(organisation, evidence, name) as stream:
            assert hashlib.sha256(stream.read()).hexdigest() == bytes_named(name)
    SOAK_FIGURES.update(
        {
            "two nodes: files checked": len(left),
            "two nodes: orphans swept by coprod files gc": len(stored) - len(named),
        }
    )
    for node in cluster.nodes:
        log = node.log.read_text()
        assert "Traceback" not in log, log[-5000:]


def test_two_nodes_hold_one_rate_limit_quota(database: Database, cluster: Cluster) -> None:
    """A key's quota spent half on each node: then both refuse it. Counted per node, each
    would have half its quota left."""
    with database.session() as session:
        organisation = create_organisation(session, "Quota council")
        token = create_key(session, organisation.id, "quota", ["read"]).token
    answers: Counter[tuple[str, int, int]] = Counter()
    lock = threading.Lock()

    def ask(phase: str, node: int, count: int) -> None:
        http = Http(cluster.ports[node], token, timeout=30)
        try:
            for _ in range(count):
                status = http.get("initiatives?limit=1").status
                with lock:
                    answers[(phase, node, status)] += 1
        finally:
            http.close()

    def spread(phase: str, per_thread: int) -> None:
        threads = [
            threading.Thread(target=ask, args=(phase, number % 2, per_thread))
            for number in range(8)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)

    spread("within the quota", QUOTA // 8)
    spread("past it", 5)
    SOAK_FIGURES["two nodes: one key's answers (phase, node, status)"] = dict(answers)
    for node in (0, 1):
        assert answers[("within the quota", node, 200)] == QUOTA // 2, dict(answers)
        assert answers[("past it", node, 429)] == 20, dict(answers)


def test_a_reply_cut_off_marks_the_records_it_named_as_in_doubt() -> None:
    """The lenient check is only for records a cut write named: a cut read, or a record
    no cut write named, is checked strictly (see check_acknowledged)."""
    soak = TwoNodeSoak(["org_" + "0" * 26], ["token"], [1, 2])
    client = NodeClient(soak, 0, time.monotonic(), "token")
    client.http = Http(free_port(), "token", timeout=1)  # nobody listens there
    client.on = client._node()
    reply = client.send("PATCH", "initiatives/ini_" + "1" * 26, json_body={})
    assert reply.status == CUT
    assert soak.doubtful == {"ini_" + "1" * 26}
    assert client.send("GET", "initiatives/ini_" + "2" * 26).status == CUT
    assert soak.doubtful == {"ini_" + "1" * 26}, "a read changes nothing"
    assert soak.note("change", reply, "cut") is False
    assert not soak.unexpected
