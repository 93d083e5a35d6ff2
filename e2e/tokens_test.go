package e2e

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v85"
)

// newActiveCard creates a cardholder and an active virtual card.
func newActiveCard(t *testing.T, sc *stripe.Client) *stripe.IssuingCard {
	t.Helper()
	ch := newCardholder(t, sc, "Jenny Rosen")
	c, err := sc.V1IssuingCards.Create(context.Background(), &stripe.IssuingCardCreateParams{
		Cardholder: stripe.String(ch.ID), Currency: stripe.String("usd"),
		Type: stripe.String("virtual"), Status: stripe.String("active")})
	if err != nil {
		t.Fatalf("create card: %v", err)
	}
	return c
}

// newToken provisions a token through our test helper.
func newToken(t *testing.T, e *env, key, cardID, extra string) stripe.IssuingToken {
	t.Helper()
	r := e.do("POST", "/v1/test_helpers/issuing/tokens", key, "card="+cardID+extra)
	if r.Status != 200 {
		t.Fatalf("create token: %d %s", r.Status, r.Body)
	}
	var tok stripe.IssuingToken
	decode(t, r.Body, &tok)
	return tok
}

func TestTokenLifecycleWithSDK(t *testing.T) {
	e := newEnv(t)
	sc := e.sdk(e.Key)
	ctx := context.Background()
	c := newActiveCard(t, sc)

	created := newToken(t, e, e.Key, c.ID, "&wallet_provider=google_pay&device_fingerprint=fp_123&device[name]=Pixel+9")
	if !strings.HasPrefix(created.ID, "intok_") || created.Status != "active" || created.Network != "visa" ||
		created.WalletProvider != "google_pay" || created.DeviceFingerprint != "fp_123" || len(created.Last4) != 4 {
		t.Fatalf("token = %+v", created)
	}
	if created.NetworkData == nil || created.NetworkData.Visa == nil || created.NetworkData.Device.Name != "Pixel 9" {
		t.Errorf("helper response lacks network data: %+v", created.NetworkData)
	}

	tok, err := sc.V1IssuingTokens.Retrieve(ctx, created.ID, nil)
	if err != nil {
		t.Fatalf("retrieve: %v", err)
	}
	if tok.Card.ID != c.ID || tok.NetworkData != nil {
		t.Errorf("retrieve: card %s network_data %+v", tok.Card.ID, tok.NetworkData)
	}
	rp := &stripe.IssuingTokenRetrieveParams{}
	rp.AddExpand("network_data")
	rp.AddExpand("card")
	tok, err = sc.V1IssuingTokens.Retrieve(ctx, created.ID, rp)
	if err != nil {
		t.Fatalf("retrieve expanded: %v", err)
	}
	if tok.NetworkData == nil || tok.NetworkData.Type != "visa" || tok.NetworkData.Visa.TokenRequestorID == "" {
		t.Errorf("network_data = %+v", tok.NetworkData)
	}
	if tok.Card.Cardholder == nil || tok.Card.Cardholder.Name != "Jenny Rosen" {
		t.Errorf("card not expanded: %+v", tok.Card)
	}

	up, err := sc.V1IssuingTokens.Update(ctx, created.ID, &stripe.IssuingTokenUpdateParams{Status: stripe.String("suspended")})
	if err != nil || up.Status != "suspended" {
		t.Fatalf("suspend: %v %+v", err, up)
	}
	if up.NetworkData != nil {
		t.Errorf("update returned network_data without expand")
	}

	// Canceling the card deletes its tokens; an inactive card gets none.
	if _, err := sc.V1IssuingCards.Update(ctx, c.ID, &stripe.IssuingCardUpdateParams{Status: stripe.String("canceled")}); err != nil {
		t.Fatalf("cancel card: %v", err)
	}
	tok, _ = sc.V1IssuingTokens.Retrieve(ctx, created.ID, nil)
	if tok.Status != "deleted" {
		t.Errorf("token of canceled card is %s, want deleted", tok.Status)
	}
	r := e.do("POST", "/v1/test_helpers/issuing/tokens", e.Key, "card="+c.ID)
	if r.Status != 400 {
		t.Errorf("token for canceled card: %d %s", r.Status, r.Body)
	}
	// Test helpers are test mode only.
	live := "sk_live_" + e.Key[len("sk_test_"):]
	r = e.do("POST", "/v1/test_helpers/issuing/tokens", live, "card="+c.ID)
	if r.Status != 400 {
		t.Errorf("live-mode helper: %d %s", r.Status, r.Body)
	}
}

