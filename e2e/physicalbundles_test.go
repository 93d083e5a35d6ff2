package e2e

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/stripe/stripe-go/v85"
)

// bundleOf returns the account's physical bundle of a type and status.
func bundleOf(t *testing.T, sc *stripe.Client, typ, status string) *stripe.IssuingPhysicalBundle {
	t.Helper()
	ctx := context.Background()
	for b, err := range sc.V1IssuingPhysicalBundles.List(ctx, &stripe.IssuingPhysicalBundleListParams{
		Type: stripe.String(typ), Status: stripe.String(status)}).All(ctx) {
		if err != nil {
			t.Fatalf("list physical bundles: %v", err)
		}
		return b
	}
	t.Fatalf("no %s physical bundle in status %s", typ, status)
	return nil
}

func TestPhysicalBundleCatalogue(t *testing.T) {
	e := newEnv(t)
	sc := e.sdk(e.Key)
	ctx := context.Background()
	list := func(p *stripe.IssuingPhysicalBundleListParams) []*stripe.IssuingPhysicalBundle {
		t.Helper()
		var got []*stripe.IssuingPhysicalBundle
		for b, err := range sc.V1IssuingPhysicalBundles.List(ctx, p).All(ctx) {
			if err != nil {
				t.Fatalf("list: %v", err)
			}
			got = append(got, b)
		}
		return got
	}
	all := list(&stripe.IssuingPhysicalBundleListParams{})
	if len(all) < 3 {
		t.Fatalf("catalogue has %d bundles, want at least 3", len(all))
	}
	ids := make([]string, len(all))
	for i, b := range all {
		ids[i] = b.ID
		if !strings.HasPrefix(b.ID, "ics_") || len(b.ID) != len("ics_")+14 || b.Livemode || b.Name == "" || b.Features == nil {
			t.Errorf("bundle = %+v", b)
		}
		got, err := sc.V1IssuingPhysicalBundles.Retrieve(ctx, b.ID, nil)
		if err != nil || got.ID != b.ID || got.Status != b.Status || *got.Features != *b.Features {
			t.Errorf("retrieve %s: %+v, %v", b.ID, got, err)
		}
	}
	standard := bundleOf(t, sc, "standard", "active")
	if f := standard.Features; f.CardLogo != "optional" || f.CarrierText != "optional" || f.SecondLine != "optional" {
		t.Errorf("standard bundle features = %+v, want all optional", f)
	}

	filters := []struct {
		name   string
		params *stripe.IssuingPhysicalBundleListParams
		keep   func(*stripe.IssuingPhysicalBundle) bool
	}{
		{"status active", &stripe.IssuingPhysicalBundleListParams{Status: stripe.String("active")},
			func(b *stripe.IssuingPhysicalBundle) bool { return b.Status == "active" }},
		{"status inactive", &stripe.IssuingPhysicalBundleListParams{Status: stripe.String("inactive")},
			func(b *stripe.IssuingPhysicalBundle) bool { return b.Status == "inactive" }},
		{"type custom", &stripe.IssuingPhysicalBundleListParams{Type: stripe.String("custom")},
			func(b *stripe.IssuingPhysicalBundle) bool { return b.Type == "custom" }},
		{"type standard and active", &stripe.IssuingPhysicalBundleListParams{Type: stripe.String("standard"), Status: stripe.String("active")},
			func(b *stripe.IssuingPhysicalBundle) bool { return b.Type == "standard" && b.Status == "active" }},
		{"pages of one", &stripe.IssuingPhysicalBundleListParams{ListParams: stripe.ListParams{Limit: stripe.Int64(1)}},
			func(*stripe.IssuingPhysicalBundle) bool { return true }},
		{"backward from the last", &stripe.IssuingPhysicalBundleListParams{
			ListParams: stripe.ListParams{Limit: stripe.Int64(2), EndingBefore: stripe.String(ids[len(ids)-1])}},
			func(b *stripe.IssuingPhysicalBundle) bool { return b.ID != ids[len(ids)-1] }},
	}
	for _, tc := range filters {
		t.Run(tc.name, func(t *testing.T) {
			var want []string
			for _, b := range all {
				if tc.keep(b) {
					want = append(want, b.ID)
				}
			}
			var got []string
			for _, b := range list(tc.params) {
				got = append(got, b.ID)
			}
			if tc.params.EndingBefore != nil {
				slices.Reverse(got) // the SDK walks backward page by page
			}
			if len(want) == 0 || !slices.Equal(got, want) {
				t.Errorf("got %v, want %v", got, want)
			}
		})
	}

	// One page at a time, raw: has_more and the cursor rules.
	r := e.do("GET", "/v1/issuing/physical_bundles", e.Key, "limit=1")
	var page struct {
		Data    []stripe.IssuingPhysicalBundle `json:"data"`
		HasMore bool                           `json:"has_more"`
		URL     string                         `json:"url"`
	}
	decode(t, r.Body, &page)
	if r.Status != 200 || len(page.Data) != 1 || !page.HasMore || page.URL != "/v1/issuing/physical_bundles" {
		t.Errorf("first page: %d %s", r.Status, r.Body)
	}
	r = e.do("GET", "/v1/issuing/physical_bundles", e.Key, "starting_after="+ids[len(ids)-1])
	decode(t, r.Body, &page)
	if r.Status != 200 || len(page.Data) != 0 || page.HasMore {
		t.Errorf("after the last: %d %s", r.Status, r.Body)
	}
	for _, q := range []struct{ query, param string }{
		{"starting_after=ics_unknown", "starting_after"},
		{"ending_before=ics_unknown", "ending_before"},
	} {
		r := e.do("GET", "/v1/issuing/physical_bundles", e.Key, q.query)
		var se stripeErr
		decode(t, r.Body, &se)
		if r.Status != 404 || se.Error.Param != q.param {
			t.Errorf("%s: %d %s", q.query, r.Status, r.Body)
		}
	}
	for _, q := range []string{"limit=0", "limit=101", "starting_after=" + ids[0] + "&ending_before=" + ids[1], "status=retired"} {
		if r := e.do("GET", "/v1/issuing/physical_bundles", e.Key, q); r.Status != 400 {
			t.Errorf("%s: %d %s", q, r.Status, r.Body)
		}
	}

	// Every account has the catalogue under ids of its own; live-mode keys
	// see live-mode bundles.
	otherKey := "sk_test_other" + e.Key[len("sk_test_"):]
	_, err := e.sdk(otherKey).V1IssuingPhysicalBundles.Retrieve(ctx, ids[0], nil)
	assertStripeError(t, err, 404, "invalid_request_error", "physical_bundle")
	liveStandard := bundleOf(t, e.sdk("sk_live_"+e.Key[len("sk_test_"):]), "standard", "active")
	if !liveStandard.Livemode || liveStandard.ID == standard.ID || liveStandard.Name != standard.Name {
		t.Errorf("live bundle = %+v, test bundle = %+v", liveStandard, standard)
	}
}
