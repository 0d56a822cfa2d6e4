# frozen_string_literal: true

# Shared helpers: paths, and mock Kafka brokers started with
# `mister-webhooks dev-broker` on 127.0.0.1, stopped when the tests end.

require "minitest/autorun"
require "json"
require "tmpdir"
require "timeout"
require "securerandom"

BINDING_DIR = File.expand_path("..", __dir__)
REPOSITORY_ROOT = File.expand_path("../..", BINDING_DIR)
$LOAD_PATH.unshift(File.join(BINDING_DIR, "lib"))
require "mister_webhooks"

SHARED_DIR = ENV.fetch("MW_SHARED_DIR", File.join(REPOSITORY_ROOT, "..", "shared"))
SAMPLES_DIR = File.join(REPOSITORY_ROOT, "examples", "samples")
TOOL_PATH = ENV.fetch("MISTER_WEBHOOKS_TOOL", File.join(REPOSITORY_ROOT, "build", "bin", "mister-webhooks"))

# Bounds joining a group and reading a whole seeded topic.
CONSUME_TIMEOUT_SECONDS = 60
BROKER_START_TIMEOUT_SECONDS = 60

# A running `mister-webhooks dev-broker`.
class Broker
  attr_reader :topic, :bootstrap, :profile_path, :workdir

  @running = {}

  class << self
    # Returns the broker of +topic+, starting it on first use with the *.json
    # files under +seed_dir+.
    def for_topic(topic, partitions, seed_dir)
      @running[topic] ||= new(topic, partitions, seed_dir)
    end

    def stop_all
      @running.each_value(&:stop)
      @running.clear
    end
  end

  def initialize(topic, partitions, seed_dir)
    @topic = topic
    @workdir = Dir.mktmpdir("mw-ruby-broker-")
    @profile_path = File.join(@workdir, "profile.json")
    stderr_path = File.join(@workdir, "dev-broker.stderr")
    @stdout, stdout_writer = IO.pipe
    @pid = Process.spawn(TOOL_PATH, "dev-broker", "--topic", topic, "--partitions", partitions.to_s,
                         "--seed", seed_dir, "--profile-out", @profile_path, out: stdout_writer, err: stderr_path)
    stdout_writer.close
    wait_until_seeded(stderr_path)
  end

  def wait_until_seeded(stderr_path)
    Timeout.timeout(BROKER_START_TIMEOUT_SECONDS) do
      @stdout.each_line do |line|
        next unless line.include?("127.0.0.1:")

        @bootstrap = line.strip
        break
      end
      raise "dev-broker exited before it printed its bootstrap address" unless @bootstrap

      sleep 0.05 until profile_written?
    end
    Thread.new { @stdout.each_line { nil } }
  rescue StandardError => e
    stderr = File.read(stderr_path)[-2000..]
    stop
    raise "dev-broker for topic #{topic} did not start: #{e.message}; stderr: #{stderr}"
  end

  def profile_written?
    JSON.parse(File.read(@profile_path))
    true
  rescue Errno::ENOENT, JSON::ParserError
    false
  end

  def stop
    Process.kill("TERM", @pid)
    Timeout.timeout(10) { Process.wait(@pid) }
  rescue Timeout::Error
    Process.kill("KILL", @pid)
    Process.wait(@pid)
  rescue Errno::ESRCH, Errno::ECHILD
    nil
  ensure
    FileUtils.remove_entry(@workdir) if File.directory?(@workdir)
  end

  # Returns the broker's profile with consumer group +group+.
  def profile(group)
    profile = MisterWebhooks::ConnectionProfile.from_file(profile_path)
    profile.consumer_name = group
    profile
  end

  # Writes the broker's profile with consumer group +group+ to a file.
  def profile_file(group)
    path = File.join(workdir, "profile-#{group}.json")
    File.write(path, profile(group).to_json)
    path
  end

  # Publishes one more POST event with `mister-webhooks publish`.
  def publish(payload_file)
    output = IO.popen([TOOL_PATH, "publish", "--profile", profile_path, "--topic", topic, payload_file], err: %i[child out], &:read)
    raise "mister-webhooks publish failed: #{output}" unless $?.success?
  end
