"""The load and fault test behind `make load`: many clients over loopback while PostgreSQL
is stopped and started again, then every write checked against the database.

Clients are threads, each sending one request at a time on a fresh connection (gunicorn's
sync workers close every connection): anonymous reads (API lists with filters, details,
timeline pages, filtered exports) and an analyst's token writes (operations created with
their forces, targets and claims; edits; claims added). Each write carries a marker, so
that it can be found in the database whatever the client was told.
"""

import datetime as dt
import http.client
import json
import random
import statistics
import subprocess
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from .unavailable import MESSAGE

# What a client asks for, and how often (out of 100).
MIX = {
    "list": 25,
    "detail": 20,
    "timeline": 15,
    "export": 5,
    "create": 12,
    "edit": 12,
    "claim": 11,
}
WRITES = {"create", "edit", "claim"}
# A client waits this long for an answer: longer than any request of the mix takes.
CLIENT_TIMEOUT = 120
# Every operation a client creates has a title that starts with its marker.
MARKER = "load-"
UNAVAILABLE_TEXT = MESSAGE.split(":")[0].encode()
# A client told 503 waits before its next request: less than Retry-After, so that the
# run sees the moment the site is back.
PAUSE_AFTER_503 = 0.5


@dataclass
class Pools:
    """Published records of the filled database that requests refer to."""

    operations: list
    places: list
    organisations: list
    persons: list
    sources: list
    countries: list


@dataclass
class Result:
    """One request: when it was sent and answered (monotonic seconds), and how."""

    kind: str
    started: float
    ended: float
    status: int | None
    # A connection refused, reset or timed out, or a body cut short after its status.
    error: str = ""
    problem: str = ""
    # A write's answer, as JSON, when it succeeded.
    data: dict | None = None

    @property
    def ok(self):
        return self.status is not None and 200 <= self.status < 300 and not self.error


@dataclass
class Written:
    """An operation a client created, and what the database may hold for it."""

    marker: str
    parts: dict
    # 201 with this id; None when the client was not told (a 503 or a dropped connection).
    id: int | None = None
    # The title, summary and location precision last confirmed, and any sent since
    # without an answer: one of them is stored.
    fields: list = field(default_factory=list)
    claims: list = field(default_factory=list)
    maybe_claims: list = field(default_factory=list)
    edits: int = 0
    claims_sent: int = 0


@dataclass
class Client:
    """One simulated user: its own random sequence, and the operations it created."""

    number: int
    rng: random.Random
    created: list = field(default_factory=list)

    def known(self):
        """One of its operations whose id it was told, or None."""
        told = [written for written in self.created if written.id is not None]
        return self.rng.choice(told) if told else None


@dataclass
class Outage:
    """The fault: when PostgreSQL was told to stop, and when it was ready again."""

    stopping: float | None = None
    stopped: float | None = None
    ready: float | None = None
    error: str = ""

    def covers(self, result):
        """Whether a request was in flight at any moment of the outage."""
        if self.stopping is None:
            return False
        end = self.ready if self.ready is not None else float("inf")
        return result.started < end and result.ended > self.stopping


def cluster_serving(port):
    """The (version, name) of the local PostgreSQL cluster on `port`, from pg_lsclusters."""
    listing = subprocess.run(
        ["pg_lsclusters", "--no-header"], capture_output=True, text=True, check=True
    ).stdout
    for line in listing.splitlines():
        version, name, cluster_port, *_ = line.split()
        if int(cluster_port) == int(port):
            return version, name
    raise LookupError(f"no local PostgreSQL cluster listens on port {port} (pg_lsclusters)")


def pg_ctlcluster(cluster, action, *options):
    version, name = cluster
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, name, action, *options],
        check=True,
        capture_output=True,
    )


def stop_and_start(cluster, outage, *, after, seconds, stopwatch):
    """Stop PostgreSQL `after` seconds into the run, and start it `seconds` later."""
    time.sleep(after)
    outage.stopping = stopwatch()
    try:
        pg_ctlcluster(cluster, "stop", "-m", "fast")
        outage.stopped = stopwatch()
        time.sleep(seconds)
    except subprocess.CalledProcessError as error:
        outage.error = f"stopping it: {error.stderr.decode(errors='replace')}"
        return
    try:
        # pg_ctlcluster returns once the server accepts connections.
        pg_ctlcluster(cluster, "start")
        outage.ready = stopwatch()
    except subprocess.CalledProcessError as error:
        outage.error = f"starting it again: {error.stderr.decode(errors='replace')}"


