import CRdKafka
import Foundation
import MisterWebhooksDecoding
@testable import MisterWebhooksKafka
import XCTest

/// A mock cluster with one topic, and helpers to publish numbered events and
/// to run consumers against it.
final class TestCluster {
    let cluster: MockCluster
    let topic: String
    let partitions: Int

    init(topic: String = "webhooks-\(UUID().uuidString.prefix(8))", partitions: Int = 1, brokers: Int = 1) throws {
        cluster = try MockCluster(brokers: brokers)
        self.topic = topic
        self.partitions = partitions
        try cluster.createTopic(topic, partitions: partitions)
    }

    /// Creates a consumer with a short session timeout. librdkafka's mock
    /// cluster waits the session timeout of the group's members before it
    /// completes a rebalance after a member left, 45 s by default.
    func consumer(_ profile: ConnectionProfile, topic: String? = nil) throws -> WebhookConsumer {
        let consumer = try WebhookConsumer(topic: topic ?? self.topic, profile: profile)
        try consumer.setOption("session.timeout.ms", "6000")
        try consumer.setOption("heartbeat.interval.ms", "500")
        return consumer
    }

    func profile(group: String = "group-\(UUID().uuidString.prefix(8))") -> ConnectionProfile {
        cluster.profile(consumerName: group)
    }

    /// Publishes events whose JSON payload is {"n": i}, with i in `numbers`,
    /// round-robin over the partitions; even numbers JSON, odd ones CBOR.
    func publishNumbered(_ numbers: Range<Int>) throws {
        for number in numbers {
            let json = Array("{\"n\":\(number)}".utf8)
            let cbor = number % 2 == 1
            let payload = cbor ? CBOREncoder.encode(try JSONValue.parse(json)) : json
            try cluster.publisher.publish(
                topic: topic, partition: Int32(number % partitions), key: Array("key-\(number)".utf8),
                method: .post, headers: [("X-Number", [String(number)]), ("X-Multi", ["a", "b"])],
                payload: payload, encoding: cbor ? .cbor : .json)
        }
        try cluster.publisher.flush()
    }

    /// Makes metadata requests for `topic` fail with `error`; the mock
    /// cluster would otherwise create any topic a client asks for.
    func failMetadata(of topic: String, with error: rd_kafka_resp_err_t) {
        rd_kafka_mock_topic_set_error(cluster.handle, topic, error)
    }

    /// Publishes a raw record to one partition.
    func publishRaw(partition: Int32, headers: [(String, [UInt8]?)], value: [UInt8]?) throws {
        try cluster.publisher.publishRecord(topic: topic, partition: partition, key: nil, headers: headers, value: value)
        try cluster.publisher.flush()
    }

    /// Returns the committed offset of each partition for `group`, -1001
    /// (RD_KAFKA_OFFSET_INVALID) where none is committed.
    func committedOffsets(group: String) throws -> [Int64] {
        let configuration = KafkaConfiguration()
        try configuration.set("bootstrap.servers", cluster.bootstrapServers)
        try configuration.set("group.id", group)
        var reason = [CChar](repeating: 0, count: 256)
        let handle = configuration.duplicate()
        guard let client = rd_kafka_new(RD_KAFKA_CONSUMER, handle, &reason, reason.count) else {
            throw MisterWebhooksError(.kafka, String(cString: reason))
        }
        defer {
            rd_kafka_consumer_close(client)
            rd_kafka_destroy(client)
        }

        let list = rd_kafka_topic_partition_list_new(Int32(partitions))!
        defer { rd_kafka_topic_partition_list_destroy(list) }
        for partition in 0..<partitions {
            rd_kafka_topic_partition_list_add(list, topic, Int32(partition))
        }
        let error = rd_kafka_committed(client, list, 10_000)
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw MisterWebhooksError(.kafka, "committed offsets: \(describe(error))")
        }
        return (0..<partitions).map { list.pointee.elems[$0].offset }
    }
}

/// What a handler saw: the payload number, partition and offset of each event.
final class Seen: @unchecked Sendable {  // guarded by lock
    private let lock = NSLock()
    private var entries: [(number: Int, partition: Int32, offset: Int64)] = []

    func add(_ event: WebhookEvent) {
        let payload = event.payloadJSONString
        let digits = payload.filter(\.isNumber)
        lock.lock()
        entries.append((Int(digits) ?? -1, event.partition, event.offset))
        lock.unlock()
    }

    var numbers: [Int] {
        lock.lock()
        defer { lock.unlock() }
        return entries.map(\.number)
    }

    var count: Int { numbers.count }
}

/// Runs `consumer` on a background thread and returns its outcome.
final class BackgroundRun: @unchecked Sendable {  // result is written before `done` is signalled
    let consumer: WebhookConsumer
    private let done = DispatchSemaphore(value: 0)
    private(set) var error: Error?
    private(set) var finished = false

    init(_ consumer: WebhookConsumer, handler: @escaping (WebhookEvent) -> Int32) {
        self.consumer = consumer
        let thread = Thread { [self] in
            do {
                try consumer.run(handler)
            } catch {
                self.error = error
            }
            finished = true
            done.signal()
        }
        thread.start()
    }

    /// Waits for the run to end; fails the test after `timeout` seconds.
    @discardableResult
    func wait(timeout: TimeInterval, file: StaticString = #filePath, line: UInt = #line) -> Bool {
        let ended = done.wait(timeout: .now() + timeout) == .success
        if !ended {
            XCTFail("consumer run did not end within \(timeout) s", file: file, line: line)
            consumer.stop()
            _ = done.wait(timeout: .now() + 30)
        }
        return ended
    }
}

/// Polls `condition` every 50 ms for at most `timeout` seconds.
func waitUntil(timeout: TimeInterval, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if condition() {
            return true
        }
        usleep(50_000)
    }
    return condition()
}

/// Quiets librdkafka and the library during tests unless MW_TEST_LOG is set
/// to a level (3 errors, 4 warnings, 6 info, 7 debug), which prints them.
func configureTestLogging() {
    guard let level = ProcessInfo.processInfo.environment["MW_TEST_LOG"].flatMap({ Int32($0) }) else {
        Log.setHandler({ _, _, _ in }, context: nil, maxLevel: .error)
        return
    }
    Log.setHandler({ level, message, _ in
        fputs("[\(level)] \(String(cString: message!))\n", stderr)
    }, context: nil, maxLevel: LogLevel(rawValue: level))
}
