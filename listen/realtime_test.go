package listen

import (
	"context"
	"testing"
	"time"

	"github.com/localissuing/localissuing/store"
)

func TestPresence(t *testing.T) {
	st := openStore(t)
	ctx := context.Background()
	at := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	listening := func(now time.Time) bool {
		t.Helper()
		var ok bool
		if err := st.View(ctx, func(rd store.Reader) error {
			var err error
			ok, err = Listening(ctx, rd, "acct_1", now)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if listening(at) {
		t.Fatal("listening before any connection")
	}
	for _, beatAt := range []time.Time{at, at.Add(heartbeat)} { // the first beat inserts, the next replaces
		if err := beat(ctx, st, "acct_1", "cliws_1", beatAt); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name string
		now  time.Time
		want bool
	}{
		{"just after a beat", at.Add(heartbeat), true},
		{"beats missed but not for long", at.Add(heartbeat + presenceTTL - time.Millisecond), true},
		{"gone", at.Add(heartbeat + presenceTTL), false},
	}
	for _, tc := range tests {
		if got := listening(tc.now); got != tc.want {
			t.Errorf("%s: listening = %v, want %v", tc.name, got, tc.want)
		}
	}
	var other bool
	_ = st.View(ctx, func(rd store.Reader) error {
		other, _ = Listening(ctx, rd, "acct_2", at)
		return nil
	})
	if other {
		t.Error("another account is listening")
	}
}

func TestResponses(t *testing.T) {
	st := openStore(t)
	ctx := context.Background()
	at := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	conv := conversation("evt_1", requestEvent, func() string { return "whc_random" })
	if other := conversation("evt_2", "issuing_card.created", func() string { return "whc_random" }); other != "whc_random" {
		t.Errorf("conversation of a notification = %q", other)
	}
	ev, ok := answeredEvent(conv)
	if !ok || ev != "evt_1" {
		t.Fatalf("answeredEvent(%q) = %q %v", conv, ev, ok)
	}
	if _, ok := answeredEvent("whc_random"); ok {
		t.Error("a notification's response answers a request")
	}
	first := webhookResponse{Status: 200, HTTPHeaders: map[string]string{"stripe-version": "2026-08-26.dahlia"}, Body: `{"approved":true}`}
	second := webhookResponse{Status: 200, Body: `{"approved":false}`}
	for _, m := range []webhookResponse{first, second} {
		if err := saveResponse(ctx, st, "acct_1", ev, m.response(), at); err != nil {
			t.Fatal(err)
		}
	}
	var got *Response
	if err := st.View(ctx, func(rd store.Reader) error {
		var err error
		got, err = LoadResponse(ctx, rd, "acct_1", ev)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if got == nil || got.Body != first.Body || got.Header("Stripe-Version") != "2026-08-26.dahlia" {
		t.Errorf("response = %+v, want the first one, headers in any case", got)
	}
	if err := st.Update(ctx, func(tx store.Tx) error { return DropResponse(ctx, tx, "acct_1", ev) }); err != nil {
		t.Fatal(err)
	}
	if err := st.View(ctx, func(rd store.Reader) error {
		var err error
		got, err = LoadResponse(ctx, rd, "acct_1", ev)
		return err
	}); err != nil || got != nil {
		t.Errorf("after DropResponse: %+v, %v", got, err)
	}
	if unreached := (webhookResponse{}).response(); unreached.Status != 502 {
		t.Errorf("an application the CLI could not reach answers %d", unreached.Status)
	}
}
