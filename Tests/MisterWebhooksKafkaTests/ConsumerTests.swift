import CRdKafka
import Foundation
import MisterWebhooksDecoding
@testable import MisterWebhooksKafka
import XCTest

final class ConsumerTests: XCTestCase {
    override func setUp() {
        configureTestLogging()
    }

    func testEveryEventReachesHandlerOnce() throws {
        let cluster = try TestCluster(partitions: 3)
        try cluster.publishNumbered(0..<60)
        let consumer = try cluster.consumer(cluster.profile())

        let seen = Seen()
        var methods = Set<Int32>()
        var encodings = Set<Int32>()
        var headersOK = true
        let run = BackgroundRun(consumer) { event in
            seen.add(event)
            methods.insert(event.method.rawValue)
            encodings.insert(event.encoding.rawValue)
            let headers = event.headers
            headersOK = headersOK && headers.count == 2 && headers[1].name == "X-Multi" && headers[1].values == ["a", "b"]
                && event.string(event.topic) == cluster.topic && event.key != nil && event.timestampMs > 0
            return 0
        }
        XCTAssertTrue(waitUntil(timeout: 30) { seen.count >= 60 })
        consumer.stop()
        run.wait(timeout: 15)

        XCTAssertNil(run.error)
        XCTAssertEqual(seen.numbers.sorted(), Array(0..<60))
        XCTAssertEqual(methods, [HTTPMethod.post.rawValue])
        XCTAssertEqual(encodings, [PayloadEncoding.json.rawValue, PayloadEncoding.cbor.rawValue])
        XCTAssertTrue(headersOK)
        XCTAssertEqual(try cluster.committedOffsets(group: consumer.profile.consumerName), [20, 20, 20])
    }

    func testSecondConsumerAfterCleanStopGetsNothing() throws {
        let cluster = try TestCluster()
        try cluster.publishNumbered(0..<10)
        let profile = cluster.profile()

        let first = try cluster.consumer(profile)
        let firstSeen = Seen()
        let firstRun = BackgroundRun(first) { firstSeen.add($0); return 0 }
        XCTAssertTrue(waitUntil(timeout: 30) { firstSeen.count >= 10 })
        first.stop()
        firstRun.wait(timeout: 15)
        XCTAssertNil(firstRun.error)

        try cluster.publishNumbered(10..<12)
        let second = try cluster.consumer(profile)
        let secondSeen = Seen()
        let secondRun = BackgroundRun(second) { secondSeen.add($0); return 0 }
        XCTAssertTrue(waitUntil(timeout: 30) { secondSeen.count >= 2 })
        usleep(500_000)  // time for a wrongly redelivered record to arrive
        second.stop()
        secondRun.wait(timeout: 15)

        XCTAssertEqual(secondSeen.numbers, [10, 11])
    }

    func testFailingHandlerLeavesEventUncommitted() throws {
        let cluster = try TestCluster()
        try cluster.publishNumbered(0..<10)
        let profile = cluster.profile()

        let consumer = try cluster.consumer(profile)
        let seen = Seen()
        let run = BackgroundRun(consumer) { event in
            seen.add(event)
            return event.offset == 4 ? 7 : 0
        }
        run.wait(timeout: 30)

        let error = try XCTUnwrap(run.error as? MisterWebhooksError)
        XCTAssertEqual(error.code, .handler)
        XCTAssertEqual(error.record?.topic, cluster.topic)
        XCTAssertEqual(error.record?.partition, 0)
        XCTAssertEqual(error.record?.offset, 4)
        XCTAssertTrue(error.message.contains("returned 7"), error.message)
        XCTAssertEqual(seen.numbers, [0, 1, 2, 3, 4])
        XCTAssertEqual(try cluster.committedOffsets(group: profile.consumerName), [4])

        let restarted = try cluster.consumer(profile)
        let restartSeen = Seen()
        let restartRun = BackgroundRun(restarted) { restartSeen.add($0); return 0 }
        XCTAssertTrue(waitUntil(timeout: 30) { restartSeen.count >= 6 })
        restarted.stop()
        restartRun.wait(timeout: 15)
        XCTAssertEqual(restartSeen.numbers, [4, 5, 6, 7, 8, 9])
    }

