package misterwebhooks

/*
#include <stdint.h>
#include <stdlib.h>
#include <misterwebhooks.h>

extern int mwGoHandleEvent(mw_event *event, uintptr_t handle);

// Passes each event to the exported Go function. user_data carries a
// runtime/cgo.Handle, an integer, so no Go pointer is stored in C memory.
static int mw_go_handle_event(const mw_event *event, void *user_data) {
	return mwGoHandleEvent((mw_event *)event, (uintptr_t)user_data);
}

static mw_status mw_go_consumer_run(mw_consumer *consumer, uintptr_t handle, mw_error **out_error) {
	return mw_consumer_run(consumer, mw_go_handle_event, (void *)handle, out_error);
}
*/
import "C"

import (
	"context"
	"runtime"
	"runtime/cgo"
	"strings"
	"sync"
	"unsafe"
)

// Consumer is a Kafka consumer of one Mister Webhooks topic, in the consumer
// group named by its profile's ConsumerName. It commits an event's offset
// only after the handler returned nil for it.
//
// Close frees it. Close and Consume's context may be used from any
// goroutine; SetOption and Consume must not be called while Consume runs.
type Consumer struct {
	topic string

	mu      sync.Mutex
	pointer *C.mw_consumer
	running bool
	// closeRequested makes the running Consume free the consumer when the
	// run has returned, because freeing it earlier would free memory that
	// librdkafka still uses.
	closeRequested bool
}

// NewConsumer creates a consumer of topic with the settings of profile.
// Nothing connects before Consume. A consumer group without committed
// offsets starts at the earliest record of each partition.
//
// It returns an *Error with StatusProfile for an invalid profile,
// StatusInvalidArgument for an empty topic, and StatusKafka when librdkafka
// rejects the configuration, for example a CA file that cannot be loaded.
func NewConsumer(topic string, profile *ConnectionProfile) (*Consumer, error) {
	if profile == nil {
		return nil, invalidArgument("profile is nil")
	}
	if strings.IndexByte(topic, 0) >= 0 {
		return nil, invalidArgument("topic %q contains a NUL byte", topic)
	}

	profileJSON, err := profile.MarshalJSON()
	if err != nil {
		return nil, err
	}
	cProfile, err := parseProfile(profileJSON)
	if err != nil {
		return nil, err
	}
	defer C.mw_profile_free(cProfile)

	cTopic := C.CString(topic)
	defer C.free(unsafe.Pointer(cTopic))

	var pointer *C.mw_consumer
	var cError *C.mw_error
	if status := C.mw_consumer_new(cTopic, cProfile, &pointer, &cError); status != C.MW_OK {
		return nil, takeError(status, cError)
	}

	consumer := &Consumer{topic: topic, pointer: pointer}
	runtime.SetFinalizer(consumer, (*Consumer).Close)
	return consumer, nil
}

// Topic returns the topic the consumer reads.
func (c *Consumer) Topic() string {
	return c.topic
}

// SetOption sets a configuration property before Consume. Keys starting
// with "mw." belong to libmisterwebhooks ("mw.broker.timeout.ms",
// "mw.commit.timeout.ms", "mw.poll.interval.ms"); every other key is a
// librdkafka property, such as "session.timeout.ms".
//
// It returns an *Error with StatusInvalidArgument while Consume runs, after
// Close, or for an unknown or invalid "mw." key, and with StatusKafka for a
// key or value that librdkafka rejects.
func (c *Consumer) SetOption(key, value string) error {
	if strings.IndexByte(key, 0) >= 0 || strings.IndexByte(value, 0) >= 0 {
		return invalidArgument("option %q contains a NUL byte", key)
	}

	c.mu.Lock()
	defer c.mu.Unlock()
	if c.pointer == nil || c.closeRequested {
		return invalidArgument("the consumer of %q is closed", c.topic)
	}
	if c.running {
		return invalidArgument("cannot set option %q while the consumer of %q runs", key, c.topic)
	}

	cKey := C.CString(key)
	defer C.free(unsafe.Pointer(cKey))
	cValue := C.CString(value)
	defer C.free(unsafe.Pointer(cValue))

	var cError *C.mw_error
	if status := C.mw_consumer_set_option(c.pointer, cKey, cValue, &cError); status != C.MW_OK {
		return takeError(status, cError)
	}
	return nil
}

