package misterwebhooks

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeProfile(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "profile.json")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestProfileMissingFieldIsProfileError(t *testing.T) {
	path := writeProfile(t, `{"auth": {"mechanism": "plain", "secret": "hunter2"}, "kafka": {"bootstrap": "127.0.0.1:9092"}}`)

	_, err := LoadConnectionProfile(path)
	var profileErr *Error
	if !errors.As(err, &profileErr) {
		t.Fatalf("LoadConnectionProfile returned %v, expected an *Error", err)
	}
	if profileErr.Status != StatusProfile || !errors.Is(err, StatusProfile) {
		t.Errorf("status %s, expected MW_ERR_PROFILE", profileErr.Status)
	}
	if !strings.Contains(profileErr.Message, "consumer_name") || !strings.Contains(profileErr.Message, path) {
		t.Errorf("message %q names neither the field consumer_name nor the file", profileErr.Message)
	}
	if strings.Contains(err.Error(), "hunter2") {
		t.Errorf("the error shows the secret: %v", err)
	}
	if profileErr.Topic != "" || profileErr.Partition != -1 || profileErr.Offset != -1 {
		t.Errorf("a profile error has record coordinates: %+v", profileErr)
	}
}

func TestProfileMissingFileIsIOError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing.json")
	_, err := LoadConnectionProfile(path)
	if !errors.Is(err, StatusIO) || !strings.Contains(err.Error(), path) {
		t.Errorf("LoadConnectionProfile returned %v, expected MW_ERR_IO naming %s", err, path)
	}
}

func TestProfileRoundTripsThroughJSON(t *testing.T) {
	text := `{"consumer_name": "acme", "auth": {"mechanism": "plain", "secret": "s3cret"},
		"kafka": {"servers": ["a:1", "b:2"], "security_protocol": "SASL_PLAINTEXT"}}`
	profile, err := ParseConnectionProfile([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	want := ConnectionProfile{ConsumerName: "acme", AuthMechanism: "plain", AuthSecret: "s3cret",
		Bootstrap: "a:1,b:2", SecurityProtocol: "SASL_PLAINTEXT"}
	if *profile != want {
		t.Errorf("parsed %+v, expected %+v", *profile, want)
	}

	marshalled, err := profile.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	again, err := ParseConnectionProfile(marshalled)
	if err != nil || *again != want {
		t.Errorf("round trip gave %+v, %v", again, err)
	}
	for _, shown := range []string{profile.String(), profile.GoString()} {
		if strings.Contains(shown, "s3cret") {
			t.Errorf("%q shows the secret", shown)
		}
	}
}

func TestNewConsumerRejectsInvalidArguments(t *testing.T) {
	profile := &ConnectionProfile{ConsumerName: "group", Bootstrap: "127.0.0.1:1", SecurityProtocol: "PLAINTEXT"}

	if _, err := NewConsumer("", profile); !errors.Is(err, StatusInvalidArgument) {
		t.Errorf("empty topic: %v, expected MW_ERR_INVALID_ARGUMENT", err)
	}
	if _, err := NewConsumer("topic", nil); !errors.Is(err, StatusInvalidArgument) {
		t.Errorf("nil profile: %v, expected MW_ERR_INVALID_ARGUMENT", err)
	}
	invalid := &ConnectionProfile{Bootstrap: "127.0.0.1:1", SecurityProtocol: "PLAINTEXT"}
	if _, err := NewConsumer("topic", invalid); !errors.Is(err, StatusProfile) || !strings.Contains(err.Error(), "consumer_name") {
		t.Errorf("profile without consumer name: %v, expected MW_ERR_PROFILE naming consumer_name", err)
	}
	insecure := &ConnectionProfile{ConsumerName: "group", Bootstrap: "127.0.0.1:1"}
	if _, err := NewConsumer("topic", insecure); !errors.Is(err, StatusProfile) || !strings.Contains(err.Error(), "auth") {
		t.Errorf("SASL_SSL profile without auth: %v, expected MW_ERR_PROFILE naming auth", err)
	}
}

func TestSetOptionErrors(t *testing.T) {
	profile := &ConnectionProfile{ConsumerName: "group", Bootstrap: "127.0.0.1:1", SecurityProtocol: "PLAINTEXT"}
	consumer, err := NewConsumer("topic", profile)
	if err != nil {
		t.Fatal(err)
	}
	defer consumer.Close()

	cases := []struct {
		key, value string
		status     Status
	}{
		{"mw.no.such.option", "1", StatusInvalidArgument},
		{"mw.poll.interval.ms", "soon", StatusInvalidArgument},
		{"no.such.librdkafka.property", "1", StatusKafka},
	}
	for _, c := range cases {
		err := consumer.SetOption(c.key, c.value)
		var optionErr *Error
		if !errors.As(err, &optionErr) || optionErr.Status != c.status {
			t.Errorf("SetOption(%q, %q) returned %v, expected %s", c.key, c.value, err, c.status)
		}
	}
	if err := consumer.SetOption("mw.poll.interval.ms", "50"); err != nil {
		t.Errorf("valid option rejected: %v", err)
	}
}

func TestDecodeErrorsAndSystemRecords(t *testing.T) {
	event, err := Decode([]byte{0x00}, nil, 0)
	if event != nil || err != nil {
		t.Errorf("system record: event %v, error %v, expected neither", event, err)
	}

	cases := []struct {
		name     string
		envelope []byte
		status   Status
	}{
		{"no envelope header", nil, StatusMalformedMessage},
		{"empty envelope header", []byte{}, StatusMalformedMessage},
		{"newer envelope", []byte{0x81}, StatusUnsupportedEnvelope},
		{"invalid Avro", []byte{0x80}, StatusEnvelopeDecode},
	}
	for _, c := range cases {
		_, err := Decode(c.envelope, []byte{0xff}, 0)
		var decodeErr *Error
		if !errors.As(err, &decodeErr) || decodeErr.Status != c.status {
			t.Errorf("%s: %v, expected %s", c.name, err, c.status)
			continue
		}
		if !decodeErr.Status.IsRecordError() || decodeErr.Topic != "" || decodeErr.Partition != -1 || decodeErr.Offset != -1 {
			t.Errorf("%s: %+v, expected a record error without coordinates", c.name, decodeErr)
		}
	}
}

func TestStatusNames(t *testing.T) {
	if StatusHandler.String() != "MW_ERR_HANDLER" || Status(99).String() != "MW_ERR_UNKNOWN" {
		t.Errorf("status names %q, %q", StatusHandler, Status(99))
	}
	if !strings.HasPrefix(Version(), "0.") {
		t.Errorf("library version %q, expected 0.x", Version())
	}
}
