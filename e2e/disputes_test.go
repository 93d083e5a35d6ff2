package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v85"
)

func TestDisputeLifecycleWithSDK(t *testing.T) {
	e := newEnv(t)
	sc := e.sdk(e.Key)
	ctx := context.Background()
	c := newActiveCard(t, sc)
	txn := captured(t, sc, c.ID, 4200)

	params := &stripe.IssuingDisputeCreateParams{Transaction: stripe.String(txn.ID),
		Evidence: &stripe.IssuingDisputeCreateEvidenceParams{Reason: stripe.String("not_received")}}
	params.AddMetadata("case", "17")
	d, err := sc.V1IssuingDisputes.Create(ctx, params)
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if !strings.HasPrefix(d.ID, "idp_") || d.Status != "unsubmitted" || d.Amount != 4200 || d.Currency != "usd" ||
		d.Transaction.ID != txn.ID || d.Evidence.Reason != "not_received" || d.Evidence.NotReceived == nil || d.Evidence.Fraudulent != nil ||
		d.Metadata["case"] != "17" || d.LossReason != "" {
		t.Fatalf("dispute = %+v evidence %+v", d, d.Evidence)
	}
	got, err := sc.V1IssuingTransactions.Retrieve(ctx, txn.ID, nil)
	if err != nil || got.Dispute == nil || got.Dispute.ID != d.ID {
		t.Fatalf("transaction.dispute = %+v (%v)", got.Dispute, err)
	}
	_, err = sc.V1IssuingDisputes.Create(ctx, &stripe.IssuingDisputeCreateParams{Transaction: stripe.String(txn.ID)})
	assertStripeError(t, err, 400, "invalid_request_error", "transaction")

	// Submitting needs evidence for the reason.
	_, err = sc.V1IssuingDisputes.Submit(ctx, d.ID, nil)
	assertStripeError(t, err, 400, "invalid_request_error", "evidence[not_received]")
	up := &stripe.IssuingDisputeUpdateParams{Amount: stripe.Int64(4000), Evidence: &stripe.IssuingDisputeUpdateEvidenceParams{
		Reason: stripe.String("fraudulent"), Fraudulent: &stripe.IssuingDisputeUpdateEvidenceFraudulentParams{
			Explanation: stripe.String("Card reported lost before the payment.")},
		NotReceived: &stripe.IssuingDisputeUpdateEvidenceNotReceivedParams{ProductType: stripe.String("merchandise")}}}
	d, err = sc.V1IssuingDisputes.Update(ctx, d.ID, up)
	if err != nil || d.Amount != 4000 || d.Evidence.Reason != "fraudulent" || d.Evidence.Fraudulent == nil ||
		d.Evidence.NotReceived == nil || d.Evidence.NotReceived.ProductType != "merchandise" {
		t.Fatalf("update: %v %+v", err, d)
	}
	_, err = sc.V1IssuingDisputes.Update(ctx, d.ID, &stripe.IssuingDisputeUpdateParams{Amount: stripe.Int64(4201)})
	assertStripeError(t, err, 400, "invalid_request_error", "amount")
	// "" unsets evidence, field by field or a whole reason.
	r := e.do("POST", "/v1/issuing/disputes/"+d.ID, e.Key, "evidence[not_received]=&evidence[fraudulent][additional_documentation]=")
	if r.Status != 200 || strings.Contains(string(r.Body), "not_received\"") {
		t.Fatalf("unset evidence: %d %s", r.Status, r.Body)
	}

	d, err = sc.V1IssuingDisputes.Submit(ctx, d.ID, nil)
	if err != nil || d.Status != "submitted" {
		t.Fatalf("submit: %v %+v", err, d)
	}
	_, err = sc.V1IssuingDisputes.Submit(ctx, d.ID, nil)
	assertStripeError(t, err, 400, "invalid_request_error", "")
	_, err = sc.V1IssuingDisputes.Update(ctx, d.ID, &stripe.IssuingDisputeUpdateParams{Evidence: &stripe.IssuingDisputeUpdateEvidenceParams{
		Reason: stripe.String("other")}})
	assertStripeError(t, err, 400, "invalid_request_error", "evidence")
	mu := &stripe.IssuingDisputeUpdateParams{}
	mu.AddMetadata("stage", "network")
	if d, err = sc.V1IssuingDisputes.Update(ctx, d.ID, mu); err != nil || d.Metadata["stage"] != "network" {
		t.Fatalf("metadata after submission: %v", err)
	}

	// Our resolve helper plays the network.
	r = e.do("POST", "/v1/test_helpers/issuing/disputes/"+d.ID+"/resolve", e.Key, "status=won")
	if r.Status != 200 || !strings.Contains(string(r.Body), `"status": "won"`) || strings.Contains(string(r.Body), "loss_reason") {
		t.Fatalf("resolve won: %d %s", r.Status, r.Body)
	}
	if r = e.do("POST", "/v1/test_helpers/issuing/disputes/"+d.ID+"/resolve", e.Key, "status=lost"); r.Status != 400 {
		t.Errorf("resolve a won dispute again: %d %s", r.Status, r.Body)
	}

	// Retrieve with the transaction expanded, list with filters.
	rp := &stripe.IssuingDisputeRetrieveParams{}
	rp.AddExpand("transaction")
	if got, err := sc.V1IssuingDisputes.Retrieve(ctx, d.ID, rp); err != nil || got.Transaction.Amount != -4200 || got.Status != "won" {
		t.Fatalf("retrieve: %v %+v", err, got)
	}
	second := captured(t, sc, c.ID, 100)
	lost, err := sc.V1IssuingDisputes.Create(ctx, &stripe.IssuingDisputeCreateParams{Transaction: stripe.String(second.ID),
		Evidence: &stripe.IssuingDisputeCreateEvidenceParams{Reason: stripe.String("duplicate"),
			Duplicate: &stripe.IssuingDisputeCreateEvidenceDuplicateParams{OriginalTransaction: stripe.String(txn.ID)}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sc.V1IssuingDisputes.Submit(ctx, lost.ID, nil); err != nil {
		t.Fatal(err)
	}
	r = e.do("POST", "/v1/test_helpers/issuing/disputes/"+lost.ID+"/resolve", e.Key, "status=lost&loss_reason=refund_issued")
	if r.Status != 200 || !strings.Contains(string(r.Body), `"loss_reason": "refund_issued"`) {
		t.Fatalf("resolve lost: %d %s", r.Status, r.Body)
	}
	count := func(p *stripe.IssuingDisputeListParams) int {
		n := 0
		for _, err := range sc.V1IssuingDisputes.List(ctx, p).All(ctx) {
			if err != nil {
				t.Fatal(err)
			}
			n++
		}
		return n
	}
	if n := count(&stripe.IssuingDisputeListParams{}); n != 2 {
		t.Errorf("disputes = %d, want 2", n)
	}
	if n := count(&stripe.IssuingDisputeListParams{Status: stripe.String("lost")}); n != 1 {
		t.Errorf("lost disputes = %d, want 1", n)
	}
	if n := count(&stripe.IssuingDisputeListParams{Transaction: stripe.String(second.ID)}); n != 1 {
		t.Errorf("disputes of the second transaction = %d, want 1", n)
	}

	for typ, want := range map[string]int{
		"issuing_dispute.created": 2, "issuing_dispute.submitted": 2, "issuing_dispute.closed": 2,
		"issuing_dispute.funds_reinstated": 1, "issuing_transaction.updated": 2,
		// two updates of evidence, metadata, submit and resolve for the
		// first; submit and resolve for the second
		"issuing_dispute.updated": 7,
	} {
		if n := countEvents(t, e, typ); n != want {
			t.Errorf("%s = %d, want %d", typ, n, want)
		}
	}
}

func TestDisputeEligibilityAndOutcomes(t *testing.T) {
	e := newEnv(t)
	sc := e.sdk(e.Key)
	ctx := context.Background()
	c := newActiveCard(t, sc)
	create := func(id string) (*stripe.IssuingDispute, error) {
		return sc.V1IssuingDisputes.Create(ctx, &stripe.IssuingDisputeCreateParams{Transaction: stripe.String(id),
			Evidence: &stripe.IssuingDisputeCreateEvidenceParams{Reason: stripe.String("other"),
				Other: &stripe.IssuingDisputeCreateEvidenceOtherParams{Explanation: stripe.String("Not what I ordered.")}}})
	}

	refunded := captured(t, sc, c.ID, 1000)
	refund, err := sc.V1TestHelpersIssuingTransactions.Refund(ctx, refunded.ID, &stripe.TestHelpersIssuingTransactionRefundParams{RefundAmount: stripe.Int64(1)})
	if err != nil {
		t.Fatal(err)
	}
	atm := authorize(t, sc, c.ID, 2000, &stripe.TestHelpersIssuingAuthorizationCreateParams{
		MerchantData: &stripe.TestHelpersIssuingAuthorizationCreateMerchantDataParams{Category: stripe.String("automated_cash_disburse")}})
	atmCapture, err := sc.V1TestHelpersIssuingAuthorizations.Capture(ctx, atm.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	old := captured(t, sc, c.ID, 500)
	unsubmitted := captured(t, sc, c.ID, 600)
	d, err := create(unsubmitted.ID)
	if err != nil {
		t.Fatal(err)
	}
	e.Clock.Advance(110 * 24 * time.Hour)
	tests := []struct {
		name string
		id   string
	}{
		{"a refund", refund.ID},
		{"a refunded capture", refunded.ID},
		{"a cash withdrawal", atmCapture.Transactions[0].ID},
		{"a capture 110 days old", old.ID},
	}
	for _, tc := range tests {
		_, err := create(tc.id)
		assertStripeError(t, err, 400, "invalid_request_error", "transaction")
	}
	_, err = create("ipi_missing")
	assertStripeError(t, err, 404, "invalid_request_error", "transaction")
	if r := e.do("POST", "/v1/issuing/disputes", e.Key, ""); r.Status != 400 || !strings.Contains(string(r.Body), "transaction") {
		t.Errorf("dispute without a transaction: %d %s", r.Status, r.Body)
	}

	// Past the deadline an unsubmitted dispute can only expire.
	_, err = sc.V1IssuingDisputes.Submit(ctx, d.ID, nil)
	assertStripeError(t, err, 400, "invalid_request_error", "")
	for _, tc := range []struct {
		form   string
		status int
	}{
		{"status=won", 400},
		{"status=expired&loss_reason=other", 400},
		{"status=expired", 200},
		{"status=expired", 400},
	} {
		if r := e.do("POST", "/v1/test_helpers/issuing/disputes/"+d.ID+"/resolve", e.Key, tc.form); r.Status != tc.status {
			t.Errorf("resolve %s: %d %s", tc.form, r.Status, r.Body)
		}
	}
	live := "sk_live_" + e.Key[len("sk_test_"):]
	if r := e.do("POST", "/v1/test_helpers/issuing/disputes/"+d.ID+"/resolve", live, "status=won"); r.Status != 400 {
		t.Errorf("live-mode resolve: %d", r.Status)
	}
}
