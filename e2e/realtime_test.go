package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v85"
	"github.com/stripe/stripe-go/v85/webhook"

	"github.com/localissuing/localissuing/api"
	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/realtime"
	"github.com/localissuing/localissuing/routes"
)

// authEndpoint is an application's real-time authorization endpoint: it
// verifies each request as an application would, checks that the
// authorization it is asked about can be read through the API while it
// decides, and answers with its decide function.
type authEndpoint struct {
	t      *testing.T
	e      *env
	srv    *httptest.Server
	secret string
	decide func(w http.ResponseWriter, ev *stripe.Event, a *stripe.IssuingAuthorization)

	mu       sync.Mutex
	asked    []*stripe.Event
	problems []string
}

func newAuthEndpoint(t *testing.T, e *env, decide func(w http.ResponseWriter, ev *stripe.Event, a *stripe.IssuingAuthorization)) *authEndpoint {
	t.Helper()
	ae := &authEndpoint{t: t, e: e, decide: decide}
	ae.srv = httptest.NewServer(http.HandlerFunc(ae.serve))
	t.Cleanup(ae.srv.Close)
	ae.secret = newEndpoint(t, e, e.Key, ae.srv.URL+"/authorizations", realtime.EventType).Secret
	return ae
}

func (ae *authEndpoint) problem(format string, args ...any) {
	ae.mu.Lock()
	defer ae.mu.Unlock()
	ae.problems = append(ae.problems, fmt.Sprintf(format, args...))
}

func (ae *authEndpoint) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	if got := r.Header.Get("Accept"); got != "application/json" {
		ae.problem("Accept = %q", got)
	}
	ev, err := webhook.ConstructEvent(body, r.Header.Get("Stripe-Signature"), ae.secret)
	if err != nil {
		ae.problem("verify request: %v", err)
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	ae.mu.Lock()
	ae.asked = append(ae.asked, &ev)
	ae.mu.Unlock()
	var a stripe.IssuingAuthorization
	if err := json.Unmarshal(ev.Data.Raw, &a); err != nil {
		ae.problem("decode authorization: %v", err)
	}
	// A first request is not approved yet; an increment's authorization
	// holds what was approved before.
	if ev.Type != realtime.EventType || a.PendingRequest == nil || a.Status != "pending" || a.Approved != (len(a.RequestHistory) > 0) {
		ae.problem("asked with %s: status %s approved %v pending_request %+v", ev.Type, a.Status, a.Approved, a.PendingRequest)
	}
	// What the endpoint is asked about is already stored.
	stored, err := ae.e.sdk(ae.e.Key).V1IssuingAuthorizations.Retrieve(context.Background(), a.ID, nil)
	if err != nil || stored.PendingRequest == nil {
		ae.problem("retrieve %s while asked: %v %+v", a.ID, err, stored)
	}
	ae.decide(w, &ev, &a)
}

// check fails the test for anything the endpoint saw wrong, and returns
// the requests it was sent.
func (ae *authEndpoint) check() []*stripe.Event {
	ae.t.Helper()
	ae.mu.Lock()
	defer ae.mu.Unlock()
	for _, p := range ae.problems {
		ae.t.Error(p)
	}
	return ae.asked
}

// answer writes a decision the way Stripe documents it.
func answer(w http.ResponseWriter, body string) {
	w.Header().Set("Stripe-Version", issuing.APIVersion)
	w.Header().Set("Content-Type", "application/json")
	_, _ = io.WriteString(w, body)
}

