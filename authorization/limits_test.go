package authorization

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/localissuing/localissuing/issuing"
)

func TestIntervalStart(t *testing.T) {
	date := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		interval string
		now      time.Time
		want     time.Time
		bounded  bool
	}{
		{IntervalDaily, testNow, date(2026, 11, 25), true},
		{IntervalDaily, date(2026, 11, 25), date(2026, 11, 25), true},
		{IntervalWeekly, testNow, date(2026, 11, 22), true},                           // the Sunday before
		{IntervalWeekly, date(2026, 11, 22).Add(time.Hour), date(2026, 11, 22), true}, // Sunday itself
		{IntervalWeekly, date(2026, 11, 22).Add(-time.Second), date(2026, 11, 15), true},
		{IntervalWeekly, date(2027, 1, 2), date(2026, 12, 27), true}, // across a year
		{IntervalMonthly, testNow, date(2026, 11, 1), true},
		{IntervalMonthly, date(2026, 12, 1).Add(-time.Second), date(2026, 11, 1), true},
		{IntervalYearly, testNow, date(2026, 1, 1), true},
		{IntervalAllTime, testNow, time.Time{}, false},
		{IntervalPerAuthorization, testNow, time.Time{}, false},
		// Another zone's clock still counts in UTC.
		{IntervalDaily, time.Date(2026, 11, 25, 20, 0, 0, 0, time.FixedZone("PST", -8*3600)), date(2026, 11, 26), true},
	}
	for _, tc := range tests {
		got, bounded := IntervalStart(tc.interval, tc.now)
		if !got.Equal(tc.want) || bounded != tc.bounded {
			t.Errorf("IntervalStart(%s, %s) = %s %v, want %s %v", tc.interval, tc.now, got, bounded, tc.want, tc.bounded)
		}
	}
}

func TestSpentSince(t *testing.T) {
	at := func(s string) int64 {
		ts, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return ts.Unix()
	}
	spent := []Spend{
		{At: at("2025-12-31T23:59:59Z"), Amount: 1, Category: "bakeries"},
		{At: at("2026-01-01T00:00:00Z"), Amount: 10, Category: "bakeries"},
		{At: at("2026-11-01T00:00:00Z"), Amount: 100, Category: "florists"},
		{At: at("2026-11-21T23:59:59Z"), Amount: 1000, Category: "bakeries"},
		{At: at("2026-11-22T00:00:00Z"), Amount: 10000, Category: "florists"},
		{At: at("2026-11-25T00:00:00Z"), Amount: 100000, Category: "bakeries"},
	}
	tests := []struct {
		interval   string
		categories []string
		want       int64
	}{
		{IntervalDaily, nil, 100000},
		{IntervalWeekly, nil, 110000},
		{IntervalMonthly, nil, 111100},
		{IntervalYearly, nil, 111110},
		{IntervalAllTime, nil, 111111},
		{IntervalWeekly, []string{"bakeries"}, 100000},
		{IntervalMonthly, []string{"florists"}, 10100},
		{IntervalAllTime, []string{"bakeries", "florists"}, 111111},
	}
	for _, tc := range tests {
		start, bounded := IntervalStart(tc.interval, testNow)
		if got := spentSince(spent, start, bounded, tc.categories); got != tc.want {
			t.Errorf("%s %v: spent %d, want %d", tc.interval, tc.categories, got, tc.want)
		}
	}
}

func TestEarliestStart(t *testing.T) {
	limit := func(interval string) issuing.SpendingLimit {
		return issuing.SpendingLimit{Amount: 1, Interval: interval}
	}
	tests := []struct {
		name          string
		limits        []issuing.SpendingLimit
		want          time.Time
		bounded, read bool
	}{
		{"no limits", nil, time.Time{}, true, false},
		{"per authorization needs no history", []issuing.SpendingLimit{limit(IntervalPerAuthorization)}, time.Time{}, true, false},
		{"daily and monthly", []issuing.SpendingLimit{limit(IntervalDaily), limit(IntervalMonthly)}, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), true, true},
		{"all time", []issuing.SpendingLimit{limit(IntervalDaily), limit(IntervalAllTime)}, time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC), false, true},
	}
	for _, tc := range tests {
		got, bounded, read := earliestStart(tc.limits, testNow)
		if !got.Equal(tc.want) || bounded != tc.bounded || read != tc.read {
			t.Errorf("%s: %s bounded=%v read=%v", tc.name, got, bounded, read)
		}
	}
}

func TestSpentByAnAuthorization(t *testing.T) {
	tests := []struct {
		name string
		r    record
		want int64
	}{
		{"approved pending holds", record{Authorization: Authorization{Status: StatusPending, Approved: true, Amount: 700}}, 700},
		{"partly captured, still holding", record{Authorization: Authorization{Status: StatusPending, Approved: true, Amount: 200}, Captured: 500}, 700},
		{"closed after capture", record{Authorization: Authorization{Status: StatusClosed, Approved: true}, Captured: 900}, 900},
		{"declined", record{Authorization: Authorization{Status: StatusClosed, Amount: 700}}, 0},
		{"reversed", record{Authorization: Authorization{Status: StatusReversed, Approved: true}}, 0},
		{"expired after a partial capture", record{Authorization: Authorization{Status: StatusExpired, Approved: true}, Captured: 300}, 300},
		{"waiting for a real-time answer", record{Authorization: Authorization{Status: StatusPending, Amount: 400, PendingRequest: &PendingRequest{Amount: 400}}}, 400},
	}
	for _, tc := range tests {
		// As history reads it: from the stored document.
		data, err := json.Marshal(tc.r)
		if err != nil {
			t.Fatal(err)
		}
		var f spendFields
		if err := json.Unmarshal(data, &f); err != nil {
			t.Fatal(err)
		}
		if got := f.spent(); got != tc.want {
			t.Errorf("%s: spent %d, want %d", tc.name, got, tc.want)
		}
	}
}
