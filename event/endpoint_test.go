package event

import (
	"testing"

	"github.com/localissuing/localissuing/issuing"
)

func TestEndpointWants(t *testing.T) {
	tests := []struct {
		name    string
		status  string
		enabled []string
		typ     string
		want    bool
	}{
		{"listed", "enabled", []string{"issuing_card.created"}, "issuing_card.created", true},
		{"not listed", "enabled", []string{"issuing_card.created"}, "issuing_card.updated", false},
		{"star", "enabled", []string{"*"}, "issuing_token.updated", true},
		{"star among others", "enabled", []string{"issuing_card.created", "*"}, "issuing_dispute.closed", true},
		{"no prefix matching", "enabled", []string{"issuing_card"}, "issuing_card.created", false},
		{"disabled", "disabled", []string{"*"}, "issuing_card.created", false},
	}
	for _, tc := range tests {
		e := &Endpoint{Status: tc.status, EnabledEvents: tc.enabled}
		if got := e.Wants(tc.typ); got != tc.want {
			t.Errorf("%s: Wants(%s) = %v, want %v", tc.name, tc.typ, got, tc.want)
		}
	}
}

func TestCheckURL(t *testing.T) {
	tests := []struct {
		url string
		ok  bool
	}{
		{"https://example.com/hooks", true},
		{"http://127.0.0.1:4242/webhook?x=1", true},
		{"http://[::1]:4242/", true},
		{"/hooks", false},
		{"example.com/hooks", false},
		{"ftp://example.com/", false},
		{"http://", false},
		{"http://exa mple.com/", false},
	}
	for _, tc := range tests {
		err := checkURL(tc.url)
		if (err == nil) != tc.ok {
			t.Errorf("checkURL(%q) = %v, want ok=%v", tc.url, err, tc.ok)
		}
		if e, isErr := issuing.AsError(err); err != nil && (!isErr || e.Param != "url") {
			t.Errorf("checkURL(%q): %v is not an invalid-request error about url", tc.url, err)
		}
	}
}
