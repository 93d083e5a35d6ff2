package authorization

import (
	"bytes"
	"context"
	"testing"

	"github.com/localissuing/localissuing/card"
	"github.com/localissuing/localissuing/card/cardtest"
	"github.com/localissuing/localissuing/cardholder"
	"github.com/localissuing/localissuing/document/documenttest"
	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/store"
	"github.com/localissuing/localissuing/store/sqlite/sqlitetest"
	"github.com/localissuing/localissuing/transaction"
)

// storedAuthorizations returns authorizations as stored: one approved as
// the load benchmark makes them, then one captured, one declined by a
// spending limit, and one waiting for a real-time answer; and as events
// carry them and answers send them: each as created, the captured one
// after its capture, the first after a metadata update and a partial
// reversal, and the waiting one after its answer.
func storedAuthorizations(tb testing.TB) (docs [][]byte, rendered []any) {
	tb.Helper()
	ctx := context.Background()
	st := sqlitetest.Memory(tb)
	acct := issuing.AccountForKey("sk_test_authorization_codec", false)
	err := st.Update(ctx, func(tx store.Tx) error {
		c, err := cardtest.Active(ctx, tx, acct, testNow, cardholder.Params{}, card.CreateParams{
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
			rendered = append(rendered, a)
			if i == 1 {
				if a, err = Capture(ctx, tx, acct, testNow, a.ID, CaptureParams{PurchaseDetails: purchase()}); err != nil {
					return err
				}
				rendered = append(rendered, a)
			}
			obj, err := tx.Get(ctx, acct.ID, Kind, a.ID)
			if err != nil {
				return err
			}
			docs = append(docs, bytes.Clone(obj.Data))
		}
		first, waiting := rendered[0].(*Authorization).ID, rendered[len(rendered)-1].(*Authorization).ID
		updated, err := Update(ctx, tx, acct, testNow, first, map[string]any{"note": "<b>\u2028</b> & more"})
		if err != nil {
			return err
		}
		reversed, err := Reverse(ctx, tx, acct, testNow, first, ptr(int64(250)))
		if err != nil {
			return err
		}
		answered, err := Approve(ctx, tx, acct, testNow, waiting, nil, map[string]any{"by": "endpoint"})
		if err != nil {
			return err
		}
		rendered = append(rendered, updated, reversed, answered)
		return nil
	})
	if err != nil {
		tb.Fatalf("make authorizations: %v", err)
	}
	return docs, rendered
}

// purchase is what a merchant reports with a capture: a receipt with a
// fractional quantity, fuel, a flight and text with HTML characters.
func purchase() *transaction.PurchaseParams {
	p := &transaction.PurchaseParams{Reference: ptr("order <42> & co"),
		Flight: &transaction.Flight{PassengerName: ptr("Jenny Rosen"), Refundable: ptr(true),
			Segments: []transaction.FlightLeg{{Carrier: ptr("UA"), FlightNumber: ptr("UA 1")}}},
		Lodging: &transaction.Lodging{Nights: ptr(int64(2))}}
	p.Receipt = append(p.Receipt, struct {
		Description *string `json:"description"`
		Quantity    *string `json:"quantity"`
		Total       *int64  `json:"total"`
		UnitCost    *int64  `json:"unit_cost"`
	}{Description: ptr("Café <crème>"), Quantity: ptr("0.333"), Total: ptr(int64(300)), UnitCost: ptr(int64(901))})
	return p
}

// TestCodec checks that authorizations are stored and read as
// encoding/json would store and read them, whole and as spending reads
// them, and rendered as it would render them.
func TestCodec(t *testing.T) {
	docs, rendered := storedAuthorizations(t)
	documenttest.CheckCodec(t, func() any { return new(record) }, docs...)
	documenttest.CheckCodec(t, func() any { return new(spendFields) }, docs...)
	documenttest.CheckMarshal(t, func() any { return new(Authorization) }, rendered...)
}

// BenchmarkCodec measures decoding and encoding an approved
// authorization, decoding what spending limits read of it, and encoding
// it as rendered.
func BenchmarkCodec(b *testing.B) {
	docs, rendered := storedAuthorizations(b)
	doc := docs[0]
	b.Run("record", func(b *testing.B) { documenttest.BenchmarkCodec(b, func() any { return new(record) }, doc) })
	b.Run("spend", func(b *testing.B) { documenttest.BenchmarkCodec(b, func() any { return new(spendFields) }, doc) })
	b.Run("rendered", func(b *testing.B) { documenttest.BenchmarkMarshal(b, rendered[0]) })
}
