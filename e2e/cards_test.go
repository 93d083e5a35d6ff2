package e2e

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stripe/stripe-go/v85"
)

func newCardholder(t *testing.T, sc *stripe.Client, name string) *stripe.IssuingCardholder {
	t.Helper()
	ch, err := sc.V1IssuingCardholders.Create(context.Background(), &stripe.IssuingCardholderCreateParams{
		Name:        stripe.String(name),
		Email:       stripe.String("jenny@example.com"),
		PhoneNumber: stripe.String("+18008675309"),
		Billing: &stripe.IssuingCardholderCreateBillingParams{Address: &stripe.AddressParams{
			Line1: stripe.String("1 Main St"), City: stripe.String("San Francisco"),
			PostalCode: stripe.String("94111"), Country: stripe.String("US"), State: stripe.String("CA"),
		}},
	})
	if err != nil {
		t.Fatalf("create cardholder: %v", err)
	}
	return ch
}

func TestCardholderAndCardLifecycleWithSDK(t *testing.T) {
	e := newEnv(t)
	sc := e.sdk(e.Key)
	ctx := context.Background()

	ch := newCardholder(t, sc, "Jenny Rosen")
	if !strings.HasPrefix(ch.ID, "ich_") || ch.Status != "active" || ch.Type != "individual" || ch.Livemode {
		t.Fatalf("cardholder = %+v", ch)
	}
	if ch.PhoneNumber != "+18008675309" || ch.Billing.Address.City != "San Francisco" {
		t.Errorf("cardholder fields not kept: %+v", ch)
	}

	params := &stripe.IssuingCardCreateParams{
		Cardholder: stripe.String(ch.ID),
		Currency:   stripe.String("usd"),
		Type:       stripe.String("virtual"),
		Status:     stripe.String("active"),
	}
	params.AddMetadata("order", "6735")
	c, err := sc.V1IssuingCards.Create(ctx, params)
	if err != nil {
		t.Fatalf("create card: %v", err)
	}
	if !strings.HasPrefix(c.ID, "ic_") || c.Cardholder.ID != ch.ID || c.Cardholder.Name != "Jenny Rosen" {
		t.Fatalf("card = %+v", c)
	}
	if c.Status != "active" || c.Brand != "Visa" || len(c.Last4) != 4 || c.ExpYear < 2029 || c.Metadata["order"] != "6735" {
		t.Errorf("card fields = status %s brand %s last4 %q exp %d/%d metadata %v", c.Status, c.Brand, c.Last4, c.ExpMonth, c.ExpYear, c.Metadata)
	}
	if c.Number != "" || c.CVC != "" {
		t.Errorf("create revealed number/cvc")
	}
	if !c.Wallets.ApplePay.Eligible {
		t.Errorf("wallets = %+v, want eligible (cardholder has email and phone)", c.Wallets)
	}

	// number and cvc only through expand on retrieve.
	plain, err := sc.V1IssuingCards.Retrieve(ctx, c.ID, nil)
	if err != nil || plain.Number != "" {
		t.Fatalf("retrieve: %v, number %q", err, plain.Number)
	}
	rp := &stripe.IssuingCardRetrieveParams{}
	rp.AddExpand("number")
	rp.AddExpand("cvc")
	full, err := sc.V1IssuingCards.Retrieve(ctx, c.ID, rp)
	if err != nil {
		t.Fatalf("retrieve expanded: %v", err)
	}
	if len(full.Number) != 16 || !strings.HasSuffix(full.Number, c.Last4) || len(full.CVC) != 3 {
		t.Errorf("expanded number %q cvc %q", full.Number, full.CVC)
	}

	// Update: suspend, metadata unset, then cancel; canceled is final.
	up := &stripe.IssuingCardUpdateParams{Status: stripe.String("inactive")}
	up.AddMetadata("order", "")
	up.AddMetadata("team", "growth")
	c2, err := sc.V1IssuingCards.Update(ctx, c.ID, up)
	if err != nil {
		t.Fatalf("update: %v", err)
	}
	if c2.Status != "inactive" || len(c2.Metadata) != 1 || c2.Metadata["team"] != "growth" {
		t.Errorf("after update: status %s metadata %v", c2.Status, c2.Metadata)
	}
	c3, err := sc.V1IssuingCards.Update(ctx, c.ID, &stripe.IssuingCardUpdateParams{
		Status: stripe.String("canceled"), CancellationReason: stripe.String("lost")})
	if err != nil {
		t.Fatalf("cancel: %v", err)
	}
	if c3.Status != "canceled" || c3.CancellationReason != "lost" {
		t.Errorf("after cancel: %s %s", c3.Status, c3.CancellationReason)
	}
	_, err = sc.V1IssuingCards.Update(ctx, c.ID, &stripe.IssuingCardUpdateParams{Status: stripe.String("active")})
	assertStripeError(t, err, 400, "invalid_request_error", "status")

	// Restart: everything is still there.
	e.restart()
	sc = e.sdk(e.Key)
	again, err := sc.V1IssuingCards.Retrieve(ctx, c.ID, nil)
	if err != nil {
		t.Fatalf("retrieve after restart: %v", err)
	}
	if again.Status != "canceled" || again.Cardholder.ID != ch.ID || again.Metadata["team"] != "growth" {
		t.Errorf("after restart: %+v", again)
	}
	if _, err := sc.V1IssuingCardholders.Retrieve(ctx, ch.ID, nil); err != nil {
		t.Errorf("cardholder after restart: %v", err)
	}
}

