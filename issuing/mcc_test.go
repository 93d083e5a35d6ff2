package issuing_test

import (
	"encoding/json"
	"testing"

	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/spec"
)

// TestCategoryCodesCoverSpec checks that every merchant category the test
// helpers accept has a four-digit code, so no authorization is ever created
// with an empty category_code.
func TestCategoryCodesCoverSpec(t *testing.T) {
	var doc struct {
		Paths map[string]map[string]struct {
			RequestBody struct {
				Content map[string]struct {
					Schema struct {
						Properties map[string]struct {
							Properties map[string]struct {
								Enum []string `json:"enum"`
							} `json:"properties"`
						} `json:"properties"`
					} `json:"schema"`
				} `json:"content"`
			} `json:"requestBody"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(spec.Document(), &doc); err != nil {
		t.Fatalf("read the OpenAPI document: %v", err)
	}
	paths := []string{
		"/v1/test_helpers/issuing/authorizations",
		"/v1/test_helpers/issuing/transactions/create_force_capture",
		"/v1/test_helpers/issuing/transactions/create_unlinked_refund",
	}
	for _, path := range paths {
		body := doc.Paths[path]["post"].RequestBody.Content["application/x-www-form-urlencoded"]
		names := body.Schema.Properties["merchant_data"].Properties["category"].Enum
		if len(names) < 250 {
			t.Fatalf("%s: found %d category names in the document, expected the full enum", path, len(names))
		}
		for _, name := range names {
			code, ok := issuing.CategoryCode(name)
			if !ok || len(code) != 4 {
				t.Errorf("%s: category %q has no four-digit code (%q)", path, name, code)
			}
		}
	}
}

func TestNewMerchantData(t *testing.T) {
	tests := []struct {
		name                 string
		params               *issuing.MerchantParams
		wantCategory, wantCC string
		wantCountry          string
	}{
		{"defaults", nil, "taxicabs_limousines", "4121", "US"},
		{"category only", &issuing.MerchantParams{Category: ptr("eating_places_restaurants")}, "eating_places_restaurants", "5812", "US"},
		{"country upper-cased", &issuing.MerchantParams{Country: ptr("fr")}, "taxicabs_limousines", "4121", "FR"},
		{"leading zero kept", &issuing.MerchantParams{Category: ptr("veterinary_services")}, "veterinary_services", "0742", "US"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := issuing.NewMerchantData(tc.params)
			if m.Category != tc.wantCategory || m.CategoryCode != tc.wantCC || m.Country == nil || *m.Country != tc.wantCountry {
				t.Errorf("got category %s code %s country %v", m.Category, m.CategoryCode, m.Country)
			}
			if m.NetworkID == "" || m.Name == nil {
				t.Errorf("defaults missing: %+v", m)
			}
		})
	}
}

func ptr(s string) *string { return &s }
