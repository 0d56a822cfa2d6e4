@testable import MisterWebhooksDecoding
import XCTest

/// Tests of ``EnvelopeDecoder`` and the Avro reader on hand-built records.
final class AvroEnvelopeTests: XCTestCase {
    /// Asserts that the record decodes to an event and returns it.
    func decodeEvent(envelope: [UInt8]? = [0x80], _ value: [UInt8]?, file: StaticString = #filePath, line: UInt = #line) -> WebhookEvent? {
        switch decodeRecord(envelope: envelope, value: value) {
        case let .success(event?):
            return event
        case .success(nil):
            XCTFail("expected an event, got a system record", file: file, line: line)
        case let .failure(error):
            XCTFail("expected an event, got \(error.kind): \(error.message)", file: file, line: line)
        }
        return nil
    }

    /// Asserts that the record fails with `kind` and a one-line message, and
    /// returns the message.
    @discardableResult
    func assertError(_ kind: DecodingError.Kind, envelope: [UInt8]? = [0x80], _ value: [UInt8]?,
                     file: StaticString = #filePath, line: UInt = #line) -> String {
        switch decodeRecord(envelope: envelope, value: value) {
        case let .success(event):
            XCTFail("expected \(kind), got \(event == nil ? "a system record" : "an event")", file: file, line: line)
            return ""
        case let .failure(error):
            XCTAssertEqual(error.kind, kind, error.message, file: file, line: line)
            assertOneLine(error.message, file: file, line: line)
            return error.message
        }
    }

