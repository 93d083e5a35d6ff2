package e2e

import (
	"strings"
	"testing"
)

// TestForwardTo subscribes a URL to every event of every account, as
// --forward-to does, with a secret that stays across restarts.
func TestForwardTo(t *testing.T) {
	rcv := newReceiver(t)
	e := newEnv(t, withWebhooks, func(e *env) { e.ForwardTo = rcv.url("/forward") })
	secret := e.ForwardSecret
	if !strings.HasPrefix(secret, "whsec_") {
		t.Fatalf("forward secret %q", secret)
	}
	rcv.expect("/forward", secret)
	live := "sk_live_" + e.Key[len("sk_test_"):]
	ids := []string{newCardholderEvent(t, e, e.Key), newCardholderEvent(t, e, live)}
	poll(t, e, 2)
	if got := rcv.received("/forward"); !sameSet(got, ids) {
		t.Errorf("forwarded %v, want %v", got, ids)
	}
	// The accounts do not see the endpoint.
	for _, key := range []string{e.Key, live} {
		r := e.do("GET", "/v1/webhook_endpoints", key, "")
		if r.Status != 200 || strings.Contains(string(r.Body), "we_") {
			t.Errorf("endpoints of an account: %d %s", r.Status, r.Body)
		}
	}

	e.restart()
	if e.ForwardSecret != secret {
		t.Errorf("secret %q after a restart, want %q", e.ForwardSecret, secret)
	}
	ids = append(ids, newCardholderEvent(t, e, e.Key))
	poll(t, e, 1)

	// Without --forward-to, nothing is owed to the URL any more.
	e.ForwardTo = ""
	e.restart()
	id := newCardholderEvent(t, e, e.Key)
	if ev := getEvent(t, e, e.Key, id); ev.PendingWebhooks != 0 {
		t.Errorf("pending_webhooks %d without --forward-to", ev.PendingWebhooks)
	}
	poll(t, e, 0)
	if got := rcv.received("/forward"); !sameSet(got, ids) {
		t.Errorf("forwarded %v, want %v", got, ids)
	}
}
