/// The HTTP method of a webhook request, numbered as the symbols of the Avro
/// enum in `KafkaMessageEnvelopeV1`.
public struct HTTPMethod: RawRepresentable, Hashable, Sendable {
    public var rawValue: Int32

    public init(rawValue: Int32) {
        self.rawValue = rawValue
    }

    public static let get = HTTPMethod(rawValue: 0)
    public static let head = HTTPMethod(rawValue: 1)
    public static let post = HTTPMethod(rawValue: 2)
    public static let put = HTTPMethod(rawValue: 3)
    public static let delete = HTTPMethod(rawValue: 4)
    public static let patch = HTTPMethod(rawValue: 5)

    /// The Avro symbols, indexed by ``rawValue``.
    public static let names: [StaticString] = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"]

    /// The Avro symbol, such as "POST", or nil for an out-of-range value.
    public var name: String? {
        guard rawValue >= 0 && Int(rawValue) < HTTPMethod.names.count else { return nil }
        return HTTPMethod.names[Int(rawValue)].description
    }
}

/// The encoding a webhook payload was received in, numbered as the symbols of
/// the Avro enum in `KafkaMessageEnvelopeV1`.
public struct PayloadEncoding: RawRepresentable, Hashable, Sendable {
    public var rawValue: Int32

    public init(rawValue: Int32) {
        self.rawValue = rawValue
    }

    public static let json = PayloadEncoding(rawValue: 0)
    public static let cbor = PayloadEncoding(rawValue: 1)

    /// The Avro symbols, indexed by ``rawValue``.
    public static let names: [StaticString] = ["JSON", "CBOR"]

    /// The Avro symbol, "JSON" or "CBOR", or nil for an out-of-range value.
    public var name: String? {
        guard rawValue >= 0 && Int(rawValue) < PayloadEncoding.names.count else { return nil }
        return PayloadEncoding.names[Int(rawValue)].description
    }
}
