package e2e

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stripe/stripe-go/v85"
)

// newDesign creates a design on the account's standard bundle; p may set
// more fields.
func newDesign(t *testing.T, sc *stripe.Client, p *stripe.IssuingPersonalizationDesignCreateParams) *stripe.IssuingPersonalizationDesign {
	t.Helper()
	if p == nil {
		p = &stripe.IssuingPersonalizationDesignCreateParams{}
	}
	if p.PhysicalBundle == nil {
		p.PhysicalBundle = stripe.String(bundleOf(t, sc, "standard", "active").ID)
	}
	d, err := sc.V1IssuingPersonalizationDesigns.Create(context.Background(), p)
	if err != nil {
		t.Fatalf("create design: %v", err)
	}
	return d
}

// latestEvent returns the account's newest event of a type.
func latestEvent(t *testing.T, sc *stripe.Client, typ string) *stripe.Event {
	t.Helper()
	ctx := context.Background()
	for ev, err := range sc.V1Events.List(ctx, &stripe.EventListParams{Type: stripe.String(typ)}).All(ctx) {
		if err != nil {
			t.Fatalf("list events: %v", err)
		}
		return ev
	}
	t.Fatalf("no %s event", typ)
	return nil
}

func TestDesignLifecycleWithSDK(t *testing.T) {
	e := newEnv(t)
	sc := e.sdk(e.Key)
	ctx := context.Background()
	standard := bundleOf(t, sc, "standard", "active")

	p := &stripe.IssuingPersonalizationDesignCreateParams{
		PhysicalBundle: stripe.String(standard.ID),
		CardLogo:       stripe.String("file_1Pc2yLB7WZ01zgkWhBGwKlAJ"),
		CarrierText: &stripe.IssuingPersonalizationDesignCreateCarrierTextParams{
			HeaderTitle: stripe.String("Welcome"), HeaderBody: stripe.String("Your new card"),
			FooterTitle: stripe.String("Questions?"), FooterBody: stripe.String("Call us"),
		},
		LookupKey:   stripe.String("standard_v1"),
		Name:        stripe.String("Standard V1"),
		Preferences: &stripe.IssuingPersonalizationDesignCreatePreferencesParams{IsDefault: stripe.Bool(true)},
	}
	p.AddMetadata("team", "cards")
	d, err := sc.V1IssuingPersonalizationDesigns.Create(ctx, p)
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if !strings.HasPrefix(d.ID, "ipcd_") || len(d.ID) != len("ipcd_")+14 || d.Status != "review" || d.Livemode {
		t.Fatalf("design = %+v", d)
	}
	if d.CardLogo.ID != "file_1Pc2yLB7WZ01zgkWhBGwKlAJ" || d.CarrierText.HeaderTitle != "Welcome" || d.CarrierText.FooterBody != "Call us" ||
		d.LookupKey != "standard_v1" || d.Name != "Standard V1" || !d.Preferences.IsDefault || d.Metadata["team"] != "cards" ||
		d.PhysicalBundle.ID != standard.ID || len(d.RejectionReasons.CardLogo) != 0 {
		t.Errorf("fields not kept: %+v", d)
	}
	if n := countEvents(t, e, "issuing_personalization_design.updated"); n != 0 {
		t.Errorf("create recorded %d updated events", n)
	}

	rp := &stripe.IssuingPersonalizationDesignRetrieveParams{}
	rp.AddExpand("physical_bundle")
	got, err := sc.V1IssuingPersonalizationDesigns.Retrieve(ctx, d.ID, rp)
	if err != nil {
		t.Fatalf("retrieve: %v", err)
	}
	if got.PhysicalBundle.Name != standard.Name || got.PhysicalBundle.Features.CardLogo != "optional" {
		t.Errorf("physical_bundle not expanded: %+v", got.PhysicalBundle)
	}
	// Files are not stored here: an expanded card_logo stays an id.
	if r := e.do("GET", "/v1/issuing/personalization_designs/"+d.ID, e.Key, "expand[]=card_logo"); r.Status != 200 ||
		!strings.Contains(string(r.Body), `"card_logo": "file_1Pc2yLB7WZ01zgkWhBGwKlAJ"`) {
		t.Errorf("expand card_logo: %d %s", r.Status, r.Body)
	}

	// "" clears what the schema lets it clear; metadata merges.
	up := &stripe.IssuingPersonalizationDesignUpdateParams{
		CarrierText: &stripe.IssuingPersonalizationDesignUpdateCarrierTextParams{HeaderTitle: stripe.String("Hello")},
	}
	up.CarrierText.AddUnsetField(stripe.IssuingPersonalizationDesignUpdateCarrierTextParamsUnsetFieldFooterBody)
	up.AddUnsetField(stripe.IssuingPersonalizationDesignUpdateParamsUnsetFieldName)
	up.AddUnsetField(stripe.IssuingPersonalizationDesignUpdateParamsUnsetFieldCardLogo)
	up.AddMetadata("team", "")
	up.AddMetadata("tier", "gold")
	d, err = sc.V1IssuingPersonalizationDesigns.Update(ctx, d.ID, up)
	if err != nil {
		t.Fatalf("update: %v", err)
	}
	if d.Name != "" || d.CardLogo != nil || d.CarrierText.HeaderTitle != "Hello" || d.CarrierText.FooterBody != "" ||
		d.CarrierText.HeaderBody != "Your new card" || d.Metadata["tier"] != "gold" || len(d.Metadata) != 1 || d.Status != "review" {
		t.Errorf("after update: %+v", d)
	}
	ev := latestEvent(t, sc, "issuing_personalization_design.updated")
	prev := ev.Data.PreviousAttributes
	if prev["name"] != "Standard V1" || prev["card_logo"] != "file_1Pc2yLB7WZ01zgkWhBGwKlAJ" || ev.Data.Object["id"] != d.ID {
		t.Errorf("updated event previous_attributes = %v", prev)
	}
	r := e.do("POST", "/v1/issuing/personalization_designs/"+d.ID, e.Key, "carrier_text=")
	var raw map[string]any
	decode(t, r.Body, &raw)
	if ct, _ := raw["carrier_text"].(map[string]any); r.Status != 200 || ct["header_title"] != nil || ct["header_body"] != nil {
		t.Errorf("carrier_text= : %d %s", r.Status, r.Body)
	}
	// An update that changes nothing records nothing.
	before := countEvents(t, e, "issuing_personalization_design.updated")
	if _, err := sc.V1IssuingPersonalizationDesigns.Update(ctx, d.ID, &stripe.IssuingPersonalizationDesignUpdateParams{
		LookupKey: stripe.String("standard_v1")}); err != nil {
		t.Fatalf("no-op update: %v", err)
	}
	if n := countEvents(t, e, "issuing_personalization_design.updated"); n != before {
		t.Errorf("no-op update recorded an event (%d -> %d)", before, n)
	}
}

