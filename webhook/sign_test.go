package webhook

import (
	"encoding/hex"
	"testing"
	"time"

	stripewebhook "github.com/stripe/stripe-go/v85/webhook"
)

// TestSignature checks our signatures with the verifier of Stripe's own
// library, which applications run.
func TestSignature(t *testing.T) {
	const secret = "whsec_test_secret"
	body := []byte(`{"id":"evt_1","object":"event"}`)
	now := time.Now()
	tests := []struct {
		name   string
		header string
		body   []byte
		secret string
		ok     bool
	}{
		{"valid", Signature(secret, now, body), body, secret, true},
		{"other body", Signature(secret, now, body), []byte(`{"id":"evt_2","object":"event"}`), secret, false},
		{"other secret", Signature(secret, now, body), body, "whsec_other", false},
		{"secret without prefix", Signature("test_secret", now, body), body, secret, false},
		{"too old", Signature(secret, now.Add(-10*time.Minute), body), body, secret, false},
	}
	for _, tc := range tests {
		err := stripewebhook.ValidatePayload(tc.body, tc.header, tc.secret)
		if (err == nil) != tc.ok {
			t.Errorf("%s: ValidatePayload(%q) = %v, want ok=%v", tc.name, tc.header, err, tc.ok)
		}
	}
	// The header's exact shape, with the digest Stripe's library computes.
	at := time.Unix(1700000000, 0)
	got := Signature(secret, at, body)
	want := "t=1700000000,v1=" + hex.EncodeToString(stripewebhook.ComputeSignature(at, body, secret))
	if got != want {
		t.Errorf("Signature = %q, want %q", got, want)
	}
}
