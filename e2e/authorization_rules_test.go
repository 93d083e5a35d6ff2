package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v85"
)

// newCard creates an active virtual card for a new cardholder, with extra
// form parameters (spending controls, expiry) added to the request.
func newCard(t *testing.T, e *env, extra string) *stripe.IssuingCard {
	t.Helper()
	ch := newCardholder(t, e.sdk(e.Key), "Jenny Rosen")
	r := e.do("POST", "/v1/issuing/cards", e.Key, "cardholder="+ch.ID+"&currency=usd&type=virtual&status=active"+extra)
	if r.Status != 200 {
		t.Fatalf("create card: %d %s", r.Status, r.Body)
	}
	var c stripe.IssuingCard
	decode(t, r.Body, &c)
	return &c
}

func TestAuthorizationDeclineReasons(t *testing.T) {
	e := newEnv(t)
	sc := e.sdk(e.Key)
	ctx := context.Background()
	now := e.Clock.Now()
	tests := []struct {
		name   string
		card   string // extra card parameters
		setup  func(t *testing.T, c *stripe.IssuingCard)
		params string // extra authorization parameters
		reason string
	}{
		{name: "card inactive", setup: func(t *testing.T, c *stripe.IssuingCard) {
			mustUpdateCard(t, sc, c.ID, &stripe.IssuingCardUpdateParams{Status: stripe.String("inactive")})
		}, reason: "card_inactive"},
		{name: "card canceled", setup: func(t *testing.T, c *stripe.IssuingCard) {
			mustUpdateCard(t, sc, c.ID, &stripe.IssuingCardUpdateParams{Status: stripe.String("canceled")})
		}, reason: "card_canceled"},
		{name: "card expired", card: fmt.Sprintf("&exp_month=%d&exp_year=%d", now.Month(), now.Year()), setup: func(t *testing.T, c *stripe.IssuingCard) {
			e.Clock.Advance(40 * 24 * time.Hour)
			t.Cleanup(func() { e.Clock.Set(now) })
		}, reason: "card_expired"},
		{name: "cardholder inactive", setup: func(t *testing.T, c *stripe.IssuingCard) {
			if _, err := sc.V1IssuingCardholders.Update(ctx, c.Cardholder.ID, &stripe.IssuingCardholderUpdateParams{Status: stripe.String("inactive")}); err != nil {
				t.Fatal(err)
			}
		}, reason: "cardholder_inactive"},
		{name: "cvc mismatch", params: "&verification_data[cvc_check]=mismatch", reason: "verification_failed"},
		{name: "blocked category", card: "&spending_controls[blocked_categories][]=taxicabs_limousines", reason: "spending_controls"},
		{name: "category not allowed", card: "&spending_controls[allowed_categories][]=bakeries",
			params: "&merchant_data[category]=florists", reason: "spending_controls"},
		{name: "merchant country", card: "&spending_controls[allowed_merchant_countries][]=US",
			params: "&merchant_data[country]=FR", reason: "spending_controls"},
		{name: "card presence", card: "&spending_controls[blocked_card_presences][]=present",
			params: "&authorization_method=contactless", reason: "spending_controls"},
		{name: "cardholder controls", setup: func(t *testing.T, c *stripe.IssuingCard) {
			_, err := sc.V1IssuingCardholders.Update(ctx, c.Cardholder.ID, &stripe.IssuingCardholderUpdateParams{
				SpendingControls: &stripe.IssuingCardholderUpdateSpendingControlsParams{
					BlockedMerchantCountries: []*string{stripe.String("US")}}})
			if err != nil {
				t.Fatal(err)
			}
		}, reason: "spending_controls"},
		{name: "per-authorization limit", card: "&spending_controls[spending_limits][0][amount]=999&spending_controls[spending_limits][0][interval]=per_authorization",
			reason: "spending_controls"},
		{name: "suspected fraud", params: "&risk_assessment[fraud_risk][level]=highest", reason: "suspected_fraud"},
		{name: "approved", card: "&spending_controls[spending_limits][0][amount]=1000&spending_controls[spending_limits][0][interval]=per_authorization",
			params: "&verification_data[address_line1_check]=mismatch", reason: "card_active"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := newCard(t, e, tc.card)
			if tc.setup != nil {
				tc.setup(t, c)
			}
			r := e.do("POST", "/v1/test_helpers/issuing/authorizations", e.Key, "card="+c.ID+"&amount=1000"+tc.params)
			if r.Status != 200 {
				t.Fatalf("create: %d %s", r.Status, r.Body)
			}
			var a stripe.IssuingAuthorization
			decode(t, r.Body, &a)
			req := lastRequest(t, &a)
			approved := tc.reason == "card_active"
			if string(req.Reason) != tc.reason || req.Approved != approved || a.Approved != approved || a.Amount != 1000 {
				t.Fatalf("reason %s approved %v/%v amount %d, want %s", req.Reason, req.Approved, a.Approved, a.Amount, tc.reason)
			}
			wantStatus := "closed"
			if approved {
				wantStatus = "pending"
			} else if req.ReasonMessage == "" || req.AuthorizationCode != "" {
				t.Errorf("decline: message %q code %q", req.ReasonMessage, req.AuthorizationCode)
			}
			if string(a.Status) != wantStatus {
				t.Errorf("status %s, want %s", a.Status, wantStatus)
			}
		})
	}
	if n := countEvents(t, e, "issuing_authorization.created"); n != len(tests) {
		t.Errorf("issuing_authorization.created = %d, want one per authorization (%d), declined ones included", n, len(tests))
	}
}

