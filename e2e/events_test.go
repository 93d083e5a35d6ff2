package e2e

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v85"
)

// listEventTypes pages through an event list with the SDK, limit at a
// time, and returns the types in list order.
func listEventTypes(t *testing.T, e *env, p *stripe.EventListParams, limit int64) []string {
	t.Helper()
	p.Limit = stripe.Int64(limit)
	var types []string
	for ev, err := range e.sdk(e.Key).V1Events.List(context.Background(), p).All(context.Background()) {
		if err != nil {
			t.Fatalf("list events: %v", err)
		}
		types = append(types, string(ev.Type))
	}
	return types
}

// TestEventListFilters lists events by type (exact and with a wildcard),
// by types[], by delivery_success, and in pages.
func TestEventListFilters(t *testing.T) {
	e := newEnv(t, withWebhooks)
	sc := e.sdk(e.Key)
	ctx := context.Background()
	// Card events reach an endpoint that is down; the others have none.
	rcv := newReceiver(t)
	we := newEndpoint(t, e, e.Key, rcv.url("/cards"), "issuing_card.created", "issuing_card.updated")
	rcv.expect("/cards", we.Secret, 500)

	c := newActiveCard(t, sc) // issuing_cardholder.created, issuing_card.created
	newActiveCard(t, sc)
	newToken(t, e, e.Key, c.ID, "") // issuing_token.created
	if _, err := sc.V1IssuingCards.Update(ctx, c.ID, &stripe.IssuingCardUpdateParams{Status: stripe.String("inactive")}); err != nil {
		t.Fatal(err)
	}
	newCardholderEvent(t, e, e.Key)
	poll(t, e, 3) // the card events fail once and stay owed
	all := []string{"issuing_cardholder.created", "issuing_card.updated", "issuing_token.created",
		"issuing_card.created", "issuing_cardholder.created", "issuing_card.created", "issuing_cardholder.created"}

	only := func(types ...string) []string {
		return slices.DeleteFunc(slices.Clone(all), func(s string) bool { return !slices.Contains(types, s) })
	}
	cardEvents := only("issuing_card.created", "issuing_card.updated")
	tests := []struct {
		name   string
		params stripe.EventListParams
		want   []string
	}{
		{"all", stripe.EventListParams{}, all},
		{"exact type", stripe.EventListParams{Type: stripe.String("issuing_cardholder.created")}, only("issuing_cardholder.created")},
		{"wildcard", stripe.EventListParams{Type: stripe.String("issuing_card.*")}, cardEvents},
		{"wider wildcard", stripe.EventListParams{Type: stripe.String("issuing_card*")},
			only("issuing_card.created", "issuing_card.updated", "issuing_cardholder.created")},
		{"star", stripe.EventListParams{Type: stripe.String("*")}, all},
		{"unknown type", stripe.EventListParams{Type: stripe.String("issuing_card")}, nil},
		{"types", stripe.EventListParams{Types: stripe.StringSlice([]string{"issuing_token.created", "issuing_card.updated"})},
			only("issuing_token.created", "issuing_card.updated")},
		{"delivered", stripe.EventListParams{DeliverySuccess: stripe.Bool(true)},
			only("issuing_cardholder.created", "issuing_token.created")},
		{"not delivered", stripe.EventListParams{DeliverySuccess: stripe.Bool(false)}, cardEvents},
		{"wildcard not delivered", stripe.EventListParams{Type: stripe.String("issuing_card*"), DeliverySuccess: stripe.Bool(false)}, cardEvents},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, limit := range []int64{1, 2, 100} {
				p := tc.params
				if got := listEventTypes(t, e, &p, limit); !slices.Equal(got, tc.want) {
					t.Errorf("limit %d: %v, want %v", limit, got, tc.want)
				}
			}
		})
	}

	// Once the endpoint acknowledges, nothing is owed any more.
	rcv.expect("/cards", we.Secret, 200)
	e.Clock.Advance(time.Minute)
	poll(t, e, 3)
	if got := listEventTypes(t, e, &stripe.EventListParams{DeliverySuccess: stripe.Bool(false)}, 10); len(got) != 0 {
		t.Errorf("undelivered after delivery: %v", got)
	}

	// Backwards from a cursor, the page nearest to it.
	r := e.do("GET", "/v1/events", e.Key, "type=issuing_card.*&limit=2")
	var first struct {
		Data    []stripe.Event `json:"data"`
		HasMore bool           `json:"has_more"`
	}
	decode(t, r.Body, &first)
	if len(first.Data) != 2 || !first.HasMore {
		t.Fatalf("first page: %d events, has_more %v", len(first.Data), first.HasMore)
	}
	r = e.do("GET", "/v1/events", e.Key, "type=issuing_card.*&limit=2&starting_after="+first.Data[1].ID)
	var second struct {
		Data    []stripe.Event `json:"data"`
		HasMore bool           `json:"has_more"`
	}
	decode(t, r.Body, &second)
	if len(second.Data) != 1 || second.HasMore || second.Data[0].Type != "issuing_card.created" {
		t.Errorf("second page: %+v", second)
	}
	r = e.do("GET", "/v1/events", e.Key, "type=issuing_card.*&limit=1&ending_before="+second.Data[0].ID)
	if !strings.Contains(string(r.Body), first.Data[1].ID) {
		t.Errorf("ending_before: %s", r.Body)
	}

	// Events are kept 30 days.
	id := first.Data[0].ID
	e.Clock.Advance(31 * 24 * time.Hour)
	if got := listEventTypes(t, e, &stripe.EventListParams{}, 10); len(got) != 0 {
		t.Errorf("events older than 30 days listed: %v", got)
	}
	if r := e.do("GET", "/v1/events/"+id, e.Key, ""); r.Status != 404 {
		t.Errorf("retrieve an event older than 30 days: %d %s", r.Status, r.Body)
	}
}

func TestEventListRejects(t *testing.T) {
	e := newEnv(t)
	many := url.Values{}
	for i := range 21 {
		many.Add("types[]", "issuing_card.created"+strings.Repeat("x", i))
	}
	tests := []struct {
		name, query, param string
	}{
		{"type and types", "type=issuing_card.created&types[]=issuing_card.updated", "types"},
		{"too many types", many.Encode(), "types"},
		{"wildcard inside", "type=*.created", "type"},
		{"two wildcards", "type=issuing_*.*", "type"},
		{"delivery_success not a boolean", "delivery_success=yes", "delivery_success"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := e.do("GET", "/v1/events", e.Key, tc.query)
			var se stripeErr
			decode(t, r.Body, &se)
			if r.Status != 400 || se.Error.Param != tc.param {
				t.Errorf("%d %s, want 400 about %s", r.Status, r.Body, tc.param)
			}
		})
	}
	if r := e.do("GET", "/v1/events", e.Key, url.Values{"types[]": many["types[]"][:20]}.Encode()); r.Status != 200 {
		t.Errorf("20 types: %d %s", r.Status, r.Body)
	}
}
