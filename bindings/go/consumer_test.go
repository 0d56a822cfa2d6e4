package misterwebhooks

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"
)

// consumeTimeout bounds joining a group and reading a whole seeded topic.
const consumeTimeout = 60 * time.Second

// sample is one payload file that dev-broker published, with the header
// entries it published it with.
type sample struct {
	relativePath string
	payload      []byte
	headers      []HeaderEntry
}

// readSamples reads the *.json files under dir as dev-broker publishes them:
// headers from FILE.headers ("Name: Value" lines, repeated names merged
// into one entry) or a Content-Type header, then X-Sample-File.
func readSamples(t *testing.T, dir string) map[string]sample {
	t.Helper()
	samples := map[string]sample{}
	err := filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() || !strings.HasSuffix(path, ".json") {
			return err
		}
		relativePath, _ := filepath.Rel(dir, path)
		payload, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		samples[relativePath] = sample{relativePath, payload, sampleHeaders(path, relativePath)}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return samples
}

func sampleHeaders(path, relativePath string) []HeaderEntry {
	var entries []HeaderEntry
	text, err := os.ReadFile(path + ".headers")
	if err != nil {
		entries = append(entries, HeaderEntry{"Content-Type", []string{"application/json"}})
	}
	for _, line := range strings.Split(string(text), "\n") {
		name, value, found := strings.Cut(line, ":")
		if !found {
			continue
		}
		name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		merged := false
		for index := range entries {
			if entries[index].Name == name {
				entries[index].Values = append(entries[index].Values, value)
				merged = true
			}
		}
		if !merged {
			entries = append(entries, HeaderEntry{name, []string{value}})
		}
	}
	return append(entries, HeaderEntry{"X-Sample-File", []string{relativePath}})
}

func samplesBroker(t *testing.T) *broker {
	return startBroker(t, "samples", 2, samplesDir)
}

// corpusBroker returns a broker of the GitHub payload corpus, or of the
// samples when the corpus is missing, and the folder it was seeded from.
func corpusBroker(t *testing.T) (*broker, string) {
	corpus := filepath.Join(sharedDir(), "corpus", "github")
	if _, err := os.Stat(corpus); err != nil {
		t.Logf("no GitHub payload corpus at %s, using the samples", corpus)
		return samplesBroker(t), samplesDir
	}
	return startBroker(t, "github", 2, corpus), corpus
}

func newTestConsumer(t *testing.T, b *broker, group string) *Consumer {
	t.Helper()
	consumer, err := NewConsumer(b.topic, b.profile(t, group))
	if err != nil {
		t.Fatalf("NewConsumer: %v", err)
	}
	t.Cleanup(func() { consumer.Close() })
	return consumer
}

// consumeUntil runs consumer until done(events) holds, then for linger more
// to catch events delivered twice, and returns the events and Consume's
// error.
func consumeUntil(t *testing.T, consumer *Consumer, linger time.Duration, done func([]*Event) bool) ([]*Event, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), consumeTimeout)
	defer cancel()

	var events []*Event
	err := consumer.Consume(ctx, func(event *Event) error {
		events = append(events, event)
		if done(events) {
			time.AfterFunc(linger, cancel)
		}
		return nil
	})
	if errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("consumer timed out after %s with %d events", consumeTimeout, len(events))
	}
	return events, err
}

func countReached(count int) func([]*Event) bool {
	return func(events []*Event) bool { return len(events) == count }
}

func TestConsumeSamplesWithAllFields(t *testing.T) {
	b := samplesBroker(t)
	samples := readSamples(t, samplesDir)
	consumer := newTestConsumer(t, b, freshGroup("samples"))
	started := time.Now()

	events, err := consumeUntil(t, consumer, time.Second, countReached(len(samples)))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Consume returned %v, expected context.Canceled", err)
	}
	if len(events) != len(samples) {
		t.Fatalf("received %d events, expected %d", len(events), len(samples))
	}

	encodings := map[PayloadEncoding]int{}
	seen := map[string]bool{}
	for _, event := range events {
		relativePath := string(event.Key)
		expected, ok := samples[relativePath]
		if !ok {
			t.Errorf("event with unknown key %q", event.Key)
			continue
		}
		if seen[relativePath] {
			t.Errorf("sample %s delivered twice", relativePath)
		}
		seen[relativePath] = true
		encodings[event.Encoding]++

		checkSampleEvent(t, b, event, expected, started)
	}
	if encodings[EncodingJSON] == 0 || encodings[EncodingCBOR] == 0 {
		t.Errorf("expected JSON and CBOR payloads, got %v", encodings)
	}
}

