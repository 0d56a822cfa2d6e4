#!/usr/bin/env python3
"""Benchmark record decoding: libmisterwebhooks against fastavro, cbor2 and json.

usage: run.py --driver DECODE_BENCH --corpus CORPUS_DIR --work WORK_DIR [--seconds S]

Every *.json file under CORPUS_DIR becomes two Avro KafkaMessageEnvelopeV1
record values, one with the file as a JSON payload and one with its CBOR
encoding (cbor2.dumps of the parsed JSON). Both sets are written to WORK_DIR
as length-prefixed record files for the C driver, which decodes them through
libmisterwebhooks. The Python baseline decodes the same bytes in this
process. Prints a markdown table of MB/s (of record value bytes) and
records/s, both single-threaded.
"""
import argparse
import hashlib
import hmac
import io
import json
import os
import platform
import struct
import subprocess
import sys
import time
import uuid

import cbor2
import fastavro

METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"]
ENCODINGS = ["JSON", "CBOR"]

SCHEMA = fastavro.parse_schema({
    "type": "record",
    "name": "KafkaMessageEnvelopeV1",
    "fields": [
        {"name": "method", "type": {"type": "enum", "name": "HTTPMethod", "symbols": METHODS}},
        {"name": "headers", "type": {"type": "map", "values": {"type": "array", "items": "string"}}},
        {"name": "payload", "type": "bytes"},
        {"name": "payload_encoding", "type": {"type": "enum", "name": "PayloadEncoding", "symbols": ENCODINGS}},
    ],
})


# MARK: - Avro encoding

def avro_long(value):
    """Encode an Avro long: zig-zag, then a base-128 varint."""
    zigzag = (value << 1) ^ (value >> 63)
    out = bytearray()
    while zigzag >= 0x80:
        out.append((zigzag & 0x7F) | 0x80)
        zigzag >>= 7
    out.append(zigzag)
    return bytes(out)


def avro_bytes(value):
    return avro_long(len(value)) + value


def encode_envelope(method, headers, payload, encoding):
    """Encode a KafkaMessageEnvelopeV1; headers is a list of (name, [values])."""
    out = bytearray(avro_long(METHODS.index(method)))
    if headers:
        out += avro_long(len(headers))
        for name, values in headers:
            out += avro_bytes(name.encode())
            if values:
                out += avro_long(len(values))
                for value in values:
                    out += avro_bytes(value.encode())
            out += avro_long(0)
    out += avro_long(0)
    out += avro_bytes(payload)
    out += avro_long(ENCODINGS.index(encoding))
    return bytes(out)


def github_headers(event_name, body, content_type):
    """Headers as GitHub sends them with a webhook delivery."""
    delivery = uuid.uuid5(uuid.NAMESPACE_URL, hashlib.sha256(body).hexdigest())
    signature = hmac.new(b"benchmark-secret", body, hashlib.sha256).hexdigest()
    return [
        ("Accept", ["*/*"]),
        ("Content-Type", [content_type]),
        ("User-Agent", ["GitHub-Hookshot/044aadd"]),
        ("X-GitHub-Delivery", [str(delivery)]),
        ("X-GitHub-Event", [event_name]),
        ("X-GitHub-Hook-ID", ["292430182"]),
        ("X-GitHub-Hook-Installation-Target-ID", ["79929171"]),
        ("X-GitHub-Hook-Installation-Target-Type", ["repository"]),
        ("X-Hub-Signature-256", ["sha256=" + signature]),
    ]


def build_records(corpus):
    """Return (json_records, cbor_records): record values for every corpus file."""
    paths = sorted(
        os.path.join(folder, name)
        for folder, _, names in os.walk(corpus)
        for name in names
        if name.endswith(".json")
    )
    json_records, cbor_records = [], []
    for path in paths:
        with open(path, "rb") as f:
            body = f.read()
        event_name = os.path.relpath(path, corpus).split(os.sep)[0]
        cbor_body = cbor2.dumps(json.loads(body))
        json_records.append(encode_envelope(
            "POST", github_headers(event_name, body, "application/json"), body, "JSON"))
        cbor_records.append(encode_envelope(
            "POST", github_headers(event_name, cbor_body, "application/cbor"), cbor_body, "CBOR"))
    return json_records, cbor_records


def check_records(records):
    """Decode every record with fastavro, so a bug in encode_envelope shows here."""
    for value in records:
        reader = io.BytesIO(value)
        fastavro.schemaless_reader(reader, SCHEMA)
        if reader.tell() != len(value):
            sys.exit("encode_envelope wrote trailing bytes")


def write_records(path, records):
    with open(path, "wb") as f:
        for value in records:
            f.write(struct.pack("<I", len(value)))
            f.write(value)


# MARK: - Measurements

def measure_library(driver, path, seconds):
    output = subprocess.run([driver, path, str(seconds)], check=True, capture_output=True, text=True).stdout
    fields = dict(item.split("=") for item in output.split())
    return int(fields["records"]), int(fields["bytes"]), float(fields["seconds"])


def decode_python(value):
    """Decode one record as mw_event_decode does, and return the payload JSON text."""
    envelope = fastavro.schemaless_reader(io.BytesIO(value), SCHEMA)
    payload = envelope["payload"]
    if envelope["payload_encoding"] == "JSON":
        json.loads(payload)
        return payload
    return json.dumps(cbor2.loads(payload))


def measure_python(records, seconds):
    decoded = total_bytes = 0
    start = time.perf_counter()
    while True:
        for value in records:
            decode_python(value)
            total_bytes += len(value)
        decoded += len(records)
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return decoded, total_bytes, elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--driver", required=True, help="path of the compiled decode_bench")
    parser.add_argument("--corpus", required=True, help="folder of GitHub webhook payloads (*.json)")
    parser.add_argument("--work", required=True, help="folder for the record files")
    parser.add_argument("--seconds", type=float, default=2.0, help="minimum time per measurement, in seconds")
    args = parser.parse_args()

    json_records, cbor_records = build_records(args.corpus)
    if not json_records:
        sys.exit(f"no *.json files under {args.corpus}")
    check_records(json_records + cbor_records)
    os.makedirs(args.work, exist_ok=True)

    rows = []
    for encoding, records in (("JSON", json_records), ("CBOR", cbor_records)):
        path = os.path.join(args.work, f"{encoding.lower()}.records")
        write_records(path, records)
        library = measure_library(args.driver, path, args.seconds)
        python = measure_python(records, args.seconds)
        rows.append((encoding, len(records), sum(map(len, records)), library, python))

    print(f"{len(json_records)} payloads, single thread, at least {args.seconds:g} s per cell; "
          f"Python {platform.python_version()}, fastavro {fastavro.__version__}, cbor2 {cbor2_version()}")
    print()
    print("| encoding | records | MB per pass | libmisterwebhooks MB/s | records/s | Python MB/s | records/s | ratio |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for encoding, count, pass_bytes, library, python in rows:
        library_mb = library[1] / library[2] / 1e6
        python_mb = python[1] / python[2] / 1e6
        print(f"| {encoding} | {count} | {pass_bytes / 1e6:.2f} | {library_mb:.1f} | {library[0] / library[2]:,.0f} "
              f"| {python_mb:.1f} | {python[0] / python[2]:,.0f} | {library_mb / python_mb:.1f}x |")


def cbor2_version():
    try:
        from importlib.metadata import version
        return version("cbor2")
    except Exception:  # the version is only printed, so an odd install must not stop the run
        return "unknown"


if __name__ == "__main__":
    main()
