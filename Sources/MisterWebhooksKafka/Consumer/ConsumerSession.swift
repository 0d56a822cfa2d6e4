import CRdKafka
import MisterWebhooksDecoding

#if canImport(Glibc)
import Glibc
#endif

/// One run of a ``WebhookConsumer``: a librdkafka consumer client from
/// creation to close, and what its callbacks report.
///
/// librdkafka serves the error, rebalance and commit callbacks from
/// `rd_kafka_consumer_poll`, and while the run closes the consumer,
/// ``close(_:)`` calls them for the events of the close. Either way they run
/// on the thread of ``run(_:)`` and need no locking.
final class ConsumerSession {
    let consumer: WebhookConsumer
    let group: String
    var client: OpaquePointer?

    /// An error reported by a callback that ends the run.
    var fatalError: MisterWebhooksError?
    /// Since when (monotonic milliseconds) no broker has been reachable.
    var unreachableSince: Int64?
    var lastBrokerError = ""
    var lastReachabilityProbe: Int64 = 0
    /// When leaving the consumer group must be done (monotonic
    /// milliseconds), set once the run closes the client.
    var closeDeadline: Int64?

    init(consumer: WebhookConsumer) throws {
        self.consumer = consumer
        self.group = consumer.profile.consumerName

        let configuration = consumer.configuration.duplicate()
        rd_kafka_conf_set_opaque(configuration, Unmanaged.passUnretained(self).toOpaque())
        rd_kafka_conf_set_error_cb(configuration, sessionErrorCallback)
        rd_kafka_conf_set_rebalance_cb(configuration, sessionRebalanceCallback)
        rd_kafka_conf_set_offset_commit_cb(configuration, sessionCommitCallback)
        rd_kafka_conf_set_log_cb(configuration, sessionLogCallback)

        var reason = [CChar](repeating: 0, count: 512)
        guard let client = rd_kafka_new(RD_KAFKA_CONSUMER, configuration, &reason, reason.count) else {
            rd_kafka_conf_destroy(configuration)
            throw MisterWebhooksError(.kafka, "cannot create the Kafka consumer: \(String(cString: reason))")
        }
        self.client = client
        rd_kafka_poll_set_consumer(client)
    }

    deinit {
        if let client {
            rd_kafka_destroy(client)
        }
    }

    // MARK: - Running

    func run(_ handler: (WebhookEvent) -> Int32) throws {
        guard let client else { return }
        try subscribe(client)
        Log.info("consumer \(group) started: topic \(consumer.topic), brokers \(consumer.profile.kafkaBootstrap), security protocol \(consumer.profile.securityProtocol)")

        var outcome = consume(client, handler)
        if let failure = outcome {
            // The caller receives the error too; a handler's own refusal is
            // the application's decision, not a fault of the consumer.
            Log.write(failure.code == .handler ? .info : .error, "consumer \(group) stopping: \(failure)")
        } else {
            Log.info("consumer \(group) stopping: stop requested")
        }

        if let commitFailure = commitFinal(client) {
            if outcome == nil {
                outcome = commitFailure
            } else {
                Log.error(commitFailure.message)
            }
        }
        close(client)
        if let outcome {
            throw outcome
        }
    }

