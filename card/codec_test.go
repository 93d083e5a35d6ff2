package card

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/localissuing/localissuing/cardholder"
	"github.com/localissuing/localissuing/document/documenttest"
	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/store"
	"github.com/localissuing/localissuing/store/sqlite/sqlitetest"
)

// storedCards returns cards as stored: a physical card as the load
// benchmark makes them, the same card shipped, and a virtual card with
// spending controls, metadata and lifecycle controls.
func storedCards(tb testing.TB) (pending, shipped, virtual []byte) {
	tb.Helper()
	ctx := context.Background()
	st := sqlitetest.Memory(tb)
	acct := issuing.AccountForKey("sk_test_card_codec", false)
	now := time.Unix(1795573743, 0)
	get := func(tx store.Tx, id string) ([]byte, error) {
		obj, err := tx.Get(ctx, acct.ID, Kind, id)
		return bytes.Clone(obj.Data), err
	}
	err := st.Update(ctx, func(tx store.Tx) error {
		name, email := "Jenny Rosen", "holder1@example.com"
		line1, city, zip, country := "1 Main St", "San Francisco", "94111", "US"
		addr := issuing.Address{Line1: &line1, City: &city, PostalCode: &zip, Country: &country}
		h, err := cardholder.Create(ctx, tx, acct, now.Unix(), cardholder.Params{Name: &name, Email: &email, Billing: &cardholder.Billing{Address: addr}})
		if err != nil {
			return err
		}
		physical, err := Create(ctx, tx, acct, now, CreateParams{Cardholder: &h.ID, Currency: "usd", Type: "physical",
			Shipping: &Shipping{Name: "Jenny Rosen", Address: addr}})
		if err != nil {
			return err
		}
		if pending, err = get(tx, physical.ID); err != nil {
			return err
		}
		if _, err := AdvanceShipping(ctx, tx, acct, now, physical.ID, "ship"); err != nil {
			return err
		}
		if shipped, err = get(tx, physical.ID); err != nil {
			return err
		}
		active, second := StatusActive, "Ops <&> team"
		lifecycle := &LifecycleControls{}
		lifecycle.CancelAfter.PaymentCount = 3
		v, err := Create(ctx, tx, acct, now, CreateParams{Cardholder: &h.ID, Currency: "eur", Type: "virtual", Status: &active,
			SecondLine: &second, LifecycleControls: lifecycle, Metadata: map[string]any{"k": "v\u2028"},
			SpendingControls: &issuing.SpendingControls{AllowedCategories: []string{"taxicabs_limousines"},
				SpendingLimits: []issuing.SpendingLimit{{Amount: 1000, Interval: "per_authorization"}}}})
		if err != nil {
			return err
		}
		virtual, err = get(tx, v.ID)
		return err
	})
	if err != nil {
		tb.Fatalf("make cards: %v", err)
	}
	return pending, shipped, virtual
}

// renderedCards returns cards as events carry them and answers send them,
// made by the package's own calls: a physical card created, then shipped,
// a virtual card with its number and CVC revealed, the same card canceled,
// and the card that replaces it.
func renderedCards(tb testing.TB) []any {
	tb.Helper()
	ctx := context.Background()
	st := sqlitetest.Memory(tb)
	acct := issuing.AccountForKey("sk_test_card_render", false)
	now := time.Unix(1795573743, 0)
	var cards []any
	err := st.Update(ctx, func(tx store.Tx) error {
		name, email := "Jenny Rosen", "holder1@example.com"
		line1, city, zip, country := "1 Main St <rear> & \u2028", "San Francisco", "94111", "US"
		addr := issuing.Address{Line1: &line1, City: &city, PostalCode: &zip, Country: &country}
		h, err := cardholder.Create(ctx, tx, acct, now.Unix(), cardholder.Params{Name: &name, Email: &email,
			Billing: &cardholder.Billing{Address: addr}, Metadata: map[string]any{"team": "R&D <west>"}})
		if err != nil {
			return err
		}
		physical, err := Create(ctx, tx, acct, now, CreateParams{Cardholder: &h.ID, Currency: "usd", Type: "physical",
			Shipping: &Shipping{Name: "Jenny <Rosen> & Co", Address: addr}})
		if err != nil {
			return err
		}
		shipped, err := AdvanceShipping(ctx, tx, acct, now, physical.ID, "ship")
		if err != nil {
			return err
		}
		active, second := StatusActive, "Ops <&> team"
		lifecycle := &LifecycleControls{}
		lifecycle.CancelAfter.PaymentCount = 3
		v, err := Create(ctx, tx, acct, now, CreateParams{Cardholder: &h.ID, Currency: "eur", Type: "virtual", Status: &active,
			SecondLine: &second, LifecycleControls: lifecycle, Metadata: map[string]any{"k": "v\u2028", "<": "&"},
			SpendingControls: &issuing.SpendingControls{AllowedCategories: []string{"taxicabs_limousines"},
				SpendingLimits: []issuing.SpendingLimit{{Amount: 1000, Interval: "per_authorization"}}}})
		if err != nil {
			return err
		}
		revealed, err := Get(ctx, tx, acct, v.ID, "id", Secrets{Number: true, CVC: true})
		if err != nil {
			return err
		}
		canceled, lost := StatusCanceled, "lost"
		old, err := Update(ctx, tx, acct, now, v.ID, UpdateParams{Status: &canceled, CancellationReason: &lost})
		if err != nil {
			return err
		}
		replacement, err := Create(ctx, tx, acct, now, CreateParams{Cardholder: &h.ID, Currency: "eur", Type: "virtual",
			ReplacementFor: &v.ID, ReplacementReason: &lost})
		if err != nil {
			return err
		}
		cards = append(cards, physical, shipped, v, revealed, old, replacement)
		return nil
	})
	if err != nil {
		tb.Fatalf("make cards: %v", err)
	}
	return cards
}

// TestCodec checks that cards are stored and read as encoding/json would
// store and read them, and rendered as it would render them.
func TestCodec(t *testing.T) {
	pending, shipped, virtual := storedCards(t)
	documenttest.CheckCodec(t, func() any { return new(record) }, pending, shipped, virtual)
	documenttest.CheckMarshal(t, func() any { return new(Card) }, renderedCards(t)...)
}

// BenchmarkCodec measures decoding and encoding a shipped physical card,
// and encoding it as rendered.
func BenchmarkCodec(b *testing.B) {
	_, shipped, _ := storedCards(b)
	b.Run("record", func(b *testing.B) { documenttest.BenchmarkCodec(b, func() any { return new(record) }, shipped) })
	b.Run("rendered", func(b *testing.B) { documenttest.BenchmarkMarshal(b, renderedCards(b)[1]) })
}
