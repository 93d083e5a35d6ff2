package e2e

import (
	"context"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v85"

	"github.com/localissuing/localissuing/issuing"
	localwebhook "github.com/localissuing/localissuing/webhook"
)

// attempt is a record of GET /v1/events/{id}/webhook_attempts.
type attempt struct {
	ID              string  `json:"id"`
	Attempt         int     `json:"attempt"`
	Created         int64   `json:"created"`
	Error           *string `json:"error"`
	NextRetry       *int64  `json:"next_retry"`
	Result          string  `json:"result"`
	StatusCode      *int    `json:"status_code"`
	URL             *string `json:"url"`
	WebhookEndpoint string  `json:"webhook_endpoint"`
}

// attempts lists an event's delivery attempts, newest first.
func attempts(t *testing.T, e *env, key, eventID string) []attempt {
	t.Helper()
	r := e.do("GET", "/v1/events/"+eventID+"/webhook_attempts", key, "limit=100")
	if r.Status != 200 {
		t.Fatalf("list attempts of %s: %d %s", eventID, r.Status, r.Body)
	}
	var page struct {
		Data []attempt `json:"data"`
	}
	decode(t, r.Body, &page)
	return page.Data
}

// newEndpoint creates a webhook endpoint with the SDK and returns it, with
// its secret.
func newEndpoint(t *testing.T, e *env, key, url string, types ...string) *stripe.WebhookEndpoint {
	t.Helper()
	p := &stripe.WebhookEndpointCreateParams{URL: stripe.String(url)}
	for _, typ := range types {
		p.EnabledEvents = append(p.EnabledEvents, stripe.String(typ))
	}
	we, err := e.sdk(key).V1WebhookEndpoints.Create(context.Background(), p)
	if err != nil {
		t.Fatalf("create webhook endpoint: %v", err)
	}
	return we
}

// newCardholderEvent creates a cardholder with a raw request, so that it
// works with any key, and returns the id of its issuing_cardholder.created
// event.
func newCardholderEvent(t *testing.T, e *env, key string) string {
	t.Helper()
	r := e.do("POST", "/v1/issuing/cardholders", key, "name=Jenny+Rosen&billing[address][line1]=1+Main+St&"+
		"billing[address][city]=San+Francisco&billing[address][postal_code]=94111&billing[address][country]=US")
	if r.Status != 200 {
		t.Fatalf("create cardholder: %d %s", r.Status, r.Body)
	}
	return lastEvent(t, e, key, "issuing_cardholder.created").ID
}

// lastEvent returns the newest event of a type.
func lastEvent(t *testing.T, e *env, key, typ string) *stripe.Event {
	t.Helper()
	p := &stripe.EventListParams{Type: stripe.String(typ)}
	p.Limit = stripe.Int64(1)
	for ev, err := range e.sdk(key).V1Events.List(context.Background(), p).All(context.Background()) {
		if err != nil {
			t.Fatalf("list %s events: %v", typ, err)
		}
		return ev
	}
	t.Fatalf("no %s event", typ)
	return nil
}

// getEvent retrieves an event with the SDK.
func getEvent(t *testing.T, e *env, key, id string) *stripe.Event {
	t.Helper()
	ev, err := e.sdk(key).V1Events.Retrieve(context.Background(), id, nil)
	if err != nil {
		t.Fatalf("retrieve event %s: %v", id, err)
	}
	return ev
}

