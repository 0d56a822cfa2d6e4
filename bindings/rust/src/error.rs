//! The error type shared by every fallible function of the crate.

use std::ffi::CStr;
use std::fmt;

use crate::ffi;

/// Returns the library's status code of a failure (`mw_status` without `MW_OK`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Status {
    /// A NULL or out-of-range argument, or a call the object's state does not
    /// allow (`MW_ERR_INVALID_ARGUMENT`).
    InvalidArgument,
    /// A file could not be opened or read (`MW_ERR_IO`).
    Io,
    /// The connection profile is invalid; the message names the field (`MW_ERR_PROFILE`).
    Profile,
    /// Kafka failed: an invalid option, unreachable brokers, a missing topic, a
    /// fatal client error or a failed final commit (`MW_ERR_KAFKA`).
    Kafka,
    /// The brokers rejected the profile's credentials (`MW_ERR_AUTHENTICATION`).
    Authentication,
    /// The record's first `envelope` header is missing, null or not one byte
    /// long (`MW_ERR_MALFORMED_MESSAGE`).
    MalformedMessage,
    /// The record's envelope is 0x81-0xFF, newer than this library
    /// (`MW_ERR_UNSUPPORTED_ENVELOPE`).
    UnsupportedEnvelope,
    /// The record value is not a valid Avro `KafkaMessageEnvelopeV1` (`MW_ERR_ENVELOPE_DECODE`).
    EnvelopeDecode,
    /// The webhook payload is not valid JSON or CBOR (`MW_ERR_PAYLOAD_DECODE`).
    PayloadDecode,
    /// The event handler refused an event (`MW_ERR_HANDLER`).
    Handler,
    /// A status code this binding does not know, from a newer library.
    Unknown(i32),
}

impl Status {
    /// Maps a C status code, which must not be `MW_OK`.
    pub(crate) fn from_code(code: ffi::mw_status) -> Status {
        match code {
            ffi::MW_ERR_INVALID_ARGUMENT => Status::InvalidArgument,
            ffi::MW_ERR_IO => Status::Io,
            ffi::MW_ERR_PROFILE => Status::Profile,
            ffi::MW_ERR_KAFKA => Status::Kafka,
            ffi::MW_ERR_AUTHENTICATION => Status::Authentication,
            ffi::MW_ERR_MALFORMED_MESSAGE => Status::MalformedMessage,
            ffi::MW_ERR_UNSUPPORTED_ENVELOPE => Status::UnsupportedEnvelope,
            ffi::MW_ERR_ENVELOPE_DECODE => Status::EnvelopeDecode,
            ffi::MW_ERR_PAYLOAD_DECODE => Status::PayloadDecode,
            ffi::MW_ERR_HANDLER => Status::Handler,
            other => Status::Unknown(other),
        }
    }

    /// Returns the C value of the status code.
    pub fn code(self) -> i32 {
        match self {
            Status::InvalidArgument => ffi::MW_ERR_INVALID_ARGUMENT,
            Status::Io => ffi::MW_ERR_IO,
            Status::Profile => ffi::MW_ERR_PROFILE,
            Status::Kafka => ffi::MW_ERR_KAFKA,
            Status::Authentication => ffi::MW_ERR_AUTHENTICATION,
            Status::MalformedMessage => ffi::MW_ERR_MALFORMED_MESSAGE,
            Status::UnsupportedEnvelope => ffi::MW_ERR_UNSUPPORTED_ENVELOPE,
            Status::EnvelopeDecode => ffi::MW_ERR_ENVELOPE_DECODE,
            Status::PayloadDecode => ffi::MW_ERR_PAYLOAD_DECODE,
            Status::Handler => ffi::MW_ERR_HANDLER,
            Status::Unknown(code) => code,
        }
    }

    /// Returns the C name of the status code, such as `"MW_ERR_KAFKA"`.
    pub fn name(self) -> &'static str {
        // SAFETY: mw_status_name returns a static NUL-terminated string for any value.
        unsafe { CStr::from_ptr(ffi::mw_status_name(self.code())) }
            .to_str()
            .unwrap_or("MW_ERR_UNKNOWN")
    }

    /// Returns whether the status is about one record that cannot be decoded.
    pub fn is_record_error(self) -> bool {
        matches!(
            self,
            Status::MalformedMessage | Status::UnsupportedEnvelope | Status::EnvelopeDecode | Status::PayloadDecode
        )
    }
}

/// Topic, partition and offset of the Kafka record an error is about. A
/// record passed to [`decode`](crate::decode) has topic `""`, partition -1
/// and offset -1, because its place in Kafka is unknown to the library.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RecordCoordinates {
    pub topic: String,
    pub partition: i32,
    pub offset: i64,
}

impl fmt::Display for RecordCoordinates {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "topic {}, partition {}, offset {}",
            self.topic, self.partition, self.offset
        )
    }
}

/// An error reported by libmisterwebhooks, or by this binding before it
/// called the library (a string containing NUL, for example).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    status: Status,
    message: String,
    record: Option<RecordCoordinates>,
}

impl Error {
    /// Takes ownership of `error` from a call that returned `status`, and frees it.
    ///
    /// # Safety
    /// `error` is NULL or an `mw_error` the caller owns and does not use afterwards.
    pub(crate) unsafe fn from_raw(status: ffi::mw_status, error: *mut ffi::mw_error) -> Error {
        let status = Status::from_code(status);
        if error.is_null() {
            return Error::new(
                status,
                format!("{} (the library returned no error details)", status.name()),
            );
        }

        let message = CStr::from_ptr(ffi::mw_error_message(error))
            .to_string_lossy()
            .into_owned();
        let topic = ffi::mw_error_topic(error);
        let record = (!topic.is_null()).then(|| RecordCoordinates {
            topic: CStr::from_ptr(topic).to_string_lossy().into_owned(),
            partition: ffi::mw_error_partition(error),
            offset: ffi::mw_error_offset(error),
        });
        ffi::mw_error_free(error);
        Error {
            status,
            message,
            record,
        }
    }

    /// Creates an error raised by the binding itself, not about a record.
    pub(crate) fn new(status: Status, message: String) -> Error {
        Error {
            status,
            message,
            record: None,
        }
    }

    /// Returns the status code.
    pub fn status(&self) -> Status {
        self.status
    }

    /// Returns the message: one line that names the value at fault and, where there is one, the fix.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Returns the record the error is about, or `None` for other errors.
    pub fn record(&self) -> Option<&RecordCoordinates> {
        self.record.as_ref()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.status.name(), self.message)
    }
}

impl std::error::Error for Error {}

/// Converts a C status and its error into a `Result`.
///
/// # Safety
/// As for [`Error::from_raw`].
pub(crate) unsafe fn check(status: ffi::mw_status, error: *mut ffi::mw_error) -> Result<(), Error> {
    if status == ffi::MW_OK {
        Ok(())
    } else {
        Err(Error::from_raw(status, error))
    }
}
