@testable import MisterWebhooksDecoding
import XCTest

/// Writes Avro binary encoding by hand, so tests can build valid and broken
/// `KafkaMessageEnvelopeV1` records byte by byte.
enum AvroWriter {
    /// Encodes a `long` as a zig-zag varint.
    static func long(_ value: Int64) -> [UInt8] {
        var zigzag = UInt64(bitPattern: (value << 1) ^ (value >> 63))
        var bytes: [UInt8] = []
        while zigzag >= 0x80 {
            bytes.append(UInt8(zigzag & 0x7F) | 0x80)
            zigzag >>= 7
        }
        bytes.append(UInt8(zigzag))
        return bytes
    }

    /// Encodes a `bytes` value: its length, then the bytes.
    static func bytes(_ value: [UInt8]) -> [UInt8] {
        long(Int64(value.count)) + value
    }

    /// Encodes a `string` value.
    static func string(_ value: String) -> [UInt8] {
        bytes(Array(value.utf8))
    }

    /// Encodes one header entry: the name, then its values as an array in one block.
    static func header(_ name: [UInt8], _ values: [[UInt8]]) -> [UInt8] {
        var entry = bytes(name)
        if !values.isEmpty {
            entry += long(Int64(values.count))
            for value in values {
                entry += bytes(value)
            }
        }
        return entry + long(0)
    }

    /// Encodes the `headers` map in one block.
    static func headers(_ entries: [(String, [String])]) -> [UInt8] {
        var map: [UInt8] = []
        if !entries.isEmpty {
            map += long(Int64(entries.count))
            for (name, values) in entries {
                map += header(Array(name.utf8), values.map { Array($0.utf8) })
            }
        }
        return map + long(0)
    }

    /// Encodes a whole `KafkaMessageEnvelopeV1` record.
    static func envelope(
        method: Int64 = 2,
        headers: [(String, [String])] = [("content-type", ["application/json"])],
        payload: [UInt8] = Array(#"{"a":1}"#.utf8),
        encoding: Int64 = 0
    ) -> [UInt8] {
        long(method) + self.headers(headers) + bytes(payload) + long(encoding)
    }

    /// Encodes a record around an already encoded `headers` field.
    static func envelope(method: Int64 = 2, rawHeaders: [UInt8], payload: [UInt8] = Array("{}".utf8), encoding: Int64 = 0) -> [UInt8] {
        long(method) + rawHeaders + bytes(payload) + long(encoding)
    }
}

/// Decodes a record into a new event: the event, nil for a system record, or
/// the error.
func decodeRecord(envelope: [UInt8]? = [0x80], value: [UInt8]?, timestampMs: Int64 = 1_733_300_000_000) -> Result<WebhookEvent?, DecodingError> {
    decodeRecord(envelope: envelope, value: value, timestampMs: timestampMs, into: WebhookEvent())
}

/// Decodes a record into `event`: the event, nil for a system record, or the
/// error.
func decodeRecord(envelope: [UInt8]? = [0x80], value: [UInt8]?, timestampMs: Int64 = 1_733_300_000_000, into event: WebhookEvent) -> Result<WebhookEvent?, DecodingError> {
    do {
        let isEvent = try withOptionalBuffer(envelope) { envelopeBuffer in
            try withOptionalBuffer(value) { valueBuffer in
                try EnvelopeDecoder.decode(envelope: envelopeBuffer, value: valueBuffer, timestampMs: timestampMs, into: event)
            }
        }
        return .success(isEvent ? event : nil)
    } catch let error as DecodingError {
        return .failure(error)
    } catch {
        XCTFail("EnvelopeDecoder threw \(type(of: error)), not DecodingError: \(error)")
        return .failure(DecodingError(.malformedMessage, "unexpected error type \(type(of: error)): \(error)"))
    }
}
