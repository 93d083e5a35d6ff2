package event_test

import (
	"context"
	"testing"
	"time"

	"github.com/localissuing/localissuing/authorization"
	"github.com/localissuing/localissuing/card"
	"github.com/localissuing/localissuing/cardholder"
	"github.com/localissuing/localissuing/event"
	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/store"
	"github.com/localissuing/localissuing/store/sqlite/sqlitetest"
)

// BenchmarkRecord measures recording the events the ship test helper and
// authorization create record, with their objects as the resource
// packages render them: encoding the objects, diffing them and encoding
// the event. The event goes to a transaction that keeps nothing: a real
// store's transaction costs more than the event's own work, and varies
// too much on a shared machine to show it.
func BenchmarkRecord(b *testing.B) {
	ctx := context.Background()
	st := sqlitetest.Memory(b)
	acct := issuing.AccountForKey("sk_test_event_bench", false)
	now := time.Unix(1795573743, 0)
	var pending, shipped *card.Card
	var auth *authorization.Authorization
	err := st.Update(ctx, func(tx store.Tx) error {
		name, email := "Jenny Rosen", "jenny.rosen@example.com"
		line1, city, zip, country := "1 Main St", "San Francisco", "94111", "US"
		addr := issuing.Address{Line1: &line1, City: &city, PostalCode: &zip, Country: &country}
		h, err := cardholder.Create(ctx, tx, acct, now.Unix(), cardholder.Params{Name: &name, Email: &email,
			Billing: &cardholder.Billing{Address: addr}})
		if err != nil {
			return err
		}
		active := card.StatusActive
		pending, err = card.Create(ctx, tx, acct, now, card.CreateParams{Cardholder: &h.ID, Currency: "usd", Type: "physical",
			Status: &active, Shipping: &card.Shipping{Name: name, Address: addr}})
		if err != nil {
			return err
		}
		if shipped, err = card.AdvanceShipping(ctx, tx, acct, now, pending.ID, "ship"); err != nil {
			return err
		}
		amount := int64(1250)
		auth, err = authorization.Create(ctx, tx, acct, now, authorization.CreateParams{Card: pending.ID, Amount: &amount},
			authorization.Options{})
		return err
	})
	if err != nil {
		b.Fatalf("make objects: %v", err)
	}
	for _, tc := range []struct {
		name   string
		record func(store.Tx) error
	}{
		{"card-shipped", func(tx store.Tx) error {
			return event.Updated(ctx, tx, acct, now.Unix(), "issuing_card.updated", pending, shipped)
		}},
		{"authorization-created", func(tx store.Tx) error {
			return event.Created(ctx, tx, acct, now.Unix(), "issuing_authorization.created", auth)
		}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := tc.record(discardTx{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// discardTx is a transaction of an account with no webhook endpoints
// that keeps nothing written to it.
type discardTx struct{ store.Tx }

func (discardTx) List(context.Context, store.Query) (store.Page, error) { return store.Page{}, nil }

func (discardTx) Insert(context.Context, *store.Object) error { return nil }
