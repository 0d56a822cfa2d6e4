"""Exceptions raised by the Mister Webhooks binding.

Every exception derives from :class:`MisterWebhooksError`. Each ``mw_status``
of libmisterwebhooks maps to one subclass, listed in ``STATUS_ERRORS``. The
record errors keep the names of the published Mister Webhooks Python client
(:class:`FormatError`, :class:`DecodeError`, :class:`EnvelopeDecodeError`,
:class:`PayloadDecodeError`) and, like there, are :class:`ValueError`\\ s.
"""

from __future__ import annotations

__all__ = [
    "AuthenticationError",
    "DecodeError",
    "EnvelopeDecodeError",
    "FileReadError",
    "FormatError",
    "HandlerError",
    "InvalidArgumentError",
    "KafkaError",
    "LibraryNotFoundError",
    "MisterWebhooksError",
    "PayloadDecodeError",
    "ProfileError",
    "RecordError",
    "UnsupportedEnvelopeError",
]


class MisterWebhooksError(Exception):
    """Base class of every error raised by this package.

    ``code`` is the library's ``mw_status`` value and ``status_name`` its name
    (for example ``"MW_ERR_KAFKA"``), or ``None`` for errors raised by the
    binding itself. ``topic``, ``partition`` and ``offset`` locate the Kafka
    record an error is about, and are ``None`` for other errors.
    """

    def __init__(
        self,
        message: str,
        *,
        code: int | None = None,
        status_name: str | None = None,
        topic: str | None = None,
        partition: int | None = None,
        offset: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status_name = status_name
        self.topic = topic
        self.partition = partition
        self.offset = offset

    def __str__(self) -> str:
        return self.message


class LibraryNotFoundError(MisterWebhooksError, ImportError):
    """libmisterwebhooks.so could not be loaded, or is an incompatible version.

    Raised when :mod:`mister_webhooks` is imported. The message lists every
    path that was tried and how to build the library.
    """


class InvalidArgumentError(MisterWebhooksError, ValueError):
    """An argument was invalid, or the call is not allowed in the object's
    current state (``MW_ERR_INVALID_ARGUMENT``)."""


class FileReadError(MisterWebhooksError, OSError):
    """A file, such as a connection profile, could not be opened or read
    (``MW_ERR_IO``)."""


class ProfileError(MisterWebhooksError, ValueError):
    """The connection profile is invalid (``MW_ERR_PROFILE``).

    The message names the field at fault and, for a profile loaded from a
    file, the file.
    """


class KafkaError(MisterWebhooksError):
    """Kafka failed (``MW_ERR_KAFKA``): an option librdkafka rejects, brokers
    that stay unreachable, a missing or unauthorized topic, a fatal client
    error or a final offset commit that failed."""


class AuthenticationError(KafkaError):
    """The brokers rejected the profile's SASL credentials
    (``MW_ERR_AUTHENTICATION``)."""


class RecordError(MisterWebhooksError, ValueError):
    """Base class of the errors about one Kafka record that cannot be decoded.

    ``topic``, ``partition`` and ``offset`` locate the record. Records
    decoded by :func:`mister_webhooks.decode_record` have them only when the
    caller passed them.
    """


class FormatError(RecordError):
    """The record has no valid ``envelope`` header: the first one is missing,
    null, or not exactly one byte long (``MW_ERR_MALFORMED_MESSAGE``)."""


class UnsupportedEnvelopeError(RecordError):
    """The record's envelope (0x81-0xFF) is newer than libmisterwebhooks, so
    the library must be upgraded (``MW_ERR_UNSUPPORTED_ENVELOPE``)."""


class DecodeError(RecordError):
    """Base class of the errors about a record whose envelope is supported but
    whose content is invalid."""


class EnvelopeDecodeError(DecodeError):
    """The record value is not a valid Avro ``KafkaMessageEnvelopeV1``
    (``MW_ERR_ENVELOPE_DECODE``)."""


class PayloadDecodeError(DecodeError):
    """The webhook payload is not valid JSON or CBOR
    (``MW_ERR_PAYLOAD_DECODE``)."""


class HandlerError(MisterWebhooksError):
    """The event handler stopped the run (``MW_ERR_HANDLER``).

    :meth:`MisterWebhooksConsumer.run` re-raises the callback's own exception
    in its place, so this is raised only when that exception is unavailable.
    """


STATUS_ERRORS: dict[int, type[MisterWebhooksError]] = {
    1: InvalidArgumentError,
    2: FileReadError,
    3: ProfileError,
    4: KafkaError,
    5: AuthenticationError,
    10: FormatError,
    11: UnsupportedEnvelopeError,
    12: EnvelopeDecodeError,
    13: PayloadDecodeError,
    20: HandlerError,
}
"""The exception class of each ``mw_status`` value other than ``MW_OK``."""


def error_for_status(
    code: int,
    message: str,
    *,
    status_name: str | None = None,
    topic: str | None = None,
    partition: int | None = None,
    offset: int | None = None,
) -> MisterWebhooksError:
    """Create the exception for a failed library call with status ``code``.

    A code this binding does not know becomes a plain
    :class:`MisterWebhooksError`.
    """
    error_class = STATUS_ERRORS.get(code, MisterWebhooksError)
    return error_class(
        message,
        code=code,
        status_name=status_name,
        topic=topic,
        partition=partition,
        offset=offset,
    )