func TestPhysicalCardShippingDefaults(t *testing.T) {
	e := newEnv(t)
	sc := e.sdk(e.Key)
	ch := newCardholder(t, sc, "Jenny Rosen")
	c, err := sc.V1IssuingCards.Create(context.Background(), &stripe.IssuingCardCreateParams{
		Cardholder: stripe.String(ch.ID), Currency: stripe.String("usd"), Type: stripe.String("physical"),
		Shipping: &stripe.IssuingCardCreateShippingParams{
			Name: stripe.String("Jenny Rosen"),
			Address: &stripe.AddressParams{Line1: stripe.String("1 Main St"), City: stripe.String("San Francisco"),
				PostalCode: stripe.String("94111"), Country: stripe.String("US")},
		},
	})
	if err != nil {
		t.Fatalf("create physical card: %v", err)
	}
	if c.Status != "inactive" || c.Shipping == nil || c.Shipping.Status != "pending" ||
		c.Shipping.Service != "standard" || c.Shipping.Type != "individual" {
		t.Fatalf("physical card = status %s shipping %+v", c.Status, c.Shipping)
	}
	rp := &stripe.IssuingCardRetrieveParams{}
	rp.AddExpand("number")
	got, err := sc.V1IssuingCards.Retrieve(context.Background(), c.ID, rp)
	if err != nil || got.Number != "" {
		t.Errorf("physical card number revealed: %q (%v)", got.Number, err)
	}
	// A physical card needs somewhere to go.
	_, err = sc.V1IssuingCards.Create(context.Background(), &stripe.IssuingCardCreateParams{
		Cardholder: stripe.String(ch.ID), Currency: stripe.String("usd"), Type: stripe.String("physical")})
	assertStripeError(t, err, 400, "invalid_request_error", "shipping")
}

