# frozen_string_literal: true

require "json"

module MisterWebhooks
  # One webhook event: the HTTP request that Mister Webhooks received, and the
  # Kafka record it arrived in. Every field is a Ruby copy, so an event may be
  # kept after the block returned.
  #
  # +method+ is the HTTP method as a String, "GET" to "PATCH". +headers+ maps
  # each header name to all of its values in wire order, merged across
  # entries that repeat a name, and +header_entries+ keeps the entries
  # themselves, as [name, [value, ...]] pairs in wire order. Names and values
  # are UTF-8 Strings that may contain NUL. +payload+ is the payload parsed by
  # JSON.parse, also for a payload received as CBOR; +payload_json+ is its
  # JSON text, +raw_payload+ the bytes as received and +payload_encoding+
  # "JSON" or "CBOR". +timestamp+ is the record timestamp as a Time and
  # +timestamp_ms+ the same instant in milliseconds since the Unix epoch.
  # +topic+, +partition+, +offset+ and +key+ (a binary String, nil for a null
  # key) locate the record; they are nil for an event from
  # MisterWebhooks.decode.
  #
  # NOTE: +method+ replaces Object#method on events, as in the published
  # client; use Object.instance_method(:method).bind_call(event, name) to
  # reach the original.
  class Event
    attr_reader :method, :headers, :header_entries, :payload_json, :raw_payload, :payload_encoding,
                :timestamp, :timestamp_ms, :topic, :partition, :offset, :key

    def initialize(method:, header_entries:, payload_json:, raw_payload:, payload_encoding:, timestamp_ms:,
                   topic: nil, partition: nil, offset: nil, key: nil)
      @method = method
      @header_entries = header_entries
      @headers = Event.merge_headers(header_entries)
      @payload_json = payload_json
      @raw_payload = raw_payload
      @payload_encoding = payload_encoding
      @timestamp_ms = timestamp_ms
      @timestamp = timestamp_ms && Time.at(0, timestamp_ms, :millisecond)
      @topic = topic
      @partition = partition
      @offset = offset
      @key = key
    end

    # The payload parsed by JSON.parse on first use.
    def payload
      return @payload if defined?(@payload)

      @payload = Event.parse_json(@payload_json)
    end

    # Parses payload JSON text. Nesting is not limited, because
    # libmisterwebhooks has already limited it to 512 levels.
    #
    # NOTE: the library accepts lone UTF-16 surrogate escapes such as
    # "\ud800", as RFC 8259 allows, but Ruby's JSON parser rejects them and a
    # Ruby String cannot hold them, so they become U+FFFD here. payload_json
    # keeps the original text.
    def self.parse_json(text)
      JSON.parse(text, max_nesting: false)
    rescue JSON::ParserError
      raise unless text.include?("\\u")

      JSON.parse(replace_lone_surrogates(text), max_nesting: false)
    end

    # Matches one escape sequence, so that a scan from the start pairs each
    # backslash with the character it escapes.
    ESCAPE = /\\u([dD][89abAB]\h\h)(\\u[dD][c-fC-F]\h\h)?|\\u[dD][c-fC-F]\h\h|\\./.freeze

    def self.replace_lone_surrogates(text)
      text.gsub(ESCAPE) do |escape|
        high, low = Regexp.last_match(1), Regexp.last_match(2)
        if high ? low.nil? : escape.match?(/\A\\u[dD][c-fC-F]/)
          "\\ufffd"
        else
          escape
        end
      end
    end
    private_class_method :replace_lone_surrogates

    def to_h
      { method: method, headers: headers, payload: payload, timestamp: timestamp, topic: topic,
        partition: partition, offset: offset, key: key, payload_encoding: payload_encoding }
    end

    def inspect
      "#<#{self.class.name} #{method} #{topic.inspect} partition=#{partition.inspect} offset=#{offset.inspect} " \
        "#{header_entries.size} headers, #{payload_encoding} payload #{payload_json.byteslice(0, 60).inspect}>"
    end

    def self.merge_headers(entries)
      entries.each_with_object({}) do |(name, values), headers|
        (headers[name] ||= []).concat(values)
      end
    end

    # Copies every field of a C event, borrowed or owned, into Ruby.
    def self.from_native(event, length_slot, record: true, timestamp: true)
      native = Native
      method = native.c_string(native.mw_http_method_name(native.mw_event_method(event)))
      encoding = native.c_string(native.mw_payload_encoding_name(native.mw_event_encoding(event)))
      payload_json = read_bytes(native.mw_event_payload_json(event, length_slot), length_slot)
      raw_payload = read_bytes(native.mw_event_payload_raw(event, length_slot), length_slot).b

      fields = { method: method, header_entries: read_header_entries(event, length_slot), payload_json: payload_json,
                 raw_payload: raw_payload, payload_encoding: encoding,
                 timestamp_ms: timestamp ? native.mw_event_timestamp_ms(event) : nil }
      if record
        fields[:topic] = native.c_string(native.mw_event_topic(event))
        fields[:partition] = native.mw_event_partition(event)
        fields[:offset] = native.mw_event_offset(event)
        key = native.mw_event_key(event, length_slot)
        fields[:key] = key.null? ? nil : read_bytes(key, length_slot).b
      end
      new(**fields)
    end

    def self.read_header_entries(event, length_slot)
      native = Native
      Array.new(native.mw_event_header_count(event)) do |index|
        name = read_bytes(native.mw_event_header_name(event, index, length_slot), length_slot)
        values = Array.new(native.mw_event_header_value_count(event, index)) do |value_index|
          read_bytes(native.mw_event_header_value(event, index, value_index, length_slot), length_slot)
        end
        [name, values]
      end
    end

    # Reads the string at +pointer+ whose length the library stored in
    # +length_slot+, as UTF-8.
    def self.read_bytes(pointer, length_slot)
      Native.bytes(pointer, Native.read_slot(length_slot)).force_encoding(Encoding::UTF_8)
    end

    private_class_method :read_header_entries, :read_bytes
  end

  ENVELOPE_HEADER = "envelope"

  # Decodes one Kafka record, for programs that read the topic with another
  # Kafka client.
  #
  # +headers+ are the record headers: a Hash (String or Symbol keys), or an
  # Array of [name, value] pairs in wire order, whose first +envelope+ entry
  # is used; nil values are null headers. +value+ is the record value (nil
  # for a null value) and +timestamp_ms+ the record timestamp in
  # milliseconds since the Unix epoch (an Integer, a Time, or nil).
  #
  # Returns an Event, or nil for a system record (envelope 0x00-0x7F), which
  # applications skip. Raises a RecordError subclass for a record that cannot
  # be decoded.
  def self.decode(headers, value, timestamp_ms: nil)
    timestamp_ms = (timestamp_ms.to_r * 1000).to_i if timestamp_ms.is_a?(Time)
    envelope = envelope_header(headers)
    event_slot = Native.out_slot
    Native.check(:mw_event_decode, envelope, envelope ? envelope.bytesize : 0, value&.b, value ? value.bytesize : 0,
                 timestamp_ms || 0, event_slot)

    event = Fiddle::Pointer.new(Native.read_slot(event_slot))
    return nil if event.null?

    begin
      Event.from_native(event, Native.out_slot, record: false, timestamp: !timestamp_ms.nil?)
    ensure
      Native.mw_event_free(event)
    end
  end

  # Returns the value of the first header named "envelope" as a binary
  # String, or nil when there is none or its value is null.
  def self.envelope_header(headers)
    return nil if headers.nil?

    headers.each do |name, header_value|
      return header_value&.b if name.to_s == ENVELOPE_HEADER
    end
    nil
  end
  private_class_method :envelope_header
end
