package transaction

import (
	"context"
	"testing"
	"time"

	"github.com/localissuing/localissuing/card"
	"github.com/localissuing/localissuing/card/cardtest"
	"github.com/localissuing/localissuing/cardholder"
	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/store"
	"github.com/localissuing/localissuing/store/sqlite/sqlitetest"
)

var testNow = time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC)

// newStore returns a store with an account and an active card in it.
func newStore(t *testing.T) (store.Store, issuing.Account, *card.Card) {
	t.Helper()
	st := sqlitetest.Memory(t)
	acct := issuing.AccountForKey("sk_test_transaction_package", false)
	var c *card.Card
	err := st.Update(context.Background(), func(tx store.Tx) error {
		var err error
		c, err = cardtest.Active(context.Background(), tx, acct, testNow, cardholder.Params{}, card.CreateParams{})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return st, acct, c
}

func TestRefund(t *testing.T) {
	st, acct, c := newStore(t)
	ctx := context.Background()
	var linked []string
	OnLinkedRefund(func(_ context.Context, _ store.Tx, _ issuing.Account, _ time.Time, auth string, t *Transaction) error {
		linked = append(linked, auth+"/"+t.ID)
		return nil
	})
	t.Cleanup(func() { linkHooks = nil })

	// A capture of 1000 usd that the merchant saw as 900 eur.
	var capture *Transaction
	err := st.Update(ctx, func(tx store.Tx) error {
		var err error
		capture, err = NewCapture(ctx, tx, acct, testNow, Capture{Authorization: "iauth_1", Card: c.ID, Cardholder: c.Cardholder.ID,
			Amount: 1000, Currency: "usd", MerchantAmount: 900, MerchantCurrency: "eur", MerchantData: issuing.NewMerchantData(nil)})
		return err
	})
	if err != nil || capture.Amount != -1000 || capture.MerchantAmount != -900 {
		t.Fatalf("capture: %v %+v", err, capture)
	}
	steps := []struct {
		name     string
		amount   *int64
		want     int64 // the refund's amount; 0 for a refusal
		merchant int64
	}{
		{"zero", ptr(int64(0)), 0, 0},
		{"part", ptr(int64(400)), 400, 360},
		{"more than is left", ptr(int64(601)), 0, 0},
		{"the rest by default", nil, 600, 540},
		{"nothing left", nil, 0, 0},
	}
	var refundID string
	for _, s := range steps {
		var got *Transaction
		err := st.Update(ctx, func(tx store.Tx) error {
			var err error
			got, err = Refund(ctx, tx, acct, testNow, capture.ID, s.amount)
			return err
		})
		if s.want == 0 {
			if e, ok := issuing.AsError(err); !ok || e.Kind != issuing.KindInvalid {
				t.Errorf("%s: err = %v, want a refusal", s.name, err)
			}
			continue
		}
		if err != nil || got.Type != TypeRefund || got.Amount != s.want || got.MerchantAmount != s.merchant ||
			got.Authorization == nil || *got.Authorization != "iauth_1" || got.MerchantCurrency != "eur" {
			t.Errorf("%s: %v %+v", s.name, err, got)
			continue
		}
		refundID = got.ID
	}
	if len(linked) != 2 || linked[1] != "iauth_1/"+refundID {
		t.Errorf("linked refunds = %v", linked)
	}
	// A refund is not refunded.
	err = st.Update(ctx, func(tx store.Tx) error {
		_, err := Refund(ctx, tx, acct, testNow, refundID, nil)
		return err
	})
	if e, ok := issuing.AsError(err); !ok || e.Kind != issuing.KindInvalid {
		t.Errorf("refund of a refund: %v", err)
	}
}

func TestUnlinked(t *testing.T) {
	st, acct, c := newStore(t)
	ctx := context.Background()
	eur := "eur"
	tests := []struct {
		name   string
		create func(context.Context, store.Tx, issuing.Account, time.Time, MerchantParams) (*Transaction, error)
		p      MerchantParams
		typ    string
		amount int64 // 0 for a refusal
	}{
		{"force capture", ForceCapture, MerchantParams{Card: c.ID, Amount: ptr(int64(700))}, TypeCapture, -700},
		{"unlinked refund", UnlinkedRefund, MerchantParams{Card: c.ID, Amount: ptr(int64(700))}, TypeRefund, 700},
		{"no amount", ForceCapture, MerchantParams{Card: c.ID}, "", 0},
		{"negative amount", UnlinkedRefund, MerchantParams{Card: c.ID, Amount: ptr(int64(-1))}, "", 0},
		{"another currency", ForceCapture, MerchantParams{Card: c.ID, Amount: ptr(int64(1)), Currency: &eur}, "", 0},
		{"no such card", ForceCapture, MerchantParams{Card: "ic_missing", Amount: ptr(int64(1))}, "", 0},
	}
	for _, tc := range tests {
		var got *Transaction
		err := st.Update(ctx, func(tx store.Tx) error {
			var err error
			got, err = tc.create(ctx, tx, acct, testNow, tc.p)
			return err
		})
		if tc.amount == 0 {
			if _, ok := issuing.AsError(err); !ok {
				t.Errorf("%s: err = %v, want a client error", tc.name, err)
			}
			continue
		}
		if err != nil || got.Type != tc.typ || got.Amount != tc.amount || got.MerchantAmount != tc.amount || got.Authorization != nil ||
			got.Cardholder == nil || *got.Cardholder != c.Cardholder.ID || got.MerchantData.CategoryCode == "" {
			t.Errorf("%s: %v %+v", tc.name, err, got)
		}
	}
}

func TestPurchaseDetails(t *testing.T) {
	qty, fuelType := "2.5", "diesel"
	p := &PurchaseParams{Reference: ptr("ref-1")}
	p.Receipt = append(p.Receipt, struct {
		Description *string `json:"description"`
		Quantity    *string `json:"quantity"`
		Total       *int64  `json:"total"`
		UnitCost    *int64  `json:"unit_cost"`
	}{Quantity: &qty})
	p.Fuel = &struct {
		IndustryProductCode *string `json:"industry_product_code"`
		QuantityDecimal     *string `json:"quantity_decimal"`
		Type                *string `json:"type"`
		Unit                *string `json:"unit"`
		UnitCostDecimal     *string `json:"unit_cost_decimal"`
	}{Type: &fuelType}
	d := p.Details()
	if d.Receipt[0].Quantity == nil || *d.Receipt[0].Quantity != 2.5 || *d.Reference != "ref-1" {
		t.Errorf("details = %+v", d)
	}
	if d.Fuel.Type != "diesel" || d.Fuel.Unit != "other" || d.Fuel.UnitCostDecimal != "0" {
		t.Errorf("fuel = %+v, want the required fields filled", d.Fuel)
	}
	if (*PurchaseParams)(nil).Details() != nil {
		t.Errorf("no parameter gives details")
	}
}

func ptr[T any](v T) *T { return &v }
