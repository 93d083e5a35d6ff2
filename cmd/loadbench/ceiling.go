package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/localissuing/localissuing/issuing"
)

// The routes the workloads call; the ceiling server answers each with the
// body localissuing gave to the same call, captured before the runs.
const (
	routeRetrieve  = "GET /v1/issuing/tokens/{token}"
	routeList      = "GET /v1/issuing/tokens"
	routeUpdate    = "POST /v1/issuing/tokens/{token}"
	routeShip      = "POST /v1/test_helpers/issuing/cards/{card}/shipping/ship"
	routeAuthorize = "POST /v1/test_helpers/issuing/authorizations"
)

// ceilingHandler answers every route in bodies (pattern to body) with that
// fixed body and the headers localissuing sends, of the same sizes: what a
// server with no storage, validation or encoding would do. Nothing real
// can answer these routes faster with net/http, so its requests/s is the
// ceiling localissuing is measured against.
func ceilingHandler(bodies map[string][]byte) http.Handler {
	mux := http.NewServeMux()
	for pattern, body := range bodies {
		length := strconv.Itoa(len(body))
		mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			// Read the body as a real server must, and nothing more.
			_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, 1<<20))
			h := w.Header()
			h.Set("Request-Id", "req_00000000000000")
			h.Set("Stripe-Version", issuing.APIVersion)
			h.Set("Content-Type", "application/json")
			h.Set("Cache-Control", "no-cache, no-store")
			h.Set("Content-Length", length)
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write(body)
		})
	}
	return mux
}

// runCeiling is the "ceiling" subcommand: loadbench starts itself with it
// as a child process, so that the ceiling, like localissuing, has a process
// of its own. It prints the line "ceiling listening on URL" and serves
// until SIGTERM or SIGINT.
func runCeiling(args []string) error {
	fs := flag.NewFlagSet("ceiling", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:0", "loopback address to listen on")
	bodiesFile := fs.String("bodies", "", "JSON file mapping route patterns to response bodies")
	if err := fs.Parse(args); err != nil {
		return err
	}
	bodies := map[string][]byte{}
	if *bodiesFile != "" {
		raw, err := os.ReadFile(*bodiesFile)
		if err != nil {
			return fmt.Errorf("ceiling: read bodies: %w", err)
		}
		if err := json.Unmarshal(raw, &bodies); err != nil {
			return fmt.Errorf("ceiling: parse bodies %s: %w", *bodiesFile, err)
		}
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("ceiling: listen on %s: %w", *addr, err)
	}
	if !ln.Addr().(*net.TCPAddr).IP.IsLoopback() {
		ln.Close()
		return fmt.Errorf("ceiling: %s is not a loopback address", *addr)
	}
	fmt.Printf("ceiling listening on http://%s\n", ln.Addr())
	hs := &http.Server{Handler: ceilingHandler(bodies), ReadHeaderTimeout: 10 * time.Second}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, os.Interrupt)
	go func() { <-sig; hs.Close() }()
	if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("ceiling: serve: %w", err)
	}
	return nil
}
