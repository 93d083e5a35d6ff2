package e2e

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v85"
	"github.com/stripe/stripe-go/v85/webhook"

	localwebhook "github.com/localissuing/localissuing/webhook"
)

// receiver is a webhook endpoint on loopback that checks every delivery
// the way an application would, with stripe-go's webhook.ConstructEvent
// and the secret of the endpoint the path belongs to, and records what it
// was sent.
type receiver struct {
	t   *testing.T
	srv *httptest.Server

	mu       sync.Mutex
	secrets  map[string]string         // by path
	answers  map[string][]int          // statuses to answer, by path; the last repeats
	requests map[string]int            // requests so far, by path
	events   map[string][]stripe.Event // verified events, by path, in arrival order
	changed  chan struct{}             // signaled after every request
}

// newReceiver starts a receiver that answers 200 unless told otherwise.
func newReceiver(t *testing.T) *receiver {
	t.Helper()
	r := newUnstartedReceiver(t)
	r.srv.Start()
	return r
}

// newUnstartedReceiver returns a receiver whose server is not listening
// yet: the test starts it with serveOn or r.srv.Start.
func newUnstartedReceiver(t *testing.T) *receiver {
	t.Helper()
	r := &receiver{t: t, secrets: map[string]string{}, answers: map[string][]int{},
		requests: map[string]int{}, events: map[string][]stripe.Event{}, changed: make(chan struct{}, 1)}
	r.srv = httptest.NewUnstartedServer(http.HandlerFunc(r.serve))
	t.Cleanup(r.srv.Close)
	return r
}

// serveOn starts the receiver on addr, an address that refused
// connections until now.
func (r *receiver) serveOn(addr string) {
	r.t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		r.t.Fatalf("listen on %s again: %v", addr, err)
	}
	r.srv.Listener.Close()
	r.srv.Listener = ln
	r.srv.Start()
}

// url returns the receiver's URL for path.
func (r *receiver) url(path string) string { return r.srv.URL + path }

// expect sets the secret that signs what path is sent and the statuses
// path answers, in order, the last one repeating (none: 200).
func (r *receiver) expect(path, secret string, statuses ...int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.secrets[path], r.answers[path] = secret, statuses
}

func (r *receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, err := io.ReadAll(req.Body)
	if err != nil {
		r.t.Errorf("receiver: read body: %v", err)
		return
	}
	path := req.URL.Path
	r.mu.Lock()
	defer func() {
		r.mu.Unlock()
		select {
		case r.changed <- struct{}{}:
		default:
		}
	}()
	n := r.requests[path]
	r.requests[path]++
	if got := req.Header.Get("Content-Type"); got != "application/json; charset=utf-8" {
		r.t.Errorf("receiver %s: Content-Type %q", path, got)
	}
	if got := req.Header.Get("User-Agent"); got != "Stripe/1.0 (+https://stripe.com/docs/webhooks)" {
		r.t.Errorf("receiver %s: User-Agent %q", path, got)
	}
	ev, err := webhook.ConstructEvent(body, req.Header.Get("Stripe-Signature"), r.secrets[path])
	if err != nil {
		r.t.Errorf("receiver %s: ConstructEvent: %v\n%s", path, err, body)
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	r.events[path] = append(r.events[path], ev)
	status := http.StatusOK
	if a := r.answers[path]; len(a) > 0 {
		status = a[min(n, len(a)-1)]
	}
	w.WriteHeader(status)
	_, _ = io.WriteString(w, `{"received": true}`)
}

// received returns the ids of the events path was sent, in arrival order.
func (r *receiver) received(path string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var ids []string
	for _, ev := range r.events[path] {
		ids = append(ids, ev.ID)
	}
	return ids
}

// waitFor waits until cond holds, failing the test after a deadline.
// Every request the receiver gets wakes it, and so does a short tick for
// conditions on the server's side of a delivery.
func (r *receiver) waitFor(what string, cond func() bool) {
	r.t.Helper()
	deadline := time.NewTimer(10 * time.Second)
	defer deadline.Stop()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-r.changed:
		case <-tick.C:
		case <-deadline.C:
			r.t.Fatalf("gave up waiting for %s", what)
		}
	}
}

// poll makes one pass of the env's dispatcher and checks how many
// deliveries it attempted.
func poll(t *testing.T, e *env, want int) {
	t.Helper()
	n, err := e.Dispatcher.Poll(context.Background())
	if err != nil {
		t.Fatalf("Poll: %v", err)
	}
	if n != want {
		t.Fatalf("Poll attempted %d deliveries at %s, want %d", n, e.Clock.Now().Format(time.RFC3339Nano), want)
	}
}

// withWebhooks runs a dispatcher on Stripe's schedule that the test drives
// with Poll.
func withWebhooks(e *env) {
	e.Webhooks = &localwebhook.Config{Schedule: &localwebhook.StripeSchedule, Timeout: 5 * time.Second}
}

// withAutoDelivery runs a dispatcher in the background that looks at the
// outbox every few milliseconds.
func withAutoDelivery(e *env) {
	e.Webhooks = &localwebhook.Config{Schedule: &localwebhook.StripeSchedule, Timeout: 5 * time.Second,
		PollInterval: 5 * time.Millisecond}
	e.AutoDeliver = true
}
