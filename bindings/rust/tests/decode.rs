//! `decode` against every decoding test vector, compared as the vectors' own
//! checker compares them, and the ownership of decoded events.

mod common;

use std::fs;
use std::path::Path;
use std::thread;

use common::json::{self, Json};
use misterwebhooks::{decode, Event, Method, PayloadEncoding, Status};

fn decode_hex(hex: &str) -> Vec<u8> {
    (0..hex.len() / 2)
        .map(|index| u8::from_str_radix(&hex[2 * index..2 * index + 2], 16).expect("hex digits"))
        .collect()
}

fn decode_base64(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bytes = Vec::new();
    let (mut buffer, mut bits) = (0u32, 0);
    for character in text.bytes().take_while(|&character| character != b'=') {
        let digit = ALPHABET
            .iter()
            .position(|&candidate| candidate == character)
            .expect("base64 digit");
        buffer = (buffer << 6) | digit as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            bytes.push((buffer >> bits) as u8);
        }
    }
    bytes
}

fn status_of_kind(kind: &str) -> Status {
    match kind {
        "malformed_message" => Status::MalformedMessage,
        "unsupported_envelope" => Status::UnsupportedEnvelope,
        "envelope_decode" => Status::EnvelopeDecode,
        "payload_decode" => Status::PayloadDecode,
        other => panic!("unknown error kind {other}"),
    }
}

fn check_event(event: &Event, vector: &Json, expect: &Json, vectors_dir: &Path) -> Result<(), String> {
    if event.method().as_str() != expect.get("method").unwrap().str() {
        return Err(format!("method: got {}", event.method()));
    }
    if event.encoding().as_str() != expect.get("encoding").unwrap().str() {
        return Err(format!("encoding: got {}", event.encoding()));
    }
    let timestamp_ms = match vector.get("timestamp_ms") {
        Some(Json::Integer(text)) => text.parse::<i64>().unwrap(),
        other => return Err(format!("vector has timestamp_ms {other:?}")),
    };
    if event.timestamp_ms() != timestamp_ms {
        return Err(format!("timestamp_ms: got {}", event.timestamp_ms()));
    }

    let expected_headers = expect.get("headers").unwrap().items();
    let headers = event.headers();
    if headers.len() != expected_headers.len() {
        return Err(format!(
            "header count: expected {}, got {}",
            expected_headers.len(),
            headers.len()
        ));
    }
    for (index, (header, expected)) in headers.iter().zip(expected_headers).enumerate() {
        let expected_values: Vec<&[u8]> = expected.items()[1].items().iter().map(Json::bytes).collect();
        let values: Vec<&[u8]> = header.values.iter().map(|value| value.as_bytes()).collect();
        if header.name.as_bytes() != expected.items()[0].bytes() || values != expected_values {
            return Err(format!("header {index}: got {header:?}"));
        }
    }

    let want = if let Some(file) = expect.get("payload_file") {
        let path = vectors_dir.join(file.str());
        json::parse(&fs::read(&path).map_err(|error| format!("{}: {error}", path.display()))?)?
    } else {
        let payload = expect.get("payload").unwrap();
        match (payload, payload.get("$json_text")) {
            (Json::Object(members), Some(text)) if members.len() == 1 => json::parse(text.bytes())?,
            _ => payload.clone(),
        }
    };
    let have = json::parse(event.payload_json().as_bytes()).map_err(|error| format!("payload JSON: {error}"))?;
    if !json::same(&want, &have) {
        return Err(format!("payload differs: got {:.200}", event.payload_json()));
    }
    Ok(())
}

fn check_vector(vector: &Json, vectors_dir: &Path) -> Result<(), String> {
    let envelope = vector
        .get("headers")
        .unwrap()
        .items()
        .iter()
        .find(|header| header.items()[0].bytes() == b"envelope")
        .and_then(|header| (!header.items()[1].is_null()).then(|| decode_hex(header.items()[1].str())));
    let value = vector
        .get("value")
        .filter(|value| !value.is_null())
        .map(|value| decode_base64(value.str()));
    let timestamp_ms = match vector.get("timestamp_ms") {
        Some(Json::Integer(text)) => text.parse::<i64>().unwrap(),
        _ => 0,
    };
    let expect = vector.get("expect").unwrap();
    let result = expect.get("result").unwrap().str();

    match (decode(envelope.as_deref(), value.as_deref(), timestamp_ms), result) {
        (Err(error), "error") => {
            let want = status_of_kind(expect.get("error").unwrap().str());
            let record = error
                .record()
                .map(|record| (record.topic.as_str(), record.partition, record.offset));
            if error.status() != want || !error.status().is_record_error() {
                Err(format!("expected {want:?}, got {error}"))
            } else if error.message().is_empty() {
                Err("error has an empty message".to_owned())
            } else if record != Some(("", -1, -1)) {
                Err(format!("decode error has record coordinates {record:?}"))
            } else {
                Ok(())
            }
        }
        (Ok(None), "skip") => Ok(()),
        (Ok(Some(event)), "event") => check_event(&event, vector, expect, vectors_dir),
        (Err(error), _) => Err(format!("expected {result}, got {error}")),
        (Ok(None), _) => Err(format!("expected {result}, got skip")),
        (Ok(Some(_)), _) => Err(format!("expected {result}, got an event")),
    }
}

