package main

import (
	"fmt"

	"github.com/localissuing/localissuing/spec"
)

// preloadSpec parses the embedded OpenAPI document on another goroutine
// and returns a function that waits for it. Parsing takes some 15 ms and
// opening the database about as long; run overlaps the two, since
// start-up time is what a test suite that starts the server waits for.
func preloadSpec() func() error {
	done := make(chan error, 1)
	go func() { done <- spec.Load() }()
	return func() error {
		if err := <-done; err != nil {
			return fmt.Errorf("load the API document: %w", err)
		}
		return nil
	}
}