    private func subscribe(_ client: OpaquePointer) throws {
        let topics = rd_kafka_topic_partition_list_new(1)
        defer { rd_kafka_topic_partition_list_destroy(topics) }
        rd_kafka_topic_partition_list_add(topics, consumer.topic, RD_KAFKA_PARTITION_UA)
        let error = rd_kafka_subscribe(client, topics)
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw MisterWebhooksError(.kafka, "cannot subscribe to topic \(consumer.topic): \(describe(error))")
        }
    }

    /// Polls and handles records until the run must end; returns the error
    /// that ended it, or nil after a stop request.
    private func consume(_ client: OpaquePointer, _ handler: (WebhookEvent) -> Int32) -> MisterWebhooksError? {
        let event = WebhookEvent()
        let pollInterval = Int32(consumer.pollIntervalMs)

        while !consumer.stopRequested.load(ordering: .acquiring) {
            if let fatalError {
                return fatalError
            }
            if let failure = checkBrokerReachability(client) {
                return failure
            }

            guard let message = rd_kafka_consumer_poll(client, pollInterval) else {
                continue
            }
            defer { rd_kafka_message_destroy(message) }

            if message.pointee.err != RD_KAFKA_RESP_ERR_NO_ERROR {
                if let failure = handleConsumerError(message) {
                    return failure
                }
                continue
            }
            unreachableSince = nil

            if let failure = handle(message, event: event, handler) {
                return failure
            }
        }
        return nil
    }

    /// Decodes one record, passes it to the handler and stores its offset.
    @inline(__always)
    private func handle(_ message: UnsafeMutablePointer<rd_kafka_message_t>, event: WebhookEvent,
                        _ handler: (WebhookEvent) -> Int32) -> MisterWebhooksError? {
        let record = message.pointee
        let isEvent: Bool
        do {
            isEvent = try RecordReader.decode(message, into: event)
        } catch let error as DecodingError {
            return MisterWebhooksError(error, record: coordinates(record))
        } catch {
            return MisterWebhooksError(.envelopeDecode, "\(error)", record: coordinates(record))
        }

        if isEvent {
            let result = handler(event)
            guard result == 0 else {
                return MisterWebhooksError(.handler, "event handler returned \(result); the record's offset was not committed, so it will be delivered again", record: coordinates(record))
            }
        }

        let error = rd_kafka_offset_store(record.rkt, record.partition, record.offset)
        if error != RD_KAFKA_RESP_ERR_NO_ERROR {
            // The partition was revoked meanwhile: its new owner reads the
            // record again, which at-least-once delivery allows.
            Log.warning("consumer \(group): cannot store offset \(record.offset) of partition \(record.partition): \(describe(error))")
        }
        return nil
    }

    func coordinates(_ record: rd_kafka_message_t) -> MisterWebhooksError.RecordCoordinates {
        let topic = record.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? consumer.topic
        return MisterWebhooksError.RecordCoordinates(topic: topic, partition: record.partition, offset: record.offset)
    }

    /// Classifies an error delivered as a message: fatal for the run, or
    /// logged and left to librdkafka to retry.
    private func handleConsumerError(_ message: UnsafeMutablePointer<rd_kafka_message_t>) -> MisterWebhooksError? {
        let error = message.pointee.err
        let reason = String(cString: rd_kafka_message_errstr(message))

        switch error {
        case RD_KAFKA_RESP_ERR__PARTITION_EOF:
            return nil
        case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART, RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
            return MisterWebhooksError(.kafka, "topic \(consumer.topic) does not exist on brokers \(consumer.profile.kafkaBootstrap) (\(reason)); check the topic name Mister Webhooks gave you")
        case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
            return MisterWebhooksError(.kafka, "consumer \(group) is not authorized to read topic \(consumer.topic) (\(reason)); check the topic name and the profile")
        case RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED:
            return MisterWebhooksError(.kafka, "consumer \(group) is not authorized to use consumer group \(group) (\(reason)); check consumer_name in the profile")
        case RD_KAFKA_RESP_ERR__MAX_POLL_EXCEEDED:
            Log.warning("consumer \(group): the handler took longer than max.poll.interval.ms, so the consumer left the group and rejoins; events not yet committed may be delivered again (\(reason))")
            return nil
        default:
            Log.warning("consumer \(group): Kafka error \(describe(error)): \(reason); librdkafka retries")
            return nil
        }
    }

    // MARK: - Broker reachability

    /// Returns an error when no broker has been reachable for longer than
    /// `mw.broker.timeout.ms`. While none is, probes once a second with a
    /// metadata request, because librdkafka reports the loss of brokers but
    /// not their return.
    private func checkBrokerReachability(_ client: OpaquePointer) -> MisterWebhooksError? {
        guard let since = unreachableSince else { return nil }
        let now = monotonicMilliseconds()
        if now - since >= Int64(consumer.brokerTimeoutMs) {
            return MisterWebhooksError(.kafka, "no Kafka broker of \(consumer.profile.kafkaBootstrap) reachable for \(consumer.brokerTimeoutMs / 1000) s; last error: \(lastBrokerError); check kafka.bootstrap, the network and the TLS settings of the profile")
        }
        guard now - lastReachabilityProbe >= 1000 else { return nil }
        lastReachabilityProbe = now

        var metadata: UnsafePointer<rd_kafka_metadata>?
        let error = rd_kafka_metadata(client, 0, nil, &metadata, Int32(min(500, consumer.pollIntervalMs * 5)))
        if let metadata {
            rd_kafka_metadata_destroy(metadata)
        }
        if error == RD_KAFKA_RESP_ERR_NO_ERROR {
            Log.info("consumer \(group): a broker is reachable again")
            unreachableSince = nil
        }
        return nil
    }

    func brokerUnreachable(_ reason: String) {
        lastBrokerError = reason
        if unreachableSince == nil {
            unreachableSince = monotonicMilliseconds()
            lastReachabilityProbe = unreachableSince!
        }
    }
}

/// Milliseconds on the monotonic clock.
func monotonicMilliseconds() -> Int64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
}
