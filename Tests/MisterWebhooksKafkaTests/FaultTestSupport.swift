import CRdKafka
import Foundation
import MisterWebhooksDecoding
@testable import MisterWebhooksKafka
import XCTest

/// The Kafka protocol's API key of OffsetCommit requests, for
/// `rd_kafka_mock_push_request_errors_array`. librdkafka 2.0 defines it as
/// `RD_KAFKAP_OffsetCommit` in a private header only.
let offsetCommitApiKey: Int16 = 8

/// One fault case: a mock cluster of 3 brokers with a 12-partition topic,
/// a known set of numbered events on it, and the bookkeeping to prove that
/// every event was handled and no offset was committed ahead of the handler.
final class FaultScenario {
    static let brokerCount = 3
    static let partitionCount = 12

    let name: String
    let cluster: TestCluster
    let eventCount: Int
    let profile: ConnectionProfile
    let handled = HandledRecords()

    /// Publishes events 0..<eventCount; event n goes to partition n % 12 at
    /// offset n / 12, which ``HandledRecords`` checks.
    init(name: String, eventCount: Int) throws {
        self.name = name
        self.eventCount = eventCount
        cluster = try TestCluster(partitions: Self.partitionCount, brokers: Self.brokerCount)
        profile = cluster.profile()
        try cluster.publishNumbered(0..<eventCount)
    }

    var group: String { profile.consumerName }
    var mock: OpaquePointer { cluster.cluster.handle }

    /// The number of records published to each partition.
    var publishedPerPartition: [Int64] {
        (0..<Self.partitionCount).map { partition in
            Int64((eventCount - partition + Self.partitionCount - 1) / Self.partitionCount)
        }
    }

    /// Creates a consumer of the scenario's group with a short session
    /// timeout, then applies `options`.
    func consumer(_ options: [(String, String)] = []) throws -> WebhookConsumer {
        let consumer = try cluster.consumer(profile)
        for (key, value) in options {
            try consumer.setOption(key, value)
        }
        return consumer
    }

    /// Starts `consumer` on a background thread with a handler that records
    /// each event, sleeps `delayMicroseconds` and accepts it.
    func start(_ consumer: WebhookConsumer, delayMicroseconds: UInt32 = 0,
               extra: @escaping (WebhookEvent) -> Void = { _ in }) -> BackgroundRun {
        BackgroundRun(consumer) { [handled] event in
            handled.add(event)
            extra(event)
            if delayMicroseconds > 0 {
                usleep(delayMicroseconds)
            }
            return 0
        }
    }

    /// Waits until the handler saw at least `count` distinct events.
    func waitForDistinct(_ count: Int, timeout: TimeInterval) -> Bool {
        waitUntil(timeout: timeout) { self.handled.distinctCount >= count }
    }

    /// Fails unless the broker still holds every published record: the mock
    /// cluster drops the oldest records of a partition beyond about 5 MB.
    func assertBrokerKeepsEverything(file: StaticString = #filePath, line: UInt = #line) throws {
        let watermarks = try cluster.watermarks()
        for (partition, (low, high)) in watermarks.enumerated() {
            XCTAssertEqual(low, 0, "partition \(partition) lost its oldest records on the broker", file: file, line: line)
            XCTAssertEqual(high, publishedPerPartition[partition], "high watermark of partition \(partition)", file: file, line: line)
        }
    }

    /// Checks the committed offsets against what the handler saw so far:
    /// each must be at most 1 + the highest offset handled in its partition,
    /// and every offset below it must have been handled. A partition without
    /// a committed offset passes.
    func assertCommitsBehindHandler(_ committed: [Int64], file: StaticString = #filePath, line: UInt = #line) {
        let offsets = handled.offsetsByPartition()
        for partition in 0..<Self.partitionCount where committed[partition] >= 0 {
            let seen = offsets[Int32(partition)] ?? [:]
            let highestHandled = seen.keys.max() ?? -1
            XCTAssertLessThanOrEqual(committed[partition], highestHandled + 1, "partition \(partition) committed past the last handled offset", file: file, line: line)
            let committedUnhandled = (0..<committed[partition]).filter { seen[$0] == nil }
            XCTAssertEqual(committedUnhandled, [], "partition \(partition) committed offsets the handler never saw", file: file, line: line)
        }
    }

    /// Checks the end state of a case, prints its summary line and returns it.
    ///
    /// Every published event must have been handled, the commits must be
    /// behind the handler (``assertCommitsBehindHandler(_:file:line:)``),
    /// and each partition must be committed up to its high watermark.
    @discardableResult
    func verify(committed: [Int64], file: StaticString = #filePath, line: UInt = #line) -> FaultSummary {
        let published = publishedPerPartition
        let offsets = handled.offsetsByPartition()
        var lost = 0

        XCTAssertEqual(handled.mismatchedNumbers, [], "events whose payload number does not match their partition and offset", file: file, line: line)
        for partition in 0..<Self.partitionCount {
            let seen = offsets[Int32(partition)] ?? [:]
            let missing = (0..<published[partition]).filter { seen[$0] == nil }
            lost += missing.count
            XCTAssertEqual(missing, [], "offsets of partition \(partition) never handled", file: file, line: line)
            XCTAssertEqual(committed[partition], published[partition], "committed offset of partition \(partition)", file: file, line: line)
        }
        assertCommitsBehindHandler(committed, file: file, line: line)

        let summary = FaultSummary(published: eventCount, handled: handled.count,
                                   duplicates: handled.count - handled.distinctCount, lost: lost)
        print("fault \(name): published \(summary.published), handled \(summary.handled), duplicates \(summary.duplicates), lost \(summary.lost)")
        return summary
    }

