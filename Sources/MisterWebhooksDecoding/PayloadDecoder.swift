/// Checks a webhook payload and stores it, with its JSON text, in an event.
enum PayloadDecoder {
    /// A UTF-8 byte order mark, which JSON payloads may start with.
    static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    static func decode(_ payload: UnsafePointer<UInt8>, count: Int, encoding: PayloadEncoding, into event: WebhookEvent) throws {
        if encoding == .json {
            var start = 0
            if count >= 3 && payload[0] == 0xEF && payload[1] == 0xBB && payload[2] == 0xBF {
                start = 3
            }
            try JSONValidator.validate(payload + start, count: count - start)

            event.payloadRawSpan = event.appendString(payload, count: count)
            event.payloadJSONSpan = ByteSpan(offset: event.payloadRawSpan.offset + start, length: count - start)
        } else {
            event.payloadRawSpan = event.appendString(payload, count: count)

            let jsonStart = event.storage.count
            // The JSON text is usually a little longer than the CBOR.
            event.storage.reserve(count + count / 2 + 16)
            try CBORTranscoder.transcode(payload, count: count, into: &event.storage)
            event.payloadJSONSpan = ByteSpan(offset: jsonStart, length: event.storage.count - jsonStart)
            event.storage.append(0)
        }
    }
}
