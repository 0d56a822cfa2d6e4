/// A range of bytes in a ``WebhookEvent``'s storage.
public struct ByteSpan: Sendable {
    public var offset: Int
    public var length: Int
}

/// One decoded webhook event: the HTTP request and the Kafka record it came in.
///
/// Every string lives in one buffer, NUL-terminated, so the C interface can
/// return pointers into it without copying. The consumer reuses one event for
/// every record (``reset()``), which keeps the hot path free of allocations
/// once the buffers have grown to fit the largest record.
public final class WebhookEvent {
    public internal(set) var method = HTTPMethod.get
    public internal(set) var encoding = PayloadEncoding.json
    public var timestampMs: Int64 = 0
    public private(set) var partition: Int32 = -1
    public private(set) var offset: Int64 = -1

    var storage: ByteBuffer
    var headerNames: [ByteSpan] = []
    /// Index into ``headerValues`` of each header's first value; one more
    /// element than ``headerNames`` marks the end of the last header.
    var headerValueStarts: [Int] = [0]
    var headerValues: [ByteSpan] = []
    var payloadRawSpan = ByteSpan(offset: 0, length: 0)
    var payloadJSONSpan = ByteSpan(offset: 0, length: 0)
    var topicSpan = ByteSpan(offset: 0, length: 0)
    var keySpan: ByteSpan?

    public init(capacity: Int = 4096) {
        storage = ByteBuffer(capacity: capacity)
        storage.append(0)  // the empty string at offset 0
    }

    deinit {
        storage.deallocate()
    }

    /// Empties the event for the next record and keeps its buffers.
    public func reset() {
        storage.removeAll()
        storage.append(0)
        headerNames.removeAll(keepingCapacity: true)
        headerValueStarts.removeAll(keepingCapacity: true)
        headerValueStarts.append(0)
        headerValues.removeAll(keepingCapacity: true)
        payloadRawSpan = ByteSpan(offset: 0, length: 0)
        payloadJSONSpan = ByteSpan(offset: 0, length: 0)
        topicSpan = ByteSpan(offset: 0, length: 0)
        keySpan = nil
        partition = -1
        offset = -1
    }

    /// Returns an independent copy whose storage is exactly as large as needed.
    public func copy() -> WebhookEvent {
        let copy = WebhookEvent(capacity: storage.count)
        copy.storage.removeAll()
        copy.storage.append(storage.base, count: storage.count)
        copy.method = method
        copy.encoding = encoding
        copy.timestampMs = timestampMs
        copy.partition = partition
        copy.offset = offset
        copy.headerNames = headerNames
        copy.headerValueStarts = headerValueStarts
        copy.headerValues = headerValues
        copy.payloadRawSpan = payloadRawSpan
        copy.payloadJSONSpan = payloadJSONSpan
        copy.topicSpan = topicSpan
        copy.keySpan = keySpan
        return copy
    }

    // MARK: - Building

    /// Appends `count` bytes and a NUL terminator, and returns their span.
    @inline(__always)
    func appendString(_ bytes: UnsafePointer<UInt8>, count: Int) -> ByteSpan {
        let offset = storage.count
        storage.reserve(count + 1)
        storage.append(bytes, count: count)
        storage.append(0)
        return ByteSpan(offset: offset, length: count)
    }

    /// Sets where the record came from. Called after decoding.
    public func setRecord(topic: UnsafeRawBufferPointer, partition: Int32, offset: Int64, key: UnsafeRawBufferPointer?) {
        self.partition = partition
        self.offset = offset
        if let base = topic.baseAddress, topic.count > 0 {
            topicSpan = appendString(base.assumingMemoryBound(to: UInt8.self), count: topic.count)
        }
        if let key {
            if let base = key.baseAddress, key.count > 0 {
                keySpan = appendString(base.assumingMemoryBound(to: UInt8.self), count: key.count)
            } else {
                keySpan = ByteSpan(offset: 0, length: 0)
            }
        }
    }

    // MARK: - Reading

    /// The NUL-terminated bytes of a span. Valid until the event is reset,
    /// changed or freed.
    @inline(__always)
    public func pointer(_ span: ByteSpan) -> UnsafePointer<UInt8> {
        UnsafePointer(storage.base + span.offset)
    }

    public var headerCount: Int { headerNames.count }

    public func headerName(_ index: Int) -> ByteSpan { headerNames[index] }

    public func headerValueCount(_ index: Int) -> Int {
        headerValueStarts[index + 1] - headerValueStarts[index]
    }

    public func headerValue(_ index: Int, _ valueIndex: Int) -> ByteSpan {
        headerValues[headerValueStarts[index] + valueIndex]
    }

    public var payloadJSON: ByteSpan { payloadJSONSpan }
    public var payloadRaw: ByteSpan { payloadRawSpan }
    public var topic: ByteSpan { topicSpan }
    public var key: ByteSpan? { keySpan }

    /// Returns the text of a span as a String (invalid UTF-8 is repaired).
    public func string(_ span: ByteSpan) -> String {
        String(decoding: UnsafeBufferPointer(start: pointer(span), count: span.length), as: UTF8.self)
    }

    /// Returns the bytes of a span.
    public func bytes(_ span: ByteSpan) -> [UInt8] {
        Array(UnsafeBufferPointer(start: pointer(span), count: span.length))
    }

    /// The header entries in wire order, as Strings.
    public var headers: [(name: String, values: [String])] {
        (0..<headerCount).map { index in
            (string(headerName(index)), (0..<headerValueCount(index)).map { string(headerValue(index, $0)) })
        }
    }

    /// Appends the header entries as a JSON array of `[name, [values...]]`
    /// pairs in wire order. Header text is valid UTF-8, so nothing is lost.
    public func appendHeadersJSON(to output: inout ByteBuffer) {
        output.append(UInt8(ascii: "["))
        for index in 0..<headerCount {
            if index > 0 {
                output.append(UInt8(ascii: ","))
            }
            output.append("[\"")
            let name = headerName(index)
            JSONEscaping.appendEscaped(pointer(name), count: name.length, to: &output)
            output.append("\",[")
            for valueIndex in 0..<headerValueCount(index) {
                output.append(valueIndex == 0 ? "\"" : ",\"")
                let value = headerValue(index, valueIndex)
                JSONEscaping.appendEscaped(pointer(value), count: value.length, to: &output)
                output.append(UInt8(ascii: "\""))
            }
            output.append("]]")
        }
        output.append(UInt8(ascii: "]"))
    }

    /// The payload as JSON text.
    public var payloadJSONString: String { string(payloadJSONSpan) }
}
