// Command consume prints one line per webhook event of a Mister Webhooks
// topic until Ctrl-C or SIGTERM, or until MAX_EVENTS events were handled.
//
//	consume TOPIC PROFILE [MAX_EVENTS]
//
// The offset of every printed event is committed.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"syscall"

	"misterwebhooks"
)

func main() {
	if len(os.Args) < 3 || len(os.Args) > 4 {
		fmt.Fprintf(os.Stderr, "usage: %s TOPIC PROFILE [MAX_EVENTS]\n", os.Args[0])
		os.Exit(64)
	}
	topic, profilePath := os.Args[1], os.Args[2]
	maxEvents := 0
	if len(os.Args) == 4 {
		var err error
		if maxEvents, err = strconv.Atoi(os.Args[3]); err != nil || maxEvents < 0 {
			fmt.Fprintf(os.Stderr, "MAX_EVENTS must be a non-negative integer, got %q\n", os.Args[3])
			os.Exit(64)
		}
	}

	if err := run(topic, profilePath, maxEvents); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(topic, profilePath string, maxEvents int) error {
	profile, err := misterwebhooks.LoadConnectionProfile(profilePath)
	if err != nil {
		return err
	}
	consumer, err := misterwebhooks.NewConsumer(topic, profile)
	if err != nil {
		return err
	}
	defer consumer.Close()

	// Ctrl-C and SIGTERM cancel the context, which stops the run after the
	// current event and commits.
	ctx, stopSignals := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stopSignals()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	handled := 0
	err = consumer.Consume(ctx, func(event *misterwebhooks.Event) error {
		fmt.Printf("%s partition %d offset %d: %s %s, %d headers, %d bytes of JSON\n",
			event.Topic, event.Partition, event.Offset, event.Method, event.Encoding,
			len(event.HeaderEntries), len(event.Payload))

		handled++
		if maxEvents > 0 && handled >= maxEvents {
			cancel()
		}
		return nil // accept the event: its offset is committed
	})
	fmt.Fprintf(os.Stderr, "handled %d events\n", handled)

	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}
