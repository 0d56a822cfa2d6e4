#!/usr/bin/env python3
"""Measure the binding's per-event cost without Kafka.

usage: decode_cost.py --corpus CORPUS_DIR [--seconds S] [--profile]

Builds the record values of bench/decode/run.py (every corpus file as a JSON
and as a CBOR payload, with the headers of a GitHub delivery) and times
``mister_webhooks.decode_record`` over them, reading ``event.payload`` as a
callback would. Prints microseconds per event for each encoding, and with
``--profile`` the cProfile listing of one pass. Needs fastavro and cbor2.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "decode"))
from run import build_records  # noqa: E402 - bench/decode/run.py

import mister_webhooks  # noqa: E402

ENVELOPE_HEADERS = [("envelope", b"\x80")]


def decode_all(records: list[bytes]) -> int:
    """Decode every record and read its payload; return the payload count."""
    count = 0
    for value in records:
        event = mister_webhooks.decode_record(ENVELOPE_HEADERS, value, 1_700_000_000_000)
        if event.payload is not None:
            count += 1
    return count


def microseconds_per_event(records: list[bytes], seconds: float) -> float:
    """Return the best pass's microseconds per event, over at least ``seconds``."""
    best = float("inf")
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        start = time.perf_counter()
        decode_all(records)
        best = min(best, time.perf_counter() - start)
    return best / len(records) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", required=True, help="folder of GitHub webhook payloads (*.json)")
    parser.add_argument("--seconds", type=float, default=3.0, help="minimum time per encoding, in seconds")
    parser.add_argument("--profile", action="store_true", help="print cProfile output of one pass")
    args = parser.parse_args()

    json_records, cbor_records = build_records(args.corpus)
    print(f"binding {Path(mister_webhooks.__file__).parent}, library {mister_webhooks.library_path}")
    for encoding, records in (("JSON", json_records), ("CBOR", cbor_records)):
        cost = microseconds_per_event(records, args.seconds)
        print(f"{encoding}: {len(records)} records, {cost:.1f} us per event (best pass)")

    if args.profile:
        profiler = cProfile.Profile()
        profiler.runcall(decode_all, json_records + cbor_records)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(12)


if __name__ == "__main__":
    main()
