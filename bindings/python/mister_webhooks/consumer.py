"""The Mister Webhooks consumer.

Threads and signals: :meth:`MisterWebhooksConsumer.run` calls
``mw_consumer_run`` on a worker thread, so the callback runs on that worker
thread, and the calling thread waits in a wait loop. CPython runs signal
handlers only on the main thread and only between bytecodes, and ctypes
makes the whole ``mw_consumer_run`` call one C call. Running it on the
calling thread would therefore leave Ctrl-C unseen while no records arrive,
until the next event calls back into Python, which on an idle topic is never.
A C signal handler could call ``mw_consumer_stop`` directly, but ctypes
cannot install one without replacing Python's own SIGINT handling. A wait on a
lock, by contrast, is interrupted by signals on POSIX, so the calling thread
gets ``KeyboardInterrupt`` at once. It then calls ``mw_consumer_stop`` and
waits for the worker, which lets ``mw_consumer_run`` commit and return,
before re-raising. The wait uses a ``threading.Event`` that the worker sets,
not ``Thread.join``: in CPython 3.11, a ``join`` interrupted by
``KeyboardInterrupt`` can mark a running thread as stopped, so
``is_alive()`` would return ``False`` before the commit. The cost is one thread per run and a hand-off that is not on the
per-event path.
"""

from __future__ import annotations

import atexit
import contextlib
import signal
import threading
import weakref
from collections.abc import Callable
from typing import Any

from . import _native
from ._logging import install_log_handler, logger, restore_default_log_handler
from .errors import HandlerError, InvalidArgumentError
from .events import WebhookEvent, event_from_fields
from .profile import ConnectionProfile

__all__ = ["MisterWebhooksConsumer"]

# How long one wait lasts before the loop checks again. Signals interrupt the
# wait on POSIX, so this bounds only how late other platforms see Ctrl-C.
_WAIT_INTERVAL_SECONDS = 0.2

# How long interpreter exit waits for each running consumer to commit and
# leave its group. The library's default "mw.commit.timeout.ms" of 10 s
# bounds each of the two steps.
_EXIT_TIMEOUT_SECONDS = 25.0

_running_consumers: weakref.WeakSet[MisterWebhooksConsumer] = weakref.WeakSet()


