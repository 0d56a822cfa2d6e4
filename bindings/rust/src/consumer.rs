//! The consumer of one topic.

use std::any::Any;
use std::fmt;
use std::os::raw::{c_int, c_void};
use std::panic::{self, AssertUnwindSafe};
use std::ptr::{self, NonNull};
use std::sync::Arc;

use crate::error::{check, Error, RecordCoordinates};
use crate::event::Event;
use crate::ffi;
use crate::profile::{c_string, Profile};

/// The owner of the `mw_consumer`, shared by a [`Consumer`] and its [`StopHandle`]s,
/// so `mw_consumer_stop` is never called on a freed consumer.
struct RawConsumer(NonNull<ffi::mw_consumer>);

// SAFETY: mw_consumer_stop may be called from any thread, and it is the only
// function reachable through a shared reference. Every other call goes
// through `&mut Consumer`, so it cannot overlap a run on another thread.
// mw_consumer_free runs when the last owner is dropped, so never during a
// run, which borrows the Consumer.
unsafe impl Send for RawConsumer {}
unsafe impl Sync for RawConsumer {}

impl Drop for RawConsumer {
    fn drop(&mut self) {
        unsafe { ffi::mw_consumer_free(self.0.as_ptr()) }
    }
}

/// A Kafka consumer of one Mister Webhooks topic, in the consumer group named
/// by its profile. Freed when dropped, together with its last [`StopHandle`].
pub struct Consumer {
    raw: Arc<RawConsumer>,
    topic: String,
}

/// Stops a running [`Consumer::run`] from any thread, or from the handler.
/// Cloneable. It keeps the consumer's memory alive until dropped.
#[derive(Clone)]
pub struct StopHandle(Arc<RawConsumer>);

impl StopHandle {
    /// Asks the run to return after the current event. A run that starts
    /// after this call returns at once.
    pub fn stop(&self) {
        unsafe { ffi::mw_consumer_stop(self.0 .0.as_ptr()) }
    }
}

impl fmt::Debug for StopHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StopHandle")
    }
}

/// Why [`Consumer::run`] ended with an error.
#[derive(Debug)]
pub enum RunError<E> {
    /// The handler returned `Err(error)` for the event of `record`. That
    /// record's offset was not committed, so the next consumer of the group
    /// receives it again.
    Handler { error: E, record: RecordCoordinates },
    /// Returns the library failed: a record that cannot be decoded, a Kafka failure
    /// or rejected credentials.
    Consumer(Error),
}

impl<E> RunError<E> {
    /// Returns the record the run stopped at, for a handler error or a record that
    /// cannot be decoded.
    pub fn record(&self) -> Option<&RecordCoordinates> {
        match self {
            RunError::Handler { record, .. } => Some(record),
            RunError::Consumer(error) => error.record(),
        }
    }
}

impl<E> From<Error> for RunError<E> {
    fn from(error: Error) -> RunError<E> {
        RunError::Consumer(error)
    }
}

impl<E: fmt::Display> fmt::Display for RunError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunError::Handler { error, record } => {
                write!(
                    f,
                    "event handler failed on the record at {record}, which was not committed: {error}"
                )
            }
            RunError::Consumer(error) => error.fmt(f),
        }
    }
}

impl<E: std::error::Error + 'static> std::error::Error for RunError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            RunError::Handler { error, .. } => Some(error),
            RunError::Consumer(error) => Some(error),
        }
    }
}

/// The handler result that stopped a run.
enum HandlerFailure<E> {
    Returned(E, RecordCoordinates),
    Panicked(Box<dyn Any + Send>),
}

/// The `user_data` of `mw_consumer_run`.
struct RunState<'h, F, E> {
    handler: &'h mut F,
    failure: Option<HandlerFailure<E>>,
}

/// Returns the `mw_event_handler` of every run. A panic must not unwind into the
/// library's frames, so it is caught here and resumed after the run returned.
unsafe extern "C" fn call_handler<F, E>(event: *const ffi::mw_event, user_data: *mut c_void) -> c_int
where
    F: FnMut(&Event) -> Result<(), E>,
{
    let state = &mut *user_data.cast::<RunState<'_, F, E>>();
    let event = Event::from_ptr(event);
    let handler = &mut *state.handler;

    match panic::catch_unwind(AssertUnwindSafe(|| handler(event))) {
        Ok(Ok(())) => 0,
        Ok(Err(error)) => {
            state.failure = Some(HandlerFailure::Returned(error, event.coordinates()));
            1
        }
        Err(payload) => {
            state.failure = Some(HandlerFailure::Panicked(payload));
            1
        }
    }
}

