#!/usr/bin/env ruby
# frozen_string_literal: true

# Prints one line per webhook event of a Mister Webhooks topic until Ctrl-C,
# or until MAX_EVENTS events were handled. The offset of every printed event
# is committed.
#
#     ruby -Ilib examples/consume.rb TOPIC PROFILE [MAX_EVENTS]

require "mister_webhooks"

if ARGV.size < 2 || ARGV.size > 3
  warn "usage: #{$PROGRAM_NAME} TOPIC PROFILE [MAX_EVENTS]"
  exit 64
end
topic, profile_path, max_events = ARGV
max_events = Integer(max_events || 0)

profile = MisterWebhooks::ConnectionProfile.from_file(profile_path)
consumer = MisterWebhooks::Consumer.new(topic, profile)
# SIGTERM stops the run like Ctrl-C: the current event finishes and the
# offsets are committed.
Signal.trap("TERM") { consumer.stop }

handled = 0
begin
  consumer.consume do |event|
    puts "#{event.topic} partition #{event.partition} offset #{event.offset}: #{event.method} " \
         "#{event.payload_encoding}, #{event.header_entries.size} headers, #{event.payload_json.bytesize} bytes of JSON"
    $stdout.flush

    handled += 1
    consumer.stop if max_events.positive? && handled >= max_events
  end
rescue Interrupt
  warn "interrupted"
rescue MisterWebhooks::Error => e
  warn "#{e.status_name}: #{e.message}"
  exit 1
ensure
  warn "handled #{handled} events"
  consumer.close
end
