"""Drive the demo: start the development broker, then consume its samples
from C and from Python, each in its own consumer group, and stop each
consumer once it has shown every sample."""

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOOL = ROOT / "build" / "bin" / "mister-webhooks"
LIBRARY = ROOT / "build" / "lib" / "libmisterwebhooks.so"
SAMPLES = ROOT / "examples" / "samples"
TOPIC = "webhooks"


def banner(text: str) -> None:
    print(f"\n=== {text}", flush=True)


def start_broker(work: Path) -> subprocess.Popen:
    """Start the development broker and wait until it has published the samples."""
    profile = work / "profile.json"
    broker = subprocess.Popen(
        [str(TOOL), "dev-broker", "--topic", TOPIC, "--seed", str(SAMPLES), "--profile-out", str(profile)],
        stdout=subprocess.PIPE, text=True)
    bootstrap = broker.stdout.readline().strip()
    if not bootstrap:
        raise SystemExit("the development broker did not start; see the messages above")
    print(f"development broker on {bootstrap}, topic {TOPIC!r}", flush=True)
    return broker


def profile_for(work: Path, group: str) -> Path:
    """Copy the broker's profile with another consumer name, hence consumer group."""
    profile = json.loads((work / "profile.json").read_text())
    profile["consumer_name"] = group
    path = work / f"profile-{group}.json"
    path.write_text(json.dumps(profile))
    return path


def run_c_example(work: Path, count: int) -> None:
    banner("C: bindings/c/examples/consume.c, consumer group demo-c")
    subprocess.run([str(ROOT / "build" / "examples" / "consume"), TOPIC, str(profile_for(work, "demo-c")), str(count)],
                   check=True, timeout=120)


def run_python_example(work: Path, count: int) -> None:
    """Run the smallest client until it has printed `count` events, then stop it with SIGTERM,
    which the binding turns into a final commit and exit status 143."""
    banner("Python: the published client's smallest program, consumer group demo-python")
    environment = dict(os.environ, MISTER_WEBHOOKS_LIBRARY=str(LIBRARY), PYTHONUNBUFFERED="1")
    client = subprocess.Popen(
        [sys.executable, str(ROOT / "bindings" / "python" / "examples" / "smallest_client.py"),
         TOPIC, str(profile_for(work, "demo-python"))],
        stdout=subprocess.PIPE, text=True, env=environment)
    shown = 0
    deadline = time.monotonic() + 120
    for line in client.stdout:
        print(line, end="", flush=True)
        if line.startswith("WebhookEvent("):
            shown += 1
        if shown == count and line.rstrip().endswith(")"):
            break
        if time.monotonic() > deadline:
            break
    client.send_signal(signal.SIGTERM)
    rest, _ = client.communicate(timeout=30)
    print(rest, end="")
    print(f"Python client showed {shown} events, committed, and exited with status {client.returncode} after SIGTERM")
    if shown != count:
        raise SystemExit(f"expected {count} events from the Python client, got {shown}")


def main() -> None:
    count = len(list(SAMPLES.glob("*.json")))
    with tempfile.TemporaryDirectory() as directory:
        work = Path(directory)
        broker = start_broker(work)
        try:
            run_c_example(work, count)
            run_python_example(work, count)
        finally:
            broker.terminate()
            broker.wait(timeout=30)
    banner(f"demo done: {count} sample webhooks consumed from C and from Python")


if __name__ == "__main__":
    main()
