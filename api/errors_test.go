package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"testing"

	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/store"
)

func TestErrorResponse(t *testing.T) {
	tests := []struct {
		name   string
		err    error
		status int
		typ    string
		code   string
	}{
		{"collided transaction", fmt.Errorf("update card: %w", fmt.Errorf("%w: deadlock detected", store.ErrConflict)),
			http.StatusTooManyRequests, "invalid_request_error", "lock_timeout"},
		{"internal", errors.New("disk on fire"), http.StatusInternalServerError, "api_error", ""},
		{"not found", issuing.NotFound("issuing card", "ic_1", "card"), http.StatusNotFound, "invalid_request_error", "resource_missing"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, body := errorResponse(context.Background(), slog.New(slog.DiscardHandler), "req_1", tc.err)
			if status != tc.status || body.Error.Type != tc.typ || body.Error.Code != tc.code {
				t.Errorf("errorResponse = %d %+v, want %d %s %s", status, body.Error, tc.status, tc.typ, tc.code)
			}
		})
	}
}

// TestCanceledRequestIsNoInternalError checks that a request whose client
// hung up is not logged as an internal error: a test suite that times out
// its calls would fill the server's log with them. A cancellation that is
// not the request's is one.
func TestCanceledRequestIsNoInternalError(t *testing.T) {
	hungUp, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name  string
		ctx   context.Context // the request's
		err   error
		level slog.Level
	}{
		{"client hung up", hungUp, fmt.Errorf("sqlite: update: %w", context.Canceled), slog.LevelDebug},
		{"another context canceled", context.Background(), fmt.Errorf("sqlite: update: %w", context.Canceled), slog.LevelError},
		{"internal", context.Background(), errors.New("disk on fire"), slog.LevelError},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var logged []slog.Level
			log := slog.New(levelRecorder{&logged})
			if status, _ := errorResponse(tc.ctx, log, "req_1", tc.err); status != http.StatusInternalServerError {
				t.Errorf("status %d, want 500", status)
			}
			if len(logged) != 1 || logged[0] != tc.level {
				t.Errorf("logged at %v, want once at %v", logged, tc.level)
			}
		})
	}
}

// levelRecorder is a slog handler that records the level of each record.
type levelRecorder struct{ levels *[]slog.Level }

func (h levelRecorder) Enabled(context.Context, slog.Level) bool { return true }
func (h levelRecorder) Handle(_ context.Context, r slog.Record) error {
	*h.levels = append(*h.levels, r.Level)
	return nil
}
func (h levelRecorder) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h levelRecorder) WithGroup(string) slog.Handler      { return h }