func checkSampleEvent(t *testing.T, b *broker, event *Event, expected sample, started time.Time) {
	t.Helper()
	name := expected.relativePath

	if event.Method != MethodPost {
		t.Errorf("%s: method %s, expected POST", name, event.Method)
	}
	if event.Topic != b.topic || event.Partition < 0 || event.Partition > 1 || event.Offset < 0 {
		t.Errorf("%s: record %s/%d@%d, expected topic %s, partition 0 or 1", name, event.Topic, event.Partition, event.Offset, b.topic)
	}
	if !reflect.DeepEqual(event.HeaderEntries, expected.headers) {
		t.Errorf("%s: header entries %q, expected %q", name, event.HeaderEntries, expected.headers)
	}
	for _, entry := range expected.headers {
		if !reflect.DeepEqual(event.Headers[entry.Name], entry.Values) {
			t.Errorf("%s: Headers[%q] = %q, expected %q", name, entry.Name, event.Headers[entry.Name], entry.Values)
		}
	}

	want, _ := parseJSON(expected.payload)
	have, err := parseJSON(event.Payload)
	if err != nil || !sameJSON(want, have) {
		t.Errorf("%s: payload %.200s differs from the file (%v)", name, event.Payload, err)
	}
	if event.Encoding == EncodingJSON && string(event.RawPayload) != string(expected.payload) {
		t.Errorf("%s: the raw JSON payload differs from the file", name)
	}
	if event.Encoding == EncodingCBOR && string(event.RawPayload) == string(expected.payload) {
		t.Errorf("%s: the raw CBOR payload equals the JSON file", name)
	}

	// The broker published the records shortly before this test started.
	if age := started.Sub(event.Timestamp); age < -time.Minute || age > time.Hour {
		t.Errorf("%s: record timestamp %s is not recent", name, event.Timestamp)
	}
}

func TestConsumeCorpusDeliversEachEventOnce(t *testing.T) {
	b, seedDir := corpusBroker(t)
	samples := readSamples(t, seedDir)
	consumer := newTestConsumer(t, b, freshGroup("corpus"))

	events, err := consumeUntil(t, consumer, time.Second, countReached(len(samples)))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Consume returned %v, expected context.Canceled", err)
	}
	if len(events) != len(samples) {
		t.Fatalf("received %d events, expected %d", len(events), len(samples))
	}

	records := map[string]bool{}
	for _, event := range events {
		record := fmt.Sprintf("%d@%d", event.Partition, event.Offset)
		if records[record] {
			t.Errorf("record %s delivered twice", record)
		}
		records[record] = true

		expected, ok := samples[string(event.Key)]
		if !ok {
			t.Errorf("record %s has unknown key %q", record, event.Key)
			continue
		}
		delete(samples, string(event.Key))
		want, _ := parseJSON(expected.payload)
		have, err := parseJSON(event.Payload)
		if err != nil || !sameJSON(want, have) {
			t.Errorf("%s: payload differs from the file (%v)", expected.relativePath, err)
		}
	}
	if len(samples) != 0 {
		t.Errorf("%d payload files were never delivered", len(samples))
	}
}