func TestListCardsAndCardholdersWithFilters(t *testing.T) {
	e := newEnv(t)
	sc := e.sdk(e.Key)
	ctx := context.Background()
	a := newCardholder(t, sc, "Ada Lovelace")
	b := newCardholder(t, sc, "Grace Hopper")
	var want []string
	for i := 0; i < 25; i++ {
		holder := a
		status := "active"
		if i%2 == 1 {
			holder, status = b, "inactive"
		}
		c, err := sc.V1IssuingCards.Create(ctx, &stripe.IssuingCardCreateParams{Cardholder: stripe.String(holder.ID),
			Currency: stripe.String("usd"), Type: stripe.String("virtual"), Status: stripe.String(status)})
		if err != nil {
			t.Fatalf("create card %d: %v", i, err)
		}
		if holder == a {
			want = append([]string{c.ID}, want...) // newest first
		}
		e.Clock.Advance(1e9)
	}
	lp := &stripe.IssuingCardListParams{Cardholder: stripe.String(a.ID)}
	lp.Limit = stripe.Int64(4)
	var got []string
	for c, err := range sc.V1IssuingCards.List(ctx, lp).All(ctx) {
		if err != nil {
			t.Fatalf("list: %v", err)
		}
		if c.Cardholder.ID != a.ID || c.Status != "active" {
			t.Errorf("card %s of %s status %s in a's list", c.ID, c.Cardholder.ID, c.Status)
		}
		got = append(got, c.ID)
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("walked %d cards %v, want %d %v", len(got), got, len(want), want)
	}

	inactive := 0
	for c, err := range sc.V1IssuingCards.List(ctx, &stripe.IssuingCardListParams{Status: stripe.String("inactive")}).All(ctx) {
		if err != nil {
			t.Fatalf("list inactive: %v", err)
		}
		if c.Status != "inactive" {
			t.Errorf("status filter let %s through", c.Status)
		}
		inactive++
	}
	if inactive != 12 {
		t.Errorf("inactive cards = %d, want 12", inactive)
	}

	n := 0
	for h, err := range sc.V1IssuingCardholders.List(ctx, &stripe.IssuingCardholderListParams{}).All(ctx) {
		if err != nil {
			t.Fatalf("list cardholders: %v", err)
		}
		if n == 0 && h.ID != b.ID {
			t.Errorf("newest cardholder first: got %s want %s", h.ID, b.ID)
		}
		n++
	}
	if n != 2 {
		t.Errorf("cardholders = %d, want 2", n)
	}
}

func TestAccountsAreIsolated(t *testing.T) {
	e := newEnv(t)
	mine := e.sdk(e.Key)
	other := e.sdk("sk_test_someoneelse0000000000")
	ch := newCardholder(t, mine, "Jenny Rosen")
	_, err := other.V1IssuingCardholders.Retrieve(context.Background(), ch.ID, nil)
	assertStripeError(t, err, 404, "invalid_request_error", "id")
	_, err = other.V1IssuingCards.Create(context.Background(), &stripe.IssuingCardCreateParams{
		Cardholder: stripe.String(ch.ID), Currency: stripe.String("usd"), Type: stripe.String("virtual")})
	assertStripeError(t, err, 404, "invalid_request_error", "cardholder")
	for h, err := range other.V1IssuingCardholders.List(context.Background(), &stripe.IssuingCardholderListParams{}).All(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		t.Errorf("other account sees cardholder %s", h.ID)
	}

	// Live-mode keys see live-mode objects only.
	live := e.sdk("sk_live_" + e.Key[len("sk_test_"):])
	lch := newCardholder(t, live, "Live Person")
	if !lch.Livemode {
		t.Errorf("cardholder made with a live key has livemode false")
	}
	_, err = mine.V1IssuingCardholders.Retrieve(context.Background(), lch.ID, nil)
	assertStripeError(t, err, 404, "invalid_request_error", "id")
}

// assertStripeError checks that err is a Stripe API error with the given
// status, type and param.
func assertStripeError(t *testing.T, err error, status int, typ, param string) {
	t.Helper()
	se, ok := err.(*stripe.Error)
	if !ok {
		t.Fatalf("err = %v (%T), want *stripe.Error %d %s", err, err, status, typ)
	}
	if se.HTTPStatusCode != status || string(se.Type) != typ || se.Param != param {
		t.Errorf("error = %d %s param %q (%s), want %d %s param %q", se.HTTPStatusCode, se.Type, se.Param, se.Msg, status, typ, param)
	}
	if se.RequestID == "" {
		t.Errorf("error has no request id")
	}
}

// decode unmarshals a JSON body into v.
func decode(t *testing.T, body []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
}
