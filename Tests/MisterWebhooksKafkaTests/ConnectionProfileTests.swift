import Foundation
@testable import MisterWebhooksKafka
import XCTest

final class ConnectionProfileTests: XCTestCase {
    func parse(_ json: String) throws -> ConnectionProfile {
        try ConnectionProfile.parse(Array(json.utf8), source: "connection profile test.json")
    }

    func assertProfileError(_ json: String, mentions field: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try parse(json), file: file, line: line) { error in
            let error = error as? MisterWebhooksError
            XCTAssertEqual(error?.code, .profile, file: file, line: line)
            XCTAssertTrue(error?.message.contains(field) ?? false, "\(error?.message ?? "") does not name \(field)", file: file, line: line)
            XCTAssertTrue(error?.message.contains("test.json") ?? false, "\(error?.message ?? "") does not name the file", file: file, line: line)
            XCTAssertFalse(error?.message.contains("s3cret") ?? true, "the secret leaked", file: file, line: line)
        }
    }

    func testPublishedBootstrapShape() throws {
        let profile = try parse(#"{"consumer_name": "acme", "auth": {"mechanism": "plain", "secret": "s3cret"}, "kafka": {"bootstrap": "kafka.example:9093"}}"#)
        XCTAssertEqual(profile.consumerName, "acme")
        XCTAssertEqual(profile.authMechanism, "plain")
        XCTAssertEqual(profile.authSecret, "s3cret")
        XCTAssertEqual(profile.kafkaBootstrap, "kafka.example:9093")
        XCTAssertEqual(profile.securityProtocol, "SASL_SSL")
        XCTAssertNil(profile.sslCALocation)
        XCTAssertFalse(profile.description.contains("s3cret"))
    }

    func testServersListShape() throws {
        let profile = try parse(#"{"consumer_name": "acme", "auth": {"mechanism": "PLAIN", "secret": "s3cret"}, "kafka": {"servers": ["a:9093", "b:9093"], "security_protocol": "sasl_plaintext", "ssl_ca_location": "/etc/ca.pem"}}"#)
        XCTAssertEqual(profile.kafkaBootstrap, "a:9093,b:9093")
        XCTAssertEqual(profile.securityProtocol, "SASL_PLAINTEXT")
        XCTAssertEqual(profile.authMechanism, "plain")
        XCTAssertEqual(profile.sslCALocation, "/etc/ca.pem")
    }

    func testBootstrapAndServersCombine() throws {
        let profile = try parse(#"{"consumer_name": "acme", "kafka": {"bootstrap": "a:1", "servers": ["a:1", "b:2"], "security_protocol": "PLAINTEXT"}}"#)
        XCTAssertEqual(profile.kafkaBootstrap, "a:1,b:2")
        XCTAssertNil(profile.authSecret)
    }

    func testAuthOptionalOnlyWithoutSASL() throws {
        XCTAssertNoThrow(try parse(#"{"consumer_name": "a", "kafka": {"bootstrap": "h:1", "security_protocol": "SSL"}}"#))
        assertProfileError(#"{"consumer_name": "a", "kafka": {"bootstrap": "h:1"}}"#, mentions: "\"auth\"")
        assertProfileError(#"{"consumer_name": "a", "kafka": {"bootstrap": "h:1", "security_protocol": "SASL_PLAINTEXT"}}"#, mentions: "\"auth\"")
    }

    func testBadFieldsAreNamed() {
        let auth = #""auth": {"mechanism": "plain", "secret": "s3cret"}"#
        assertProfileError(#"{"auth": {"mechanism": "plain", "secret": "s3cret"}, "kafka": {"bootstrap": "h:1"}}"#, mentions: "consumer_name")
        assertProfileError(#"{"consumer_name": 7, \#(auth), "kafka": {"bootstrap": "h:1"}}"#, mentions: "consumer_name")
        assertProfileError(#"{"consumer_name": "", \#(auth), "kafka": {"bootstrap": "h:1"}}"#, mentions: "consumer_name")
        assertProfileError(#"{"consumer_name": "a", \#(auth)}"#, mentions: "kafka")
        assertProfileError(#"{"consumer_name": "a", \#(auth), "kafka": []}"#, mentions: "kafka")
        assertProfileError(#"{"consumer_name": "a", \#(auth), "kafka": {}}"#, mentions: "kafka.bootstrap")
        assertProfileError(#"{"consumer_name": "a", \#(auth), "kafka": {"bootstrap": 9092}}"#, mentions: "kafka.bootstrap")
        assertProfileError(#"{"consumer_name": "a", \#(auth), "kafka": {"bootstrap": "no-port"}}"#, mentions: "kafka.bootstrap")
        assertProfileError(#"{"consumer_name": "a", \#(auth), "kafka": {"servers": "h:1"}}"#, mentions: "kafka.servers")
        assertProfileError(#"{"consumer_name": "a", \#(auth), "kafka": {"servers": ["h:1", 2]}}"#, mentions: "kafka.servers[1]")
        assertProfileError(#"{"consumer_name": "a", \#(auth), "kafka": {"bootstrap": "h:1", "security_protocol": "TLS"}}"#, mentions: "kafka.security_protocol")
        assertProfileError(#"{"consumer_name": "a", \#(auth), "kafka": {"bootstrap": "h:1", "ssl_ca_location": false}}"#, mentions: "kafka.ssl_ca_location")
        assertProfileError(#"{"consumer_name": "a", "auth": "s3cret", "kafka": {"bootstrap": "h:1"}}"#, mentions: "\"auth\"")
        assertProfileError(#"{"consumer_name": "a", "auth": {"mechanism": "scram-sha-256", "secret": "s3cret"}, "kafka": {"bootstrap": "h:1"}}"#, mentions: "auth.mechanism")
        assertProfileError(#"{"consumer_name": "a", "auth": {"mechanism": "plain"}, "kafka": {"bootstrap": "h:1"}}"#, mentions: "auth.secret")
        assertProfileError(#"{"consumer_name": "a", "auth": {"mechanism": "plain", "secret": 5}, "kafka": {"bootstrap": "h:1"}}"#, mentions: "auth.secret")
        assertProfileError(#"["s3cret"]"#, mentions: "JSON object")
        assertProfileError(#"{"consumer_name": "a", "auth": {"secret": "s3cret""#, mentions: "not valid JSON")
    }

    func testEmptyProfileIsNamed() {
        XCTAssertThrowsError(try parse(" \n")) { error in
            XCTAssertEqual((error as? MisterWebhooksError)?.code, .profile)
            XCTAssertTrue("\(error)".contains("test.json is empty"), "\(error)")
        }
    }

    func testInvalidTopicNamesRejected() {
        let profile = ConnectionProfile(consumerName: "a", authMechanism: nil, authSecret: nil,
                                        kafkaBootstrap: "127.0.0.1:1", securityProtocol: "PLAINTEXT")
        for topic in ["bad topic!", String(repeating: "t", count: 250), "..", "caf\u{e9}"] {
            XCTAssertThrowsError(try WebhookConsumer(topic: topic, profile: profile), topic) { error in
                XCTAssertEqual((error as? MisterWebhooksError)?.code, .invalidArgument)
                XCTAssertTrue("\(error)".contains("invalid topic name"), "\(error)")
            }
        }
        XCTAssertNoThrow(try WebhookConsumer(topic: "acme.prod_webhooks-1", profile: profile))
    }

    func testMissingFileIsIOError() {
        XCTAssertThrowsError(try ConnectionProfile.load(path: "/nonexistent/profile.json")) { error in
            let error = error as? MisterWebhooksError
            XCTAssertEqual(error?.code, .io)
            XCTAssertTrue(error?.message.contains("/nonexistent/profile.json") ?? false)
            XCTAssertTrue(error?.message.contains("No such file") ?? false, error?.message ?? "")
        }
    }

    func testLoadFromFile() throws {
        let path = NSTemporaryDirectory() + "profile-\(UUID().uuidString).json"
        try #"{"consumer_name": "acme", "auth": {"mechanism": "plain", "secret": "s3cret"}, "kafka": {"bootstrap": "h:1"}}"#
            .write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        XCTAssertEqual(try ConnectionProfile.load(path: path).consumerName, "acme")
    }

    func testBuiltInCAIsTheMisterWebhooksCA() {
        XCTAssertTrue(BrokerCA.pem.hasPrefix("-----BEGIN CERTIFICATE-----\nMIICuDCCAmqgAwIBAgIURKmZE5o9LPqEQpU6yahiP+TLwpAw"))
        XCTAssertTrue(BrokerCA.pem.hasSuffix("-----END CERTIFICATE-----"))
    }
}
