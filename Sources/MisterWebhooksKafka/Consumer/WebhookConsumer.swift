import CRdKafka
import MisterWebhooksDecoding
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A Kafka consumer of one Mister Webhooks topic, in the consumer group named
/// by its connection profile, with at-least-once offset bookkeeping: an
/// event's offset is stored only after the handler accepted it.
public final class WebhookConsumer {
    /// The library's version, sent to brokers in the client identification.
    public static let version = "0.1.0"

    public let topic: String
    public let profile: ConnectionProfile
    let configuration = KafkaConfiguration()

    /// See `mw.broker.timeout.ms` in the C header.
    public private(set) var brokerTimeoutMs = 30_000
    /// See `mw.commit.timeout.ms` in the C header.
    public private(set) var commitTimeoutMs = 10_000
    /// See `mw.poll.interval.ms` in the C header.
    public private(set) var pollIntervalMs = 100

    let stopRequested = Atomic<Bool>(false)
    let running = Atomic<Bool>(false)

    /// Creates a consumer; nothing connects before ``run(_:)``.
    /// - Throws: ``MisterWebhooksError`` when the topic is empty or
    ///   librdkafka rejects the profile's settings.
    public init(topic: String, profile: ConnectionProfile) throws {
        guard !topic.isEmpty else {
            throw MisterWebhooksError(.invalidArgument, "topic is empty; pass the topic name Mister Webhooks gave you")
        }
        // Kafka's rule for topic names; brokers reject others, and librdkafka
        // would retry them without reporting an error.
        let legal = topic.utf8.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
        guard legal, topic.utf8.count <= 249, topic != ".", topic != ".." else {
            throw MisterWebhooksError(.invalidArgument, "invalid topic name \"\(topic)\": Kafka topic names are 1 to 249 characters of a-z, A-Z, 0-9, '.', '_' and '-'; pass the topic name Mister Webhooks gave you")
        }
        if let caLocation = profile.sslCALocation, profile.usesTLS, access(caLocation, R_OK) != 0 {
            let reason = String(cString: strerror(errno))
            throw MisterWebhooksError(.kafka, "cannot read the CA file \(caLocation) named by kafka.ssl_ca_location: \(reason)")
        }
        self.topic = topic
        self.profile = profile
        try configure()
    }

    private func configure() throws {
        try profile.apply(to: configuration)
        try configuration.set("group.id", profile.consumerName)

        // Offsets are stored by hand after the handler accepts an event and
        // committed in the background, before a rebalance and at stop.
        try configuration.set("enable.auto.commit", "true")
        try configuration.set("enable.auto.offset.store", "false")
        try configuration.set("auto.offset.reset", "earliest")
        // allow.auto.create.topics is left at its consumer default, false:
        // setting it explicitly makes librdkafka warn on every metadata
        // request to brokers older than 0.11, the mock cluster among them.
        // Bound the prefetch queue, so memory stays bounded whatever the
        // backlog. librdkafka before 2.2 stops fetching for a fixed 1 s each
        // time the queue is full, so a smaller queue means more idle seconds
        // while a backlog is read. In bench/consume, a 16 MiB queue reached
        // about 0.06 of a plain librdkafka loop, and 64 MiB about 0.3.
        try configuration.set("queued.max.messages.kbytes", "65536")
        try configuration.set("fetch.max.bytes", "8388608")
    }

    /// Sets a librdkafka property, or one of the library's `mw.` options.
    /// - Throws: ``MisterWebhooksError`` for an unknown key or invalid value.
    public func setOption(_ key: String, _ value: String) throws {
        guard !running.load(ordering: .acquiring) else {
            throw MisterWebhooksError(.invalidArgument, "cannot set option \"\(key)\" while the consumer runs; set options before mw_consumer_run")
        }
        guard key.hasPrefix("mw.") else {
            try configuration.set(key, value)
            return
        }

        guard let milliseconds = Int(value), milliseconds > 0, milliseconds <= Int(Int32.max) else {
            throw MisterWebhooksError(.invalidArgument, "option \"\(key)\" must be a positive number of milliseconds, got \"\(value)\"")
        }
        switch key {
        case "mw.broker.timeout.ms": brokerTimeoutMs = milliseconds
        case "mw.commit.timeout.ms": commitTimeoutMs = milliseconds
        case "mw.poll.interval.ms": pollIntervalMs = milliseconds
        default:
            throw MisterWebhooksError(.invalidArgument, "unknown option \"\(key)\"; the library's options are mw.broker.timeout.ms, mw.commit.timeout.ms and mw.poll.interval.ms")
        }
    }

    /// Whether ``run(_:)`` is running on some thread.
    public var isRunning: Bool {
        running.load(ordering: .acquiring)
    }

    /// Asks ``run(_:)`` to return. One atomic store, safe in a signal handler.
    public func stop() {
        stopRequested.store(true, ordering: .releasing)
    }

    /// Consumes the topic, calling `handler` for each webhook event, until
    /// ``stop()``, a handler result other than 0, an undecodable record or a
    /// Kafka failure that does not heal.
    ///
    /// The event passed to `handler` is reused for the next record.
    /// - Throws: ``MisterWebhooksError``.
    public func run(_ handler: (WebhookEvent) -> Int32) throws {
        guard !running.exchange(true, ordering: .acquiringAndReleasing) else {
            throw MisterWebhooksError(.invalidArgument, "the consumer is already running on another thread; a consumer runs on one thread at a time")
        }
        defer {
            stopRequested.store(false, ordering: .releasing)
            running.store(false, ordering: .releasing)
        }
        if stopRequested.load(ordering: .acquiring) {
            Log.info("consumer \(profile.consumerName): stop requested before the run started")
            return
        }

        let session = try ConsumerSession(consumer: self)
        try session.run(handler)
    }
}