def operation_payload(marker, rng, pools):
    """An operation with its forces, two targets and three claims, as an analyst sends it."""
    occurred = dt.datetime(2014, 1, 1, tzinfo=dt.UTC) + dt.timedelta(
        minutes=rng.randrange(12 * 365 * 24 * 60)
    )
    source = rng.choice(pools.sources)
    low = rng.randrange(5)
    return {
        "title": marker,
        "kind": rng.choice(["airstrike", "drone_strike", "ground_raid", "helicopter_raid"]),
        "occurred_at": occurred.isoformat(),
        "date_precision": "minute",
        "local_time_zone": "UTC",
        "place": rng.choice(pools.places),
        "location_precision": rng.choice(["exact", "near", "district"]),
        "summary": f"Recorded by {marker}.",
        "forces": [
            {"organisation": organisation, "role": role}
            for organisation, role in zip(
                rng.sample(pools.organisations, 2), ["lead", "partner"], strict=True
            )
        ],
        "targets": [
            {"person": rng.choice(pools.persons), "role": "commander", "outcome": "killed"},
            {"description": "an associate", "role": "", "outcome": "wounded"},
        ],
        "claims": [
            {
                "source": source,
                "point": "outcome",
                "target_index": 0,
                "outcome": "killed",
                "attribution": "officials, in a statement",
                "quote": f"{marker} claim 0",
            },
            {
                "source": source,
                "point": "casualties",
                "category": "civilians_killed",
                "count_low": low,
                "count_high": low + rng.randrange(3),
                "attribution": "",
                "quote": f"{marker} claim 1",
            },
            {
                "source": rng.choice(pools.sources),
                "point": "casualties",
                "category": "combatants_killed",
                "count_low": 1,
                "count_high": None,
                "attribution": "a local monitor",
                "quote": f"{marker} claim 2",
            },
        ],
    }


def claim_row(claim, target_position=None):
    """A claim as the check compares it: what was sent is what is stored."""
    return (
        claim["source"],
        claim["point"],
        claim.get("category", ""),
        claim.get("count_low"),
        claim.get("count_high"),
        claim.get("outcome", ""),
        claim.get("attribution", ""),
        claim.get("quote", ""),
        claim.get("target_index", target_position),
    )


def parts_sent(payload):
    """The fixed parts of a created operation, as the check compares them."""
    return {
        "kind": payload["kind"],
        "occurred_at": dt.datetime.fromisoformat(payload["occurred_at"]),
        "date_precision": payload["date_precision"],
        "local_time_zone": payload["local_time_zone"],
        "place": payload["place"],
        "forces": sorted((force["organisation"], force["role"]) for force in payload["forces"]),
        "targets": [
            (
                target.get("person"),
                target.get("description", ""),
                target["role"],
                target["outcome"],
            )
            for target in payload["targets"]
        ],
    }


def edited_fields(payload):
    return (payload["title"], payload["summary"], payload["location_precision"])