func TestDesignBundleRules(t *testing.T) {
	e := newEnv(t)
	sc := e.sdk(e.Key)
	ctx := context.Background()
	custom := bundleOf(t, sc, "custom", "active")
	inactive := bundleOf(t, sc, "standard", "inactive")
	review := bundleOf(t, sc, "custom", "review")
	tests := []struct {
		name   string
		params *stripe.IssuingPersonalizationDesignCreateParams
		status int
		param  string
	}{
		{"unknown bundle", &stripe.IssuingPersonalizationDesignCreateParams{PhysicalBundle: stripe.String("ics_unknown")}, 404, "physical_bundle"},
		{"inactive bundle", &stripe.IssuingPersonalizationDesignCreateParams{PhysicalBundle: stripe.String(inactive.ID)}, 400, "physical_bundle"},
		{"bundle in review", &stripe.IssuingPersonalizationDesignCreateParams{PhysicalBundle: stripe.String(review.ID),
			CardLogo: stripe.String("file_x")}, 400, "physical_bundle"},
		{"required logo missing", &stripe.IssuingPersonalizationDesignCreateParams{PhysicalBundle: stripe.String(custom.ID)}, 400, "card_logo"},
		{"unsupported carrier text", &stripe.IssuingPersonalizationDesignCreateParams{PhysicalBundle: stripe.String(custom.ID),
			CardLogo:    stripe.String("file_x"),
			CarrierText: &stripe.IssuingPersonalizationDesignCreateCarrierTextParams{HeaderTitle: stripe.String("Hi")}}, 400, "carrier_text"},
		{"bundle of another account", &stripe.IssuingPersonalizationDesignCreateParams{
			PhysicalBundle: stripe.String(bundleOf(t, e.sdk("sk_test_other"+e.Key[8:]), "standard", "active").ID)}, 404, "physical_bundle"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := sc.V1IssuingPersonalizationDesigns.Create(ctx, tc.params)
			assertStripeError(t, err, tc.status, "invalid_request_error", tc.param)
		})
	}
	d := newDesign(t, sc, &stripe.IssuingPersonalizationDesignCreateParams{PhysicalBundle: stripe.String(custom.ID), CardLogo: stripe.String("file_x")})
	_, err := sc.V1IssuingPersonalizationDesigns.Update(ctx, d.ID, &stripe.IssuingPersonalizationDesignUpdateParams{CardLogo: stripe.String("")})
	assertStripeError(t, err, 400, "invalid_request_error", "card_logo")
	_, err = sc.V1IssuingPersonalizationDesigns.Update(ctx, d.ID, &stripe.IssuingPersonalizationDesignUpdateParams{PhysicalBundle: stripe.String(inactive.ID)})
	assertStripeError(t, err, 400, "invalid_request_error", "physical_bundle")
	if r := e.do("POST", "/v1/issuing/personalization_designs", e.Key, "name=x"); r.Status != 400 || !strings.Contains(string(r.Body), "physical_bundle") {
		t.Errorf("create without physical_bundle: %d %s", r.Status, r.Body)
	}
	if n := countDesigns(t, sc, nil); n != 1 {
		t.Errorf("%d designs after refused creates, want 1", n)
	}
}

