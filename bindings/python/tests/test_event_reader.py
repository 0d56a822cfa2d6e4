"""Header reading through mw_event_headers_json against the per-entry
accessors, and the JSON parser that the event reader uses."""

from __future__ import annotations

import json

import pytest

from mister_webhooks import _native, decode_record
from test_decode import VECTORS, record_of

EVENT_VECTORS = [vector for vector in VECTORS if vector["expect"]["result"] == "event"]


def avro_long(value: int) -> bytes:
    zigzag = (value << 1) ^ (value >> 63)
    out = bytearray()
    while zigzag >= 0x80:
        out.append((zigzag & 0x7F) | 0x80)
        zigzag >>= 7
    out.append(zigzag)
    return bytes(out)


def avro_string(text: str) -> bytes:
    data = text.encode("utf-8")
    return avro_long(len(data)) + data


def envelope_value(headers: list[tuple[str, list[str]]], payload: bytes) -> bytes:
    """Encode a POST KafkaMessageEnvelopeV1 with a JSON payload."""
    out = bytearray(avro_long(2))
    if headers:
        out += avro_long(len(headers))
        for name, values in headers:
            out += avro_string(name)
            if values:
                out += avro_long(len(values))
                for value in values:
                    out += avro_string(value)
            out += avro_long(0)
    out += avro_long(0)
    out += avro_long(len(payload)) + payload
    out += avro_long(0)
    return bytes(out)


def test_headers_json_available() -> None:
    assert _native.HEADERS_JSON_AVAILABLE


@pytest.mark.parametrize("vector", EVENT_VECTORS, ids=[vector["name"] for vector in EVENT_VECTORS])
def test_headers_json_matches_accessors(vector: dict) -> None:
    headers, value = record_of(vector)
    envelope = next(data for name, data in headers if name == "envelope")

    by_json = _native.EventReader(use_headers_json=True).decode(envelope, value, 0)
    one_by_one = _native.EventReader(use_headers_json=False).decode(envelope, value, 0)

    assert by_json is not None and one_by_one is not None
    assert by_json.header_entries == one_by_one.header_entries
    assert by_json == one_by_one


def test_headers_larger_than_buffer() -> None:
    headers = [("X-Large", ["a" * 10_000, "é\0b"]), ("X-Small", []), ("X-Large", ["c"])]
    value = envelope_value(headers, b'{"ok": true}')
    reader = _native.EventReader(use_headers_json=True)

    first = reader.decode(b"\x80", value, 0)
    second = reader.decode(b"\x80", value, 0)

    assert first is not None and second is not None
    assert first.header_entries == headers
    assert second.header_entries == headers


def test_decode_record_merges_large_headers() -> None:
    headers = [("X-Large", ["a" * 10_000]), ("X-Large", ["b"])]
    event = decode_record([("envelope", b"\x80")], envelope_value(headers, b"[1, 2]"))
    assert event is not None
    assert event.header_entries == headers
    assert event.headers == {"X-Large": ["a" * 10_000, "b"]}
    assert event.payload == [1, 2]


@pytest.mark.parametrize(
    "text",
    [b'{"a": [1, 2.5, null, true]}', b'{"a": 1}\n', b" \n[1] \t", b'"\xc3\xa9"', b"12", b'  {"a": {}}', b'[] '],
)
def test_parse_json_matches_json_loads(text: bytes) -> None:
    assert _native.parse_json(text) == json.loads(text)


@pytest.mark.parametrize("text", [b"", b"[1,", b"[1] x", b"nul"])
def test_parse_json_rejects_invalid_text(text: bytes) -> None:
    with pytest.raises(ValueError):
        _native.parse_json(text)
