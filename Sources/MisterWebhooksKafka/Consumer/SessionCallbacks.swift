import CRdKafka

#if canImport(Glibc)
import Glibc
#endif

// librdkafka callbacks of a ConsumerSession, which is the client's opaque.

@inline(__always)
private func session(_ opaque: UnsafeMutableRawPointer?) -> ConsumerSession? {
    opaque.map { Unmanaged<ConsumerSession>.fromOpaque($0).takeUnretainedValue() }
}

let sessionErrorCallback: @convention(c) (OpaquePointer?, Int32, UnsafePointer<CChar>?, UnsafeMutableRawPointer?) -> Void = { client, code, reason, opaque in
    guard let session = session(opaque) else { return }
    let error = rd_kafka_resp_err_t(code)
    let text = reason.map { String(cString: $0) } ?? describe(error)

    switch error {
    case RD_KAFKA_RESP_ERR__FATAL:
        var detail = [CChar](repeating: 0, count: 512)
        let original = rd_kafka_fatal_error(client, &detail, detail.count)
        session.fatalError = MisterWebhooksError(.kafka, "fatal Kafka error \(describe(original)): \(String(cString: detail))")
    case RD_KAFKA_RESP_ERR__AUTHENTICATION, RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED:
        session.fatalError = MisterWebhooksError(.authentication, "SASL authentication of consumer \(session.group) failed: \(text); check consumer_name and auth.secret in the connection profile, and that kafka.security_protocol matches the brokers")
    case RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN, RD_KAFKA_RESP_ERR__SSL, RD_KAFKA_RESP_ERR__RESOLVE:
        Log.warning("consumer \(session.group): \(text)")
        session.brokerUnreachable(text)
    case RD_KAFKA_RESP_ERR__TRANSPORT:
        Log.debug("consumer \(session.group): \(text)")
        session.lastBrokerError = text
    default:
        Log.warning("consumer \(session.group): Kafka error \(describe(error)): \(text)")
    }
}

let sessionRebalanceCallback: @convention(c) (OpaquePointer?, rd_kafka_resp_err_t, UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?, UnsafeMutableRawPointer?) -> Void = { client, error, partitions, opaque in
    guard let client, let session = session(opaque) else { return }
    let cooperative = String(cString: rd_kafka_rebalance_protocol(client)) == "COOPERATIVE"
    let names = describe(partitions)

    switch error {
    case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
        Log.info("consumer \(session.group): partitions assigned: \(names)")
        session.unreachableSince = nil
        if cooperative {
            logAndDestroy(rd_kafka_incremental_assign(client, partitions), session: session, action: "assign")
        } else {
            rd_kafka_assign(client, partitions)
        }
    case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS:
        Log.info("consumer \(session.group): partitions revoked: \(names); committing their offsets first")
        if rd_kafka_assignment_lost(client) == 0 {
            // Bounded like the final commit, and by the close when closing.
            let deadline = session.closeDeadline ?? monotonicMilliseconds() + Int64(session.consumer.commitTimeoutMs)
            if let commit = session.commitStoredOffsets(client, deadline: deadline) {
                if commit != RD_KAFKA_RESP_ERR_NO_ERROR && commit != RD_KAFKA_RESP_ERR__NO_OFFSET {
                    Log.warning("consumer \(session.group): offset commit before revoking partitions \(names) failed: \(describe(commit)); records after their last committed offsets may be delivered again")
                }
            } else {
                Log.warning("consumer \(session.group): offset commit before revoking partitions \(names) timed out (mw.commit.timeout.ms); records after their last committed offsets may be delivered again")
            }
        } else {
            Log.warning("consumer \(session.group): partitions lost: \(names); their uncommitted records will be delivered again")
        }
        if cooperative {
            logAndDestroy(rd_kafka_incremental_unassign(client, partitions), session: session, action: "unassign")
        } else {
            rd_kafka_assign(client, nil)
        }
    default:
        Log.error("consumer \(session.group): rebalance failed: \(describe(error))")
        rd_kafka_assign(client, nil)
    }
}

let sessionCommitCallback: @convention(c) (OpaquePointer?, rd_kafka_resp_err_t, UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?, UnsafeMutableRawPointer?) -> Void = { _, error, offsets, opaque in
    guard let session = session(opaque) else { return }
    if error == RD_KAFKA_RESP_ERR_NO_ERROR {
        if Log.isEnabled(.debug) {
            Log.debug("consumer \(session.group): committed offsets \(describe(offsets, withOffsets: true))")
        }
    } else if error != RD_KAFKA_RESP_ERR__NO_OFFSET {
        Log.warning("consumer \(session.group): offset commit failed: \(describe(error)); librdkafka retries with the next commit")
    }
}

let sessionLogCallback: @convention(c) (OpaquePointer?, Int32, UnsafePointer<CChar>?, UnsafePointer<CChar>?) -> Void = { client, level, facility, message in
    let logLevel = LogLevel(syslog: level)
    guard Log.isEnabled(logLevel), let message else { return }
    let name = client.map { String(cString: rd_kafka_name($0)) } ?? "rdkafka"
    let facilityName = facility.map { String(cString: $0) } ?? ""
    Log.write(logLevel, "\(name) \(facilityName): \(String(cString: message))")
}

private func logAndDestroy(_ error: OpaquePointer?, session: ConsumerSession, action: String) {
    guard let error else { return }
    Log.error("consumer \(session.group): incremental \(action) failed: \(String(cString: rd_kafka_error_string(error)))")
    rd_kafka_error_destroy(error)
}

/// Describes a partition list as "topic[0,1,2]", with "@offset" per partition when asked.
func describe(_ list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?, withOffsets: Bool = false) -> String {
    guard let list else { return "none" }
    var byTopic: [(String, [String])] = []
    for index in 0..<Int(list.pointee.cnt) {
        let element = list.pointee.elems[index]
        let topic = String(cString: element.topic)
        let entry = withOffsets ? "\(element.partition)@\(element.offset)" : "\(element.partition)"
        if let position = byTopic.firstIndex(where: { $0.0 == topic }) {
            byTopic[position].1.append(entry)
        } else {
            byTopic.append((topic, [entry]))
        }
    }
    return byTopic.isEmpty ? "none" : byTopic.map { "\($0.0)[\($0.1.joined(separator: ","))]" }.joined(separator: " ")
}
