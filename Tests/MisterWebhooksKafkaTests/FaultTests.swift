import CRdKafka
import Foundation
import MisterWebhooksDecoding
@testable import MisterWebhooksKafka
import XCTest

/// At-least-once delivery under faults injected into librdkafka's mock
/// cluster (3 brokers, 12 partitions): every published event reaches the
/// handler, and no offset is committed ahead of the handler. Each case prints
/// `fault NAME: published N, handled H, duplicates D, lost L`.
final class FaultTests: XCTestCase {
    override func setUp() {
        CapturedLog.shared.install()
    }

    override func tearDown() {
        configureTestLogging()
    }

    func testBrokerDownAndBackLosesNothing() throws {
        let start = Date()
        let scenario = try FaultScenario(name: "broker down and up", eventCount: 1200)
        // Broker 1 leads some partitions and is made the group coordinator,
        // so its outage stops fetches, heartbeats and commits.
        XCTAssertEqual(rd_kafka_mock_coordinator_set(scenario.mock, "group", scenario.group, 1), RD_KAFKA_RESP_ERR_NO_ERROR)
        try scenario.assertBrokerKeepsEverything()

        let consumer = try scenario.consumer([("auto.commit.interval.ms", "300")])
        let run = scenario.start(consumer, delayMicroseconds: 3000)
        XCTAssertTrue(scenario.waitForDistinct(300, timeout: 30))

        XCTAssertEqual(rd_kafka_mock_broker_set_down(scenario.mock, 1), RD_KAFKA_RESP_ERR_NO_ERROR)
        sleep(4)
        XCTAssertEqual(rd_kafka_mock_broker_set_up(scenario.mock, 1), RD_KAFKA_RESP_ERR_NO_ERROR)

        XCTAssertTrue(scenario.waitForDistinct(scenario.eventCount, timeout: 90))
        let stopRequested = Date()
        consumer.stop()
        run.wait(timeout: 30)
        print("fault \(scenario.name): run returned \(elapsedSeconds(since: stopRequested)) after stop with \(String(describing: run.error))")

        // When the outage and librdkafka's reconnect backoff outlast the 6 s
        // session timeout, the group drops the member, its final commit fails
        // with "assignment lost", and the run must say so. The next consumer
        // then gets every uncommitted event.
        if let error = run.error {
            let error = try XCTUnwrap(error as? MisterWebhooksError)
            XCTAssertEqual(error.code, .kafka)
            XCTAssertTrue(error.message.contains("delivered again"), error.message)
            let committedAtStop = try scenario.cluster.committedOffsets(group: scenario.group)
            scenario.assertCommitsBehindHandler(committedAtStop)
            let secondHandled = try drainWithNewConsumer(scenario)
            for (partition, lowest) in secondHandled.lowestOffsets() {
                XCTAssertEqual(lowest, max(committedAtStop[Int(partition)], 0), "the next consumer must start at the committed offset of partition \(partition)")
            }
        }
        let summary = scenario.verify(committed: try scenario.cluster.committedOffsets(group: scenario.group))
        XCTAssertEqual(summary.lost, 0)
        print("fault \(scenario.name): took \(elapsedSeconds(since: start))")
    }