func TestRealTimeAuthorization(t *testing.T) {
	// The short window is for the cases that wait it out; the others
	// answer at once.
	const short = 300 * time.Millisecond
	type decideFunc = func(w http.ResponseWriter, ev *stripe.Event, a *stripe.IssuingAuthorization)
	var sdkOf func() *stripe.Client // the case's client, for endpoints on the deprecated flow
	cases := []struct {
		name         string
		timeout      time.Duration
		approveOnEnd bool
		controllable bool
		decide       decideFunc
		status       string
		approved     bool
		reason       string
		amount       int64
		message      string // part of reason_message
		metadata     map[string]string
		unanswered   bool // no 2xx came back: the attempt failed
	}{
		{name: "approved in the response", decide: func(w http.ResponseWriter, _ *stripe.Event, _ *stripe.IssuingAuthorization) {
			answer(w, `{"approved": true}`)
		}, status: "pending", approved: true, reason: "webhook_approved", amount: 1000},
		{name: "declined in the response", decide: func(w http.ResponseWriter, _ *stripe.Event, _ *stripe.IssuingAuthorization) {
			answer(w, `{"approved": false}`)
		}, status: "closed", reason: "webhook_declined", amount: 1000},
		{name: "partial amount", controllable: true, decide: func(w http.ResponseWriter, _ *stripe.Event, _ *stripe.IssuingAuthorization) {
			answer(w, `{"approved": true, "amount": 600}`)
		}, status: "pending", approved: true, reason: "webhook_approved", amount: 600},
		{name: "metadata", decide: func(w http.ResponseWriter, _ *stripe.Event, _ *stripe.IssuingAuthorization) {
			answer(w, `{"approved": true, "metadata": {"rule": "groceries"}}`)
		}, status: "pending", approved: true, reason: "webhook_approved", amount: 1000, metadata: map[string]string{"rule": "groceries"}},
		{name: "amount not controllable", decide: func(w http.ResponseWriter, _ *stripe.Event, _ *stripe.IssuingAuthorization) {
			answer(w, `{"approved": true, "amount": 600}`)
		}, status: "closed", reason: "webhook_error", amount: 1000, message: "is_amount_controllable is false"},
		{name: "amount above the request", controllable: true, decide: func(w http.ResponseWriter, _ *stripe.Event, _ *stripe.IssuingAuthorization) {
			answer(w, `{"approved": true, "amount": 1001}`)
		}, status: "closed", reason: "webhook_error", amount: 1000, message: "more than the 1000 requested"},
		{name: "server error", decide: func(w http.ResponseWriter, _ *stripe.Event, _ *stripe.IssuingAuthorization) {
			w.WriteHeader(http.StatusInternalServerError)
		}, status: "closed", reason: "webhook_error", amount: 1000, message: "500 Internal Server Error", unanswered: true},
		{name: "not JSON", decide: func(w http.ResponseWriter, _ *stripe.Event, _ *stripe.IssuingAuthorization) {
			answer(w, `approved`)
		}, status: "closed", reason: "webhook_error", amount: 1000, message: "not a JSON object"},
		{name: "approved not a boolean", decide: func(w http.ResponseWriter, _ *stripe.Event, _ *stripe.IssuingAuthorization) {
			answer(w, `{"approved": "yes"}`)
		}, status: "closed", reason: "webhook_error", amount: 1000, message: `"approved" must be true or false`},
		{name: "too slow", timeout: short, decide: func(w http.ResponseWriter, _ *stripe.Event, _ *stripe.IssuingAuthorization) {
			time.Sleep(short + 200*time.Millisecond)
			answer(w, `{"approved": true}`)
		}, status: "closed", reason: "webhook_timeout", amount: 1000, message: "No response within 300ms", unanswered: true},
		{name: "too slow, approving by default", timeout: short, approveOnEnd: true, decide: func(w http.ResponseWriter, _ *stripe.Event, _ *stripe.IssuingAuthorization) {
			time.Sleep(short + 200*time.Millisecond)
			answer(w, `{"approved": false}`)
		}, status: "pending", approved: true, reason: "webhook_timeout", amount: 1000, message: "default for unanswered requests approved it", unanswered: true},
		{name: "decision without Stripe-Version", timeout: short, decide: func(w http.ResponseWriter, _ *stripe.Event, _ *stripe.IssuingAuthorization) {
			_, _ = io.WriteString(w, `{"approved": true}`)
		}, status: "closed", reason: "webhook_timeout", amount: 1000, message: "no Stripe-Version header"},
		{name: "approve call, then an empty response", decide: func(w http.ResponseWriter, _ *stripe.Event, a *stripe.IssuingAuthorization) {
			if _, err := sdkOf().V1IssuingAuthorizations.Approve(context.Background(), a.ID, &stripe.IssuingAuthorizationApproveParams{
				Params: stripe.Params{Metadata: map[string]string{"via": "api"}}}); err != nil {
				w.WriteHeader(http.StatusInternalServerError)
			}
		}, status: "pending", approved: true, reason: "webhook_approved", amount: 1000, metadata: map[string]string{"via": "api"}},
		{name: "empty response, then a decline call", decide: func(w http.ResponseWriter, _ *stripe.Event, a *stripe.IssuingAuthorization) {
			sc := sdkOf()
			go func() { _, _ = sc.V1IssuingAuthorizations.Decline(context.Background(), a.ID, nil) }()
		}, status: "closed", reason: "webhook_declined", amount: 1000},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, func(e *env) {
				e.RealTime = realtime.Config{Timeout: tc.timeout, ApproveOnFallback: tc.approveOnEnd}
			})
			sc := e.sdk(e.Key)
			sdkOf = func() *stripe.Client { return sc }
			ae := newAuthEndpoint(t, e, tc.decide)
			c := newActiveCard(t, sc)

			a := authorize(t, sc, c.ID, 1000, &stripe.TestHelpersIssuingAuthorizationCreateParams{
				IsAmountControllable: stripe.Bool(tc.controllable)})
			asked := ae.check()
			if len(asked) != 1 {
				t.Fatalf("endpoint asked %d times, want once", len(asked))
			}
			req := lastRequest(t, a)
			if a.Status != stripe.IssuingAuthorizationStatus(tc.status) || a.Approved != tc.approved || req.Reason != stripe.IssuingAuthorizationRequestHistoryReason(tc.reason) ||
				a.Amount != tc.amount || a.PendingRequest != nil || len(a.RequestHistory) != 1 {
				t.Errorf("authorization: status %s approved %v reason %s amount %d pending_request %+v history %d; want %s %v %s %d",
					a.Status, a.Approved, req.Reason, a.Amount, a.PendingRequest, len(a.RequestHistory), tc.status, tc.approved, tc.reason, tc.amount)
			}
			if req.Amount != 1000 || req.Approved != tc.approved || (req.AuthorizationCode != "") != tc.approved {
				t.Errorf("request history entry = %+v", req)
			}
			if !strings.Contains(req.ReasonMessage, tc.message) {
				t.Errorf("reason_message = %q, want it to contain %q", req.ReasonMessage, tc.message)
			}
			for k, v := range tc.metadata {
				if a.Metadata[k] != v {
					t.Errorf("metadata = %v, want %s=%s", a.Metadata, k, v)
				}
			}
			// The request is an event of its own, before the one that
			// records the decision.
			request := lastEvent(t, e, e.Key, realtime.EventType)
			if request.ID != asked[0].ID {
				t.Errorf("issuing_authorization.request event %s, endpoint was sent %s", request.ID, asked[0].ID)
			}
			created := lastEvent(t, e, e.Key, "issuing_authorization.created")
			var final stripe.IssuingAuthorization
			decode(t, created.Data.Raw, &final)
			if final.ID != a.ID || final.Status != a.Status || final.Approved != a.Approved || final.PendingRequest != nil {
				t.Errorf("issuing_authorization.created carries %s %s approved %v", final.ID, final.Status, final.Approved)
			}
			tries := attempts(t, e, e.Key, request.ID)
			if len(tries) != 1 || tries[0].URL == nil || !strings.HasSuffix(*tries[0].URL, "/authorizations") {
				t.Fatalf("attempts of the request event = %+v", tries)
			}
			if want := map[bool]string{false: "succeeded", true: "failed"}[tc.unanswered]; tries[0].Result != want {
				t.Errorf("attempt result = %s, want %s (status %v, error %v)", tries[0].Result, want, tries[0].StatusCode, tries[0].Error)
			}
		})
	}
}

