package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/stripe/stripe-go/v85"
)

// captured authorizes amount on a card and captures it all, returning the
// capture transaction.
func captured(t *testing.T, sc *stripe.Client, cardID string, amount int64) *stripe.IssuingTransaction {
	t.Helper()
	a := authorize(t, sc, cardID, amount, nil)
	got, err := sc.V1TestHelpersIssuingAuthorizations.Capture(context.Background(), a.ID, nil)
	if err != nil {
		t.Fatalf("capture: %v", err)
	}
	return got.Transactions[len(got.Transactions)-1]
}

func TestTransactionsWithSDK(t *testing.T) {
	e := newEnv(t)
	sc := e.sdk(e.Key)
	ctx := context.Background()
	th := sc.V1TestHelpersIssuingTransactions
	c := newActiveCard(t, sc)

	capture := captured(t, sc, c.ID, 2000)
	if !strings.HasPrefix(capture.ID, "ipi_") || capture.Type != "capture" || capture.Amount != -2000 || capture.MerchantAmount != -2000 ||
		capture.Currency != "usd" || capture.Authorization == nil || capture.NetworkData == nil || !authorizationCode.MatchString(capture.NetworkData.AuthorizationCode) {
		t.Fatalf("capture = %+v", capture)
	}

	// Retrieve with expansions through the generic machinery.
	rp := &stripe.IssuingTransactionRetrieveParams{}
	for _, f := range []string{"authorization", "card", "cardholder"} {
		rp.AddExpand(f)
	}
	got, err := sc.V1IssuingTransactions.Retrieve(ctx, capture.ID, rp)
	if err != nil {
		t.Fatalf("retrieve: %v", err)
	}
	if got.Authorization.Status != "closed" || got.Card.Last4 != c.Last4 || got.Cardholder.Name != "Jenny Rosen" {
		t.Errorf("expanded: authorization %+v card %+v cardholder %+v", got.Authorization, got.Card, got.Cardholder)
	}
	up := &stripe.IssuingTransactionUpdateParams{}
	up.AddMetadata("receipt", "r-1")
	if got, err = sc.V1IssuingTransactions.Update(ctx, capture.ID, up); err != nil || got.Metadata["receipt"] != "r-1" {
		t.Fatalf("update: %v %+v", err, got)
	}

	// Refunds: part, then by default the rest, then nothing is left.
	refund, err := th.Refund(ctx, capture.ID, &stripe.TestHelpersIssuingTransactionRefundParams{RefundAmount: stripe.Int64(500)})
	if err != nil || refund.Type != "refund" || refund.Amount != 500 || refund.Authorization.ID != capture.Authorization.ID ||
		refund.MerchantData.Name != capture.MerchantData.Name || refund.ID == capture.ID {
		t.Fatalf("partial refund: %v %+v", err, refund)
	}
	_, err = th.Refund(ctx, capture.ID, &stripe.TestHelpersIssuingTransactionRefundParams{RefundAmount: stripe.Int64(1501)})
	assertStripeError(t, err, 400, "invalid_request_error", "refund_amount")
	rest, err := th.Refund(ctx, capture.ID, nil)
	if err != nil || rest.Amount != 1500 {
		t.Fatalf("refund the rest: %v %+v", err, rest)
	}
	_, err = th.Refund(ctx, capture.ID, nil)
	assertStripeError(t, err, 400, "invalid_request_error", "")
	_, err = th.Refund(ctx, refund.ID, nil)
	assertStripeError(t, err, 400, "invalid_request_error", "")
	auth, err := sc.V1IssuingAuthorizations.Retrieve(ctx, capture.Authorization.ID, nil)
	if err != nil || len(auth.Transactions) != 3 || auth.Transactions[1].ID != refund.ID {
		t.Errorf("authorization lists %d transactions, want the capture and its two refunds", len(auth.Transactions))
	}

	// Merchants acting without an authorization.
	force, err := th.CreateForceCapture(ctx, &stripe.TestHelpersIssuingTransactionCreateForceCaptureParams{Card: stripe.String(c.ID),
		Amount: stripe.Int64(750), MerchantData: &stripe.TestHelpersIssuingTransactionCreateForceCaptureMerchantDataParams{
			Category: stripe.String("book_stores"), Name: stripe.String("Books & Co")}})
	if err != nil || force.Type != "capture" || force.Amount != -750 || force.Authorization != nil ||
		force.MerchantData.CategoryCode != "5942" || force.Cardholder.ID != c.Cardholder.ID || force.Currency != "usd" {
		t.Fatalf("force capture: %v %+v", err, force)
	}
	unlinked, err := th.CreateUnlinkedRefund(ctx, &stripe.TestHelpersIssuingTransactionCreateUnlinkedRefundParams{Card: stripe.String(c.ID),
		Amount: stripe.Int64(300)})
	if err != nil || unlinked.Type != "refund" || unlinked.Amount != 300 || unlinked.Authorization != nil {
		t.Fatalf("unlinked refund: %v %+v", err, unlinked)
	}
	_, err = th.CreateForceCapture(ctx, &stripe.TestHelpersIssuingTransactionCreateForceCaptureParams{Card: stripe.String(c.ID),
		Amount: stripe.Int64(100), Currency: stripe.String("gbp")})
	assertStripeError(t, err, 400, "invalid_request_error", "currency")

	// Lists and their filters.
	other := newActiveCard(t, sc)
	captured(t, sc, other.ID, 100)
	list := func(p *stripe.IssuingTransactionListParams) []string {
		var ids []string
		for txn, err := range sc.V1IssuingTransactions.List(ctx, p).All(ctx) {
			if err != nil {
				t.Fatalf("list: %v", err)
			}
			ids = append(ids, txn.ID)
		}
		return ids
	}
	tests := []struct {
		name string
		p    *stripe.IssuingTransactionListParams
		want int
	}{
		{"all", &stripe.IssuingTransactionListParams{}, 6},
		{"card", &stripe.IssuingTransactionListParams{Card: stripe.String(c.ID)}, 5},
		{"cardholder", &stripe.IssuingTransactionListParams{Cardholder: stripe.String(other.Cardholder.ID)}, 1},
		{"captures", &stripe.IssuingTransactionListParams{Type: stripe.String("capture")}, 3},
		{"refunds of card", &stripe.IssuingTransactionListParams{Card: stripe.String(c.ID), Type: stripe.String("refund")}, 3},
		{"paged", &stripe.IssuingTransactionListParams{ListParams: stripe.ListParams{Limit: stripe.Int64(2)}}, 6},
	}
	for _, tc := range tests {
		if got := list(tc.p); len(got) != tc.want {
			t.Errorf("%s: %d transactions, want %d", tc.name, len(got), tc.want)
		}
	}
	if ids := list(&stripe.IssuingTransactionListParams{Card: stripe.String(c.ID)}); ids[0] != unlinked.ID {
		t.Errorf("newest first: got %s, want %s", ids[0], unlinked.ID)
	}
	if n := countEvents(t, e, "issuing_transaction.created"); n != 6 {
		t.Errorf("issuing_transaction.created = %d, want 6", n)
	}
	if n := countEvents(t, e, "issuing_transaction.updated"); n != 1 {
		t.Errorf("issuing_transaction.updated = %d, want 1", n)
	}
	live := "sk_live_" + e.Key[len("sk_test_"):]
	if r := e.do("POST", "/v1/test_helpers/issuing/transactions/"+capture.ID+"/refund", live, ""); r.Status != 400 {
		t.Errorf("live-mode refund helper: %d", r.Status)
	}
}
