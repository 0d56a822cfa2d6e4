"""Process-level fault tests of at-least-once delivery: SIGKILL of one member
of a consumer group, and SIGTERM or SIGINT during a busy run of the C example,
the command-line tool and the Python binding.

Every consumer runs in a child process against a dev-broker (librdkafka's mock
cluster, 3 brokers, a 12-partition topic) seeded with numbered events whose
payload is {"n": i}. The consumer writes one line per event to a pipe that
this script reads slowly, so the handler blocks on the pipe and the run stays
busy until the fault. What the handler accepted is what the pipe carried, and
the pipe is read to its end after the child exits. Committed offsets and
watermarks come from kafka_offsets (kafka_offsets.c).

usage: process_faults.py ROOT WORK_DIR KAFKA_OFFSETS CONSUME_EXAMPLE
Prints "fault NAME: published N, handled H, duplicates D, lost L" per case
and ends with "N passed, M failed".
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

EVENT_COUNT = 1200
PARTITIONS = 12
BROKERS = 3
SESSION_TIMEOUT_MS = 6000
# Seconds the reader waits between two lines while a run must stay busy.
READ_DELAY_SECONDS = 0.003
# The maximum time a run may take to return after SIGTERM or SIGINT.
STOP_LIMIT_SECONDS = 5.0

NUMBER_PATTERN = re.compile(r"""["']n["']\s*:\s*(\d+)""")

passed = 0
failed = 0
known_failures = 0
# With MW_FAULTS_STRICT=1, known failures count as failures.
STRICT = os.environ.get("MW_FAULTS_STRICT") == "1"


def check(description: str, condition: bool, detail: object = "", known: str | None = None) -> bool:
    """Record one check and print it. A failed check with a `known` reason
    prints XFAIL and does not count as failed unless MW_FAULTS_STRICT=1."""
    global passed, failed, known_failures
    if condition:
        passed += 1
        print(f"{'XPASS' if known else 'ok  '} {description}")
    elif known and not STRICT:
        known_failures += 1
        print(f"XFAIL {description} {detail} (known failure: {known})")
    else:
        failed += 1
        print(f"FAIL {description} {detail}".rstrip())
    sys.stdout.flush()
    return condition


class Broker:
    """A dev-broker process with the numbered events, stopped by stop()."""

    def __init__(self, tool: Path, work: Path, topic: str) -> None:
        self.topic = topic
        self.work = work
        seed = work / "seed"
        seed.mkdir()
        for number in range(EVENT_COUNT):
            (seed / f"event-{number:05d}.json").write_text(json.dumps({"n": number}))

        self.base_profile = work / "profile.json"
        command = [str(tool), "dev-broker", "--topic", topic, "--partitions", str(PARTITIONS),
                   "--brokers", str(BROKERS), "--seed", str(seed), "--profile-out", str(self.base_profile)]
        self.log = open(work / "dev-broker.err", "wb")
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=self.log, text=True)
        assert self.process.stdout is not None
        self.bootstrap = self.process.stdout.readline().strip()
        if not self.bootstrap.startswith("127.0.0.1:"):
            self.stop()
            raise RuntimeError(f"dev-broker did not start; see {work / 'dev-broker.err'}")

    def profile(self, group: str) -> Path:
        """Write a copy of the broker's profile with consumer name `group`."""
        profile = json.loads(self.base_profile.read_text())
        profile["consumer_name"] = group
        path = self.work / f"profile-{group}.json"
        path.write_text(json.dumps(profile))
        return path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


class Consumer:
    """A consumer process whose standard output is read slowly by a thread.

    Each event number found in the output is appended to `numbers`. While
    `throttled` is set the reader sleeps READ_DELAY_SECONDS per line, so the
    consumer's handler blocks once the pipe is full.
    """

    def __init__(self, name: str, command: list[str], work: Path, env: dict[str, str] | None = None) -> None:
        self.name = name
        self.numbers: list[int] = []
        self.throttled = threading.Event()
        self.throttled.set()
        self.stderr_path = work / f"{name}.err"
        self._stderr = open(self.stderr_path, "wb")
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=self._stderr,
                                        env=env, start_new_session=True)
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            found = [int(match) for match in NUMBER_PATTERN.findall(line.decode("utf-8", "replace"))]
            with self._lock:
                self.numbers.extend(found)
            if self.throttled.is_set():
                time.sleep(READ_DELAY_SECONDS)

    def count(self) -> int:
        with self._lock:
            return len(self.numbers)

    def finish(self, timeout: float) -> int | None:
        """Read the rest of the output at full speed and wait for the exit
        status; None when the process did not exit within `timeout`."""
        self.throttled.clear()
        try:
            status = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None
        self._reader.join(timeout=10)
        self._stderr.close()
        return status

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.finish(timeout=10)


