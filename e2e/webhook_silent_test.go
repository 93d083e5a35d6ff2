package e2e

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/localissuing/localissuing/event"
	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/store"
	"github.com/localissuing/localissuing/webhook"
)

// silentReceiver takes requests and never answers them, counting how many
// wait at once.
type silentReceiver struct {
	mu                 sync.Mutex
	inFlight, most, of int
}

func (s *silentReceiver) ServeHTTP(_ http.ResponseWriter, r *http.Request) {
	// Read the body, as receivers do: only then does the server notice the
	// sender hanging up and end the request's context.
	_, _ = io.Copy(io.Discard, r.Body)
	s.mu.Lock()
	s.inFlight++
	s.of++
	s.most = max(s.most, s.inFlight)
	s.mu.Unlock()
	<-r.Context().Done() // the sender gave up
	s.mu.Lock()
	s.inFlight--
	s.mu.Unlock()
}

func (s *silentReceiver) counts() (inFlight, most, total int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.inFlight, s.most, s.of
}

// eventually waits for cond, failing the test after a deadline.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		<-tick.C
	}
}

// storedAttempts counts the attempts recorded in the test account.
func storedAttempts(t *testing.T, e *env) []event.Attempt {
	t.Helper()
	var out []event.Attempt
	err := e.Store.View(context.Background(), func(rd store.Reader) error {
		p, err := rd.List(context.Background(), store.Query{Account: issuing.AccountForKey(e.Key, false).ID,
			Kind: event.AttemptKind, Limit: 100})
		for _, o := range p.Objects {
			var a event.Attempt
			decode(t, o.Data, &a)
			out = append(out, a)
		}
		return err
	})
	if err != nil {
		t.Fatalf("list attempts: %v", err)
	}
	return out
}

// TestSilentReceiver points the dispatcher at a receiver that never
// answers: at most Concurrency attempts wait at once, Stop does not wait
// for their timeouts, a stopped attempt does not count, timeouts bound
// every attempt, and nothing is left running or growing afterwards.
func TestSilentReceiver(t *testing.T) {
	const concurrency, events = 8, 20
	e := newEnv(t, func(e *env) {
		e.Webhooks = &webhook.Config{Timeout: time.Minute, Concurrency: concurrency, PollInterval: 5 * time.Millisecond}
	})
	silent := &silentReceiver{}
	srv := httptest.NewServer(silent)
	// Cut the connections first: the silent handlers return only when their
	// request's context ends, and Close waits for every handler.
	defer func() {
		srv.CloseClientConnections()
		srv.Close()
	}()
	newEndpoint(t, e, e.Key, srv.URL+"/hook", "*")
	for range events {
		newCardholderEvent(t, e, e.Key)
	}

	baseline := runtime.NumGoroutine()
	e.Dispatcher.Start()
	eventually(t, "a full set of attempts in flight", func() bool { n, _, _ := silent.counts(); return n == concurrency })
	stopped := make(chan struct{})
	go func() {
		e.Dispatcher.Stop()
		close(stopped)
	}()
	select {
	case <-stopped:
	case <-time.After(10 * time.Second):
		t.Fatal("Stop waited for the attempts' one-minute timeout")
	}
	if _, most, total := silent.counts(); most != concurrency || total != concurrency {
		t.Errorf("%d requests, at most %d at once; want %d, all at once", total, most, concurrency)
	}
	eventually(t, "the goroutines of the stopped dispatcher to end", func() bool { return runtime.NumGoroutine() <= baseline })
	if got := storedAttempts(t, e); len(got) != 0 {
		t.Errorf("stopped attempts were recorded: %+v", got)
	}

	// A short timeout: every delivery is attempted, none waits longer,
	// and the retries of a silent receiver hold no more memory than the
	// first attempts did. (The receiver's own counts are no measure here:
	// it notices a sender hanging up only some time after, and a request
	// that times out while connecting never reaches it.)
	d := webhook.New(webhook.Config{Store: e.Store, Clock: e.Clock, Timeout: 50 * time.Millisecond, Concurrency: concurrency,
		Logger: slog.New(slog.DiscardHandler)})
	baseline = runtime.NumGoroutine()
	var heap []uint64
	for round, wait := range append([]time.Duration{0}, webhook.StripeSchedule.Test...) {
		e.Clock.Advance(wait)
		if n, err := d.Poll(context.Background()); err != nil || n != events {
			t.Fatalf("round %d: Poll attempted %d deliveries (%v), want %d", round, n, err, events)
		}
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		heap = append(heap, ms.HeapAlloc)
	}
	d.Stop()
	if growth := int64(heap[len(heap)-1]) - int64(heap[0]); growth > 4<<20 {
		t.Errorf("heap grew by %d bytes over %d rounds of retries: %v", growth, len(heap), heap)
	}
	got := storedAttempts(t, e)
	if len(got) != events*len(heap) {
		t.Fatalf("%d attempts recorded, want %d", len(got), events*len(heap))
	}
	for _, a := range got {
		if a.Error == nil || !strings.HasPrefix(*a.Error, "Timed out") || a.DurationMS > 5_000 {
			t.Errorf("attempt %+v", a)
		}
	}
	eventually(t, "the goroutines of the dispatcher to end", func() bool { return runtime.NumGoroutine() <= baseline })
}
