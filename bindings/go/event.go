package misterwebhooks

/*
#include <misterwebhooks.h>
*/
import "C"

import (
	"encoding/json"
	"time"
	"unsafe"
)

// HTTPMethod is the method of the webhook request: "GET", "HEAD", "POST",
// "PUT", "DELETE" or "PATCH".
type HTTPMethod string

// The HTTP methods that Mister Webhooks records.
const (
	MethodGet    HTTPMethod = "GET"
	MethodHead   HTTPMethod = "HEAD"
	MethodPost   HTTPMethod = "POST"
	MethodPut    HTTPMethod = "PUT"
	MethodDelete HTTPMethod = "DELETE"
	MethodPatch  HTTPMethod = "PATCH"
)

// PayloadEncoding is the encoding the payload was received in: "JSON" or
// "CBOR".
type PayloadEncoding string

// The payload encodings of the envelope.
const (
	EncodingJSON PayloadEncoding = "JSON"
	EncodingCBOR PayloadEncoding = "CBOR"
)

// HeaderEntry is one HTTP header entry of the webhook request, with all of
// its values.
type HeaderEntry struct {
	Name   string
	Values []string
}

// Event is one webhook event: the HTTP request Mister Webhooks received and
// the Kafka record it arrived in. Every field is a copy owned by Go, so an
// event may be kept after the handler returns.
type Event struct {
	Method HTTPMethod

	// Headers maps each header name to all of its values in wire order,
	// merged across entries that repeat a name. HeaderEntries keeps the
	// entries themselves in wire order. Names and values may contain NUL.
	Headers       map[string][]string
	HeaderEntries []HeaderEntry

	// Payload is the payload as JSON text, also for a payload received as
	// CBOR, which the library converts. RawPayload is the payload as
	// received, and Encoding says which encoding that is.
	Payload    json.RawMessage
	RawPayload []byte
	Encoding   PayloadEncoding

	// Timestamp is the record timestamp, and TimestampMs the same instant in
	// milliseconds since the Unix epoch.
	Timestamp   time.Time
	TimestampMs int64

	// Topic, Partition, Offset and Key locate the record. An event from
	// Decode has topic "", partition -1, offset -1 and a nil key. Key is nil
	// for a null key.
	Topic     string
	Partition int32
	Offset    int64
	Key       []byte
}

// UnmarshalPayload parses the payload JSON into v, like json.Unmarshal.
func (e *Event) UnmarshalPayload(v any) error {
	return json.Unmarshal(e.Payload, v)
}

// copyEvent copies every field of a borrowed or owned C event into Go memory.
func copyEvent(event *C.mw_event) *Event {
	var length C.size_t

	timestampMs := int64(C.mw_event_timestamp_ms(event))
	entries := copyHeaderEntries(event)

	payload := C.mw_event_payload_json(event, &length)
	payloadJSON := C.GoBytes(unsafe.Pointer(payload), C.int(length))

	raw := C.mw_event_payload_raw(event, &length)
	rawPayload := C.GoBytes(raw, C.int(length))

	var key []byte
	if keyPointer := C.mw_event_key(event, &length); keyPointer != nil {
		key = C.GoBytes(keyPointer, C.int(length))
	}

	return &Event{
		Method:        HTTPMethod(C.GoString(C.mw_http_method_name(C.mw_event_method(event)))),
		Headers:       mergeHeaders(entries),
		HeaderEntries: entries,
		Payload:       json.RawMessage(payloadJSON),
		RawPayload:    rawPayload,
		Encoding:      PayloadEncoding(C.GoString(C.mw_payload_encoding_name(C.mw_event_encoding(event)))),
		Timestamp:     time.UnixMilli(timestampMs),
		TimestampMs:   timestampMs,
		Topic:         C.GoString(C.mw_event_topic(event)),
		Partition:     int32(C.mw_event_partition(event)),
		Offset:        int64(C.mw_event_offset(event)),
		Key:           key,
	}
}

func copyHeaderEntries(event *C.mw_event) []HeaderEntry {
	var length C.size_t
	count := C.mw_event_header_count(event)
	entries := make([]HeaderEntry, 0, int(count))

	for index := C.size_t(0); index < count; index++ {
		name := C.mw_event_header_name(event, index, &length)
		entry := HeaderEntry{Name: C.GoStringN(name, C.int(length))}

		valueCount := C.mw_event_header_value_count(event, index)
		entry.Values = make([]string, 0, int(valueCount))
		for valueIndex := C.size_t(0); valueIndex < valueCount; valueIndex++ {
			value := C.mw_event_header_value(event, index, valueIndex, &length)
			entry.Values = append(entry.Values, C.GoStringN(value, C.int(length)))
		}
		entries = append(entries, entry)
	}
	return entries
}

func mergeHeaders(entries []HeaderEntry) map[string][]string {
	headers := make(map[string][]string, len(entries))
	for _, entry := range entries {
		headers[entry.Name] = append(headers[entry.Name], entry.Values...)
	}
	return headers
}

// emptyInput is a non-NULL pointer for empty inputs, which the library
// distinguishes from NULL (a missing header or a null record value).
var emptyInput [1]byte

// inputBytes returns the pointer and length of b for the library: NULL for
// a nil slice, a non-NULL pointer for an empty one.
func inputBytes(b []byte) (unsafe.Pointer, C.size_t) {
	if b == nil {
		return nil, 0
	}
	if len(b) == 0 {
		return unsafe.Pointer(&emptyInput[0]), 0
	}
	return unsafe.Pointer(&b[0]), C.size_t(len(b))
}

// Decode decodes one Kafka record, for programs that read the topic with
// another Kafka client. envelope is the value of the record's first header
// named "envelope" (nil when there is no such header or its value is null),
// value is the record value (nil for a null value), and timestampMs the
// record timestamp in milliseconds since the Unix epoch.
//
// It returns a nil event and a nil error for a system record (envelope byte
// 0x00-0x7F), which applications skip. A record that cannot be decoded
// returns an *Error with StatusMalformedMessage, StatusUnsupportedEnvelope,
// StatusEnvelopeDecode or StatusPayloadDecode. The event has topic "",
// partition -1, offset -1 and a nil key, which the caller may fill in.
func Decode(envelope []byte, value []byte, timestampMs int64) (*Event, error) {
	envelopePointer, envelopeLength := inputBytes(envelope)
	valuePointer, valueLength := inputBytes(value)

	var event *C.mw_event
	var cError *C.mw_error
	status := C.mw_event_decode(envelopePointer, envelopeLength, valuePointer, valueLength,
		C.int64_t(timestampMs), &event, &cError)
	if status != C.MW_OK {
		return nil, takeError(status, cError)
	}
	if event == nil {
		return nil, nil
	}

	defer C.mw_event_free(event)
	return copyEvent(event), nil
}