func countDesigns(t *testing.T, sc *stripe.Client, p *stripe.IssuingPersonalizationDesignListParams) int {
	t.Helper()
	return len(listDesigns(t, sc, p))
}

func listDesigns(t *testing.T, sc *stripe.Client, p *stripe.IssuingPersonalizationDesignListParams) []string {
	t.Helper()
	ctx := context.Background()
	if p == nil {
		p = &stripe.IssuingPersonalizationDesignListParams{}
	}
	var ids []string
	for d, err := range sc.V1IssuingPersonalizationDesigns.List(ctx, p).All(ctx) {
		if err != nil {
			t.Fatalf("list designs: %v", err)
		}
		ids = append(ids, d.ID)
	}
	return ids
}

func TestDesignReviewHelpers(t *testing.T) {
	e := newEnv(t)
	sc := e.sdk(e.Key)
	ctx := context.Background()
	helpers := sc.V1TestHelpersIssuingPersonalizationDesigns
	reasons := &stripe.TestHelpersIssuingPersonalizationDesignRejectParams{
		RejectionReasons: &stripe.TestHelpersIssuingPersonalizationDesignRejectRejectionReasonsParams{
			CardLogo: []*string{stripe.String("inappropriate")}, CarrierText: []*string{stripe.String("promotional_material")}}}
	do := func(id, action string) (*stripe.IssuingPersonalizationDesign, error) {
		switch action {
		case "activate":
			return helpers.Activate(ctx, id, nil)
		case "deactivate":
			return helpers.Deactivate(ctx, id, nil)
		case "reject":
			return helpers.Reject(ctx, id, reasons)
		}
		return nil, fmt.Errorf("unknown action %s", action)
	}
	reach := map[string][]string{"review": {}, "active": {"activate"}, "inactive": {"deactivate"}, "rejected": {"reject"}}
	allowed := map[string][]string{
		"activate":   {"review", "inactive"},
		"deactivate": {"active", "review"},
		"reject":     {"review", "active"},
	}
	to := map[string]string{"activate": "active", "deactivate": "inactive", "reject": "rejected"}
	for from, path := range reach {
		for action, fromStatuses := range allowed {
			t.Run(action+" from "+from, func(t *testing.T) {
				d := newDesign(t, sc, nil)
				for _, step := range path {
					if _, err := do(d.ID, step); err != nil {
						t.Fatalf("reach %s: %v", from, err)
					}
				}
				specific := "issuing_personalization_design." + map[string]string{
					"activate": "activated", "deactivate": "deactivated", "reject": "rejected"}[action]
				updates, specifics := countEvents(t, e, "issuing_personalization_design.updated"), countEvents(t, e, specific)
				got, err := do(d.ID, action)
				if !slices.Contains(fromStatuses, from) {
					assertStripeError(t, err, 400, "invalid_request_error", "")
					if se, ok := err.(*stripe.Error); ok && !strings.Contains(se.Msg, from) {
						t.Errorf("refusal does not say why: %s", se.Msg)
					}
					if now, _ := sc.V1IssuingPersonalizationDesigns.Retrieve(ctx, d.ID, nil); string(now.Status) != from {
						t.Errorf("refused %s changed status to %s", action, now.Status)
					}
					if countEvents(t, e, specific) != specifics {
						t.Errorf("refused %s recorded %s", action, specific)
					}
					return
				}
				if err != nil {
					t.Fatalf("%s from %s: %v", action, from, err)
				}
				if string(got.Status) != to[action] {
					t.Errorf("status %s, want %s", got.Status, to[action])
				}
				wantReasons := action == "reject"
				if hasReasons := len(got.RejectionReasons.CardLogo) > 0; hasReasons != wantReasons {
					t.Errorf("rejection reasons = %+v after %s", got.RejectionReasons, action)
				}
				if countEvents(t, e, specific) != specifics+1 || countEvents(t, e, "issuing_personalization_design.updated") != updates+1 {
					t.Errorf("%s did not record %s and .updated once each", action, specific)
				}
				ev := latestEvent(t, sc, specific)
				if ev.Data.Object["status"] != to[action] || ev.Data.PreviousAttributes != nil {
					t.Errorf("%s event: object status %v, previous %v", specific, ev.Data.Object["status"], ev.Data.PreviousAttributes)
				}
				if prev := latestEvent(t, sc, "issuing_personalization_design.updated").Data.PreviousAttributes; prev["status"] != from {
					t.Errorf(".updated previous_attributes = %v, want status %s", prev, from)
				}
			})
		}
	}

	// Reject needs a reason; review clears reasons on activation.
	d := newDesign(t, sc, nil)
	r := e.do("POST", "/v1/test_helpers/issuing/personalization_designs/"+d.ID+"/reject", e.Key, "rejection_reasons[card_logo][]=")
	if r.Status != 400 {
		t.Errorf("reject without a reason: %d %s", r.Status, r.Body)
	}
	if r := e.do("POST", "/v1/test_helpers/issuing/personalization_designs/"+d.ID+"/reject", e.Key, ""); r.Status != 400 {
		t.Errorf("reject without rejection_reasons: %d %s", r.Status, r.Body)
	}
	if _, err := helpers.Reject(ctx, d.ID, &stripe.TestHelpersIssuingPersonalizationDesignRejectParams{
		RejectionReasons: &stripe.TestHelpersIssuingPersonalizationDesignRejectRejectionReasonsParams{
			CarrierText: []*string{stripe.String("other")}}}); err != nil {
		t.Fatalf("reject with carrier text reason: %v", err)
	}
	got, _ := sc.V1IssuingPersonalizationDesigns.Retrieve(ctx, d.ID, nil)
	if len(got.RejectionReasons.CardLogo) != 0 || len(got.RejectionReasons.CarrierText) != 1 {
		t.Errorf("rejection reasons = %+v", got.RejectionReasons)
	}
	d = newDesign(t, sc, nil)
	if _, err := helpers.Reject(ctx, d.ID, reasons); err != nil {
		t.Fatal(err)
	}
	_, err := helpers.Activate(ctx, d.ID, nil)
	assertStripeError(t, err, 400, "invalid_request_error", "")

	// Helpers are test mode only and act in the caller's account.
	live := e.sdk("sk_live_" + e.Key[len("sk_test_"):])
	for action, form := range map[string]string{"activate": "", "deactivate": "", "reject": "rejection_reasons[card_logo][]=other"} {
		r := e.do("POST", "/v1/test_helpers/issuing/personalization_designs/"+d.ID+"/"+action,
			"sk_live_"+e.Key[len("sk_test_"):], form)
		if r.Status != 400 || !strings.Contains(string(r.Body), "test mode") {
			t.Errorf("live-mode %s: %d %s", action, r.Status, r.Body)
		}
	}
	liveDesign := newDesign(t, live, nil)
	if !liveDesign.Livemode {
		t.Errorf("design made with a live key has livemode false")
	}
	_, err = live.V1TestHelpersIssuingPersonalizationDesigns.Activate(ctx, liveDesign.ID, nil)
	assertStripeError(t, err, 400, "invalid_request_error", "")
	_, err = e.sdk("sk_test_other"+e.Key[8:]).V1TestHelpersIssuingPersonalizationDesigns.Activate(ctx, d.ID, nil)
	assertStripeError(t, err, 404, "invalid_request_error", "personalization_design")
}

