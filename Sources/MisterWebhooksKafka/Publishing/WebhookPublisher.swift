import CRdKafka
import MisterWebhooksDecoding

/// A Kafka producer that publishes records in the Mister Webhooks format,
/// for the development broker, the `publish` command, tests and benchmarks.
/// Mister Webhooks itself publishes the records customers consume.
public final class WebhookPublisher {
    private let client: OpaquePointer
    private let deliveries = DeliveryReports()

    /// Creates a producer for the brokers of `profile`.
    public convenience init(profile: ConnectionProfile) throws {
        let configuration = KafkaConfiguration()
        try profile.apply(to: configuration)
        try self.init(configuration: configuration)
    }

    /// Creates a producer from librdkafka properties.
    public convenience init(properties: [(String, String)]) throws {
        let configuration = KafkaConfiguration()
        for (key, value) in properties {
            try configuration.set(key, value)
        }
        try self.init(configuration: configuration)
    }

    private init(configuration: KafkaConfiguration) throws {
        try configuration.set("linger.ms", "5")
        let handle = configuration.duplicate()
        rd_kafka_conf_set_opaque(handle, Unmanaged.passUnretained(deliveries).toOpaque())
        rd_kafka_conf_set_dr_msg_cb(handle, publisherDeliveryCallback)
        var reason = [CChar](repeating: 0, count: 512)
        guard let client = rd_kafka_new(RD_KAFKA_PRODUCER, handle, &reason, reason.count) else {
            rd_kafka_conf_destroy(handle)
            throw MisterWebhooksError(.kafka, "cannot create the Kafka producer: \(String(cString: reason))")
        }
        self.client = client
        rd_kafka_set_log_level(client, 3)
    }

    deinit {
        rd_kafka_flush(client, 10_000)
        rd_kafka_destroy(client)
    }

    /// The librdkafka client, for example to reach its mock cluster.
    public var handle: OpaquePointer { client }

    /// Queues one webhook event. Call ``flush(timeoutMs:)`` to wait for delivery.
    public func publish(
        topic: String,
        partition: Int32 = -1,
        key: [UInt8]? = nil,
        method: HTTPMethod = .post,
        headers: [(name: String, values: [String])],
        payload: [UInt8],
        encoding: PayloadEncoding
    ) throws {
        let value = EnvelopeEncoder.encode(method: method, headers: headers, payload: payload, encoding: encoding)
        try publishRecord(topic: topic, partition: partition, key: key,
                          headers: [("envelope", [EnvelopeDecoder.avroEnvelopeV1])], value: value)
    }

    /// Queues one raw record, with headers given as (name, value or nil).
    public func publishRecord(topic: String, partition: Int32 = -1, key: [UInt8]?,
                              headers: [(String, [UInt8]?)], value: [UInt8]?) throws {
        let recordHeaders = rd_kafka_headers_new(headers.count)
        for (name, headerValue) in headers {
            if let headerValue {
                headerValue.withUnsafeBytes { _ = rd_kafka_header_add(recordHeaders, name, -1, $0.baseAddress, $0.count) }
            } else {
                rd_kafka_header_add(recordHeaders, name, -1, nil, 0)
            }
        }

        var error = RD_KAFKA_RESP_ERR_NO_ERROR
        while true {
            error = withOptionalBytes(key) { keyBytes in
                withOptionalBytes(value) { valueBytes in
                    crdkafka_produce(client, topic, partition,
                                     keyBytes?.baseAddress, keyBytes?.count ?? 0,
                                     valueBytes?.baseAddress, valueBytes?.count ?? 0,
                                     recordHeaders)
                }
            }
            guard error == RD_KAFKA_RESP_ERR__QUEUE_FULL else { break }
            rd_kafka_poll(client, 100)
        }
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else {
            rd_kafka_headers_destroy(recordHeaders)
            throw MisterWebhooksError(.kafka, "cannot publish to topic \(topic): \(describe(error))")
        }
        rd_kafka_poll(client, 0)
    }

    /// Waits until every queued record is delivered.
    /// - Throws: when records could not be delivered in time.
    public func flush(timeoutMs: Int32 = 30_000) throws {
        let error = rd_kafka_flush(client, timeoutMs)
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw MisterWebhooksError(.kafka, "records not delivered within \(timeoutMs) ms: \(describe(error))")
        }
        guard deliveries.failures == 0 else {
            let count = deliveries.failures
            deliveries.failures = 0
            throw MisterWebhooksError(.kafka, "\(count) records could not be delivered: \(deliveries.lastFailure)")
        }
    }
}

/// Delivery failures, counted by the delivery callback, which librdkafka
/// calls from rd_kafka_poll and rd_kafka_flush on the publishing thread.
private final class DeliveryReports {
    var failures = 0
    var lastFailure = ""
}

private let publisherDeliveryCallback: @convention(c) (OpaquePointer?, UnsafePointer<rd_kafka_message_t>?, UnsafeMutableRawPointer?) -> Void = { _, message, opaque in
    guard let message, let opaque, message.pointee.err != RD_KAFKA_RESP_ERR_NO_ERROR else { return }
    let reports = Unmanaged<DeliveryReports>.fromOpaque(opaque).takeUnretainedValue()
    reports.failures += 1
    reports.lastFailure = describe(message.pointee.err)
}

private func withOptionalBytes<Result>(_ bytes: [UInt8]?, _ body: (UnsafeRawBufferPointer?) -> Result) -> Result {
    guard let bytes else { return body(nil) }
    return bytes.withUnsafeBytes { body($0) }
}
