import MisterWebhooksDecoding
import MisterWebhooksKafka
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

// MARK: - consume

/// The consumer that SIGINT and SIGTERM stop.
nonisolated(unsafe) var signalledConsumer: WebhookConsumer?

func stopOnSignals() {
    let handler: @convention(c) (Int32) -> Void = { _ in
        signalledConsumer?.stop()
    }
    signal(SIGINT, handler)
    signal(SIGTERM, handler)
}

func runConsume(_ arguments: Arguments) {
    guard arguments.operands.count == 2 else {
        usageError("consume takes TOPIC and PROFILE, got \(arguments.operands.count) operands")
    }
    let maxEvents = arguments.integer("--max-events", default: 0, range: 0...Int.max)

    do {
        let profile = try ConnectionProfile.load(path: arguments.operands[1])
        let consumer = try WebhookConsumer(topic: arguments.operands[0], profile: profile)
        for option in arguments.values("--option") {
            guard let equals = option.firstIndex(of: "=") else {
                usageError("--option needs KEY=VALUE, got \(option)")
            }
            do {
                try consumer.setOption(String(option[..<equals]), String(option[option.index(after: equals)...]))
            } catch {
                usageError("--option \(option): \(error)")
            }
        }

        signalledConsumer = consumer
        stopOnSignals()
        var handled = 0
        try consumer.run { event in
            print(EventJSON.line(event))
            fflush(stdout)
            handled += 1
            if maxEvents > 0 && handled >= maxEvents {
                consumer.stop()
            }
            return 0
        }
    } catch {
        fail("\(error)")
    }
}

// MARK: - decode

func runDecode(_ arguments: Arguments) {
    guard arguments.operands.count <= 1 else {
        usageError("decode takes at most one FILE")
    }
    let envelopeHex = arguments.value("--envelope") ?? "80"
    guard let envelope = bytes(fromHex: envelopeHex) else {
        usageError("--envelope must be hexadecimal bytes, got \(envelopeHex)")
    }
    let timestamp = Int64(arguments.integer("--timestamp-ms", default: 0, range: 0...Int.max))

    let value: [UInt8]
    if let path = arguments.operands.first, path != "-" {
        guard let contents = readAll(path: path) else {
            fail("cannot read \(path): \(String(cString: strerror(errno)))")
        }
        value = contents
    } else {
        guard let contents = readAll(file: stdin) else {
            fail("cannot read standard input: \(String(cString: strerror(errno)))")
        }
        value = contents
    }

    let event = WebhookEvent()
    do {
        let isEvent = try envelope.withUnsafeBytes { envelopeBytes in
            try value.withUnsafeBytes { valueBytes in
                try EnvelopeDecoder.decode(envelope: envelopeBytes, value: valueBytes, timestampMs: timestamp, into: event)
            }
        }
        if isEvent {
            print(EventJSON.line(event))
        } else {
            fputs("mister-webhooks: system record (envelope 0x\(envelopeHex)), skipped\n", stderr)
        }
    } catch {
        fail("\(error)", code: ExitCode.dataError)
    }
}

func bytes(fromHex text: String) -> [UInt8]? {
    let digits = Array(text.utf8)
    guard digits.count % 2 == 0 else { return nil }
    var output: [UInt8] = []
    var index = 0
    while index < digits.count {
        guard let byte = UInt8(String(decoding: digits[index..<index + 2], as: UTF8.self), radix: 16) else { return nil }
        output.append(byte)
        index += 2
    }
    return output
}

/// Returns the file's bytes, or nil with errno set when it cannot be opened
/// or read (a folder, for one, opens but fails to read with EISDIR).
func readAll(path: String) -> [UInt8]? {
    guard let file = fopen(path, "rb") else { return nil }
    defer { fclose(file) }
    return readAll(file: file)
}

func readAll(file: UnsafeMutablePointer<FILE>) -> [UInt8]? {
    var output: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = fread(&chunk, 1, chunk.count, file)
        output.append(contentsOf: chunk[0..<count])
        if count < chunk.count {
            return ferror(file) != 0 ? nil : output
        }
    }
}

// MARK: - publish