func TestDesignLookupKeys(t *testing.T) {
	e := newEnv(t)
	sc := e.sdk(e.Key)
	ctx := context.Background()
	a := newDesign(t, sc, &stripe.IssuingPersonalizationDesignCreateParams{LookupKey: stripe.String("black")})

	_, err := sc.V1IssuingPersonalizationDesigns.Create(ctx, &stripe.IssuingPersonalizationDesignCreateParams{
		PhysicalBundle: stripe.String(a.PhysicalBundle.ID), LookupKey: stripe.String("black")})
	assertStripeError(t, err, 400, "invalid_request_error", "lookup_key")
	b := newDesign(t, sc, &stripe.IssuingPersonalizationDesignCreateParams{LookupKey: stripe.String("white")})
	_, err = sc.V1IssuingPersonalizationDesigns.Update(ctx, b.ID, &stripe.IssuingPersonalizationDesignUpdateParams{LookupKey: stripe.String("black")})
	assertStripeError(t, err, 400, "invalid_request_error", "lookup_key")
	if got, _ := sc.V1IssuingPersonalizationDesigns.Retrieve(ctx, b.ID, nil); got.LookupKey != "white" {
		t.Errorf("refused update changed the key to %q", got.LookupKey)
	}

	// transfer_lookup_key moves it in one step, and the design that loses
	// it records an update.
	updates := countEvents(t, e, "issuing_personalization_design.updated")
	c, err := sc.V1IssuingPersonalizationDesigns.Create(ctx, &stripe.IssuingPersonalizationDesignCreateParams{
		PhysicalBundle: stripe.String(a.PhysicalBundle.ID), LookupKey: stripe.String("black"), TransferLookupKey: stripe.Bool(true)})
	if err != nil || c.LookupKey != "black" {
		t.Fatalf("transfer on create: %+v, %v", c, err)
	}
	if got, _ := sc.V1IssuingPersonalizationDesigns.Retrieve(ctx, a.ID, nil); got.LookupKey != "" {
		t.Errorf("old holder still has lookup key %q", got.LookupKey)
	}
	ev := latestEvent(t, sc, "issuing_personalization_design.updated")
	if ev.Data.Object["id"] != a.ID || ev.Data.PreviousAttributes["lookup_key"] != "black" || countEvents(t, e, "issuing_personalization_design.updated") != updates+1 {
		t.Errorf("transfer event: object %v previous %v", ev.Data.Object["id"], ev.Data.PreviousAttributes)
	}
	b, err = sc.V1IssuingPersonalizationDesigns.Update(ctx, b.ID, &stripe.IssuingPersonalizationDesignUpdateParams{
		LookupKey: stripe.String("black"), TransferLookupKey: stripe.Bool(true)})
	if err != nil || b.LookupKey != "black" {
		t.Fatalf("transfer on update: %+v, %v", b, err)
	}
	// b gave up "white" when it took "black": anyone may take it now.
	newDesign(t, sc, &stripe.IssuingPersonalizationDesignCreateParams{LookupKey: stripe.String("white")})
	// "" frees a key.
	up := &stripe.IssuingPersonalizationDesignUpdateParams{}
	up.AddUnsetField(stripe.IssuingPersonalizationDesignUpdateParamsUnsetFieldLookupKey)
	if b, err = sc.V1IssuingPersonalizationDesigns.Update(ctx, b.ID, up); err != nil || b.LookupKey != "" {
		t.Fatalf("clear lookup key: %+v, %v", b, err)
	}
	freed := newDesign(t, sc, &stripe.IssuingPersonalizationDesignCreateParams{LookupKey: stripe.String("black")})

	byKeys := func(keys ...string) []string {
		p := &stripe.IssuingPersonalizationDesignListParams{}
		for _, k := range keys {
			p.LookupKeys = append(p.LookupKeys, stripe.String(k))
		}
		return listDesigns(t, sc, p)
	}
	if got := byKeys("black"); !slices.Equal(got, []string{freed.ID}) {
		t.Errorf("lookup_keys=black: %v, want %s", got, freed.ID)
	}
	if got := byKeys("black", "white", "nobody"); len(got) != 2 || got[0] != freed.ID {
		t.Errorf("lookup_keys=black,white: %v", got)
	}
	if got := byKeys("nobody"); len(got) != 0 {
		t.Errorf("unknown key lists %v", got)
	}
	// Keys are per account.
	newDesign(t, e.sdk("sk_test_other"+e.Key[8:]), &stripe.IssuingPersonalizationDesignCreateParams{LookupKey: stripe.String("black")})
	if got := byKeys("black"); len(got) != 1 {
		t.Errorf("another account's key leaks into the list: %v", got)
	}
}

