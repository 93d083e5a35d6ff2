package webhook

import (
	"slices"
	"testing"
	"time"
)

func TestScheduleNext(t *testing.T) {
	s := Schedule{Test: []time.Duration{time.Minute, time.Hour}, Live: []time.Duration{time.Second}}
	tests := []struct {
		live     bool
		attempts int
		want     time.Duration
		ok       bool
	}{
		{false, 1, time.Minute, true},
		{false, 2, time.Hour, true},
		{false, 3, 0, false},
		{false, 0, 0, false},
		{true, 1, time.Second, true},
		{true, 2, 0, false},
	}
	for _, tc := range tests {
		got, ok := s.Next(tc.live, tc.attempts)
		if got != tc.want || ok != tc.ok {
			t.Errorf("Next(live=%v, %d) = %v, %v; want %v, %v", tc.live, tc.attempts, got, ok, tc.want, tc.ok)
		}
	}
}

// TestStripeScheduleSpan checks the spans the README promises: live-mode
// retries for up to three days, test-mode ones three times over a few
// hours, each wait at least as long as the one before.
func TestStripeScheduleSpan(t *testing.T) {
	tests := []struct {
		name    string
		waits   []time.Duration
		retries int
		span    time.Duration
	}{
		{"live", StripeSchedule.Live, 11, 2*24*time.Hour + 15*time.Hour + 36*time.Minute},
		{"test", StripeSchedule.Test, 3, 4*time.Hour + time.Minute},
		{"fast live", FastSchedule.Live, 11, 54 * time.Second},
		{"fast test", FastSchedule.Test, 3, 7 * time.Second},
	}
	for _, tc := range tests {
		var span time.Duration
		for _, w := range tc.waits {
			span += w
		}
		if len(tc.waits) != tc.retries || span != tc.span || span > 3*24*time.Hour {
			t.Errorf("%s: %d retries over %v, want %d over %v", tc.name, len(tc.waits), span, tc.retries, tc.span)
		}
		if !slices.IsSorted(tc.waits) {
			t.Errorf("%s: waits %v shrink", tc.name, tc.waits)
		}
	}
}

func TestParseSchedule(t *testing.T) {
	custom := []time.Duration{10 * time.Second, time.Minute, 90 * time.Minute}
	tests := []struct {
		in   string
		want Schedule
		ok   bool
	}{
		{"", StripeSchedule, true},
		{"stripe", StripeSchedule, true},
		{"fast", FastSchedule, true},
		{"none", Schedule{}, true},
		{"10s,1m,1h30m", Schedule{Test: custom, Live: custom}, true},
		{"10s, 1m ,1h30m", Schedule{Test: custom, Live: custom}, true},
		{"10s,,1m", Schedule{}, false},
		{"0s", Schedule{}, false},
		{"-1m", Schedule{}, false},
		{"soon", Schedule{}, false},
	}
	for _, tc := range tests {
		got, err := ParseSchedule(tc.in)
		if (err == nil) != tc.ok {
			t.Errorf("ParseSchedule(%q) error %v, want ok=%v", tc.in, err, tc.ok)
			continue
		}
		if tc.ok && (!slices.Equal(got.Test, tc.want.Test) || !slices.Equal(got.Live, tc.want.Live)) {
			t.Errorf("ParseSchedule(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}
