# frozen_string_literal: true

require_relative "test_helper"
require "open3"

# MisterWebhooks::Consumer against librdkafka's mock cluster, started with
# `mister-webhooks dev-broker`.
class TestConsumer < Minitest::Test
  include BrokerHelpers

  def test_samples_arrive_once_with_all_fields
    broker = samples_broker
    samples = read_samples(SAMPLES_DIR)
    consumer = new_consumer(broker, fresh_group("samples"))
    started = Time.now

    events = consume_until(consumer, linger: 1) { |received| received.size == samples.size }

    assert_equal samples.size, events.size
    assert_equal samples.keys.sort, events.map(&:key).sort
    events.each { |event| check_sample_event(broker, event, samples.fetch(event.key), started) }
    assert_equal %w[CBOR JSON], events.map(&:payload_encoding).uniq.sort
  end

  def check_sample_event(broker, event, sample, started)
    name = event.key
    assert_equal "POST", event.method, name
    assert_equal broker.topic, event.topic, name
    assert_includes [0, 1], event.partition, name
    assert_operator event.offset, :>=, 0, name
    assert_equal sample[:headers], event.header_entries, name
    sample[:headers].each { |header, values| assert_equal values, event.headers[header], name }
    assert same_json?(parse_json(sample[:payload]), event.payload), "#{name}: payload #{event.payload_json[0, 200]}"
    assert_equal Encoding::BINARY, event.key.encoding
    if event.payload_encoding == "JSON"
      assert_equal sample[:payload].b, event.raw_payload, name
    else
      refute_equal sample[:payload].b, event.raw_payload, name
    end
    assert_in_delta started.to_f, event.timestamp.to_f, 3600, "#{name}: timestamp #{event.timestamp}"
  end

  def test_corpus_delivers_each_event_once
    broker, seed_dir = corpus_broker
    samples = read_samples(seed_dir)
    consumer = new_consumer(broker, fresh_group("corpus"))

    events = consume_until(consumer, linger: 1) { |received| received.size == samples.size }

    assert_equal samples.size, events.size
    records = events.map { |event| [event.partition, event.offset] }
    assert_equal records.uniq.size, records.size, "a record was delivered twice"
    assert_equal samples.keys.sort, events.map(&:key).sort
    mismatched = events.reject { |event| same_json?(parse_json(samples.fetch(event.key)[:payload]), event.payload) }
    assert_empty mismatched.map(&:key)
  end

  def test_block_error_leaves_event_uncommitted
    broker, = corpus_broker
    group = fresh_group("raise")
    failure = RuntimeError.new("block failed on the third event")
    received = []

    first = new_consumer(broker, group)
    first.set_option("session.timeout.ms", 6000)
    timer = stop_after(first)
    raised = assert_raises(RuntimeError) do
      first.consume do |event|
        received << event
        raise failure if received.size == 3
      end
    end
    timer.kill
    first.close

    assert_same failure, raised
    assert_includes raised.backtrace.join("\n"), "test_consumer.rb"
    assert_equal 3, received.size
    third = received[2]

    second = new_consumer(broker, group)
    second.set_option("session.timeout.ms", 6000)
    redelivered = consume_until(second) { |events| events.last.partition == third.partition }
    first_in_partition = redelivered.find { |event| event.partition == third.partition }
    assert_equal third.offset, first_in_partition.offset
    assert_equal third.payload_json, first_in_partition.payload_json
    accepted = received[0, 2].map { |event| [event.partition, event.offset] }
    assert_empty accepted & redelivered.map { |event| [event.partition, event.offset] }
  end

  def test_stop_when_idle_commits
    require_tool
    broker = Broker.for_topic("quiet", 1, SAMPLES_DIR)
    group = fresh_group("stop")
    seeded = read_samples(SAMPLES_DIR).size
    consumer = new_consumer(broker, group)
    consumer.set_option("session.timeout.ms", 6000)
    received = 0
    all_received = Queue.new
    stopped_at = nil
    stopper = Thread.new do
      all_received.pop
      sleep 1 # idle: no records arrive now
      stopped_at = Time.now
      consumer.stop
    end
    timer = stop_after(consumer)

    assert_nil(consumer.consume do |_event|
      received += 1
      all_received << true if received == seeded
    end)
    returned_after = Time.now - stopped_at
    timer.kill
    stopper.join
    consumer.close

    assert_equal seeded, received
    assert_operator returned_after, :<, 1.0

    marker = File.join(broker.workdir, "marker-#{group}.json")
    File.write(marker, JSON.generate("marker" => group))
    broker.publish(marker)
    resumed = new_consumer(broker, group)
    resumed.set_option("session.timeout.ms", 6000)
    events = consume_until(resumed) { |received_events| received_events.size == 1 }
    assert_equal({ "marker" => group }, events.first.payload)
  end

  def test_interrupt_stops_run_and_reraises
    broker = samples_broker
    consumer = new_consumer(broker, fresh_group("interrupt"))
    main = Thread.current
    received = 0
    interrupter = Thread.new do
      sleep 0.1 until received.positive?
      sleep 0.5
      main.raise(Interrupt)
    end

    assert_raises(Interrupt) { consumer.consume { |_event| received += 1 } }
    interrupter.join
    assert_operator received, :>=, 1
    assert_match(/idle/, consumer.inspect)
  end

  def test_close_from_block_ends_run
    broker = samples_broker
    consumer = new_consumer(broker, fresh_group("close"))
    handled = 0
    timer = stop_after(consumer)

    assert_nil(consumer.consume do |_event|
      handled += 1
      consumer.close
    end)
    timer.kill

    assert_equal 1, handled
    assert_predicate consumer, :closed?
    assert_raises(MisterWebhooks::InvalidArgumentError) { consumer.consume { nil } }
    assert_raises(MisterWebhooks::InvalidArgumentError) { consumer.set_option("mw.poll.interval.ms", 50) }
    consumer.stop
    consumer.close
  end

  def test_unreachable_broker_raises_kafka_error
    profile = MisterWebhooks::ConnectionProfile.new(consumer_name: fresh_group("unreachable"),
                                                    kafka_bootstrap: "127.0.0.1:1", security_protocol: "PLAINTEXT")
    consumer = MisterWebhooks::Consumer.new("unreachable", profile)
    consumer.set_option("mw.broker.timeout.ms", 2000)
    timer = stop_after(consumer)

    error = assert_raises(MisterWebhooks::KafkaError) { consumer.consume { nil } }
    timer.kill
    consumer.close

    assert_equal "MW_ERR_KAFKA", error.status_name
    assert_equal 4, error.status
    assert_includes error.message, "127.0.0.1:1"
    assert_nil error.partition
    assert_nil error.offset
  end

  def test_example_prints_events_and_exits_on_sigint
    broker = samples_broker
    expected = read_samples(SAMPLES_DIR).size
    command = [RbConfig.ruby, "-I", File.join(BINDING_DIR, "lib"), File.join(BINDING_DIR, "examples", "consume.rb"),
               broker.topic, broker.profile_file(fresh_group("example"))]
    Open3.popen3(*command) do |stdin, stdout, stderr, process|
      stdin.close
      lines = []
      Timeout.timeout(CONSUME_TIMEOUT_SECONDS) { lines << stdout.gets while lines.size < expected }
      assert lines.all? { |line| line&.start_with?("#{broker.topic} partition ") && line.include?(": POST ") }, lines.inspect

      sleep 0.5
      interrupted_at = Time.now
      Process.kill("INT", process.pid)
      status = Timeout.timeout(5) { process.value }
      assert_operator Time.now - interrupted_at, :<, 2.0
      assert_predicate status, :success?
      assert_nil stdout.gets
      assert_includes stderr.read, "handled #{expected} events"
    end
  end
end
