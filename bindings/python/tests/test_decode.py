"""decode_record against every decoding vector, compared as the vectors'
own checker compares them."""

from __future__ import annotations

import base64
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import VECTORS_DIR
from mister_webhooks import (
    DecodeError,
    EnvelopeDecodeError,
    FormatError,
    HTTPMethod,
    MisterWebhooksError,
    PayloadDecodeError,
    UnsupportedEnvelopeError,
    WebhookEvent,
    decode_record,
)

ERROR_CLASSES = {
    "malformed_message": FormatError,
    "unsupported_envelope": UnsupportedEnvelopeError,
    "envelope_decode": EnvelopeDecodeError,
    "payload_decode": PayloadDecodeError,
}

ERROR_STATUSES = {
    "malformed_message": 10,
    "unsupported_envelope": 11,
    "envelope_decode": 12,
    "payload_decode": 13,
}


def load_vectors() -> list[dict[str, Any]]:
    path = VECTORS_DIR / "envelopes.jsonl"
    if not path.is_file():
        return []
    with open(path) as file:
        return [json.loads(line) for line in file]


VECTORS = load_vectors()


def reject_constant(name: str) -> Any:
    raise ValueError(f"non-standard JSON constant {name}")


def parse_json(text: str | bytes) -> Any:
    return json.loads(text, parse_constant=reject_constant)


def same(expected: Any, actual: Any) -> bool:
    """Compare JSON values: integers exactly, floats as doubles, booleans
    only with booleans."""
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected is actual
    if isinstance(expected, (int, float)) and isinstance(actual, (int, float)):
        if isinstance(expected, int) and isinstance(actual, int):
            return expected == actual
        return float(expected) == float(actual)
    if isinstance(expected, dict) and isinstance(actual, dict):
        return expected.keys() == actual.keys() and all(same(expected[k], actual[k]) for k in expected)
    if isinstance(expected, list) and isinstance(actual, list):
        return len(expected) == len(actual) and all(same(x, y) for x, y in zip(expected, actual))
    return expected == actual


def expected_payload(expect: dict[str, Any]) -> Any:
    if "payload_file" in expect:
        return parse_json((VECTORS_DIR / expect["payload_file"]).read_bytes())
    payload = expect["payload"]
    if isinstance(payload, dict) and set(payload) == {"$json_text"}:
        return parse_json(payload["$json_text"])
    return payload


def record_of(vector: dict[str, Any]) -> tuple[list[tuple[str, bytes | None]], bytes | None]:
    headers = [(name, None if value is None else bytes.fromhex(value)) for name, value in vector["headers"]]
    value = None if vector["value"] is None else base64.b64decode(vector["value"])
    return headers, value


@pytest.fixture(autouse=True)
def deep_recursion() -> Any:
    # Payloads nest up to 512 levels, and comparing them recurses per level.
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(20_000)
    yield
    sys.setrecursionlimit(previous)


def test_vectors_present() -> None:
    assert len(VECTORS) == 683, f"expected 683 vectors in {VECTORS_DIR}"


@pytest.mark.parametrize("vector", VECTORS, ids=[vector["name"] for vector in VECTORS])
def test_vector(vector: dict[str, Any]) -> None:
    headers, value = record_of(vector)
    expect = vector["expect"]

    if expect["result"] == "error":
        error_class = ERROR_CLASSES[expect["error"]]
        with pytest.raises(MisterWebhooksError) as raised:
            decode_record(headers, value, vector["timestamp_ms"])
        assert type(raised.value) is error_class, str(raised.value)
        assert raised.value.code == ERROR_STATUSES[expect["error"]]
        assert isinstance(raised.value, ValueError)
        assert raised.value.message
        return

    event = decode_record(headers, value, vector["timestamp_ms"])
    if expect["result"] == "skip":
        assert event is None
        return

    assert isinstance(event, WebhookEvent)
    assert event.method.value == expect["method"]
    assert event.payload_encoding == expect["encoding"]
    assert [[name, values] for name, values in event.header_entries] == expect["headers"]
    assert event.timestamp_ms == vector["timestamp_ms"]
    assert same(expected_payload(expect), event.payload), json.dumps(event.payload)[:200]


def test_headers_merge_repeated_names() -> None:
    vector = next(v for v in VECTORS if len({n for n, _ in v["expect"].get("headers", [])}) < len(v["expect"].get("headers", [])))
    event = decode_record(*record_of(vector), vector["timestamp_ms"])
    assert event is not None

    merged: dict[str, list[str]] = {}
    for name, values in vector["expect"]["headers"]:
        merged.setdefault(name, []).extend(values)
    assert event.headers == merged


def test_timestamp_is_naive_local_time() -> None:
    from datetime import datetime

    vector = next(v for v in VECTORS if v["expect"]["result"] == "event")
    event = decode_record(*record_of(vector), vector["timestamp_ms"])
    assert event is not None
    assert event.timestamp == datetime.fromtimestamp(vector["timestamp_ms"] / 1000)
    assert event.timestamp.tzinfo is None


def test_missing_timestamp_gives_none() -> None:
    vector = next(v for v in VECTORS if v["expect"]["result"] == "event")
    event = decode_record(*record_of(vector))
    assert event is not None
    assert event.timestamp is None
    assert event.timestamp_ms is None


def test_first_envelope_header_wins() -> None:
    vector = next(v for v in VECTORS if v["expect"]["result"] == "event")
    headers, value = record_of(vector)
    with pytest.raises(FormatError):
        decode_record([("envelope", None)] + headers, value)
    assert decode_record([("other", b"x")] + headers + [("envelope", None)], value) is not None


def test_bytes_header_names_and_buffers_accepted() -> None:
    vector = next(v for v in VECTORS if v["expect"]["result"] == "event")
    headers, value = record_of(vector)
    byte_headers = [(name.encode(), None if data is None else bytearray(data)) for name, data in headers]
    event = decode_record(byte_headers, memoryview(value or b""), vector["timestamp_ms"])
    assert event is not None
    assert event.method in HTTPMethod


def test_record_location_copied_into_event_and_error() -> None:
    vector = next(v for v in VECTORS if v["expect"]["result"] == "event")
    headers, value = record_of(vector)
    event = decode_record(headers, value, topic="t", partition=3, offset=42, key=b"k")
    assert event is not None
    assert (event.topic, event.partition, event.offset, event.key) == ("t", 3, 42, b"k")

    with pytest.raises(FormatError) as raised:
        decode_record([], value, topic="t", partition=3, offset=42)
    assert (raised.value.topic, raised.value.partition, raised.value.offset) == ("t", 3, 42)


def test_unsupported_envelope_says_upgrade() -> None:
    with pytest.raises(UnsupportedEnvelopeError) as raised:
        decode_record([("envelope", b"\x81")], b"")
    assert "upgrade" in str(raised.value)
    assert raised.value.status_name == "MW_ERR_UNSUPPORTED_ENVELOPE"


def test_published_error_names_are_value_errors() -> None:
    assert issubclass(EnvelopeDecodeError, DecodeError)
    assert issubclass(PayloadDecodeError, DecodeError)
    for error_class in (FormatError, DecodeError, EnvelopeDecodeError, PayloadDecodeError, UnsupportedEnvelopeError):
        assert issubclass(error_class, ValueError)
        assert issubclass(error_class, MisterWebhooksError)


def test_http_method_members_distinct() -> None:
    assert [method.name for method in HTTPMethod] == ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"]
    assert len({method.value for method in HTTPMethod}) == 6
