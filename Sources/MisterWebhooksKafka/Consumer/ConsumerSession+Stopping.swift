import CRdKafka

#if canImport(Glibc)
import Glibc
#endif

// The end of a run: the final commit, then leaving the consumer group, each
// bounded by `mw.commit.timeout.ms`.

extension ConsumerSession {
    /// Commit errors after which this consumer is no longer a group member.
    static let membershipErrors: Set<rd_kafka_resp_err_t> = [
        RD_KAFKA_RESP_ERR__ASSIGNMENT_LOST, RD_KAFKA_RESP_ERR_UNKNOWN_MEMBER_ID,
        RD_KAFKA_RESP_ERR_ILLEGAL_GENERATION, RD_KAFKA_RESP_ERR_FENCED_INSTANCE_ID,
    ]

    /// Commits the stored offsets, retrying until `mw.commit.timeout.ms` has
    /// passed.
    func commitFinal(_ client: OpaquePointer) -> MisterWebhooksError? {
        let deadline = monotonicMilliseconds() + Int64(consumer.commitTimeoutMs)
        var attempt = 0
        while true {
            attempt += 1
            guard let error = commitStoredOffsets(client, deadline: deadline) else {
                return MisterWebhooksError(.kafka, "final offset commit of consumer \(group) timed out after \(consumer.commitTimeoutMs) ms (mw.commit.timeout.ms) in attempt \(attempt); records after the last committed offset will be delivered again")
            }
            if error == RD_KAFKA_RESP_ERR_NO_ERROR || error == RD_KAFKA_RESP_ERR__NO_OFFSET {
                Log.debug("consumer \(group): final offset commit done")
                return nil
            }

            if ConsumerSession.membershipErrors.contains(error) {
                // The group dropped this consumer, so no retry can commit;
                // the partitions' next owners read from the last commit.
                return MisterWebhooksError(.kafka, "final offset commit of consumer \(group) failed: \(describe(error)); the consumer group dropped this consumer, so records after the last committed offset will be delivered again")
            }
            let backoff = Int64(min(200 * attempt, 1000))
            if monotonicMilliseconds() + backoff >= deadline {
                return MisterWebhooksError(.kafka, "final offset commit of consumer \(group) failed after \(attempt) attempts in \(consumer.commitTimeoutMs) ms: \(describe(error)); records after the last committed offset will be delivered again")
            }
            Log.warning("consumer \(group): final offset commit failed (attempt \(attempt)): \(describe(error)); retrying")
            usleep(UInt32(backoff) * 1000)
        }
    }

    /// Commits the stored offsets once and waits for the result until
    /// `deadline` (monotonic milliseconds). Returns nil when the deadline
    /// passed first, and librdkafka then still sends the commit when it can.
    ///
    /// The commit is asynchronous because a synchronous `rd_kafka_commit`
    /// waits without limit while the group has no coordinator: librdkafka
    /// defers the commit until it finds one.
    func commitStoredOffsets(_ client: OpaquePointer, deadline: Int64) -> rd_kafka_resp_err_t? {
        guard let results = rd_kafka_queue_new(client) else {
            return RD_KAFKA_RESP_ERR__FAIL
        }
        defer { rd_kafka_queue_destroy(results) }

        let error = rd_kafka_commit_queue(client, nil, results, nil, nil)
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else {
            return error
        }
        while true {
            let remaining = deadline - monotonicMilliseconds()
            guard remaining > 0 else {
                return nil
            }
            guard let event = rd_kafka_queue_poll(results, Int32(min(remaining, 100))) else {
                continue
            }
            defer { rd_kafka_event_destroy(event) }
            if rd_kafka_event_type(event) == RD_KAFKA_EVENT_OFFSET_COMMIT {
                return rd_kafka_event_error(event)
            }
        }
    }

    /// Leaves the consumer group and destroys the client. When leaving takes
    /// longer than `mw.commit.timeout.ms`, destroys the client without
    /// leaving, so the group reassigns the partitions only after
    /// `session.timeout.ms`.
    func close(_ client: OpaquePointer) {
        let deadline = monotonicMilliseconds() + Int64(consumer.commitTimeoutMs)
        closeDeadline = deadline
        if !leaveGroup(client, deadline: deadline) {
            Log.warning("consumer \(group): leaving the consumer group did not finish within \(consumer.commitTimeoutMs) ms (mw.commit.timeout.ms), so the consumer closes without it; the group reassigns its partitions after session.timeout.ms")
        }
        // The consumer is closed or given up on, so destroying it must not
        // try again.
        rd_kafka_destroy_flags(client, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE)
        self.client = nil
        Log.info("consumer \(group) stopped")
    }

    /// Closes the consumer asynchronously and serves what the close emits
    /// until the consumer is closed or `deadline` passes. Returns whether it
    /// closed.
    private func leaveGroup(_ client: OpaquePointer, deadline: Int64) -> Bool {
        guard let events = rd_kafka_queue_new(client) else {
            return false
        }
        defer { rd_kafka_queue_destroy(events) }

        if let error = rd_kafka_consumer_close_queue(client, events) {
            Log.warning("consumer \(group): closing the consumer failed: \(String(cString: rd_kafka_error_string(error)))")
            rd_kafka_error_destroy(error)
            return false
        }
        while rd_kafka_consumer_closed(client) == 0 {
            let remaining = deadline - monotonicMilliseconds()
            guard remaining > 0 else {
                return false
            }
            if let event = rd_kafka_queue_poll(events, Int32(min(remaining, 100))) {
                serveCloseEvent(client, event)
                rd_kafka_event_destroy(event)
            }
        }
        return true
    }

    /// Serves one event of the close queue. The queue also receives the
    /// consumer's prefetched records, which are dropped unhandled, so they
    /// are not committed and come again to the partitions' next owner.
    private func serveCloseEvent(_ client: OpaquePointer, _ event: OpaquePointer) {
        switch rd_kafka_event_type(event) {
        case RD_KAFKA_EVENT_REBALANCE:
            // As an event, the revocation does not reach the rebalance
            // callback by itself.
            sessionRebalanceCallback(client, rd_kafka_event_error(event), rd_kafka_event_topic_partition_list(event),
                                     Unmanaged.passUnretained(self).toOpaque())
        case RD_KAFKA_EVENT_ERROR:
            Log.warning("consumer \(group): Kafka error while closing: \(String(cString: rd_kafka_event_error_string(event)))")
        case RD_KAFKA_EVENT_OFFSET_COMMIT:
            sessionCommitCallback(client, rd_kafka_event_error(event), rd_kafka_event_topic_partition_list(event),
                                  Unmanaged.passUnretained(self).toOpaque())
        default:
            break
        }
    }
}
