//! A Rust consumer of a Mister Webhooks topic.
//!
//!     cargo run --example consume -- TOPIC PROFILE [MAX_EVENTS]
//!
//! Prints one line per webhook event until Ctrl-C, or until MAX_EVENTS events
//! have been handled. Offsets are committed for every printed event.

use std::convert::Infallible;
use std::os::raw::c_int;
use std::process::ExitCode;
use std::ptr;
use std::sync::atomic::{AtomicPtr, Ordering};

use misterwebhooks::{ffi, Consumer, Profile};

// From the C library; the crate has no dependencies, so no libc crate.
extern "C" {
    fn signal(signal_number: c_int, handler: extern "C" fn(c_int)) -> usize;
}
const SIGINT: c_int = 2;
const SIGTERM: c_int = 15;

static RUNNING_CONSUMER: AtomicPtr<ffi::mw_consumer> = AtomicPtr::new(ptr::null_mut());

extern "C" fn on_signal(_signal_number: c_int) {
    // mw_consumer_stop is one atomic store, safe in a signal handler; NULL is ignored.
    unsafe { ffi::mw_consumer_stop(RUNNING_CONSUMER.load(Ordering::SeqCst)) }
}

fn main() -> ExitCode {
    let arguments: Vec<String> = std::env::args().collect();
    if arguments.len() < 3 || arguments.len() > 4 {
        eprintln!("usage: {} TOPIC PROFILE [MAX_EVENTS]", arguments[0]);
        return ExitCode::from(64);
    }
    let max_events: usize = arguments.get(3).and_then(|text| text.parse().ok()).unwrap_or(0);

    let mut consumer = match Profile::load(&arguments[2]).and_then(|profile| Consumer::new(&arguments[1], &profile)) {
        Ok(consumer) => consumer,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::FAILURE;
        }
    };
    RUNNING_CONSUMER.store(consumer.as_ptr(), Ordering::SeqCst);
    unsafe {
        signal(SIGINT, on_signal);
        signal(SIGTERM, on_signal);
    }

    // The handler runs on this thread.
    let stop = consumer.stop_handle();
    let mut handled = 0;
    let result = consumer.run(|event| {
        let payload = event.payload_json();
        let first_line: String = payload.lines().next().unwrap_or("").chars().take(60).collect();
        println!(
            "{} partition {} offset {}: {} {}, {} headers, {} bytes of JSON: {first_line}",
            event.topic(),
            event.partition(),
            event.offset(),
            event.method(),
            event.encoding(),
            event.header_count(),
            payload.len(),
        );

        handled += 1;
        if max_events > 0 && handled >= max_events {
            stop.stop();
        }
        Ok::<(), Infallible>(())
    });

    // The consumer must outlive every signal that could reach on_signal.
    RUNNING_CONSUMER.store(ptr::null_mut(), Ordering::SeqCst);
    eprintln!("handled {handled} events");
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("{error}");
            ExitCode::FAILURE
        }
    }
}