func runPublish(_ arguments: Arguments) {
    guard arguments.operands.count == 1 else {
        usageError("publish needs one FILE")
    }
    guard let profilePath = arguments.value("--profile"), let topic = arguments.value("--topic") else {
        usageError("publish needs --profile and --topic")
    }
    let methodName = (arguments.value("--method") ?? "POST").uppercased()
    guard let methodIndex = HTTPMethod.names.firstIndex(where: { $0.description == methodName }) else {
        usageError("--method must be one of GET, HEAD, POST, PUT, DELETE, PATCH, got \(methodName)")
    }
    let encodingName = (arguments.value("--encoding") ?? "json").lowercased()
    guard encodingName == "json" || encodingName == "cbor" else {
        usageError("--encoding must be json or cbor, got \(encodingName)")
    }
    let count = arguments.integer("--count", default: 1, range: 1...100_000_000)
    let rate = arguments.value("--rate").map { _ in arguments.integer("--rate", default: 0, range: 1...10_000_000) }

    var headers: [(name: String, values: [String])] = []
    for header in arguments.values("--header") {
        guard let colon = header.firstIndex(of: ":") else {
            usageError("--header needs NAME:VALUE, got \(header)")
        }
        let name = String(header[..<colon])
        let value = String(header[header.index(after: colon)...]).trimmingLeadingSpaces()
        if let existing = headers.firstIndex(where: { $0.name == name }) {
            headers[existing].values.append(value)
        } else {
            headers.append((name, [value]))
        }
    }

    let path = arguments.operands[0]
    guard let body = readAll(path: path) else {
        fail("cannot read \(path): \(String(cString: strerror(errno)))")
    }
    do {
        let profile = try ConnectionProfile.load(path: profilePath)
        let publisher = try WebhookPublisher(profile: profile)
        let payload = try SamplePayload.encode(body, cbor: encodingName == "cbor", source: path)
        let pacer = rate.map { Pacer(eventsPerSecond: $0) }
        for index in 0..<count {
            pacer?.wait(before: index)
            try publisher.publish(topic: topic, method: HTTPMethod(rawValue: Int32(methodIndex)), headers: headers,
                                  payload: payload, encoding: encodingName == "cbor" ? .cbor : .json)
        }
        try publisher.flush()
        if count > 1 {
            fputs("mister-webhooks: published \(count) events to topic \(topic)\n", stderr)
        }
    } catch {
        fail("\(error)")
    }
}

/// Spaces out events to a steady rate.
struct Pacer {
    let eventsPerSecond: Int
    let start = monotonicNanoseconds()

    /// Sleeps until event number `index`, counted from 0, is due. Sleeps
    /// shorter than 1 ms are skipped, so the events go out in small bursts.
    func wait(before index: Int) {
        let due = start + UInt64(index) * 1_000_000_000 / UInt64(eventsPerSecond)
        let now = monotonicNanoseconds()
        if due > now + 1_000_000 {
            usleep(UInt32((due - now) / 1000))
        }
    }
}

func monotonicNanoseconds() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
}

extension String {
    func trimmingLeadingSpaces() -> String {
        String(drop(while: { $0 == " " }))
    }
}

/// Sample payloads read from JSON files.
enum SamplePayload {
    /// Returns the JSON file's bytes, or their CBOR encoding.
    static func encode(_ json: [UInt8], cbor: Bool, source: String) throws -> [UInt8] {
        let value: JSONValue
        do {
            value = try JSONValue.parse(json)
        } catch {
            throw MisterWebhooksError(.payloadDecode, "\(source) is not valid JSON: \(error)")
        }
        return cbor ? CBOREncoder.encode(value) : json
    }
}

// MARK: - dev-broker

let brokerStopRequested = Atomic<Bool>(false)

func runDevBroker(_ arguments: Arguments) {
    guard arguments.operands.isEmpty else {
        usageError("dev-broker takes no operands, got \(arguments.operands.joined(separator: " "))")
    }
    guard let topic = arguments.value("--topic"), let profilePath = arguments.value("--profile-out") else {
        usageError("dev-broker needs --topic and --profile-out")
    }
    let partitions = arguments.integer("--partitions", default: 1, range: 1...1000)
    let brokers = arguments.integer("--brokers", default: 1, range: 1...10)
    let consumerName = arguments.value("--consumer-name") ?? "dev-consumer"
    let repeatCount = arguments.integer("--repeat", default: 1, range: 1...100_000)

    let handler: @convention(c) (Int32) -> Void = { _ in brokerStopRequested.store(true, ordering: .relaxed) }
    signal(SIGINT, handler)
    signal(SIGTERM, handler)

    do {
        let cluster = try MockCluster(brokers: brokers)
        try cluster.createTopic(topic, partitions: partitions)
        if let seed = arguments.value("--seed") {
            let count = try seedTopic(topic, from: seed, repeating: repeatCount, with: cluster.publisher)
            fputs("mister-webhooks: published \(count) sample events to topic \(topic)\n", stderr)
        }
        try writeProfile(cluster.profile(consumerName: consumerName), to: profilePath)
        print(cluster.bootstrapServers)
        fflush(stdout)

        while !brokerStopRequested.load(ordering: .relaxed) {
            usleep(100_000)
        }
        fputs("mister-webhooks: dev-broker stopped\n", stderr)
        // Exit without tearing the mock cluster down: destroying it can wait
        // for clients still connected to it, and the process ends anyway.
        withExtendedLifetime(cluster) {
            exit(0)
        }
    } catch {
        fail("\(error)")
    }
}