    func testMalformedRecordStopsWithCoordinates() throws {
        let cluster = try TestCluster()
        try cluster.publishNumbered(0..<3)
        try cluster.publishRaw(partition: 0, headers: [("envelope", [0x80])], value: [0x04, 0x00])  // truncated Avro
        try cluster.publishNumbered(3..<5)
        let profile = cluster.profile()

        let consumer = try cluster.consumer(profile)
        let seen = Seen()
        let run = BackgroundRun(consumer) { seen.add($0); return 0 }
        run.wait(timeout: 30)

        let error = try XCTUnwrap(run.error as? MisterWebhooksError)
        XCTAssertEqual(error.code, .envelopeDecode)
        XCTAssertEqual(error.record?.partition, 0)
        XCTAssertEqual(error.record?.offset, 3)
        XCTAssertEqual(seen.numbers, [0, 1, 2])
        XCTAssertEqual(try cluster.committedOffsets(group: profile.consumerName), [3])
    }

    func testEnvelopeErrorsStopTheRun() throws {
        let cases: [(headers: [(String, [UInt8]?)], code: MisterWebhooksError.Code)] = [
            ([], .malformedMessage),
            ([("envelope", nil)], .malformedMessage),
            ([("envelope", [0x80, 0x80])], .malformedMessage),
            ([("envelope", [0x81])], .unsupportedEnvelope),
        ]
        for testCase in cases {
            let cluster = try TestCluster()
            try cluster.publishRaw(partition: 0, headers: testCase.headers, value: [0x04, 0x00, 0x02, 0x30, 0x00])
            let consumer = try cluster.consumer(cluster.profile())
            let run = BackgroundRun(consumer) { _ in 0 }
            run.wait(timeout: 30)

            let error = try XCTUnwrap(run.error as? MisterWebhooksError)
            XCTAssertEqual(error.code, testCase.code, error.message)
            XCTAssertEqual(error.record?.offset, 0)
        }
    }

    func testSystemRecordsAreSkippedAndCommitted() throws {
        let cluster = try TestCluster()
        try cluster.publishRaw(partition: 0, headers: [("envelope", [0x01])], value: nil)
        try cluster.publishNumbered(0..<2)
        let profile = cluster.profile()

        let consumer = try cluster.consumer(profile)
        let seen = Seen()
        let run = BackgroundRun(consumer) { seen.add($0); return 0 }
        XCTAssertTrue(waitUntil(timeout: 30) { seen.count >= 2 })
        consumer.stop()
        run.wait(timeout: 15)

        XCTAssertNil(run.error)
        XCTAssertEqual(seen.numbers, [0, 1])
        XCTAssertEqual(try cluster.committedOffsets(group: profile.consumerName), [3])
    }

    func testStopFromAnotherThreadReturnsPromptly() throws {
        let cluster = try TestCluster()
        try cluster.publishNumbered(0..<1)
        let consumer = try cluster.consumer(cluster.profile())
        let seen = Seen()
        let run = BackgroundRun(consumer) { seen.add($0); return 0 }
        XCTAssertTrue(waitUntil(timeout: 30) { seen.count >= 1 })

        let start = Date()
        consumer.stop()
        XCTAssertTrue(run.wait(timeout: 10))
        let elapsed = Date().timeIntervalSince(start)
        XCTAssertLessThan(elapsed, 3, "run returned \(elapsed) s after stop")
        XCTAssertNil(run.error)
    }

    func testStopBeforeRunReturnsAtOnce() throws {
        let cluster = try TestCluster()
        let consumer = try cluster.consumer(cluster.profile())
        consumer.stop()
        let start = Date()
        try consumer.run { _ in 0 }
        XCTAssertLessThan(Date().timeIntervalSince(start), 1)
    }

    func testRunTwiceAtOnceIsRejected() throws {
        let cluster = try TestCluster()
        let consumer = try cluster.consumer(cluster.profile())
        let first = BackgroundRun(consumer) { _ in 0 }
        usleep(300_000)

        XCTAssertThrowsError(try consumer.run { _ in 0 }) { error in
            XCTAssertEqual((error as? MisterWebhooksError)?.code, .invalidArgument)
        }
        consumer.stop()
        first.wait(timeout: 15)
        XCTAssertNil(first.error)
    }

