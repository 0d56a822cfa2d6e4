@testable import MisterWebhooksDecoding
import XCTest

/// Thrown by a test helper after it reported why a record gave no event.
struct NoEvent: Error {}

final class WebhookEventTests: XCTestCase {
    /// A record with two header entries, an empty header name and value, a
    /// NUL byte in a value, and a JSON payload.
    let firstRecord = AvroWriter.envelope(
        method: 5,
        rawHeaders: AvroWriter.long(3)
            + AvroWriter.header(Array("x-first".utf8), [Array("one".utf8), Array("two".utf8)])
            + AvroWriter.header([], [[]])
            + AvroWriter.header(Array("x-nul".utf8), [[0x61, 0x00, 0x62]])
            + AvroWriter.long(0),
        payload: Array(#"{"first":[1,2,3],"text":"a longer payload than the second record has"}"#.utf8)
    )

    /// A smaller record with one header and a CBOR payload.
    let secondRecord = AvroWriter.envelope(method: 0, headers: [("x-second", ["2"])], payload: [0x82, 0x01, 0x02], encoding: 1)

    func decode(_ value: [UInt8], timestampMs: Int64 = 1, into event: WebhookEvent = WebhookEvent(),
                file: StaticString = #filePath, line: UInt = #line) throws -> WebhookEvent {
        switch decodeRecord(value: value, timestampMs: timestampMs, into: event) {
        case let .success(decoded?):
            return decoded
        case .success(nil):
            XCTFail("expected an event, got a system record", file: file, line: line)
        case let .failure(error):
            XCTFail("expected an event, got \(error.message)", file: file, line: line)
        }
        throw NoEvent()
    }

    /// Asserts that the byte after a span is NUL.
    func assertTerminated(_ event: WebhookEvent, _ span: ByteSpan, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(event.pointer(span)[span.length], 0, "span at \(span.offset) of length \(span.length)", file: file, line: line)
    }

    // MARK: - Strings

    func testStringsNULTerminated() throws {
        let event = try decode(firstRecord)
        for index in 0..<event.headerCount {
            assertTerminated(event, event.headerName(index))
            for valueIndex in 0..<event.headerValueCount(index) {
                assertTerminated(event, event.headerValue(index, valueIndex))
            }
        }
        assertTerminated(event, event.payloadJSON)
        assertTerminated(event, event.payloadRaw)
        assertTerminated(event, event.topic)
    }

    func testCBORPayloadNULTerminated() throws {
        let event = try decode(secondRecord)
        XCTAssertEqual(event.payloadJSONString, "[1,2]")
        assertTerminated(event, event.payloadJSON)
        assertTerminated(event, event.payloadRaw)
        XCTAssertEqual(event.bytes(event.payloadRaw), [0x82, 0x01, 0x02])
    }

    func testEmptyStrings() throws {
        let event = try decode(firstRecord)
        let name = event.headerName(1)
        let value = event.headerValue(1, 0)
        XCTAssertEqual(name.length, 0)
        XCTAssertEqual(value.length, 0)
        XCTAssertEqual(event.pointer(name).pointee, 0)
        XCTAssertEqual(event.pointer(value).pointee, 0)
        XCTAssertEqual(event.topic.length, 0)
        XCTAssertEqual(event.pointer(event.topic).pointee, 0)
    }

    func testHeaderNULBytesKept() throws {
        let event = try decode(firstRecord)
        let value = event.headerValue(2, 0)
        XCTAssertEqual(value.length, 3)
        XCTAssertEqual(event.bytes(value), [0x61, 0x00, 0x62])
        XCTAssertEqual(event.string(value), "a\0b")
    }

    func testHeaderLayout() throws {
        let event = try decode(firstRecord)
        XCTAssertEqual(event.method, .patch)
        XCTAssertEqual(event.headerCount, 3)
        XCTAssertEqual(event.headers.map(\.name), ["x-first", "", "x-nul"])
        XCTAssertEqual(event.headers.map(\.values), [["one", "two"], [""], ["a\0b"]])
    }

    // MARK: - Reuse

    func testResetEmptiesEvent() throws {
        let event = try decode(firstRecord)
        event.reset()
        XCTAssertEqual(event.headerCount, 0)
        XCTAssertEqual(event.payloadJSON.length, 0)
        XCTAssertEqual(event.payloadRaw.length, 0)
        XCTAssertEqual(event.pointer(event.payloadJSON).pointee, 0)
        XCTAssertEqual(event.partition, -1)
        XCTAssertEqual(event.offset, -1)
        XCTAssertNil(event.key)
    }

    func testResetReuse() throws {
        let event = WebhookEvent(capacity: 16)
        _ = try decode(firstRecord, timestampMs: 10, into: event)
        event.setRecord(topic: UnsafeRawBufferPointer(start: nil, count: 0), partition: 3, offset: 9, key: nil)
        _ = try decode(secondRecord, timestampMs: 20, into: event)

        XCTAssertEqual(event.method, .get)
        XCTAssertEqual(event.encoding, .cbor)
        XCTAssertEqual(event.timestampMs, 20)
        XCTAssertEqual(event.headers.map(\.name), ["x-second"])
        XCTAssertEqual(event.headers.map(\.values), [["2"]])
        XCTAssertEqual(event.payloadJSONString, "[1,2]")
        XCTAssertEqual(event.partition, -1)
        XCTAssertEqual(event.offset, -1)

        _ = try decode(firstRecord, timestampMs: 30, into: event)
        XCTAssertEqual(event.headers.map(\.name), ["x-first", "", "x-nul"])
        XCTAssertEqual(event.encoding, .json)
    }

    /// A failed decode leaves no headers of the record before it.
    func testFailedDecodeClearsHeaders() throws {
        let event = try decode(firstRecord)
        let broken = AvroWriter.envelope(headers: [("x-broken", ["1"])], payload: Array("{".utf8))
        guard case .failure = decodeRecord(value: broken, into: event) else {
            return XCTFail("expected the broken record to fail")
        }
        XCTAssertFalse(event.headers.map(\.name).contains("x-first"))
    }

    // MARK: - Copies

    func testCopyIndependent() throws {
        let event = try decode(firstRecord, timestampMs: 42)
        let topic = Array("webhooks".utf8)
        let key = Array("k\0y".utf8)
        topic.withUnsafeBytes { topicBuffer in
            key.withUnsafeBytes { keyBuffer in
                event.setRecord(topic: topicBuffer, partition: 7, offset: 1234, key: keyBuffer)
            }
        }
        let copy = event.copy()
        XCTAssertFalse(copy === event)

        _ = try decode(secondRecord, timestampMs: 99, into: event)
        event.reset()

        XCTAssertEqual(copy.method, .patch)
        XCTAssertEqual(copy.encoding, .json)
        XCTAssertEqual(copy.timestampMs, 42)
        XCTAssertEqual(copy.headers.map(\.name), ["x-first", "", "x-nul"])
        XCTAssertEqual(copy.headers.map(\.values), [["one", "two"], [""], ["a\0b"]])
        XCTAssertEqual(copy.payloadJSONString, #"{"first":[1,2,3],"text":"a longer payload than the second record has"}"#)
        XCTAssertEqual(copy.string(copy.topic), "webhooks")
        XCTAssertEqual(copy.partition, 7)
        XCTAssertEqual(copy.offset, 1234)
        XCTAssertEqual(copy.key.map { copy.bytes($0) }, key)
        assertTerminated(copy, copy.payloadJSON)
        assertTerminated(copy, copy.topic)
    }

    func testCopyHasOwnStorage() throws {
        let event = try decode(firstRecord)
        let copy = event.copy()
        XCTAssertNotEqual(UnsafeRawPointer(copy.pointer(copy.payloadJSON)), UnsafeRawPointer(event.pointer(event.payloadJSON)))
        XCTAssertEqual(copy.bytes(copy.payloadJSON), event.bytes(event.payloadJSON))
    }

    /// The copy outlives the event it came from.
    func testCopyOutlivesOriginal() throws {
        var event: WebhookEvent? = try decode(firstRecord)
        let copy = event!.copy()
        event = nil
        XCTAssertEqual(copy.headers.map(\.name), ["x-first", "", "x-nul"])
        XCTAssertEqual(copy.payloadJSONString, #"{"first":[1,2,3],"text":"a longer payload than the second record has"}"#)
    }

    // MARK: - Record coordinates

    func testKeyNullAndEmpty() throws {
        let event = try decode(firstRecord)
        event.setRecord(topic: UnsafeRawBufferPointer(start: nil, count: 0), partition: 0, offset: 0, key: nil)
        XCTAssertNil(event.key)

        let empty: [UInt8] = []
        _ = try decode(firstRecord, into: event)
        withOptionalBuffer(empty) { event.setRecord(topic: UnsafeRawBufferPointer(start: nil, count: 0), partition: 0, offset: 0, key: $0) }
        let key = try XCTUnwrap(event.key)
        XCTAssertEqual(key.length, 0)
        XCTAssertEqual(event.pointer(key).pointee, 0)
    }

    func testSetRecord() throws {
        let event = try decode(firstRecord)
        let topic = Array("orders".utf8)
        topic.withUnsafeBytes { event.setRecord(topic: $0, partition: 2, offset: 5, key: nil) }
        XCTAssertEqual(event.string(event.topic), "orders")
        XCTAssertEqual(event.partition, 2)
        XCTAssertEqual(event.offset, 5)
        assertTerminated(event, event.topic)
        XCTAssertEqual(event.headers.map(\.name), ["x-first", "", "x-nul"])
    }

    /// Growing the storage keeps spans valid, because they are offsets.
    func testStorageGrowthKeepsSpans() throws {
        let event = WebhookEvent(capacity: 1)
        let manyHeaders = (0..<200).map { ("x-header-\($0)", [String(repeating: "v", count: $0)]) }
        _ = try decode(AvroWriter.envelope(headers: manyHeaders), into: event)
        XCTAssertEqual(event.headerCount, 200)
        XCTAssertEqual(event.string(event.headerName(199)), "x-header-199")
        XCTAssertEqual(event.string(event.headerValue(150, 0)), String(repeating: "v", count: 150))
        XCTAssertEqual(event.payloadJSONString, #"{"a":1}"#)
    }
}
