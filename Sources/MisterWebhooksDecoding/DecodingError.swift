/// An error that makes a Kafka record undecodable.
public struct DecodingError: Error, CustomStringConvertible, Sendable {
    /// The stage of decoding that failed.
    public enum Kind: Int32, Sendable {
        /// The first `envelope` header is missing, null or not one byte long.
        case malformedMessage = 10
        /// The envelope is 0x81-0xFF, a format newer than this library.
        case unsupportedEnvelope = 11
        /// The record value is not a valid Avro `KafkaMessageEnvelopeV1`.
        case envelopeDecode = 12
        /// The payload is not valid JSON or CBOR.
        case payloadDecode = 13
    }

    /// The stage that failed.
    public var kind: Kind
    /// One line of valid UTF-8 naming the value at fault.
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
