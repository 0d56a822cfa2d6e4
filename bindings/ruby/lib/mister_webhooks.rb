# frozen_string_literal: true

# Consumes Mister Webhooks Kafka topics with libmisterwebhooks, loaded
# through Fiddle: ConnectionProfile.from_file, Consumer.new(topic,
# profile).consume { |event| ... }, and MisterWebhooks.decode for records
# read with another Kafka client.
module MisterWebhooks
  VERSION = "0.1.0"
end

require_relative "mister_webhooks/errors"
require_relative "mister_webhooks/native"
require_relative "mister_webhooks/event"
require_relative "mister_webhooks/connection_profile"
require_relative "mister_webhooks/consumer"

module MisterWebhooks
  # Returns the version of the loaded libmisterwebhooks, such as "0.1.0".
  def self.library_version
    Native.c_string(Native.mw_version)
  end

  # Returns the path libmisterwebhooks was loaded from.
  def self.library_path
    Native::LIBRARY_PATH
  end
end