    func testOffsetCommitErrorsAreRetried() throws {
        let start = Date()
        let scenario = try FaultScenario(name: "offset commit errors", eventCount: 1200)
        try scenario.assertBrokerKeepsEverything()
        let transientErrors = [RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE, RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT]

        let first = try scenario.consumer([("auto.commit.interval.ms", "300")])
        let firstRun = scenario.start(first, delayMicroseconds: 3000)
        XCTAssertTrue(scenario.waitForDistinct(200, timeout: 30))
        scenario.cluster.pushRequestErrors(apiKey: offsetCommitApiKey, Array(repeating: transientErrors, count: 3).flatMap { $0 })
        XCTAssertTrue(scenario.waitForDistinct(600, timeout: 30))
        scenario.assertCommitsBehindHandler(try scenario.cluster.committedOffsets(group: scenario.group))

        // The final commit at stop meets three failures in a row. librdkafka
        // retries these errors itself, and the run retries for
        // mw.commit.timeout.ms (10 s by default).
        scenario.cluster.pushRequestErrors(apiKey: offsetCommitApiKey, transientErrors + [RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE])
        let stopRequested = Date()
        first.stop()
        firstRun.wait(timeout: 30)
        print("fault \(scenario.name): run returned \(elapsedSeconds(since: stopRequested)) after stop with \(String(describing: firstRun.error))")

        // Either the retries succeed and the final commit covers every
        // handled event, or the run says that records come again: the
        // coordinator errors can stall heartbeats past the 6 s session
        // timeout, and a consumer dropped from the group cannot commit.
        let committedAtStop = try scenario.cluster.committedOffsets(group: scenario.group)
        scenario.assertCommitsBehindHandler(committedAtStop)
        if let error = firstRun.error {
            let error = try XCTUnwrap(error as? MisterWebhooksError)
            XCTAssertEqual(error.code, .kafka)
            XCTAssertTrue(error.message.contains("delivered again"), error.message)
        } else {
            for (partition, expected) in scenario.offsetsAfterLastHandled().enumerated() {
                guard let expected else { continue }
                XCTAssertEqual(committedAtStop[partition], expected, "partition \(partition): the final commit must cover every handled event")
            }
        }

        let secondHandled = try drainWithNewConsumer(scenario)
        for (partition, lowest) in secondHandled.lowestOffsets() {
            XCTAssertEqual(lowest, max(committedAtStop[Int(partition)], 0), "the next consumer must start at the committed offset of partition \(partition)")
        }
        let summary = scenario.verify(committed: try scenario.cluster.committedOffsets(group: scenario.group))
        XCTAssertEqual(summary.lost, 0)
        if firstRun.error == nil {
            XCTAssertEqual(summary.duplicates, 0)
        }
        print("fault \(scenario.name): took \(elapsedSeconds(since: start))")
    }

    func testFinalCommitFailureRedeliversToNextConsumer() throws {
        let start = Date()
        let scenario = try FaultScenario(name: "final commit fails", eventCount: 1200)
        try scenario.assertBrokerKeepsEverything()

        let first = try scenario.consumer([("auto.commit.interval.ms", "300"), ("mw.commit.timeout.ms", "2000")])
        let firstRun = scenario.start(first, delayMicroseconds: 3000)
        XCTAssertTrue(scenario.waitForDistinct(400, timeout: 30))

        // The next 500 OffsetCommit requests fail, those of the final commit included.
        scenario.cluster.pushRequestErrors(apiKey: offsetCommitApiKey, Array(repeating: RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE, count: 500))
        usleep(500_000)
        let stopRequested = Date()
        first.stop()
        firstRun.wait(timeout: 30)
        let stopSeconds = Date().timeIntervalSince(stopRequested)
        print("fault \(scenario.name): run returned \(String(format: "%.1f", stopSeconds)) s after stop with \(String(describing: firstRun.error))")

        let error = try XCTUnwrap(firstRun.error as? MisterWebhooksError, "the run must report the failed final commit")
        XCTAssertEqual(error.code, .kafka)
        XCTAssertTrue(error.message.contains("final offset commit"), error.message)
        XCTAssertTrue(error.message.contains("delivered again"), error.message)
        // mw.commit.timeout.ms bounds the final commit, and leaving the group
        // adds its own time: runs returned 2.7 to 3.0 s after stop with 2 s
        // on an idle machine.
        XCTAssertLessThan(stopSeconds, 10, "mw.commit.timeout.ms is 2 s")

        rd_kafka_mock_clear_request_errors(scenario.mock, offsetCommitApiKey)
        let committedAtStop = try scenario.cluster.committedOffsets(group: scenario.group)
        scenario.assertCommitsBehindHandler(committedAtStop)
        let uncommittedHandled = scenario.offsetsAfterLastHandled().enumerated().reduce(0) { total, entry in
            guard let end = entry.element else { return total }
            return total + Int(end - max(committedAtStop[entry.offset], 0))
        }
        XCTAssertGreaterThan(uncommittedHandled, 0, "the failed commits should have left handled events uncommitted")

        let secondHandled = try drainWithNewConsumer(scenario)
        for (partition, lowest) in secondHandled.lowestOffsets() {
            XCTAssertEqual(lowest, max(committedAtStop[Int(partition)], 0), "the next consumer must start at the committed offset of partition \(partition)")
        }
        let summary = scenario.verify(committed: try scenario.cluster.committedOffsets(group: scenario.group))
        XCTAssertEqual(summary.lost, 0)
        XCTAssertEqual(summary.duplicates, uncommittedHandled, "exactly the handled but uncommitted events come again")
        print("fault \(scenario.name): took \(elapsedSeconds(since: start))")
    }