func mustUpdateCard(t *testing.T, sc *stripe.Client, id string, p *stripe.IssuingCardUpdateParams) {
	t.Helper()
	if _, err := sc.V1IssuingCards.Update(context.Background(), id, p); err != nil {
		t.Fatalf("update card: %v", err)
	}
}

func TestFraudChallengeWithSDK(t *testing.T) {
	e := newEnv(t)
	sc := e.sdk(e.Key)
	ctx := context.Background()
	c := newActiveCard(t, sc)
	risky := func() *stripe.TestHelpersIssuingAuthorizationCreateParams {
		return &stripe.TestHelpersIssuingAuthorizationCreateParams{RiskAssessment: &stripe.TestHelpersIssuingAuthorizationCreateRiskAssessmentParams{
			FraudRisk: &stripe.TestHelpersIssuingAuthorizationCreateRiskAssessmentFraudRiskParams{Level: stripe.String("highest")}}}
	}
	a := authorize(t, sc, c.ID, 2500, risky())
	if a.Approved || len(a.FraudChallenges) != 1 || a.FraudChallenges[0].Status != "pending" || a.FraudChallenges[0].Channel != "sms" {
		t.Fatalf("risky authorization: approved %v challenges %+v", a.Approved, a.FraudChallenges)
	}
	got, err := sc.V1TestHelpersIssuingAuthorizations.Respond(ctx, a.ID, &stripe.TestHelpersIssuingAuthorizationRespondParams{Confirmed: stripe.Bool(true)})
	if err != nil || got.FraudChallenges[0].Status != "verified" {
		t.Fatalf("respond: %v %+v", err, got)
	}
	_, err = sc.V1TestHelpersIssuingAuthorizations.Respond(ctx, a.ID, &stripe.TestHelpersIssuingAuthorizationRespondParams{Confirmed: stripe.Bool(true)})
	assertStripeError(t, err, 400, "invalid_request_error", "")
	retry := authorize(t, sc, c.ID, 2500, risky())
	if !retry.Approved || !retry.VerifiedByFraudChallenge {
		t.Errorf("retry: approved %v verified_by_fraud_challenge %v", retry.Approved, retry.VerifiedByFraudChallenge)
	}

	// Without a phone number the challenge cannot be sent.
	h, err := sc.V1IssuingCardholders.Create(ctx, &stripe.IssuingCardholderCreateParams{Name: stripe.String("Ada Lovelace"),
		Billing: &stripe.IssuingCardholderCreateBillingParams{Address: &stripe.AddressParams{Line1: stripe.String("1 Main St"),
			City: stripe.String("London"), PostalCode: stripe.String("N1 9GU"), Country: stripe.String("GB")}}})
	if err != nil {
		t.Fatal(err)
	}
	nc, err := sc.V1IssuingCards.Create(ctx, &stripe.IssuingCardCreateParams{Cardholder: stripe.String(h.ID), Currency: stripe.String("usd"),
		Type: stripe.String("virtual"), Status: stripe.String("active")})
	if err != nil {
		t.Fatal(err)
	}
	b := authorize(t, sc, nc.ID, 100, risky())
	if len(b.FraudChallenges) != 1 || b.FraudChallenges[0].Status != "undeliverable" || b.FraudChallenges[0].UndeliverableReason != "no_phone_number" {
		t.Errorf("challenge without a phone = %+v", b.FraudChallenges)
	}
}

