import MisterWebhooksDecoding

#if canImport(Glibc)
import Glibc
#endif

/// A Mister Webhooks connection profile: the consumer name, SASL credentials
/// and Kafka bootstrap servers issued to a customer as a JSON file.
public struct ConnectionProfile: Sendable, CustomStringConvertible {
    /// The security protocols librdkafka accepts, as `security.protocol`.
    public static let securityProtocols = ["SASL_SSL", "SASL_PLAINTEXT", "SSL", "PLAINTEXT"]

    /// The consumer name, also the Kafka consumer group and SASL user name.
    public var consumerName: String
    /// The SASL mechanism, "plain"; nil without `auth`.
    public var authMechanism: String?
    /// The SASL secret; nil without `auth`. Never printed.
    public var authSecret: String?
    /// The bootstrap servers, comma-separated.
    public var kafkaBootstrap: String
    /// One of ``securityProtocols``.
    public var securityProtocol: String
    /// A PEM file of CA certificates, or nil to trust only the built-in
    /// Mister Webhooks broker CA.
    public var sslCALocation: String?

    public init(consumerName: String, authMechanism: String?, authSecret: String?, kafkaBootstrap: String,
                securityProtocol: String = "SASL_SSL", sslCALocation: String? = nil) {
        self.consumerName = consumerName
        self.authMechanism = authMechanism
        self.authSecret = authSecret
        self.kafkaBootstrap = kafkaBootstrap
        self.securityProtocol = securityProtocol
        self.sslCALocation = sslCALocation
    }

    /// Whether connections use TLS.
    public var usesTLS: Bool { securityProtocol.hasSuffix("SSL") }

    /// Whether connections authenticate with SASL.
    public var usesSASL: Bool { securityProtocol.hasPrefix("SASL_") }

    public var description: String {
        "ConnectionProfile(consumer_name: \(consumerName), kafka: \(kafkaBootstrap), security_protocol: \(securityProtocol), secret: \(authSecret == nil ? "none" : "hidden"))"
    }

    /// Sets the librdkafka properties that connect to the profile's brokers.
    func apply(to configuration: KafkaConfiguration) throws {
        try configuration.set("bootstrap.servers", kafkaBootstrap)
        try configuration.set("client.id", "libmisterwebhooks-\(WebhookConsumer.version)")
        try configuration.set("client.software.name", "libmisterwebhooks")
        try configuration.set("client.software.version", WebhookConsumer.version)
        try configuration.set("security.protocol", securityProtocol.lowercased())

        if usesSASL {
            try configuration.set("sasl.mechanisms", "PLAIN")
            try configuration.set("sasl.username", consumerName)
            try configuration.set("sasl.password", authSecret ?? "")
        }
        if usesTLS {
            if let sslCALocation {
                try configuration.set("ssl.ca.location", sslCALocation)
            } else {
                // A CA set in memory keeps librdkafka from loading the
                // system's CA store.
                try configuration.set("ssl.ca.pem", BrokerCA.pem)
            }
        }
    }

    // MARK: - Loading

    /// Loads a profile from a JSON file.
    /// - Throws: ``MisterWebhooksError`` with code `.io` or `.profile`.
    public static func load(path: String) throws -> ConnectionProfile {
        let bytes = try readFile(path: path)
        return try parse(bytes, source: "connection profile \(path)")
    }

    /// Parses a profile from JSON text. `source` names it in error messages.
    /// - Throws: ``MisterWebhooksError`` with code `.profile`.
    public static func parse(_ bytes: [UInt8], source: String = "connection profile") throws -> ConnectionProfile {
        guard bytes.contains(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) else {
            throw MisterWebhooksError(.profile, "\(source) is empty; it must be the JSON connection profile Mister Webhooks gave you")
        }
        let document: JSONValue
        do {
            document = try JSONValue.parse(bytes)
        } catch let error as DecodingError {
            let reason = error.message.replacingPrefix("invalid JSON payload", with: "invalid JSON")
            throw MisterWebhooksError(.profile, "\(source) is not valid JSON: \(reason)")
        }
        return try ProfileParser(source: source).profile(from: document)
    }

    static func readFile(path: String) throws -> [UInt8] {
        guard let file = fopen(path, "rb") else {
            let reason = String(cString: strerror(errno))
            throw MisterWebhooksError(.io, "cannot open connection profile \(path): \(reason); check the profile path")
        }
        defer { fclose(file) }

        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let read = fread(&chunk, 1, chunk.count, file)
            bytes.append(contentsOf: chunk[0..<read])
            if read < chunk.count {
                if ferror(file) != 0 {
                    throw MisterWebhooksError(.io, "cannot read connection profile \(path): \(String(cString: strerror(errno)))")
                }
                return bytes
            }
            if bytes.count > 1 << 20 {
                throw MisterWebhooksError(.profile, "connection profile \(path) is larger than 1 MiB; is it the right file?")
            }
        }
    }
}

