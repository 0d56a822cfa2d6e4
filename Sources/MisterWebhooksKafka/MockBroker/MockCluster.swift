import CRdKafka

/// librdkafka's in-process mock Kafka cluster, listening on 127.0.0.1, for
/// the development broker and tests. It supports consumer groups and offset
/// commits, but not SASL or TLS, and keeps only about 5 MB of records per
/// partition (older records are dropped silently).
public final class MockCluster {
    /// The producer whose client owns the cluster; it also publishes to it.
    public let publisher: WebhookPublisher
    private let cluster: OpaquePointer

    /// Starts a cluster of `brokers` brokers.
    public init(brokers: Int = 1) throws {
        publisher = try WebhookPublisher(properties: [
            ("test.mock.num.brokers", String(brokers)),
            ("client.id", "mister-webhooks-dev-broker"),
            ("log_level", "3"),
        ])
        guard let cluster = rd_kafka_handle_mock_cluster(publisher.handle) else {
            throw MisterWebhooksError(.kafka, "librdkafka did not create a mock cluster; it needs librdkafka 1.4 or newer built with mock support")
        }
        self.cluster = cluster
    }

    /// The bootstrap servers, "127.0.0.1:PORT,...".
    public var bootstrapServers: String {
        String(cString: rd_kafka_mock_cluster_bootstraps(cluster))
    }

    /// The mock cluster handle, for fault injection (`rd_kafka_mock_*`).
    public var handle: OpaquePointer { cluster }

    /// Creates a topic with `partitions` partitions.
    public func createTopic(_ topic: String, partitions: Int) throws {
        let error = rd_kafka_mock_topic_create(cluster, topic, Int32(partitions), 1)
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw MisterWebhooksError(.kafka, "cannot create topic \(topic): \(describe(error))")
        }
    }

    /// Returns a PLAINTEXT connection profile for this cluster.
    public func profile(consumerName: String) -> ConnectionProfile {
        ConnectionProfile(consumerName: consumerName, authMechanism: nil, authSecret: nil,
                          kafkaBootstrap: bootstrapServers, securityProtocol: "PLAINTEXT")
    }
}
