package design

import (
	"testing"

	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/physicalbundle"
)

var allStatuses = []string{StatusReview, StatusActive, StatusInactive, StatusRejected}

func TestReviewActions(t *testing.T) {
	allowed := map[string][]string{
		"activate":   {StatusReview, StatusInactive},
		"deactivate": {StatusActive, StatusReview},
		"reject":     {StatusReview, StatusActive},
	}
	for action, from := range allowed {
		for _, status := range allStatuses {
			t.Run(action+" from "+status, func(t *testing.T) {
				err := checkReview("ipcd_x", action, status)
				want := contains(from, status)
				if (err == nil) != want {
					t.Fatalf("err = %v, want allowed=%v", err, want)
				}
				if err != nil {
					e, ok := issuing.AsError(err)
					if !ok || e.Kind != issuing.KindInvalid || e.Message == "" {
						t.Errorf("refusal = %#v, want a 400 saying why", err)
					}
				}
			})
		}
	}
	if len(reviewActions) != len(allowed) {
		t.Errorf("%d review actions, test covers %d", len(reviewActions), len(allowed))
	}
}

func TestCardsUseOnlyDesignsInReviewOrActive(t *testing.T) {
	usable := map[string]bool{StatusReview: true, StatusActive: true}
	for _, status := range allStatuses {
		err := checkForCards("ipcd_x", status, "personalization_design")
		if (err == nil) != usable[status] {
			t.Errorf("%s: err = %v, want usable=%v", status, err, usable[status])
		}
		if e, ok := issuing.AsError(err); err != nil && (!ok || e.Param != "personalization_design") {
			t.Errorf("%s: err = %v, want param personalization_design", status, err)
		}
	}
}

func TestCheckBundle(t *testing.T) {
	bundle := func(status, logo, text string) *physicalbundle.Bundle {
		return &physicalbundle.Bundle{ID: "ics_x", Status: status,
			Features: physicalbundle.Features{CardLogo: logo, CarrierText: text, SecondLine: physicalbundle.Optional}}
	}
	logo, title := "file_1", "Welcome"
	withLogo := &Design{CardLogo: &logo, CarrierText: &CarrierText{}}
	withText := &Design{CarrierText: &CarrierText{HeaderTitle: &title}}
	plain := &Design{CarrierText: &CarrierText{}}
	const opt, req, no = physicalbundle.Optional, physicalbundle.Required, physicalbundle.Unsupported
	tests := []struct {
		name      string
		bundle    *physicalbundle.Bundle
		design    *Design
		wantParam string // "" means accepted
	}{
		{"optional features, none used", bundle("active", opt, opt), plain, ""},
		{"optional features, both used", bundle("active", opt, opt), &Design{CardLogo: &logo, CarrierText: withText.CarrierText}, ""},
		{"required logo given", bundle("active", req, no), withLogo, ""},
		{"required logo missing", bundle("active", req, no), plain, "card_logo"},
		{"unsupported carrier text given", bundle("active", req, no), &Design{CardLogo: &logo, CarrierText: withText.CarrierText}, "carrier_text"},
		{"unsupported logo given", bundle("active", no, opt), withLogo, "card_logo"},
		{"required carrier text missing", bundle("active", opt, req), plain, "carrier_text"},
		{"inactive bundle", bundle("inactive", opt, opt), plain, "physical_bundle"},
		{"bundle in review", bundle("review", opt, opt), plain, "physical_bundle"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := checkBundle(tc.bundle, tc.design)
			if tc.wantParam == "" {
				if err != nil {
					t.Fatalf("err = %v, want accepted", err)
				}
				return
			}
			e, ok := issuing.AsError(err)
			if !ok || e.Kind != issuing.KindInvalid || e.Param != tc.wantParam {
				t.Fatalf("err = %v, want 400 on %s", err, tc.wantParam)
			}
		})
	}
}

func TestRejectionNeedsAReason(t *testing.T) {
	tests := []struct {
		reasons RejectionReasons
		ok      bool
	}{
		{RejectionReasons{}, false},
		{RejectionReasons{CardLogo: []string{}, CarrierText: []string{}}, false},
		{RejectionReasons{CardLogo: []string{"inappropriate"}}, true},
		{RejectionReasons{CarrierText: []string{"other"}}, true},
	}
	for _, tc := range tests {
		if err := checkRejectionReasons(tc.reasons); (err == nil) != tc.ok {
			t.Errorf("%+v: err = %v, want ok=%v", tc.reasons, err, tc.ok)
		}
	}
}

func TestApplyCarrierText(t *testing.T) {
	title, body := "Hello", "Body"
	tests := []struct {
		name  string
		start CarrierText
		param any
		want  CarrierText
	}{
		{"absent leaves it", CarrierText{HeaderTitle: &title}, nil, CarrierText{HeaderTitle: &title}},
		{"sets parts", CarrierText{}, map[string]any{"header_title": "Hello", "footer_body": "Body"},
			CarrierText{HeaderTitle: &title, FooterBody: &body}},
		{"empty part clears it", CarrierText{HeaderTitle: &title, FooterBody: &body}, map[string]any{"header_title": ""},
			CarrierText{FooterBody: &body}},
		{"empty string clears all", CarrierText{HeaderTitle: &title, FooterBody: &body}, "", CarrierText{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ct := tc.start
			applyCarrierText(&ct, tc.param)
			if str(ct.HeaderTitle) != str(tc.want.HeaderTitle) || str(ct.FooterBody) != str(tc.want.FooterBody) ||
				str(ct.HeaderBody) != str(tc.want.HeaderBody) || str(ct.FooterTitle) != str(tc.want.FooterTitle) {
				t.Errorf("got %s, want %s", show(ct), show(tc.want))
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func str(p *string) string {
	if p == nil {
		return "<nil>"
	}
	return *p
}

func show(c CarrierText) string {
	return "{" + str(c.HeaderTitle) + " " + str(c.HeaderBody) + " " + str(c.FooterTitle) + " " + str(c.FooterBody) + "}"
}