    func testUnresponsiveBrokersAtStopBoundTheRun() throws {
        let start = Date()
        let scenario = try FaultScenario(name: "brokers stop answering at stop", eventCount: 1200)
        try scenario.assertBrokerKeepsEverything()

        let first = try scenario.consumer([("auto.commit.interval.ms", "300"), ("mw.commit.timeout.ms", "1000")])
        let firstRun = scenario.start(first, delayMicroseconds: 3000)
        XCTAssertTrue(scenario.waitForDistinct(400, timeout: 30))

        // Every broker now delays its responses by 60 s, so the final commit
        // and the LeaveGroup request get no response before the run must
        // return.
        XCTAssertEqual(rd_kafka_mock_broker_set_rtt(scenario.mock, -1, 60_000), RD_KAFKA_RESP_ERR_NO_ERROR)
        usleep(200_000)
        let stopRequested = Date()
        first.stop()
        firstRun.wait(timeout: 30)
        let stopSeconds = Date().timeIntervalSince(stopRequested)
        print("fault \(scenario.name): run returned \(String(format: "%.1f", stopSeconds)) s after stop with \(String(describing: firstRun.error))")

        // One mw.commit.timeout.ms for the final commit and one for leaving
        // the group, then rd_kafka_destroy waits for the requests in flight
        // to the coordinator to time out. Here the heartbeat timed out first,
        // after about session.timeout.ms (6 s in these tests), and runs
        // returned after 6.0 to 6.7 s. An OffsetCommit can hold it up to
        // socket.timeout.ms (60 s) instead.
        XCTAssertLessThan(stopSeconds, 15, "mw.commit.timeout.ms is 1 s, session.timeout.ms 6 s")
        let error = try XCTUnwrap(firstRun.error as? MisterWebhooksError, "the run must report the final commit that timed out")
        XCTAssertEqual(error.code, .kafka)
        XCTAssertTrue(error.message.contains("timed out"), error.message)
        XCTAssertFalse(CapturedLog.shared.lines(containing: "leaving the consumer group did not finish", atMost: .warning).isEmpty, "the log should say the consumer closed without leaving the group")

        XCTAssertEqual(rd_kafka_mock_broker_set_rtt(scenario.mock, -1, 0), RD_KAFKA_RESP_ERR_NO_ERROR)
        let committedAtStop = try scenario.cluster.committedOffsets(group: scenario.group)
        scenario.assertCommitsBehindHandler(committedAtStop)
        _ = try drainWithNewConsumer(scenario)
        let summary = scenario.verify(committed: try scenario.cluster.committedOffsets(group: scenario.group))
        XCTAssertEqual(summary.lost, 0)
        print("fault \(scenario.name): took \(elapsedSeconds(since: start))")
    }

