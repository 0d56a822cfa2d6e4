import CRdKafka
import MisterWebhooksDecoding

#if canImport(Glibc)
import Glibc
#endif

/// Decodes librdkafka messages with ``EnvelopeDecoder``.
enum RecordReader {
    private static let envelopeHeader: StaticString = "envelope"

    /// Decodes `message` into `event` and sets its coordinates; returns false
    /// for a system record.
    @inline(__always)
    static func decode(_ message: UnsafeMutablePointer<rd_kafka_message_t>, into event: WebhookEvent) throws -> Bool {
        let record = message.pointee
        var timestampType = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let timestamp = rd_kafka_message_timestamp(message, &timestampType)
        let value = record.payload.map { UnsafeRawBufferPointer(start: $0, count: record.len) }

        let isEvent = try EnvelopeDecoder.decode(envelope: envelope(of: message), value: value,
                                                 timestampMs: timestamp, into: event)
        guard isEvent else { return false }

        var topic = UnsafeRawBufferPointer(start: nil, count: 0)
        if let handle = record.rkt, let name = rd_kafka_topic_name(handle) {
            topic = UnsafeRawBufferPointer(start: name, count: strlen(name))
        }
        let key = record.key.map { UnsafeRawBufferPointer(start: $0, count: record.key_len) }
        event.setRecord(topic: topic, partition: record.partition, offset: record.offset, key: key)
        return true
    }

    /// Returns the value of the first `envelope` header, nil when there is
    /// none or its value is null.
    @inline(__always)
    static func envelope(of message: UnsafeMutablePointer<rd_kafka_message_t>) -> UnsafeRawBufferPointer? {
        var headers: OpaquePointer?
        guard rd_kafka_message_headers(message, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR, let headers else {
            return nil
        }
        var value: UnsafeRawPointer?
        var size = 0
        let name = UnsafeRawPointer(envelopeHeader.utf8Start).assumingMemoryBound(to: CChar.self)
        guard rd_kafka_header_get(headers, 0, name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR, let value else {
            return nil
        }
        return UnsafeRawBufferPointer(start: value, count: size)
    }
}