// TestWebhookRetrySchedule steps a manual clock through Stripe's retry
// schedule: each retry happens exactly when it is due and not a
// millisecond before, and a delivery is given up after the last one.
func TestWebhookRetrySchedule(t *testing.T) {
	tests := []struct {
		name      string
		live      bool
		statuses  []int // what the receiver answers, the last repeating
		delivered bool
	}{
		{"fails twice then succeeds", false, []int{500, 500, 200}, true},
		{"succeeds at once", false, []int{204}, true},
		{"test mode gives up", false, []int{503}, false},
		{"live mode gives up after three days", true, []int{404}, false},
		{"redirect is a failure", false, []int{302, 200}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, withWebhooks)
			key, waits := e.Key, localwebhook.StripeSchedule.Test
			if tc.live {
				key, waits = "sk_live_"+e.Key[len("sk_test_"):], localwebhook.StripeSchedule.Live
			}
			rcv := newReceiver(t)
			we := newEndpoint(t, e, key, rcv.url("/hook"), "issuing_cardholder.created")
			rcv.expect("/hook", we.Secret, tc.statuses...)
			start := e.Clock.Now()
			id := newCardholderEvent(t, e, key)
			if ev := getEvent(t, e, key, id); ev.PendingWebhooks != 1 || ev.Livemode != tc.live {
				t.Fatalf("new event: pending_webhooks %d, livemode %v", ev.PendingWebhooks, ev.Livemode)
			}

			poll(t, e, 1)
			wantAt := []time.Time{start}
			for _, wait := range waits {
				if tc.delivered && len(wantAt) == len(tc.statuses) {
					break // the last answer acknowledged the event
				}
				e.Clock.Advance(wait - time.Millisecond)
				poll(t, e, 0)
				e.Clock.Advance(time.Millisecond)
				poll(t, e, 1)
				wantAt = append(wantAt, e.Clock.Now())
			}
			// Nothing is left to attempt, even much later.
			e.Clock.Advance(10 * 24 * time.Hour)
			poll(t, e, 0)

			n := len(wantAt)
			if tc.delivered && n != len(tc.statuses) {
				t.Fatalf("delivered after %d attempts, want %d", n, len(tc.statuses))
			}
			if !tc.delivered && n != len(waits)+1 {
				t.Fatalf("%d attempts, want %d", n, len(waits)+1)
			}
			if got := rcv.received("/hook"); len(got) != n || slices.ContainsFunc(got, func(s string) bool { return s != id }) {
				t.Errorf("receiver got %v, want %s %d times", got, id, n)
			}
			checkAttempts(t, attempts(t, e, key, id), we.ID, tc.statuses, wantAt, tc.delivered)
			wantPending := int64(1)
			if tc.delivered {
				wantPending = 0
			}
			if ev := getEvent(t, e, key, id); ev.PendingWebhooks != wantPending {
				t.Errorf("pending_webhooks %d at the end, want %d", ev.PendingWebhooks, wantPending)
			}
		})
	}
}

// checkAttempts checks an event's attempt history, newest first, against
// the statuses answered and the times the attempts were due.
func checkAttempts(t *testing.T, got []attempt, endpoint string, statuses []int, at []time.Time, delivered bool) {
	t.Helper()
	if len(got) != len(at) {
		t.Fatalf("%d attempts recorded, want %d: %+v", len(got), len(at), got)
	}
	for i, a := range got {
		n := len(at) - i // newest first
		status := statuses[min(n-1, len(statuses)-1)]
		wantResult := "retrying"
		switch {
		case status < 300:
			wantResult = "succeeded"
		case n == len(at) && !delivered:
			wantResult = "failed"
		}
		if a.Attempt != n || a.Created != at[n-1].Unix() || a.Result != wantResult || a.WebhookEndpoint != endpoint ||
			a.StatusCode == nil || *a.StatusCode != status {
			t.Errorf("attempt %d: %+v, want at %d, result %s, status %d", n, a, at[n-1].Unix(), wantResult, status)
		}
		if (a.Error == nil) != (status < 300) {
			t.Errorf("attempt %d: status %d with error %v", n, status, a.Error)
		}
		switch {
		case wantResult == "retrying" && (a.NextRetry == nil || *a.NextRetry != at[n].Unix()):
			t.Errorf("attempt %d: next_retry %v, want %d", n, a.NextRetry, at[n].Unix())
		case wantResult != "retrying" && a.NextRetry != nil:
			t.Errorf("attempt %d (%s): next_retry %d", n, a.Result, *a.NextRetry)
		}
	}
}

