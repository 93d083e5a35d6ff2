// Package webhook sends events to webhook endpoints. It reads the store's
// outbox, where package event puts one delivery per subscribed endpoint in
// the transaction that records each event, and POSTs each due delivery to
// its endpoint, signed the way Stripe signs. Delivery is at least once: a
// delivery leaves the outbox only after its attempt is recorded, so a
// server that stops mid-attempt sends it again after it restarts.
package webhook

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/store"
)

// Defaults of Config.
const (
	// DefaultTimeout bounds one attempt, connection included. Stripe
	// gives endpoints some seconds; a local receiver needs less.
	DefaultTimeout = 10 * time.Second
	// DefaultConcurrency is how many attempts may be in flight at once.
	DefaultConcurrency = 8
	// DefaultPollInterval is how often the outbox is read for due
	// deliveries: the longest an event waits before its first attempt.
	DefaultPollInterval = 200 * time.Millisecond
)

// leaseMargin is how much longer than an attempt's timeout a lease lasts,
// so that it runs out only for a dispatcher that died mid-attempt.
const leaseMargin = time.Minute

// Config is what a Dispatcher needs.
type Config struct {
	Store store.Store
	// Clock decides when deliveries are due; nil means the wall clock.
	// Tests move a manual clock to reach the next retry.
	Clock issuing.Clock
	// Schedule spaces the retries; nil means StripeSchedule.
	Schedule     *Schedule
	Timeout      time.Duration // per attempt; 0 means DefaultTimeout
	Concurrency  int           // 0 means DefaultConcurrency
	PollInterval time.Duration // 0 means DefaultPollInterval
	Logger       *slog.Logger  // nil means slog.Default()
}

// Dispatcher delivers the outbox. Start runs it in the background; Poll
// makes one pass on demand. It is safe for concurrent use.
type Dispatcher struct {
	store    store.Store
	clock    issuing.Clock
	schedule Schedule
	client   *http.Client
	lease    time.Duration
	poll     time.Duration
	log      *slog.Logger

	slots    chan struct{}  // one element per attempt in flight
	attempts sync.WaitGroup // attempts in flight
	base     context.Context
	cancel   context.CancelFunc // ends base: Stop

	startOnce sync.Once
	stopOnce  sync.Once
	loopDone  chan struct{} // closed when the loop returns, or at once if never started
	wake      chan struct{} // a pass is wanted now (Wake)
}

// New returns a Dispatcher that is not running yet.
func New(cfg Config) *Dispatcher {
	d := &Dispatcher{store: cfg.Store, clock: cfg.Clock, schedule: StripeSchedule,
		poll: cfg.PollInterval, log: cfg.Logger, loopDone: make(chan struct{}), wake: make(chan struct{}, 1)}
	if cfg.Schedule != nil {
		d.schedule = *cfg.Schedule
	}
	if d.clock == nil {
		d.clock = issuing.SystemClock{}
	}
	if d.log == nil {
		d.log = slog.Default()
	}
	if d.poll <= 0 {
		d.poll = DefaultPollInterval
	}
	timeout, n := cfg.Timeout, cfg.Concurrency
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	if n <= 0 {
		n = DefaultConcurrency
	}
	d.client = newClient(timeout, n)
	d.lease = timeout + leaseMargin
	d.slots = make(chan struct{}, n)
	d.base, d.cancel = context.WithCancel(context.Background())
	return d
}

// Start runs the dispatcher in the background until Stop. Calls after the
// first do nothing.
func (d *Dispatcher) Start() {
	d.startOnce.Do(func() { go d.loop() })
}

// Stop ends the background loop, cancels the attempts in flight and waits
// for them. A canceled attempt does not count: its delivery is due again
// at once, for the next start. Stop is safe to call more than once, and
// without Start.
func (d *Dispatcher) Stop() {
	d.stopOnce.Do(func() {
		d.startOnce.Do(func() { close(d.loopDone) }) // never started: no loop to wait for
		d.cancel()
		<-d.loopDone
		d.attempts.Wait()
		d.client.CloseIdleConnections()
	})
}

// Poll attempts every delivery due now, at most Concurrency at a time,
// and returns when all those attempts have ended, with how many there
// were. Tests use it to step through a retry schedule exactly.
func (d *Dispatcher) Poll(ctx context.Context) (int, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer context.AfterFunc(d.base, cancel)()
	return d.pass(ctx, true)
}

// Wake asks the running dispatcher for a pass soon, as a write that may
// have enqueued deliveries has just committed, instead of at the next
// poll. It never blocks; wakes that come while one is pending are one.
func (d *Dispatcher) Wake() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// wakeGap is the least time between the starts of two passes that wakes
// cause: under a burst of writes, a pass every few milliseconds leases
// what they enqueued, rather than one pass (a write to the store) per
// write.
const wakeGap = 5 * time.Millisecond

func (d *Dispatcher) loop() {
	defer close(d.loopDone)
	tick := time.NewTicker(d.poll)
	defer tick.Stop()
	for {
		started := time.Now()
		if _, err := d.pass(d.base, false); err != nil && d.base.Err() == nil {
			d.log.Warn("webhook dispatcher: read the outbox", "err", err)
		}
		select {
		case <-d.base.Done():
			return
		case <-tick.C:
		case <-d.wake:
			select {
			case <-d.base.Done():
				return
			case <-time.After(time.Until(started.Add(wakeGap))):
			}
		}
	}
}

// pass leases due deliveries for the free slots and starts an attempt for
// each. With wait it waits for a free slot, leases until nothing more is
// due and waits for its attempts to end; otherwise it leases only for the
// slots free now and leaves its attempts running.
func (d *Dispatcher) pass(ctx context.Context, wait bool) (int, error) {
	var started sync.WaitGroup
	defer func() {
		if wait {
			started.Wait()
		}
	}()
	n := 0
	for {
		free := d.takeSlots(ctx, wait)
		if free == 0 {
			return n, ctx.Err()
		}
		now := d.clock.Now()
		ds, err := d.store.Lease(ctx, now.UnixMilli(), now.Add(d.lease).UnixMilli(), free)
		if err != nil {
			d.giveSlots(free)
			return n, fmt.Errorf("lease deliveries: %w", err)
		}
		d.giveSlots(free - len(ds))
		for _, del := range ds {
			started.Add(1)
			d.attempts.Add(1)
			go func() {
				defer started.Done()
				defer d.attempts.Done()
				defer d.giveSlots(1)
				d.attempt(ctx, del)
			}()
		}
		n += len(ds)
		if len(ds) < free {
			return n, nil // nothing more is due
		}
	}
}

// takeSlots claims free slots: all that are free now, and with block at
// least one, waiting for it. It returns 0 when ctx ends first.
func (d *Dispatcher) takeSlots(ctx context.Context, block bool) int {
	n := 0
	if block {
		select {
		case d.slots <- struct{}{}:
			n = 1
		case <-ctx.Done():
			return 0
		}
	}
	for n < cap(d.slots) {
		select {
		case d.slots <- struct{}{}:
			n++
		default:
			return n
		}
	}
	return n
}

func (d *Dispatcher) giveSlots(n int) {
	for range n {
		<-d.slots
	}
}