class MisterWebhooksConsumer:
    """A Kafka consumer of one Mister Webhooks topic.

    It joins the consumer group named by the profile's ``consumer_name``, and
    commits an event's offset only after the callback returned for it, so an
    event whose callback raised is delivered again to the group's next
    consumer. Use it as a context manager, or call :meth:`close`, to free it.

    :raises ProfileError: when the profile is invalid.
    :raises InvalidArgumentError: for an empty topic.
    :raises KafkaError: when librdkafka rejects the configuration, for
        example a CA file that cannot be loaded.
    """

    def __init__(self, topic: str, profile: ConnectionProfile) -> None:
        self._handle: int | None = None
        self._state_lock = threading.Lock()
        self._worker: threading.Thread | None = None
        self._finished: threading.Event | None = None
        self._event_handler: Any = None
        self._close_requested = False

        if not isinstance(topic, str):
            raise TypeError(f"topic must be a str, got {type(topic).__name__}")
        if not isinstance(profile, ConnectionProfile):
            raise TypeError(
                f"profile must be a ConnectionProfile, got {type(profile).__name__}; "
                f"load one with ConnectionProfile.from_file(path)"
            )
        if "\0" in topic:
            raise InvalidArgumentError(f"topic {topic!r} contains a NUL character")

        install_log_handler()
        self.topic = topic
        self.profile = profile
        self._handle = _native.consumer_new(topic.encode("utf-8"), profile.to_json().encode("utf-8"))

    def set_option(self, key: str, value: str | int | bool) -> None:
        """Set a configuration property before :meth:`run`.

        Keys starting with ``mw.`` belong to libmisterwebhooks:
        ``mw.broker.timeout.ms``, ``mw.commit.timeout.ms`` and
        ``mw.poll.interval.ms``. Every other key is a librdkafka property,
        such as ``auto.offset.reset``. Booleans become ``"true"`` and
        ``"false"``.

        :raises InvalidArgumentError: while the consumer runs, after
            :meth:`close`, or for an unknown or invalid ``mw.`` key.
        :raises KafkaError: for a key or value that librdkafka rejects.
        """
        if isinstance(value, bool):
            text = "true" if value else "false"
        else:
            text = str(value)

        with self._state_lock:
            handle = self._require_open()
            if self._worker is not None:
                raise InvalidArgumentError(f"cannot set option {key!r} while the consumer of {self.topic!r} runs")
            _native.consumer_set_option(handle, key.encode("utf-8"), text.encode("utf-8"))

    def run(self, callback: Callable[[WebhookEvent], object]) -> None:
        """Consume the topic, calling ``callback(event)`` for each webhook event.

        The callback runs on a worker thread that this method starts, one
        event at a time, while the calling thread waits. The run ends when:

        - :meth:`stop` is called: the offsets of handled events are committed
          and ``run`` returns ``None``;
        - the callback raises: nothing is committed for that event, and
          ``run`` re-raises the same exception object;
        - the calling thread gets an exception such as ``KeyboardInterrupt``
          from Ctrl-C: the run stops, commits, and ``run`` re-raises it, also
          while no records arrive;
        - a record cannot be decoded or Kafka fails: ``run`` raises the
          matching :class:`MisterWebhooksError`.

        :raises InvalidArgumentError: when the consumer already runs or is
            closed.
        """
        if not callable(callback):
            raise TypeError(f"callback must be callable, got {type(callback).__name__}")
        with self._state_lock:
            handle = self._require_open()
            if self._worker is not None:
                raise InvalidArgumentError(f"the consumer of {self.topic!r} is already running")

            callback_errors: list[BaseException] = []
            run_errors: list[BaseException] = []
            # Referenced by self and by the worker's arguments until run()
            # returns, which is only after mw_consumer_run has returned.
            event_handler = _native.event_handler(_make_event_handler(callback, callback_errors))
            finished = threading.Event()
            worker = threading.Thread(
                target=_consume,
                args=(handle, event_handler, run_errors, finished),
                name=f"mister-webhooks consumer {self.topic}",
                daemon=True,
            )
            self._worker = worker
            self._finished = finished
            self._event_handler = event_handler
            _running_consumers.add(self)

        try:
            worker.start()
        except BaseException:
            self._finish_run()
            raise

        try:
            with _sigterm_as_exit():
                _wait(finished)
        except BaseException:
            _native.consumer_stop(handle)
            _wait_despite_interrupts(finished, handle, self.topic)
            _log_unraised(callback_errors + run_errors, self.topic)
            raise
        finally:
            self._finish_run()

        _raise_outcome(callback_errors, run_errors, self.topic)

    def stop(self) -> None:
        """Ask :meth:`run` to finish the current event, commit and return.

        May be called from any thread, including from the callback. Called
        while no run is in progress, it makes the next run return at once.
        """
        with self._state_lock:
            if self._handle is not None:
                _native.consumer_stop(self._handle)

    def close(self) -> None:
        """Free the consumer. Calling it again does nothing.

        Called during a run, from the callback or another thread, it stops
        the run, and the consumer is freed when :meth:`run` returns.
        """
        with self._state_lock:
            handle = self._handle
            if handle is None:
                return
            if self._worker is not None:
                self._close_requested = True
                _native.consumer_stop(handle)
                return
            self._handle = None
        _native.consumer_free(handle)

    def __enter__(self) -> MisterWebhooksConsumer:
        return self

    def __exit__(self, *_exc_info: object) -> None:
        self.close()

    def __del__(self) -> None:
        handle = getattr(self, "_handle", None)
        if handle is not None and getattr(self, "_worker", None) is None:
            try:
                _native.consumer_free(handle)
            except Exception:  # noqa: BLE001 - modules may be gone at interpreter exit
                pass

    def __repr__(self) -> str:
        if self._handle is None:
            state = "closed"
        elif self._worker is not None:
            state = "running"
        else:
            state = "idle"
        return f"<{type(self).__name__} topic={self.topic!r} group={self.profile.consumer_name!r} {state}>"

    def _require_open(self) -> int:
        if self._handle is None:
            raise InvalidArgumentError(f"the consumer of {self.topic!r} is closed")
        return self._handle

    def _finish_run(self) -> None:
        with self._state_lock:
            self._worker = None
            self._finished = None
            self._event_handler = None
            _running_consumers.discard(self)
            handle = self._handle if self._close_requested else None
            if handle is not None:
                self._handle = None
        if handle is not None:
            _native.consumer_free(handle)


