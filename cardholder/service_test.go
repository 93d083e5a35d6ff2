package cardholder

import "testing"

func TestNormalizePhone(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"+18008675309", "+18008675309", true},
		{"(800) 867-5309", "+18008675309", true},
		{"+44 20 7946 0958", "+442079460958", true},
		{"12345", "", false},
		{"call me", "", false},
	}
	for _, tc := range tests {
		got, err := normalizePhone(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("normalizePhone(%q) = %q, %v; want %q ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func TestCheckName(t *testing.T) {
	tests := []struct {
		name string
		ok   bool
	}{
		{"Jenny Rosen", true},
		{"Zoë O'Brien-Smith", true},
		{"R2D2", false},
		{"Jenny Rosen The Very Long Name", false},
		{"Jenny@Rosen", false},
		{"   ", false},
	}
	for _, tc := range tests {
		if err := checkName(tc.name); (err == nil) != tc.ok {
			t.Errorf("checkName(%q) = %v, want ok=%v", tc.name, err, tc.ok)
		}
	}
}
