package e2e

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v85"
)

// limits is the form of spending limits given as interval=amount pairs.
func limits(prefix string, pairs ...any) string {
	var b strings.Builder
	for i := 0; i+1 < len(pairs); i += 2 {
		n := i / 2
		b.WriteString("&" + prefix + "[spending_limits][" + strconv.Itoa(n) + "][interval]=" + pairs[i].(string))
		b.WriteString("&" + prefix + "[spending_limits][" + strconv.Itoa(n) + "][amount]=" + strconv.Itoa(pairs[i+1].(int)))
	}
	return b.String()
}

func TestSpendingLimitIntervals(t *testing.T) {
	e := newEnv(t)
	sc := e.sdk(e.Key)
	// The clock starts on Tuesday 2026-11-24 at noon UTC; weeks start on
	// Sunday.
	c := newCard(t, e, limits("spending_controls", "daily", 1000, "weekly", 2500, "monthly", 4000))
	at := func(s string) {
		ts, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		e.Clock.Set(ts)
	}
	steps := []struct {
		when   string
		amount int64
		limit  string // the limit that declines it; "" for approved
	}{
		{"2026-11-24T12:00:00Z", 800, ""},
		{"2026-11-24T23:59:59Z", 300, "daily"},
		{"2026-11-25T00:00:00Z", 300, ""}, // a new day
		{"2026-11-25T18:00:00Z", 700, ""}, // exactly the daily limit
		{"2026-11-26T09:00:00Z", 800, "weekly"},
		{"2026-11-26T09:00:00Z", 700, ""}, // exactly the weekly limit
		{"2026-11-28T23:59:59Z", 1, "weekly"},
		{"2026-11-29T00:00:00Z", 900, ""}, // Sunday: a new week
		{"2026-11-30T10:00:00Z", 700, "monthly"},
		{"2026-11-30T10:00:00Z", 600, ""}, // exactly the monthly limit
		{"2026-12-01T00:00:00Z", 700, ""}, // a new month
	}
	for i, s := range steps {
		at(s.when)
		a := authorize(t, sc, c.ID, s.amount, nil)
		req := lastRequest(t, a)
		if s.limit == "" {
			if !a.Approved {
				t.Fatalf("step %d (%s, %d): declined: %s", i, s.when, s.amount, req.ReasonMessage)
			}
			continue
		}
		if a.Approved || req.Reason != "spending_controls" || !strings.Contains(req.ReasonMessage, s.limit) {
			t.Fatalf("step %d (%s, %d): approved %v reason %s %q, want the %s limit", i, s.when, s.amount, a.Approved, req.Reason, req.ReasonMessage, s.limit)
		}
	}
}

