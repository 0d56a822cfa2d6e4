"""MisterWebhooksConsumer against librdkafka's mock cluster, started with
``mister-webhooks dev-broker``."""

from __future__ import annotations

import _thread
import gc
import json
import logging
import signal
import subprocess
import threading
import time
import traceback
from pathlib import Path

import pytest

from conftest import (
    SMALLEST_CLIENT,
    Broker,
    LineReader,
    corpus_payload_count,
    fresh_group,
    requires_consumer,
    subprocess_environment,
)
from mister_webhooks import (
    HTTPMethod,
    InvalidArgumentError,
    KafkaError,
    MisterWebhooksConsumer,
    WebhookEvent,
)

pytestmark = requires_consumer

# Generous bound for joining a group and reading the whole seeded topic.
CONSUME_TIMEOUT_SECONDS = 60.0


def new_consumer(broker: Broker, group: str) -> MisterWebhooksConsumer:
    consumer = MisterWebhooksConsumer(broker.topic, broker.profile(group))
    consumer.set_option("auto.offset.reset", "earliest")
    return consumer


def stop_after(consumer: MisterWebhooksConsumer, seconds: float) -> threading.Timer:
    """Stop ``consumer`` after ``seconds``, so that a failing test ends."""
    timer = threading.Timer(seconds, consumer.stop)
    timer.daemon = True
    timer.start()
    return timer


def consume_until(broker: Broker, group: str, predicate) -> list[WebhookEvent]:  # type: ignore[no-untyped-def]
    """Run a consumer of ``group`` until ``predicate(events)`` holds, or the
    timeout passes, and return the events it received."""
    events: list[WebhookEvent] = []
    with new_consumer(broker, group) as consumer:

        def collect(event: WebhookEvent) -> None:
            events.append(event)
            if predicate(events):
                consumer.stop()

        timer = stop_after(consumer, CONSUME_TIMEOUT_SECONDS)
        consumer.run(collect)
        timer.cancel()
    return events