    func testCoordinatorMoveLosesNothing() throws {
        let start = Date()
        let scenario = try FaultScenario(name: "coordinator moves", eventCount: 1200)
        XCTAssertEqual(rd_kafka_mock_coordinator_set(scenario.mock, "group", scenario.group, 1), RD_KAFKA_RESP_ERR_NO_ERROR)
        try scenario.assertBrokerKeepsEverything()

        let consumer = try scenario.consumer([("auto.commit.interval.ms", "300")])
        let run = scenario.start(consumer, delayMicroseconds: 3000)
        XCTAssertTrue(scenario.waitForDistinct(300, timeout: 30))
        XCTAssertEqual(rd_kafka_mock_coordinator_set(scenario.mock, "group", scenario.group, 2), RD_KAFKA_RESP_ERR_NO_ERROR)
        XCTAssertTrue(scenario.waitForDistinct(700, timeout: 30))
        XCTAssertEqual(rd_kafka_mock_coordinator_set(scenario.mock, "group", scenario.group, 3), RD_KAFKA_RESP_ERR_NO_ERROR)

        XCTAssertTrue(scenario.waitForDistinct(scenario.eventCount, timeout: 60))
        consumer.stop()
        run.wait(timeout: 30)

        XCTAssertNil(run.error)
        let summary = scenario.verify(committed: try scenario.cluster.committedOffsets(group: scenario.group))
        XCTAssertEqual(summary.lost, 0)
        print("fault \(scenario.name): took \(elapsedSeconds(since: start))")
    }

    func testSlowHandlerRejoinsAndLosesNothing() throws {
        let start = Date()
        let scenario = try FaultScenario(name: "handler slower than max.poll.interval.ms", eventCount: 600)
        try scenario.assertBrokerKeepsEverything()

        // librdkafka requires max.poll.interval.ms >= session.timeout.ms.
        let consumer = try scenario.consumer([
            ("session.timeout.ms", "3000"), ("max.poll.interval.ms", "3000"), ("auto.commit.interval.ms", "300"),
        ])
        let slowEventDone = LockedFlag()
        let run = scenario.start(consumer, delayMicroseconds: 1000) { event in
            if event.offset == 10 && event.partition == 0 && !slowEventDone.isSet {
                slowEventDone.set()
                usleep(5_000_000)
            }
        }

        XCTAssertTrue(scenario.waitForDistinct(scenario.eventCount, timeout: 90))
        consumer.stop()
        run.wait(timeout: 30)

        XCTAssertNil(run.error)
        XCTAssertTrue(slowEventDone.isSet)
        let warnings = CapturedLog.shared.lines(containing: "max.poll.interval.ms", atMost: .warning)
        XCTAssertFalse(warnings.filter { $0.contains("rejoins") }.isEmpty, "the library should log that the consumer left the group and rejoins: \(warnings)")
        let summary = scenario.verify(committed: try scenario.cluster.committedOffsets(group: scenario.group))
        XCTAssertEqual(summary.lost, 0)
        print("fault \(scenario.name): took \(elapsedSeconds(since: start))")
    }

    /// Runs a new consumer of the scenario's group until every partition is
    /// committed to its end, stops it, and returns what it handled.
    private func drainWithNewConsumer(_ scenario: FaultScenario, file: StaticString = #filePath, line: UInt = #line) throws -> HandledRecords {
        let secondHandled = HandledRecords()
        let second = try scenario.consumer()
        let secondRun = BackgroundRun(second) { event in
            scenario.handled.add(event)
            secondHandled.add(event)
            return 0
        }
        // Every event may have been handled already, by the first consumer,
        // so wait for the commits: they reach the high watermarks only after
        // this consumer handled what was left uncommitted.
        let everythingCommitted = waitUntil(timeout: 60) {
            (try? scenario.cluster.committedOffsets(group: scenario.group)) == scenario.publishedPerPartition
        }
        XCTAssertTrue(everythingCommitted, "the next consumer should commit every partition to its end", file: file, line: line)
        usleep(500_000)  // time for a record delivered twice to arrive
        second.stop()
        secondRun.wait(timeout: 30, file: file, line: line)
        XCTAssertNil(secondRun.error, file: file, line: line)
        return secondHandled
    }
}
