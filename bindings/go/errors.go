package misterwebhooks

/*
#include <misterwebhooks.h>
*/
import "C"

import (
	"fmt"
	"runtime/debug"
)

// Status is a libmisterwebhooks status code (mw_status). Each non-OK status
// is also an error value, so errors.Is(err, misterwebhooks.StatusKafka)
// reports whether err is an *Error with that status.
type Status int

// The status codes of libmisterwebhooks, with the values of mw_status.
const (
	StatusOK                  Status = C.MW_OK
	StatusInvalidArgument     Status = C.MW_ERR_INVALID_ARGUMENT
	StatusIO                  Status = C.MW_ERR_IO
	StatusProfile             Status = C.MW_ERR_PROFILE
	StatusKafka               Status = C.MW_ERR_KAFKA
	StatusAuthentication      Status = C.MW_ERR_AUTHENTICATION
	StatusMalformedMessage    Status = C.MW_ERR_MALFORMED_MESSAGE
	StatusUnsupportedEnvelope Status = C.MW_ERR_UNSUPPORTED_ENVELOPE
	StatusEnvelopeDecode      Status = C.MW_ERR_ENVELOPE_DECODE
	StatusPayloadDecode       Status = C.MW_ERR_PAYLOAD_DECODE
	StatusHandler             Status = C.MW_ERR_HANDLER
)

// String returns the status name, such as "MW_ERR_KAFKA", or
// "MW_ERR_UNKNOWN" for a value the library does not define.
func (s Status) String() string {
	return C.GoString(C.mw_status_name(C.mw_status(s)))
}

// Error returns the status name, so that a Status can be an errors.Is target.
func (s Status) Error() string {
	return s.String()
}

// IsRecordError reports whether the status is about one Kafka record that
// cannot be decoded.
func (s Status) IsRecordError() bool {
	return s >= StatusMalformedMessage && s <= StatusPayloadDecode
}

// Error is a failed libmisterwebhooks call: its status, the library's
// message, and for an error about one Kafka record, the record's topic,
// partition and offset.
//
// Partition and Offset are -1 when the error is not about a record, and
// Topic is "" then and also for a record passed to Decode. For StatusHandler,
// Err is the error the handler returned, or a *PanicError when it panicked.
type Error struct {
	Status    Status
	Message   string
	Topic     string
	Partition int32
	Offset    int64
	Err       error
}

// Error returns the status name and message, and the handler's error for
// StatusHandler.
func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Status, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Status, e.Message)
}

// Unwrap returns the handler's error, or nil.
func (e *Error) Unwrap() error {
	return e.Err
}

// Is reports whether target is the Status of e, so that errors.Is works with
// the Status constants.
func (e *Error) Is(target error) bool {
	status, ok := target.(Status)
	return ok && status == e.Status
}

// PanicError is the Err of a StatusHandler error when the handler panicked:
// the value passed to panic and the stack of the panicking goroutine.
type PanicError struct {
	Value any
	Stack []byte
}

// Error returns the panic value.
func (p *PanicError) Error() string {
	return fmt.Sprintf("handler panicked: %v", p.Value)
}

// Unwrap returns the panic value when it is an error, so that errors.Is and
// errors.As see through a panic(err).
func (p *PanicError) Unwrap() error {
	if err, ok := p.Value.(error); ok {
		return err
	}
	return nil
}

func newPanicError(value any) *PanicError {
	return &PanicError{Value: value, Stack: debug.Stack()}
}

// takeError converts and frees a library error. A nil error with a failed
// status still yields an *Error, with the status name as its message.
func takeError(status C.mw_status, cError *C.mw_error) *Error {
	defer C.mw_error_free(cError)

	err := &Error{Status: Status(status), Partition: -1, Offset: -1}
	if cError == nil {
		err.Message = err.Status.String()
		return err
	}

	err.Status = Status(C.mw_error_code(cError))
	err.Message = C.GoString(C.mw_error_message(cError))
	if topic := C.mw_error_topic(cError); topic != nil {
		err.Topic = C.GoString(topic)
	}
	err.Partition = int32(C.mw_error_partition(cError))
	err.Offset = int64(C.mw_error_offset(cError))
	return err
}

// invalidArgument returns an error raised by this package itself.
func invalidArgument(format string, args ...any) *Error {
	return &Error{Status: StatusInvalidArgument, Message: fmt.Sprintf(format, args...), Partition: -1, Offset: -1}
}
