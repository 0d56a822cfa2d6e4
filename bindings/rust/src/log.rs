//! Routing the library's log messages to a Rust function.

use std::ffi::CStr;
use std::os::raw::{c_char, c_void};
use std::panic::{self, AssertUnwindSafe};
use std::ptr;
use std::sync::{Arc, Mutex};

use crate::ffi;

/// Severity of a log message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LogLevel {
    Error = 3,
    Warning = 4,
    Info = 6,
    Debug = 7,
}

/// A receiver of log messages, for [`set_log_handler`].
pub type LogFunction = Box<dyn Fn(LogLevel, &str) + Send + Sync>;

type LogHandler = Arc<dyn Fn(LogLevel, &str) + Send + Sync>;

static LOG_HANDLER: Mutex<Option<LogHandler>> = Mutex::new(None);

unsafe extern "C" fn call_log_handler(level: ffi::mw_log_level, message: *const c_char, _user_data: *mut c_void) {
    let handler = match LOG_HANDLER.lock() {
        Ok(slot) => slot.clone(),
        Err(poisoned) => poisoned.into_inner().clone(),
    };
    let handler = match handler {
        Some(handler) => handler,
        None => return,
    };
    let level = match level {
        3 => LogLevel::Error,
        4 => LogLevel::Warning,
        6 => LogLevel::Info,
        _ => LogLevel::Debug,
    };
    let message = CStr::from_ptr(message).to_string_lossy();

    // A panic must not unwind into librdkafka's threads; the message is dropped.
    let _ = panic::catch_unwind(AssertUnwindSafe(|| handler(level, &message)));
}

/// Sets the process-wide receiver of the library's log messages and the most
/// verbose level it receives. `None` restores the default, which writes
/// warnings and errors to stderr.
///
/// `handler` is called from librdkafka's threads as well as the thread that
/// runs a consumer, possibly from several at once. It must not call into this
/// crate. A panic in it is caught and the message dropped.
pub fn set_log_handler(handler: Option<LogFunction>, max_level: LogLevel) {
    let installed = handler.is_some();
    *LOG_HANDLER.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = handler.map(LogHandler::from);
    let callback: Option<ffi::mw_log_handler> = if installed { Some(call_log_handler) } else { None };
    unsafe { ffi::mw_set_log_handler(callback, ptr::null_mut(), max_level as ffi::mw_log_level) }
}