// TestWebhookSurvivesRestart has the receiver down while the server
// restarts: every event still arrives once it is back and the retry is
// due.
func TestWebhookSurvivesRestart(t *testing.T) {
	e := newEnv(t, withAutoDelivery)
	// An address that refuses connections until the receiver listens on
	// it.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	rcv := newUnstartedReceiver(t)
	we := newEndpoint(t, e, e.Key, "http://"+addr+"/hook", "*")
	rcv.expect("/hook", we.Secret)

	var ids []string
	for range 3 {
		ids = append(ids, newCardholderEvent(t, e, e.Key))
	}
	for _, id := range ids {
		rcv.waitFor("the first attempt at "+id, func() bool { return len(attempts(t, e, e.Key, id)) == 1 })
		a := attempts(t, e, e.Key, id)[0]
		if a.Result != "retrying" || a.StatusCode != nil || a.Error == nil || !strings.Contains(*a.Error, "refused") {
			t.Errorf("attempt at a receiver that is down: %+v", a)
		}
	}

	e.restart()
	rcv.serveOn(addr)
	e.Clock.Advance(localwebhook.StripeSchedule.Test[0])
	rcv.waitFor("every event", func() bool { return len(rcv.received("/hook")) >= len(ids) })
	if got := rcv.received("/hook"); !sameSet(got, ids) {
		t.Errorf("received %v, want %v", got, ids)
	}
	for _, id := range ids {
		rcv.waitFor("pending_webhooks of "+id+" to fall to 0", func() bool { return getEvent(t, e, e.Key, id).PendingWebhooks == 0 })
	}
}

