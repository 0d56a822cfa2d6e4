import Foundation
import MisterWebhooksDecoding
import XCTest

/// Runs every decoding test vector through ``EnvelopeDecoder`` and compares
/// the outcome with the vector's expectation, by the rules of the vectors'
/// own checker: method, encoding, header entries in order, timestamp, and
/// the payload as a parsed JSON value.
final class VectorTests: XCTestCase {
    /// The folder of the decoding test vectors: `$MW_SHARED_DIR/vectors`
    /// when that variable is set, else the shared folder beside the
    /// repository.
    static var vectorsDirectory: URL {
        if let shared = ProcessInfo.processInfo.environment["MW_SHARED_DIR"], !shared.isEmpty {
            return URL(fileURLWithPath: shared).appendingPathComponent("vectors")
        }
        let repositoryRoot = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()
            .deletingLastPathComponent()
            .deletingLastPathComponent()
        return repositoryRoot.appendingPathComponent("../shared/vectors").standardized
    }

    func testAllVectors() throws {
        let directory = Self.vectorsDirectory
        let file = directory.appendingPathComponent("envelopes.jsonl")
        guard FileManager.default.fileExists(atPath: file.path) else {
            throw XCTSkip("decoding test vectors not found at \(file.path); set MW_SHARED_DIR to the folder that contains vectors/")
        }

        let lines = try String(contentsOf: file, encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: true)
        XCTAssertFalse(lines.isEmpty, "\(file.path) holds no vectors")

        var passed = 0
        for (number, line) in lines.enumerated() {
            let vector: JSONValue
            do {
                vector = try JSONParser.parse(Array(line.utf8))
            } catch {
                XCTFail("line \(number + 1) of \(file.path) is not JSON: \(error)")
                continue
            }
            let name = vector["name"]?.stringValue ?? "line \(number + 1)"

            if let problem = check(vector, directory: directory) {
                XCTFail("\(name): \(problem)")
            } else {
                passed += 1
            }
        }

        XCTAssertEqual(passed, lines.count, "\(lines.count - passed) of \(lines.count) vectors failed")
    }

    // MARK: - One vector

    /// The outcome of decoding one record.
    enum Outcome {
        case event(WebhookEvent)
        case skip
        case error(DecodingError)
    }

    /// Returns why `vector` fails, or nil when it passes.
    func check(_ vector: JSONValue, directory: URL) -> String? {
        guard let expect = vector["expect"], let result = expect["result"]?.stringValue else {
            return "vector has no expect.result"
        }

        let outcome: Outcome
        do {
            outcome = try decode(vector)
        } catch {
            return "vector is malformed: \(error)"
        }

        switch (result, outcome) {
        case ("skip", .skip):
            return nil
        case let ("error", .error(error)):
            return checkError(error, expect: expect)
        case let ("event", .event(event)):
            return checkEvent(event, vector: vector, expect: expect, directory: directory)
        case let (_, .error(error)):
            return "expected \(result), got error \(error.kind): \(error.message)"
        case (_, .skip):
            return "expected \(result), got skip"
        case (_, .event):
            return "expected \(result), got an event"
        }
    }

    /// Decodes the record of `vector` as a Kafka client would pass it.
    func decode(_ vector: JSONValue) throws -> Outcome {
        var envelope: [UInt8]?
        for header in vector["headers"]?.arrayValue ?? [] {
            guard let pair = header.arrayValue, pair.count == 2, pair[0].stringValue == "envelope" else { continue }
            if let hex = pair[1].stringValue {
                envelope = try bytes(hex: hex)
            }
            break
        }

        var value: [UInt8]?
        if let base64 = vector["value"]?.stringValue {
            guard let data = Data(base64Encoded: base64) else {
                throw JSONParseError(offset: 0, reason: "value is not base64")
            }
            value = [UInt8](data)
        }

        guard case let .integer(timestampText)? = vector["timestamp_ms"], let timestamp = Int64(timestampText) else {
            throw JSONParseError(offset: 0, reason: "timestamp_ms is not a 64-bit integer")
        }

        let event = WebhookEvent()
        do {
            let isEvent = try withOptionalBuffer(envelope) { envelopeBuffer in
                try withOptionalBuffer(value) { valueBuffer in
                    try EnvelopeDecoder.decode(envelope: envelopeBuffer, value: valueBuffer, timestampMs: timestamp, into: event)
                }
            }
            return isEvent ? .event(event) : .skip
        } catch let error as DecodingError {
            return .error(error)
        }
    }