// Requests Stripe's rules decline are declined without asking, and an
// account without a real-time endpoint is never asked.
func TestRealTimeAskedOnlyWhenRulesApprove(t *testing.T) {
	e := newEnv(t)
	sc := e.sdk(e.Key)
	ae := newAuthEndpoint(t, e, func(w http.ResponseWriter, _ *stripe.Event, _ *stripe.IssuingAuthorization) {
		answer(w, `{"approved": true}`)
	})
	inactive := newCard(t, e, "&status=inactive")
	a := authorize(t, sc, inactive.ID, 1000, nil)
	if a.Status != "closed" || lastRequest(t, a).Reason != "card_inactive" {
		t.Errorf("inactive card: status %s reason %s", a.Status, lastRequest(t, a).Reason)
	}
	if asked := ae.check(); len(asked) != 0 {
		t.Errorf("endpoint asked about a request the rules declined")
	}

	other := newEnv(t)
	osc := other.sdk(other.Key)
	newEndpoint(t, other, other.Key, ae.srv.URL+"/everything", "*")
	b := authorize(t, osc, newActiveCard(t, osc).ID, 1000, nil)
	if !b.Approved || lastRequest(t, b).Reason != "card_active" {
		t.Errorf("without a real-time endpoint: approved %v reason %s", b.Approved, lastRequest(t, b).Reason)
	}
	if asked := ae.check(); len(asked) != 0 {
		t.Errorf("an endpoint subscribed to * was asked")
	}
}

