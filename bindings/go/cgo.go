// Package misterwebhooks consumes Mister Webhooks Kafka topics through
// libmisterwebhooks, which reads the topic with librdkafka, decodes each
// record and commits an offset only after the handler accepted its event.
//
// The package needs cgo and the library: the #cgo directives below point at
// the repository's include folder and build/lib, and set an rpath to
// build/lib, so run `make lib` in the repository root first.
package misterwebhooks

/*
#cgo CFLAGS: -I${SRCDIR}/../../include
#cgo LDFLAGS: -L${SRCDIR}/../../build/lib -lmisterwebhooks -Wl,-rpath,${SRCDIR}/../../build/lib
#include <misterwebhooks.h>
*/
import "C"

// Version returns the version of the loaded libmisterwebhooks, such as "0.1.0".
func Version() string {
	return C.GoString(C.mw_version())
}
