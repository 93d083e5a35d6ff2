package transaction

import (
	"context"
	"testing"

	"github.com/localissuing/localissuing/document/documenttest"
	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/store"
)

// renderedTransactions returns transactions as events carry them and
// answers send them, made by the package's own calls: a force capture
// with every kind of purchase detail and HTML characters in its text, the
// same after a metadata update, a refund of it, and an unlinked refund.
func renderedTransactions(t *testing.T) []any {
	t.Helper()
	st, acct, c := newStore(t)
	ctx := context.Background()
	purchase := &PurchaseParams{Reference: ptr("order <42> & co"),
		Fleet: &Fleet{PurchaseType: ptr("fuel_purchase"), CardholderPromptData: &FleetPrompt{Odometer: ptr(int64(120345))},
			ReportedBreakdown: &FleetBreakdown{Fuel: &GrossAmount{GrossAmountDecimal: ptr("45.0100")}}},
		Flight: &Flight{DepartureAt: ptr(int64(1795573743)), PassengerName: ptr("Jenny Rosen"), Refundable: ptr(false),
			Segments: []FlightLeg{{Carrier: ptr("UA"), StopoverAllowed: ptr(true)}, {}}},
		Lodging: &Lodging{CheckInAt: ptr(int64(1795573743)), Nights: ptr(int64(3))}}
	purchase.Fuel = &struct {
		IndustryProductCode *string `json:"industry_product_code"`
		QuantityDecimal     *string `json:"quantity_decimal"`
		Type                *string `json:"type"`
		Unit                *string `json:"unit"`
		UnitCostDecimal     *string `json:"unit_cost_decimal"`
	}{QuantityDecimal: ptr("10.5"), Type: ptr("diesel")}
	for _, qty := range []string{"0.333", "1", "1000000000000000000000"} {
		purchase.Receipt = append(purchase.Receipt, struct {
			Description *string `json:"description"`
			Quantity    *string `json:"quantity"`
			Total       *int64  `json:"total"`
			UnitCost    *int64  `json:"unit_cost"`
		}{Description: ptr("Café <crème> & \u2028"), Quantity: &qty, UnitCost: ptr(int64(901))})
	}
	var out []any
	err := st.Update(ctx, func(tx store.Tx) error {
		capture, err := ForceCapture(ctx, tx, acct, testNow, MerchantParams{Card: c.ID, Amount: ptr(int64(10000)),
			MerchantData:    &issuing.MerchantParams{Name: ptr("Rides <&> Co"), URL: ptr("https://example.com/?a=1&b=<2>")},
			PurchaseDetails: purchase})
		if err != nil {
			return err
		}
		updated, err := Update(ctx, tx, acct, testNow, capture.ID, map[string]any{"note": "<b>late</b> & \u2029"})
		if err != nil {
			return err
		}
		refund, err := Refund(ctx, tx, acct, testNow, capture.ID, ptr(int64(2500)))
		if err != nil {
			return err
		}
		unlinked, err := UnlinkedRefund(ctx, tx, acct, testNow, MerchantParams{Card: c.ID, Amount: ptr(int64(700))})
		out = append(out, capture, updated, refund, unlinked)
		return err
	})
	if err != nil {
		t.Fatalf("make transactions: %v", err)
	}
	return out
}

// TestCodec checks that transactions are stored and read as encoding/json
// would store and read them, and rendered as it would render them.
func TestCodec(t *testing.T) {
	documenttest.CheckCodec(t, func() any { return new(record) })
	documenttest.CheckMarshal(t, func() any { return new(Transaction) }, renderedTransactions(t)...)
}