    /// Asserts that a message is one line of printable UTF-8 without
    /// replacement characters, which would mean invalid input bytes were
    /// repaired instead of escaped.
    func assertOneLine(_ message: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertFalse(message.isEmpty, file: file, line: line)
        XCTAssertFalse(message.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }, message, file: file, line: line)
        XCTAssertFalse(message.contains("\u{FFFD}"), message, file: file, line: line)
    }

    // MARK: - Valid records

    func testSimpleRecord() throws {
        let value = AvroWriter.envelope(method: 2, headers: [("content-type", ["application/json"]), ("x-b", ["1", "2"])])
        let event = try XCTUnwrap(decodeEvent(value))
        XCTAssertEqual(event.method, .post)
        XCTAssertEqual(event.encoding, .json)
        XCTAssertEqual(event.timestampMs, 1_733_300_000_000)
        XCTAssertEqual(event.headerCount, 2)
        XCTAssertEqual(event.string(event.headerName(0)), "content-type")
        XCTAssertEqual(event.headerValueCount(0), 1)
        XCTAssertEqual(event.string(event.headerValue(0, 0)), "application/json")
        XCTAssertEqual(event.string(event.headerName(1)), "x-b")
        XCTAssertEqual(event.headerValueCount(1), 2)
        XCTAssertEqual(event.string(event.headerValue(1, 0)), "1")
        XCTAssertEqual(event.string(event.headerValue(1, 1)), "2")
        XCTAssertEqual(event.payloadJSONString, #"{"a":1}"#)
        XCTAssertEqual(event.bytes(event.payloadRaw), Array(#"{"a":1}"#.utf8))
    }

    func testEveryMethod() throws {
        let expected: [HTTPMethod] = [.get, .head, .post, .put, .delete, .patch]
        for (index, method) in expected.enumerated() {
            let event = try XCTUnwrap(decodeEvent(AvroWriter.envelope(method: Int64(index))))
            XCTAssertEqual(event.method, method)
            XCTAssertEqual(event.method.name, ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"][index])
        }
    }

    func testCBOREncoding() throws {
        let value = AvroWriter.envelope(payload: [0xA1, 0x61, 0x61, 0x01], encoding: 1)
        let event = try XCTUnwrap(decodeEvent(value))
        XCTAssertEqual(event.encoding, .cbor)
        XCTAssertEqual(event.encoding.name, "CBOR")
        XCTAssertEqual(event.payloadJSONString, #"{"a":1}"#)
        XCTAssertEqual(event.bytes(event.payloadRaw), [0xA1, 0x61, 0x61, 0x01])
    }

    func testJSONByteOrderMarkDropped() throws {
        let payload: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("[1]".utf8)
        let event = try XCTUnwrap(decodeEvent(AvroWriter.envelope(payload: payload)))
        XCTAssertEqual(event.payloadJSONString, "[1]")
        XCTAssertEqual(event.bytes(event.payloadRaw), payload)
    }

    func testEmptyHeaders() throws {
        let event = try XCTUnwrap(decodeEvent(AvroWriter.envelope(headers: [])))
        XCTAssertEqual(event.headerCount, 0)
    }

    func testEmptyValueArray() throws {
        let event = try XCTUnwrap(decodeEvent(AvroWriter.envelope(headers: [("x-none", []), ("x-one", ["v"])])))
        XCTAssertEqual(event.headerCount, 2)
        XCTAssertEqual(event.headerValueCount(0), 0)
        XCTAssertEqual(event.headerValueCount(1), 1)
        XCTAssertEqual(event.string(event.headerValue(1, 0)), "v")
    }

    func testDuplicateHeaderNamesKeptInOrder() throws {
        let event = try XCTUnwrap(decodeEvent(AvroWriter.envelope(headers: [("x-dup", ["1"]), ("x-other", []), ("x-dup", ["2"])])))
        XCTAssertEqual(event.headers.map(\.name), ["x-dup", "x-other", "x-dup"])
        XCTAssertEqual(event.headers.map(\.values), [["1"], [], ["2"]])
    }

    // MARK: - Blocks

    func testNegativeBlockCounts() throws {
        let entry = AvroWriter.bytes(Array("x-a".utf8))
            + AvroWriter.long(-2) + AvroWriter.long(4) + AvroWriter.string("1") + AvroWriter.string("2")
            + AvroWriter.long(0)
        let headers = AvroWriter.long(-1) + AvroWriter.long(Int64(entry.count)) + entry + AvroWriter.long(0)
        let event = try XCTUnwrap(decodeEvent(AvroWriter.envelope(rawHeaders: headers)))
        XCTAssertEqual(event.headerCount, 1)
        XCTAssertEqual(event.string(event.headerName(0)), "x-a")
        XCTAssertEqual(event.headerValueCount(0), 2)
        XCTAssertEqual(event.string(event.headerValue(0, 1)), "2")
    }

    /// The byte size after a negative count is skipped, not checked.
    func testNegativeBlockSizeIgnored() throws {
        let headers = AvroWriter.long(-1) + AvroWriter.long(999) + AvroWriter.header(Array("x".utf8), [Array("y".utf8)]) + AvroWriter.long(0)
        let event = try XCTUnwrap(decodeEvent(AvroWriter.envelope(rawHeaders: headers)))
        XCTAssertEqual(event.headers.map(\.name), ["x"])
    }

    func testMultipleBlocks() throws {
        let first = AvroWriter.bytes(Array("x-a".utf8))
            + AvroWriter.long(1) + AvroWriter.string("1")
            + AvroWriter.long(-2) + AvroWriter.long(4) + AvroWriter.string("2") + AvroWriter.string("3")
            + AvroWriter.long(0)
        let second = AvroWriter.header(Array("x-b".utf8), [Array("4".utf8)])
        let third = AvroWriter.header(Array("x-c".utf8), [])
        let headers = AvroWriter.long(1) + first
            + AvroWriter.long(-1) + AvroWriter.long(Int64(second.count)) + second
            + AvroWriter.long(1) + third
            + AvroWriter.long(0)
        let event = try XCTUnwrap(decodeEvent(AvroWriter.envelope(rawHeaders: headers)))
        XCTAssertEqual(event.headers.map(\.name), ["x-a", "x-b", "x-c"])
        XCTAssertEqual(event.headers.map(\.values), [["1", "2", "3"], ["4"], []])
    }

    func testBlockCountMinRejected() {
        let headers = AvroWriter.long(Int64.min) + AvroWriter.long(0) + AvroWriter.long(0)
        let message = assertError(.envelopeDecode, AvroWriter.envelope(rawHeaders: headers))
        XCTAssertTrue(message.contains("out of range"), message)
    }

    func testHugeBlockCountRejected() {
        for count: Int64 in [1 << 62, Int64.max, -(1 << 62)] {
            let headers = AvroWriter.long(count) + AvroWriter.long(0) + AvroWriter.long(0)
            assertError(.envelopeDecode, AvroWriter.envelope(rawHeaders: headers))
        }
        let values = AvroWriter.long(1) + AvroWriter.string("x") + AvroWriter.long(1 << 40) + AvroWriter.long(0)
        assertError(.envelopeDecode, AvroWriter.envelope(rawHeaders: values))
    }

    func testNegativeBlockWithoutSizeRejected() {
        assertError(.envelopeDecode, AvroWriter.long(2) + AvroWriter.long(-1))
    }

    // MARK: - Lengths and truncation

    func testTruncationAtEveryByte() {
        let value = AvroWriter.envelope(headers: [("content-type", ["application/json"]), ("x-b", ["1", "2"]), ("x-c", [])])
        XCTAssertNotNil(decodeEvent(value))
        for length in 0..<value.count {
            assertError(.envelopeDecode, Array(value.prefix(length)))
        }
    }

    func testNegativeLengthRejected() {
        let headers = AvroWriter.long(1) + AvroWriter.long(-1) + AvroWriter.long(0) + AvroWriter.long(0)
        let message = assertError(.envelopeDecode, AvroWriter.envelope(rawHeaders: headers))
        XCTAssertTrue(message.contains("negative"), message)

        let payload = AvroWriter.long(2) + AvroWriter.long(0) + AvroWriter.long(-5) + AvroWriter.long(0)
        assertError(.envelopeDecode, payload)
    }

    func testLengthBeyondInputRejected() {
        let value = AvroWriter.long(2) + AvroWriter.long(0) + AvroWriter.long(3) + Array("{}".utf8)
        let message = assertError(.envelopeDecode, value)
        XCTAssertTrue(message.contains("longer than"), message)

        let huge = AvroWriter.long(2) + AvroWriter.long(0) + AvroWriter.long(Int64.max) + Array("{}".utf8) + [0x00]
        assertError(.envelopeDecode, huge)
    }

    func testTrailingBytesRejected() {
        let message = assertError(.envelopeDecode, AvroWriter.envelope() + [0x00])
        XCTAssertTrue(message.contains("1 bytes after the end"), message)
        assertError(.envelopeDecode, AvroWriter.envelope() + [0x00, 0x00, 0x00])
    }

    // MARK: - Varints

    func testVarintOverflowRejected() {
        let elevenBytes: [UInt8] = [UInt8](repeating: 0x80, count: 10) + [0x00]
        let message = assertError(.envelopeDecode, elevenBytes + Array(AvroWriter.envelope().dropFirst()))
        XCTAssertTrue(message.contains("longer than 64 bits"), message)

        let tenthByteTooLarge: [UInt8] = [UInt8](repeating: 0xFF, count: 9) + [0x02]
        assertError(.envelopeDecode, tenthByteTooLarge + Array(AvroWriter.envelope().dropFirst()))
    }

    /// A ten-byte varint whose last byte is 1 is the largest valid `long`;
    /// as a method it is out of range, not an overflow.
    func testTenByteVarintAccepted() {
        let largest: [UInt8] = [UInt8](repeating: 0xFF, count: 9) + [0x01]
        let message = assertError(.envelopeDecode, largest + Array(AvroWriter.envelope().dropFirst()))
        XCTAssertTrue(message.contains("out of range"), message)
        XCTAssertFalse(message.contains("64 bits"), message)
    }

    /// Non-minimal varints (extra 0x80 continuation bytes) are valid Avro.
    func testPaddedVarintAccepted() throws {
        let value = [0x84, 0x80, 0x00] + Array(AvroWriter.envelope().dropFirst())
        let event = try XCTUnwrap(decodeEvent(value))
        XCTAssertEqual(event.method, .post)
    }

    func testTruncatedVarintRejected() {
        let message = assertError(.envelopeDecode, [0x80])
        XCTAssertTrue(message.contains("varint"), message)
    }

    // MARK: - Enums

    func testMethodOutOfRangeRejected() {
        for method: Int64 in [6, 7, 100, -1, Int64.min, Int64.max] {
            let message = assertError(.envelopeDecode, AvroWriter.envelope(method: method))
            XCTAssertTrue(message.contains("method"), message)
        }
    }

    func testMethodErrorNamesOffset() {
        let message = assertError(.envelopeDecode, AvroWriter.envelope(method: 6))
        XCTAssertTrue(message.hasPrefix("invalid Avro KafkaMessageEnvelopeV1 at byte 0:"), message)
    }

    func testEncodingOutOfRangeRejected() {
        for encoding: Int64 in [2, 3, -1, Int64.max] {
            let message = assertError(.envelopeDecode, AvroWriter.envelope(encoding: encoding))
            XCTAssertTrue(message.contains("payload_encoding"), message)
        }
    }

    // MARK: - UTF-8

    func testInvalidUTF8InHeaderNameRejected() {
        let headers = AvroWriter.long(1) + AvroWriter.header([0x78, 0xFF, 0x0A, 0x79], [Array("v".utf8)]) + AvroWriter.long(0)
        let message = assertError(.envelopeDecode, AvroWriter.envelope(rawHeaders: headers))
        XCTAssertTrue(message.contains("header name"), message)
        XCTAssertTrue(message.contains(#"x\xff\x0ay"#), message)
    }

    func testInvalidUTF8InHeaderValueRejected() {
        let headers = AvroWriter.long(1) + AvroWriter.header(Array("x-a".utf8), [Array("ok".utf8), [0xC0, 0xAF, 0x0D]]) + AvroWriter.long(0)
        let message = assertError(.envelopeDecode, AvroWriter.envelope(rawHeaders: headers))
        XCTAssertTrue(message.contains("header value"), message)
        XCTAssertTrue(message.contains(#"\xc0\xaf\x0d"#), message)
    }

    func testSurrogateInHeaderValueRejected() {
        let headers = AvroWriter.long(1) + AvroWriter.header(Array("x-a".utf8), [[0xED, 0xA0, 0x80]]) + AvroWriter.long(0)
        assertError(.envelopeDecode, AvroWriter.envelope(rawHeaders: headers))
    }

    func testNULInHeaderValueAccepted() throws {
        let headers = AvroWriter.long(1) + AvroWriter.header(Array("x-nul".utf8), [[0x61, 0x00, 0x62]]) + AvroWriter.long(0)
        let event = try XCTUnwrap(decodeEvent(AvroWriter.envelope(rawHeaders: headers)))
        XCTAssertEqual(event.bytes(event.headerValue(0, 0)), [0x61, 0x00, 0x62])
    }

    // MARK: - Envelope header

    func testMissingEnvelopeRejected() {
        let message = assertError(.malformedMessage, envelope: nil, AvroWriter.envelope())
        XCTAssertTrue(message.contains("envelope"), message)
    }

    func testEnvelopeLengthRejected() {
        assertError(.malformedMessage, envelope: [], AvroWriter.envelope())
        assertError(.malformedMessage, envelope: [0x80, 0x80], AvroWriter.envelope())
        assertError(.malformedMessage, envelope: [0x00, 0x00], nil)
        let message = assertError(.malformedMessage, envelope: [0x0A, 0xFF, 0x0D], AvroWriter.envelope())
        XCTAssertTrue(message.contains(#"\x0a\xff\x0d"#), message)
    }

    func testSystemEnvelopeSkipped() {
        for envelope: UInt8 in [0x00, 0x01, 0x7F] {
            for value: [UInt8]? in [nil, [], [0xFF, 0xFF], AvroWriter.envelope()] {
                switch decodeRecord(envelope: [envelope], value: value) {
                case .success(nil):
                    break
                case .success:
                    XCTFail("envelope \(envelope): expected a system record, got an event")
                case let .failure(error):
                    XCTFail("envelope \(envelope): expected a system record, got \(error.message)")
                }
            }
        }
    }

    func testUnsupportedEnvelopeRejected() {
        for envelope: UInt8 in [0x81, 0x90, 0xFF] {
            let message = assertError(.unsupportedEnvelope, envelope: [envelope], AvroWriter.envelope())
            XCTAssertTrue(message.contains("0x\(String(envelope, radix: 16, uppercase: true))"), message)
            XCTAssertTrue(message.contains("upgrade"), message)
        }
    }

    func testNullValueRejected() {
        let message = assertError(.envelopeDecode, nil)
        XCTAssertTrue(message.contains("null"), message)
    }

    func testEmptyValueRejected() {
        assertError(.envelopeDecode, [])
    }

    // MARK: - Payload

    func testInvalidJSONPayloadRejected() {
        assertError(.payloadDecode, AvroWriter.envelope(payload: Array("{".utf8)))
        assertError(.payloadDecode, AvroWriter.envelope(payload: []))
        assertError(.payloadDecode, AvroWriter.envelope(payload: [0xEF, 0xBB, 0xBF]))
        assertError(.payloadDecode, AvroWriter.envelope(payload: [0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF, 0x31]))
    }

    func testInvalidCBORPayloadRejected() {
        assertError(.payloadDecode, AvroWriter.envelope(payload: [0xFF], encoding: 1))
        assertError(.payloadDecode, AvroWriter.envelope(payload: [], encoding: 1))
        assertError(.payloadDecode, AvroWriter.envelope(payload: [0x61, 0xFF], encoding: 1))
    }

    /// A JSON payload is not taken as CBOR, nor the reverse.
    func testEncodingSelectsDecoder() {
        assertError(.payloadDecode, AvroWriter.envelope(payload: [0xA1, 0x61, 0x61, 0x01], encoding: 0))
        assertError(.payloadDecode, AvroWriter.envelope(payload: Array("{}".utf8), encoding: 1))
    }
}