func TestHandlerErrorLeavesEventUncommitted(t *testing.T) {
	b, _ := corpusBroker(t)
	group := freshGroup("handler-error")
	failure := errors.New("handler failed on the third event")

	first := newTestConsumer(t, b, group)
	if err := first.SetOption("session.timeout.ms", "6000"); err != nil {
		t.Fatal(err)
	}
	var received []*Event
	ctx, cancel := context.WithTimeout(context.Background(), consumeTimeout)
	defer cancel()
	err := first.Consume(ctx, func(event *Event) error {
		received = append(received, event)
		if len(received) == 3 {
			return failure
		}
		return nil
	})

	if len(received) != 3 {
		t.Fatalf("the handler ran %d times, expected 3 (error %v)", len(received), err)
	}
	third := received[2]
	var runErr *Error
	if !errors.As(err, &runErr) {
		t.Fatalf("Consume returned %v, expected an *Error", err)
	}
	if !errors.Is(err, failure) {
		t.Errorf("errors.Is(%v, the handler's error) is false", err)
	}
	if !errors.Is(err, StatusHandler) || runErr.Status != StatusHandler {
		t.Errorf("status %s, expected MW_ERR_HANDLER", runErr.Status)
	}
	if runErr.Topic != b.topic || runErr.Partition != third.Partition || runErr.Offset != third.Offset {
		t.Errorf("error names record %s/%d@%d, expected %s/%d@%d",
			runErr.Topic, runErr.Partition, runErr.Offset, b.topic, third.Partition, third.Offset)
	}
	if !strings.Contains(err.Error(), failure.Error()) {
		t.Errorf("error text %q does not contain the handler's error", err)
	}
	first.Close()

	second := newTestConsumer(t, b, group)
	if err := second.SetOption("session.timeout.ms", "6000"); err != nil {
		t.Fatal(err)
	}
	redelivered, err := consumeUntil(t, second, 0, func(events []*Event) bool {
		return events[len(events)-1].Partition == third.Partition
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("second Consume returned %v", err)
	}

	var firstInPartition *Event
	for _, event := range redelivered {
		if event.Partition == third.Partition {
			firstInPartition = event
			break
		}
	}
	if firstInPartition == nil || firstInPartition.Offset != third.Offset {
		t.Fatalf("the group resumed partition %d at %v, expected offset %d", third.Partition, firstInPartition, third.Offset)
	}
	if string(firstInPartition.Payload) != string(third.Payload) {
		t.Errorf("the redelivered event's payload differs")
	}
	for _, accepted := range received[:2] {
		for _, event := range redelivered {
			if event.Partition == accepted.Partition && event.Offset == accepted.Offset {
				t.Errorf("accepted record %d@%d was delivered again", event.Partition, event.Offset)
			}
		}
	}
}

func TestHandlerPanicIsRecovered(t *testing.T) {
	b := samplesBroker(t)
	consumer := newTestConsumer(t, b, freshGroup("panic"))
	// The second run rejoins the group that the first run left.
	if err := consumer.SetOption("session.timeout.ms", "6000"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), consumeTimeout)
	defer cancel()

	var failed *Event
	err := consumer.Consume(ctx, func(event *Event) error {
		failed = event
		panic("boom")
	})

	var panicErr *PanicError
	if !errors.As(err, &panicErr) {
		t.Fatalf("Consume returned %v, expected a *PanicError inside", err)
	}
	if panicErr.Value != "boom" || !strings.Contains(string(panicErr.Stack), "TestHandlerPanicIsRecovered") {
		t.Errorf("panic value %v, stack %.300s", panicErr.Value, panicErr.Stack)
	}
	var runErr *Error
	if !errors.As(err, &runErr) || runErr.Status != StatusHandler || runErr.Offset != failed.Offset {
		t.Errorf("Consume returned %v, expected MW_ERR_HANDLER at offset %d", err, failed.Offset)
	}

	// The consumer can run again, and starts at the record it panicked on.
	events, err := consumeUntil(t, consumer, 0, func(events []*Event) bool {
		return events[len(events)-1].Partition == failed.Partition
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("second run returned %v", err)
	}
	for _, event := range events {
		if event.Partition == failed.Partition {
			if event.Offset != failed.Offset {
				t.Errorf("second run started partition %d at offset %d, expected %d", event.Partition, event.Offset, failed.Offset)
			}
			break
		}
	}
}

func TestCancelStopsIdleConsumerAndCommits(t *testing.T) {
	b := startBroker(t, "quiet", 1, samplesDir)
	group := freshGroup("cancel")
	consumer := newTestConsumer(t, b, group)
	if err := consumer.SetOption("session.timeout.ms", "6000"); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	seeded := len(readSamples(t, samplesDir))
	received := 0
	allReceived := make(chan struct{})
	timeout := time.AfterFunc(consumeTimeout, cancel)
	defer timeout.Stop()

	var cancelledAt time.Time
	go func() {
		<-allReceived
		time.Sleep(time.Second) // idle: no records arrive now
		cancelledAt = time.Now()
		cancel()
	}()
	err := consumer.Consume(ctx, func(event *Event) error {
		received++
		if received == seeded {
			close(allReceived)
		}
		return nil
	})
	returned := time.Since(cancelledAt)

	if !errors.Is(err, context.Canceled) || received != seeded {
		t.Fatalf("Consume returned %v after %d of %d events", err, received, seeded)
	}
	if returned > time.Second {
		t.Errorf("Consume returned %s after the cancel, expected under 1 s", returned)
	}
	consumer.Close()

	// The commit was complete: the group resumes with the event published now.
	marker := filepath.Join(t.TempDir(), "marker.json")
	if err := os.WriteFile(marker, []byte(`{"marker":"`+group+`"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	b.publish(t, marker)
	resumed := newTestConsumer(t, b, group)
	if err := resumed.SetOption("session.timeout.ms", "6000"); err != nil {
		t.Fatal(err)
	}
	events, err := consumeUntil(t, resumed, 0, countReached(1))
	if !errors.Is(err, context.Canceled) || len(events) != 1 {
		t.Fatalf("resumed Consume returned %v with %d events", err, len(events))
	}
	if string(events[0].Payload) != `{"marker":"`+group+`"}` {
		t.Errorf("the group resumed at %s, expected the marker", events[0].Payload)
	}
}

func TestCloseFromHandlerEndsRun(t *testing.T) {
	b := samplesBroker(t)
	consumer := newTestConsumer(t, b, freshGroup("close"))
	ctx, cancel := context.WithTimeout(context.Background(), consumeTimeout)
	defer cancel()

	handled := 0
	err := consumer.Consume(ctx, func(event *Event) error {
		handled++
		return consumer.Close()
	})
	if err != nil || handled != 1 {
		t.Fatalf("Consume returned %v after %d events, expected nil after 1", err, handled)
	}

	for name, err := range map[string]error{
		"Consume":   consumer.Consume(ctx, func(*Event) error { return nil }),
		"SetOption": consumer.SetOption("mw.poll.interval.ms", "50"),
	} {
		if !errors.Is(err, StatusInvalidArgument) {
			t.Errorf("%s on a closed consumer returned %v, expected MW_ERR_INVALID_ARGUMENT", name, err)
		}
	}
	if err := consumer.Close(); err != nil {
		t.Errorf("second Close returned %v", err)
	}
}

func TestCancelledContextSkipsRun(t *testing.T) {
	b := samplesBroker(t)
	consumer := newTestConsumer(t, b, freshGroup("cancelled"))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()

	err := consumer.Consume(ctx, func(*Event) error {
		t.Error("the handler ran with a cancelled context")
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Consume returned %v, expected context.Canceled", err)
	}
}

func TestUnreachableBrokerReturnsKafkaError(t *testing.T) {
	profile := &ConnectionProfile{ConsumerName: freshGroup("unreachable"), Bootstrap: "127.0.0.1:1", SecurityProtocol: "PLAINTEXT"}
	consumer, err := NewConsumer("unreachable", profile)
	if err != nil {
		t.Fatal(err)
	}
	defer consumer.Close()
	if err := consumer.SetOption("mw.broker.timeout.ms", "2000"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), consumeTimeout)
	defer cancel()

	err = consumer.Consume(ctx, func(*Event) error { return nil })
	var runErr *Error
	if !errors.As(err, &runErr) || runErr.Status != StatusKafka || !errors.Is(err, StatusKafka) {
		t.Fatalf("Consume returned %v, expected MW_ERR_KAFKA", err)
	}
	if !strings.Contains(runErr.Message, "127.0.0.1:1") {
		t.Errorf("message %q does not name the broker", runErr.Message)
	}
	if runErr.Partition != -1 || runErr.Offset != -1 {
		t.Errorf("a Kafka error has record coordinates %d@%d", runErr.Partition, runErr.Offset)
	}
}

func TestExampleStopsOnSignal(t *testing.T) {
	b := samplesBroker(t)
	binary := filepath.Join(t.TempDir(), "consume")
	build := exec.Command("go", "build", "-o", binary, "./examples/consume")
	if output, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the example failed: %v: %s", err, output)
	}

	expected := len(readSamples(t, samplesDir))
	example := exec.Command(binary, b.topic, b.profileFile(t, freshGroup("example")))
	stdout, err := example.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	example.Stderr = &stderr
	if err := example.Start(); err != nil {
		t.Fatal(err)
	}
	defer example.Process.Kill()

	lines := make(chan string)
	go func() {
		scanner := bufio.NewScanner(stdout)
		for scanner.Scan() {
			lines <- scanner.Text()
		}
		close(lines)
	}()
	printed := 0
	deadline := time.After(consumeTimeout)
	for printed < expected {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatalf("the example exited after %d lines: %s", printed, stderr.String())
			}
			if !strings.HasPrefix(line, b.topic+" partition ") || !strings.Contains(line, ": POST ") {
				t.Errorf("unexpected line %q", line)
			}
			printed++
		case <-deadline:
			t.Fatalf("the example printed %d of %d events within %s", printed, expected, consumeTimeout)
		}
	}

	time.Sleep(500 * time.Millisecond)
	interruptedAt := time.Now()
	example.Process.Signal(syscall.SIGINT)
	for range lines {
		t.Error("the example printed more lines than events")
	}
	err = example.Wait()
	if took := time.Since(interruptedAt); took > 2*time.Second {
		t.Errorf("the example exited %s after SIGINT", took)
	}
	if err != nil {
		t.Errorf("the example exited with %v: %s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), fmt.Sprintf("handled %d events", expected)) {
		t.Errorf("stderr %q does not report %d events", stderr.String(), expected)
	}
}
