package api

import (
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
			status, body := errorResponse(slog.New(slog.DiscardHandler), "req_1", tc.err)
			if status != tc.status || body.Error.Type != tc.typ || body.Error.Code != tc.code {
				t.Errorf("errorResponse = %d %+v, want %d %s %s", status, body.Error, tc.status, tc.typ, tc.code)
			}
		})
	}
}
