// mister-webhooks: consume, decode and publish Mister Webhooks records, and
// run a local development broker.

import MisterWebhooksDecoding
import MisterWebhooksKafka

#if canImport(Glibc)
import Glibc
#endif

let usage = """
usage: mister-webhooks consume TOPIC PROFILE [--max-events N] [--option KEY=VALUE]...
       mister-webhooks decode [--envelope HEX] [--timestamp-ms MS] [FILE]
       mister-webhooks dev-broker --topic TOPIC [--partitions N] [--brokers N] [--seed DIR]
                                  [--repeat N] --profile-out FILE [--consumer-name NAME]
       mister-webhooks publish --profile PROFILE --topic TOPIC [--method METHOD]
                               [--header NAME:VALUE]... [--encoding json|cbor]
                               [--count N] [--rate N] FILE

consume     print each webhook event of TOPIC as one JSON line until Ctrl-C
            or SIGTERM, or until N events (0, the default, means no limit);
            --option sets a librdkafka or mw. property, for example
            session.timeout.ms=6000 or mw.broker.timeout.ms=5000
decode      decode one record value (FILE or standard input) whose envelope
            header is HEX (default 80) and print it as a JSON line
dev-broker  run librdkafka's mock Kafka cluster on 127.0.0.1, create TOPIC
            (N partitions, default 1), publish every *.json file under DIR as
            a POST event (JSON and CBOR in turn; headers from FILE.json.headers,
            "Name: value" lines, when present), N times over (default 1;
            records of later rounds get keys "FILE#N", which spreads them
            over the partitions),
            write a PLAINTEXT profile to FILE, print the bootstrap address,
            and run until SIGTERM or Ctrl-C. The mock cluster creates any
            other topic a client asks for, with 4 partitions, and keeps only
            about 5 MB of records per partition.
publish     publish FILE (JSON) as one event with the profile's credentials,
            or as N events (--count, default 1) spread over the partitions,
            at most N events per second with --rate (default: no limit)
"""

/// Exit codes from sysexits.h.
enum ExitCode {
    static let usage: Int32 = 64
    static let dataError: Int32 = 65
    static let failure: Int32 = 1
}

func fail(_ message: String, code: Int32 = ExitCode.failure) -> Never {
    fputs("mister-webhooks: \(message)\n", stderr)
    exit(code)
}

/// Reports a usage error and exits 64. The full usage follows only when no
/// command was given, so the message stays in view otherwise.
func usageError(_ message: String) -> Never {
    if CommandLine.arguments.count < 2 {
        fputs("mister-webhooks: \(message)\n\(usage)\n", stderr)
    } else {
        fputs("mister-webhooks: \(message)\nRun 'mister-webhooks --help' for the usage.\n", stderr)
    }
    exit(ExitCode.usage)
}

/// Command-line arguments after the subcommand, split into options and operands.
struct Arguments {
    var options: [(String, String)] = []
    var operands: [String] = []

    init(_ arguments: ArraySlice<String>, valued: Set<String>) {
        var iterator = arguments.makeIterator()
        while let argument = iterator.next() {
            if argument == "-h" || argument == "--help" {
                print(usage)
                exit(0)
            }
            guard argument.hasPrefix("--") && argument.count > 2 else {
                operands.append(argument)
                continue
            }
            guard valued.contains(argument) else {
                usageError("unknown option \(argument)")
            }
            guard let value = iterator.next() else {
                usageError("option \(argument) needs a value")
            }
            options.append((argument, value))
        }
    }

    func value(_ name: String) -> String? {
        options.last { $0.0 == name }?.1
    }

    func values(_ name: String) -> [String] {
        options.filter { $0.0 == name }.map(\.1)
    }

    func integer(_ name: String, default fallback: Int, range: ClosedRange<Int>) -> Int {
        guard let text = value(name) else { return fallback }
        guard let number = Int(text), range.contains(number) else {
            usageError("\(name) must be an integer from \(range.lowerBound) to \(range.upperBound), got \(text)")
        }
        return number
    }
}

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    usageError("missing command")
}
let rest = arguments.dropFirst(2)

switch arguments[1] {
case "consume":
    runConsume(Arguments(rest, valued: ["--max-events", "--option"]))
case "decode":
    runDecode(Arguments(rest, valued: ["--envelope", "--timestamp-ms"]))
case "dev-broker":
    runDevBroker(Arguments(rest, valued: ["--repeat", "--topic", "--partitions", "--brokers", "--seed", "--profile-out", "--consumer-name"]))
case "publish":
    runPublish(Arguments(rest, valued: ["--profile", "--topic", "--method", "--header", "--encoding", "--count", "--rate"]))
case "-h", "--help", "help":
    print(usage)
default:
    usageError("unknown command \(arguments[1])")
}