// Consume reads the topic and calls handler once for each webhook event,
// until ctx is done, the handler fails, a record cannot be decoded or Kafka
// fails in a way that does not heal. Offsets are committed only for events
// whose handler returned nil, so the event a handler failed on is delivered
// again to the group's next consumer.
//
// The handler runs on the goroutine that called Consume, which stays locked
// to its OS thread (runtime.LockOSThread) for the whole run, because
// mw_consumer_run calls the handler on the thread that called it. Events are
// handled one at a time, and each Event is a Go copy that may be kept.
//
// Consume returns:
//   - ctx.Err() when ctx was done: the run finished the current event and
//     committed, also while no records arrive (within "mw.poll.interval.ms");
//   - nil when Close stopped the run;
//   - an *Error with StatusHandler when the handler returned an error or
//     panicked: Err is the handler's error or a *PanicError, errors.Is and
//     errors.As see through it, and Topic, Partition and Offset name the
//     record that was not committed;
//   - an *Error with a record status (StatusMalformedMessage and the other
//     decoding statuses) for a record that cannot be decoded, or StatusKafka
//     or StatusAuthentication when Kafka fails;
//   - an *Error with StatusInvalidArgument when the consumer already runs or
//     is closed.
//
// A consumer can run again after Consume returned.
func (c *Consumer) Consume(ctx context.Context, handler func(*Event) error) error {
	if handler == nil {
		return invalidArgument("handler is nil")
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := c.startRun(); err != nil {
		return err
	}

	state := &runState{handler: handler}
	handle := cgo.NewHandle(state)
	defer handle.Delete()

	stopWatching := c.watchContext(ctx)

	runtime.LockOSThread()
	var cError *C.mw_error
	status := C.mw_go_consumer_run(c.pointer, C.uintptr_t(handle), &cError)
	runtime.UnlockOSThread()

	stopWatching()
	c.finishRun()
	return c.runResult(ctx, status, cError, state.handlerErr)
}

// startRun marks the consumer as running, or returns why it cannot run.
func (c *Consumer) startRun() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.pointer == nil || c.closeRequested {
		return invalidArgument("the consumer of %q is closed", c.topic)
	}
	if c.running {
		return invalidArgument("the consumer of %q is already running", c.topic)
	}
	c.running = true
	return nil
}

// watchContext calls mw_consumer_stop when ctx is done during the run. The
// returned function ends the watch and waits for the watching goroutine, so
// a stop never reaches the library after the run, where it would make the
// next run return at once.
func (c *Consumer) watchContext(ctx context.Context) (stopWatching func()) {
	finished := make(chan struct{})
	watcherDone := make(chan struct{})

	go func() {
		defer close(watcherDone)
		select {
		case <-ctx.Done():
			c.mu.Lock()
			C.mw_consumer_stop(c.pointer)
			c.mu.Unlock()
		case <-finished:
		}
	}()

	return func() {
		close(finished)
		<-watcherDone
	}
}

// finishRun marks the run as over, and frees the consumer when Close was
// called during the run.
func (c *Consumer) finishRun() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.running = false
	if c.closeRequested {
		C.mw_consumer_free(c.pointer)
		c.pointer = nil
	}
}

func (c *Consumer) runResult(ctx context.Context, status C.mw_status, cError *C.mw_error, handlerErr error) error {
	if status == C.MW_OK {
		C.mw_error_free(cError)
		return ctx.Err()
	}

	err := takeError(status, cError)
	if err.Status == StatusHandler {
		return handlerFailure(err, handlerErr)
	}
	return err
}

// Close frees the consumer. Calling it again does nothing. Called while
// Consume runs, from the handler or another goroutine, it stops the run,
// which commits, and the consumer is freed when Consume returns.
func (c *Consumer) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.pointer == nil {
		return nil
	}
	if c.running {
		c.closeRequested = true
		C.mw_consumer_stop(c.pointer)
		return nil
	}

	C.mw_consumer_free(c.pointer)
	c.pointer = nil
	runtime.SetFinalizer(c, nil)
	return nil
}
