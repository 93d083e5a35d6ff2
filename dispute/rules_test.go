package dispute

import (
	"testing"
	"time"

	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/transaction"
)

var testNow = time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC)

func TestCheckEligible(t *testing.T) {
	dispute := "idp_1"
	capture := func(edit func(*transaction.Transaction)) *transaction.Transaction {
		t := &transaction.Transaction{ID: "ipi_1", Type: transaction.TypeCapture, Amount: -1000,
			Created: testNow.Add(-24 * time.Hour).Unix(), MerchantData: issuing.NewMerchantData(nil)}
		if edit != nil {
			edit(t)
		}
		return t
	}
	tests := []struct {
		name     string
		t        *transaction.Transaction
		refunded int64
		ok       bool
	}{
		{"a recent capture", capture(nil), 0, true},
		{"a refund", capture(func(t *transaction.Transaction) { t.Type, t.Amount = transaction.TypeRefund, 1000 }), 0, false},
		{"already disputed", capture(func(t *transaction.Transaction) { t.Dispute = &dispute }), 0, false},
		{"partly refunded", capture(nil), 1, false},
		{"an ATM withdrawal", capture(func(t *transaction.Transaction) { t.MerchantData.Category = "automated_cash_disburse" }), 0, false},
		{"cash at a counter", capture(func(t *transaction.Transaction) { t.MerchantData.Category = "manual_cash_disburse" }), 0, false},
		{"109 days old", capture(func(t *transaction.Transaction) { t.Created = testNow.Add(-109 * 24 * time.Hour).Unix() }), 0, true},
		{"110 days old", capture(func(t *transaction.Transaction) { t.Created = testNow.Add(-110 * 24 * time.Hour).Unix() }), 0, false},
	}
	for _, tc := range tests {
		err := checkEligible(tc.t, tc.refunded, testNow)
		if (err == nil) != tc.ok {
			t.Errorf("%s: err = %v, want eligible=%v", tc.name, err, tc.ok)
		}
		if e, ok := issuing.AsError(err); err != nil && (!ok || e.Param != "transaction") {
			t.Errorf("%s: error %v does not name the transaction", tc.name, err)
		}
	}
}

func TestCheckOutcome(t *testing.T) {
	statuses := []string{StatusUnsubmitted, StatusSubmitted, StatusWon, StatusLost, StatusExpired}
	allowed := map[[2]string]bool{
		{StatusSubmitted, StatusWon}: true, {StatusSubmitted, StatusLost}: true, {StatusUnsubmitted, StatusExpired}: true,
	}
	for _, from := range statuses {
		for _, to := range append(statuses, "pending") {
			err := checkOutcome("idp_1", from, to)
			if want := allowed[[2]string{from, to}]; (err == nil) != want {
				t.Errorf("%s -> %s: err = %v, want allowed=%v", from, to, err, want)
			}
		}
	}
}