// reach brings a new authorization of 1000 on card to a status.
func reach(t *testing.T, e *env, sc *stripe.Client, cardID, state string) string {
	t.Helper()
	ctx := context.Background()
	if state == "declined" {
		return authorize(t, sc, cardID, 1000, &stripe.TestHelpersIssuingAuthorizationCreateParams{
			VerificationData: &stripe.TestHelpersIssuingAuthorizationCreateVerificationDataParams{CVCCheck: stripe.String("mismatch")}}).ID
	}
	id := authorize(t, sc, cardID, 1000, nil).ID
	var err error
	switch state {
	case "captured":
		_, err = sc.V1TestHelpersIssuingAuthorizations.Capture(ctx, id, nil)
	case "reversed":
		_, err = sc.V1TestHelpersIssuingAuthorizations.Reverse(ctx, id, nil)
	case "expired":
		_, err = sc.V1TestHelpersIssuingAuthorizations.Expire(ctx, id, nil)
	}
	if err != nil {
		t.Fatalf("reach %s: %v", state, err)
	}
	return id
}

func TestAuthorizationHelpersFromEveryStatus(t *testing.T) {
	e := newEnv(t)
	sc := e.sdk(e.Key)
	c := newActiveCard(t, sc)
	helpers := map[string]string{
		"capture":         "",
		"expire":          "",
		"finalize_amount": "final_amount=800",
		"increment":       "increment_amount=100",
		"reverse":         "reverse_amount=100",
	}
	wantStatus := map[string]string{"capture": "closed", "expire": "expired", "finalize_amount": "pending", "increment": "pending", "reverse": "pending"}
	states := map[string]string{"pending": "pending", "captured": "closed", "declined": "closed", "reversed": "reversed", "expired": "expired"}
	for state, status := range states {
		for helper, form := range helpers {
			t.Run(state+"/"+helper, func(t *testing.T) {
				id := reach(t, e, sc, c.ID, state)
				r := e.do("POST", "/v1/test_helpers/issuing/authorizations/"+id+"/"+helper, e.Key, form)
				if state == "pending" {
					if r.Status != 200 || !strings.Contains(string(r.Body), `"status": "`+wantStatus[helper]+`"`) {
						t.Fatalf("%s on pending: %d %s", helper, r.Status, r.Body)
					}
					return
				}
				var se stripeErr
				decode(t, r.Body, &se)
				if r.Status != 400 || !strings.Contains(se.Error.Message, status) || !strings.Contains(se.Error.Message, "only pending") {
					t.Errorf("%s on %s: %d %+v", helper, state, r.Status, se.Error)
				}
			})
		}
	}
	// approve and decline answer real-time requests only.
	id := reach(t, e, sc, c.ID, "pending")
	for _, call := range []func() error{
		func() error {
			_, err := sc.V1IssuingAuthorizations.Approve(context.Background(), id, nil)
			return err
		},
		func() error {
			_, err := sc.V1IssuingAuthorizations.Decline(context.Background(), id, nil)
			return err
		},
	} {
		err := call()
		assertStripeError(t, err, 400, "invalid_request_error", "")
		if se, ok := err.(*stripe.Error); ok && !strings.Contains(se.Msg, "real-time") {
			t.Errorf("approve/decline message does not explain: %s", se.Msg)
		}
	}
	// Test helpers are test mode only; the amount is required.
	live := "sk_live_" + e.Key[len("sk_test_"):]
	if r := e.do("POST", "/v1/test_helpers/issuing/authorizations", live, "card="+c.ID+"&amount=100"); r.Status != 400 {
		t.Errorf("live-mode helper: %d", r.Status)
	}
	_, err := sc.V1TestHelpersIssuingAuthorizations.Create(context.Background(), &stripe.TestHelpersIssuingAuthorizationCreateParams{Card: stripe.String(c.ID)})
	assertStripeError(t, err, 400, "invalid_request_error", "amount")
	_, err = sc.V1TestHelpersIssuingAuthorizations.Create(context.Background(), &stripe.TestHelpersIssuingAuthorizationCreateParams{
		Card: stripe.String("ic_missing"), Amount: stripe.Int64(100)})
	assertStripeError(t, err, 404, "invalid_request_error", "card")
	_, err = sc.V1TestHelpersIssuingAuthorizations.Create(context.Background(), &stripe.TestHelpersIssuingAuthorizationCreateParams{
		Card: stripe.String(c.ID), Amount: stripe.Int64(100), Currency: stripe.String("eur")})
	assertStripeError(t, err, 400, "invalid_request_error", "currency")
}