class Run:
    """One load run against a server at `url`; `token` is an analyst's."""

    def __init__(self, url, token, pools, *, clients, seconds, seed=0):
        parts = urlsplit(url)
        self.host, self.port = parts.hostname, parts.port
        self.token = token
        self.pools = pools
        self.clients = clients
        self.seconds = seconds
        self.seed = seed
        self.results = []
        self.deadline = seconds
        self.written = []
        self.begun = None

    def stopwatch(self):
        return time.monotonic() - self.begun

    def send(self, kind, method, path, body=None):
        """One request on a fresh connection; its result is recorded and returned."""
        headers = {"Accept": "*/*"}
        data = None
        if kind in WRITES:
            headers["Authorization"] = f"Token {self.token}"
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        started, status, content, error = self.stopwatch(), None, b"", ""
        connection = http.client.HTTPConnection(self.host, self.port, timeout=CLIENT_TIMEOUT)
        try:
            connection.request(method, path, body=data, headers=headers)
            response = connection.getresponse()
            status = response.status
            content = response.read()
        except (OSError, http.client.HTTPException) as exception:
            error = type(exception).__name__
        finally:
            connection.close()
        result = Result(kind, started, self.stopwatch(), status, error)
        if b"Traceback" in content:
            result.problem = "a traceback in the body"
        elif status == 503 and UNAVAILABLE_TEXT not in content:
            result.problem = "a 503 without the message"
        if result.ok and kind in WRITES:
            result.data = json.loads(content)
        self.results.append(result)
        return result

    # --- what a client does ----------------------------------------------------

    def filters(self, rng):
        start = rng.randrange(2014, 2025)
        return (
            f"country={rng.choice(self.pools.countries)}"
            f"&date_after={start}-01-01&date_before={start + rng.randrange(1, 3)}-12-31"
        )

    def list(self, client):
        rng = client.rng
        return self.send("list", "GET", f"/api/v1/operations/?{self.filters(rng)}&page_size=50")

    def detail(self, client):
        rng = client.rng
        return self.send(
            "detail", "GET", f"/api/v1/operations/{rng.choice(self.pools.operations)}/"
        )

    def timeline(self, client):
        rng = client.rng
        return self.send("timeline", "GET", f"/?{self.filters(rng)}")

    def export(self, client):
        rng = client.rng
        year = rng.randrange(2014, 2026)
        export_format = rng.choice(["csv", "geojson"])
        return self.send(
            "export",
            "GET",
            f"/api/v1/operations/?format={export_format}&country={rng.choice(self.pools.countries)}"
            f"&date_after={year}-01-01&date_before={year}-03-31",
        )

    def create(self, client):
        marker = f"{MARKER}{client.number}-{len(client.created)}"
        payload = operation_payload(marker, client.rng, self.pools)
        written = Written(
            marker,
            parts_sent(payload),
            fields=[edited_fields(payload)],
            claims=[claim_row(claim) for claim in payload["claims"]],
        )
        self.written.append(written)
        client.created.append(written)
        result = self.send("create", "POST", "/api/v1/operations/", payload)
        if result.ok:
            written.id = result.data["id"]
        return result

    def edit(self, client):
        written = client.known()
        if written is None:
            return self.create(client)
        rng = client.rng
        written.edits += 1
        payload = {
            "title": f"{written.marker} edited {written.edits}",
            "summary": f"Edited {written.edits} times.",
            "location_precision": rng.choice(["exact", "near", "district", "province"]),
        }
        result = self.send("edit", "PATCH", f"/api/v1/operations/{written.id}/", payload)
        if result.ok:
            written.fields = [edited_fields(payload)]
        else:
            written.fields.append(edited_fields(payload))
        return result

    def claim(self, client):
        written = client.known()
        if written is None:
            return self.create(client)
        rng = client.rng
        written.claims_sent += 1
        low = rng.randrange(10)
        claim = {
            "source": rng.choice(self.pools.sources),
            "point": "casualties",
            "category": rng.choice(["people_killed", "people_wounded", "detained"]),
            "count_low": low,
            "count_high": low + rng.randrange(4),
            "attribution": "a later report",
            "quote": f"{written.marker} added {written.claims_sent}",
        }
        result = self.send("claim", "POST", "/api/v1/claims/", {**claim, "operation": written.id})
        (written.claims if result.ok else written.maybe_claims).append(claim_row(claim))
        return result

    def client(self, number):
        client = Client(number, random.Random(f"{self.seed}-{number}"))
        kinds, weights = list(MIX), list(MIX.values())
        while self.stopwatch() < self.deadline:
            result = getattr(self, client.rng.choices(kinds, weights)[0])(client)
            if result.status == 503:
                time.sleep(PAUSE_AFTER_503)

    def run(self, fault=None):
        """Every client for `seconds`; `fault(stopwatch)` runs beside them in a thread, and
        then the clients go on for a third of `seconds` at least, to see the recovery."""
        self.begun = time.monotonic()
        self.deadline = self.seconds if fault is None else float("inf")
        threads = [
            threading.Thread(target=self.client, args=(number,), daemon=True)
            for number in range(self.clients)
        ]
        if fault is not None:
            threads.append(threading.Thread(target=self.fault, args=(fault,), daemon=True))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return self.stopwatch()

    def fault(self, fault):
        try:
            fault(self.stopwatch)
        finally:
            self.deadline = max(self.seconds, self.stopwatch() + self.seconds / 3)


# --- after the run -----------------------------------------------------------


def judge(results, outage):
    """What went wrong: a list of (result, reason) for every request that may not fail so."""
    failures = []
    for result in results:
        if result.problem:
            failures.append((result, result.problem))
        elif result.status is not None and result.status >= 500 and result.status != 503:
            failures.append((result, f"status {result.status}"))
        elif result.ok:
            continue
        elif not outage.covers(result):
            failures.append((result, f"{result.status or result.error} outside the outage"))
        elif result.status == 503:
            continue
        elif result.error and result.status == 200 and result.started < outage.stopping:
            # An export streaming when PostgreSQL stopped cannot turn into a 503.
            continue
        else:
            failures.append((result, f"{result.status or result.error} during the outage"))
    return failures


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def table(results, seconds):
    """Requests, req/s, p50 and p99 latency of the answered ones, and every status, by kind."""
    kinds = [*MIX, "all"]
    rows = [
        f"{'kind':10} {'requests':>8} {'req/s':>7} {'p50 ms':>8} {'p99 ms':>8}  answers",
    ]
    by_kind = defaultdict(list)
    for result in results:
        by_kind[result.kind].append(result)
        by_kind["all"].append(result)
    for kind in kinds:
        done = by_kind[kind]
        latencies = [(r.ended - r.started) * 1000 for r in done if r.ok]
        answers = Counter(str(r.status) + (f" {r.error}" if r.error else "") for r in done)
        rows.append(
            f"{kind:10} {len(done):8} {len(done) / seconds:7.1f} "
            f"{statistics.median(latencies) if latencies else 0:8.0f} "
            f"{percentile(latencies, 0.99) if latencies else 0:8.0f}  "
            + ", ".join(f"{answer}: {count}" for answer, count in sorted(answers.items()))
        )
    return "\n".join(rows)