    func testTwoConsumersSplitPartitions() throws {
        let cluster = try TestCluster(partitions: 12)
        try cluster.publishNumbered(0..<240)
        let profile = cluster.profile()

        let seenA = Seen()
        let seenB = Seen()
        let consumerA = try cluster.consumer(profile)
        let consumerB = try cluster.consumer(profile)
        // A slow handler keeps both consumers busy long enough to share the partitions.
        let runA = BackgroundRun(consumerA) { seenA.add($0); usleep(20_000); return 0 }
        let runB = BackgroundRun(consumerB) { seenB.add($0); usleep(20_000); return 0 }

        XCTAssertTrue(waitUntil(timeout: 60) { Set(seenA.numbers + seenB.numbers).count >= 240 })
        // Stop one at a time: B takes over A's partitions and handles what A
        // had not committed, then B commits everything when it stops.
        consumerA.stop()
        runA.wait(timeout: 20)
        let seenBeforeTakeover = seenB.count
        XCTAssertTrue(waitUntil(timeout: 30) { seenB.count > seenBeforeTakeover } || seenB.count > 0)
        usleep(8_000_000)  // the mock cluster's rebalance after A left
        consumerB.stop()
        runB.wait(timeout: 20)

        XCTAssertNil(runA.error)
        XCTAssertNil(runB.error)

        XCTAssertEqual(Set(seenA.numbers + seenB.numbers), Set(0..<240))
        XCTAssertGreaterThan(seenA.count, 0)
        XCTAssertGreaterThan(seenB.count, 0)
        XCTAssertEqual(try cluster.committedOffsets(group: profile.consumerName), Array(repeating: 20, count: 12))
    }

    func testUnknownTopicStopsRun() throws {
        let cluster = try TestCluster()
        cluster.failMetadata(of: "no-such-topic", with: RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART)
        let consumer = try cluster.consumer(cluster.profile(), topic: "no-such-topic")
        let run = BackgroundRun(consumer) { _ in 0 }
        run.wait(timeout: 30)

        let error = try XCTUnwrap(run.error as? MisterWebhooksError)
        XCTAssertEqual(error.code, .kafka)
        XCTAssertTrue(error.message.contains("no-such-topic"), error.message)
    }

    func testUnauthorizedTopicStopsRun() throws {
        let cluster = try TestCluster()
        cluster.failMetadata(of: cluster.topic, with: RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED)
        let consumer = try cluster.consumer(cluster.profile())
        let run = BackgroundRun(consumer) { _ in 0 }
        run.wait(timeout: 30)

        let error = try XCTUnwrap(run.error as? MisterWebhooksError)
        XCTAssertEqual(error.code, .kafka)
        XCTAssertTrue(error.message.contains("not authorized"), error.message)
    }

    func testUnreachableBrokerTimesOut() throws {
        let profile = ConnectionProfile(consumerName: "unreachable", authMechanism: nil, authSecret: nil,
                                        kafkaBootstrap: "127.0.0.1:1", securityProtocol: "PLAINTEXT")
        let consumer = try WebhookConsumer(topic: "webhooks", profile: profile)
        try consumer.setOption("mw.broker.timeout.ms", "2000")
        let start = Date()
        XCTAssertThrowsError(try consumer.run { _ in 0 }) { error in
            let error = error as? MisterWebhooksError
            XCTAssertEqual(error?.code, .kafka)
            XCTAssertTrue(error?.message.contains("127.0.0.1:1") ?? false, error?.message ?? "")
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 20)
    }

    func testSetOptionRejectsUnknownKeys() throws {
        let cluster = try TestCluster()
        let consumer = try cluster.consumer(cluster.profile())
        XCTAssertThrowsError(try consumer.setOption("no.such.property", "1")) { error in
            XCTAssertEqual((error as? MisterWebhooksError)?.code, .kafka)
            XCTAssertTrue("\(error)".contains("no.such.property"))
        }
        XCTAssertThrowsError(try consumer.setOption("mw.unknown", "1")) { error in
            XCTAssertEqual((error as? MisterWebhooksError)?.code, .invalidArgument)
        }
        XCTAssertThrowsError(try consumer.setOption("mw.commit.timeout.ms", "soon")) { error in
            XCTAssertEqual((error as? MisterWebhooksError)?.code, .invalidArgument)
        }
        XCTAssertNoThrow(try consumer.setOption("session.timeout.ms", "10000"))
        XCTAssertNoThrow(try consumer.setOption("mw.poll.interval.ms", "50"))
    }
}
