package event

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/store"
	"github.com/localissuing/localissuing/store/sqlite/sqlitetest"
)

// TestSettle records each kind of outcome of an attempt and checks the
// outbox, pending_webhooks and the attempt history it leaves.
func TestSettle(t *testing.T) {
	at := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name        string
		outcome     Outcome
		stillQueued bool
		pending     int64 // of the event's 2 endpoints
	}{
		{"succeeded", Outcome{Result: ResultSucceeded, StatusCode: 200}, false, 1},
		{"retrying", Outcome{Result: ResultRetrying, StatusCode: 500, Error: "500", NextRetry: at.Add(time.Hour)}, true, 2},
		{"failed", Outcome{Result: ResultFailed, Error: "refused"}, false, 2},
		{"skipped", Outcome{Result: ResultSkipped, Error: "deleted"}, false, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			st := sqlitetest.Memory(t)
			acct := issuing.Account{ID: "acct_1"}
			var ev *Event
			var err error // the callback sets it too
			err = st.Update(ctx, func(tx store.Tx) error {
				for _, typ := range []string{"*", "issuing_card.created"} {
					if _, err := CreateEndpoint(ctx, tx, acct, at.Unix(), EndpointParams{
						URL: ptr("http://127.0.0.1:9/"), EnabledEvents: &[]string{typ}}); err != nil {
						return err
					}
				}
				// 2^53+1 is not a float64: previous_attributes must keep it.
				ev, err = record(ctx, tx, acct, at.Unix(), "issuing_card.created", map[string]any{"id": "ic_1"},
					map[string]any{"amount": json.Number("9007199254740993")}, "")
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if ev.PendingWebhooks != 2 {
				t.Fatalf("pending_webhooks %d, want 2", ev.PendingWebhooks)
			}
			ds, err := st.Lease(ctx, at.UnixMilli(), at.Add(time.Minute).UnixMilli(), 10)
			if err != nil || len(ds) != 2 {
				t.Fatalf("Lease: %v, %v", ds, err)
			}
			o := tc.outcome
			o.At = at
			if err := st.Update(ctx, func(tx store.Tx) error { return Settle(ctx, tx, ds[0], o) }); err != nil {
				t.Fatalf("Settle: %v", err)
			}

			left, err := st.Lease(ctx, at.Add(24*time.Hour).UnixMilli(), at.Add(25*time.Hour).UnixMilli(), 10)
			if err != nil {
				t.Fatal(err)
			}
			if queued := len(left) == 2; queued != tc.stillQueued {
				t.Errorf("still in the outbox: %v, want %v", queued, tc.stillQueued)
			}
			err = st.View(ctx, func(rd store.Reader) error {
				obj, err := rd.Get(ctx, acct.ID, Kind, ev.ID)
				if err != nil {
					return err
				}
				var got Event
				if err := json.Unmarshal(obj.Data, &got); err != nil {
					return err
				}
				if got.PendingWebhooks != tc.pending {
					t.Errorf("pending_webhooks %d, want %d", got.PendingWebhooks, tc.pending)
				}
				if !strings.Contains(string(obj.Data), `"amount":9007199254740993`) {
					t.Errorf("previous_attributes changed: %s", obj.Data)
				}
				p, err := rd.List(ctx, store.Query{Account: acct.ID, Kind: AttemptKind, Parent: ev.ID, Limit: 10})
				if err != nil {
					return err
				}
				if len(p.Objects) != 1 {
					t.Fatalf("%d attempts recorded, want 1", len(p.Objects))
				}
				var a Attempt
				if err := json.Unmarshal(p.Objects[0].Data, &a); err != nil {
					return err
				}
				if a.Result != tc.outcome.Result || a.Attempt != 1 || a.Created != at.Unix() || a.WebhookEndpoint != ds[0].EndpointID ||
					(a.NextRetry != nil) != (tc.outcome.Result == ResultRetrying) {
					t.Errorf("attempt %+v", a)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			// Settling again, as a second dispatcher whose lease ran out
			// would, counts nothing twice.
			if err := st.Update(ctx, func(tx store.Tx) error { return Settle(ctx, tx, ds[0], o) }); err != nil {
				t.Fatalf("second Settle: %v", err)
			}
			if got := pendingOf(t, st, acct.ID, ev.ID); got != tc.pending {
				t.Errorf("pending_webhooks %d after a second Settle, want %d", got, tc.pending)
			}
		})
	}
}

func pendingOf(t *testing.T, st store.Store, account, id string) int64 {
	t.Helper()
	var e Event
	err := st.View(context.Background(), func(rd store.Reader) error {
		obj, err := rd.Get(context.Background(), account, Kind, id)
		if err != nil {
			return err
		}
		return json.Unmarshal(obj.Data, &e)
	})
	if err != nil {
		t.Fatal(err)
	}
	return e.PendingWebhooks
}

func ptr[T any](v T) *T { return &v }
