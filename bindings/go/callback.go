package misterwebhooks

/*
#include <stdint.h>
#include <misterwebhooks.h>
*/
import "C"

import (
	"fmt"
	"runtime/cgo"
)

// runState is the state that one Consume call shares with mwGoHandleEvent through a
// cgo.Handle passed as the run's user_data.
type runState struct {
	handler func(*Event) error

	// handlerErr is the handler's error or *PanicError that stopped the run.
	handlerErr error
}

// mwGoHandleEvent is the Go side of the mw_event_handler that Consume passes
// to mw_consumer_run, called through mw_go_handle_event in consumer.go. It
// runs on the goroutine that called Consume, because cgo runs a callback on
// the goroutine that made the C call.
//
//export mwGoHandleEvent
func mwGoHandleEvent(event *C.mw_event, handle C.uintptr_t) C.int {
	state := cgo.Handle(handle).Value().(*runState)
	if err := callHandler(state.handler, copyEvent(event)); err != nil {
		state.handlerErr = err
		return 1
	}
	return 0
}

// callHandler calls the handler and turns a panic into a *PanicError, which
// must not unwind through the C frames of mw_consumer_run.
func callHandler(handler func(*Event) error, event *Event) (err error) {
	defer func() {
		if value := recover(); value != nil {
			err = newPanicError(value)
		}
	}()

	return handler(event)
}

// handlerFailure returns the error of a run that the handler stopped: the
// library's StatusHandler error, with the record's coordinates, wrapping the
// handler's own error.
func handlerFailure(runErr *Error, handlerErr error) *Error {
	if handlerErr == nil {
		handlerErr = fmt.Errorf("the handler failed, but its error was not recorded")
	}
	runErr.Err = handlerErr
	return runErr
}