func TestTokenStatusTransitions(t *testing.T) {
	e := newEnv(t)
	sc := e.sdk(e.Key)
	c := newActiveCard(t, sc)
	// setup brings a new token to a status.
	setup := map[string]func(t *testing.T) string{
		"requested": func(t *testing.T) string { return newToken(t, e, e.Key, c.ID, "&status=requested").ID },
		"active":    func(t *testing.T) string { return newToken(t, e, e.Key, c.ID, "").ID },
		"suspended": func(t *testing.T) string {
			id := newToken(t, e, e.Key, c.ID, "").ID
			mustStatus(t, e, id, "suspended")
			return id
		},
		"deleted": func(t *testing.T) string {
			id := newToken(t, e, e.Key, c.ID, "").ID
			mustStatus(t, e, id, "deleted")
			return id
		},
	}
	tests := []struct {
		from, to string
		ok       bool
	}{
		{"requested", "active", false}, {"requested", "suspended", false}, {"requested", "deleted", true}, {"requested", "requested", false},
		{"active", "active", true}, {"active", "suspended", true}, {"active", "deleted", true}, {"active", "requested", false},
		{"suspended", "active", true}, {"suspended", "suspended", true}, {"suspended", "deleted", true}, {"suspended", "requested", false},
		{"deleted", "active", false}, {"deleted", "suspended", false}, {"deleted", "deleted", false}, {"deleted", "requested", false},
	}
	for _, tc := range tests {
		t.Run(tc.from+"->"+tc.to, func(t *testing.T) {
			id := setup[tc.from](t)
			events := countEvents(t, e, "issuing_token.updated")
			r := e.do("POST", "/v1/issuing/tokens/"+id, e.Key, "status="+tc.to)
			if tc.ok != (r.Status == 200) {
				t.Fatalf("status %d, want ok=%v: %s", r.Status, tc.ok, r.Body)
			}
			var tok stripe.IssuingToken
			got := e.do("GET", "/v1/issuing/tokens/"+id, e.Key, "")
			decode(t, got.Body, &tok)
			wantStatus, wantEvents := tc.from, events
			if tc.ok {
				wantStatus = tc.to
				if tc.from != tc.to {
					wantEvents++
				}
			} else {
				var se stripeErr
				decode(t, r.Body, &se)
				if r.Status != 400 || se.Error.Param != "status" || se.Error.Message == "" {
					t.Errorf("refusal = %d %+v", r.Status, se.Error)
				}
			}
			if string(tok.Status) != wantStatus {
				t.Errorf("token status %s, want %s", tok.Status, wantStatus)
			}
			if n := countEvents(t, e, "issuing_token.updated"); n != wantEvents {
				t.Errorf("issuing_token.updated events = %d, want %d", n, wantEvents)
			}
		})
	}
	// The network's side: activate finishes provisioning, delete ends any
	// live token.
	id := newToken(t, e, e.Key, c.ID, "&status=requested").ID
	if r := e.do("POST", "/v1/test_helpers/issuing/tokens/"+id+"/activate", e.Key, ""); r.Status != 200 || !strings.Contains(string(r.Body), `"status": "active"`) {
		t.Errorf("activate: %d %s", r.Status, r.Body)
	}
	if r := e.do("POST", "/v1/test_helpers/issuing/tokens/"+id+"/activate", e.Key, ""); r.Status != 400 {
		t.Errorf("activate active token: %d %s", r.Status, r.Body)
	}
	if r := e.do("POST", "/v1/test_helpers/issuing/tokens/"+id+"/delete", e.Key, ""); r.Status != 200 || !strings.Contains(string(r.Body), `"status": "deleted"`) {
		t.Errorf("network delete: %d %s", r.Status, r.Body)
	}
}

func mustStatus(t *testing.T, e *env, id, status string) {
	t.Helper()
	if r := e.do("POST", "/v1/issuing/tokens/"+id, e.Key, "status="+status); r.Status != 200 {
		t.Fatalf("set %s: %d %s", status, r.Status, r.Body)
	}
}

// countEvents counts the account's stored events of a type.
func countEvents(t *testing.T, e *env, typ string) int {
	t.Helper()
	n := 0
	for ev, err := range e.sdk(e.Key).V1Events.List(context.Background(), &stripe.EventListParams{Type: stripe.String(typ),
		ListParams: stripe.ListParams{Limit: stripe.Int64(100)}}).All(context.Background()) {
		if err != nil {
			t.Fatalf("list events: %v", err)
		}
		if string(ev.Type) == typ {
			n++
		}
	}
	return n
}