impl Consumer {
    /// Creates a consumer of `topic` with the settings of `profile`, which is
    /// copied. Nothing connects before [`run`](Consumer::run).
    pub fn new(topic: &str, profile: &Profile) -> Result<Consumer, Error> {
        let topic_c = c_string("topic", topic.as_bytes())?;
        let mut consumer = ptr::null_mut();
        let mut error = ptr::null_mut();
        let status = unsafe { ffi::mw_consumer_new(topic_c.as_ptr(), profile.as_ptr(), &mut consumer, &mut error) };
        unsafe { check(status, error) }?;
        let raw = RawConsumer(NonNull::new(consumer).expect("mw_consumer_new returned MW_OK without a consumer"));
        Ok(Consumer {
            raw: Arc::new(raw),
            topic: topic.to_owned(),
        })
    }

    /// Sets a librdkafka property, such as `"session.timeout.ms"`, or a
    /// library option (`"mw.broker.timeout.ms"`, `"mw.commit.timeout.ms"`,
    /// `"mw.poll.interval.ms"`) before [`run`](Consumer::run).
    pub fn set_option(&mut self, key: &str, value: &str) -> Result<(), Error> {
        let key = c_string("option key", key.as_bytes())?;
        let value = c_string("option value", value.as_bytes())?;
        let mut error = ptr::null_mut();
        let status = unsafe { ffi::mw_consumer_set_option(self.as_ptr(), key.as_ptr(), value.as_ptr(), &mut error) };
        unsafe { check(status, error) }
    }

    /// Consumes the topic on the calling thread, calling `handler` once for
    /// each webhook event, until [`StopHandle::stop`] is called or a failure.
    ///
    /// An event's offset is committed only after `handler` returned `Ok`.
    /// When `handler` returns `Err` or panics, the run stops without
    /// committing that record, so the next consumer of the group receives it
    /// again. `run` then returns [`RunError::Handler`] with the error and the
    /// record, or resumes the panic. Undecodable records and Kafka failures
    /// end the run with [`RunError::Consumer`]. Each run joins the consumer
    /// group and leaves it when it returns.
    pub fn run<E, F>(&mut self, mut handler: F) -> Result<(), RunError<E>>
    where
        F: FnMut(&Event) -> Result<(), E>,
    {
        let mut state = RunState {
            handler: &mut handler,
            failure: None,
        };
        let mut error = ptr::null_mut();
        let status = unsafe {
            ffi::mw_consumer_run(
                self.as_ptr(),
                call_handler::<F, E>,
                (&mut state as *mut RunState<'_, F, E>).cast(),
                &mut error,
            )
        };

        match state.failure.take() {
            Some(failure) => {
                unsafe { ffi::mw_error_free(error) };
                match failure {
                    HandlerFailure::Returned(error, record) => Err(RunError::Handler { error, record }),
                    HandlerFailure::Panicked(payload) => panic::resume_unwind(payload),
                }
            }
            None => unsafe { check(status, error) }.map_err(RunError::Consumer),
        }
    }

    /// Asks a run to return after the current event; see [`StopHandle`] to
    /// stop it from the handler or another thread.
    pub fn stop(&self) {
        unsafe { ffi::mw_consumer_stop(self.as_ptr()) }
    }

    /// Returns a handle that stops this consumer's runs from any thread.
    pub fn stop_handle(&self) -> StopHandle {
        StopHandle(Arc::clone(&self.raw))
    }

    /// Returns the topic this consumer reads.
    pub fn topic(&self) -> &str {
        &self.topic
    }

    /// Returns the C handle, still owned by this consumer.
    pub fn as_ptr(&self) -> *mut ffi::mw_consumer {
        self.raw.0.as_ptr()
    }
}

impl fmt::Debug for Consumer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Consumer")
            .field("topic", &self.topic)
            .finish_non_exhaustive()
    }
}
