# frozen_string_literal: true

require_relative "test_helper"

# Error mapping of profiles, options and decoding, without a broker.
class TestErrors < Minitest::Test
  def write_profile(text)
    @dir = Dir.mktmpdir("mw-ruby-profile-")
    path = File.join(@dir, "profile.json")
    File.write(path, text)
    path
  end

  def teardown
    FileUtils.remove_entry(@dir) if @dir
  end

  def test_profile_missing_field_is_profile_error
    path = write_profile('{"auth": {"mechanism": "plain", "secret": "hunter2"}, "kafka": {"bootstrap": "127.0.0.1:9092"}}')

    error = assert_raises(MisterWebhooks::ProfileError) { MisterWebhooks::ConnectionProfile.from_file(path) }
    assert_kind_of MisterWebhooks::Error, error
    assert_equal "MW_ERR_PROFILE", error.status_name
    assert_equal 3, error.status
    assert_includes error.message, "consumer_name"
    assert_includes error.message, path
    refute_includes error.message, "hunter2"
    assert_nil error.partition
  end

  def test_profile_missing_file_is_file_read_error
    error = assert_raises(MisterWebhooks::FileReadError) { MisterWebhooks::ConnectionProfile.from_file("/nonexistent/profile.json") }
    assert_includes error.message, "/nonexistent/profile.json"
  end

  def test_profile_round_trips_through_json
    text = '{"consumer_name": "acme", "auth": {"mechanism": "plain", "secret": "s3cret"},
             "kafka": {"servers": ["a:1", "b:2"], "security_protocol": "SASL_PLAINTEXT"}}'
    profile = MisterWebhooks::ConnectionProfile.from_json(text)

    assert_equal "acme", profile.consumer_name
    assert_equal "a:1,b:2", profile.kafka_bootstrap
    assert_equal "s3cret", profile.auth_secret
    assert_equal profile, MisterWebhooks::ConnectionProfile.from_json(profile.to_json)
    refute_includes profile.inspect, "s3cret"
  end

  def test_consumer_rejects_invalid_arguments
    profile = MisterWebhooks::ConnectionProfile.new(consumer_name: "group", kafka_bootstrap: "127.0.0.1:1",
                                                    security_protocol: "PLAINTEXT")
    assert_raises(MisterWebhooks::InvalidArgumentError) { MisterWebhooks::Consumer.new("", profile) }
    assert_raises(MisterWebhooks::InvalidArgumentError) { MisterWebhooks::Consumer.new("a\0b", profile) }
    assert_raises(MisterWebhooks::InvalidArgumentError) { MisterWebhooks::Consumer.new("topic", nil) }

    without_auth = MisterWebhooks::ConnectionProfile.new(consumer_name: "group", kafka_bootstrap: "127.0.0.1:1")
    error = assert_raises(MisterWebhooks::ProfileError) { MisterWebhooks::Consumer.new("topic", without_auth) }
    assert_includes error.message, "auth"
  end

  def test_set_option_errors
    profile = MisterWebhooks::ConnectionProfile.new(consumer_name: "group", kafka_bootstrap: "127.0.0.1:1",
                                                    security_protocol: "PLAINTEXT")
    consumer = MisterWebhooks::Consumer.new("topic", profile)

    assert_raises(MisterWebhooks::InvalidArgumentError) { consumer.set_option("mw.no.such.option", 1) }
    assert_raises(MisterWebhooks::InvalidArgumentError) { consumer.set_option("mw.poll.interval.ms", "soon") }
    error = assert_raises(MisterWebhooks::KafkaError) { consumer.set_option("no.such.librdkafka.property", 1) }
    assert_equal "MW_ERR_KAFKA", error.status_name
    consumer.set_option("mw.poll.interval.ms", 50)
    consumer.set_option("enable.partition.eof", false)
  ensure
    consumer&.close
  end

  def test_decode_maps_each_record_error
    {
      [] => MisterWebhooks::FormatError,
      [["envelope", nil]] => MisterWebhooks::FormatError,
      [["envelope", ""]] => MisterWebhooks::FormatError,
      [["envelope", "\x81"]] => MisterWebhooks::UnsupportedEnvelopeError,
      [["envelope", "\x80"]] => MisterWebhooks::EnvelopeDecodeError
    }.each do |headers, error_class|
      error = assert_raises(error_class, headers.inspect) { MisterWebhooks.decode(headers, "\xff".b) }
      assert_kind_of MisterWebhooks::RecordError, error
      assert_nil error.partition
    end
    assert_kind_of MisterWebhooks::DecodeError, MisterWebhooks::PayloadDecodeError.new
  end

  def test_decode_skips_system_records_and_accepts_hashes
    assert_nil MisterWebhooks.decode({ "envelope" => "\x00" }, nil)
    assert_nil MisterWebhooks.decode({ envelope: "\x7f" }, "anything")
  end

  def test_library_version
    assert_match(/\A0\.\d+\.\d+\z/, MisterWebhooks.library_version)
  end
end
