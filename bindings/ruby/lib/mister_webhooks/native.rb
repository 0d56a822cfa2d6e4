# frozen_string_literal: true

require "fiddle"

module MisterWebhooks
  # The C functions of libmisterwebhooks, called through Fiddle. Everything
  # else in this library is plain Ruby on top of this module.
  #
  # Fiddle releases the GVL during each C call, so other Ruby threads run
  # while mw_consumer_run blocks, and it takes the GVL back when the library
  # calls a Fiddle closure.
  module Native
    SIZE_T = Fiddle::TYPE_SIZE_T
    VOIDP = Fiddle::TYPE_VOIDP
    INT = Fiddle::TYPE_INT
    INT32 = Fiddle::TYPE_INT32_T
    INT64 = Fiddle::TYPE_INT64_T
    VOID = Fiddle::TYPE_VOID

    # Function name => [return type, argument types].
    SIGNATURES = {
      mw_version: [VOIDP, []],
      mw_status_name: [VOIDP, [INT]],
      mw_error_code: [INT, [VOIDP]],
      mw_error_message: [VOIDP, [VOIDP]],
      mw_error_topic: [VOIDP, [VOIDP]],
      mw_error_partition: [INT32, [VOIDP]],
      mw_error_offset: [INT64, [VOIDP]],
      mw_error_free: [VOID, [VOIDP]],
      mw_http_method_name: [VOIDP, [INT]],
      mw_payload_encoding_name: [VOIDP, [INT]],
      mw_event_decode: [INT, [VOIDP, SIZE_T, VOIDP, SIZE_T, INT64, VOIDP, VOIDP]],
      mw_event_method: [INT, [VOIDP]],
      mw_event_encoding: [INT, [VOIDP]],
      mw_event_timestamp_ms: [INT64, [VOIDP]],
      mw_event_header_count: [SIZE_T, [VOIDP]],
      mw_event_header_name: [VOIDP, [VOIDP, SIZE_T, VOIDP]],
      mw_event_header_value_count: [SIZE_T, [VOIDP, SIZE_T]],
      mw_event_header_value: [VOIDP, [VOIDP, SIZE_T, SIZE_T, VOIDP]],
      mw_event_payload_json: [VOIDP, [VOIDP, VOIDP]],
      mw_event_payload_raw: [VOIDP, [VOIDP, VOIDP]],
      mw_event_topic: [VOIDP, [VOIDP]],
      mw_event_partition: [INT32, [VOIDP]],
      mw_event_offset: [INT64, [VOIDP]],
      mw_event_key: [VOIDP, [VOIDP, VOIDP]],
      mw_event_free: [VOID, [VOIDP]],
      mw_profile_load: [INT, [VOIDP, VOIDP, VOIDP]],
      mw_profile_parse: [INT, [VOIDP, SIZE_T, VOIDP, VOIDP]],
      mw_profile_consumer_name: [VOIDP, [VOIDP]],
      mw_profile_auth_mechanism: [VOIDP, [VOIDP]],
      mw_profile_auth_secret: [VOIDP, [VOIDP]],
      mw_profile_kafka_bootstrap: [VOIDP, [VOIDP]],
      mw_profile_security_protocol: [VOIDP, [VOIDP]],
      mw_profile_ssl_ca_location: [VOIDP, [VOIDP]],
      mw_profile_free: [VOID, [VOIDP]],
      mw_consumer_new: [INT, [VOIDP, VOIDP, VOIDP, VOIDP]],
      mw_consumer_set_option: [INT, [VOIDP, VOIDP, VOIDP, VOIDP]],
      mw_consumer_run: [INT, [VOIDP, VOIDP, VOIDP, VOIDP]],
      mw_consumer_stop: [VOID, [VOIDP]],
      mw_consumer_free: [VOID, [VOIDP]]
    }.freeze

    # The event handler's C type: int (*)(const mw_event *, void *).
    HANDLER_TYPES = [INT, [VOIDP, VOIDP]].freeze

    # Returns the paths tried in order: $MISTER_WEBHOOKS_LIBRARY alone when
    # set, else this repository's build/lib, then the system loader's name.
    def self.library_candidates
      explicit = ENV["MISTER_WEBHOOKS_LIBRARY"]
      return [explicit] if explicit && !explicit.empty?

      repository_build = File.expand_path("../../../../build/lib/libmisterwebhooks.so", __dir__)
      [repository_build, "libmisterwebhooks.so.0"]
    end

    def self.open_library
      failures = []
      library_candidates.each do |path|
        return [Fiddle.dlopen(path), path]
      rescue Fiddle::DLError => e
        failures << "#{path}: #{e.message}"
      end
      raise LibraryNotFoundError,
            "libmisterwebhooks could not be loaded (run `make lib` in the repository root, " \
            "or set MISTER_WEBHOOKS_LIBRARY); tried #{failures.join('; ')}"
    end

    LIBRARY, LIBRARY_PATH = open_library

    # Functions called with the GVL held. mw_consumer_stop is one atomic
    # store, and holding the GVL keeps Consumer#close from freeing the
    # consumer between Consumer#stop reading the handle and the store.
    NEED_GVL = %i[mw_consumer_stop].freeze

    SIGNATURES.each do |name, (return_type, argument_types)|
      function = Fiddle::Function.new(LIBRARY[name.to_s], argument_types, return_type,
                                      name: name.to_s, need_gvl: NEED_GVL.include?(name))
      define_singleton_method(name) { |*arguments| function.call(*arguments) }
    end

    POINTER_SIZE = Fiddle::SIZEOF_VOIDP

    module_function

    # Allocates an out-parameter for one pointer or size_t, freed by the GC.
    def out_slot
      Fiddle::Pointer.malloc(POINTER_SIZE, Fiddle::RUBY_FREE)
    end

    # Reads the pointer or size_t stored in an out-parameter.
    def read_slot(slot)
      slot[0, POINTER_SIZE].unpack1("J")
    end

    # Reads a NUL-terminated UTF-8 string, or nil for NULL.
    def c_string(pointer)
      return nil if pointer.null?

      pointer.to_s.force_encoding(Encoding::UTF_8)
    end

    # Reads +length+ bytes at +pointer+, or nil for NULL.
    def bytes(pointer, length)
      return nil if pointer.null?

      pointer.to_s(length)
    end

    # Returns +text+ as a NUL-terminated C string, rejecting embedded NULs.
    def c_string_argument(text, what)
      text = text.to_s
      raise InvalidArgumentError, "#{what} #{text.inspect} contains a NUL byte" if text.include?("\0")

      text = text.encode(Encoding::UTF_8) unless text.encoding == Encoding::BINARY
      "#{text.b}\0"
    end

    def status_name(status)
      c_string(mw_status_name(status))
    end

    # Raises the MisterWebhooks::Error for a failed call and frees +error+.
    def raise_error(status, error_slot)
      error = Fiddle::Pointer.new(read_slot(error_slot))
      raise build_error(status, error)
    ensure
      mw_error_free(error) if error && !error.null?
    end

    def build_error(status, error)
      return STATUS_ERRORS.fetch(status, Error).new(status_name(status), status: status, status_name: status_name(status)) if error.null?

      code = mw_error_code(error)
      topic = c_string(mw_error_topic(error))
      partition = mw_error_partition(error)
      offset = mw_error_offset(error)
      STATUS_ERRORS.fetch(code, Error).new(
        c_string(mw_error_message(error)),
        status: code,
        status_name: status_name(code),
        topic: topic,
        partition: partition.negative? ? nil : partition,
        offset: offset.negative? ? nil : offset
      )
    end

    # Calls +function+ with +arguments+ and an out_error slot, raising on
    # failure.
    def check(function, *arguments)
      error_slot = out_slot
      status = public_send(function, *arguments, error_slot)
      raise_error(status, error_slot) unless status.zero?
    end
  end
end
