//! `Consumer` against dev-brokers, and the mapping of library errors.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::fs;
use std::panic::{self, AssertUnwindSafe};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use common::json;
use common::{Broker, StopTimer, CONSUME_TIMEOUT};
use misterwebhooks::{
    set_log_handler, Consumer, LogLevel, Method, OwnedEvent, PayloadEncoding, Profile, RunError, Status,
};

/// A sample payload and the header entries dev-broker sends with it:
/// NAME.json.headers ("Name: value" lines, consecutive lines of one name
/// forming one entry), then X-Sample-File: NAME.json.
struct Sample {
    payload: Vec<u8>,
    headers: Vec<(String, Vec<String>)>,
}

fn read_samples(directory: &Path) -> BTreeMap<String, Sample> {
    let mut samples = BTreeMap::new();
    for entry in fs::read_dir(directory).expect("samples folder") {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if !name.ends_with(".json") {
            continue;
        }
        let mut headers: Vec<(String, Vec<String>)> = Vec::new();
        let header_text = fs::read_to_string(directory.join(format!("{name}.headers"))).unwrap_or_default();
        for line in header_text.lines() {
            if let Some((header_name, value)) = line.split_once(": ") {
                match headers.last_mut() {
                    Some((last, values)) if last == header_name => values.push(value.to_owned()),
                    _ => headers.push((header_name.to_owned(), vec![value.to_owned()])),
                }
            }
        }
        headers.push(("X-Sample-File".to_owned(), vec![name.clone()]));
        let payload = fs::read(directory.join(&name)).unwrap();
        samples.insert(name, Sample { payload, headers });
    }
    samples
}

#[test]
fn consumer_receives_every_event_once() {
    let samples = read_samples(&common::samples_dir());
    let broker = Broker::start("rust-webhooks", 2, &common::samples_dir());
    let mut consumer = broker.consumer(&common::unique_name("consume"));
    let stop = consumer.stop_handle();

    let mut events: Vec<OwnedEvent> = Vec::new();
    {
        let _timer = StopTimer::new(consumer.stop_handle(), CONSUME_TIMEOUT);
        consumer
            .run(|event| {
                events.push(event.to_owned());
                if events.len() == samples.len() {
                    stop.stop();
                }
                Ok::<(), std::convert::Infallible>(())
            })
            .expect("run ends after stop");
    }
    assert_eq!(events.len(), samples.len());

    let records: BTreeSet<(i32, i64)> = events.iter().map(|event| (event.partition(), event.offset())).collect();
    assert_eq!(records.len(), samples.len(), "a record was received twice");
    let mut encodings = BTreeSet::new();
    for event in &events {
        let key = String::from_utf8(event.key().expect("dev-broker sets a key").to_vec()).unwrap();
        let sample = samples
            .get(&key)
            .unwrap_or_else(|| panic!("event key {key} names no sample"));
        assert_eq!(event.topic(), "rust-webhooks");
        assert!(event.partition() >= 0);
        assert!(event.offset() >= 0);
        assert_eq!(event.method(), Method::Post);
        assert!(event.timestamp_ms() > 0);
        let headers: Vec<(String, Vec<String>)> = event
            .headers()
            .into_iter()
            .map(|header| {
                (
                    header.name.to_owned(),
                    header.values.iter().map(|value| value.to_string()).collect(),
                )
            })
            .collect();
        assert_eq!(headers, sample.headers, "headers of {key}");
        let payload = json::parse(event.payload_json().as_bytes()).unwrap();
        assert!(
            json::same(&payload, &json::parse(&sample.payload).unwrap()),
            "payload of {key}"
        );
        match event.encoding() {
            PayloadEncoding::Json => assert_eq!(event.payload_raw(), event.payload_json().as_bytes()),
            PayloadEncoding::Cbor => assert_ne!(event.payload_raw(), event.payload_json().as_bytes()),
        }
        encodings.insert(event.encoding().as_str());
    }
    let keys: BTreeSet<&[u8]> = events.iter().map(|event| event.key().unwrap()).collect();
    assert_eq!(keys.len(), samples.len(), "a sample was received twice");
    assert_eq!(encodings.len(), 2, "dev-broker publishes JSON and CBOR payloads");
}

#[derive(Debug, PartialEq)]
struct Rejected(i64);

impl fmt::Display for Rejected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "rejected offset {}", self.0)
    }
}

impl std::error::Error for Rejected {}

