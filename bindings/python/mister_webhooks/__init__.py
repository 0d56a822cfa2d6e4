"""Consume Mister Webhooks Kafka topics through libmisterwebhooks.

The smallest client prints every webhook event of a topic::

    from mister_webhooks import ConnectionProfile, MisterWebhooksConsumer

    profile = ConnectionProfile.from_file("profile.json")
    consumer = MisterWebhooksConsumer("my-topic", profile)
    consumer.run(print)

Applications that read Kafka with another client decode each record with
:func:`decode_record`. The library's log messages go to the
``mister_webhooks`` logger.

Importing this package loads libmisterwebhooks.so from the path in
``MISTER_WEBHOOKS_LIBRARY``, else from the package directory, else from the
repository's ``.build/release`` folder when run from the source tree, else
through the system's dynamic loader, and raises
:class:`LibraryNotFoundError` when none loads.
"""

from __future__ import annotations

from ._native import LIBRARY_PATH, VERSION
from .consumer import MisterWebhooksConsumer
from .errors import (
    AuthenticationError,
    DecodeError,
    EnvelopeDecodeError,
    FileReadError,
    FormatError,
    HandlerError,
    InvalidArgumentError,
    KafkaError,
    LibraryNotFoundError,
    MisterWebhooksError,
    PayloadDecodeError,
    ProfileError,
    RecordError,
    UnsupportedEnvelopeError,
)
from .events import HTTPMethod, WebhookEvent, decode_record
from .profile import ConnectionProfile

__version__ = "0.1.0"

library_version: str = VERSION
"""Version of the loaded libmisterwebhooks, as ``mw_version()`` returns it."""

library_path: str = LIBRARY_PATH
"""Path or name that libmisterwebhooks was loaded from."""

__all__ = [
    "AuthenticationError",
    "ConnectionProfile",
    "DecodeError",
    "EnvelopeDecodeError",
    "FileReadError",
    "FormatError",
    "HTTPMethod",
    "HandlerError",
    "InvalidArgumentError",
    "KafkaError",
    "LibraryNotFoundError",
    "MisterWebhooksConsumer",
    "MisterWebhooksError",
    "PayloadDecodeError",
    "ProfileError",
    "RecordError",
    "UnsupportedEnvelopeError",
    "WebhookEvent",
    "decode_record",
    "library_path",
    "library_version",
]
