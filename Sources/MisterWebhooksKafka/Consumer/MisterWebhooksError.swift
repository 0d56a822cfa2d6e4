import MisterWebhooksDecoding

/// An error of the library: a status code, a one-line message and, for errors
/// about one Kafka record, the record's coordinates.
public struct MisterWebhooksError: Error, CustomStringConvertible, Sendable {
    /// The status codes of the C interface (`mw_status`).
    public struct Code: RawRepresentable, Hashable, Sendable {
        public var rawValue: Int32

        public init(rawValue: Int32) {
            self.rawValue = rawValue
        }

        public static let invalidArgument = Code(rawValue: 1)
        public static let io = Code(rawValue: 2)
        public static let profile = Code(rawValue: 3)
        public static let kafka = Code(rawValue: 4)
        public static let authentication = Code(rawValue: 5)
        public static let malformedMessage = Code(rawValue: 10)
        public static let unsupportedEnvelope = Code(rawValue: 11)
        public static let envelopeDecode = Code(rawValue: 12)
        public static let payloadDecode = Code(rawValue: 13)
        public static let handler = Code(rawValue: 20)
    }

    /// The coordinates of the record a record-level error is about.
    public struct RecordCoordinates: Sendable {
        public var topic: String
        public var partition: Int32
        public var offset: Int64

        public init(topic: String, partition: Int32, offset: Int64) {
            self.topic = topic
            self.partition = partition
            self.offset = offset
        }
    }

    public var code: Code
    public var message: String
    public var record: RecordCoordinates?

    public init(_ code: Code, _ message: String, record: RecordCoordinates? = nil) {
        self.code = code
        self.message = message
        self.record = record
    }

    /// Wraps a decoding error, with the record's coordinates when known.
    public init(_ error: DecodingError, record: RecordCoordinates? = nil) {
        self.init(Code(rawValue: error.kind.rawValue), error.message, record: record)
    }

    public var description: String {
        guard let record else { return message }
        return "\(message) (topic \(record.topic), partition \(record.partition), offset \(record.offset))"
    }
}
