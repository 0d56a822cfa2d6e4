//! Declarations of the C interface in `include/misterwebhooks.h`, written by
//! hand. Each item keeps its C name; the header documents ownership, thread
//! safety and errors.
#![allow(non_camel_case_types)]

use std::marker::{PhantomData, PhantomPinned};
use std::os::raw::{c_char, c_int, c_void};

/// `mw_status`, passed as a C `int` because an out-of-range value from a
/// newer library must not be undefined behaviour in a Rust enum.
pub type mw_status = c_int;

pub const MW_OK: mw_status = 0;
pub const MW_ERR_INVALID_ARGUMENT: mw_status = 1;
pub const MW_ERR_IO: mw_status = 2;
pub const MW_ERR_PROFILE: mw_status = 3;
pub const MW_ERR_KAFKA: mw_status = 4;
pub const MW_ERR_AUTHENTICATION: mw_status = 5;
pub const MW_ERR_MALFORMED_MESSAGE: mw_status = 10;
pub const MW_ERR_UNSUPPORTED_ENVELOPE: mw_status = 11;
pub const MW_ERR_ENVELOPE_DECODE: mw_status = 12;
pub const MW_ERR_PAYLOAD_DECODE: mw_status = 13;
pub const MW_ERR_HANDLER: mw_status = 20;

/// `mw_http_method`, 0 (GET) to 5 (PATCH).
pub type mw_http_method = c_int;
/// `mw_payload_encoding`, 0 (JSON) or 1 (CBOR).
pub type mw_payload_encoding = c_int;
/// `mw_log_level`, syslog numbers 3, 4, 6 and 7.
pub type mw_log_level = c_int;

// Opaque handles, following the Rustonomicon's pattern: neither Send, Sync
// nor Unpin unless a wrapper implements them.
macro_rules! opaque {
    ($name:ident) => {
        #[repr(C)]
        pub struct $name {
            _data: [u8; 0],
            _marker: PhantomData<(*mut u8, PhantomPinned)>,
        }
    };
}
opaque!(mw_error);
opaque!(mw_event);
opaque!(mw_profile);
opaque!(mw_consumer);

pub type mw_event_handler = unsafe extern "C" fn(event: *const mw_event, user_data: *mut c_void) -> c_int;
pub type mw_log_handler = unsafe extern "C" fn(level: mw_log_level, message: *const c_char, user_data: *mut c_void);

extern "C" {
    pub fn mw_version() -> *const c_char;

    pub fn mw_error_code(error: *const mw_error) -> mw_status;
    pub fn mw_error_message(error: *const mw_error) -> *const c_char;
    pub fn mw_error_topic(error: *const mw_error) -> *const c_char;
    pub fn mw_error_partition(error: *const mw_error) -> i32;
    pub fn mw_error_offset(error: *const mw_error) -> i64;
    pub fn mw_error_free(error: *mut mw_error);
    pub fn mw_status_name(status: mw_status) -> *const c_char;

    pub fn mw_http_method_name(method: mw_http_method) -> *const c_char;
    pub fn mw_payload_encoding_name(encoding: mw_payload_encoding) -> *const c_char;

    pub fn mw_event_decode(
        envelope: *const c_void,
        envelope_len: usize,
        value: *const c_void,
        value_len: usize,
        timestamp_ms: i64,
        out_event: *mut *mut mw_event,
        out_error: *mut *mut mw_error,
    ) -> mw_status;
    pub fn mw_event_method(event: *const mw_event) -> mw_http_method;
    pub fn mw_event_encoding(event: *const mw_event) -> mw_payload_encoding;
    pub fn mw_event_timestamp_ms(event: *const mw_event) -> i64;
    pub fn mw_event_header_count(event: *const mw_event) -> usize;
    pub fn mw_event_header_name(event: *const mw_event, index: usize, len: *mut usize) -> *const c_char;
    pub fn mw_event_header_value_count(event: *const mw_event, index: usize) -> usize;
    pub fn mw_event_header_value(
        event: *const mw_event,
        index: usize,
        value_index: usize,
        len: *mut usize,
    ) -> *const c_char;
    pub fn mw_event_headers_json(event: *const mw_event, buffer: *mut c_char, capacity: usize) -> usize;
    pub fn mw_event_payload_json(event: *const mw_event, len: *mut usize) -> *const c_char;
    pub fn mw_event_payload_raw(event: *const mw_event, len: *mut usize) -> *const c_void;
    pub fn mw_event_topic(event: *const mw_event) -> *const c_char;
    pub fn mw_event_partition(event: *const mw_event) -> i32;
    pub fn mw_event_offset(event: *const mw_event) -> i64;
    pub fn mw_event_key(event: *const mw_event, len: *mut usize) -> *const c_void;
    pub fn mw_event_copy(event: *const mw_event) -> *mut mw_event;
    pub fn mw_event_free(event: *mut mw_event);

    pub fn mw_profile_load(
        path: *const c_char,
        out_profile: *mut *mut mw_profile,
        out_error: *mut *mut mw_error,
    ) -> mw_status;
    pub fn mw_profile_parse(
        json: *const c_char,
        len: usize,
        out_profile: *mut *mut mw_profile,
        out_error: *mut *mut mw_error,
    ) -> mw_status;
    pub fn mw_profile_consumer_name(profile: *const mw_profile) -> *const c_char;
    pub fn mw_profile_auth_mechanism(profile: *const mw_profile) -> *const c_char;
    pub fn mw_profile_auth_secret(profile: *const mw_profile) -> *const c_char;
    pub fn mw_profile_kafka_bootstrap(profile: *const mw_profile) -> *const c_char;
    pub fn mw_profile_security_protocol(profile: *const mw_profile) -> *const c_char;
    pub fn mw_profile_ssl_ca_location(profile: *const mw_profile) -> *const c_char;
    pub fn mw_profile_free(profile: *mut mw_profile);

    pub fn mw_consumer_new(
        topic: *const c_char,
        profile: *const mw_profile,
        out_consumer: *mut *mut mw_consumer,
        out_error: *mut *mut mw_error,
    ) -> mw_status;
    pub fn mw_consumer_set_option(
        consumer: *mut mw_consumer,
        key: *const c_char,
        value: *const c_char,
        out_error: *mut *mut mw_error,
    ) -> mw_status;
    pub fn mw_consumer_run(
        consumer: *mut mw_consumer,
        handler: mw_event_handler,
        user_data: *mut c_void,
        out_error: *mut *mut mw_error,
    ) -> mw_status;
    pub fn mw_consumer_stop(consumer: *mut mw_consumer);
    pub fn mw_consumer_free(consumer: *mut mw_consumer);

    pub fn mw_set_log_handler(handler: Option<mw_log_handler>, user_data: *mut c_void, max_level: mw_log_level);
}
