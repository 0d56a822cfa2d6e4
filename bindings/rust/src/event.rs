//! Webhook events: [`Event`] borrowed from the library, [`OwnedEvent`] owned
//! by the caller, and [`decode`] for records read by another Kafka client.

use std::borrow::Borrow;
use std::ffi::CStr;
use std::fmt;
use std::ops::Deref;
use std::os::raw::{c_char, c_void};
use std::ptr::{self, NonNull};

use crate::error::{check, Error, RecordCoordinates};
use crate::ffi;

/// HTTP method of a webhook request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Method {
    Get,
    Head,
    Post,
    Put,
    Delete,
    Patch,
}

impl Method {
    /// Returns the method's name, `"GET"` to `"PATCH"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Head => "HEAD",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
            Method::Patch => "PATCH",
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Encoding of a webhook payload as received.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PayloadEncoding {
    Json,
    Cbor,
}

impl PayloadEncoding {
    /// Returns `"JSON"` or `"CBOR"`.
    pub fn as_str(self) -> &'static str {
        match self {
            PayloadEncoding::Json => "JSON",
            PayloadEncoding::Cbor => "CBOR",
        }
    }
}

impl fmt::Display for PayloadEncoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One HTTP header entry: a name and its values, in request order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header<'a> {
    pub name: &'a str,
    pub values: Vec<&'a str>,
}

/// A webhook event: the HTTP request Mister Webhooks received and the Kafka
/// record it arrived in.
///
/// Only ever used by reference: `&Event` is either the argument of a
/// [`Consumer::run`](crate::Consumer::run) handler, valid for that call, or
/// borrowed from an [`OwnedEvent`]. Call [`to_owned`](ToOwned::to_owned) to
/// keep an event beyond the handler. Events are immutable, so `&Event` may be
/// read from several threads at once.
#[repr(transparent)]
pub struct Event(ffi::mw_event);

// SAFETY: an mw_event is immutable, and the header allows reading one event
// from several threads at once.
unsafe impl Sync for Event {}
unsafe impl Send for Event {}

/// Borrows `length` bytes at `data`, or an empty slice for NULL.
///
/// # Safety
/// `data` is NULL or points to `length` bytes that live as long as `'a`.
unsafe fn bytes<'a>(data: *const c_void, length: usize) -> &'a [u8] {
    if data.is_null() {
        &[]
    } else {
        std::slice::from_raw_parts(data.cast::<u8>(), length)
    }
}

/// Borrows text that the header documents as UTF-8.
///
/// # Safety
/// As for [`bytes`].
unsafe fn text<'a>(data: *const c_char, length: usize) -> &'a str {
    let raw = bytes(data.cast(), length);
    std::str::from_utf8(raw).expect("libmisterwebhooks returned text that is not valid UTF-8")
}

impl Event {
    /// Borrows the event at `event`.
    ///
    /// # Safety
    /// `event` is a valid, non-NULL `mw_event` that lives as long as `'a`.
    pub unsafe fn from_ptr<'a>(event: *const ffi::mw_event) -> &'a Event {
        &*event.cast::<Event>()
    }

    /// Returns the C handle, borrowed.
    pub fn as_ptr(&self) -> *const ffi::mw_event {
        (self as *const Event).cast()
    }

    /// Returns the HTTP method of the webhook request.
    pub fn method(&self) -> Method {
        match unsafe { ffi::mw_event_method(self.as_ptr()) } {
            0 => Method::Get,
            1 => Method::Head,
            2 => Method::Post,
            3 => Method::Put,
            4 => Method::Delete,
            5 => Method::Patch,
            other => panic!("libmisterwebhooks returned unknown HTTP method {other}"),
        }
    }

    /// Returns the encoding the payload was received in.
    pub fn encoding(&self) -> PayloadEncoding {
        match unsafe { ffi::mw_event_encoding(self.as_ptr()) } {
            0 => PayloadEncoding::Json,
            1 => PayloadEncoding::Cbor,
            other => panic!("libmisterwebhooks returned unknown payload encoding {other}"),
        }
    }

