# frozen_string_literal: true

module MisterWebhooks
  # Base class of every error raised by this library.
  #
  # +status+ is the library's +mw_status+ value and +status_name+ its name
  # (for example "MW_ERR_KAFKA"), or nil for errors raised by the binding
  # itself. +topic+, +partition+ and +offset+ locate the Kafka record that a
  # record error is about, and are nil for other errors.
  class Error < StandardError
    attr_reader :status, :status_name, :topic, :partition, :offset

    def initialize(message = nil, status: nil, status_name: nil, topic: nil, partition: nil, offset: nil)
      super(message)
      @status = status
      @status_name = status_name
      @topic = topic
      @partition = partition
      @offset = offset
    end
  end

  # libmisterwebhooks could not be loaded. The message lists the paths tried.
  class LibraryNotFoundError < Error; end

  # An argument was invalid, or the call is not allowed in the object's
  # current state (MW_ERR_INVALID_ARGUMENT).
  class InvalidArgumentError < Error; end

  # A file, such as a connection profile, could not be read (MW_ERR_IO).
  class FileReadError < Error; end

  # The connection profile is invalid (MW_ERR_PROFILE). The message names the
  # field and, for a profile loaded from a file, the file.
  class ProfileError < Error; end

  # Kafka failed (MW_ERR_KAFKA): an option librdkafka rejects, brokers that
  # stay unreachable, a missing or unauthorized topic, a fatal client error
  # or a final offset commit that failed.
  class KafkaError < Error; end

  # The brokers rejected the profile's SASL credentials
  # (MW_ERR_AUTHENTICATION).
  class AuthenticationError < KafkaError; end

  # Base class of the errors about one Kafka record that cannot be decoded.
  class RecordError < Error; end

  # The record has no valid +envelope+ header: the first one is missing, null
  # or not exactly one byte long (MW_ERR_MALFORMED_MESSAGE).
  class FormatError < RecordError; end

  # The record's envelope (0x81-0xFF) is newer than libmisterwebhooks, which
  # must be upgraded (MW_ERR_UNSUPPORTED_ENVELOPE).
  class UnsupportedEnvelopeError < RecordError; end

  # Base class of the errors about a record whose envelope is supported but
  # whose content is invalid.
  class DecodeError < RecordError; end

  # The record value is not a valid Avro KafkaMessageEnvelopeV1
  # (MW_ERR_ENVELOPE_DECODE).
  class EnvelopeDecodeError < DecodeError; end

  # The webhook payload is not valid JSON or CBOR (MW_ERR_PAYLOAD_DECODE).
  class PayloadDecodeError < DecodeError; end

  # The event handler stopped the run (MW_ERR_HANDLER). Consumer#consume
  # re-raises the block's own exception instead, so this is raised only when
  # that exception is unavailable.
  class HandlerError < Error; end

  # The error class of each mw_status value other than MW_OK.
  STATUS_ERRORS = {
    1 => InvalidArgumentError,
    2 => FileReadError,
    3 => ProfileError,
    4 => KafkaError,
    5 => AuthenticationError,
    10 => FormatError,
    11 => UnsupportedEnvelopeError,
    12 => EnvelopeDecodeError,
    13 => PayloadDecodeError,
    20 => HandlerError
  }.freeze
end