#[test]
fn failing_handler_leaves_record_uncommitted() {
    let sample_count = read_samples(&common::samples_dir()).len();
    let broker = Broker::start("rust-failing", 2, &common::samples_dir());
    let group = common::unique_name("failing");

    // 1. The handler returns Err on the third event: run returns that error
    // with the record's coordinates.
    let mut accepted: Vec<(i32, i64)> = Vec::new();
    let mut consumer = broker.consumer(&group);
    let result = {
        let _timer = StopTimer::new(consumer.stop_handle(), CONSUME_TIMEOUT);
        consumer.run(|event| {
            if accepted.len() == 2 {
                return Err(Rejected(event.offset()));
            }
            accepted.push((event.partition(), event.offset()));
            Ok(())
        })
    };
    drop(consumer);
    let rejected = match result {
        Err(RunError::Handler { error, record }) => {
            assert_eq!(record.topic, "rust-failing");
            assert_eq!(error, Rejected(record.offset));
            (record.partition, record.offset)
        }
        other => panic!("expected RunError::Handler, got {other:?}"),
    };

    // 2. The next member of the group starts at the rejected record. Its
    // handler panics there: run resumes that panic.
    let mut first_of_partition = None;
    let mut consumer = broker.consumer(&group);
    let panicked = {
        let _timer = StopTimer::new(consumer.stop_handle(), CONSUME_TIMEOUT);
        panic::catch_unwind(AssertUnwindSafe(|| {
            consumer.run(|event| {
                if event.partition() == rejected.0 {
                    first_of_partition = Some((event.partition(), event.offset()));
                    panic!("handler panicked at offset {}", event.offset());
                }
                Ok::<(), Rejected>(())
            })
        }))
    };
    drop(consumer);
    let payload = panicked.expect_err("run resumes the handler's panic");
    let message = payload.downcast_ref::<String>().expect("panic message");
    assert_eq!(message, &format!("handler panicked at offset {}", rejected.1));
    assert_eq!(first_of_partition, Some(rejected));

    // 3. The panic left the record uncommitted too: a third member receives
    // it, and exactly the records the first member did not accept.
    let remaining = sample_count - accepted.len();
    let mut received = BTreeSet::new();
    let mut first_again = None;
    let mut consumer = broker.consumer(&group);
    let stop = consumer.stop_handle();
    {
        let _timer = StopTimer::new(consumer.stop_handle(), CONSUME_TIMEOUT);
        consumer
            .run(|event| {
                if event.partition() == rejected.0 && first_again.is_none() {
                    first_again = Some((event.partition(), event.offset()));
                }
                received.insert((event.partition(), event.offset()));
                if received.len() >= remaining {
                    stop.stop();
                }
                Ok::<(), Rejected>(())
            })
            .expect("run ends after stop");
    }
    assert_eq!(first_again, Some(rejected));
    assert_eq!(received.len(), remaining);
    for record in &accepted {
        assert!(
            !received.contains(record),
            "accepted record {record:?} was delivered again"
        );
    }
}

#[test]
fn profile_errors_name_field_and_path() {
    let error =
        Profile::parse(r#"{"kafka": {"bootstrap": "127.0.0.1:9092", "security_protocol": "PLAINTEXT"}}"#).unwrap_err();
    assert_eq!(error.status(), Status::Profile);
    assert!(error.message().contains("consumer_name"), "{error}");
    assert!(error.record().is_none());

    let error = Profile::load("/nonexistent/rust-profile.json").unwrap_err();
    assert_eq!(error.status(), Status::Io);
    assert!(error.message().contains("/nonexistent/rust-profile.json"), "{error}");

    let error = Profile::load("/tmp/with\0nul.json").unwrap_err();
    assert_eq!(error.status(), Status::InvalidArgument);

    let profile = Profile::parse(
        r#"{"consumer_name": "rust", "auth": {"mechanism": "plain", "secret": "s3cret"}, "kafka": {"servers": ["a:1", "b:2"]}}"#,
    )
    .unwrap();
    assert_eq!(profile.consumer_name(), "rust");
    assert_eq!(profile.kafka_bootstrap(), "a:1,b:2");
    assert_eq!(profile.security_protocol(), "SASL_SSL");
    assert_eq!(profile.auth_mechanism(), Some("plain"));
    assert_eq!(profile.auth_secret(), Some("s3cret"));
    assert!(!format!("{profile:?}").contains("s3cret"), "Debug shows the secret");
}

#[test]
fn consumer_errors_map_to_status() {
    let profile = Profile::parse(
        r#"{"consumer_name": "rust-errors", "kafka": {"bootstrap": "127.0.0.1:1", "security_protocol": "PLAINTEXT"}}"#,
    )
    .unwrap();
    assert_eq!(
        Consumer::new("", &profile).unwrap_err().status(),
        Status::InvalidArgument
    );

    let mut consumer = Consumer::new("rust-errors", &profile).unwrap();
    let error = consumer.set_option("mw.poll.interval.ms", "0").unwrap_err();
    assert_eq!(error.status(), Status::InvalidArgument);
    assert!(error.message().contains("mw.poll.interval.ms"), "{error}");
    assert_eq!(
        consumer.set_option("no.such.property", "1").unwrap_err().status(),
        Status::Kafka
    );

    // No broker listens on 127.0.0.1:1, so the run fails after mw.broker.timeout.ms,
    // and the failed connections reach the log handler.
    let logged = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&logged);
    set_log_handler(
        Some(Box::new(move |_level, _message| {
            counter.fetch_add(1, Ordering::Relaxed);
        })),
        LogLevel::Warning,
    );
    consumer.set_option("mw.broker.timeout.ms", "1000").unwrap();
    let mut handled = 0;
    let result = consumer.run(|_event| {
        handled += 1;
        Ok::<(), Rejected>(())
    });
    set_log_handler(None, LogLevel::Warning);
    match result {
        Err(RunError::Consumer(error)) => {
            assert_eq!(error.status(), Status::Kafka);
            assert!(error.message().contains("127.0.0.1:1"), "{error}");
        }
        other => panic!("expected a Kafka error, got {other:?}"),
    }
    assert_eq!(handled, 0);
    assert!(logged.load(Ordering::Relaxed) > 0, "no log message reached the handler");
}

#[test]
fn stop_before_run_returns_at_once() {
    let profile = Profile::parse(
        r#"{"consumer_name": "rust-stop", "kafka": {"bootstrap": "127.0.0.1:1", "security_protocol": "PLAINTEXT"}}"#,
    )
    .unwrap();
    let mut consumer = Consumer::new("rust-stop", &profile).unwrap();
    let stop = consumer.stop_handle();
    stop.stop();
    consumer
        .run(|_event| Ok::<(), Rejected>(()))
        .expect("a stopped consumer's run returns Ok");

    // The handle keeps the consumer's memory alive after the Consumer is dropped.
    drop(consumer);
    stop.stop();
}