    /// Returns the Kafka record timestamp, in milliseconds since the Unix epoch.
    pub fn timestamp_ms(&self) -> i64 {
        unsafe { ffi::mw_event_timestamp_ms(self.as_ptr()) }
    }

    /// Returns the number of header entries. A name sent in several entries appears in each.
    pub fn header_count(&self) -> usize {
        unsafe { ffi::mw_event_header_count(self.as_ptr()) }
    }

    /// Returns the name of header entry `index`, or `None` when out of range.
    pub fn header_name(&self, index: usize) -> Option<&str> {
        let mut length = 0;
        let name = unsafe { ffi::mw_event_header_name(self.as_ptr(), index, &mut length) };
        (!name.is_null()).then(|| unsafe { text(name, length) })
    }

    /// Returns the number of values of header entry `index`, 0 when out of range.
    pub fn header_value_count(&self, index: usize) -> usize {
        unsafe { ffi::mw_event_header_value_count(self.as_ptr(), index) }
    }

    /// Returns value `value_index` of header entry `index`, or `None` when out of range.
    pub fn header_value(&self, index: usize, value_index: usize) -> Option<&str> {
        let mut length = 0;
        let value = unsafe { ffi::mw_event_header_value(self.as_ptr(), index, value_index, &mut length) };
        (!value.is_null()).then(|| unsafe { text(value, length) })
    }

    /// Returns every header entry in request order.
    pub fn headers(&self) -> Vec<Header<'_>> {
        (0..self.header_count()).map(|index| self.header_entry(index)).collect()
    }

    /// Returns the values of the first header entry named `name`, compared
    /// ASCII-case-insensitively as HTTP does.
    pub fn header(&self, name: &str) -> Option<Vec<&str>> {
        (0..self.header_count())
            .find(|&index| {
                self.header_name(index)
                    .map_or(false, |candidate| candidate.eq_ignore_ascii_case(name))
            })
            .map(|index| self.header_entry(index).values)
    }

    fn header_entry(&self, index: usize) -> Header<'_> {
        let values =
            (0..self.header_value_count(index)).filter_map(|value_index| self.header_value(index, value_index));
        Header {
            name: self.header_name(index).unwrap_or(""),
            values: values.collect(),
        }
    }

    /// Returns the header entries as one line of JSON, `[["name", ["value", ...]], ...]`.
    pub fn headers_json(&self) -> String {
        let length = unsafe { ffi::mw_event_headers_json(self.as_ptr(), ptr::null_mut(), 0) };
        let mut buffer = vec![0u8; length + 1];
        unsafe { ffi::mw_event_headers_json(self.as_ptr(), buffer.as_mut_ptr().cast(), buffer.len()) };
        buffer.truncate(length);
        String::from_utf8(buffer).expect("libmisterwebhooks returned header JSON that is not valid UTF-8")
    }

    /// Returns the payload as JSON text, converted to JSON for a CBOR payload.
    pub fn payload_json(&self) -> &str {
        let mut length = 0;
        unsafe { text(ffi::mw_event_payload_json(self.as_ptr(), &mut length), length) }
    }

    /// Returns the payload bytes as received, JSON text or CBOR.
    pub fn payload_raw(&self) -> &[u8] {
        let mut length = 0;
        unsafe { bytes(ffi::mw_event_payload_raw(self.as_ptr(), &mut length), length) }
    }

    /// Returns the Kafka topic the record was read from, `""` for a decoded record.
    pub fn topic(&self) -> &str {
        let topic = unsafe { ffi::mw_event_topic(self.as_ptr()) };
        if topic.is_null() {
            return "";
        }
        unsafe { CStr::from_ptr(topic) }
            .to_str()
            .expect("libmisterwebhooks returned a topic that is not valid UTF-8")
    }

    /// Returns the Kafka partition of the record, -1 for a decoded record.
    pub fn partition(&self) -> i32 {
        unsafe { ffi::mw_event_partition(self.as_ptr()) }
    }

    /// Returns the Kafka offset of the record, -1 for a decoded record.
    pub fn offset(&self) -> i64 {
        unsafe { ffi::mw_event_offset(self.as_ptr()) }
    }

    /// Returns the topic, partition and offset of the record.
    pub fn coordinates(&self) -> RecordCoordinates {
        RecordCoordinates {
            topic: self.topic().to_owned(),
            partition: self.partition(),
            offset: self.offset(),
        }
    }

    /// Returns the Kafka record key, or `None` for a null key.
    pub fn key(&self) -> Option<&[u8]> {
        let mut length = 0;
        let key = unsafe { ffi::mw_event_key(self.as_ptr(), &mut length) };
        (!key.is_null()).then(|| unsafe { bytes(key, length) })
    }
}

