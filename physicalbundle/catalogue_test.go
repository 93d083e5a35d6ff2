package physicalbundle

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/store"
)

func TestIDsAreStablePerAccountAndDistinct(t *testing.T) {
	a := issuing.AccountForKey("sk_test_aaaaaaaaaaaa", false)
	b := issuing.AccountForKey("sk_test_bbbbbbbbbbbb", false)
	seen := map[string]bool{}
	for _, acct := range []issuing.Account{a, b} {
		for i, bundle := range All(acct) {
			if !strings.HasPrefix(bundle.ID, "ics_") || len(bundle.ID) != len("ics_")+idLength {
				t.Errorf("id %q: want ics_ and %d characters", bundle.ID, idLength)
			}
			if seen[bundle.ID] {
				t.Errorf("id %s given twice", bundle.ID)
			}
			seen[bundle.ID] = true
			if again := All(acct)[i].ID; again != bundle.ID {
				t.Errorf("id of slot %s changed from %s to %s", catalogue[i].slot, bundle.ID, again)
			}
		}
	}
}

func TestGetFindsOnlyTheAccountsOwnBundles(t *testing.T) {
	a := issuing.AccountForKey("sk_test_aaaaaaaaaaaa", false)
	live := issuing.AccountForKey("sk_live_aaaaaaaaaaaa", true)
	b := issuing.AccountForKey("sk_test_bbbbbbbbbbbb", false)
	id := All(a)[0].ID
	tests := []struct {
		name  string
		acct  issuing.Account
		id    string
		found bool
	}{
		{"own bundle", a, id, true},
		{"another account's bundle", b, id, false},
		{"same key in live mode", live, id, false},
		{"unknown id", a, "ics_unknown", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Get(tc.acct, tc.id, "physical_bundle")
			if !tc.found {
				e, ok := issuing.AsError(err)
				if !ok || e.Kind != issuing.KindNotFound || e.Param != "physical_bundle" {
					t.Fatalf("err = %v, want not found on physical_bundle", err)
				}
				return
			}
			if err != nil || got.ID != tc.id || got.Livemode != tc.acct.Livemode {
				t.Fatalf("got %+v, %v", got, err)
			}
		})
	}
	if All(live)[0].Livemode != true {
		t.Errorf("live account's bundle is not livemode")
	}
}

func TestCatalogueCoversEveryStatusAndFeatureLevel(t *testing.T) {
	statuses := map[string]bool{}
	levels := map[string]bool{}
	slots := map[string]bool{}
	for _, e := range catalogue {
		if slots[e.slot] {
			t.Errorf("slot %s twice", e.slot)
		}
		slots[e.slot] = true
		statuses[e.status] = true
		levels[e.features.CardLogo], levels[e.features.CarrierText], levels[e.features.SecondLine] = true, true, true
	}
	for _, s := range []string{StatusActive, StatusInactive, StatusReview} {
		if !statuses[s] {
			t.Errorf("no bundle in status %s", s)
		}
	}
	for _, l := range []string{Optional, Required, Unsupported} {
		if !levels[l] {
			t.Errorf("no bundle with a feature %s", l)
		}
	}
}

func TestRenderStoredCopies(t *testing.T) {
	for _, acct := range []issuing.Account{
		issuing.AccountForKey("sk_test_aaaaaaaaaaaa", false),
		issuing.AccountForKey("sk_live_aaaaaaaaaaaa", true),
	} {
		for i, e := range catalogue {
			want := All(acct)[i]
			data, err := json.Marshal(stored{Slot: e.slot, Livemode: acct.Livemode})
			if err != nil {
				t.Fatal(err)
			}
			got, err := Render(store.Object{Account: acct.ID, Kind: Kind, ID: want.ID, Data: data})
			if err != nil || *got != *want {
				t.Errorf("slot %s: rendered %+v, %v; want %+v", e.slot, got, err, want)
			}
		}
	}
	_, err := Render(store.Object{ID: "ics_x", Data: []byte(`{"slot":"gone"}`)})
	if err == nil {
		t.Errorf("a slot missing from the catalogue rendered")
	}
}
