# frozen_string_literal: true

require "json"

module MisterWebhooks
  # A Mister Webhooks connection profile: the consumer name, credentials and
  # Kafka bootstrap servers that Mister Webhooks issues to a customer as a
  # JSON file.
  #
  # +consumer_name+ is also the Kafka consumer group and SASL user name.
  # +auth_mechanism+ ("plain") and +auth_secret+ are nil for a profile
  # without auth, which only the "SSL" and "PLAINTEXT" security protocols
  # allow. +kafka_bootstrap+ lists the servers as host:port,
  # comma-separated. +security_protocol+ is "SASL_SSL" (the default),
  # "SASL_PLAINTEXT", "SSL" or "PLAINTEXT". +ssl_ca_location+ is a PEM file of
  # CA certificates; without it, TLS connections trust only the Mister
  # Webhooks broker CA built into libmisterwebhooks.
  #
  # Consumer.new checks the profile again with the library, so a profile
  # changed in Ruby gets the same checks as one loaded from a file. #inspect
  # never shows the secret.
  class ConnectionProfile
    FIELDS = %i[consumer_name auth_mechanism auth_secret kafka_bootstrap security_protocol ssl_ca_location].freeze

    attr_accessor(*FIELDS)

    def initialize(consumer_name:, kafka_bootstrap:, auth_mechanism: nil, auth_secret: nil, security_protocol: nil,
                   ssl_ca_location: nil)
      @consumer_name = consumer_name
      @auth_mechanism = auth_mechanism
      @auth_secret = auth_secret
      @kafka_bootstrap = kafka_bootstrap
      @security_protocol = security_protocol
      @ssl_ca_location = ssl_ca_location
    end

    # Loads a connection profile from the JSON file at +path+.
    #
    # Raises FileReadError when the file cannot be read, and ProfileError,
    # naming the file and the field, when it is not a valid profile.
    def self.from_file(path)
      path = path.to_path if path.respond_to?(:to_path)
      c_path = Native.c_string_argument(path, "profile path")
      profile_slot = Native.out_slot
      Native.check(:mw_profile_load, c_path, profile_slot)
      from_native(Fiddle::Pointer.new(Native.read_slot(profile_slot)))
    end

    # Parses a connection profile from JSON text. Raises ProfileError,
    # naming the field, when it is not a valid profile.
    def self.from_json(text)
      from_native(parse_native(text))
    end

    # Returns the profile as JSON in the format of Mister Webhooks' profile
    # files, secret included.
    def to_json(*_options)
      document = { "consumer_name" => consumer_name }
      document["auth"] = { "mechanism" => auth_mechanism, "secret" => auth_secret } if auth_mechanism || auth_secret
      kafka = { "bootstrap" => kafka_bootstrap }
      kafka["security_protocol"] = security_protocol if security_protocol
      kafka["ssl_ca_location"] = ssl_ca_location if ssl_ca_location
      document["kafka"] = kafka
      JSON.generate(document)
    end

    def to_h
      FIELDS.to_h { |field| [field, public_send(field)] }
    end

    def ==(other)
      other.is_a?(ConnectionProfile) && to_h == other.to_h
    end

    def inspect
      "#<#{self.class.name} consumer_name=#{consumer_name.inspect} kafka_bootstrap=#{kafka_bootstrap.inspect} " \
        "security_protocol=#{security_protocol.inspect}>"
    end

    # Returns a library profile parsed from JSON text; the caller frees it
    # with mw_profile_free.
    def self.parse_native(text)
      text = text.to_s.b
      profile_slot = Native.out_slot
      Native.check(:mw_profile_parse, text, text.bytesize, profile_slot)
      Fiddle::Pointer.new(Native.read_slot(profile_slot))
    end

    def self.from_native(profile)
      native = Native
      new(
        consumer_name: native.c_string(native.mw_profile_consumer_name(profile)),
        auth_mechanism: native.c_string(native.mw_profile_auth_mechanism(profile)),
        auth_secret: native.c_string(native.mw_profile_auth_secret(profile)),
        kafka_bootstrap: native.c_string(native.mw_profile_kafka_bootstrap(profile)),
        security_protocol: native.c_string(native.mw_profile_security_protocol(profile)),
        ssl_ca_location: native.c_string(native.mw_profile_ssl_ca_location(profile))
      )
    ensure
      native.mw_profile_free(profile)
    end
    private_class_method :from_native
  end
end