impl fmt::Debug for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Event")
            .field("topic", &self.topic())
            .field("partition", &self.partition())
            .field("offset", &self.offset())
            .field("timestamp_ms", &self.timestamp_ms())
            .field("method", &self.method())
            .field("encoding", &self.encoding())
            .field("headers", &self.headers())
            .field("payload_json", &self.payload_json())
            .finish()
    }
}

impl ToOwned for Event {
    type Owned = OwnedEvent;

    /// Copies the event with `mw_event_copy`.
    ///
    /// # Panics
    /// When the library is out of memory.
    fn to_owned(&self) -> OwnedEvent {
        let copy = unsafe { ffi::mw_event_copy(self.as_ptr()) };
        OwnedEvent(NonNull::new(copy).expect("mw_event_copy returned NULL: out of memory"))
    }
}

/// An event owned by the caller: a copy of a handler's event, or the result
/// of [`decode`]. It dereferences to [`Event`] and is freed when dropped.
pub struct OwnedEvent(NonNull<ffi::mw_event>);

// SAFETY: an mw_event is immutable and may be used and freed on any thread.
unsafe impl Send for OwnedEvent {}
unsafe impl Sync for OwnedEvent {}

impl Deref for OwnedEvent {
    type Target = Event;

    fn deref(&self) -> &Event {
        // SAFETY: the event lives until self is dropped.
        unsafe { Event::from_ptr(self.0.as_ptr()) }
    }
}

impl Borrow<Event> for OwnedEvent {
    fn borrow(&self) -> &Event {
        self
    }
}

impl Clone for OwnedEvent {
    fn clone(&self) -> OwnedEvent {
        (**self).to_owned()
    }
}

impl Drop for OwnedEvent {
    fn drop(&mut self) {
        unsafe { ffi::mw_event_free(self.0.as_ptr()) }
    }
}

impl fmt::Debug for OwnedEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (**self).fmt(f)
    }
}

/// Decodes one Kafka record, for applications that run their own Kafka client.
///
/// `envelope` is the value of the record's first header named `envelope`
/// (`None` when there is none or its value is null), `value` the record
/// value (`None` for a null value). Returns `Ok(None)` for a system record,
/// which applications skip, and an error whose status is a record error
/// (see [`Status::is_record_error`](crate::Status::is_record_error)) for a
/// record that cannot be decoded. The event's topic is `""`, its partition
/// and offset -1.
pub fn decode(envelope: Option<&[u8]>, value: Option<&[u8]>, timestamp_ms: i64) -> Result<Option<OwnedEvent>, Error> {
    let (envelope_data, envelope_len) = envelope.map_or((ptr::null(), 0), |bytes| (bytes.as_ptr(), bytes.len()));
    let (value_data, value_len) = value.map_or((ptr::null(), 0), |bytes| (bytes.as_ptr(), bytes.len()));
    let mut event = ptr::null_mut();
    let mut error = ptr::null_mut();

    let status = unsafe {
        ffi::mw_event_decode(
            envelope_data.cast(),
            envelope_len,
            value_data.cast(),
            value_len,
            timestamp_ms,
            &mut event,
            &mut error,
        )
    };
    unsafe { check(status, error) }?;
    Ok(NonNull::new(event).map(OwnedEvent))
}
