/// Encodes webhook events as Mister Webhooks records, for tools and tests
/// that publish them: the Avro `KafkaMessageEnvelopeV1` value, whose header
/// `envelope` is ``EnvelopeDecoder/avroEnvelopeV1``.
public enum EnvelopeEncoder {
    /// Returns the Avro encoding of an envelope.
    public static func encode(
        method: HTTPMethod,
        headers: [(name: String, values: [String])],
        payload: [UInt8],
        encoding: PayloadEncoding
    ) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(payload.count + 256)
        appendLong(Int64(method.rawValue), to: &output)

        if !headers.isEmpty {
            appendLong(Int64(headers.count), to: &output)
            for header in headers {
                appendBytes(Array(header.name.utf8), to: &output)
                if !header.values.isEmpty {
                    appendLong(Int64(header.values.count), to: &output)
                    for value in header.values {
                        appendBytes(Array(value.utf8), to: &output)
                    }
                }
                appendLong(0, to: &output)
            }
        }
        appendLong(0, to: &output)

        appendBytes(payload, to: &output)
        appendLong(Int64(encoding.rawValue), to: &output)
        return output
    }

    /// Appends a zig-zag varint `long`.
    public static func appendLong(_ value: Int64, to output: inout [UInt8]) {
        var zigzag = UInt64(bitPattern: (value << 1) ^ (value >> 63))
        while zigzag >= 0x80 {
            output.append(UInt8(zigzag & 0x7F) | 0x80)
            zigzag >>= 7
        }
        output.append(UInt8(zigzag))
    }

    /// Appends `bytes` or `string`: a length, then the bytes.
    public static func appendBytes(_ bytes: [UInt8], to output: inout [UInt8]) {
        appendLong(Int64(bytes.count), to: &output)
        output.append(contentsOf: bytes)
    }
}

/// Encodes JSON values as CBOR (RFC 8949), for publishing CBOR payloads.
public enum CBOREncoder {
    /// Returns the CBOR encoding of `value`. Integers that fit 64 bits become
    /// CBOR integers, and every other number a double.
    public static func encode(_ value: JSONValue) -> [UInt8] {
        var output: [UInt8] = []
        append(value, to: &output)
        return output
    }

    static func appendHead(_ major: UInt8, _ argument: UInt64, to output: inout [UInt8]) {
        let prefix = major << 5
        switch argument {
        case 0..<24:
            output.append(prefix | UInt8(argument))
        case 24...0xFF:
            output.append(contentsOf: [prefix | 24, UInt8(argument)])
        case 0x100...0xFFFF:
            output.append(prefix | 25)
            output.append(contentsOf: (0..<2).reversed().map { UInt8(truncatingIfNeeded: argument >> ($0 * 8)) })
        case 0x10000...0xFFFF_FFFF:
            output.append(prefix | 26)
            output.append(contentsOf: (0..<4).reversed().map { UInt8(truncatingIfNeeded: argument >> ($0 * 8)) })
        default:
            output.append(prefix | 27)
            output.append(contentsOf: (0..<8).reversed().map { UInt8(truncatingIfNeeded: argument >> ($0 * 8)) })
        }
    }

    static func append(_ value: JSONValue, to output: inout [UInt8]) {
        switch value {
        case .null:
            output.append(0xF6)
        case .bool(let flag):
            output.append(flag ? 0xF5 : 0xF4)
        case .string(let text):
            let bytes = Array(text.utf8)
            appendHead(3, UInt64(bytes.count), to: &output)
            output.append(contentsOf: bytes)
        case .array(let elements):
            appendHead(4, UInt64(elements.count), to: &output)
            elements.forEach { append($0, to: &output) }
        case .object(let members):
            appendHead(5, UInt64(members.count), to: &output)
            for (name, member) in members {
                append(.string(name), to: &output)
                append(member, to: &output)
            }
        case .number(let text):
            appendNumber(text, to: &output)
        }
    }

    static func appendNumber(_ text: String, to output: inout [UInt8]) {
        if let unsigned = UInt64(text) {
            appendHead(0, unsigned, to: &output)
        } else if text.hasPrefix("-"), let magnitude = UInt64(text.dropFirst()), magnitude > 0 {
            appendHead(1, magnitude - 1, to: &output)
        } else {
            let value = Double(text) ?? .nan
            output.append(0xFB)
            let bits = value.bitPattern
            output.append(contentsOf: (0..<8).reversed().map { UInt8(truncatingIfNeeded: bits >> ($0 * 8)) })
        }
    }
}
