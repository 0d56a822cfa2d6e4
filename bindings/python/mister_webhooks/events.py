"""Webhook events and decoding of Kafka records for other Kafka clients."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any

from . import _native
from .errors import PayloadDecodeError, RecordError

__all__ = ["HTTPMethod", "WebhookEvent", "decode_record"]

ENVELOPE_HEADER = "envelope"
"""Name of the Kafka record header that contains the envelope version byte."""


class HTTPMethod(Enum):
    """HTTP method of the webhook request that Mister Webhooks received."""

    GET = "GET"
    HEAD = "HEAD"
    POST = "POST"
    PUT = "PUT"
    DELETE = "DELETE"
    PATCH = "PATCH"


# Indexed by mw_payload_encoding.
_ENCODINGS_BY_INDEX = ("JSON", "CBOR")

# Indexed by mw_http_method, the Avro enum index of the method.
_METHODS_BY_INDEX = (
    HTTPMethod.GET,
    HTTPMethod.HEAD,
    HTTPMethod.POST,
    HTTPMethod.PUT,
    HTTPMethod.DELETE,
    HTTPMethod.PATCH,
)


@dataclass(slots=True)
class WebhookEvent:
    """One webhook event: the HTTP request that Mister Webhooks received, and
    the Kafka record it arrived in.

    ``headers`` maps each header name to all of its values in wire order,
    merged across entries that repeat a name. ``header_entries`` keeps the
    entries themselves in wire order. ``payload`` is the decoded JSON value,
    also for payloads received as CBOR. ``timestamp`` is the record timestamp
    as a naive local :class:`~datetime.datetime`, as in the published client,
    and ``timestamp_ms`` the same instant in milliseconds since the Unix
    epoch. ``topic``, ``partition``, ``offset`` and ``key`` locate the record,
    and are ``None`` for a record decoded by :func:`decode_record` without
    them. ``payload_encoding`` is the encoding the payload was received in,
    ``"JSON"`` or ``"CBOR"``.
    """

    method: HTTPMethod
    timestamp: datetime | None
    headers: dict[str, list[str]]
    payload: Any
    timestamp_ms: int | None = None
    header_entries: list[tuple[str, list[str]]] = field(default_factory=list)
    topic: str | None = None
    partition: int | None = None
    offset: int | None = None
    key: bytes | None = None
    payload_encoding: str | None = None


def _local_datetime(timestamp_ms: int) -> datetime | None:
    try:
        return datetime.fromtimestamp(timestamp_ms / 1000)
    except (OverflowError, OSError, ValueError):
        # NOTE: a timestamp outside the platform's range yields None rather
        # than stopping the run; timestamp_ms still has the raw value.
        return None


def _merge_headers(entries: list[tuple[str, list[str]]]) -> dict[str, list[str]]:
    headers: dict[str, list[str]] = {}
    for name, values in entries:
        merged = headers.get(name)
        if merged is None:
            headers[name] = list(values)
        else:
            merged.extend(values)
    return headers


def _parse_payload(payload_json: bytes) -> Any:
    try:
        return _native.parse_json(payload_json)
    except ValueError as error:
        # The library has validated the JSON, so this is a limit of Python's
        # parser, such as an integer longer than sys.get_int_max_str_digits().
        raise PayloadDecodeError(f"payload JSON could not be parsed by Python: {error}") from error


def event_from_fields(fields: _native.EventFields) -> WebhookEvent:
    """Build a :class:`WebhookEvent` from the fields of a consumed record."""
    method, timestamp_ms, entries, payload_json, topic, partition, offset, key, encoding = fields
    return WebhookEvent(
        _METHODS_BY_INDEX[method],
        _local_datetime(timestamp_ms),
        _merge_headers(entries),
        _parse_payload(payload_json),
        timestamp_ms,
        entries,
        topic,
        partition,
        offset,
        key,
        _ENCODINGS_BY_INDEX[encoding],
    )


# Each thread gets its own reader, because a reader's length and out-parameter
# cells are written by every call.
_readers = threading.local()


def _thread_reader() -> _native.EventReader:
    try:
        return _readers.reader
    except AttributeError:
        reader = _readers.reader = _native.EventReader()
        return reader


def _as_bytes(value: bytes | bytearray | memoryview | None) -> bytes | None:
    if value is None or type(value) is bytes:
        return value
    return bytes(value)


def _find_envelope(headers: Iterable[tuple[str | bytes, bytes | None]] | None) -> bytes | None:
    if headers is None:
        return None
    for name, value in headers:
        if name == ENVELOPE_HEADER or name == b"envelope":
            return _as_bytes(value)
    return None


def decode_record(
    headers: Iterable[tuple[str | bytes, bytes | None]] | None,
    value: bytes | bytearray | memoryview | None,
    timestamp_ms: int | None = None,
    *,
    topic: str | None = None,
    partition: int | None = None,
    offset: int | None = None,
    key: bytes | None = None,
) -> WebhookEvent | None:
    """Decode one Kafka record read with another Kafka client.

    ``headers`` are the record's headers as ``(name, value)`` pairs, as
    confluent-kafka's ``Message.headers()`` and kafka-python's
    ``ConsumerRecord.headers`` return them; the first header named
    ``envelope`` is used. ``value`` is the record value, ``None`` for a null
    value. ``timestamp_ms`` is the record timestamp in milliseconds since the
    Unix epoch; without it the event's ``timestamp`` and ``timestamp_ms`` are
    ``None``. ``topic``, ``partition``, ``offset`` and ``key`` are copied into
    the event and into a raised error.

    Returns ``None`` for a system record (envelope 0x00-0x7F), which
    applications skip.

    :raises FormatError: when the first ``envelope`` header is missing, null
        or not one byte long.
    :raises UnsupportedEnvelopeError: for an envelope newer than the library.
    :raises EnvelopeDecodeError: when the value is not a valid envelope.
    :raises PayloadDecodeError: when the payload is not valid JSON or CBOR.
    """
    envelope = _find_envelope(headers)
    try:
        fields = _thread_reader().decode(envelope, _as_bytes(value), timestamp_ms or 0)
    except RecordError as error:
        error.topic = topic
        error.partition = partition
        error.offset = offset
        raise

    if fields is None:
        return None

    entries = fields.header_entries
    return WebhookEvent(
        _METHODS_BY_INDEX[fields.method],
        None if timestamp_ms is None else _local_datetime(timestamp_ms),
        _merge_headers(entries),
        _parse_payload(fields.payload_json),
        timestamp_ms,
        entries,
        topic,
        partition,
        offset,
        key,
        _ENCODINGS_BY_INDEX[fields.encoding],
    )
