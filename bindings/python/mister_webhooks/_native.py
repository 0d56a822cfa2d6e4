"""ctypes declarations of libmisterwebhooks (include/misterwebhooks.h).

This is the only module that uses ctypes. It loads the library, declares
every function once, and offers small functions that convert between C and
Python values and raise :mod:`mister_webhooks.errors` exceptions for a failed
``mw_status``. The modules above it are plain Python.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import os
import threading
from collections.abc import Callable, Mapping
from ctypes import CFUNCTYPE, POINTER, c_char_p, c_int, c_int32, c_int64, c_size_t, c_void_p
from pathlib import Path
from typing import Any, NamedTuple

from .errors import LibraryNotFoundError, MisterWebhooksError, error_for_status

LIBRARY_ENV_VAR = "MISTER_WEBHOOKS_LIBRARY"
"""Environment variable naming the libmisterwebhooks.so to load."""

LIBRARY_NAMES = ("libmisterwebhooks.so", "libmisterwebhooks.so.0")
SUPPORTED_MAJOR_VERSION = 0

PACKAGE_DIR = Path(__file__).resolve().parent

MW_OK = 0
MW_LOG_DEBUG = 7
MW_LOG_INFO = 6

EVENT_HANDLER = CFUNCTYPE(c_int, c_void_p, c_void_p)
"""C type of ``mw_event_handler``: ``int (*)(const mw_event *, void *)``."""

LOG_HANDLER = CFUNCTYPE(None, c_int, c_char_p, c_void_p)
"""C type of ``mw_log_handler``: ``void (*)(mw_log_level, const char *, void *)``."""

_size_p = POINTER(c_size_t)
_void_pp = POINTER(c_void_p)


# MARK: - Loading


def repository_root(package_dir: Path) -> Path | None:
    """Return the libmisterwebhooks repository holding ``package_dir``, or
    ``None`` when the package is not run from the source tree."""
    root = package_dir.parent.parent.parent
    if (root / "Package.swift").is_file() and (root / "include" / "misterwebhooks.h").is_file():
        return root
    return None


def library_candidates(environ: Mapping[str, str], package_dir: Path) -> list[str]:
    """List the paths and names to load, in order.

    ``MISTER_WEBHOOKS_LIBRARY``, when set, is the only candidate, so a wrong
    value fails loudly instead of loading another copy of the library.
    Otherwise: a library inside the package directory, the repository's
    build folders (build/lib from `make`, then .build/release from SwiftPM)
    when run from the source tree, then the system loader.
    """
    explicit = environ.get(LIBRARY_ENV_VAR)
    if explicit:
        return [explicit]

    candidates = [str(package_dir / name) for name in LIBRARY_NAMES]

    root = repository_root(package_dir)
    if root is not None:
        candidates.append(str(root / "build" / "lib" / "libmisterwebhooks.so"))
        candidates.append(str(root / ".build" / "release" / "libmisterwebhooks.so"))

    system_name = ctypes.util.find_library("misterwebhooks")
    if system_name is not None:
        candidates.append(system_name)
    candidates.append("libmisterwebhooks.so.0")
    return candidates


def load_library(
    environ: Mapping[str, str] = os.environ, package_dir: Path = PACKAGE_DIR
) -> tuple[ctypes.CDLL, str]:
    """Load libmisterwebhooks and return it with the path or name it came from.

    :raises LibraryNotFoundError: when no candidate loads; the message lists
        each candidate with the reason it failed, and how to build the library.
    """
    failures = []
    for candidate in library_candidates(environ, package_dir):
        is_path = os.sep in candidate
        if is_path and not os.path.exists(candidate):
            failures.append(f"{candidate} (not found)")
            continue
        try:
            return ctypes.CDLL(candidate), candidate
        except OSError as error:
            failures.append(f"{candidate} ({error})")

    tried = "; ".join(failures)
    raise LibraryNotFoundError(
        f"libmisterwebhooks could not be loaded. Tried: {tried}. "
        f"Build it with `make` in the libmisterwebhooks repository "
        f"(it writes build/lib/libmisterwebhooks.so), then set "
        f"{LIBRARY_ENV_VAR} to its path, copy it into {package_dir}, or install it with `make install`."
    )


_lib, LIBRARY_PATH = load_library()


def _missing_function(name: str) -> Callable[..., Any]:
    def fail(*_args: Any) -> Any:
        raise MisterWebhooksError(
            f"{LIBRARY_PATH} has no function {name}; it is older than this binding, "
            f"so rebuild libmisterwebhooks with `make` and try again"
        )

    return fail


def _declare(name: str, restype: Any, argtypes: list[Any]) -> Callable[..., Any]:
    """Declare one library function, or bind a stub that raises when it is
    missing, so the decoding functions work with a library that predates the
    consumer functions."""
    try:
        function = getattr(_lib, name)
    except AttributeError:
        return _missing_function(name)
    function.restype = restype
    function.argtypes = argtypes
    return function


_mw_version = _declare("mw_version", c_char_p, [])
VERSION: str = _mw_version().decode("ascii")

if int(VERSION.split(".")[0]) != SUPPORTED_MAJOR_VERSION:
    raise LibraryNotFoundError(
        f"{LIBRARY_PATH} is libmisterwebhooks {VERSION}, but this binding needs version "
        f"{SUPPORTED_MAJOR_VERSION}.x; install a matching library or binding"
    )

_mw_error_code = _declare("mw_error_code", c_int, [c_void_p])
_mw_error_message = _declare("mw_error_message", c_char_p, [c_void_p])
_mw_error_topic = _declare("mw_error_topic", c_char_p, [c_void_p])
_mw_error_partition = _declare("mw_error_partition", c_int32, [c_void_p])
_mw_error_offset = _declare("mw_error_offset", c_int64, [c_void_p])
_mw_error_free = _declare("mw_error_free", None, [c_void_p])
_mw_status_name = _declare("mw_status_name", c_char_p, [c_int])

_mw_event_decode = _declare(
    "mw_event_decode", c_int, [c_void_p, c_size_t, c_void_p, c_size_t, c_int64, _void_pp, _void_pp]
)
_mw_event_method = _declare("mw_event_method", c_int, [c_void_p])
_mw_event_encoding = _declare("mw_event_encoding", c_int, [c_void_p])
_mw_event_timestamp_ms = _declare("mw_event_timestamp_ms", c_int64, [c_void_p])
_mw_event_header_count = _declare("mw_event_header_count", c_size_t, [c_void_p])
_mw_event_header_name = _declare("mw_event_header_name", c_void_p, [c_void_p, c_size_t, _size_p])
_mw_event_header_value_count = _declare("mw_event_header_value_count", c_size_t, [c_void_p, c_size_t])
_mw_event_header_value = _declare(
    "mw_event_header_value", c_void_p, [c_void_p, c_size_t, c_size_t, _size_p]
)
_mw_event_headers_json = _declare("mw_event_headers_json", c_size_t, [c_void_p, c_void_p, c_size_t])
_mw_event_payload_json = _declare("mw_event_payload_json", c_void_p, [c_void_p, _size_p])
_mw_event_topic = _declare("mw_event_topic", c_char_p, [c_void_p])
_mw_event_partition = _declare("mw_event_partition", c_int32, [c_void_p])
_mw_event_offset = _declare("mw_event_offset", c_int64, [c_void_p])
_mw_event_key = _declare("mw_event_key", c_void_p, [c_void_p, _size_p])
_mw_event_free = _declare("mw_event_free", None, [c_void_p])
_mw_http_method_name = _declare("mw_http_method_name", c_char_p, [c_int])
_mw_payload_encoding_name = _declare("mw_payload_encoding_name", c_char_p, [c_int])

_mw_profile_load = _declare("mw_profile_load", c_int, [c_char_p, _void_pp, _void_pp])
_mw_profile_parse = _declare("mw_profile_parse", c_int, [c_char_p, c_size_t, _void_pp, _void_pp])
_mw_profile_consumer_name = _declare("mw_profile_consumer_name", c_char_p, [c_void_p])
_mw_profile_auth_mechanism = _declare("mw_profile_auth_mechanism", c_char_p, [c_void_p])
_mw_profile_auth_secret = _declare("mw_profile_auth_secret", c_char_p, [c_void_p])
_mw_profile_kafka_bootstrap = _declare("mw_profile_kafka_bootstrap", c_char_p, [c_void_p])
_mw_profile_security_protocol = _declare("mw_profile_security_protocol", c_char_p, [c_void_p])
_mw_profile_ssl_ca_location = _declare("mw_profile_ssl_ca_location", c_char_p, [c_void_p])
_mw_profile_free = _declare("mw_profile_free", None, [c_void_p])

_mw_consumer_new = _declare("mw_consumer_new", c_int, [c_char_p, c_void_p, _void_pp, _void_pp])
_mw_consumer_set_option = _declare("mw_consumer_set_option", c_int, [c_void_p, c_char_p, c_char_p, _void_pp])
_mw_consumer_run = _declare("mw_consumer_run", c_int, [c_void_p, EVENT_HANDLER, c_void_p, _void_pp])
_mw_consumer_stop = _declare("mw_consumer_stop", None, [c_void_p])
_mw_consumer_free = _declare("mw_consumer_free", None, [c_void_p])

_mw_set_log_handler = _declare("mw_set_log_handler", None, [LOG_HANDLER, c_void_p, c_int])


# MARK: - Errors


def _text(raw: bytes | None) -> str | None:
    return None if raw is None else raw.decode("utf-8", "replace")


def _raise_error(status: int, error: c_void_p) -> None:
    """Raise the exception for ``status``, taking ownership of ``error``."""
    status_name = _text(_mw_status_name(status))
    if not error.value:
        raise error_for_status(status, f"libmisterwebhooks failed with {status_name}", status_name=status_name)

    try:
        message = _text(_mw_error_message(error)) or ""
        topic = _text(_mw_error_topic(error))
        partition = _mw_error_partition(error)
        offset = _mw_error_offset(error)
    finally:
        _mw_error_free(error)
        error.value = None

    raise error_for_status(
        status,
        message,
        status_name=status_name,
        topic=topic,
        partition=None if partition < 0 else partition,
        offset=None if offset < 0 else offset,
    )


def status_name(status: int) -> str:
    """Return the name of an ``mw_status`` value, such as ``"MW_ERR_KAFKA"``."""
    return _text(_mw_status_name(status)) or "MW_ERR_UNKNOWN"


# MARK: - Events


class EventFields(NamedTuple):
    """The fields of one ``mw_event``, copied into Python values."""

    method: int
    timestamp_ms: int
    header_entries: list[tuple[str, list[str]]]
    payload_json: bytes
    topic: str
    partition: int
    offset: int
    key: bytes | None
    encoding: int


class DecodedFields(NamedTuple):
    """The fields of an ``mw_event`` from ``mw_event_decode`` that depend on
    the record value. Its topic, partition, offset and key are placeholders."""

    method: int
    header_entries: list[tuple[str, list[str]]]
    payload_json: bytes
    encoding: int


# The C scanner behind json.loads, without its encoding detection and
# whitespace regular expressions.
_scan_json_value = json.JSONDecoder().scan_once

# Whitespace that JSON allows around a value (RFC 8259, section 2).
_JSON_WHITESPACE = " \t\n\r"


def parse_json(data: bytes) -> Any:
    """Parse UTF-8 JSON text from the library, such as a payload it validated.

    Equivalent to :func:`json.loads`, and a few microseconds faster per call,
    because text that starts with its value goes to the decoder's scanner
    directly. Text with leading whitespace, and invalid text, goes through
    :func:`json.loads`, which raises the usual :class:`ValueError`.
    """
    text = data.decode("utf-8", "surrogatepass")
    try:
        value, end = _scan_json_value(text, 0)
    except StopIteration:
        return json.loads(text)

    # Payloads often end with a newline, which the scanner leaves unread.
    if end != len(text) and text[end:].strip(_JSON_WHITESPACE):
        return json.loads(text)
    return value


HEADERS_JSON_AVAILABLE = hasattr(_lib, "mw_event_headers_json")
"""Whether the library reads all header entries in one call."""

# Large enough for the headers of a typical webhook delivery, such as
# GitHub's ten or so; larger header text grows the buffer on first use.
_INITIAL_HEADERS_CAPACITY = 4096


class EventReader:
    """Copies the fields of ``mw_event`` pointers into Python values.

    Each reader owns the ``size_t`` that the accessors write lengths to and
    the buffer that receives the header JSON, so one reader must be used by
    one thread at a time.
    """

    __slots__ = (
        "_length",
        "_length_pointer",
        "_event_cell",
        "_event_pointer",
        "_error_cell",
        "_error_pointer",
        "_headers_buffer",
        "_headers_capacity",
        "read_header_entries",
    )

    def __init__(self, use_headers_json: bool = HEADERS_JSON_AVAILABLE) -> None:
        self._length = c_size_t()
        self._length_pointer = ctypes.pointer(self._length)
        self._event_cell = c_void_p()
        self._event_pointer = ctypes.pointer(self._event_cell)
        self._error_cell = c_void_p()
        self._error_pointer = ctypes.pointer(self._error_cell)
        self._headers_capacity = _INITIAL_HEADERS_CAPACITY
        self._headers_buffer = ctypes.create_string_buffer(self._headers_capacity)
        if use_headers_json:
            self.read_header_entries = self._read_header_entries_json
        else:
            self.read_header_entries = self._read_header_entries_one_by_one

    def _read_header_entries_json(self, event: int) -> list[tuple[str, list[str]]]:
        """Read the header entries with one ``mw_event_headers_json`` call,
        growing the buffer when the text does not fit."""
        length = _mw_event_headers_json(event, self._headers_buffer, self._headers_capacity)
        if length >= self._headers_capacity:
            self._headers_capacity = length + 1
            self._headers_buffer = ctypes.create_string_buffer(self._headers_capacity)
            _mw_event_headers_json(event, self._headers_buffer, self._headers_capacity)

        # .value stops at the first NUL, which is the terminator, because
        # the library escapes NUL bytes inside the text as \u0000.
        return [(name, values) for name, values in parse_json(self._headers_buffer.value)]

    def _read_header_entries_one_by_one(self, event: int) -> list[tuple[str, list[str]]]:
        """Read the header entries with one call per name and per value, for
        libraries that predate ``mw_event_headers_json``."""
        length = self._length
        length_pointer = self._length_pointer
        string_at = ctypes.string_at

        entries = []
        for index in range(_mw_event_header_count(event)):
            name_pointer = _mw_event_header_name(event, index, length_pointer)
            name = string_at(name_pointer, length.value).decode("utf-8", "surrogateescape")
            values = []
            for value_index in range(_mw_event_header_value_count(event, index)):
                value_pointer = _mw_event_header_value(event, index, value_index, length_pointer)
                values.append(string_at(value_pointer, length.value).decode("utf-8", "surrogateescape"))
            entries.append((name, values))
        return entries

    def _read_payload_json(self, event: int) -> bytes:
        payload_pointer = _mw_event_payload_json(event, self._length_pointer)
        return ctypes.string_at(payload_pointer, self._length.value)

    def read(self, event: int) -> EventFields:
        """Copy every field of the event at address ``event``."""
        key_pointer = _mw_event_key(event, self._length_pointer)
        key = None if key_pointer is None else ctypes.string_at(key_pointer, self._length.value)

        return EventFields(
            _mw_event_method(event),
            _mw_event_timestamp_ms(event),
            self.read_header_entries(event),
            self._read_payload_json(event),
            _mw_event_topic(event).decode("utf-8", "surrogateescape"),
            _mw_event_partition(event),
            _mw_event_offset(event),
            key,
            _mw_event_encoding(event),
        )

    def decode(self, envelope: bytes | None, value: bytes | None, timestamp_ms: int) -> DecodedFields | None:
        """Decode one Kafka record with ``mw_event_decode``.

        Returns ``None`` for a system record. The caller has the timestamp
        and the record location, so they are not read back.

        :raises RecordError: for a record that cannot be decoded.
        """
        event_cell = self._event_cell
        status = _mw_event_decode(
            envelope,
            0 if envelope is None else len(envelope),
            value,
            0 if value is None else len(value),
            timestamp_ms,
            self._event_pointer,
            self._error_pointer,
        )
        if status != MW_OK:
            _raise_error(status, self._error_cell)

        event = event_cell.value
        if event is None:
            return None
        try:
            return DecodedFields(
                _mw_event_method(event),
                self.read_header_entries(event),
                self._read_payload_json(event),
                _mw_event_encoding(event),
            )
        finally:
            _mw_event_free(event)
            event_cell.value = None


def http_method_name(method: int) -> str | None:
    """Return the Avro symbol of an ``mw_http_method`` value, or ``None``."""
    return _text(_mw_http_method_name(method))


# MARK: - Profiles


class ProfileFields(NamedTuple):
    """The fields of one ``mw_profile``."""

    consumer_name: str
    auth_mechanism: str | None
    auth_secret: str | None
    kafka_bootstrap: str
    security_protocol: str
    ssl_ca_location: str | None


def _read_profile(profile: c_void_p) -> ProfileFields:
    return ProfileFields(
        consumer_name=_text(_mw_profile_consumer_name(profile)) or "",
        auth_mechanism=_text(_mw_profile_auth_mechanism(profile)),
        auth_secret=_text(_mw_profile_auth_secret(profile)),
        kafka_bootstrap=_text(_mw_profile_kafka_bootstrap(profile)) or "",
        security_protocol=_text(_mw_profile_security_protocol(profile)) or "",
        ssl_ca_location=_text(_mw_profile_ssl_ca_location(profile)),
    )


def load_profile(path: bytes) -> ProfileFields:
    """Load a connection profile file with ``mw_profile_load``.

    :raises FileReadError: when the file cannot be read.
    :raises ProfileError: when it is not a valid profile.
    """
    profile, error = c_void_p(), c_void_p()
    status = _mw_profile_load(path, ctypes.byref(profile), ctypes.byref(error))
    if status != MW_OK:
        _raise_error(status, error)
    try:
        return _read_profile(profile)
    finally:
        _mw_profile_free(profile)


def _parse_profile(json_text: bytes) -> c_void_p:
    profile, error = c_void_p(), c_void_p()
    status = _mw_profile_parse(json_text, len(json_text), ctypes.byref(profile), ctypes.byref(error))
    if status != MW_OK:
        _raise_error(status, error)
    return profile


def parse_profile(json_text: bytes) -> ProfileFields:
    """Parse connection profile JSON with ``mw_profile_parse``.

    :raises ProfileError: when it is not a valid profile.
    """
    profile = _parse_profile(json_text)
    try:
        return _read_profile(profile)
    finally:
        _mw_profile_free(profile)


# MARK: - Consumers


def consumer_new(topic: bytes, profile_json: bytes) -> int:
    """Create an ``mw_consumer`` of ``topic`` and return its address.

    :raises ProfileError: when ``profile_json`` is not a valid profile.
    :raises InvalidArgumentError: for an empty topic.
    :raises KafkaError: when librdkafka rejects the configuration.
    """
    profile = _parse_profile(profile_json)
    try:
        consumer, error = c_void_p(), c_void_p()
        status = _mw_consumer_new(topic, profile, ctypes.byref(consumer), ctypes.byref(error))
        if status != MW_OK:
            _raise_error(status, error)
    finally:
        _mw_profile_free(profile)
    assert consumer.value is not None
    return consumer.value


def consumer_set_option(consumer: int, key: bytes, value: bytes) -> None:
    """Set a configuration property with ``mw_consumer_set_option``."""
    error = c_void_p()
    status = _mw_consumer_set_option(consumer, key, value, ctypes.byref(error))
    if status != MW_OK:
        _raise_error(status, error)


def event_handler(function: Callable[[int, Any], int]) -> Any:
    """Wrap ``function(event_address, user_data) -> int`` as an
    ``mw_event_handler``. The caller keeps the result alive while C uses it."""
    return EVENT_HANDLER(function)


def consumer_run(consumer: int, handler: Any) -> None:
    """Run ``mw_consumer_run`` on the calling thread until it returns.

    ``handler`` comes from :func:`event_handler`. ctypes releases the GIL for
    the call and takes it again around each handler call.

    :raises MisterWebhooksError: the subclass for the status it returned.
    """
    error = c_void_p()
    status = _mw_consumer_run(consumer, handler, None, ctypes.byref(error))
    if status != MW_OK:
        _raise_error(status, error)


def consumer_stop(consumer: int) -> None:
    """Ask a running ``mw_consumer_run`` to return; safe from any thread."""
    _mw_consumer_stop(consumer)


def consumer_free(consumer: int) -> None:
    """Free an ``mw_consumer`` that is not running."""
    _mw_consumer_free(consumer)


# MARK: - Logging

_log_handler_lock = threading.Lock()
# The installed C callback. Kept for the process lifetime, because librdkafka
# threads may call it at any time until the default handler is restored.
_log_handler: Any = None


def set_log_handler(function: Callable[[int, bytes, Any], None] | None, verbose: bool) -> None:
    """Install ``function(level, message, user_data)`` as the process-wide log
    handler, or restore the library's default handler for ``None``.

    ``verbose`` selects the most verbose level passed on: debug, or info.
    ``function`` must never raise: ctypes would print the exception and carry on.
    """
    global _log_handler
    max_level = MW_LOG_DEBUG if verbose else MW_LOG_INFO
    with _log_handler_lock:
        if function is None:
            if _log_handler is not None:
                _mw_set_log_handler(LOG_HANDLER(), None, max_level)
            return
        if _log_handler is None:
            _log_handler = LOG_HANDLER(function)
        _mw_set_log_handler(_log_handler, None, max_level)