    func checkError(_ error: DecodingError, expect: JSONValue) -> String? {
        let kinds: [String: DecodingError.Kind] = [
            "malformed_message": .malformedMessage,
            "unsupported_envelope": .unsupportedEnvelope,
            "envelope_decode": .envelopeDecode,
            "payload_decode": .payloadDecode,
        ]
        guard let kindName = expect["error"]?.stringValue, let kind = kinds[kindName] else {
            return "unknown expected error kind \(expect["error"]?.description ?? "nil")"
        }
        if error.kind != kind {
            return "expected error \(kind), got \(error.kind): \(error.message)"
        }
        if error.message.isEmpty {
            return "error has an empty message"
        }
        return nil
    }

    func checkEvent(_ event: WebhookEvent, vector: JSONValue, expect: JSONValue, directory: URL) -> String? {
        if expect["method"]?.stringValue != event.method.name {
            return "method: expected \(expect["method"]?.description ?? "nil"), got \(event.method.name ?? "nil")"
        }
        if expect["encoding"]?.stringValue != event.encoding.name {
            return "encoding: expected \(expect["encoding"]?.description ?? "nil"), got \(event.encoding.name ?? "nil")"
        }

        let headers = JSONValue.array(event.headers.map { header in
            .array([.string(Array(header.name.utf16)), .array(header.values.map { .string(Array($0.utf16)) })])
        })
        if expect["headers"] != headers {
            return "headers: expected \(expect["headers"]?.description ?? "nil"), got \(headers)"
        }

        if vector["timestamp_ms"] != .integer(String(event.timestampMs)) {
            return "timestamp_ms: expected \(vector["timestamp_ms"]?.description ?? "nil"), got \(event.timestampMs)"
        }

        let expected: JSONValue
        do {
            expected = try expectedPayload(expect, directory: directory)
        } catch {
            return "expected payload cannot be read: \(error)"
        }
        let payloadBytes = event.bytes(event.payloadJSON)
        let actual: JSONValue
        do {
            actual = try JSONParser.parse(payloadBytes)
        } catch {
            return "payload JSON does not parse: \(error); text: \(event.payloadJSONString.prefix(200))"
        }
        if expected != actual {
            return "payload differs: expected \(expected.description.prefix(200)), got \(event.payloadJSONString.prefix(200))"
        }
        return nil
    }

    /// Returns the expected payload: the JSON of `payload_file` (relative to
    /// the vectors folder), `{"$json_text": TEXT}` parsed, or `payload` itself.
    func expectedPayload(_ expect: JSONValue, directory: URL) throws -> JSONValue {
        if let file = expect["payload_file"]?.stringValue {
            let data = try Data(contentsOf: directory.appendingPathComponent(file))
            return try JSONParser.parse([UInt8](data))
        }
        guard let payload = expect["payload"] else {
            throw JSONParseError(offset: 0, reason: "expect has neither payload nor payload_file")
        }
        if case let .object(members) = payload, members.count == 1, let text = payload["$json_text"]?.stringValue {
            return try JSONParser.parse(text)
        }
        return payload
    }

    // MARK: - Helpers

    func bytes(hex: String) throws -> [UInt8] {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else {
            throw JSONParseError(offset: 0, reason: "odd number of hex digits in \(hex)")
        }
        return try stride(from: 0, to: digits.count, by: 2).map { position in
            guard let byte = UInt8(String(decoding: digits[position..<position + 2], as: UTF8.self), radix: 16) else {
                throw JSONParseError(offset: position, reason: "invalid hex in \(hex)")
            }
            return byte
        }
    }
}

/// Calls `body` with a buffer over `bytes`, or with nil when `bytes` is nil.
/// An empty array gets a buffer with a non-nil base address, as a Kafka
/// client passes an empty (not null) header or value.
func withOptionalBuffer<Result>(_ bytes: [UInt8]?, _ body: (UnsafeRawBufferPointer?) throws -> Result) rethrows -> Result {
    guard let bytes else {
        return try body(nil)
    }
    if bytes.isEmpty {
        var placeholder: UInt8 = 0
        return try withUnsafeBytes(of: &placeholder) { try body(UnsafeRawBufferPointer(start: $0.baseAddress, count: 0)) }
    }
    return try bytes.withUnsafeBytes { try body($0) }
}