func TestTokenPagination(t *testing.T) {
	e := newEnv(t)
	sc := e.sdk(e.Key)
	ctx := context.Background()
	c := newActiveCard(t, sc)
	other := newActiveCard(t, sc)
	var ids []string // oldest first
	for i := 0; i < 250; i++ {
		extra := ""
		if i%5 == 0 {
			extra = "&status=requested"
		}
		ids = append(ids, newToken(t, e, e.Key, c.ID, extra).ID)
		if i%10 == 0 {
			newToken(t, e, e.Key, other.ID, "") // another card's tokens interleaved
			e.Clock.Advance(time.Second)
		}
	}
	// Another account's tokens on its own card.
	otherKey := "sk_test_other" + e.Key[len("sk_test_"):]
	oc := newActiveCard(t, e.sdk(otherKey))
	newToken(t, e, otherKey, oc.ID, "")

	newestFirst := slices.Clone(ids)
	slices.Reverse(newestFirst)
	walk := func(p *stripe.IssuingTokenListParams) []string {
		var got []string
		for tok, err := range sc.V1IssuingTokens.List(ctx, p).All(ctx) {
			if err != nil {
				t.Fatalf("list: %v", err)
			}
			if tok.Card.ID != c.ID {
				t.Fatalf("token %s of card %s in the list of %s", tok.ID, tok.Card.ID, c.ID)
			}
			got = append(got, tok.ID)
		}
		return got
	}
	forward := walk(&stripe.IssuingTokenListParams{Card: stripe.String(c.ID), ListParams: stripe.ListParams{Limit: stripe.Int64(7)}})
	if !slices.Equal(forward, newestFirst) {
		t.Errorf("forward walk: %d tokens, want %d in order", len(forward), len(newestFirst))
	}
	backward := walk(&stripe.IssuingTokenListParams{Card: stripe.String(c.ID),
		ListParams: stripe.ListParams{Limit: stripe.Int64(9), EndingBefore: stripe.String(ids[0])}})
	if !slices.Equal(backward, ids[1:]) {
		t.Errorf("backward walk: %d tokens, want %d oldest-to-newest", len(backward), len(ids)-1)
	}

	// Filters combined with paging.
	var requested []string
	for i, id := range newestFirst {
		if (len(ids)-1-i)%5 == 0 {
			requested = append(requested, id)
		}
	}
	got := walk(&stripe.IssuingTokenListParams{Card: stripe.String(c.ID), Status: stripe.String("requested"),
		ListParams: stripe.ListParams{Limit: stripe.Int64(3)}})
	if !slices.Equal(got, requested) {
		t.Errorf("status filter: %d tokens, want %d", len(got), len(requested))
	}
	start := e.Clock.Now().Add(-10 * time.Second).Unix()
	var recent []string
	for tok, err := range sc.V1IssuingTokens.List(ctx, &stripe.IssuingTokenListParams{Card: stripe.String(c.ID),
		CreatedRange: &stripe.RangeQueryParams{GreaterThanOrEqual: start}, ListParams: stripe.ListParams{Limit: stripe.Int64(4)}}).All(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		if tok.Created < start {
			t.Errorf("created filter let %d through (gte %d)", tok.Created, start)
		}
		recent = append(recent, tok.ID)
	}
	if len(recent) == 0 || len(recent) == len(ids) {
		t.Errorf("created filter returned %d of %d", len(recent), len(ids))
	}

	// Other accounts see nothing of this card.
	r := e.do("GET", "/v1/issuing/tokens", otherKey, "card="+c.ID)
	if r.Status != 404 {
		t.Errorf("other account lists this card's tokens: %d", r.Status)
	}
	if r := e.do("GET", "/v1/issuing/tokens/"+ids[0], otherKey, ""); r.Status != 404 {
		t.Errorf("other account retrieves a token: %d", r.Status)
	}
	if r := e.do("GET", "/v1/issuing/tokens", e.Key, ""); r.Status != 400 {
		t.Errorf("list without card: %d %s", r.Status, r.Body)
	}
}