    /// The offset after the last one handled in each partition, nil where
    /// none was handled: what a final commit must store.
    func offsetsAfterLastHandled() -> [Int64?] {
        let offsets = handled.offsetsByPartition()
        return (0..<Self.partitionCount).map { partition in
            offsets[Int32(partition)]?.keys.max().map { $0 + 1 }
        }
    }
}

/// The counts printed for each fault case.
struct FaultSummary {
    var published: Int
    var handled: Int
    var duplicates: Int
    var lost: Int
}

/// How often the handler saw each (partition, offset), and whether each
/// event's payload number matched its place.
final class HandledRecords: @unchecked Sendable {  // guarded by lock
    private let lock = NSLock()
    private var counts: [Int32: [Int64: Int]] = [:]
    private var total = 0
    private var mismatches: [Int] = []

    func add(_ event: WebhookEvent) {
        let number = Int(event.payloadJSONString.filter(\.isNumber)) ?? -1
        let partitions = Int64(FaultScenario.partitionCount)
        lock.lock()
        counts[event.partition, default: [:]][event.offset, default: 0] += 1
        total += 1
        if Int64(number) % partitions != Int64(event.partition) || Int64(number) / partitions != event.offset {
            mismatches.append(number)
        }
        lock.unlock()
    }

    /// Every handler call, duplicates included.
    var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return total
    }

    var distinctCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return counts.values.reduce(0) { $0 + $1.count }
    }

    var mismatchedNumbers: [Int] {
        lock.lock()
        defer { lock.unlock() }
        return mismatches
    }

    /// Partition -> offset -> how often it was handled.
    func offsetsByPartition() -> [Int32: [Int64: Int]] {
        lock.lock()
        defer { lock.unlock() }
        return counts
    }

    /// The lowest offset handled in each partition, for checking where a
    /// consumer started.
    func lowestOffsets() -> [Int32: Int64] {
        offsetsByPartition().mapValues { $0.keys.min() ?? -1 }
    }
}

extension TestCluster {
    /// Returns the low and high watermark of each partition.
    func watermarks() throws -> [(low: Int64, high: Int64)] {
        let configuration = KafkaConfiguration()
        try configuration.set("bootstrap.servers", cluster.bootstrapServers)
        var reason = [CChar](repeating: 0, count: 256)
        guard let client = rd_kafka_new(RD_KAFKA_CONSUMER, configuration.duplicate(), &reason, reason.count) else {
            throw MisterWebhooksError(.kafka, String(cString: reason))
        }
        defer { rd_kafka_destroy(client) }

        return try (0..<partitions).map { partition in
            var low: Int64 = -1
            var high: Int64 = -1
            let error = rd_kafka_query_watermark_offsets(client, topic, Int32(partition), &low, &high, 10_000)
            guard error == RD_KAFKA_RESP_ERR_NO_ERROR else {
                throw MisterWebhooksError(.kafka, "watermarks of partition \(partition): \(describe(error))")
            }
            return (low, high)
        }
    }

    /// Makes the next `errors.count` requests of `apiKey` to any broker fail
    /// with `errors`, in order.
    func pushRequestErrors(apiKey: Int16, _ errors: [rd_kafka_resp_err_t]) {
        errors.withUnsafeBufferPointer { buffer in
            rd_kafka_mock_push_request_errors_array(cluster.handle, apiKey, buffer.count, buffer.baseAddress)
        }
    }
}

/// The library's log lines, kept for checks and printed to stderr when
/// MW_TEST_LOG is set.
final class CapturedLog: @unchecked Sendable {  // guarded by lock
    static let shared = CapturedLog()

    private let lock = NSLock()
    private var lines: [(level: Int32, text: String)] = []
    let echo = ProcessInfo.processInfo.environment["MW_TEST_LOG"] != nil

    /// Routes the library's log, info level and above, to this capture.
    func install() {
        clear()
        Log.setHandler({ level, message, _ in
            guard let message else { return }
            CapturedLog.shared.append(level, String(cString: message))
        }, context: nil, maxLevel: .info)
    }

    func append(_ level: Int32, _ text: String) {
        lock.lock()
        lines.append((level, text))
        lock.unlock()
        if echo {
            fputs("\(String(format: "%.3f", Date().timeIntervalSince1970)) [\(level)] \(text)\n", stderr)
        }
    }

    func clear() {
        lock.lock()
        lines.removeAll()
        lock.unlock()
    }

    /// The lines of `level` or more severe that contain `text`.
    func lines(containing text: String, atMost level: LogLevel = .debug) -> [String] {
        lock.lock()
        defer { lock.unlock() }
        return lines.filter { $0.level <= level.rawValue && $0.text.contains(text) }.map(\.text)
    }
}

/// A flag shared between a test and a handler's thread.
final class LockedFlag: @unchecked Sendable {  // guarded by lock
    private let lock = NSLock()
    private var value = false

    var isSet: Bool {
        lock.lock()
        defer { lock.unlock() }
        return value
    }

    func set() {
        lock.lock()
        value = true
        lock.unlock()
    }
}

/// Measures the wall-clock time of a case, for the summary lines.
func elapsedSeconds(since start: Date) -> String {
    String(format: "%.1f s", Date().timeIntervalSince(start))
}
