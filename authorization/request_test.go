package authorization

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/localissuing/localissuing/card"
	"github.com/localissuing/localissuing/card/cardtest"
	"github.com/localissuing/localissuing/cardholder"
	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/store"
	"github.com/localissuing/localissuing/store/sqlite/sqlitetest"
)

// fixture is a store with an active card on which requests can be made.
type fixture struct {
	t    *testing.T
	st   store.Store
	acct issuing.Account
	card string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	st := sqlitetest.Memory(t)
	f := &fixture{t: t, st: st, acct: issuing.AccountForKey("sk_test_authorization_package", false)}
	f.update(func(ctx context.Context, tx store.Tx) error {
		phone := "+18008675309"
		c, err := cardtest.Active(ctx, tx, f.acct, testNow, cardholder.Params{PhoneNumber: &phone}, card.CreateParams{})
		if err != nil {
			return err
		}
		f.card = c.ID
		return nil
	})
	return f
}

func (f *fixture) update(fn func(ctx context.Context, tx store.Tx) error) {
	f.t.Helper()
	if err := f.st.Update(context.Background(), func(tx store.Tx) error { return fn(context.Background(), tx) }); err != nil {
		f.t.Fatalf("update: %v", err)
	}
}

// try runs fn in a transaction and returns its error.
func (f *fixture) try(fn func(ctx context.Context, tx store.Tx) error) error {
	return f.st.Update(context.Background(), func(tx store.Tx) error { return fn(context.Background(), tx) })
}

func (f *fixture) create(amount int64, opts Options, edit func(*CreateParams)) *Authorization {
	f.t.Helper()
	p := CreateParams{Card: f.card, Amount: &amount}
	if edit != nil {
		edit(&p)
	}
	var a *Authorization
	f.update(func(ctx context.Context, tx store.Tx) error {
		var err error
		a, err = Create(ctx, tx, f.acct, testNow, p, opts)
		return err
	})
	return a
}

func isInvalid(err error) bool {
	e, ok := issuing.AsError(err)
	return ok && e.Kind == issuing.KindInvalid
}

func TestRealTimeRequests(t *testing.T) {
	f := newFixture(t)
	controllable := func(p *CreateParams) { p.IsAmountControllable = ptr(true) }
	tests := []struct {
		name       string
		create     func(*CreateParams)
		resolve    func(ctx context.Context, tx store.Tx, id string) (*Authorization, error)
		wantStatus string
		approved   bool
		amount     int64
		reason     string
	}{
		{"approve as asked", nil, func(ctx context.Context, tx store.Tx, id string) (*Authorization, error) {
			return Approve(ctx, tx, f.acct, testNow, id, nil, map[string]any{"by": "webhook"})
		}, StatusPending, true, 1000, ReasonWebhookApproved},
		{"approve less", controllable, func(ctx context.Context, tx store.Tx, id string) (*Authorization, error) {
			return Approve(ctx, tx, f.acct, testNow, id, ptr(int64(400)), nil)
		}, StatusPending, true, 400, ReasonWebhookApproved},
		{"decline", nil, func(ctx context.Context, tx store.Tx, id string) (*Authorization, error) {
			return Decline(ctx, tx, f.acct, testNow, id, nil)
		}, StatusClosed, false, 1000, ReasonWebhookDeclined},
		{"endpoint timed out", nil, func(ctx context.Context, tx store.Tx, id string) (*Authorization, error) {
			return ResolveRequest(ctx, tx, f.acct, testNow, id, Answer{Reason: ReasonWebhookTimeout})
		}, StatusClosed, false, 1000, ReasonWebhookTimeout},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := f.create(1000, Options{AwaitRequest: true}, tc.create)
			if a.PendingRequest == nil || a.PendingRequest.Amount != 1000 || a.Approved || a.Status != StatusPending || len(a.RequestHistory) != 0 {
				t.Fatalf("awaiting authorization = %+v", a)
			}
			// Nothing but the answer may act on it meanwhile.
			err := f.try(func(ctx context.Context, tx store.Tx) error {
				_, err := Capture(ctx, tx, f.acct, testNow, a.ID, CaptureParams{})
				return err
			})
			if !isInvalid(err) {
				t.Errorf("capture while awaiting: %v", err)
			}
			var got *Authorization
			f.update(func(ctx context.Context, tx store.Tx) error {
				var err error
				got, err = tc.resolve(ctx, tx, a.ID)
				return err
			})
			req := got.RequestHistory[len(got.RequestHistory)-1]
			if got.Status != tc.wantStatus || got.Approved != tc.approved || got.Amount != tc.amount || got.PendingRequest != nil ||
				req.Reason != tc.reason || req.Approved != tc.approved || (req.AuthorizationCode != nil) != tc.approved {
				t.Errorf("resolved = status %s approved %v amount %d request %+v", got.Status, got.Approved, got.Amount, req)
			}
			// Answered once; the second answer has nothing to answer.
			err = f.try(func(ctx context.Context, tx store.Tx) error {
				_, err := Decline(ctx, tx, f.acct, testNow, a.ID, nil)
				return err
			})
			if !isInvalid(err) {
				t.Errorf("second answer: %v", err)
			}
		})
	}

	// An amount is only for controllable requests, and must be positive.
	a := f.create(1000, Options{AwaitRequest: true}, nil)
	for _, amount := range []int64{500, 0} {
		err := f.try(func(ctx context.Context, tx store.Tx) error {
			_, err := Approve(ctx, tx, f.acct, testNow, a.ID, &amount, nil)
			return err
		})
		if e, ok := issuing.AsError(err); !ok || e.Param != "amount" {
			t.Errorf("approve %d of an uncontrollable request: %v", amount, err)
		}
	}
}

