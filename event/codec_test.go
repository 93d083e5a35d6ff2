package event

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/localissuing/localissuing/document/documenttest"
	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/store"
	"github.com/localissuing/localissuing/store/sqlite/sqlitetest"
)

// TestCodec checks that webhook endpoints, deleted endpoints and events
// and attempts as stored (which lists send as json.RawMessage) are sent
// as encoding/json would send them, made by the package's own calls.
func TestCodec(t *testing.T) {
	ctx := context.Background()
	st := sqlitetest.Memory(t)
	acct := issuing.AccountForKey("sk_test_event_codec", false)
	at := time.Unix(1795573743, 0)
	var endpoints, deleted, stored []any
	err := st.Update(ctx, func(tx store.Tx) error {
		e, err := CreateEndpoint(ctx, tx, acct, at.Unix(), EndpointParams{URL: ptr("https://example.com/hook?a=1&b=<2>"),
			EnabledEvents: &[]string{"*"}, Description: ptr("Ops <&> \u2028"), Metadata: map[string]any{"team": "R&D"}})
		if err != nil {
			return err
		}
		updated, err := UpdateEndpoint(ctx, tx, acct, e.ID, EndpointParams{Disabled: ptr(true),
			EnabledEvents: &[]string{"issuing_card.created", "issuing_card.updated"}})
		if err != nil {
			return err
		}
		endpoints = append(endpoints, e, e.View(), updated, updated.View())
		object := map[string]any{"id": "ic_1", "name": "Café <b> & \u2028", "n": 9007199254740993, "f": 0.1}
		if err := Created(ctx, tx, acct, at.Unix(), "issuing_card.created", object); err != nil {
			return err
		}
		after := map[string]any{"id": "ic_1", "name": "Café", "n": 1, "f": 1e21, "new": []any{}}
		if err := Updated(ctx, tx, acct, at.Unix(), "issuing_card.updated", object, after); err != nil {
			return err
		}
		if err := insertAttempt(ctx, tx, acct.ID, newAttempt(store.Delivery{EventID: "evt_1", EndpointID: e.ID},
			Outcome{Result: ResultRetrying, At: at, URL: e.URL, StatusCode: 500, Error: "HTTP 500 <oops>",
				Response: "<html>\xff & \u2028</html>", NextRetry: at.Add(time.Minute)})); err != nil {
			return err
		}
		for _, kind := range []string{Kind, AttemptKind} {
			page, err := tx.List(ctx, store.Query{Account: acct.ID, Kind: kind, Limit: 10})
			if err != nil {
				return err
			}
			for _, obj := range page.Objects {
				stored = append(stored, json.RawMessage(bytes.Clone(obj.Data)))
			}
		}
		gone, err := DeleteEndpoint(ctx, tx, acct, e.ID)
		deleted = append(deleted, gone)
		return err
	})
	if err != nil {
		t.Fatalf("make endpoints and events: %v", err)
	}
	if len(stored) != 3 {
		t.Fatalf("%d events and attempts stored, want 3", len(stored))
	}
	documenttest.CheckMarshal(t, func() any { return new(Endpoint) }, endpoints...)
	documenttest.CheckMarshal(t, func() any { return new(DeletedEndpoint) }, deleted...)
	documenttest.CheckMarshal(t, func() any { return new(json.RawMessage) }, stored...)
}
