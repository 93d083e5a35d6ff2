package issuing

import (
	"context"
	"sync/atomic"
)

// APIVersion is the version of Stripe's API this server implements. Events
// carry it: stripe-go refuses events from another release train.
const APIVersion = "2026-08-26.dahlia"

// RequestInfo identifies the API request that caused a change; events
// record it.
type RequestInfo struct {
	ID             string // "req_…"
	IdempotencyKey string
	// Enqueued, when set, is set to true by a change that owes webhook
	// deliveries, so that the request can have them sent once it
	// commits rather than at the next poll of the outbox.
	Enqueued *atomic.Bool
}

type requestInfoKey struct{}

// requestContext is a context carrying a RequestInfo. Every API request
// makes one: it is one allocation, where context.WithValue and the info
// boxed in it were two.
type requestContext struct {
	context.Context
	info RequestInfo
}

// Value returns a *RequestInfo for requestInfoKey, which RequestFrom reads
// without copying the info into an interface, and asks the parent for any
// other key.
func (c *requestContext) Value(key any) any {
	if key == (requestInfoKey{}) {
		return &c.info
	}
	return c.Context.Value(key)
}

// WithRequest returns a context carrying info.
func WithRequest(ctx context.Context, info RequestInfo) context.Context {
	return &requestContext{Context: ctx, info: info}
}

// RequestFrom returns the RequestInfo in ctx; ok is false for changes made
// outside an API request.
func RequestFrom(ctx context.Context) (RequestInfo, bool) {
	if info, ok := ctx.Value(requestInfoKey{}).(*RequestInfo); ok {
		return *info, true
	}
	return RequestInfo{}, false
}