func TestApproveDeclineNeedAPendingRequest(t *testing.T) {
	f := newFixture(t)
	a := f.create(1000, Options{}, nil)
	for name, call := range map[string]func(ctx context.Context, tx store.Tx) error{
		"approve": func(ctx context.Context, tx store.Tx) error {
			_, err := Approve(ctx, tx, f.acct, testNow, a.ID, nil, nil)
			return err
		},
		"decline": func(ctx context.Context, tx store.Tx) error {
			_, err := Decline(ctx, tx, f.acct, testNow, a.ID, nil)
			return err
		},
	} {
		err := f.try(call)
		if !isInvalid(err) || !strings.Contains(err.Error(), "real-time") {
			t.Errorf("%s without a pending request: %v", name, err)
		}
	}
}

func TestFraudChallenge(t *testing.T) {
	f := newFixture(t)
	risky := func(p *CreateParams) {
		p.RiskAssessment = &struct {
			FraudRisk *struct {
				Level string `json:"level"`
			} `json:"fraud_risk"`
		}{FraudRisk: &struct {
			Level string `json:"level"`
		}{Level: "highest"}}
	}
	a := f.create(1000, Options{}, risky)
	if a.Approved || a.Status != StatusClosed || len(a.FraudChallenges) != 1 || a.FraudChallenges[0].Status != ChallengePending {
		t.Fatalf("risky authorization = approved %v status %s challenges %+v", a.Approved, a.Status, a.FraudChallenges)
	}
	respond := func(id string, confirmed bool) (*Authorization, error) {
		var got *Authorization
		err := f.try(func(ctx context.Context, tx store.Tx) error {
			var err error
			got, err = RespondToChallenge(ctx, tx, f.acct, testNow, id, confirmed)
			return err
		})
		return got, err
	}
	got, err := respond(a.ID, true)
	if err != nil || got.FraudChallenges[0].Status != ChallengeVerified || got.Status != StatusClosed {
		t.Fatalf("respond: %v %+v", err, got)
	}
	if _, err := respond(a.ID, true); !isInvalid(err) {
		t.Errorf("second response: %v", err)
	}
	// The merchant retries: the confirmed cardholder passes.
	b := f.create(1000, Options{}, risky)
	if !b.Approved || b.VerifiedByFraudChallenge == nil || !*b.VerifiedByFraudChallenge {
		t.Errorf("retry after confirmation = approved %v verified %v", b.Approved, b.VerifiedByFraudChallenge)
	}
	// Another merchant is challenged again, and a rejection sticks.
	c := f.create(1000, Options{}, func(p *CreateParams) {
		risky(p)
		p.MerchantData = &issuing.MerchantParams{NetworkID: ptr("999")}
	})
	if c.Approved {
		t.Fatalf("another merchant passed without a challenge")
	}
	if got, err := respond(c.ID, false); err != nil || got.FraudChallenges[0].Status != ChallengeRejected {
		t.Errorf("reject: %v %+v", err, got)
	}
	if _, err := respond(b.ID, true); !isInvalid(err) {
		t.Errorf("respond without a challenge: %v", err)
	}
	if _, err := respond("iauth_missing", true); !errors.As(err, new(*issuing.Error)) {
		t.Errorf("respond to a missing authorization: %v", err)
	}
}

// TestSettleAnswersOnlyItsRequest answers a first request through the API,
// then makes a second (an increment) before the endpoint's late answer to
// the first is settled: that answer leaves the second request alone.
func TestSettleAnswersOnlyItsRequest(t *testing.T) {
	f := newFixture(t)
	a := f.create(1000, Options{AwaitRequest: true}, nil)
	var first string
	f.update(func(ctx context.Context, tx store.Tx) error {
		var err error
		if first, err = PendingID(ctx, tx, f.acct, a.ID); err != nil {
			return err
		}
		_, err = Approve(ctx, tx, f.acct, testNow, a.ID, nil, nil)
		return err
	})
	var second string
	f.update(func(ctx context.Context, tx store.Tx) error {
		if _, err := Increment(ctx, tx, f.acct, testNow, a.ID, IncrementParams{IncrementAmount: 500}, Options{AwaitRequest: true}); err != nil {
			return err
		}
		var err error
		second, err = PendingID(ctx, tx, f.acct, a.ID)
		return err
	})
	if first == "" || second == "" || first == second {
		t.Fatalf("pending ids %q and %q", first, second)
	}
	settle := func(pendingID string, answer Answer) *Authorization {
		t.Helper()
		var got *Authorization
		f.update(func(ctx context.Context, tx store.Tx) error {
			var err error
			got, err = SettleRequest(ctx, tx, f.acct, testNow, a.ID, pendingID, answer)
			return err
		})
		return got
	}
	got := settle(first, Answer{Reason: ReasonWebhookDeclined})
	if got.PendingRequest == nil || got.PendingRequest.Amount != 500 || len(got.RequestHistory) != 1 || got.Amount != 1000 {
		t.Fatalf("the first request's late answer touched the second: pending %+v history %d amount %d",
			got.PendingRequest, len(got.RequestHistory), got.Amount)
	}
	got = settle(second, Answer{Approved: true, Reason: ReasonWebhookApproved})
	if got.PendingRequest != nil || len(got.RequestHistory) != 2 || got.Amount != 1500 {
		t.Errorf("the second request's answer: pending %+v history %d amount %d", got.PendingRequest, len(got.RequestHistory), got.Amount)
	}
}
