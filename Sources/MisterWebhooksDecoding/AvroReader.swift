/// A reader of Avro binary encoding, strict about lengths: a length or count
/// is checked against the bytes left before anything is read or allocated.
struct AvroReader {
    let bytes: UnsafePointer<UInt8>
    let count: Int
    var index = 0

    init(bytes: UnsafePointer<UInt8>, count: Int) {
        self.bytes = bytes
        self.count = count
    }

    /// Reads a `KafkaMessageEnvelopeV1` that fills the whole input.
    mutating func readEnvelope(into event: WebhookEvent) throws {
        let method = try readEnum(field: "method", symbolCount: HTTPMethod.names.count)
        try readHeaders(into: event)
        let payload = try readLength(of: "payload")
        let payloadStart = index
        index += payload
        let encoding = try readEnum(field: "payload_encoding", symbolCount: PayloadEncoding.names.count)
        guard index == count else {
            throw failure("\(count - index) bytes after the end of the envelope record")
        }

        event.method = HTTPMethod(rawValue: Int32(method))
        event.encoding = PayloadEncoding(rawValue: Int32(encoding))
        try PayloadDecoder.decode(bytes + payloadStart, count: payload, encoding: event.encoding, into: event)
    }

    /// Reads the `headers` field, a `map<array<string>>`.
    mutating func readHeaders(into event: WebhookEvent) throws {
        while true {
            let entries = try readBlockCount(of: "headers map")
            if entries == 0 {
                return
            }
            for _ in 0..<entries {
                let name = try readString(field: "header name")
                event.headerNames.append(event.appendString(bytes + name.offset, count: name.length))
                try readHeaderValues(into: event)
            }
        }
    }

    mutating func readHeaderValues(into event: WebhookEvent) throws {
        while true {
            let values = try readBlockCount(of: "header values array")
            if values == 0 {
                event.headerValueStarts.append(event.headerValues.count)
                return
            }
            for _ in 0..<values {
                let value = try readString(field: "header value")
                event.headerValues.append(event.appendString(bytes + value.offset, count: value.length))
            }
        }
    }

    // MARK: - Primitives

    /// Reads a zig-zag varint `long` (at most ten bytes).
    @inline(__always)
    mutating func readLong(field: StaticString, _ part: StaticString = "") throws -> Int64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        let start = index
        while true {
            guard index < count else {
                index = start
                throw failure("input ends inside the varint of \(field)\(part)")
            }
            let byte = bytes[index]
            index += 1
            // The tenth byte may carry only the top bit of a 64-bit value.
            guard shift < 63 || byte <= 1 else {
                index = start
                throw failure("varint of \(field)\(part) is longer than 64 bits")
            }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 {
                break
            }
            shift += 7
        }
        return Int64(bitPattern: (result >> 1) ^ (0 &- (result & 1)))
    }

    mutating func readEnum(field: StaticString, symbolCount: Int) throws -> Int {
        let start = index
        let symbol = try readLong(field: field)
        guard symbol >= 0 && symbol < symbolCount else {
            index = start
            throw failure("\(field) enum index \(symbol) is out of range 0...\(symbolCount - 1)")
        }
        return Int(symbol)
    }

    /// Reads the length of a `bytes` or `string` value and checks it against
    /// the bytes left.
    @inline(__always)
    mutating func readLength(of field: StaticString) throws -> Int {
        let start = index
        let length = try readLong(field: field, " length")
        guard length >= 0 else {
            index = start
            throw failure("\(field) length \(length) is negative")
        }
        guard length <= Int64(count - index) else {
            index = start
            throw failure("\(field) length \(length) is longer than the \(count - index) bytes left")
        }
        return Int(length)
    }

    /// Reads a `string` and checks that it is valid UTF-8.
    @inline(__always)
    mutating func readString(field: StaticString) throws -> ByteSpan {
        let length = try readLength(of: field)
        let start = index
        if let invalid = UTF8Validation.firstInvalidOffset(bytes + start, count: length) {
            let text = UTF8Validation.escaped(UnsafeRawBufferPointer(start: bytes + start, count: length))
            index = start + invalid
            throw failure("\(field) \"\(text)\" is not valid UTF-8")
        }
        index += length
        return ByteSpan(offset: start, length: length)
    }

    /// Reads the item count of a map or array block. A negative count is
    /// followed by the block's size in bytes, which is read and ignored.
    mutating func readBlockCount(of field: StaticString) throws -> Int {
        let start = index
        var items = try readLong(field: field, " block count")
        if items < 0 {
            guard items != Int64.min else {
                index = start
                throw failure("\(field) block count \(items) is out of range")
            }
            items = -items
            _ = try readLong(field: field, " block size")
        }
        // Every item takes at least one byte.
        guard items <= Int64(count - index) else {
            index = start
            throw failure("\(field) block of \(items) items is longer than the \(count - index) bytes left")
        }
        return Int(items)
    }

    func failure(_ reason: String) -> DecodingError {
        DecodingError(.envelopeDecode, "invalid Avro KafkaMessageEnvelopeV1 at byte \(index): \(reason)")
    }
}
