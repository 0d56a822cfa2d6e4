/// Decodes Mister Webhooks Kafka records.
///
/// A record carries its format in the first header named `envelope`, one byte
/// long: 0x00-0x7F is a system record that clients skip, 0x80 means the
/// value is an Avro `KafkaMessageEnvelopeV1`, and 0x81-0xFF are formats newer
/// than this library.
///
/// `KafkaMessageEnvelopeV1` in Avro binary encoding is, in field order:
/// `method` (enum GET, HEAD, POST, PUT, DELETE, PATCH), `headers`
/// (`map<array<string>>`), `payload` (bytes) and `payload_encoding`
/// (enum JSON, CBOR).
public enum EnvelopeDecoder {
    /// The envelope byte of `KafkaMessageEnvelopeV1`.
    public static let avroEnvelopeV1: UInt8 = 0x80

    /// The version reported in the "upgrade" message of unsupported envelopes.
    public static var libraryVersion = "0.1.0"

    /// Decodes a record into `event`, which is reset first.
    ///
    /// - Parameters:
    ///   - envelope: the value of the record's first `envelope` header, nil
    ///     when there is none or its value is null.
    ///   - value: the record value, nil when null.
    /// - Returns: true for a webhook event, false for a system record.
    /// - Throws: ``DecodingError`` when the record cannot be decoded.
    public static func decode(
        envelope: UnsafeRawBufferPointer?,
        value: UnsafeRawBufferPointer?,
        timestampMs: Int64,
        into event: WebhookEvent
    ) throws -> Bool {
        event.reset()
        event.timestampMs = timestampMs

        guard let envelope else {
            throw DecodingError(.malformedMessage, "record has no envelope header (or its value is null); every Mister Webhooks record carries a one-byte envelope header")
        }
        guard envelope.count == 1 else {
            throw DecodingError(.malformedMessage, "envelope header is \(envelope.count) bytes long (\"\(UTF8Validation.escaped(envelope, limit: 16))\"); it must be exactly one byte")
        }

        let version = envelope[0]
        if version < avroEnvelopeV1 {
            return false
        }
        guard version == avroEnvelopeV1 else {
            throw DecodingError(.unsupportedEnvelope, "record has envelope version 0x\(String(version, radix: 16, uppercase: true)), which libmisterwebhooks \(libraryVersion) does not support; upgrade libmisterwebhooks to a newer version to read this topic")
        }

        guard let value, let base = value.baseAddress else {
            throw DecodingError(.envelopeDecode, value == nil
                ? "record value is null; expected an Avro KafkaMessageEnvelopeV1"
                : "record value is empty; expected an Avro KafkaMessageEnvelopeV1")
        }
        var reader = AvroReader(bytes: base.assumingMemoryBound(to: UInt8.self), count: value.count)
        try reader.readEnvelope(into: event)
        return true
    }
}
