"""Forwarding of libmisterwebhooks log messages to :mod:`logging`."""

from __future__ import annotations

import logging
from typing import Any

from . import _native

LOGGER_NAME = "mister_webhooks"

logger = logging.getLogger(LOGGER_NAME)

# mw_log_level uses syslog severities: 0-3 emergency to error, 4 warning,
# 5 notice, 6 info, 7 debug.
_LEVELS = (
    logging.CRITICAL,
    logging.CRITICAL,
    logging.CRITICAL,
    logging.ERROR,
    logging.WARNING,
    logging.INFO,
    logging.INFO,
    logging.DEBUG,
)


def _forward(level: int, message: bytes | None, _user_data: Any) -> None:
    # Called from librdkafka's threads. An exception here would only be
    # printed by ctypes, so every failure, such as a broken handler or a
    # closed stream during interpreter shutdown, drops the message.
    try:
        python_level = _LEVELS[level] if 0 <= level < len(_LEVELS) else logging.DEBUG
        if logger.isEnabledFor(python_level):
            text = "" if message is None else message.decode("utf-8", "replace")
            logger.log(python_level, "%s", text)
    except BaseException:  # noqa: BLE001 - a log handler must never raise into C
        pass


def install_log_handler() -> None:
    """Send the library's log messages to the ``mister_webhooks`` logger.

    Debug messages are passed on only when that logger was enabled for DEBUG
    at the time of the call, because each message costs a call into Python.
    Called for every new consumer, so a level set before it takes effect.
    """
    _native.set_log_handler(_forward, verbose=logger.isEnabledFor(logging.DEBUG))


def restore_default_log_handler() -> None:
    """Give logging back to the library's default handler (warnings and
    errors to stderr), so no librdkafka thread calls into an interpreter
    that is shutting down."""
    _native.set_log_handler(None, verbose=False)