func TestRealTimeIncrement(t *testing.T) {
	e := newEnv(t)
	sc := e.sdk(e.Key)
	var mu sync.Mutex
	answers := []string{`{"approved": true}`, `{"approved": true, "amount": 250}`, `{"approved": false}`}
	ae := newAuthEndpoint(t, e, func(w http.ResponseWriter, _ *stripe.Event, a *stripe.IssuingAuthorization) {
		mu.Lock()
		defer mu.Unlock()
		answer(w, answers[0])
		answers = answers[1:]
	})
	a := authorize(t, sc, newActiveCard(t, sc).ID, 1000, nil)
	th := sc.V1TestHelpersIssuingAuthorizations
	ctx := context.Background()
	a, err := th.Increment(ctx, a.ID, &stripe.TestHelpersIssuingAuthorizationIncrementParams{
		IncrementAmount: stripe.Int64(400), IsAmountControllable: stripe.Bool(true)})
	if err != nil {
		t.Fatalf("increment: %v", err)
	}
	if a.Amount != 1250 || lastRequest(t, a).Reason != "webhook_approved" || lastRequest(t, a).Amount != 400 || a.PendingRequest != nil {
		t.Errorf("after a partly approved increment: amount %d request %+v", a.Amount, lastRequest(t, a))
	}
	a, err = th.Increment(ctx, a.ID, &stripe.TestHelpersIssuingAuthorizationIncrementParams{IncrementAmount: stripe.Int64(100)})
	if err != nil {
		t.Fatalf("increment: %v", err)
	}
	if a.Amount != 1250 || a.Status != "pending" || !a.Approved || lastRequest(t, a).Reason != "webhook_declined" || len(a.RequestHistory) != 3 {
		t.Errorf("after a declined increment: amount %d status %s approved %v history %d", a.Amount, a.Status, a.Approved, len(a.RequestHistory))
	}
	asked := ae.check()
	if len(asked) != 3 {
		t.Fatalf("endpoint asked %d times, want 3", len(asked))
	}
	var second stripe.IssuingAuthorization
	decode(t, asked[1].Data.Raw, &second)
	if second.PendingRequest == nil || second.PendingRequest.Amount != 400 || !second.PendingRequest.IsAmountControllable || second.Amount != 1000 {
		t.Errorf("increment request carried amount %d pending %+v", second.Amount, second.PendingRequest)
	}
	updated := lastEvent(t, e, e.Key, "issuing_authorization.updated")
	if _, ok := updated.Data.PreviousAttributes["request_history"]; !ok {
		t.Errorf("the declined increment's update event has previous_attributes %v", updated.Data.PreviousAttributes)
	}
}

// Only the oldest endpoint that names issuing_authorization.request is
// asked; the others are notified of the request like any event.
func TestRealTimeOneEndpointAnswers(t *testing.T) {
	e := newEnv(t, withWebhooks)
	sc := e.sdk(e.Key)
	ae := newAuthEndpoint(t, e, func(w http.ResponseWriter, _ *stripe.Event, _ *stripe.IssuingAuthorization) {
		answer(w, `{"approved": false}`)
	})
	e.Clock.Advance(time.Second)
	rcv := newReceiver(t)
	later := newEndpoint(t, e, e.Key, rcv.url("/later"), realtime.EventType)
	rcv.expect("/later", later.Secret)

	a := authorize(t, sc, newActiveCard(t, sc).ID, 1000, nil)
	if a.Approved || lastRequest(t, a).Reason != "webhook_declined" {
		t.Errorf("approved %v reason %s, want the oldest endpoint's decline", a.Approved, lastRequest(t, a).Reason)
	}
	if asked := ae.check(); len(asked) != 1 {
		t.Fatalf("oldest endpoint asked %d times", len(asked))
	}
	poll(t, e, 1)
	got := rcv.received("/later")
	if len(got) != 1 || got[0] != lastEvent(t, e, e.Key, realtime.EventType).ID {
		t.Errorf("the newer endpoint was sent %v, want the request as a notification", got)
	}
}

