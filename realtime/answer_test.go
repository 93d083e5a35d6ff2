package realtime

import (
	"strings"
	"testing"

	"github.com/localissuing/localissuing/authorization"
)

func TestRead(t *testing.T) {
	const version = "2026-08-26.dahlia"
	pending := authorization.PendingRequest{Amount: 1000, IsAmountControllable: true}
	fixed := authorization.PendingRequest{Amount: 1000}
	cases := []struct {
		name     string
		reply    reply
		pending  authorization.PendingRequest
		fallback bool
		decided  bool
		approved bool
		reason   string
		amount   int64  // 0: no amount
		message  string // part of the reason message
	}{
		{"approved", reply{status: 200, version: version, body: []byte(`{"approved":true}`)}, fixed, false, true, true, "webhook_approved", 0, ""},
		{"declined", reply{status: 200, version: version, body: []byte(`{"approved":false,"amount":5}`)}, pending, false, true, false, "webhook_declined", 0, ""},
		{"partial", reply{status: 200, version: version, body: []byte(`{"approved":true,"amount":400}`)}, pending, false, true, true, "webhook_approved", 400, ""},
		{"null amount", reply{status: 200, version: version, body: []byte(`{"approved":true,"amount":null}`)}, fixed, false, true, true, "webhook_approved", 0, ""},
		{"other 2xx", reply{status: 201, version: version, body: []byte(`{"approved":true}`)}, fixed, false, true, true, "webhook_approved", 0, ""},
		{"amount not controllable", reply{status: 200, version: version, body: []byte(`{"approved":true,"amount":400}`)}, fixed, false, true, false, "webhook_error", 0, "is_amount_controllable"},
		{"zero amount", reply{status: 200, version: version, body: []byte(`{"approved":true,"amount":0}`)}, pending, false, true, false, "webhook_error", 0, "positive"},
		{"fractional amount", reply{status: 200, version: version, body: []byte(`{"approved":true,"amount":4.5}`)}, pending, false, true, false, "webhook_error", 0, "integer"},
		{"amount too high", reply{status: 200, version: version, body: []byte(`{"approved":true,"amount":1001}`)}, pending, false, true, false, "webhook_error", 0, "more than"},
		{"approved null", reply{status: 200, version: version, body: []byte(`{"approved":null}`)}, fixed, false, true, false, "webhook_error", 0, "true or false"},
		{"no approved", reply{status: 200, version: version, body: []byte(`{}`)}, fixed, true, true, true, "webhook_error", 0, `no "approved"`},
		{"bad metadata", reply{status: 200, version: version, body: []byte(`{"approved":true,"metadata":[1]}`)}, fixed, false, true, false, "webhook_error", 0, "metadata"},
		{"bad version", reply{status: 200, version: "latest", body: []byte(`{"approved":true}`)}, fixed, false, true, false, "webhook_error", 0, "not an API version"},
		{"no version", reply{status: 200, body: []byte(`{"approved":true}`)}, fixed, false, false, false, "webhook_timeout", 0, "no Stripe-Version"},
		{"empty ack", reply{status: 200}, fixed, true, false, true, "webhook_timeout", 0, "without a decision"},
		{"error status", reply{status: 503, version: version, body: []byte(`{"approved":true}`)}, fixed, false, true, false, "webhook_error", 0, "503"},
		{"refused", reply{failure: "The request failed: connection refused."}, fixed, true, true, true, "webhook_error", 0, "connection refused"},
		{"timed out", reply{timedOut: true, failure: "No response within 2s."}, fixed, false, true, false, "webhook_timeout", 0, "No response"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := New(Config{ApproveOnFallback: tc.fallback})
			got, decided := a.read(tc.reply, tc.pending)
			if decided != tc.decided || got.Approved != tc.approved || got.Reason != tc.reason {
				t.Fatalf("read = %+v decided %v; want approved %v reason %s decided %v", got, decided, tc.approved, tc.reason, tc.decided)
			}
			if (got.Amount == nil) != (tc.amount == 0) || got.Amount != nil && *got.Amount != tc.amount {
				t.Errorf("amount = %v, want %d", got.Amount, tc.amount)
			}
			if !strings.Contains(got.Message, tc.message) {
				t.Errorf("message = %q, want it to contain %q", got.Message, tc.message)
			}
		})
	}
}
