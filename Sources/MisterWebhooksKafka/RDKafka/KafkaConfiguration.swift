import CRdKafka

/// An owned librdkafka configuration (`rd_kafka_conf_t`).
final class KafkaConfiguration {
    private(set) var handle: OpaquePointer

    init() {
        handle = rd_kafka_conf_new()
    }

    deinit {
        rd_kafka_conf_destroy(handle)
    }

    /// Sets a property.
    /// - Throws: ``MisterWebhooksError`` with code `.kafka` and librdkafka's reason.
    func set(_ key: String, _ value: String) throws {
        var reason = [CChar](repeating: 0, count: 512)
        let result = rd_kafka_conf_set(handle, key, value, &reason, reason.count)
        guard result == RD_KAFKA_CONF_OK else {
            let detail = String(cString: reason)
            throw MisterWebhooksError(.kafka, "invalid Kafka option \"\(key)\": \(detail)")
        }
    }

    /// Returns a copy for one `rd_kafka_new`, which takes ownership of it.
    func duplicate() -> OpaquePointer {
        rd_kafka_conf_dup(handle)
    }
}

/// Returns librdkafka's description of an error code.
func describe(_ error: rd_kafka_resp_err_t) -> String {
    String(cString: rd_kafka_err2str(error))
}