fn run_vectors() {
    let vectors_dir = common::shared_dir().join("vectors");
    let path = vectors_dir.join("envelopes.jsonl");
    let text = match fs::read_to_string(&path) {
        Ok(text) => text,
        Err(error) => {
            eprintln!("skip decoding vectors: {}: {error} (set MW_SHARED_DIR)", path.display());
            return;
        }
    };

    let lines: Vec<&str> = text.lines().collect();
    let mut failures = Vec::new();
    for (number, line) in lines.iter().enumerate() {
        let outcome = json::parse(line.as_bytes()).and_then(|vector| {
            let name = vector.get("name").map(|name| name.str().to_owned()).unwrap_or_default();
            check_vector(&vector, &vectors_dir).map_err(|problem| format!("{name}: {problem}"))
        });
        if let Err(problem) = outcome {
            failures.push(format!("line {}: {problem}", number + 1));
        }
    }
    for failure in &failures {
        eprintln!("FAIL vector {failure}");
    }
    println!(
        "decoding vectors: {} of {} passed",
        lines.len() - failures.len(),
        lines.len()
    );
    assert!(!lines.is_empty());
    assert_eq!(
        failures.len(),
        0,
        "{} of {} decoding vectors failed",
        failures.len(),
        lines.len()
    );
}

#[test]
fn decoding_vectors_all_pass() {
    // Payloads nest up to 512 levels, and the test's JSON parser recurses per level.
    thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(run_vectors)
        .unwrap()
        .join()
        .unwrap();
}

/// An Avro KafkaMessageEnvelopeV1: method POST, one header "x-nul" whose
/// value is "a\0b", payload `{"n":1}` as JSON.
const RECORD_WITH_NUL_HEADER: &[u8] = b"\x04\x02\x0ax-nul\x02\x06a\x00b\x00\x00\x0e{\"n\":1}\x00";

#[test]
fn decode_keeps_nul_in_header_value() {
    let event = decode(Some(b"\x80"), Some(RECORD_WITH_NUL_HEADER), 1234)
        .unwrap()
        .expect("an event");
    assert_eq!(event.method(), Method::Post);
    assert_eq!(event.encoding(), PayloadEncoding::Json);
    assert_eq!(event.timestamp_ms(), 1234);
    assert_eq!(event.header_count(), 1);
    assert_eq!(event.header_value(0, 0), Some("a\0b"));
    assert_eq!(event.header("X-NUL"), Some(vec!["a\0b"]));
    assert_eq!(event.header("missing"), None);
    assert_eq!(event.header_name(1), None);
    assert_eq!(event.headers_json(), r#"[["x-nul",["a\u0000b"]]]"#);
    assert_eq!(event.payload_json(), r#"{"n":1}"#);
    assert_eq!(event.payload_raw(), br#"{"n":1}"#);
    assert_eq!((event.topic(), event.partition(), event.offset()), ("", -1, -1));
    assert_eq!(event.key(), None);
}

#[test]
fn decoded_event_copies_outlive_original() {
    let event = decode(Some(b"\x80"), Some(RECORD_WITH_NUL_HEADER), 1).unwrap().unwrap();
    let copy = event.to_owned();
    let clone = copy.clone();
    assert_ne!(copy.as_ptr(), event.as_ptr());
    drop(event);
    drop(copy);
    assert_eq!(clone.payload_json(), r#"{"n":1}"#);

    // Owned events may move to another thread.
    let payload = thread::spawn(move || clone.payload_json().to_owned()).join().unwrap();
    assert_eq!(payload, r#"{"n":1}"#);
}

#[test]
fn decode_skips_system_record() {
    assert!(decode(Some(b"\x00"), Some(b"anything"), 0).unwrap().is_none());
    assert!(decode(Some(b"\x7f"), None, 0).unwrap().is_none());
}

#[test]
fn decode_maps_record_errors() {
    let missing = decode(None, Some(RECORD_WITH_NUL_HEADER), 0).unwrap_err();
    assert_eq!(missing.status(), Status::MalformedMessage);
    assert_eq!(missing.status().name(), "MW_ERR_MALFORMED_MESSAGE");
    assert_eq!(missing.status().code(), 10);

    let newer = decode(Some(b"\x81"), Some(RECORD_WITH_NUL_HEADER), 0).unwrap_err();
    assert_eq!(newer.status(), Status::UnsupportedEnvelope);
    assert!(
        newer.to_string().starts_with("MW_ERR_UNSUPPORTED_ENVELOPE: "),
        "{newer}"
    );

    let truncated = decode(Some(b"\x80"), Some(&RECORD_WITH_NUL_HEADER[..5]), 0).unwrap_err();
    assert_eq!(truncated.status(), Status::EnvelopeDecode);
    let record = truncated.record().expect("record coordinates");
    assert_eq!((record.topic.as_str(), record.partition, record.offset), ("", -1, -1));
}
