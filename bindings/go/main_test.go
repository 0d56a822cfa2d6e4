package misterwebhooks

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// brokerStartTimeout bounds how long dev-broker may take to seed its topic.
const brokerStartTimeout = 60 * time.Second

var (
	bindingDir, _  = filepath.Abs(".")
	repositoryRoot = filepath.Join(bindingDir, "..", "..")
	samplesDir     = filepath.Join(repositoryRoot, "examples", "samples")
)

// sharedDir returns the folder of the decoding test vectors and the GitHub
// payload corpus: $MW_SHARED_DIR, or the folder "shared" beside the
// repository.
func sharedDir() string {
	if dir := os.Getenv("MW_SHARED_DIR"); dir != "" {
		return dir
	}
	return filepath.Join(repositoryRoot, "..", "shared")
}

func toolPath() string {
	if path := os.Getenv("MISTER_WEBHOOKS_TOOL"); path != "" {
		return path
	}
	return filepath.Join(repositoryRoot, "build", "bin", "mister-webhooks")
}

// broker is a running `mister-webhooks dev-broker`.
type broker struct {
	topic       string
	bootstrap   string
	profilePath string
	workdir     string
	process     *exec.Cmd
}

var (
	brokersMu sync.Mutex
	brokers   = map[string]*broker{}
)

func TestMain(m *testing.M) {
	code := m.Run()
	for _, running := range brokers {
		running.stop()
	}
	os.Exit(code)
}

// startBroker returns the broker of topic, starting it on first use with
// the *.json files under seedDir. Brokers stop when the test binary ends.
func startBroker(t *testing.T, topic string, partitions int, seedDir string) *broker {
	t.Helper()
	tool := toolPath()
	if _, err := os.Stat(tool); err != nil {
		t.Skipf("mister-webhooks tool not built at %s (run `make tool`, or set MISTER_WEBHOOKS_TOOL): %v", tool, err)
	}

	brokersMu.Lock()
	defer brokersMu.Unlock()
	if running, ok := brokers[topic]; ok {
		return running
	}

	workdir, err := os.MkdirTemp("", "mw-go-broker-")
	if err != nil {
		t.Fatal(err)
	}
	running := &broker{topic: topic, profilePath: filepath.Join(workdir, "profile.json"), workdir: workdir}
	running.process = exec.Command(tool, "dev-broker", "--topic", topic, "--partitions", strconv.Itoa(partitions),
		"--seed", seedDir, "--profile-out", running.profilePath)
	stderrPath := filepath.Join(workdir, "dev-broker.stderr")
	stderr, err := os.Create(stderrPath)
	if err != nil {
		t.Fatal(err)
	}
	defer stderr.Close()
	running.process.Stderr = stderr
	stdout, err := running.process.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := running.process.Start(); err != nil {
		t.Fatalf("starting dev-broker: %v", err)
	}
	brokers[topic] = running

	if err := running.waitUntilSeeded(bufio.NewScanner(stdout)); err != nil {
		log, _ := os.ReadFile(stderrPath)
		t.Fatalf("dev-broker for topic %s did not start: %v; stderr: %s", topic, err, log)
	}
	return running
}

// waitUntilSeeded waits for the bootstrap address that dev-broker prints
// once the topic is seeded, and for its profile file.
func (b *broker) waitUntilSeeded(stdout *bufio.Scanner) error {
	lines := make(chan string, 1)
	go func() {
		defer close(lines)
		for stdout.Scan() {
			if line := strings.TrimSpace(stdout.Text()); strings.Contains(line, "127.0.0.1:") {
				lines <- line
				break
			}
		}
		for stdout.Scan() {
		}
	}()

	select {
	case line, ok := <-lines:
		if !ok {
			return fmt.Errorf("dev-broker exited before it printed its bootstrap address")
		}
		b.bootstrap = line
	case <-time.After(brokerStartTimeout):
		return fmt.Errorf("no bootstrap address within %s", brokerStartTimeout)
	}

	deadline := time.Now().Add(brokerStartTimeout)
	for time.Now().Before(deadline) {
		if text, err := os.ReadFile(b.profilePath); err == nil && json.Valid(text) {
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("no profile at %s within %s", b.profilePath, brokerStartTimeout)
}

func (b *broker) stop() {
	if b.process.Process != nil {
		b.process.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { b.process.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			b.process.Process.Kill()
			<-done
		}
	}
	os.RemoveAll(b.workdir)
}

// profile returns the broker's connection profile with consumer group group.
func (b *broker) profile(t *testing.T, group string) *ConnectionProfile {
	t.Helper()
	profile, err := LoadConnectionProfile(b.profilePath)
	if err != nil {
		t.Fatalf("loading the dev-broker profile: %v", err)
	}
	profile.ConsumerName = group
	return profile
}

// profileFile writes the broker's profile with consumer group group to a file.
func (b *broker) profileFile(t *testing.T, group string) string {
	t.Helper()
	text, err := b.profile(t, group).MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "profile.json")
	if err := os.WriteFile(path, text, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// publish publishes one more POST event with `mister-webhooks publish`.
func (b *broker) publish(t *testing.T, payloadFile string) {
	t.Helper()
	output, err := exec.Command(toolPath(), "publish", "--profile", b.profilePath, "--topic", b.topic, payloadFile).CombinedOutput()
	if err != nil {
		t.Fatalf("mister-webhooks publish failed: %v: %s", err, output)
	}
}

var groupCounter int

// freshGroup returns a consumer group name that no earlier consumer used,
// because the mock cluster makes a consumer wait a whole session timeout
// when it joins a group that another member just left.
func freshGroup(name string) string {
	groupCounter++
	return fmt.Sprintf("go-%s-%d-%d", name, os.Getpid(), groupCounter)
}

// parseJSON parses JSON text with numbers kept as json.Number.
func parseJSON(text []byte) (any, error) {
	decoder := json.NewDecoder(strings.NewReader(string(text)))
	decoder.UseNumber()
	var value any
	if err := decoder.Decode(&value); err != nil {
		return nil, err
	}
	if decoder.More() {
		return nil, fmt.Errorf("trailing data after the JSON value")
	}
	return value, nil
}

// sameJSON compares parsed JSON values: integers exactly, other numbers as
// IEEE doubles, objects by key.
func sameJSON(a, b any) bool {
	switch a := a.(type) {
	case json.Number:
		b, ok := b.(json.Number)
		return ok && sameNumber(a, b)
	case map[string]any:
		b, ok := b.(map[string]any)
		if !ok || len(a) != len(b) {
			return false
		}
		for key, value := range a {
			other, found := b[key]
			if !found || !sameJSON(value, other) {
				return false
			}
		}
		return true
	case []any:
		b, ok := b.([]any)
		if !ok || len(a) != len(b) {
			return false
		}
		for index := range a {
			if !sameJSON(a[index], b[index]) {
				return false
			}
		}
		return true
	default:
		return a == b
	}
}

func sameNumber(a, b json.Number) bool {
	isInteger := func(n json.Number) bool { return !strings.ContainsAny(string(n), ".eE") }
	if isInteger(a) && isInteger(b) {
		x, okX := new(big.Int).SetString(string(a), 10)
		y, okY := new(big.Int).SetString(string(b), 10)
		return okX && okY && x.Cmp(y) == 0
	}
	// ParseFloat returns ±Inf with a range error for values beyond a double,
	// which is the value Python's float() gives as well.
	x, _ := strconv.ParseFloat(string(a), 64)
	y, _ := strconv.ParseFloat(string(b), 64)
	return x == y
}