def test_smallest_client_prints_every_event(github_broker: Broker, python_executable: str) -> None:
    expected = corpus_payload_count()
    profile_path = github_broker.profile_file(fresh_group("smallest"))
    process = subprocess.Popen(
        [python_executable, str(SMALLEST_CLIENT), github_broker.topic, str(profile_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=subprocess_environment(),
    )
    assert process.stdout is not None
    output = LineReader(process.stdout)

    printed = 0
    deadline = time.monotonic() + CONSUME_TIMEOUT_SECONDS
    while printed < expected and time.monotonic() < deadline:
        line = output.next_line(timeout=max(0.0, deadline - time.monotonic()))
        if line is None:
            break
        if line.startswith("WebhookEvent("):
            printed += 1

    # Nothing more may arrive: every corpus payload is one event.
    while (line := output.next_line(timeout=1.0)) is not None:
        if line.startswith("WebhookEvent("):
            printed += 1

    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=10)
    assert printed == expected, stderr[-2000:]
    assert "KeyboardInterrupt" in stderr


def test_run_delivers_events_with_record_fields(github_broker: Broker) -> None:
    events = consume_until(github_broker, fresh_group("fields"), lambda events: len(events) == 5)

    assert len(events) == 5
    for event in events:
        assert event.method is HTTPMethod.POST
        assert event.topic == github_broker.topic
        assert event.partition in (0, 1)
        assert event.offset is not None and event.offset >= 0
        assert isinstance(event.payload, dict)
        assert event.timestamp is not None
        assert event.payload_encoding in ("JSON", "CBOR")
    assert {event.payload_encoding for event in events} == {"JSON", "CBOR"}


def test_stop_from_other_thread_after_all_events(github_broker: Broker) -> None:
    expected = corpus_payload_count()
    events: list[WebhookEvent] = []
    all_received = threading.Event()

    with new_consumer(github_broker, fresh_group("stop")) as consumer:

        def collect(event: WebhookEvent) -> None:
            events.append(event)
            if len(events) == expected:
                all_received.set()

        def stop_when_done() -> None:
            all_received.wait(CONSUME_TIMEOUT_SECONDS)
            time.sleep(0.5)
            consumer.stop()

        stopper = threading.Thread(target=stop_when_done, daemon=True)
        stopper.start()
        assert consumer.run(collect) is None
        stopper.join()

    assert len(events) == expected
    assert len({(event.partition, event.offset) for event in events}) == expected


def test_callback_error_leaves_event_uncommitted(github_broker: Broker) -> None:
    group = fresh_group("raise")
    failure = RuntimeError("callback failed on the third event")
    received: list[WebhookEvent] = []

    def fail_on_third(event: WebhookEvent) -> None:
        received.append(event)
        if len(received) == 3:
            raise failure

    with new_consumer(github_broker, group) as consumer:
        timer = stop_after(consumer, CONSUME_TIMEOUT_SECONDS)
        with pytest.raises(RuntimeError) as raised:
            consumer.run(fail_on_third)
        timer.cancel()

    assert raised.value is failure
    frames = [frame.name for frame in traceback.extract_tb(raised.value.__traceback__)]
    assert "fail_on_third" in frames
    assert len(received) == 3

    third = received[2]
    accepted = {(event.partition, event.offset) for event in received[:2]}
    redelivered = consume_until(
        github_broker, group, lambda events: any(event.partition == third.partition for event in events)
    )

    first_in_partition = next(event for event in redelivered if event.partition == third.partition)
    assert first_in_partition.offset == third.offset
    assert first_in_partition.payload == third.payload
    assert not accepted & {(event.partition, event.offset) for event in redelivered}


def test_base_exception_from_callback_reraised(github_broker: Broker) -> None:
    with new_consumer(github_broker, fresh_group("exit")) as consumer:
        timer = stop_after(consumer, CONSUME_TIMEOUT_SECONDS)
        with pytest.raises(SystemExit) as raised:
            consumer.run(lambda event: exit(7))
        timer.cancel()
    assert raised.value.code == 7


def test_callbacks_survive_garbage_collection(github_broker: Broker) -> None:
    count = 0

    def collect_garbage(event: WebhookEvent) -> None:
        nonlocal count
        count += 1
        gc.collect()
        if count == 20:
            consumer.stop()

    consumer = new_consumer(github_broker, fresh_group("gc"))
    timer = stop_after(consumer, CONSUME_TIMEOUT_SECONDS)
    consumer.run(collect_garbage)
    timer.cancel()
    consumer.close()
    assert count == 20


def test_keyboard_interrupt_commits_and_reraises(quiet_broker: Broker) -> None:
    group = fresh_group("interrupt")
    received: list[WebhookEvent] = []
    seeded = threading.Event()

    def collect(event: WebhookEvent) -> None:
        received.append(event)
        if len(received) == 3:
            seeded.set()

    def interrupt_when_idle() -> None:
        seeded.wait(CONSUME_TIMEOUT_SECONDS)
        time.sleep(0.5)
        _thread.interrupt_main()

    with new_consumer(quiet_broker, group) as consumer:
        threading.Thread(target=interrupt_when_idle, daemon=True).start()
        with pytest.raises(KeyboardInterrupt):
            consumer.run(collect)
        assert len(received) == 3

        # The consumer can run again after an interrupted run.
        consumer.stop()
        consumer.run(collect)
    assert len(received) == 3


def test_sigint_on_idle_consumer_exits_within_a_second(
    quiet_broker: Broker, python_executable: str, tmp_path: Path
) -> None:
    group = fresh_group("sigint")
    profile_path = quiet_broker.profile_file(group)
    process = subprocess.Popen(
        [python_executable, str(SMALLEST_CLIENT), quiet_broker.topic, str(profile_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=subprocess_environment(),
    )
    assert process.stdout is not None
    output = LineReader(process.stdout)

    printed = 0
    deadline = time.monotonic() + CONSUME_TIMEOUT_SECONDS
    while printed < 3 and time.monotonic() < deadline:
        line = output.next_line(timeout=max(0.0, deadline - time.monotonic()))
        if line is None:
            break
        printed += line.startswith("WebhookEvent(")
    assert printed >= 3, "the smallest client did not print the three seeded events"
    time.sleep(1.0)

    interrupted_at = time.monotonic()
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=1.0)
    except subprocess.TimeoutExpired:
        process.kill()
        pytest.fail("the consumer did not exit within 1 s of SIGINT")
    exit_seconds = time.monotonic() - interrupted_at
    stderr = process.stderr.read() if process.stderr else ""

    assert exit_seconds < 1.0
    assert process.returncode == -signal.SIGINT, stderr
    assert "KeyboardInterrupt" in stderr

    # The commit was clean: the group resumes after the seeded events, so the
    # next event it receives is the one published now.
    marker = tmp_path / "after-interrupt.json"
    marker.write_text(json.dumps({"marker": group}))
    quiet_broker.publish(marker)
    resumed = consume_until(quiet_broker, group, lambda events: len(events) >= 1)
    assert resumed[0].payload == {"marker": group}, [event.payload for event in resumed]


def test_logs_reach_python_logging(github_broker: Broker, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="mister_webhooks")
    consume_until(github_broker, fresh_group("logs"), lambda events: len(events) == 1)
    assert any(record.name == "mister_webhooks" for record in caplog.records)


def test_invalid_options_rejected(github_broker: Broker) -> None:
    with new_consumer(github_broker, fresh_group("options")) as consumer:
        with pytest.raises(InvalidArgumentError):
            consumer.set_option("mw.no.such.option", "1")
        with pytest.raises(InvalidArgumentError):
            consumer.set_option("mw.poll.interval.ms", "soon")
        with pytest.raises(KafkaError):
            consumer.set_option("no.such.librdkafka.property", "1")
        consumer.set_option("mw.poll.interval.ms", 50)
        consumer.set_option("enable.partition.eof", False)


def test_closed_consumer_rejects_calls(github_broker: Broker) -> None:
    consumer = new_consumer(github_broker, fresh_group("closed"))
    consumer.close()
    consumer.close()
    consumer.stop()
    with pytest.raises(InvalidArgumentError):
        consumer.run(print)
    with pytest.raises(InvalidArgumentError):
        consumer.set_option("mw.poll.interval.ms", "50")


def test_close_from_callback_ends_run(github_broker: Broker) -> None:
    consumer = new_consumer(github_broker, fresh_group("close"))
    received: list[WebhookEvent] = []

    def close_on_first(event: WebhookEvent) -> None:
        received.append(event)
        consumer.close()

    timer = stop_after(consumer, CONSUME_TIMEOUT_SECONDS)
    consumer.run(close_on_first)
    timer.cancel()
    assert len(received) == 1
    assert "closed" in repr(consumer)


def test_unreachable_broker_raises_kafka_error(github_broker: Broker) -> None:
    # The mock cluster creates any topic a client asks for, so a missing
    # topic cannot be tested here. A closed port on 127.0.0.1 is unreachable.
    profile = github_broker.profile(fresh_group("unreachable"))
    profile.kafka_bootstrap = "127.0.0.1:1"
    profile.kafka_servers = None
    consumer = MisterWebhooksConsumer(github_broker.topic, profile)
    consumer.set_option("mw.broker.timeout.ms", "2000")
    timer = stop_after(consumer, CONSUME_TIMEOUT_SECONDS)

    with pytest.raises(KafkaError) as raised:
        consumer.run(print)
    timer.cancel()
    consumer.close()

    assert "127.0.0.1:1" in str(raised.value)
    assert raised.value.status_name == "MW_ERR_KAFKA"
