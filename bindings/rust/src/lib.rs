//! Rust binding of libmisterwebhooks, the Mister Webhooks consumer.
//!
//! Mister Webhooks stores every HTTP webhook it receives as a record in a
//! Kafka topic. This crate reads such a topic through libmisterwebhooks,
//! which decodes each record and calls your handler once per webhook event,
//! committing a record's offset only after the handler accepted it.
//!
//! ```no_run
//! use misterwebhooks::{Consumer, Profile};
//!
//! let profile = Profile::load("profile.json")?;
//! let mut consumer = Consumer::new("my-topic", &profile)?;
//! consumer.run(|event| {
//!     println!("{} {}", event.method(), event.payload_json());
//!     Ok::<(), std::io::Error>(()) // accepted: the offset is committed
//! })?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The handler runs on the thread that calls [`Consumer::run`]. Every
//! fallible function returns [`Error`], which carries the library's
//! [`Status`], its message and, for errors about a Kafka record, the
//! record's [`RecordCoordinates`].

mod consumer;
mod error;
mod event;
pub mod ffi;
mod log;
mod profile;

pub use consumer::{Consumer, RunError, StopHandle};
pub use error::{Error, RecordCoordinates, Status};
pub use event::{decode, Event, Header, Method, OwnedEvent, PayloadEncoding};
pub use log::{set_log_handler, LogFunction, LogLevel};
pub use profile::Profile;

/// Returns the library's version, `"MAJOR.MINOR.PATCH"`.
pub fn library_version() -> &'static str {
    // SAFETY: mw_version returns a static NUL-terminated string.
    unsafe { std::ffi::CStr::from_ptr(ffi::mw_version()) }
        .to_str()
        .unwrap_or("")
}
