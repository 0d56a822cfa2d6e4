# frozen_string_literal: true

module MisterWebhooks
  # A Kafka consumer of one Mister Webhooks topic, in the consumer group named
  # by its profile's +consumer_name+. It commits an event's offset only after
  # the block returned for it.
  #
  # == Threads and signals
  #
  # #consume calls +mw_consumer_run+ on a worker thread that it starts, so the
  # block runs on that worker thread, one event at a time, while the calling
  # thread waits in Thread#join. Ruby runs signal handlers, and raises
  # Interrupt for Ctrl-C, only on the main thread and only when that thread
  # runs Ruby code. A run on the calling thread would be one long C call, so
  # Ctrl-C would wait until the next event reached the block, which on an
  # idle topic is never. Thread#join, by contrast, is interrupted at once. The
  # calling thread then calls +mw_consumer_stop+, waits for the worker, which
  # lets the run commit and return, and re-raises the exception. Thread-local
  # variables of the calling thread are therefore not visible in the block.
  class Consumer
    attr_reader :topic, :profile

    # Holds the native handle apart from the consumer, so that the finalizer
    # can free it without referencing the consumer.
    State = Struct.new(:pointer, :running, :close_requested)

    # Creates a consumer of +topic+ with the settings of +profile+, a
    # ConnectionProfile. Nothing connects before #consume.
    #
    # Raises ProfileError for an invalid profile, InvalidArgumentError for an
    # empty topic, and KafkaError when librdkafka rejects the configuration,
    # for example a CA file that cannot be loaded.
    def initialize(topic, profile)
      raise InvalidArgumentError, "profile must be a ConnectionProfile, got #{profile.class}" unless profile.is_a?(ConnectionProfile)

      @topic = topic
      @profile = profile
      @lock = Mutex.new
      @state = State.new(nil, false, false)

      c_topic = Native.c_string_argument(topic, "topic")
      native_profile = ConnectionProfile.parse_native(profile.to_json)
      begin
        consumer_slot = Native.out_slot
        Native.check(:mw_consumer_new, c_topic, native_profile, consumer_slot)
      ensure
        Native.mw_profile_free(native_profile)
      end
      @state.pointer = Fiddle::Pointer.new(Native.read_slot(consumer_slot))
      ObjectSpace.define_finalizer(self, self.class.finalizer(@state))
    end

    # Sets a configuration property before #consume. Keys starting with "mw."
    # belong to libmisterwebhooks ("mw.broker.timeout.ms",
    # "mw.commit.timeout.ms", "mw.poll.interval.ms"); every other key is a
    # librdkafka property, such as "session.timeout.ms". true and false
    # become "true" and "false".
    #
    # Raises InvalidArgumentError while the consumer runs, after #close, or
    # for an unknown or invalid "mw." key, and KafkaError for a key or value
    # that librdkafka rejects.
    def set_option(key, value)
      c_key = Native.c_string_argument(key, "option key")
      c_value = Native.c_string_argument(value.to_s, "option value")
      @lock.synchronize do
        pointer = open_pointer
        raise InvalidArgumentError, "cannot set option #{key.inspect} while the consumer of #{topic.inspect} runs" if @state.running

        Native.check(:mw_consumer_set_option, pointer, c_key, c_value)
      end
      self
    end

    # Consumes the topic, calling the block with an Event for each webhook
    # event, on a worker thread (see the class documentation). The run ends
    # when:
    #
    # - #stop or #close is called: the offsets of handled events are
    #   committed and +consume+ returns nil;
    # - the block raises: nothing is committed for that event, which the
    #   group's next consumer receives again, and +consume+ re-raises the same
    #   exception object;
    # - the calling thread gets an exception, such as Interrupt from Ctrl-C:
    #   the run stops and commits, also while no records arrive, and
    #   +consume+ re-raises it;
    # - a record cannot be decoded or Kafka fails: +consume+ raises the
    #   matching MisterWebhooks::Error, with the record's topic, partition and
    #   offset for a RecordError.
    #
    # Raises InvalidArgumentError when the consumer already runs or is
    # closed. A consumer can run again after +consume+ returned.
    def consume(&block)
      raise ArgumentError, "consume needs a block" unless block

      pointer = start_run
      block_errors = []
      # Referenced until the worker has returned from mw_consumer_run, which
      # calls the closure until then.
      @handler = handler = event_handler(block, block_errors)
      worker = Thread.new { run_on_worker(pointer, handler) }

      begin
        status, error_slot = wait_for(worker)
      rescue Exception # rubocop:disable Lint/RescueException -- every exception stops the run, then is re-raised
        Native.mw_consumer_stop(pointer)
        wait_despite_interrupts(worker, pointer)
        raise
      ensure
        finish_run
        @handler = nil
      end

      raise block_errors.first unless block_errors.empty?

      Native.raise_error(status, error_slot) unless status.zero?
      nil
    end

    # Asks #consume to finish the current event, commit and return. May be
    # called from any thread, from the block and from a signal handler
    # (Signal.trap). Called while no run is in progress, it makes the next run
    # return at once.
    def stop
      pointer = @state.pointer
      Native.mw_consumer_stop(pointer) if pointer
      nil
    end

    # Frees the consumer. Calling it again does nothing. Called while #consume
    # runs, from the block or another thread, it stops the run, which
    # commits, and the consumer is freed when #consume returns.
    def close
      @lock.synchronize do
        pointer = @state.pointer
        return nil if pointer.nil?

        if @state.running
          @state.close_requested = true
          Native.mw_consumer_stop(pointer)
          return nil
        end

        @state.pointer = nil
        Native.mw_consumer_free(pointer)
      end
      nil
    end

    def closed?
      @state.pointer.nil? || @state.close_requested
    end

    def inspect
      state = if @state.pointer.nil? then "closed"
              elsif @state.running then "running"
              else "idle"
              end
      "#<#{self.class.name} topic=#{topic.inspect} group=#{profile.consumer_name.inspect} #{state}>"
    end

    def self.finalizer(state)
      proc do
        pointer = state.pointer
        Native.mw_consumer_free(pointer) if pointer && !state.running
      end
    end

    private

    def open_pointer
      raise InvalidArgumentError, "the consumer of #{topic.inspect} is closed" if closed?

      @state.pointer
    end

    def start_run
      @lock.synchronize do
        pointer = open_pointer
        raise InvalidArgumentError, "the consumer of #{topic.inspect} is already running" if @state.running

        @state.running = true
        pointer
      end
    end

    def finish_run
      @lock.synchronize do
        @state.running = false
        if @state.close_requested
          pointer = @state.pointer
          @state.pointer = nil
          Native.mw_consumer_free(pointer)
        end
      end
    end

    # Returns the Fiddle closure passed to mw_consumer_run. Exceptions must not
    # unwind through the library's C frames, so each one is stored in
    # +block_errors+ and the closure returns 1, which makes the run stop
    # without storing the event's offset.
    def event_handler(block, block_errors)
      length_slot = Native.out_slot
      Fiddle::Closure::BlockCaller.new(*Native::HANDLER_TYPES) do |event, _user_data|
        block.call(Event.from_native(event, length_slot))
        0
      rescue Exception => e # rubocop:disable Lint/RescueException -- re-raised by #consume
        block_errors << e
        1
      end
    end

    # Runs on the worker thread and returns the status and the error slot;
    # the calling thread builds the exception.
    def run_on_worker(pointer, handler)
      Thread.current.name = "mister-webhooks #{topic}"
      Thread.current.report_on_exception = false
      error_slot = Native.out_slot
      [Native.mw_consumer_run(pointer, handler, nil, error_slot), error_slot]
    end

    def wait_for(worker)
      worker.value
    end

    # Waits for a stopped worker, also through further interrupts: returning
    # earlier would free or reuse a consumer that librdkafka still uses. The
    # block's current event and the final commit ("mw.commit.timeout.ms")
    # bound the wait.
    def wait_despite_interrupts(worker, pointer)
      worker.join
    rescue Exception # rubocop:disable Lint/RescueException -- the first exception is re-raised by the caller
      Native.mw_consumer_stop(pointer)
      retry
    end
  end
end
