import Foundation
@testable import MisterWebhooksKafka
import XCTest

/// Log lines received by the handler under test.
final class LogCapture: @unchecked Sendable {  // guarded by lock
    let lock = NSLock()
    var lines: [(Int32, String)] = []

    func add(_ level: Int32, _ message: String) {
        lock.lock()
        lines.append((level, message))
        lock.unlock()
    }

    var snapshot: [(Int32, String)] {
        lock.lock()
        defer { lock.unlock() }
        return lines
    }
}

final class LogTests: XCTestCase {
    override func tearDown() {
        configureTestLogging()
    }

    func install(_ capture: LogCapture, maxLevel: LogLevel) {
        Log.setHandler({ level, message, context in
            Unmanaged<LogCapture>.fromOpaque(context!).takeUnretainedValue().add(level, String(cString: message!))
        }, context: Unmanaged.passUnretained(capture).toOpaque(), maxLevel: maxLevel)
    }

    func testHandlerReceivesConsumerLifecycle() throws {
        let capture = LogCapture()
        install(capture, maxLevel: .info)
        let cluster = try TestCluster()
        try cluster.publishNumbered(0..<1)
        let profile = cluster.profile()
        let consumer = try cluster.consumer(profile)
        let seen = Seen()
        let run = BackgroundRun(consumer) { seen.add($0); return 0 }
        XCTAssertTrue(waitUntil(timeout: 30) { seen.count >= 1 })
        consumer.stop()
        run.wait(timeout: 15)

        let messages = capture.snapshot.map(\.1)
        XCTAssertTrue(messages.contains { $0.contains("consumer \(profile.consumerName) started") }, "\(messages)")
        XCTAssertTrue(messages.contains { $0.contains("partitions assigned: \(cluster.topic)[0]") }, "\(messages)")
        XCTAssertTrue(messages.contains { $0.contains("consumer \(profile.consumerName) stopped") }, "\(messages)")
        XCTAssertFalse(capture.snapshot.contains { $0.0 > LogLevel.info.rawValue })
    }

    func testMaxLevelFilters() {
        let capture = LogCapture()
        install(capture, maxLevel: .warning)
        Log.info("not shown")
        Log.warning("shown")
        Log.error("also shown")
        XCTAssertEqual(capture.snapshot.map(\.1), ["shown", "also shown"])
    }

    func testSecretNeverLogged() throws {
        let capture = LogCapture()
        install(capture, maxLevel: .debug)
        let profile = ConnectionProfile(consumerName: "secretive", authMechanism: "plain", authSecret: "hunter2-s3cret",
                                        kafkaBootstrap: "127.0.0.1:1", securityProtocol: "SASL_PLAINTEXT")
        let consumer = try WebhookConsumer(topic: "webhooks", profile: profile)
        try consumer.setOption("debug", "all")
        try consumer.setOption("mw.broker.timeout.ms", "1500")
        XCTAssertThrowsError(try consumer.run { _ in 0 }) { error in
            XCTAssertFalse("\(error)".contains("hunter2"))
        }
        XCTAssertGreaterThan(capture.snapshot.count, 10)
        XCTAssertFalse(capture.snapshot.contains { $0.1.contains("hunter2") })
    }
}