func TestDesignSingleDefault(t *testing.T) {
	e := newEnv(t)
	sc := e.sdk(e.Key)
	ctx := context.Background()
	isDefault := func(v bool) *stripe.IssuingPersonalizationDesignCreatePreferencesParams {
		return &stripe.IssuingPersonalizationDesignCreatePreferencesParams{IsDefault: stripe.Bool(v)}
	}
	defaults := func() []string {
		return listDesigns(t, sc, &stripe.IssuingPersonalizationDesignListParams{
			Preferences: &stripe.IssuingPersonalizationDesignListPreferencesParams{IsDefault: stripe.Bool(true)}})
	}
	a := newDesign(t, sc, &stripe.IssuingPersonalizationDesignCreateParams{Preferences: isDefault(true)})
	plain := newDesign(t, sc, &stripe.IssuingPersonalizationDesignCreateParams{Preferences: isDefault(false)})
	if got := defaults(); !slices.Equal(got, []string{a.ID}) {
		t.Fatalf("defaults = %v, want %s", got, a.ID)
	}
	b := newDesign(t, sc, &stripe.IssuingPersonalizationDesignCreateParams{Preferences: isDefault(true)})
	if got := defaults(); !slices.Equal(got, []string{b.ID}) {
		t.Errorf("after a second default: %v, want only %s", got, b.ID)
	}
	ev := latestEvent(t, sc, "issuing_personalization_design.updated")
	if ev.Data.Object["id"] != a.ID || ev.Data.PreviousAttributes["preferences"].(map[string]any)["is_default"] != true {
		t.Errorf("old default's event: %v %v", ev.Data.Object["id"], ev.Data.PreviousAttributes)
	}
	if got := listDesigns(t, sc, &stripe.IssuingPersonalizationDesignListParams{
		Preferences: &stripe.IssuingPersonalizationDesignListPreferencesParams{IsDefault: stripe.Bool(false)}}); !slices.Equal(got, []string{plain.ID, a.ID}) {
		t.Errorf("non-defaults = %v", got)
	}
	// Update takes the flag too, and can drop it.
	if _, err := sc.V1IssuingPersonalizationDesigns.Update(ctx, a.ID, &stripe.IssuingPersonalizationDesignUpdateParams{
		Preferences: &stripe.IssuingPersonalizationDesignUpdatePreferencesParams{IsDefault: stripe.Bool(true)}}); err != nil {
		t.Fatal(err)
	}
	if got := defaults(); !slices.Equal(got, []string{a.ID}) {
		t.Errorf("after update: %v, want %s", got, a.ID)
	}
	if _, err := sc.V1IssuingPersonalizationDesigns.Update(ctx, a.ID, &stripe.IssuingPersonalizationDesignUpdateParams{
		Preferences: &stripe.IssuingPersonalizationDesignUpdatePreferencesParams{IsDefault: stripe.Bool(false)}}); err != nil {
		t.Fatal(err)
	}
	if got := defaults(); len(got) != 0 {
		t.Errorf("defaults after dropping the flag: %v", got)
	}
	c := newDesign(t, sc, &stripe.IssuingPersonalizationDesignCreateParams{Preferences: isDefault(true)})
	if got := defaults(); !slices.Equal(got, []string{c.ID}) {
		t.Errorf("default after none: %v", got)
	}
	// Nothing here is a platform default.
	platform := func(v bool) int {
		return countDesigns(t, sc, &stripe.IssuingPersonalizationDesignListParams{
			Preferences: &stripe.IssuingPersonalizationDesignListPreferencesParams{IsPlatformDefault: stripe.Bool(v)}})
	}
	if platform(true) != 0 || platform(false) != 4 {
		t.Errorf("is_platform_default filters: true %d, false %d", platform(true), platform(false))
	}
}