/// Checks each field of a profile document, naming the field in errors.
private struct ProfileParser {
    let source: String

    func failure(_ field: String, _ reason: String) -> MisterWebhooksError {
        MisterWebhooksError(.profile, "\(source): field \"\(field)\" \(reason)")
    }

    func string(_ value: JSONValue?, field: String, required: Bool) throws -> String? {
        guard let value else {
            if required {
                throw failure(field, "is missing")
            }
            return nil
        }
        guard case let .string(text) = value else {
            throw failure(field, "must be a string, found \(value.typeName)")
        }
        guard !text.isEmpty else {
            throw failure(field, "is empty")
        }
        return text
    }

    func object(_ value: JSONValue?, field: String) throws -> JSONValue? {
        guard let value else { return nil }
        guard case .object = value else {
            throw failure(field, "must be an object, found \(value.typeName)")
        }
        return value
    }

    func profile(from document: JSONValue) throws -> ConnectionProfile {
        guard case .object = document else {
            throw MisterWebhooksError(.profile, "\(source): expected a JSON object, found \(document.typeName)")
        }
        let consumerName = try string(document["consumer_name"], field: "consumer_name", required: true)!

        guard let kafka = try object(document["kafka"], field: "kafka") else {
            throw failure("kafka", "is missing; it must hold \"bootstrap\" or \"servers\"")
        }
        let bootstrap = try servers(in: kafka)
        let securityProtocol = try self.securityProtocol(in: kafka)
        let caLocation = try string(kafka["ssl_ca_location"], field: "kafka.ssl_ca_location", required: false)

        var mechanism: String?
        var secret: String?
        if let auth = try object(document["auth"], field: "auth") {
            mechanism = try string(auth["mechanism"], field: "auth.mechanism", required: true)
            guard mechanism!.lowercased() == "plain" else {
                throw failure("auth.mechanism", "is \"\(mechanism!)\"; the only supported mechanism is \"plain\"")
            }
            mechanism = "plain"
            secret = try string(auth["secret"], field: "auth.secret", required: true)
        } else if securityProtocol.hasPrefix("SASL_") {
            throw failure("auth", "is missing; it is required with security protocol \(securityProtocol)")
        }

        return ConnectionProfile(consumerName: consumerName, authMechanism: mechanism, authSecret: secret,
                                 kafkaBootstrap: bootstrap, securityProtocol: securityProtocol, sslCALocation: caLocation)
    }

    /// Returns `kafka.bootstrap` and the entries of `kafka.servers`, comma-separated.
    func servers(in kafka: JSONValue) throws -> String {
        var servers: [String] = []
        if let bootstrap = try string(kafka["bootstrap"], field: "kafka.bootstrap", required: false) {
            servers.append(contentsOf: bootstrap.split(separator: ",").map { String($0).trimmingSpaces() })
        }
        if let list = kafka["servers"] {
            guard case let .array(entries) = list else {
                throw failure("kafka.servers", "must be an array of \"host:port\" strings, found \(list.typeName)")
            }
            for (index, entry) in entries.enumerated() {
                let server = try string(entry, field: "kafka.servers[\(index)]", required: true)!
                if !servers.contains(server) {
                    servers.append(server)
                }
            }
        }
        guard !servers.isEmpty else {
            throw failure("kafka.bootstrap", "is missing; set \"kafka.bootstrap\" to \"host:port\" or \"kafka.servers\" to a list of them")
        }
        for server in servers where !server.contains(":") {
            throw failure("kafka.bootstrap", "entry \"\(server)\" has no port; expected \"host:port\"")
        }
        return servers.joined(separator: ",")
    }

    func securityProtocol(in kafka: JSONValue) throws -> String {
        guard let name = try string(kafka["security_protocol"], field: "kafka.security_protocol", required: false) else {
            return "SASL_SSL"
        }
        guard let known = ConnectionProfile.securityProtocols.first(where: { $0 == name.uppercased() }) else {
            throw failure("kafka.security_protocol", "is \"\(name)\"; expected one of \(ConnectionProfile.securityProtocols.joined(separator: ", "))")
        }
        return known
    }
}

extension String {
    func replacingPrefix(_ prefix: String, with replacement: String) -> String {
        hasPrefix(prefix) ? replacement + dropFirst(prefix.count) : self
    }

    func trimmingSpaces() -> String {
        String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
