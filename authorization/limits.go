package authorization

import (
	"time"

	"github.com/localissuing/localissuing/issuing"
)

// Spending-limit intervals.
const (
	IntervalPerAuthorization = "per_authorization"
	IntervalDaily            = "daily"
	IntervalWeekly           = "weekly"
	IntervalMonthly          = "monthly"
	IntervalYearly           = "yearly"
	IntervalAllTime          = "all_time"
)

// Spend is money a card counts as spent, for spending limits: an approved
// authorization counts what it still holds plus what its captures took, at
// the time it was created; a force capture counts its amount at its own
// time. Reversed, expired and declined amounts never count, and refunds do
// not give spent money back.
type Spend struct {
	At       int64 // Unix seconds
	Amount   int64
	Category string
}

// IntervalStart returns when the interval that contains now began, in UTC:
// midnight for daily, Sunday midnight for weekly, the first of the month
// for monthly and January 1 for yearly. bounded is false for all_time (and
// per_authorization), which have no start.
func IntervalStart(interval string, now time.Time) (start time.Time, bounded bool) {
	now = now.UTC()
	y, m, d := now.Date()
	switch interval {
	case IntervalDaily:
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC), true
	case IntervalWeekly:
		return time.Date(y, m, d-int(now.Weekday()), 0, 0, 0, 0, time.UTC), true
	case IntervalMonthly:
		return time.Date(y, m, 1, 0, 0, 0, 0, time.UTC), true
	case IntervalYearly:
		return time.Date(y, time.January, 1, 0, 0, 0, 0, time.UTC), true
	}
	return time.Time{}, false
}

// spentSince sums what was spent from start on (everything when not
// bounded), in the given categories (all when there are none).
func spentSince(spent []Spend, start time.Time, bounded bool, categories []string) int64 {
	var sum int64
	for _, s := range spent {
		if bounded && s.At < start.Unix() {
			continue
		}
		if len(categories) > 0 && !contains(categories, s.Category) {
			continue
		}
		sum += s.Amount
	}
	return sum
}

// earliestStart is how far back a level's spending must be read for its
// limits: the earliest interval start among them. read is false when no
// limit needs history (none, or only per-authorization ones); bounded is
// false when one needs all of it.
func earliestStart(limits []issuing.SpendingLimit, now time.Time) (start time.Time, bounded, read bool) {
	bounded = true
	for _, l := range limits {
		if l.Interval == IntervalPerAuthorization {
			continue
		}
		read = true
		s, b := IntervalStart(l.Interval, now)
		if !b {
			bounded = false
			continue
		}
		if start.IsZero() || s.Before(start) {
			start = s
		}
	}
	return start, bounded, read
}