func TestDesignListPaging(t *testing.T) {
	e := newEnv(t)
	sc := e.sdk(e.Key)
	ctx := context.Background()
	var ids, active []string // newest first
	for i := 0; i < 23; i++ {
		d := newDesign(t, sc, &stripe.IssuingPersonalizationDesignCreateParams{Name: stripe.String(fmt.Sprint("design ", i))})
		ids = append([]string{d.ID}, ids...)
		if i%3 == 0 {
			if _, err := sc.V1TestHelpersIssuingPersonalizationDesigns.Activate(ctx, d.ID, nil); err != nil {
				t.Fatal(err)
			}
			active = append([]string{d.ID}, active...)
		}
	}
	if got := listDesigns(t, sc, &stripe.IssuingPersonalizationDesignListParams{ListParams: stripe.ListParams{Limit: stripe.Int64(4)}}); !slices.Equal(got, ids) {
		t.Errorf("forward walk: %d designs, want %d newest first", len(got), len(ids))
	}
	got := listDesigns(t, sc, &stripe.IssuingPersonalizationDesignListParams{Status: stripe.String("active"),
		ListParams: stripe.ListParams{Limit: stripe.Int64(2)}})
	if !slices.Equal(got, active) {
		t.Errorf("status=active: %v, want %v", got, active)
	}
	got = listDesigns(t, sc, &stripe.IssuingPersonalizationDesignListParams{
		ListParams: stripe.ListParams{Limit: stripe.Int64(5), EndingBefore: stripe.String(ids[len(ids)-1])}})
	want := slices.Clone(ids[:len(ids)-1])
	slices.Reverse(want)
	if !slices.Equal(got, want) {
		t.Errorf("backward walk: %d designs, want %d oldest to newest", len(got), len(want))
	}
	r := e.do("GET", "/v1/issuing/personalization_designs", e.Key, "status=review&limit=3&expand[]=data.physical_bundle")
	if r.Status != 200 || !strings.Contains(string(r.Body), `"has_more": true`) || !strings.Contains(string(r.Body), `"object": "issuing.physical_bundle"`) {
		t.Errorf("expanded page: %d %s", r.Status, r.Body)
	}
	if r := e.do("GET", "/v1/issuing/personalization_designs", e.Key, "starting_after=ipcd_unknown"); r.Status != 404 {
		t.Errorf("unknown cursor: %d %s", r.Status, r.Body)
	}

	// Other accounts see none of them.
	other := e.sdk("sk_test_other" + e.Key[8:])
	if n := countDesigns(t, other, nil); n != 0 {
		t.Errorf("other account lists %d designs", n)
	}
	_, err := other.V1IssuingPersonalizationDesigns.Retrieve(ctx, ids[0], nil)
	assertStripeError(t, err, 404, "invalid_request_error", "id")
	_, err = other.V1IssuingPersonalizationDesigns.Update(ctx, ids[0], &stripe.IssuingPersonalizationDesignUpdateParams{Name: stripe.String("x")})
	assertStripeError(t, err, 404, "invalid_request_error", "personalization_design")
}

