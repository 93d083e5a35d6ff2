package transaction

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/localissuing/localissuing/event"
	"github.com/localissuing/localissuing/store"
)

func TestReceiptEvent(t *testing.T) {
	qty := "1"
	withReceipt := &PurchaseParams{}
	withReceipt.Receipt = append(withReceipt.Receipt, struct {
		Description *string `json:"description"`
		Quantity    *string `json:"quantity"`
		Total       *int64  `json:"total"`
		UnitCost    *int64  `json:"unit_cost"`
	}{Description: ptr("Ride from SFO to downtown"), Quantity: &qty, UnitCost: ptr(int64(10000))})
	tests := []struct {
		name     string
		purchase *PurchaseParams
		want     []string
	}{
		{"no purchase details", nil, []string{"issuing_transaction.created"}},
		{"a reference only", &PurchaseParams{Reference: ptr("order-7")}, []string{"issuing_transaction.created"}},
		{"receipt lines", withReceipt, []string{"issuing_transaction.created", "issuing_transaction.purchase_details_receipt_updated"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st, acct, c := newStore(t)
			ctx := context.Background()
			var got []string
			err := st.Update(ctx, func(tx store.Tx) error {
				if _, err := ForceCapture(ctx, tx, acct, testNow, MerchantParams{Card: c.ID, Amount: ptr(int64(10000)), PurchaseDetails: tc.purchase}); err != nil {
					return err
				}
				page, err := tx.List(ctx, store.Query{Account: acct.ID, Kind: event.Kind, Limit: 10})
				for _, obj := range page.Objects {
					var e event.Event
					if err := json.Unmarshal(obj.Data, &e); err != nil {
						return err
					}
					if strings.HasPrefix(e.Type, "issuing_transaction.") {
						got = append(got, e.Type)
					}
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			slices.Reverse(got) // oldest first
			if !slices.Equal(got, tc.want) {
				t.Errorf("events %v, want %v", got, tc.want)
			}
		})
	}
}