// Authorizations waiting for the endpoint count against spending limits,
// so concurrent requests never approve more than the limit.
func TestRealTimeConcurrentRequestsKeepLimits(t *testing.T) {
	e := newEnv(t)
	sc := e.sdk(e.Key)
	ae := newAuthEndpoint(t, e, func(w http.ResponseWriter, _ *stripe.Event, _ *stripe.IssuingAuthorization) {
		time.Sleep(20 * time.Millisecond) // let the others queue behind
		answer(w, `{"approved": true}`)
	})
	c := newCard(t, e, "&status=active&spending_controls[spending_limits][0][amount]=5000&spending_controls[spending_limits][0][interval]=all_time")
	var wg sync.WaitGroup
	results := make(chan *stripe.IssuingAuthorization, 12)
	for range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a, err := sc.V1TestHelpersIssuingAuthorizations.Create(context.Background(), &stripe.TestHelpersIssuingAuthorizationCreateParams{
				Card: stripe.String(c.ID), Amount: stripe.Int64(1000)})
			if err != nil {
				t.Errorf("create: %v", err)
				return
			}
			results <- a
		}()
	}
	wg.Wait()
	close(results)
	approved, declined := 0, 0
	for a := range results {
		switch {
		case a.Approved && lastRequest(t, a).Reason == "webhook_approved":
			approved++
		case !a.Approved && lastRequest(t, a).Reason == "spending_controls":
			declined++
		default:
			t.Errorf("%s: approved %v reason %s", a.ID, a.Approved, lastRequest(t, a).Reason)
		}
	}
	if approved != 5 || declined != 7 {
		t.Errorf("approved %d, declined %d; want 5 and 7 under a limit of 5000", approved, declined)
	}
	if asked := ae.check(); len(asked) != 5 {
		t.Errorf("endpoint asked %d times, want 5", len(asked))
	}
}

// TestRealTimeRetryElsewhere retries a request, with its idempotency key,
// on a second server sharing the database (as a second process would)
// while the first still asks the endpoint: the retry is told the key is
// in use instead of authorizing again, and once the first has answered,
// a retry replays its answer.
func TestRealTimeRetryElsewhere(t *testing.T) {
	e := newEnv(t)
	srv := api.New(api.Config{Store: e.Store, Clock: e.Clock})
	routes.Register(srv, routes.Config{})
	second := httptest.NewServer(srv)
	t.Cleanup(second.Close)

	c := newActiveCard(t, e.sdk(e.Key))
	form := "card=" + c.ID + "&amount=1000"
	retry := func() response {
		t.Helper()
		other := *e
		other.URL = second.URL
		return other.do("POST", "/v1/test_helpers/issuing/authorizations", e.Key, form, "Idempotency-Key", "retry-elsewhere")
	}
	var during response
	newAuthEndpoint(t, e, func(w http.ResponseWriter, _ *stripe.Event, _ *stripe.IssuingAuthorization) {
		during = retry()
		answer(w, `{"approved": true}`)
	})
	first := e.do("POST", "/v1/test_helpers/issuing/authorizations", e.Key, form, "Idempotency-Key", "retry-elsewhere")
	if first.Status != 200 {
		t.Fatalf("first request: %d %s", first.Status, first.Body)
	}
	var se stripeErr
	decode(t, during.Body, &se)
	if during.Status != 409 || se.Error.Code != "idempotency_key_in_use" {
		t.Errorf("retry while asking: %d %s", during.Status, during.Body)
	}
	after := retry()
	if after.Status != 200 || !bytes.Equal(after.Body, first.Body) {
		t.Errorf("retry after the answer: %d, body equal %v", after.Status, bytes.Equal(after.Body, first.Body))
	}
	list := e.do("GET", "/v1/issuing/authorizations", e.Key, "")
	var page struct{ Data []struct{ ID string } }
	decode(t, list.Body, &page)
	if len(page.Data) != 1 {
		t.Errorf("%d authorizations, want 1", len(page.Data))
	}
}