def wait_until(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


class Offsets:
    """Reads watermarks and committed offsets with kafka_offsets."""

    def __init__(self, program: Path, broker: Broker) -> None:
        self.program = program
        self.broker = broker

    def read(self, group: str | None = None) -> dict[int, tuple[int, int, int]]:
        """Return partition -> (low, high, committed)."""
        command = [str(self.program), self.broker.bootstrap, self.broker.topic, str(PARTITIONS)]
        if group is not None:
            command.append(group)
        output = subprocess.run(command, capture_output=True, text=True, timeout=30, check=True).stdout
        rows = {}
        for line in output.splitlines():
            partition, low, high, committed = (int(field) for field in line.split())
            rows[partition] = (low, high, committed)
        return rows

    def committed(self, group: str) -> dict[int, int]:
        return {partition: row[2] for partition, row in self.read(group).items()}


class Ledger:
    """Maps event numbers to their partition and offset, from a first read
    of the whole topic, and checks a case's outcome against it."""

    def __init__(self, places: dict[int, tuple[int, int]]) -> None:
        self.places = places
        self.per_partition: dict[int, int] = {}
        for partition, _ in places.values():
            self.per_partition[partition] = self.per_partition.get(partition, 0) + 1

    def offsets_by_partition(self, numbers: list[int]) -> dict[int, set[int]]:
        handled: dict[int, set[int]] = {partition: set() for partition in range(PARTITIONS)}
        for number in numbers:
            partition, offset = self.places[number]
            handled[partition].add(offset)
        return handled

    def check_commits(self, name: str, numbers: list[int], committed: dict[int, int], exact: bool,
                      known_ahead: str | None = None, known_behind: str | None = None) -> None:
        """Check each committed offset against what was handled: at most one
        past the highest handled offset, nothing unhandled below it, and with
        `exact` exactly one past the highest handled offset."""
        handled = self.offsets_by_partition(numbers)
        ahead = []
        behind = []
        for partition in range(PARTITIONS):
            offsets = handled[partition]
            end = max(offsets) + 1 if offsets else 0
            value = committed[partition]
            if value < 0:
                if exact and offsets:
                    behind.append((partition, value, end))
                continue
            unhandled = [offset for offset in range(value) if offset not in offsets]
            if value > end or unhandled:
                ahead.append((partition, value, end, unhandled[:5]))
            elif exact and value != end:
                behind.append((partition, value, end))
        check(f"{name}: no offset committed ahead of the handler", not ahead, ahead, known_ahead)
        if exact:
            check(f"{name}: committed offsets are right after the last handled events", not behind, behind, known_behind)

    def summarize(self, name: str, numbers: list[int], committed: dict[int, int], known: str | None = None) -> None:
        """Check that every event was handled or is still uncommitted, so the
        group's next consumer gets it, and print the summary line. An event
        is lost when it was never handled but its offset is committed."""
        unhandled = set(self.places) - set(numbers)
        lost = sorted(number for number in unhandled
                      if self.places[number][1] < committed[self.places[number][0]])
        duplicates = len(numbers) - len(set(numbers))
        print(f"fault {name}: published {len(self.places)}, handled {len(numbers)}, duplicates {duplicates}, lost {len(lost)}")
        check(f"{name}: every event was handled or is left for the next consumer", not lost, lost[:20], known)


def reference_read(tool: Path, broker: Broker, work: Path, offsets: Offsets) -> Ledger:
    """Read the whole topic once with the command-line tool and check that the
    broker still contains every event."""
    profile = broker.profile("fault-reference")
    command = [str(tool), "consume", broker.topic, str(profile), "--max-events", str(EVENT_COUNT)]
    output = subprocess.run(command, capture_output=True, text=True, timeout=120).stdout
    places = {}
    for line in output.splitlines():
        record = json.loads(line)
        places[record["payload"]["n"]] = (record["partition"], record["offset"])

    watermarks = offsets.read()
    check("broker contains every event: low watermarks are 0",
          all(row[0] == 0 for row in watermarks.values()), watermarks)
    check(f"broker contains every event: high watermarks add up to {EVENT_COUNT}",
          sum(row[1] for row in watermarks.values()) == EVENT_COUNT, watermarks)
    check(f"reference read saw {EVENT_COUNT} distinct events", len(places) == EVENT_COUNT, len(places))
    return Ledger(places)


def cli_command(tool: Path, topic: str, profile: Path, *extra: str) -> list[str]:
    return [str(tool), "consume", topic, str(profile),
            "--option", f"session.timeout.ms={SESSION_TIMEOUT_MS}",
            "--option", "heartbeat.interval.ms=500",
            "--option", "auto.commit.interval.ms=500", *extra]


def drain_with_next_consumer(name: str, tool: Path, broker: Broker, profile: Path, group: str,
                             ledger: Ledger, offsets: Offsets, work: Path) -> list[int]:
    """Run a next consumer of `group` over what is left uncommitted and
    check that it starts at the committed offsets. Returns its numbers."""
    committed = offsets.committed(group)
    remaining = sum(ledger.per_partition[partition] - max(committed[partition], 0) for partition in range(PARTITIONS))
    if remaining == 0:
        return []

    command = cli_command(tool, broker.topic, profile, "--max-events", str(remaining))
    next_consumer = Consumer(f"{name}-next", command, work)
    next_consumer.throttled.clear()
    status = next_consumer.finish(timeout=60)
    if status is None:
        next_consumer.kill()
    check(f"{name}: next consumer handles the {remaining} uncommitted events", status == 0, status)

    lowest: dict[int, int] = {}
    for number in next_consumer.numbers:
        partition, offset = ledger.places[number]
        lowest[partition] = min(offset, lowest.get(partition, offset))
    wrong_start = {partition: (offset, committed[partition]) for partition, offset in lowest.items()
                   if offset != max(committed[partition], 0)}
    check(f"{name}: next consumer starts at the committed offsets", not wrong_start, wrong_start)
    return next_consumer.numbers


def run_kill_case(tool: Path, broker: Broker, ledger: Ledger, offsets: Offsets, work: Path) -> None:
    """Two more consumers join mid-stream, then one is killed with SIGKILL:
    its uncommitted events must reach the others after the session timeout."""
    name = "member killed with SIGKILL"
    group = "fault-sigkill"
    profile = broker.profile(group)
    started = time.monotonic()

    first = Consumer("sigkill-a", cli_command(tool, broker.topic, profile), work)
    check(f"{name}: first consumer handles events", wait_until(lambda: first.count() >= 150, 30), first.count())
    second = Consumer("sigkill-b", cli_command(tool, broker.topic, profile), work)
    third = Consumer("sigkill-c", cli_command(tool, broker.topic, profile), work)
    # Each joiner handling any event proves it got partitions mid-stream; how
    # many depends on how much of the stream is left when the group settles.
    joined = wait_until(lambda: second.count() >= 20 and third.count() >= 1, 60)
    check(f"{name}: joining consumers get partitions mid-stream", joined, (second.count(), third.count()))

    second.process.kill()
    second.finish(timeout=10)
    # A commit the killed member sent just before SIGKILL can still land, so
    # read the group's offsets once it has; the others take over its
    # partitions only after the 6 s session timeout.
    time.sleep(1.5)
    committed_at_kill = offsets.committed(group)
    killed_partitions = {ledger.places[number][0] for number in second.numbers}
    uncommitted = sorted({number for number in second.numbers
                          if ledger.places[number][1] >= max(committed_at_kill[ledger.places[number][0]], 0)})
    print(f"{name}: killed member handled {len(second.numbers)} events of partitions {sorted(killed_partitions)}, "
          f"{len(uncommitted)} of them uncommitted")

    everything_committed = wait_until(
        lambda: all(committed == ledger.per_partition[partition]
                    for partition, committed in offsets.committed(group).items()), 90)
    check(f"{name}: the group commits every partition to its end", everything_committed)
    survivors = first.numbers + third.numbers
    not_redelivered = [number for number in uncommitted if number not in set(survivors)]
    # NOTE: this is reported, not checked. In some runs the group's offsets
    # read 1.5 s after the kill still showed none of the killed member's
    # events as committed, yet the others later started past some of them.
    # Whether the read was stale or a commit landed late is not known. The
    # checks below hold either way: no offset is committed ahead of the
    # events handled, so nothing is lost.
    print(f"{name}: {len(uncommitted) - len(not_redelivered)} of the killed member's "
          f"{len(uncommitted)} uncommitted events reached the others")

    for consumer in (first, third):
        consumer.process.send_signal(signal.SIGTERM)
    statuses = [consumer.finish(timeout=30) for consumer in (first, third)]
    check(f"{name}: the other consumers exit 0 after SIGTERM", statuses == [0, 0], statuses)

    numbers = first.numbers + second.numbers + third.numbers
    committed = offsets.committed(group)
    ledger.check_commits(name, numbers, committed, exact=True)
    check(f"{name}: every event was handled", set(numbers) == set(ledger.places), sorted(set(ledger.places) - set(numbers))[:20])
    ledger.summarize(name, numbers, committed)
    print(f"{name}: took {time.monotonic() - started:.1f} s")


class SignalCase:
    """One consumer program stopped by a signal, and what is known about it."""

    def __init__(self, client: str, stop_signal: signal.Signals, command, expected_status: set[int],
                 env: dict[str, str] | None = None, sets_session_timeout: bool = False,
                 known_commit_gap: str | None = None, known_lost_output: str | None = None) -> None:
        self.name = f"{stop_signal.name} to {client}"
        self.group = f"fault-{client.split()[0].lower()}-{stop_signal.name.lower()}"
        self.stop_signal = stop_signal
        self.command = command
        self.expected_status = expected_status
        self.env = env
        # Only a consumer that sets session.timeout.ms can be followed by a
        # next consumer of its group in time: librdkafka's mock cluster makes
        # the next member's join wait the session timeout of the member that
        # left, 45 s by default.
        self.sets_session_timeout = sets_session_timeout
        self.known_commit_gap = known_commit_gap
        self.known_lost_output = known_lost_output


def run_signal_case(case: SignalCase, tool: Path, broker: Broker, ledger: Ledger, offsets: Offsets, work: Path) -> None:
    """Send a signal to a busy consumer: it must return within
    STOP_LIMIT_SECONDS after committing every handled event, so that a next
    consumer of the group starts right after the last handled event."""
    name = case.name
    started = time.monotonic()
    profile = broker.profile(case.group)
    consumer = Consumer(case.group, case.command(profile), work, case.env)
    busy = wait_until(lambda: consumer.count() >= 300, 60)
    check(f"{name}: the run is busy before the signal", busy, consumer.count())

    consumer.process.send_signal(case.stop_signal)
    signalled = time.monotonic()
    status = consumer.finish(timeout=30)
    stop_seconds = time.monotonic() - signalled
    if status is None:
        consumer.kill()
    print(f"{name}: exited with {status} {stop_seconds:.2f} s after the signal, having handled {len(consumer.numbers)} events")
    check(f"{name}: the run returns within {STOP_LIMIT_SECONDS:.0f} s", stop_seconds < STOP_LIMIT_SECONDS, f"{stop_seconds:.2f} s")
    check(f"{name}: exit status is one of {sorted(case.expected_status)}", status in case.expected_status,
          f"{status}; stderr: {consumer.stderr_path.read_text(errors='replace')[-300:]!r}", case.known_commit_gap)

    committed = offsets.committed(case.group)
    ledger.check_commits(name, consumer.numbers, committed, exact=True,
                         known_ahead=case.known_lost_output, known_behind=case.known_commit_gap)
    following: list[int] = []
    if case.sets_session_timeout:
        following = drain_with_next_consumer(name, tool, broker, profile, case.group, ledger, offsets, work)
        duplicates = len(set(consumer.numbers) & set(following))
        check(f"{name}: no event comes twice to the next consumer", duplicates == 0, duplicates)
        committed = offsets.committed(case.group)
        check(f"{name}: every event was handled", set(consumer.numbers + following) == set(ledger.places))
    ledger.summarize(name, consumer.numbers + following, committed, case.known_lost_output)
    print(f"{name}: took {time.monotonic() - started:.1f} s")


def main() -> int:
    root, work, kafka_offsets, consume_example = (Path(argument) for argument in sys.argv[1:5])
    tool = root / "build/bin/mister-webhooks"
    library = root / "build/lib/libmisterwebhooks.so"
    python = root / ".venv/bin/python"
    smallest_client = root / "bindings/python/examples/smallest_client.py"

    broker = Broker(tool, work, "fault-webhooks")
    try:
        offsets = Offsets(kafka_offsets, broker)
        ledger = reference_read(tool, broker, work, offsets)
        run_kill_case(tool, broker, ledger, offsets, work)

        python_env = dict(os.environ, MISTER_WEBHOOKS_LIBRARY=str(library), PYTHONUNBUFFERED="1")
        c_example = lambda profile: [str(consume_example), broker.topic, str(profile)]  # noqa: E731
        cli = lambda profile: cli_command(tool, broker.topic, profile)  # noqa: E731
        python_client = lambda profile: [str(python), str(smallest_client), broker.topic, str(profile)]  # noqa: E731
        cases = [
            SignalCase("C example", signal.SIGTERM, c_example, {0}),
            SignalCase("C example", signal.SIGINT, c_example, {0}),
            SignalCase("CLI consume", signal.SIGTERM, cli, {0}, sets_session_timeout=True),
            SignalCase("CLI consume", signal.SIGINT, cli, {0}, sets_session_timeout=True),
            # The binding turns SIGTERM into SystemExit(128 + 15) after the
            # final commit.
            SignalCase("Python client", signal.SIGTERM, python_client, {128 + signal.SIGTERM}, python_env),
            # CPython ends a program whose KeyboardInterrupt is not caught by
            # killing itself with SIGINT, so its status is -2.
            SignalCase("Python client", signal.SIGINT, python_client, {-signal.SIGINT}, python_env),
        ]
        for case in cases:
            run_signal_case(case, tool, broker, ledger, offsets, work)
    finally:
        broker.stop()

    if known_failures:
        print(f"{known_failures} known failures (XFAIL above); MW_FAULTS_STRICT=1 counts them as failed")
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
