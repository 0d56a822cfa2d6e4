package misterwebhooks

import (
	"bufio"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// vector is one line of the decoding test vectors: a Kafka record and the
// outcome a conforming client must reach.
type vector struct {
	Name        string       `json:"name"`
	Headers     [][2]*string `json:"headers"`
	Value       *string      `json:"value"`
	TimestampMs int64        `json:"timestamp_ms"`
	Expect      struct {
		Result      string            `json:"result"`
		Error       string            `json:"error"`
		Method      string            `json:"method"`
		Encoding    string            `json:"encoding"`
		Headers     []json.RawMessage `json:"headers"`
		Payload     json.RawMessage   `json:"payload"`
		PayloadFile string            `json:"payload_file"`
	} `json:"expect"`
}

var statusByErrorKind = map[string]Status{
	"malformed_message":    StatusMalformedMessage,
	"unsupported_envelope": StatusUnsupportedEnvelope,
	"envelope_decode":      StatusEnvelopeDecode,
	"payload_decode":       StatusPayloadDecode,
}

func TestDecodeVectors(t *testing.T) {
	vectorsDir := filepath.Join(sharedDir(), "vectors")
	file, err := os.Open(filepath.Join(vectorsDir, "envelopes.jsonl"))
	if err != nil {
		t.Skipf("no decoding test vectors (set MW_SHARED_DIR): %v", err)
	}
	defer file.Close()

	lines, passed := 0, 0
	scanner := bufio.NewScanner(file)
	scanner.Buffer(make([]byte, 0, 1<<20), 64<<20)
	for scanner.Scan() {
		lines++
		var v vector
		if err := json.Unmarshal(scanner.Bytes(), &v); err != nil {
			t.Errorf("line %d does not parse: %v", lines, err)
			continue
		}
		if problem := checkVector(&v, vectorsDir); problem != "" {
			t.Errorf("%s: %s", v.Name, problem)
			continue
		}
		passed++
	}
	if err := scanner.Err(); err != nil {
		t.Fatal(err)
	}

	t.Logf("%d of %d decoding vectors passed", passed, lines)
	if lines == 0 || passed != lines {
		t.Fatalf("%d of %d decoding vectors passed", passed, lines)
	}
}

// checkVector decodes the vector's record with Decode and returns what
// differs from the expected outcome, or "".
func checkVector(v *vector, vectorsDir string) string {
	envelope, value, err := vectorRecord(v)
	if err != nil {
		return err.Error()
	}
	event, err := Decode(envelope, value, v.TimestampMs)

	switch v.Expect.Result {
	case "error":
		return checkVectorError(v, event, err)
	case "skip":
		if err != nil || event != nil {
			return fmt.Sprintf("expected a system record, got event %v and error %v", event != nil, err)
		}
		return ""
	case "event":
		if err != nil {
			return fmt.Sprintf("expected an event, got %v", err)
		}
		if event == nil {
			return "expected an event, got a system record"
		}
		return checkVectorEvent(v, event, vectorsDir)
	}
	return fmt.Sprintf("unknown expected result %q", v.Expect.Result)
}

// vectorRecord returns the first envelope header's value and the record
// value, each nil when absent or null.
func vectorRecord(v *vector) (envelope, value []byte, err error) {
	for _, header := range v.Headers {
		if header[0] == nil || *header[0] != "envelope" {
			continue
		}
		if header[1] != nil {
			if envelope, err = hex.DecodeString(*header[1]); err != nil {
				return nil, nil, err
			}
			if envelope == nil {
				envelope = []byte{}
			}
		}
		break
	}
	if v.Value != nil {
		if value, err = base64.StdEncoding.DecodeString(*v.Value); err != nil {
			return nil, nil, err
		}
	}
	return envelope, value, nil
}

func checkVectorError(v *vector, event *Event, err error) string {
	want, known := statusByErrorKind[v.Expect.Error]
	if !known {
		return fmt.Sprintf("unknown error kind %q", v.Expect.Error)
	}
	var decodeErr *Error
	if !errors.As(err, &decodeErr) {
		return fmt.Sprintf("expected %s, got event %v and error %v", want, event != nil, err)
	}
	if decodeErr.Status != want || !errors.Is(err, want) {
		return fmt.Sprintf("expected %s, got %s: %s", want, decodeErr.Status, decodeErr.Message)
	}
	if decodeErr.Message == "" {
		return "the error has an empty message"
	}
	if event != nil {
		return "an event was returned with the error"
	}
	return ""
}

func checkVectorEvent(v *vector, event *Event, vectorsDir string) string {
	if string(event.Method) != v.Expect.Method {
		return fmt.Sprintf("method: expected %s, got %s", v.Expect.Method, event.Method)
	}
	if string(event.Encoding) != v.Expect.Encoding {
		return fmt.Sprintf("encoding: expected %s, got %s", v.Expect.Encoding, event.Encoding)
	}
	if event.TimestampMs != v.TimestampMs || event.Timestamp.UnixMilli() != v.TimestampMs {
		return fmt.Sprintf("timestamp: expected %d ms, got %d ms", v.TimestampMs, event.TimestampMs)
	}
	if event.Topic != "" || event.Partition != -1 || event.Offset != -1 || event.Key != nil {
		return fmt.Sprintf("a decoded event has record coordinates %q/%d@%d", event.Topic, event.Partition, event.Offset)
	}
	if problem := checkVectorHeaders(v, event); problem != "" {
		return problem
	}
	return checkVectorPayload(v, event, vectorsDir)
}

func checkVectorHeaders(v *vector, event *Event) string {
	expected := make([]HeaderEntry, 0, len(v.Expect.Headers))
	for _, raw := range v.Expect.Headers {
		var pair [2]json.RawMessage
		var entry HeaderEntry
		if json.Unmarshal(raw, &pair) != nil || json.Unmarshal(pair[0], &entry.Name) != nil ||
			json.Unmarshal(pair[1], &entry.Values) != nil {
			return fmt.Sprintf("expected header entry %s does not parse", raw)
		}
		if entry.Values == nil {
			entry.Values = []string{}
		}
		expected = append(expected, entry)
	}
	if !reflect.DeepEqual(expected, event.HeaderEntries) {
		return fmt.Sprintf("headers: expected %q, got %q", expected, event.HeaderEntries)
	}
	return ""
}

func checkVectorPayload(v *vector, event *Event, vectorsDir string) string {
	want, err := expectedPayload(v, vectorsDir)
	if err != nil {
		return err.Error()
	}
	have, err := parseJSON(event.Payload)
	if err != nil {
		return fmt.Sprintf("the payload JSON does not parse: %v", err)
	}
	if !sameJSON(want, have) {
		return fmt.Sprintf("payload differs: got %.200s", event.Payload)
	}
	return ""
}

func expectedPayload(v *vector, vectorsDir string) (any, error) {
	if v.Expect.PayloadFile != "" {
		text, err := os.ReadFile(filepath.Join(vectorsDir, v.Expect.PayloadFile))
		if err != nil {
			return nil, err
		}
		return parseJSON(text)
	}

	payload, err := parseJSON(v.Expect.Payload)
	if err != nil {
		return nil, fmt.Errorf("expected payload does not parse: %v", err)
	}
	if object, ok := payload.(map[string]any); ok && len(object) == 1 {
		if text, ok := object["$json_text"].(string); ok {
			return parseJSON([]byte(text))
		}
	}
	return payload, nil
}
