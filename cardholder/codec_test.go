package cardholder

import (
	"bytes"
	"context"
	"testing"

	"github.com/localissuing/localissuing/document/documenttest"
	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/store"
	"github.com/localissuing/localissuing/store/sqlite/sqlitetest"
)

// storedCardholders returns cardholders as stored: one as the load
// benchmark makes them, and one with every optional part given; and as
// events carry them and answers send them: the same two as created, and
// the second updated.
func storedCardholders(tb testing.TB) (docs [][]byte, rendered []any) {
	tb.Helper()
	ctx := context.Background()
	st := sqlitetest.Memory(tb)
	acct := issuing.AccountForKey("sk_test_cardholder_codec", false)
	name, email, phone, first, last := "Jenny Rosen", "jenny&co@example.com", "+18008675309", "Jenny", "Rosen <Jr>"
	line1, city, zip, country := "1 Main St", "San Francisco", "94111", "US"
	addr := issuing.Address{Line1: &line1, City: &city, PostalCode: &zip, Country: &country}
	day, month, year := int64(1), int64(2), int64(1990)
	limitsCurrency := "usd"
	params := []Params{
		{Name: &name, Email: &email, Billing: &Billing{Address: addr}},
		{Name: &name, Email: &email, PhoneNumber: &phone, Billing: &Billing{Address: addr},
			Individual:       &Individual{FirstName: &first, LastName: &last, DOB: &DOB{Day: &day, Month: &month, Year: &year}},
			Metadata:         map[string]any{"team": "ops", "note": "café \u2028"},
			PreferredLocales: []string{"en", "fr"},
			SpendingControls: &issuing.SpendingControls{BlockedCategories: []string{"bakeries"}, SpendingLimitsCurrency: &limitsCurrency,
				SpendingLimits: []issuing.SpendingLimit{{Amount: 5000, Interval: "daily", Categories: []string{}}}}},
	}
	err := st.Update(ctx, func(tx store.Tx) error {
		for _, p := range params {
			ch, err := Create(ctx, tx, acct, 1795573743, p)
			if err != nil {
				return err
			}
			obj, err := tx.Get(ctx, acct.ID, Kind, ch.ID)
			if err != nil {
				return err
			}
			docs, rendered = append(docs, bytes.Clone(obj.Data)), append(rendered, ch)
		}
		status, email := "inactive", "<b>jenny</b>@example.com"
		ch, err := Update(ctx, tx, acct, 1795573800, rendered[1].(*Cardholder).ID, Params{Status: &status, Email: &email,
			Metadata: map[string]any{"note": ""}})
		rendered = append(rendered, ch)
		return err
	})
	if err != nil {
		tb.Fatalf("make cardholders: %v", err)
	}
	return docs, rendered
}

// TestCodec checks that cardholders are stored and read as encoding/json
// would store and read them, and rendered as it would render them.
func TestCodec(t *testing.T) {
	docs, rendered := storedCardholders(t)
	documenttest.CheckCodec(t, func() any { return new(Cardholder) }, docs...)
	documenttest.CheckMarshal(t, func() any { return new(Cardholder) }, rendered...)
}

// BenchmarkCodec measures decoding and encoding a cardholder as the load
// benchmark makes them.
func BenchmarkCodec(b *testing.B) {
	docs, _ := storedCardholders(b)
	documenttest.BenchmarkCodec(b, func() any { return new(Cardholder) }, docs[0])
}
