package design

import (
	"context"
	"testing"
	"time"

	"github.com/localissuing/localissuing/document/documenttest"
	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/physicalbundle"
	"github.com/localissuing/localissuing/store"
	"github.com/localissuing/localissuing/store/sqlite/sqlitetest"
)

// renderedDesigns returns designs as events carry them and answers send
// them, made by the package's own calls: a default design with carrier
// text, a name and a lookup key with HTML characters, a second design that
// takes the key and the default from it, both as they are then, and each
// after review, one activated and one rejected.
func renderedDesigns(t *testing.T) []any {
	t.Helper()
	ctx := context.Background()
	st := sqlitetest.Memory(t)
	acct := issuing.AccountForKey("sk_test_design_render", false)
	now := time.Unix(1795573743, 0)
	standard := physicalbundle.All(acct)[0].ID
	str := func(s string) *string { return &s }
	var out []any
	err := st.Update(ctx, func(tx store.Tx) error {
		first, err := Create(ctx, tx, acct, now, Params{PhysicalBundle: &standard, Name: str("Ops <&> cards"),
			LookupKey: str("ops<1>"), Metadata: map[string]any{"team": "R&D \u2028"}, Preferences: &PreferencesParams{IsDefault: true},
			CarrierText: map[string]any{"header_title": "Hello <b>", "footer_body": "Café & co"}})
		if err != nil {
			return err
		}
		second, err := Create(ctx, tx, acct, now, Params{PhysicalBundle: &standard, LookupKey: str("ops<1>"),
			TransferLookupKey: true, Preferences: &PreferencesParams{IsDefault: true}})
		if err != nil {
			return err
		}
		before, err := Get(ctx, tx, acct, first.ID, "id")
		if err != nil {
			return err
		}
		active, err := Review(ctx, tx, acct, now, second.ID, "activate", nil)
		if err != nil {
			return err
		}
		rejected, err := Review(ctx, tx, acct, now, first.ID, "reject",
			&RejectionReasons{CardLogo: []string{"geographic_location"}, CarrierText: []string{"other"}})
		out = append(out, first, second, before, active, rejected)
		return err
	})
	if err != nil {
		t.Fatalf("make designs: %v", err)
	}
	return out
}

// TestCodec checks that designs are stored and read as encoding/json would
// store and read them, and rendered as it would render them.
func TestCodec(t *testing.T) {
	documenttest.CheckCodec(t, func() any { return new(record) })
	documenttest.CheckMarshal(t, func() any { return new(Design) }, renderedDesigns(t)...)
}