@contextlib.contextmanager
def _sigterm_as_exit() -> Any:
    """Turn SIGTERM into ``SystemExit(143)`` while the main thread waits.

    By default SIGTERM ends a Python process at once, before the run could
    commit. Raised as an exception instead, it takes the same path as
    Ctrl-C: stop, commit, then exit with the status a shell reports for
    SIGTERM (128 + 15). A SIGTERM handler the program installed itself is
    left alone, and so is any other thread, where handlers cannot be set.
    """
    if threading.current_thread() is not threading.main_thread() or signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        yield
        return

    def exit_on_sigterm(signal_number: int, _frame: object) -> None:
        raise SystemExit(128 + signal_number)

    signal.signal(signal.SIGTERM, exit_on_sigterm)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _make_event_handler(
    callback: Callable[[WebhookEvent], object], callback_errors: list[BaseException]
) -> Callable[[int, Any], int]:
    """Wrap ``callback`` as the Python side of an ``mw_event_handler``.

    ctypes only prints an exception that escapes a C callback, so every
    exception is stored in ``callback_errors`` and the handler returns 1,
    which makes ``mw_consumer_run`` stop without storing the event's offset
    and return ``MW_ERR_HANDLER``.
    """
    read = _native.EventReader().read

    def handle_event(event: int, _user_data: Any) -> int:
        try:
            callback(event_from_fields(read(event)))
        except BaseException as error:  # noqa: BLE001 - re-raised by run()
            callback_errors.append(error)
            return 1
        return 0

    return handle_event


def _consume(
    handle: int, event_handler: Any, run_errors: list[BaseException], finished: threading.Event
) -> None:
    """Run ``mw_consumer_run`` on the worker thread, storing what it raises,
    and set ``finished`` once it has returned."""
    try:
        _native.consumer_run(handle, event_handler)
    except BaseException as error:  # noqa: BLE001 - raised by run() on the calling thread
        run_errors.append(error)
    finally:
        finished.set()


def _wait(finished: threading.Event) -> None:
    while not finished.wait(_WAIT_INTERVAL_SECONDS):
        pass


def _wait_despite_interrupts(finished: threading.Event, handle: int, topic: str) -> None:
    """Wait for a stopped worker, also through further Ctrl-C presses.

    Returning earlier would free or reuse a consumer that librdkafka still
    uses. The wait is bounded by the callback's current event, the final
    commit and leaving the group ("mw.commit.timeout.ms" each).
    """
    while not finished.is_set():
        try:
            finished.wait()
        except BaseException as error:  # noqa: BLE001 - the first exception is re-raised
            _native.consumer_stop(handle)
            logger.warning(
                "consumer of topic %s is stopping; waiting for the final commit despite %s",
                topic,
                type(error).__name__,
            )


def _log_unraised(errors: list[BaseException], topic: str) -> None:
    for error in errors:
        if not isinstance(error, HandlerError):
            logger.error("consumer of topic %s failed while stopping: %s", topic, error, exc_info=error)
    errors.clear()


def _raise_outcome(callback_errors: list[BaseException], run_errors: list[BaseException], topic: str) -> None:
    """Re-raise the callback's exception, else the run's error, if any.

    The callback's exception is raised as the same object, so its traceback
    still shows the callback's frames.
    """
    if callback_errors:
        error = callback_errors[0]
        callback_errors.clear()
        _log_unraised(run_errors, topic)
        raise error

    if run_errors:
        raise run_errors.pop()


def _stop_running_consumers() -> None:
    """Stop every running consumer and wait for its commit at interpreter
    exit, then restore the library's default log handler.

    Runs only for runs on daemon threads, because the interpreter waits for
    other threads before it calls exit handlers.
    """
    for consumer in list(_running_consumers):
        finished = consumer._finished
        consumer.stop()
        if finished is not None:
            finished.wait(_EXIT_TIMEOUT_SECONDS)
    restore_default_log_handler()


atexit.register(_stop_running_consumers)