func TestTokenNetworkDataWindow(t *testing.T) {
	e := newEnv(t)
	sc := e.sdk(e.Key)
	c := newActiveCard(t, sc)
	id := newToken(t, e, e.Key, c.ID, "").ID
	tests := []struct {
		age  time.Duration
		want bool
	}{
		{0, true},
		{23*time.Hour + 59*time.Minute, true},
		{time.Minute, false}, // now exactly 24 h
		{time.Hour, false},
	}
	for _, tc := range tests {
		e.Clock.Advance(tc.age)
		for _, call := range []struct{ method, body string }{{"GET", "expand[]=network_data"}, {"POST", "status=active&expand[]=network_data"}} {
			r := e.do(call.method, "/v1/issuing/tokens/"+id, e.Key, call.body)
			if has := strings.Contains(string(r.Body), `"network_data"`); has != tc.want {
				t.Errorf("%s at %v after creation: network_data present=%v, want %v", call.method, e.Clock.Now().Sub(time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)), has, tc.want)
			}
		}
	}
	// Lists never carry it.
	r := e.do("GET", "/v1/issuing/tokens", e.Key, "card="+c.ID+"&expand[]=data.network_data")
	if strings.Contains(string(r.Body), `"network_data"`) {
		t.Errorf("list shows network_data: %s", r.Body)
	}
}

func TestShippingHelpers(t *testing.T) {
	e := newEnv(t)
	sc := e.sdk(e.Key)
	ctx := context.Background()
	ch := newCardholder(t, sc, "Jenny Rosen")
	newPhysical := func(t *testing.T) string {
		c, err := sc.V1IssuingCards.Create(ctx, &stripe.IssuingCardCreateParams{
			Cardholder: stripe.String(ch.ID), Currency: stripe.String("usd"), Type: stripe.String("physical"),
			Shipping: &stripe.IssuingCardCreateShippingParams{Name: stripe.String("Jenny Rosen"), Service: stripe.String("express"),
				Address: &stripe.AddressParams{Line1: stripe.String("1 Main St"), City: stripe.String("San Francisco"),
					PostalCode: stripe.String("94111"), Country: stripe.String("US")}}})
		if err != nil {
			t.Fatalf("create physical card: %v", err)
		}
		return c.ID
	}
	// paths from pending to each shipping status.
	reach := map[string][]string{
		"pending":   {},
		"submitted": {"submit"},
		"shipped":   {"ship"},
		"delivered": {"ship", "deliver"},
		"returned":  {"ship", "return"},
		"failure":   {"fail"},
		"canceled":  {"cancel"},
	}
	allowed := map[string][]string{
		"submit":  {"pending"},
		"ship":    {"pending", "submitted"},
		"deliver": {"shipped"},
		"fail":    {"pending", "submitted", "shipped"},
		"return":  {"shipped", "delivered"},
	}
	want := map[string]string{"submit": "submitted", "ship": "shipped", "deliver": "delivered", "fail": "failure", "return": "returned"}
	do := func(id, step string) (*stripe.IssuingCard, error) {
		switch step {
		case "submit":
			return sc.V1TestHelpersIssuingCards.SubmitCard(ctx, id, nil)
		case "ship":
			return sc.V1TestHelpersIssuingCards.ShipCard(ctx, id, nil)
		case "deliver":
			return sc.V1TestHelpersIssuingCards.DeliverCard(ctx, id, nil)
		case "fail":
			return sc.V1TestHelpersIssuingCards.FailCard(ctx, id, nil)
		case "return":
			return sc.V1TestHelpersIssuingCards.ReturnCard(ctx, id, nil)
		case "cancel":
			return sc.V1IssuingCards.Update(ctx, id, &stripe.IssuingCardUpdateParams{Status: stripe.String("canceled")})
		}
		return nil, fmt.Errorf("unknown step %s", step)
	}
	for state, path := range reach {
		for step, from := range allowed {
			t.Run(state+"/"+step, func(t *testing.T) {
				id := newPhysical(t)
				for _, s := range path {
					if _, err := do(id, s); err != nil {
						t.Fatalf("reach %s via %s: %v", state, s, err)
					}
				}
				got, err := do(id, step)
				if !slices.Contains(from, state) {
					assertStripeError(t, err, 400, "invalid_request_error", "card")
					return
				}
				if err != nil {
					t.Fatalf("%s from %s: %v", step, state, err)
				}
				if string(got.Shipping.Status) != want[step] {
					t.Errorf("%s from %s: shipping status %s, want %s", step, state, got.Shipping.Status, want[step])
				}
				if step == "ship" && (got.Shipping.Carrier == "" || got.Shipping.TrackingNumber == "" || got.Shipping.ETA <= e.Clock.Now().Unix()) {
					t.Errorf("shipped card lacks carrier/tracking/eta: %+v", got.Shipping)
				}
			})
		}
	}
	// Virtual cards have nothing to ship.
	v := newActiveCard(t, sc)
	_, err := sc.V1TestHelpersIssuingCards.ShipCard(ctx, v.ID, nil)
	assertStripeError(t, err, 400, "invalid_request_error", "card")
}