func TestCardsAndDesignStatus(t *testing.T) {
	e := newEnv(t)
	sc := e.sdk(e.Key)
	ctx := context.Background()
	ch := newCardholder(t, sc, "Jenny Rosen")
	helpers := sc.V1TestHelpersIssuingPersonalizationDesigns
	reasons := &stripe.TestHelpersIssuingPersonalizationDesignRejectParams{
		RejectionReasons: &stripe.TestHelpersIssuingPersonalizationDesignRejectRejectionReasonsParams{
			CardLogo: []*string{stripe.String("other")}}}
	// setup brings a new design to a status.
	setup := map[string]func(id string) error{
		"review":   func(string) error { return nil },
		"active":   func(id string) error { _, err := helpers.Activate(ctx, id, nil); return err },
		"inactive": func(id string) error { _, err := helpers.Deactivate(ctx, id, nil); return err },
		"rejected": func(id string) error { _, err := helpers.Reject(ctx, id, reasons); return err },
	}
	usable := map[string]bool{"review": true, "active": true}
	for status, reach := range setup {
		t.Run(status, func(t *testing.T) {
			d := newDesign(t, sc, nil)
			if err := reach(d.ID); err != nil {
				t.Fatal(err)
			}
			c, err := sc.V1IssuingCards.Create(ctx, &stripe.IssuingCardCreateParams{Cardholder: stripe.String(ch.ID),
				Currency: stripe.String("usd"), Type: stripe.String("virtual"), PersonalizationDesign: stripe.String(d.ID)})
			if !usable[status] {
				assertStripeError(t, err, 400, "invalid_request_error", "personalization_design")
				if se, ok := err.(*stripe.Error); ok && !strings.Contains(se.Msg, status) {
					t.Errorf("refusal does not say why: %s", se.Msg)
				}
				other := newActiveCard(t, sc)
				_, err = sc.V1IssuingCards.Update(ctx, other.ID, &stripe.IssuingCardUpdateParams{PersonalizationDesign: stripe.String(d.ID)})
				assertStripeError(t, err, 400, "invalid_request_error", "personalization_design")
				return
			}
			if err != nil {
				t.Fatalf("card with a %s design: %v", status, err)
			}
			p := &stripe.IssuingCardRetrieveParams{}
			p.AddExpand("personalization_design.physical_bundle")
			got, err := sc.V1IssuingCards.Retrieve(ctx, c.ID, p)
			if err != nil || got.PersonalizationDesign.ID != d.ID || got.PersonalizationDesign.PhysicalBundle.Name == "" {
				t.Errorf("card's design not expanded: %+v, %v", got.PersonalizationDesign, err)
			}
		})
	}
	_, err := sc.V1IssuingCards.Create(ctx, &stripe.IssuingCardCreateParams{Cardholder: stripe.String(ch.ID),
		Currency: stripe.String("usd"), Type: stripe.String("virtual"), PersonalizationDesign: stripe.String("ipcd_unknown")})
	assertStripeError(t, err, 404, "invalid_request_error", "personalization_design")
}

