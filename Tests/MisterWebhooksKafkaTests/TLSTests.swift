import Foundation
@testable import MisterWebhooksKafka
import XCTest

/// Checks which certificate authorities a consumer trusts, against an
/// `openssl s_server` on 127.0.0.1 whose certificate a test CA signed.
final class TLSTests: XCTestCase {
    var directory = ""
    var server: Process?
    var serverOutput = Pipe()
    var port: UInt16 = 0

    override func setUpWithError() throws {
        configureTestLogging()
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl") else {
            throw XCTSkip("openssl is not installed; apt-get install openssl")
        }
        directory = NSTemporaryDirectory() + "mw-tls-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try makeCertificates()
        port = try freePort()

        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        server.arguments = ["s_server", "-accept", "127.0.0.1:\(port)", "-cert", "\(directory)/server.pem",
                            "-key", "\(directory)/server.key", "-quiet"]
        server.standardOutput = serverOutput
        server.standardError = serverOutput
        try server.run()
        self.server = server
        usleep(500_000)
    }

    override func tearDown() {
        server?.terminate()
        server?.waitUntilExit()
        try? FileManager.default.removeItem(atPath: directory)
    }

    func openssl(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "openssl \(arguments.joined(separator: " ")) failed")
    }

    /// A CA and a server certificate for 127.0.0.1 (librdkafka 2.0 checks
    /// the broker's host name, so the address is an IP subject alternative name).
    func makeCertificates() throws {
        try openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=Test CA",
                     "-keyout", "\(directory)/ca.key", "-out", "\(directory)/ca.pem"])
        try openssl(["req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1",
                     "-keyout", "\(directory)/server.key", "-out", "\(directory)/server.csr"])
        try "subjectAltName=IP:127.0.0.1\n".write(toFile: "\(directory)/san.ext", atomically: true, encoding: .utf8)
        try openssl(["x509", "-req", "-in", "\(directory)/server.csr", "-CA", "\(directory)/ca.pem",
                     "-CAkey", "\(directory)/ca.key", "-CAcreateserial", "-days", "2",
                     "-extfile", "\(directory)/san.ext", "-out", "\(directory)/server.pem"])
    }

    func freePort() throws -> UInt16 {
        let socketHandle = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socketHandle) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        try withUnsafeMutablePointer(to: &address) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                guard bind(socketHandle, $0, length) == 0, getsockname(socketHandle, $0, &length) == 0 else {
                    throw XCTSkip("cannot bind a port on 127.0.0.1")
                }
            }
        }
        return UInt16(bigEndian: address.sin_port)
    }

    /// Runs a consumer against the TLS server until the broker timeout and
    /// returns the error message it ended with.
    func runConsumer(caLocation: String?) throws -> String {
        let profile = ConnectionProfile(consumerName: "tls-test", authMechanism: nil, authSecret: nil,
                                        kafkaBootstrap: "127.0.0.1:\(port)", securityProtocol: "SSL", sslCALocation: caLocation)
        let consumer = try WebhookConsumer(topic: "webhooks", profile: profile)
        try consumer.setOption("mw.broker.timeout.ms", "3000")
        var message = ""
        XCTAssertThrowsError(try consumer.run { _ in 0 }) { error in
            message = (error as? MisterWebhooksError)?.message ?? "\(error)"
        }
        return message
    }

    func testDefaultProfileRejectsOtherCA() throws {
        let message = try runConsumer(caLocation: nil)
        XCTAssertTrue(message.contains("certificate verify failed"), message)
    }

    func testProfileCALocationPassesHandshake() throws {
        let message = try runConsumer(caLocation: "\(directory)/ca.pem")
        XCTAssertFalse(message.contains("certificate verify failed"), message)
        XCTAssertFalse(message.contains("SSL handshake failed"), message)
        // The consumer got as far as the Kafka protocol's first request.
        XCTAssertTrue(message.contains("APIVERSION_QUERY"), message)
    }

    func testMissingCAFileIsRejected() throws {
        let profile = ConnectionProfile(consumerName: "tls-test", authMechanism: nil, authSecret: nil,
                                        kafkaBootstrap: "127.0.0.1:\(port)", securityProtocol: "SSL",
                                        sslCALocation: "\(directory)/missing.pem")
        XCTAssertThrowsError(try WebhookConsumer(topic: "webhooks", profile: profile).run { _ in 0 }) { error in
            XCTAssertEqual((error as? MisterWebhooksError)?.code, .kafka)
            XCTAssertTrue("\(error)".contains("missing.pem"), "\(error)")
        }
    }
}
