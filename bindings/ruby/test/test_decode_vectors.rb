# frozen_string_literal: true

require_relative "test_helper"
require "base64"

# Runs every decoding test vector through MisterWebhooks.decode.
class TestDecodeVectors < Minitest::Test
  VECTORS_DIR = File.join(SHARED_DIR, "vectors")
  VECTORS_FILE = File.join(VECTORS_DIR, "envelopes.jsonl")

  ERROR_CLASSES = {
    "malformed_message" => MisterWebhooks::FormatError,
    "unsupported_envelope" => MisterWebhooks::UnsupportedEnvelopeError,
    "envelope_decode" => MisterWebhooks::EnvelopeDecodeError,
    "payload_decode" => MisterWebhooks::PayloadDecodeError
  }.freeze

  def test_every_vector_passes
    skip "no decoding test vectors at #{VECTORS_DIR} (set MW_SHARED_DIR)" unless File.file?(VECTORS_FILE)

    lines = File.readlines(VECTORS_FILE)
    failures = []
    lines.each_with_index do |line, index|
      vector = JSON.parse(line)
      problem = check(vector)
      failures << "#{vector['name']}: #{problem}" if problem
    rescue StandardError => e
      failures << "line #{index + 1}: #{e.class}: #{e.message}"
    end

    passed = lines.size - failures.size
    puts "\n#{passed} of #{lines.size} decoding vectors passed"
    assert_empty failures.first(20), "#{failures.size} of #{lines.size} vectors failed"
    assert_equal lines.size, passed
    refute_predicate lines, :empty?
  end

  # Returns what differs from the vector's expected outcome, or nil.
  def check(vector)
    headers = vector["headers"].map { |name, value_hex| [name, value_hex && [value_hex].pack("H*")] }
    value = vector["value"] && Base64.strict_decode64(vector["value"])
    expect = vector["expect"]

    begin
      event = MisterWebhooks.decode(headers, value, timestamp_ms: vector["timestamp_ms"])
    rescue MisterWebhooks::Error => e
      return check_error(expect, e)
    end

    case expect["result"]
    when "skip" then event.nil? ? nil : "expected a system record, got an event"
    when "event" then event.nil? ? "expected an event, got a system record" : check_event(vector, event)
    else "expected #{expect['result']} (#{expect['error']}), got an event"
    end
  end

  def check_error(expect, error)
    return "expected #{expect['result']}, got #{error.class}: #{error.message}" unless expect["result"] == "error"

    wanted = ERROR_CLASSES.fetch(expect["error"])
    return "expected #{wanted}, got #{error.class}: #{error.message}" unless error.instance_of?(wanted)
    return "the error has an empty message" if error.message.to_s.empty?
    return "a decode error has a partition or offset" unless error.partition.nil? && error.offset.nil?

    nil
  end

  def check_event(vector, event)
    expect = vector["expect"]
    return "method: expected #{expect['method']}, got #{event.method}" unless event.method == expect["method"]
    return "encoding: expected #{expect['encoding']}, got #{event.payload_encoding}" unless event.payload_encoding == expect["encoding"]
    return "headers: expected #{expect['headers'].inspect}, got #{event.header_entries.inspect}" unless event.header_entries == expect["headers"]
    return "timestamp_ms: expected #{vector['timestamp_ms']}, got #{event.timestamp_ms}" unless event.timestamp_ms == vector["timestamp_ms"]
    return "timestamp: #{event.timestamp.inspect}" unless (event.timestamp.to_r * 1000).to_i == vector["timestamp_ms"]
    return "a decoded event has record coordinates" unless event.topic.nil? && event.partition.nil? && event.offset.nil? && event.key.nil?

    want = expected_payload(expect)
    have = event.payload
    same_json?(want, have) ? nil : "payload differs: got #{event.payload_json[0, 200]}"
  end

  def expected_payload(expect)
    return parse_json(File.read(File.join(VECTORS_DIR, expect["payload_file"]))) if expect.key?("payload_file")

    payload = expect["payload"]
    return parse_json(payload["$json_text"]) if payload.is_a?(Hash) && payload.keys == ["$json_text"]

    payload
  end
end