// A physical card created without a design is printed with the account's
// default design, while that design can print cards; a virtual card, or
// a card naming its design, is not given it.
func TestCardsGetTheDefaultDesign(t *testing.T) {
	e := newEnv(t)
	sc := e.sdk(e.Key)
	ctx := context.Background()
	ch := newCardholder(t, sc, "Jenny Rosen")
	physical := func(design *string) *stripe.IssuingCard {
		t.Helper()
		c, err := sc.V1IssuingCards.Create(ctx, &stripe.IssuingCardCreateParams{Cardholder: stripe.String(ch.ID),
			Currency: stripe.String("usd"), Type: stripe.String("physical"), PersonalizationDesign: design,
			Shipping: &stripe.IssuingCardCreateShippingParams{Name: stripe.String("Jenny Rosen"),
				Address: &stripe.AddressParams{Line1: stripe.String("1 Main St"), City: stripe.String("San Francisco"),
					PostalCode: stripe.String("94111"), Country: stripe.String("US")}}})
		if err != nil {
			t.Fatalf("create physical card: %v", err)
		}
		return c
	}
	designOf := func(c *stripe.IssuingCard) string {
		if c.PersonalizationDesign == nil {
			return ""
		}
		return c.PersonalizationDesign.ID
	}
	if got := designOf(physical(nil)); got != "" {
		t.Errorf("no default design yet, card has %s", got)
	}
	def := newDesign(t, sc, &stripe.IssuingPersonalizationDesignCreateParams{
		Preferences: &stripe.IssuingPersonalizationDesignCreatePreferencesParams{IsDefault: stripe.Bool(true)}})
	other := newDesign(t, sc, nil)
	if got := designOf(physical(nil)); got != def.ID {
		t.Errorf("card design %q, want the default %s", got, def.ID)
	}
	if got := designOf(physical(stripe.String(other.ID))); got != other.ID {
		t.Errorf("card naming %s has %q", other.ID, got)
	}
	virtual := newActiveCard(t, sc)
	if got := designOf(virtual); got != "" {
		t.Errorf("virtual card has design %s", got)
	}
	if _, err := sc.V1TestHelpersIssuingPersonalizationDesigns.Deactivate(ctx, def.ID, nil); err != nil {
		t.Fatal(err)
	}
	if got := designOf(physical(nil)); got != "" {
		t.Errorf("the default design is inactive, card has %s", got)
	}
}
