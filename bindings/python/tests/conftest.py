"""Shared fixtures: paths, the library, and mock Kafka brokers started with
``mister-webhooks dev-broker`` on 127.0.0.1."""

from __future__ import annotations

import ctypes
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import mister_webhooks

BINDING_DIR = Path(__file__).resolve().parent.parent
REPOSITORY_ROOT = BINDING_DIR.parent.parent
SHARED_DIR = Path(os.environ.get("MW_SHARED_DIR", REPOSITORY_ROOT.parent / "shared"))
VECTORS_DIR = SHARED_DIR / "vectors"
GITHUB_CORPUS_DIR = SHARED_DIR / "corpus" / "github"
CLI_PATH = Path(os.environ.get("MISTER_WEBHOOKS_CLI", REPOSITORY_ROOT / ".build" / "release" / "mister-webhooks"))
SMALLEST_CLIENT = BINDING_DIR / "examples" / "smallest_client.py"

BROKER_START_TIMEOUT_SECONDS = 30.0


def corpus_payload_count() -> int:
    """Count the payload files that dev-broker publishes from the corpus."""
    return sum(1 for _ in GITHUB_CORPUS_DIR.rglob("*.json"))


def consumer_unavailable_reason() -> str | None:
    """Return why the consumer tests cannot run, or None when they can."""
    if not CLI_PATH.is_file():
        return f"mister-webhooks CLI not built at {CLI_PATH} (swift build -c release --product mister-webhooks)"
    library = ctypes.CDLL(mister_webhooks.library_path)
    if not hasattr(library, "mw_consumer_run"):
        return f"{mister_webhooks.library_path} has no mw_consumer_run yet"
    return None


requires_consumer = pytest.mark.skipif(
    consumer_unavailable_reason() is not None, reason=str(consumer_unavailable_reason())
)


def subprocess_environment() -> dict[str, str]:
    """Environment for Python subprocesses that import this source tree and
    its library, unbuffered so that tests can read their output as it comes."""
    environment = dict(os.environ)
    environment["PYTHONPATH"] = os.pathsep.join(filter(None, [str(BINDING_DIR), environment.get("PYTHONPATH")]))
    environment["MISTER_WEBHOOKS_LIBRARY"] = mister_webhooks.library_path
    environment["PYTHONUNBUFFERED"] = "1"
    return environment


class LineReader:
    """Reads a subprocess's output lines on a thread, so tests can wait for a
    line with a timeout."""

    def __init__(self, stream) -> None:  # type: ignore[no-untyped-def]
        self.lines: queue.Queue[str | None] = queue.Queue()
        self._thread = threading.Thread(target=self._pump, args=(stream,), daemon=True)
        self._thread.start()

    def _pump(self, stream) -> None:  # type: ignore[no-untyped-def]
        for line in stream:
            self.lines.put(line)
        self.lines.put(None)

    def next_line(self, timeout: float) -> str | None:
        """Return the next line, or None at end of output or after ``timeout``."""
        try:
            return self.lines.get(timeout=timeout)
        except queue.Empty:
            return None


@dataclass
class Broker:
    """A running ``mister-webhooks dev-broker``."""

    topic: str
    bootstrap: str
    profile_path: Path
    workdir: Path

    def profile_file(self, group: str) -> Path:
        """Write a copy of the broker's profile with consumer group ``group``."""
        document = json.loads(self.profile_path.read_text())
        document["consumer_name"] = group
        path = self.workdir / f"profile-{group}.json"
        path.write_text(json.dumps(document))
        return path

    def profile(self, group: str) -> mister_webhooks.ConnectionProfile:
        """Load the broker's profile with consumer group ``group``."""
        return mister_webhooks.ConnectionProfile.from_file(self.profile_file(group))

    def publish(self, payload_file: Path, *headers: str) -> None:
        """Publish one POST event with ``mister-webhooks publish``."""
        command = [str(CLI_PATH), "publish", "--profile", str(self.profile_path), "--topic", self.topic]
        for header in headers:
            command += ["--header", header]
        command.append(str(payload_file))
        subprocess.run(command, check=True, timeout=60, capture_output=True)


def fresh_group(name: str) -> str:
    """Return a consumer group name that no earlier test used."""
    return f"{name}-{uuid.uuid4().hex[:8]}"


def start_broker(workdir: Path, topic: str, partitions: int, seed: Path | None) -> Iterator[Broker]:
    """Start dev-broker, yield it once its profile is written, then stop it."""
    reason = consumer_unavailable_reason()
    if reason is not None:
        pytest.skip(reason)

    profile_path = workdir / "dev-broker-profile.json"
    command = [
        str(CLI_PATH),
        "dev-broker",
        "--topic",
        topic,
        "--partitions",
        str(partitions),
        "--profile-out",
        str(profile_path),
    ]
    if seed is not None:
        command += ["--seed", str(seed)]

    log_path = workdir / "dev-broker.stderr"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=log, text=True)
    try:
        bootstrap = _wait_for_broker(process, profile_path, log_path)
        yield Broker(topic=topic, bootstrap=bootstrap, profile_path=profile_path, workdir=workdir)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_for_broker(process: subprocess.Popen[str], profile_path: Path, log_path: Path) -> str:
    assert process.stdout is not None
    output = LineReader(process.stdout)
    deadline = time.monotonic() + BROKER_START_TIMEOUT_SECONDS

    bootstrap = None
    while bootstrap is None and time.monotonic() < deadline:
        line = output.next_line(timeout=max(0.0, deadline - time.monotonic()))
        if line is None:
            break
        if "127.0.0.1:" in line:
            bootstrap = line.strip()

    while time.monotonic() < deadline and process.poll() is None:
        if profile_path.is_file():
            try:
                json.loads(profile_path.read_text())
                if bootstrap is not None:
                    return bootstrap
            except ValueError:
                pass  # still being written
        time.sleep(0.05)

    stderr = log_path.read_text(errors="replace")[-2000:]
    pytest.fail(
        f"dev-broker did not start within {BROKER_START_TIMEOUT_SECONDS} s "
        f"(exit status {process.poll()}, bootstrap {bootstrap!r}); stderr: {stderr}"
    )


@pytest.fixture(scope="session")
def github_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Broker]:
    """A broker whose topic "github" contains every GitHub corpus payload, in
    two partitions."""
    yield from start_broker(tmp_path_factory.mktemp("github-broker"), "github", 2, GITHUB_CORPUS_DIR)


@pytest.fixture(scope="session")
def quiet_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Broker]:
    """A broker whose topic "quiet" contains three small events in
    one partition. Tests publish more with :meth:`Broker.publish`."""
    workdir = tmp_path_factory.mktemp("quiet-broker")
    seed = workdir / "seed"
    seed.mkdir()
    for index in range(3):
        (seed / f"seed-{index}.json").write_text(json.dumps({"seed": index}))
    yield from start_broker(workdir, "quiet", 1, seed)


@pytest.fixture(scope="session")
def python_executable() -> str:
    """The interpreter that runs these tests, for subprocesses."""
    return sys.executable