/// Publishes every `*.json` file under `directory`, in path order, `rounds`
/// times, as POST events: even ones with a JSON payload, odd ones with CBOR.
/// Headers come from `FILE.headers` next to a file when it exists, one
/// `Name: value` a line, a repeated name giving several values.
func seedTopic(_ topic: String, from directory: String, repeating rounds: Int, with publisher: WebhookPublisher) throws -> Int {
    var status = stat()
    guard stat(directory, &status) == 0, status.st_mode & S_IFMT == S_IFDIR else {
        throw MisterWebhooksError(.io, "seed folder \(directory) not found; pass a folder of JSON webhook bodies to --seed")
    }
    let files = findFiles(under: directory, suffix: ".json").sorted()
    guard !files.isEmpty else {
        throw MisterWebhooksError(.io, "no *.json files under \(directory); pass a folder of JSON webhook bodies to --seed")
    }

    var samples: [(path: String, json: [UInt8], cbor: [UInt8], headers: [(name: String, values: [String])])] = []
    for relativePath in files {
        let path = directory + "/" + relativePath
        guard let body = readAll(path: path) else {
            throw MisterWebhooksError(.io, "cannot read \(path): \(String(cString: strerror(errno)))")
        }
        let cbor = try SamplePayload.encode(body, cbor: true, source: path)
        samples.append((relativePath, body, cbor, sampleHeaders(path: path, relativePath: relativePath)))
    }

    var published = 0
    for round in 0..<rounds {
        for sample in samples {
            let cbor = published % 2 == 1
            // The key picks the partition, so repeated rounds get keys of
            // their own to spread over all partitions.
            let key = round == 0 ? sample.path : "\(sample.path)#\(round)"
            try publisher.publish(topic: topic, key: Array(key.utf8), method: .post, headers: sample.headers,
                                  payload: cbor ? sample.cbor : sample.json, encoding: cbor ? .cbor : .json)
            published += 1
        }
    }
    try publisher.flush(timeoutMs: 120_000)
    return published
}

/// Returns the headers of a sample: those of `PATH.headers`, or a JSON
/// content type, and always `X-Sample-File` naming the file.
func sampleHeaders(path: String, relativePath: String) -> [(name: String, values: [String])] {
    var headers: [(name: String, values: [String])] = []
    if let text = readAll(path: path + ".headers") {
        for line in String(decoding: text, as: UTF8.self).split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = String(line[..<colon])
            let value = String(line[line.index(after: colon)...]).trimmingLeadingSpaces()
            if let existing = headers.firstIndex(where: { $0.name == name }) {
                headers[existing].values.append(value)
            } else {
                headers.append((name, [value]))
            }
        }
    } else {
        headers.append(("Content-Type", ["application/json"]))
    }
    headers.append(("X-Sample-File", [relativePath]))
    return headers
}

/// Returns the paths, relative to `directory`, of the files whose names end
/// with `suffix`, in every subfolder.
func findFiles(under directory: String, suffix: String) -> [String] {
    guard let stream = opendir(directory) else { return [] }
    defer { closedir(stream) }

    var found: [String] = []
    while let entry = readdir(stream) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
        guard name != "." && name != ".." else { continue }
        let path = directory + "/" + name
        var status = stat()
        guard stat(path, &status) == 0 else { continue }
        if status.st_mode & S_IFMT == S_IFDIR {
            found.append(contentsOf: findFiles(under: path, suffix: suffix).map { name + "/" + $0 })
        } else if name.hasSuffix(suffix) {
            found.append(name)
        }
    }
    return found
}

/// Writes the profile as JSON, atomically, so a reader never sees half of it.
func writeProfile(_ profile: ConnectionProfile, to path: String) throws {
    let json = """
    {"consumer_name": "\(profile.consumerName)", "kafka": {"bootstrap": "\(profile.kafkaBootstrap)", "security_protocol": "PLAINTEXT"}}

    """
    let temporary = path + ".tmp"
    guard let file = fopen(temporary, "wb") else {
        throw MisterWebhooksError(.io, "cannot write the profile \(path): \(String(cString: strerror(errno))); check that its folder exists")
    }
    fputs(json, file)
    fclose(file)
    guard rename(temporary, path) == 0 else {
        throw MisterWebhooksError(.io, "cannot rename \(temporary) to \(path): \(String(cString: strerror(errno)))")
    }
}