def recovery(results, outage):
    """Seconds from PostgreSQL ready again to the first request answered with success."""
    after = [result.ended for result in results if result.ok and result.ended >= outage.ready]
    return min(after) - outage.ready if after else None


def outage_report(results, outage):
    if outage.stopping is None:
        return "No outage in this run."
    if outage.ready is None:
        return (
            f"PostgreSQL was told to stop at {outage.stopping:.1f} s; that failed, {outage.error}"
        )
    unavailable = sum(1 for result in results if result.status == 503)
    seconds = recovery(results, outage)
    return (
        f"PostgreSQL told to stop at {outage.stopping:.1f} s, stopped at {outage.stopped:.1f} s, "
        f"ready again at {outage.ready:.1f} s; {unavailable} answers were 503; "
        + (
            f"the first success came {seconds:.2f} s after it was ready."
            if seconds is not None
            else "no request succeeded after it was ready."
        )
    )


def stored_operations():
    """Every operation the clients' markers name, with what the check compares."""
    from .models import Operation

    operations = Operation.objects.filter(title__startswith=MARKER).prefetch_related(
        "forces", "targets", "claims"
    )
    stored = defaultdict(list)
    for operation in operations:
        targets = sorted(operation.targets.all(), key=lambda target: target.pk)
        position = {target.pk: index for index, target in enumerate(targets)}
        stored[operation.title.split()[0]].append(
            {
                "id": operation.pk,
                "fields": (operation.title, operation.summary, operation.location_precision),
                "parts": {
                    "kind": operation.kind,
                    "occurred_at": operation.occurred_at,
                    "date_precision": operation.date_precision,
                    "local_time_zone": operation.local_time_zone,
                    "place": operation.place_id,
                    "forces": sorted((f.organisation_id, f.role) for f in operation.forces.all()),
                    "targets": [(t.person_id, t.description, t.role, t.outcome) for t in targets],
                },
                "claims": sorted(
                    (
                        c.source_id,
                        c.point,
                        c.category,
                        c.count_low,
                        c.count_high,
                        c.outcome,
                        c.attribution,
                        c.quote,
                        position.get(c.target_id),
                    )
                    for c in operation.claims.all()
                ),
            }
        )
    return stored


def check_writes(written):
    """Compare every write with the database: a list of what does not match."""
    stored = stored_operations()
    problems = []
    for write in written:
        found = stored.pop(write.marker, [])
        if len(found) > 1:
            problems.append(f"{write.marker}: written {len(found)} times by one request")
            continue
        if not found:
            if write.id is not None:
                problems.append(f"{write.marker}: answered 201 (#{write.id}) but not stored")
            continue
        operation = found[0]
        if write.id is not None and operation["id"] != write.id:
            problems.append(f"{write.marker}: answered #{write.id}, stored #{operation['id']}")
        if operation["parts"] != write.parts:
            problems.append(f"{write.marker}: stored {operation['parts']}, sent {write.parts}")
        if operation["fields"] not in write.fields:
            problems.append(f"{write.marker}: stored {operation['fields']}, sent {write.fields}")
        claims = Counter(operation["claims"])
        missing = Counter(write.claims) - claims
        extra = claims - Counter(write.claims) - Counter(write.maybe_claims)
        if missing or extra:
            problems.append(
                f"{write.marker}: claims missing {sorted(missing.elements())}, "
                f"not sent or sent once and stored twice {sorted(extra.elements())}"
            )
    for marker in stored:
        problems.append(f"{marker}: stored, but no request wrote it")
    return problems


def write_summary(written):
    """How many writes of each kind were sent, and where the unanswered creates went."""
    from .models import Operation

    # A create left unanswered is never edited: its title is still its marker.
    unanswered = [write.marker for write in written if write.id is None]
    stored = Operation.objects.filter(title__in=unanswered).count()
    return (
        f"{len(written)} operations created, {len(unanswered)} of them without a 201 "
        f"({stored} stored whole, {len(unanswered) - stored} not at all); "
        f"{sum(write.edits for write in written)} edits; "
        f"{sum(write.claims_sent for write in written)} claims added"
    )
