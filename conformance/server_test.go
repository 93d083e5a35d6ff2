package conformance

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/localissuing/localissuing/api"
	"github.com/localissuing/localissuing/listen"
	"github.com/localissuing/localissuing/routes"
	"github.com/localissuing/localissuing/store/sqlite"
)

// startServer runs localissuing as `go run ./cmd/localissuing` would, on a
// loopback port with a SQLite file of its own and the wall clock, and
// returns its base URL. It stops when the test ends.
func startServer(t *testing.T) string {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "localissuing.db"))
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	// Warnings and errors (an internal error behind a 500, say) show with
	// the test's output.
	logger := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	srv := api.New(api.Config{Store: st, Logger: logger})
	routes.Register(srv, routes.Config{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	cli := listen.New(listen.Config{Store: st, Logger: logger})
	hs := &http.Server{Handler: cli.Handler(srv)}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("serve: %v", err)
		}
	}()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = hs.Shutdown(ctx)
		<-done
		cli.Close()
		_ = st.Close()
	})
	return "http://" + ln.Addr().String()
}
