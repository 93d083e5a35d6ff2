package authorization

import (
	"bytes"
	"context"
	"testing"

	"github.com/localissuing/localissuing/card"
	"github.com/localissuing/localissuing/cardholder"
	"github.com/localissuing/localissuing/document/documenttest"
	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/store"
	"github.com/localissuing/localissuing/store/sqlite"
)

// storedAuthorizations returns authorizations as stored: one approved as
// the load benchmark makes them, then one captured, one declined by a
// spending limit, and one waiting for a real-time answer.
func storedAuthorizations(tb testing.TB) [][]byte {
	tb.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, ":memory:")
	if err != nil {
		tb.Fatalf("open store: %v", err)
	}
	tb.Cleanup(func() { _ = st.Close() })
	acct := issuing.AccountForKey("sk_test_authorization_codec", false)
	var docs [][]byte
	err = st.Update(ctx, func(tx store.Tx) error {
		name := "Jenny Rosen"
		h, err := cardholder.Create(ctx, tx, acct, testNow.Unix(), cardholder.Params{Name: &name})
		if err != nil {
			return err
		}
		active := card.StatusActive
		c, err := card.Create(ctx, tx, acct, testNow, card.CreateParams{Cardholder: &h.ID, Currency: "usd", Type: "virtual", Status: &active,
			SpendingControls: &issuing.SpendingControls{SpendingLimits: []issuing.SpendingLimit{{Amount: 5000, Interval: "daily"}}}})
		if err != nil {
			return err
		}
		merchant, controllable := "Café <&> \u2028", true
		atm := int64(150)
		for i, p := range []CreateParams{
			{Amount: ptr(int64(1250))},
			{Amount: ptr(int64(300)), MerchantData: &issuing.MerchantParams{Name: &merchant}, AmountDetails: &issuing.AmountDetails{ATMFee: &atm}},
			{Amount: ptr(int64(9000))},
			{Amount: ptr(int64(700)), IsAmountControllable: &controllable},
		} {
			p.Card = c.ID
			a, err := Create(ctx, tx, acct, testNow, p, Options{AwaitRequest: i == 3})
			if err != nil {
				return err
			}
			if i == 1 {
				if a, err = Capture(ctx, tx, acct, testNow, a.ID, CaptureParams{}); err != nil {
					return err
				}
			}
			obj, err := tx.Get(ctx, acct.ID, Kind, a.ID)
			if err != nil {
				return err
			}
			docs = append(docs, bytes.Clone(obj.Data))
		}
		return nil
	})
	if err != nil {
		tb.Fatalf("make authorizations: %v", err)
	}
	return docs
}

// TestCodec checks that authorizations are stored and read as
// encoding/json would store and read them, whole and as spending reads
// them.
func TestCodec(t *testing.T) {
	docs := storedAuthorizations(t)
	documenttest.CheckCodec(t, func() any { return new(record) }, docs...)
	documenttest.CheckCodec(t, func() any { return new(spendFields) }, docs...)
}

// BenchmarkCodec measures decoding and encoding an approved
// authorization, and decoding what spending limits read of it.
func BenchmarkCodec(b *testing.B) {
	doc := storedAuthorizations(b)[0]
	b.Run("record", func(b *testing.B) { documenttest.BenchmarkCodec(b, func() any { return new(record) }, doc) })
	b.Run("spend", func(b *testing.B) { documenttest.BenchmarkCodec(b, func() any { return new(spendFields) }, doc) })
}