end

Minitest.after_run { Broker.stop_all }

module BrokerHelpers
  def require_tool
    skip "mister-webhooks tool not built at #{TOOL_PATH} (run `make tool`, or set MISTER_WEBHOOKS_TOOL)" unless File.executable?(TOOL_PATH)
  end

  def samples_broker
    require_tool
    Broker.for_topic("samples", 2, SAMPLES_DIR)
  end

  # Returns a broker of the GitHub payload corpus, or of the samples when the
  # corpus is missing, and the folder it was seeded from.
  def corpus_broker
    require_tool
    corpus = File.join(SHARED_DIR, "corpus", "github")
    return [samples_broker, SAMPLES_DIR] unless File.directory?(corpus)

    [Broker.for_topic("github", 2, corpus), corpus]
  end

  # Returns a consumer group name no earlier consumer used, because the mock
  # cluster makes a consumer wait a whole session timeout when it joins a
  # group that another member just left.
  def fresh_group(name)
    "ruby-#{name}-#{SecureRandom.hex(4)}"
  end

  def new_consumer(broker, group)
    consumer = MisterWebhooks::Consumer.new(broker.topic, broker.profile(group))
    (@consumers ||= []) << consumer
    consumer
  end

  def teardown
    (@consumers || []).each(&:close)
    super
  end

  # Stops +consumer+ after +seconds+, so that a failing test ends.
  def stop_after(consumer, seconds = CONSUME_TIMEOUT_SECONDS)
    Thread.new do
      sleep seconds
      consumer.stop
    end
  end

  # Runs +consumer+ until the block returns true for the events so far, then
  # for +linger+ seconds more to catch events delivered twice.
  def consume_until(consumer, linger: 0)
    events = []
    timer = stop_after(consumer)
    consumer.consume do |event|
      events << event
      if yield(events)
        Thread.new do
          sleep linger
          consumer.stop
        end
      end
    end
    timer.kill
    events
  end

  # Returns the sample files under +dir+ by relative path, with the header
  # entries dev-broker publishes them with: those of FILE.headers ("Name:
  # Value" lines, repeated names merged into one entry) or a Content-Type
  # header, then X-Sample-File.
  def read_samples(dir)
    Dir.glob("**/*.json", base: dir).to_h do |relative_path|
      path = File.join(dir, relative_path)
      [relative_path, { payload: File.binread(path), headers: sample_headers(path, relative_path) }]
    end
  end

  def sample_headers(path, relative_path)
    entries = []
    if File.exist?("#{path}.headers")
      File.readlines("#{path}.headers", chomp: true).each do |line|
        name, value = line.split(":", 2)
        next if value.nil?

        name = name.strip
        existing = entries.find { |entry| entry[0] == name }
        existing ? existing[1] << value.strip : entries << [name, [value.strip]]
      end
    else
      entries << ["Content-Type", ["application/json"]]
    end
    entries << ["X-Sample-File", [relative_path]]
  end
end

# Compares parsed JSON values: integers exactly, other numbers as IEEE
# doubles, objects by key.
def same_json?(a, b)
  case a
  when true, false, nil then a.equal?(b)
  when Integer then b.is_a?(Integer) ? a == b : b.is_a?(Float) && a.to_f == b
  when Float then b.is_a?(Numeric) && !b.equal?(true) && a == b.to_f
  when Hash then b.is_a?(Hash) && a.keys.sort == b.keys.sort && a.all? { |key, value| same_json?(value, b[key]) }
  when Array then b.is_a?(Array) && a.size == b.size && a.zip(b).all? { |x, y| same_json?(x, y) }
  else a == b
  end
end

# Parses JSON text as Event#payload does.
def parse_json(text)
  MisterWebhooks::Event.parse_json(text)
end
