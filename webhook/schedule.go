package webhook

import (
	"fmt"
	"strings"
	"time"
)

// Schedule is how long a failed delivery waits before each retry: after
// the n-th failed attempt the next one is due Test[n-1] (Live[n-1] for a
// live-mode event) after the failed one started. When the list runs out
// the delivery is given up.
type Schedule struct {
	Test []time.Duration
	Live []time.Duration
}

// StripeSchedule is the default, shaped after Stripe's: Stripe retries
// live-mode events for up to three days with exponential back-off and
// test-mode events three times over a few hours, without publishing the
// intervals. Live: 11 retries, the last 2 days 15 h 36 min after the first
// attempt. Test: 3 retries, the last 4 h 1 min after the first attempt.
var StripeSchedule = Schedule{
	Live: []time.Duration{
		time.Minute, 5 * time.Minute, 30 * time.Minute, time.Hour, 2 * time.Hour, 4 * time.Hour,
		8 * time.Hour, 12 * time.Hour, 12 * time.Hour, 12 * time.Hour, 12 * time.Hour,
	},
	Test: []time.Duration{time.Minute, time.Hour, 3 * time.Hour},
}

// FastSchedule is for test suites that run against the wall clock and
// cannot wait minutes: the same number of retries in seconds.
var FastSchedule = Schedule{
	Live: []time.Duration{
		time.Second, time.Second, 2 * time.Second, 2 * time.Second, 4 * time.Second, 4 * time.Second,
		8 * time.Second, 8 * time.Second, 8 * time.Second, 8 * time.Second, 8 * time.Second,
	},
	Test: []time.Duration{time.Second, 2 * time.Second, 4 * time.Second},
}

// Next returns how long to wait after the attempts-th failed attempt, and
// false when that attempt was the last.
func (s Schedule) Next(livemode bool, attempts int) (time.Duration, bool) {
	waits := s.Test
	if livemode {
		waits = s.Live
	}
	if attempts < 1 || attempts > len(waits) {
		return 0, false
	}
	return waits[attempts-1], true
}

// ParseSchedule reads a schedule as the --webhook-retries flag gives it:
// "stripe", "fast", or a comma-separated list of waits ("10s,1m,5m") used
// in both modes; "none" never retries.
func ParseSchedule(s string) (Schedule, error) {
	switch s {
	case "", "stripe":
		return StripeSchedule, nil
	case "fast":
		return FastSchedule, nil
	case "none":
		return Schedule{}, nil
	}
	var waits []time.Duration
	for _, part := range strings.Split(s, ",") {
		d, err := time.ParseDuration(strings.TrimSpace(part))
		if err != nil || d <= 0 {
			return Schedule{}, fmt.Errorf("webhook retries %q: want stripe, fast, none or positive durations such as 10s,1m,5m", s)
		}
		waits = append(waits, d)
	}
	return Schedule{Test: waits, Live: waits}, nil
}
