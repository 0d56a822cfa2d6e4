#!/usr/bin/env python3
"""Compare Python consumers of a Mister Webhooks topic on a development broker.

usage: consume_bench.py --profile FILE --topic TOPIC --expected N [--runs R]
       consume_bench.py --worker NAME --profile FILE --topic TOPIC --expected N --group GROUP

The first form runs every consumer R times in turn, each time in a new
process and a new consumer group, and prints a markdown table of events/s.
The second form is one such measurement: it consumes N events and prints
one line of JSON.

Consumers:

- ``ours``: ``mister_webhooks.MisterWebhooksConsumer.run`` (libmisterwebhooks).
- ``published``: the approach of the published Mister Webhooks client 1.0.0:
  kafka-python without auto commit, the ``avro`` package's ``DatumReader``,
  ``cbor2`` or ``json`` for the payload, and a synchronous ``commit()`` of
  the event's offset after every event.
- ``tuned``: confluent-kafka with ``enable.auto.offset.store=false``,
  ``store_offsets`` after every event and auto commit, ``consume()`` in
  batches, ``fastavro.schemaless_reader``, and ``cbor2`` or ``json``.

Every consumer reads the decoded payload of each event, counts the payloads
that are JSON objects, and stops after N events. Rates count the events
after the first one over the time from the first event to the last, so the
group join and the first fetch are excluded.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import statistics
import subprocess
import sys
import time
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

CONSUMERS = ("ours", "published", "tuned")

# Modules each consumer imports; a consumer whose modules are missing is skipped.
REQUIRED_MODULES = {
    "ours": ("mister_webhooks",),
    "published": ("kafka", "avro", "cbor2"),
    "tuned": ("confluent_kafka", "fastavro", "cbor2"),
}

ENVELOPE_SCHEMA = {
    "type": "record",
    "name": "KafkaMessageEnvelopeV1",
    "fields": [
        {
            "name": "method",
            "type": {
                "type": "enum",
                "name": "HTTPMethod",
                "symbols": ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"],
            },
        },
        {"name": "headers", "type": {"type": "map", "values": {"type": "array", "items": "string"}}},
        {"name": "payload", "type": "bytes"},
        {"name": "payload_encoding", "type": {"type": "enum", "name": "PayloadEncoding", "symbols": ["JSON", "CBOR"]}},
    ],
}

EVENT_ENVELOPE = b"\x80"
WORKER_TIMEOUT_SECONDS = 180


class Tally:
    """Counts events and records the times of the first and the last one."""

    def __init__(self, expected: int) -> None:
        self.expected = expected
        self.events = 0
        self.objects = 0
        self.first = 0.0
        self.last = 0.0

    def add(self, payload: Any) -> bool:
        """Count one decoded payload; return True once ``expected`` events are counted."""
        if self.events == 0:
            self.first = time.perf_counter()
        self.events += 1
        if type(payload) is dict:
            self.objects += 1
        if self.events >= self.expected:
            self.last = time.perf_counter()
            return True
        return False

    def result(self) -> dict[str, Any]:
        seconds = self.last - self.first
        return {
            "events": self.events,
            "objects": self.objects,
            "seconds": seconds,
            "events_per_second": (self.events - 1) / seconds if seconds > 0 else 0.0,
        }


def first_envelope(headers: Any) -> bytes | None:
    for name, value in headers or ():
        if name == "envelope":
            return value
    return None


# MARK: - Consumers


def consume_ours(profile: dict[str, Any], topic: str, tally: Tally, profiler: cProfile.Profile | None) -> None:
    from mister_webhooks import ConnectionProfile, MisterWebhooksConsumer

    consumer = MisterWebhooksConsumer(topic, ConnectionProfile.from_json(json.dumps(profile)))

    def handle(event: Any) -> None:
        if profiler is not None and tally.events == 0:
            profiler.enable()
        if tally.add(event.payload):
            if profiler is not None:
                profiler.disable()
            consumer.stop()

    with consumer:
        consumer.run(handle)


def consume_published(profile: dict[str, Any], topic: str, tally: Tally, _profiler: Any) -> None:
    """Consume as the published client 1.0.0 does, with PLAINTEXT in place of
    its fixed SASL_SSL, and count the payload of the event it builds."""
    import avro.io
    import avro.schema
    import cbor2
    from kafka import ConsumerRebalanceListener, KafkaConsumer, OffsetAndMetadata, TopicPartition

    reader = avro.io.DatumReader(avro.schema.parse(json.dumps(ENVELOPE_SCHEMA)))
    consumer = KafkaConsumer(
        group_id=profile["consumer_name"],
        bootstrap_servers=[profile["kafka"]["bootstrap"]],
        enable_auto_commit=False,
        allow_auto_create_topics=False,
        auto_offset_reset="earliest",
    )

    # NOTE: kafka-python 2.2.15 misreads the ListOffsets responses of
    # librdkafka's mock cluster and never fetches, so the new group starts at
    # offset 0 by seeking there instead of through auto_offset_reset. The
    # mock cluster keeps every record of this benchmark, so offset 0 is the
    # earliest one.
    class StartAtOffsetZero(ConsumerRebalanceListener):
        def on_partitions_revoked(self, revoked: Any) -> None:
            pass

        def on_partitions_assigned(self, assigned: Any) -> None:
            for partition in assigned:
                consumer.seek(partition, 0)

    consumer.subscribe([topic], listener=StartAtOffsetZero())
    try:
        for message in consumer:
            if first_envelope(message.headers) != EVENT_ENVELOPE:
                continue

            envelope = reader.read(avro.io.BinaryDecoder(io.BytesIO(message.value)))
            if envelope["payload_encoding"] == "CBOR":
                payload = cbor2.loads(envelope["payload"])
            else:
                payload = json.loads(envelope["payload"])
            event = (
                envelope["method"],
                datetime.fromtimestamp(message.timestamp / 1000),
                dict(envelope["headers"]),
                payload,
            )
            done = tally.add(event[3])

            position = TopicPartition(topic=message.topic, partition=message.partition)
            consumer.commit(offsets={position: OffsetAndMetadata(message.offset + 1, None, message.leader_epoch)})
            if done:
                break
    finally:
        consumer.close()


def consume_tuned(profile: dict[str, Any], topic: str, tally: Tally, _profiler: Any) -> None:
    import cbor2
    import fastavro
    from confluent_kafka import Consumer, KafkaException

    schema = fastavro.parse_schema(ENVELOPE_SCHEMA)
    schemaless_reader = fastavro.schemaless_reader
    consumer = Consumer(
        {
            "bootstrap.servers": profile["kafka"]["bootstrap"],
            "group.id": profile["consumer_name"],
            "auto.offset.reset": "earliest",
            "enable.auto.commit": True,
            "enable.auto.offset.store": False,
        }
    )
    consumer.subscribe([topic])
    try:
        done = False
        while not done:
            for message in consumer.consume(num_messages=500, timeout=1.0):
                if message.error() is not None:
                    raise KafkaException(message.error())
                if first_envelope(message.headers()) != EVENT_ENVELOPE:
                    consumer.store_offsets(message=message)
                    continue

                envelope = schemaless_reader(io.BytesIO(message.value()), schema)
                if envelope["payload_encoding"] == "CBOR":
                    payload = cbor2.loads(envelope["payload"])
                else:
                    payload = json.loads(envelope["payload"])
                done = tally.add(payload)
                consumer.store_offsets(message=message)
                if done:
                    break
    finally:
        consumer.close()


CONSUMER_FUNCTIONS = {"ours": consume_ours, "published": consume_published, "tuned": consume_tuned}


def run_worker(args: argparse.Namespace) -> None:
    """Consume ``--expected`` events with one consumer and print the result as JSON."""
    profile = json.loads(Path(args.profile).read_text())
    profile["consumer_name"] = args.group
    tally = Tally(args.expected)
    profiler = cProfile.Profile() if args.cprofile else None

    CONSUMER_FUNCTIONS[args.worker](profile, args.topic, tally, profiler)

    result = tally.result()
    result["consumer"] = args.worker
    print(json.dumps(result), flush=True)
    if profiler is not None:
        print(f"cProfile of the callback thread, {tally.events} events, {result['seconds']:.3f} s:", file=sys.stderr)
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(15)


# MARK: - Comparison


def missing_modules(consumer: str) -> list[str]:
    import importlib.util

    return [name for name in REQUIRED_MODULES[consumer] if importlib.util.find_spec(name) is None]


def measure(consumer: str, args: argparse.Namespace, run: int) -> dict[str, Any] | None:
    """Run one measurement in a new process; return its result, or None when it failed."""
    group = f"bench-python-{consumer}-{run}-{uuid.uuid4().hex[:8]}"
    command = [
        sys.executable,
        __file__,
        "--worker",
        consumer,
        "--profile",
        args.profile,
        "--topic",
        args.topic,
        "--expected",
        str(args.expected),
        "--group",
        group,
    ]
    try:
        completed = subprocess.run(command, capture_output=True, text=True, timeout=WORKER_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        print(f"run {run} {consumer}: timed out after {WORKER_TIMEOUT_SECONDS} s", file=sys.stderr)
        return None
    if completed.returncode != 0:
        print(f"run {run} {consumer}: failed with exit status {completed.returncode}", file=sys.stderr)
        print(completed.stderr[-3000:], file=sys.stderr)
        return None

    result = json.loads(completed.stdout.strip().splitlines()[-1])
    print(
        f"run {run} {consumer}: {result['events']} events in {result['seconds']:.3f} s, "
        f"{result['events_per_second']:,.0f} events/s",
        file=sys.stderr,
    )
    return result


def package_versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    parts = [f"Python {platform.python_version()}"]
    for package in ("mister-webhooks", "kafka-python", "avro", "confluent-kafka", "fastavro", "cbor2"):
        try:
            parts.append(f"{package} {version(package)}")
        except PackageNotFoundError:
            parts.append(f"{package} not installed")
    return ", ".join(parts)


def compare(args: argparse.Namespace) -> None:
    """Run each consumer ``--runs`` times, rotating the order per run, and print the table."""
    consumers = []
    for consumer in CONSUMERS:
        missing = missing_modules(consumer)
        if missing:
            print(f"skipping {consumer}: module {', '.join(missing)} is not installed", file=sys.stderr)
        else:
            consumers.append(consumer)

    rates: dict[str, list[float]] = {consumer: [] for consumer in consumers}
    for run in range(1, args.runs + 1):
        shift = (run - 1) % len(consumers)
        for consumer in consumers[shift:] + consumers[:shift]:
            result = measure(consumer, args, run)
            if result is not None and result["events"] == args.expected:
                rates[consumer].append(result["events_per_second"])

    print(f"{args.expected} events, topic {args.topic!r}; {package_versions()}")
    print(f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.platform()}")
    print()
    print("| consumer | runs | events/s (median) | all runs | ours / this |")
    print("| --- | ---: | ---: | --- | ---: |")
    ours = statistics.median(rates["ours"]) if rates.get("ours") else None
    for consumer in consumers:
        if not rates[consumer]:
            print(f"| {consumer} | 0 | failed | | |")
            continue
        median = statistics.median(rates[consumer])
        runs = ", ".join(f"{rate:,.0f}" for rate in rates[consumer])
        ratio = f"{ours / median:.2f}x" if ours is not None else ""
        print(f"| {consumer} | {len(rates[consumer])} | {median:,.0f} | {runs} | {ratio} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", required=True, help="connection profile JSON written by dev-broker")
    parser.add_argument("--topic", required=True, help="topic to consume")
    parser.add_argument("--expected", type=int, required=True, help="number of events in the topic")
    parser.add_argument("--runs", type=int, default=3, help="measurements of each consumer (default 3)")
    parser.add_argument("--worker", choices=CONSUMERS, help="run one measurement of this consumer")
    parser.add_argument("--group", help="consumer group of the measurement (with --worker)")
    parser.add_argument(
        "--cprofile", action="store_true", help="with --worker ours: print cProfile of the callback thread to stderr"
    )
    args = parser.parse_args()

    if args.worker is None:
        compare(args)
    elif args.group is None:
        parser.error("--worker needs --group")
    else:
        run_worker(args)


if __name__ == "__main__":
    main()