func TestSpendingLimitsCountWhatIsSpent(t *testing.T) {
	e := newEnv(t)
	sc := e.sdk(e.Key)
	ctx := context.Background()
	th := sc.V1TestHelpersIssuingAuthorizations
	c := newCard(t, e, limits("spending_controls", "daily", 1000))
	approved := func(amount int64) bool {
		t.Helper()
		return authorize(t, sc, c.ID, amount, nil).Approved
	}

	a := authorize(t, sc, c.ID, 600, nil)
	if approved(500) {
		t.Fatalf("600 held, 500 more approved under a limit of 1000")
	}
	// A reversal releases what it reverses.
	if _, err := th.Reverse(ctx, a.ID, &stripe.TestHelpersIssuingAuthorizationReverseParams{ReverseAmount: stripe.Int64(200)}); err != nil {
		t.Fatal(err)
	}
	if !approved(500) { // 400 + 500
		t.Fatalf("500 declined after the reversal left 400 held")
	}
	// Over-capture counts what was captured: 400 held become 700 spent.
	if _, err := th.Capture(ctx, a.ID, &stripe.TestHelpersIssuingAuthorizationCaptureParams{CaptureAmount: stripe.Int64(450)}); err != nil {
		t.Fatal(err)
	}
	if approved(60) { // 450 + 500 + 60
		t.Fatalf("60 approved with 950 spent")
	}
	// Refunds do not give spent money back.
	txns := sc.V1IssuingTransactions.List(ctx, &stripe.IssuingTransactionListParams{Card: stripe.String(c.ID)})
	for txn, err := range txns.All(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		if _, err := sc.V1TestHelpersIssuingTransactions.Refund(ctx, txn.ID, nil); err != nil {
			t.Fatal(err)
		}
	}
	if approved(60) {
		t.Fatalf("60 approved after a refund: refunds must not restore the limit")
	}
	// Force captures count; expired authorizations do not.
	e.Clock.Advance(24 * time.Hour)
	x := authorize(t, sc, c.ID, 900, nil)
	if _, err := th.Expire(ctx, x.ID, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := sc.V1TestHelpersIssuingTransactions.CreateForceCapture(ctx, &stripe.TestHelpersIssuingTransactionCreateForceCaptureParams{
		Card: stripe.String(c.ID), Amount: stripe.Int64(700)}); err != nil {
		t.Fatal(err)
	}
	if approved(301) || !approved(300) {
		t.Fatalf("after a force capture of 700 the day has 300 left")
	}
}

func TestCardholderLimitsSpanCards(t *testing.T) {
	e := newEnv(t)
	sc := e.sdk(e.Key)
	ctx := context.Background()
	first := newCard(t, e, "")
	if r := e.do("POST", "/v1/issuing/cardholders/"+first.Cardholder.ID, e.Key,
		strings.TrimPrefix(limits("spending_controls", "weekly", 1000)+"&spending_controls[spending_limits][1][interval]=all_time"+
			"&spending_controls[spending_limits][1][amount]=300&spending_controls[spending_limits][1][categories][]=bakeries", "&")); r.Status != 200 {
		t.Fatalf("set cardholder limits: %d %s", r.Status, r.Body)
	}
	second, err := sc.V1IssuingCards.Create(ctx, &stripe.IssuingCardCreateParams{Cardholder: stripe.String(first.Cardholder.ID),
		Currency: stripe.String("usd"), Type: stripe.String("virtual"), Status: stripe.String("active")})
	if err != nil {
		t.Fatal(err)
	}
	bakery := func() *stripe.TestHelpersIssuingAuthorizationCreateParams {
		return &stripe.TestHelpersIssuingAuthorizationCreateParams{MerchantData: &stripe.TestHelpersIssuingAuthorizationCreateMerchantDataParams{
			Category: stripe.String("bakeries")}}
	}
	steps := []struct {
		card     string
		amount   int64
		params   *stripe.TestHelpersIssuingAuthorizationCreateParams
		approved bool
	}{
		{first.ID, 600, nil, true},
		{second.ID, 500, nil, false}, // the cardholder's week: 600 + 500
		{second.ID, 250, bakery(), true},
		{first.ID, 100, bakery(), false}, // bakeries: 250 + 100 > 300
		{first.ID, 150, nil, true},       // 600 + 250 + 150 = 1000
	}
	for i, s := range steps {
		if a := authorize(t, sc, s.card, s.amount, s.params); a.Approved != s.approved {
			t.Fatalf("step %d: approved %v, want %v (%s)", i, a.Approved, s.approved, lastRequest(t, a).ReasonMessage)
		}
	}
}

// TestConcurrentAuthorizationsNeverExceedLimits fires many authorizations
// at once at one card (and at a second card of the same cardholder): the
// approved total must never pass the card's or the cardholder's limit.
func TestConcurrentAuthorizationsNeverExceedLimits(t *testing.T) {
	e := newEnv(t)
	sc := e.sdk(e.Key)
	ctx := context.Background()
	const cardLimit, holderLimit, amount, perCard = 5000, 8000, 600, 15
	c := newCard(t, e, limits("spending_controls", "daily", cardLimit))
	if r := e.do("POST", "/v1/issuing/cardholders/"+c.Cardholder.ID, e.Key,
		strings.TrimPrefix(limits("spending_controls", "monthly", holderLimit), "&")); r.Status != 200 {
		t.Fatalf("set cardholder limit: %d %s", r.Status, r.Body)
	}
	other, err := sc.V1IssuingCards.Create(ctx, &stripe.IssuingCardCreateParams{Cardholder: stripe.String(c.Cardholder.ID),
		Currency: stripe.String("usd"), Type: stripe.String("virtual"), Status: stripe.String("active")})
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu       sync.Mutex
		approved = map[string]int64{}
		wg       sync.WaitGroup
	)
	for _, cardID := range []string{c.ID, other.ID} {
		for range perCard {
			wg.Add(1)
			go func() {
				defer wg.Done()
				a, err := sc.V1TestHelpersIssuingAuthorizations.Create(ctx, &stripe.TestHelpersIssuingAuthorizationCreateParams{
					Card: stripe.String(cardID), Amount: stripe.Int64(amount)})
				if err != nil {
					t.Errorf("authorize: %v", err)
					return
				}
				if a.Approved {
					mu.Lock()
					approved[cardID] += a.Amount
					mu.Unlock()
				}
			}()
		}
	}
	wg.Wait()
	total := approved[c.ID] + approved[other.ID]
	if approved[c.ID] > cardLimit || total > holderLimit {
		t.Fatalf("approved %d on the card (limit %d) and %d in all (cardholder limit %d)", approved[c.ID], cardLimit, total, holderLimit)
	}
	// Decided one at a time, the requests fill the limits exactly.
	if want := int64(holderLimit / amount * amount); total != want {
		t.Errorf("approved %d in all, want %d: requests were declined that fit", total, want)
	}
}