func TestAuthorizationAmounts(t *testing.T) {
	e := newEnv(t)
	sc := e.sdk(e.Key)
	ctx := context.Background()
	c := newCard(t, e, "&spending_controls[spending_limits][0][amount]=1500&spending_controls[spending_limits][0][interval]=per_authorization")
	th := sc.V1TestHelpersIssuingAuthorizations

	a := authorize(t, sc, c.ID, 1000, nil)
	got, err := th.Increment(ctx, a.ID, &stripe.TestHelpersIssuingAuthorizationIncrementParams{IncrementAmount: stripe.Int64(400)})
	if err != nil || got.Amount != 1400 || len(got.RequestHistory) != 2 || !lastRequest(t, got).Approved || lastRequest(t, got).Amount != 400 {
		t.Fatalf("increment: %v amount %d history %d", err, got.Amount, len(got.RequestHistory))
	}
	// The next increment would pass the per-authorization limit: declined,
	// and the authorization keeps what it holds.
	got, err = th.Increment(ctx, a.ID, &stripe.TestHelpersIssuingAuthorizationIncrementParams{IncrementAmount: stripe.Int64(101)})
	if err != nil || got.Amount != 1400 || got.Status != "pending" || lastRequest(t, got).Approved || lastRequest(t, got).Reason != "spending_controls" {
		t.Fatalf("declined increment: %v amount %d status %s last %+v", err, got.Amount, got.Status, lastRequest(t, got))
	}
	got, err = th.Reverse(ctx, a.ID, &stripe.TestHelpersIssuingAuthorizationReverseParams{ReverseAmount: stripe.Int64(400)})
	if err != nil || got.Amount != 1000 || got.Status != "pending" {
		t.Fatalf("partial reverse: %v %d %s", err, got.Amount, got.Status)
	}
	_, err = th.Reverse(ctx, a.ID, &stripe.TestHelpersIssuingAuthorizationReverseParams{ReverseAmount: stripe.Int64(1001)})
	assertStripeError(t, err, 400, "invalid_request_error", "reverse_amount")
	got, err = th.FinalizeAmount(ctx, a.ID, &stripe.TestHelpersIssuingAuthorizationFinalizeAmountParams{FinalAmount: stripe.Int64(950),
		Fuel: &stripe.TestHelpersIssuingAuthorizationFinalizeAmountFuelParams{Type: stripe.String("diesel"), Unit: stripe.String("liter"),
			UnitCostDecimal: stripe.Float64(1.9), QuantityDecimal: stripe.Float64(50)}})
	if err != nil || got.Amount != 950 || got.Fuel == nil || got.Fuel.Type != "diesel" {
		t.Fatalf("finalize: %v %+v", err, got)
	}
	got, err = th.Reverse(ctx, a.ID, nil)
	if err != nil || got.Amount != 0 || got.Status != "reversed" {
		t.Fatalf("full reverse: %v %d %s", err, got.Amount, got.Status)
	}

	// Over-capture (a tip) is the merchant's right.
	b := authorize(t, sc, c.ID, 1000, nil)
	got, err = th.Capture(ctx, b.ID, &stripe.TestHelpersIssuingAuthorizationCaptureParams{CaptureAmount: stripe.Int64(1200),
		PurchaseDetails: &stripe.TestHelpersIssuingAuthorizationCapturePurchaseDetailsParams{Reference: stripe.String("order-7"),
			Receipt: []*stripe.TestHelpersIssuingAuthorizationCapturePurchaseDetailsReceiptParams{{
				Description: stripe.String("Ride"), Quantity: stripe.Float64(1.5), Total: stripe.Int64(1200), UnitCost: stripe.Int64(800)}}}})
	if err != nil || got.Status != "closed" || got.Transactions[0].Amount != -1200 {
		t.Fatalf("over-capture: %v %+v", err, got)
	}
	if pd := got.Transactions[0].PurchaseDetails; pd == nil || pd.Reference != "order-7" || len(pd.Receipt) != 1 || pd.Receipt[0].Quantity != 1.5 {
		t.Errorf("purchase details = %+v", pd)
	}

	// Expire releases what is held.
	x := authorize(t, sc, c.ID, 300, nil)
	if got, err = th.Expire(ctx, x.ID, nil); err != nil || got.Status != "expired" || got.Amount != 0 {
		t.Fatalf("expire: %v %+v", err, got)
	}
	_, err = th.Capture(ctx, x.ID, nil)
	assertStripeError(t, err, 400, "invalid_request_error", "")
}
