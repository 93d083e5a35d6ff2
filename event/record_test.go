package event

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/store"
	"github.com/localissuing/localissuing/store/sqlite/sqlitetest"
)

// TestUpdatedRecords records updates given as JSON text, as token updates
// pass stored renderings, and checks the stored event and whom it is owed
// to.
func TestUpdatedRecords(t *testing.T) {
	at := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	const typ = "issuing_token.updated"
	tests := []struct {
		name          string
		before, after any
		object        string // the stored data.object
		prev          string // the stored previous_attributes; "" for no event
	}{
		{"stored renderings",
			json.RawMessage(`{"id":"intok_1","metadata":{"a":"\u003cb\u003e"},"n":9007199254740993,"status":"active"}`),
			json.RawMessage(`{"id":"intok_1","metadata":{"a":"\u003cb\u003e"},"n":9007199254740993,"status":"suspended"}`),
			`{"id":"intok_1","metadata":{"a":"\u003cb\u003e"},"n":9007199254740993,"status":"suspended"}`,
			`{"status":"active"}`},
		{"text json.Marshal would change",
			json.RawMessage(`{ "id": "intok_1", "note": "<b>", "status": "active" }`),
			json.RawMessage(`{"id":"intok_1","note":"\u003cb\u003e","status":"suspended","wallet_provider":"apple_pay"}`),
			`{"id":"intok_1","note":"\u003cb\u003e","status":"suspended","wallet_provider":"apple_pay"}`,
			`{"status":"active","wallet_provider":null}`},
		{"values",
			map[string]any{"id": "intok_1", "nested": map[string]any{"a": 1, "b": []int{1}}, "status": "active"},
			map[string]any{"id": "intok_1", "nested": map[string]any{"a": 2, "b": []int{1}}, "status": "active"},
			`{"id":"intok_1","nested":{"a":2,"b":[1]},"status":"active"}`,
			`{"nested":{"a":1}}`},
		{"no change",
			json.RawMessage(`{"id":"intok_1","status":"active"}`), json.RawMessage(`{"id": "intok_1", "status": "active"}`),
			"", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			st := sqlitetest.Memory(t)
			acct := issuing.Account{ID: "acct_1"}
			want := subscribeAll(t, st, acct, at, typ)
			err := st.Update(ctx, func(tx store.Tx) error {
				return Updated(ctx, tx, acct, at.Unix(), typ, tc.before, tc.after)
			})
			if err != nil {
				t.Fatal(err)
			}
			var page store.Page
			err = st.View(ctx, func(rd store.Reader) (err error) {
				page, err = rd.List(ctx, store.Query{Account: acct.ID, Kind: Kind, Limit: 10})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if tc.prev == "" {
				if len(page.Objects) != 0 {
					t.Fatalf("an update that changes nothing recorded %s", page.Objects[0].Data)
				}
				return
			}
			if len(page.Objects) != 1 {
				t.Fatalf("%d events recorded, want 1", len(page.Objects))
			}
			stored := page.Objects[0].Data
			var got struct {
				Event
				Data struct {
					Object             json.RawMessage `json:"object"`
					PreviousAttributes json.RawMessage `json:"previous_attributes"`
				} `json:"data"`
			}
			if err := json.Unmarshal(stored, &got); err != nil {
				t.Fatal(err)
			}
			if string(got.Data.Object) != tc.object || string(got.Data.PreviousAttributes) != tc.prev {
				t.Errorf("data %s %s, want %s %s", got.Data.Object, got.Data.PreviousAttributes, tc.object, tc.prev)
			}
			if got.PendingWebhooks != int64(len(want)) || got.Type != typ || got.Created != at.Unix() {
				t.Errorf("event %s", stored)
			}
			ds, err := st.Lease(ctx, at.UnixMilli(), at.Add(time.Minute).UnixMilli(), 10)
			if err != nil {
				t.Fatal(err)
			}
			var owed []string
			for _, d := range ds {
				if d.EventID != got.ID {
					t.Errorf("delivery %+v of another event", d)
				}
				owed = append(owed, d.EndpointID)
			}
			slices.Sort(owed)
			if !slices.Equal(owed, want) {
				t.Errorf("owed to %v, want %v", owed, want)
			}
		})
	}
}

// subscribeAll makes endpoints of every kind an event of type typ in acct
// may meet, and returns the ids of those owed it, in order.
func subscribeAll(t *testing.T, st store.Store, acct issuing.Account, at time.Time, typ string) []string {
	t.Helper()
	ctx := context.Background()
	var want []string
	err := st.Update(ctx, func(tx store.Tx) error {
		for _, c := range []struct {
			account  issuing.Account
			types    []string
			disabled bool
			owed     bool
		}{
			{acct, []string{"*"}, false, true},
			{acct, []string{"issuing_card.created", typ}, false, true},
			{acct, []string{"issuing_card.created"}, false, false},
			{acct, []string{"*"}, true, false},
			{issuing.Account{ID: "acct_2"}, []string{"*"}, false, false},
		} {
			e, err := CreateEndpoint(ctx, tx, c.account, at.Unix(), EndpointParams{
				URL: ptr("http://127.0.0.1:9/"), EnabledEvents: &c.types, Disabled: &c.disabled})
			if err != nil {
				return err
			}
			if c.owed {
				want = append(want, e.ID)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Forward(ctx, st, at.Unix(), "http://127.0.0.1:9/forward"); err != nil {
		t.Fatal(err)
	}
	want = append(want, forwardID)
	slices.Sort(want)
	return want
}
