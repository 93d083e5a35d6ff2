package issuing

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

type otherKey struct{}

// TestRequestFrom checks that a request's info is found through the
// contexts derived from the one carrying it, and that the carrying context
// leaves the rest of a context's behaviour alone.
func TestRequestFrom(t *testing.T) {
	enqueued := new(atomic.Bool)
	info := RequestInfo{ID: "req_1", IdempotencyKey: "k", Enqueued: enqueued}
	inner := RequestInfo{ID: "req_2"}
	parent := context.WithValue(context.Background(), otherKey{}, "parent's")
	tests := []struct {
		name  string
		ctx   context.Context
		want  RequestInfo
		found bool
	}{
		{"none", context.Background(), RequestInfo{}, false},
		{"carried", WithRequest(parent, info), info, true},
		{"under a value", context.WithValue(WithRequest(parent, info), otherKey{}, "child's"), info, true},
		{"without cancel", context.WithoutCancel(WithRequest(parent, info)), info, true},
		{"under a timeout", func() context.Context {
			ctx, cancel := context.WithTimeout(WithRequest(parent, info), time.Hour)
			t.Cleanup(cancel)
			return ctx
		}(), info, true},
		{"innermost wins", WithRequest(WithRequest(parent, info), inner), inner, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := RequestFrom(tc.ctx)
			if ok != tc.found || got != tc.want {
				t.Errorf("RequestFrom = %+v, %v; want %+v, %v", got, ok, tc.want, tc.found)
			}
			if tc.found && got.Enqueued != tc.want.Enqueued {
				t.Errorf("Enqueued is another flag")
			}
		})
	}
	if v := WithRequest(parent, info).Value(otherKey{}); v != "parent's" {
		t.Errorf("a parent's value through WithRequest: %v", v)
	}
}

// TestWithRequestKeepsCancellation checks that cancelling the parent
// reaches the carrying context and what derives from it.
func TestWithRequestKeepsCancellation(t *testing.T) {
	parent, cancel := context.WithCancel(context.Background())
	ctx := WithRequest(parent, RequestInfo{ID: "req_1"})
	child, stop := context.WithCancel(ctx)
	defer stop()
	if ctx.Err() != nil || child.Err() != nil {
		t.Fatal("done before cancel")
	}
	cancel()
	<-ctx.Done()
	<-child.Done()
	if !errors.Is(ctx.Err(), context.Canceled) || !errors.Is(child.Err(), context.Canceled) {
		t.Errorf("errors %v, %v", ctx.Err(), child.Err())
	}
}
