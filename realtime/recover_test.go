package realtime

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/localissuing/localissuing/authorization"
	"github.com/localissuing/localissuing/card"
	"github.com/localissuing/localissuing/card/cardtest"
	"github.com/localissuing/localissuing/cardholder"
	"github.com/localissuing/localissuing/event"
	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/store"
	"github.com/localissuing/localissuing/store/sqlite/sqlitetest"
)

// TestRecover leaves questions begun but never finished, as a process
// that stopped while asking does, and checks that Recover answers those
// past their deadline with the fallback, once, and leaves the others.
func TestRecover(t *testing.T) {
	ctx := context.Background()
	st := sqlitetest.Memory(t)
	clock := issuing.NewManualClock(time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC))
	acct := issuing.AccountForKey("sk_test_realtime_recover", false)
	a := New(Config{Timeout: time.Second, ApproveOnFallback: true})
	ep := &event.Endpoint{ID: "we_1"}

	var cardID string
	ask := func() string {
		t.Helper()
		var id string
		err := st.Update(ctx, func(tx store.Tx) error {
			if cardID == "" {
				phone := "+18008675309"
				c, err := cardtest.Active(ctx, tx, acct, clock.Now(), cardholder.Params{PhoneNumber: &phone}, card.CreateParams{})
				if err != nil {
					return err
				}
				cardID = c.ID
			}
			amount := int64(1000)
			pending := issuing.NewID("iareq")
			au, err := authorization.Create(ctx, tx, acct, clock.Now(), authorization.CreateParams{Card: cardID, Amount: &amount},
				authorization.Options{AwaitRequest: true, PendingID: pending})
			if err != nil {
				return err
			}
			id = au.ID
			_, err = a.Begin(ctx, tx, acct, clock.Now(), &Target{endpoint: ep}, au, pending)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	get := func(id string) *authorization.Authorization {
		t.Helper()
		var au *authorization.Authorization
		if err := st.View(ctx, func(rd store.Reader) error {
			var err error
			au, err = authorization.Get(ctx, rd, acct, id, "authorization")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return au
	}

	old := ask()
	oldDue := time.Now().Add(time.Second) // not before the old question's deadline
	time.Sleep(20 * time.Millisecond)
	recentDue := time.Now().Add(time.Second) // not after the recent one's
	recent := ask()

	tests := []struct {
		name     string
		now      time.Time
		answered int
	}{
		{"within the timeout", recentDue, 0},
		{"the old one stale", oldDue.Add(staleAfter), 1},
		{"both stale", recentDue.Add(time.Hour), 1},
		{"again", recentDue.Add(time.Hour), 0},
	}
	for _, tc := range tests {
		n, err := a.Recover(ctx, st, clock, tc.now)
		if err != nil || n != tc.answered {
			t.Errorf("%s: Recover answered %d (%v), want %d", tc.name, n, err, tc.answered)
		}
	}
	for _, id := range []string{old, recent} {
		au := get(id)
		last := au.RequestHistory[len(au.RequestHistory)-1]
		if au.PendingRequest != nil || !au.Approved || last.Reason != authorization.ReasonWebhookTimeout ||
			last.ReasonMessage == nil || !strings.Contains(*last.ReasonMessage, "stopped") {
			t.Errorf("%s after Recover: pending %+v approved %v history %+v", id, au.PendingRequest, au.Approved, last)
		}
	}
}