// TestWebhookRouting sends each event exactly to the endpoints that are
// owed it: enabled, subscribed to its type, of its account.
func TestWebhookRouting(t *testing.T) {
	e := newEnv(t, withWebhooks)
	other := "sk_test_" + issuing.RandomString(24)
	rcv := newReceiver(t)
	endpoints := []struct {
		path, key string
		types     []string
	}{
		{"/all", e.Key, []string{"*"}},
		{"/cards", e.Key, []string{"issuing_card.created", "issuing_token.updated"}},
		{"/disabled", e.Key, []string{"*"}},
		{"/elsewhere", e.Key, []string{"issuing_cardholder.updated"}},
		{"/deleted", e.Key, []string{"*"}},
		{"/other-account", other, []string{"*"}},
	}
	ids := map[string]string{}
	for _, ep := range endpoints {
		we := newEndpoint(t, e, ep.key, rcv.url(ep.path), ep.types...)
		rcv.expect(ep.path, we.Secret)
		ids[ep.path] = we.ID
	}
	sc := e.sdk(e.Key)
	if _, err := sc.V1WebhookEndpoints.Update(context.Background(), ids["/disabled"],
		&stripe.WebhookEndpointUpdateParams{Disabled: stripe.Bool(true)}); err != nil {
		t.Fatalf("disable: %v", err)
	}

	holder := newCardholderEvent(t, e, e.Key)
	card := newActiveCard(t, sc)
	cardEvent := lastEvent(t, e, e.Key, "issuing_card.created").ID
	otherHolder := newCardholderEvent(t, e, other)
	// Owed to /all and /deleted; the card also to /cards.
	for id, want := range map[string]int64{holder: 2, cardEvent: 3} {
		if ev := getEvent(t, e, e.Key, id); ev.PendingWebhooks != want {
			t.Errorf("%s (%s): pending_webhooks %d, want %d", id, ev.Type, ev.PendingWebhooks, want)
		}
	}
	if _, err := e.sdk(e.Key).V1WebhookEndpoints.Delete(context.Background(), ids["/deleted"], nil); err != nil {
		t.Fatalf("delete: %v", err)
	}

	// newActiveCard recorded a cardholder event of its own. Three events
	// to /all, one to /cards, three to the deleted endpoint (skipped, not
	// sent) and one to the other account's endpoint.
	poll(t, e, 3+1+3+1)
	want := map[string][]string{
		"/all":           {holder, lastEvent(t, e, e.Key, "issuing_cardholder.created").ID, cardEvent},
		"/cards":         {cardEvent},
		"/other-account": {otherHolder},
	}
	for _, ep := range endpoints {
		if got := rcv.received(ep.path); !sameSet(got, want[ep.path]) {
			t.Errorf("%s received %v, want %v", ep.path, got, want[ep.path])
		}
	}
	for _, id := range []string{holder, cardEvent} {
		if ev := getEvent(t, e, e.Key, id); ev.PendingWebhooks != 0 {
			t.Errorf("%s: pending_webhooks %d after delivery", id, ev.PendingWebhooks)
		}
		var skipped int
		for _, a := range attempts(t, e, e.Key, id) {
			if a.WebhookEndpoint == ids["/deleted"] {
				skipped++
				if a.Result != "skipped" || a.StatusCode != nil || a.Error == nil || a.URL != nil {
					t.Errorf("attempt for a deleted endpoint: %+v", a)
				}
			}
		}
		if skipped != 1 {
			t.Errorf("%s: %d skipped attempts for the deleted endpoint, want 1", id, skipped)
		}
	}
	// One account's attempts are another's 404.
	if r := e.do("GET", "/v1/events/"+holder+"/webhook_attempts", other, ""); r.Status != 404 {
		t.Errorf("attempts of another account's event: %d %s", r.Status, r.Body)
	}

	// Re-enabled, an endpoint is not sent what happened while it was
	// disabled.
	if _, err := sc.V1WebhookEndpoints.Update(context.Background(), ids["/disabled"],
		&stripe.WebhookEndpointUpdateParams{Disabled: stripe.Bool(false)}); err != nil {
		t.Fatalf("enable: %v", err)
	}
	poll(t, e, 0)
	if _, err := sc.V1IssuingCards.Update(context.Background(), card.ID, &stripe.IssuingCardUpdateParams{
		Metadata: map[string]string{"k": "v"}}); err != nil {
		t.Fatal(err)
	}
	poll(t, e, 2) // /all and /disabled want issuing_card.updated
	if got := rcv.received("/disabled"); len(got) != 1 || got[0] != lastEvent(t, e, e.Key, "issuing_card.updated").ID {
		t.Errorf("re-enabled endpoint received %v", got)
	}
}

// sameSet tells whether a and b hold the same strings, each once.
func sameSet(a, b []string) bool {
	a, b = slices.Sorted(slices.Values(a)), slices.Sorted(slices.Values(b))
	return slices.Equal(a, b)
}

// TestWebhookSentOnCommit polls the outbox once an hour only: an event is
// delivered anyway, because the write that recorded it wakes the
// dispatcher when it commits.
func TestWebhookSentOnCommit(t *testing.T) {
	e := newEnv(t, func(e *env) {
		e.Webhooks = &localwebhook.Config{Schedule: &localwebhook.StripeSchedule, Timeout: 5 * time.Second,
			PollInterval: time.Hour}
		e.AutoDeliver = true
	})
	rcv := newReceiver(t)
	we := newEndpoint(t, e, e.Key, rcv.url("/hook"), "issuing_cardholder.created")
	rcv.expect("/hook", we.Secret)
	var want []string
	for range 3 {
		want = append(want, newCardholderEvent(t, e, e.Key))
		rcv.waitFor("the event, long before the next poll", func() bool { return len(rcv.received("/hook")) == len(want) })
	}
	if got := rcv.received("/hook"); !slices.Equal(got, want) {
		t.Errorf("received %v, want %v", got, want)
	}
}
