// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "misterwebhooks",
    products: [
        // libmisterwebhooks.so: the C ABI declared in include/misterwebhooks.h.
        // Release builds go through `make`, which links it with -static-stdlib
        // and a version script that exports only the mw_ symbols.
        .library(name: "misterwebhooks", type: .dynamic, targets: ["MisterWebhooksExports"]),
        .executable(name: "mister-webhooks", targets: ["mister-webhooks"]),
    ],
    targets: [
        .systemLibrary(
            name: "CRdKafka",
            pkgConfig: "rdkafka",
            providers: [.apt(["librdkafka-dev"])]
        ),
        // Record decoding: the envelope header, Avro, JSON and CBOR. Pure Swift,
        // no Kafka and no C, so it can be tested and fuzzed on its own.
        .target(
            name: "MisterWebhooksDecoding",
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"])]
        ),
        // Connection profiles and the librdkafka consumer.
        .target(
            name: "MisterWebhooksKafka",
            dependencies: ["MisterWebhooksDecoding", "CRdKafka"]
        ),
        // The @_cdecl functions of include/misterwebhooks.h, and nothing else.
        .target(
            name: "MisterWebhooksExports",
            dependencies: ["MisterWebhooksDecoding", "MisterWebhooksKafka"],
            exclude: ["exports.map"]
        ),
        .executableTarget(
            name: "mister-webhooks",
            dependencies: ["MisterWebhooksDecoding", "MisterWebhooksKafka", "CRdKafka"]
        ),
        .testTarget(
            name: "MisterWebhooksDecodingTests",
            dependencies: ["MisterWebhooksDecoding"]
        ),
        .testTarget(
            name: "MisterWebhooksKafkaTests",
            dependencies: ["MisterWebhooksKafka", "MisterWebhooksDecoding", "CRdKafka"]
        ),
    ],
    swiftLanguageModes: [.v5]
)
