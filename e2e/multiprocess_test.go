package e2e

import (
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/store/postgres/pgtest"
)

// cluster is two server processes sharing one PostgreSQL schema, as a team
// runs them behind a load balancer, and an account to use them with.
type cluster struct {
	procs []*process
	key   string
	hooks *receiver // where --forward-to sends every event
}

// pick returns the process that the i-th request goes to: round robin, as
// a load balancer without sticky sessions does.
func (c *cluster) pick(i int) *process { return c.procs[i%len(c.procs)] }

// TestMultiProcess starts two real server processes on one PostgreSQL
// schema and drives both at once: what one process writes the other must
// respect, as if they were one server.
func TestMultiProcess(t *testing.T) {
	dsn := pgtest.DSN(t)
	bin := buildServer(t)
	c := &cluster{key: "sk_test_" + issuing.RandomString(24), hooks: newReceiver(t)}
	// One after the other: the first creates the schema and the
	// --forward-to endpoint, the second finds both.
	for range 2 {
		c.procs = append(c.procs, startServer(t, bin, "--db", dsn, "--forward-to", c.hooks.url("/hooks"), "--webhook-retries", "none"))
	}
	if c.procs[0].Secret == "" || c.procs[1].Secret != c.procs[0].Secret {
		t.Fatalf("forward-to secrets %q and %q, want one", c.procs[0].Secret, c.procs[1].Secret)
	}
	c.hooks.expect("/hooks", c.procs[0].Secret)

	holder := c.create(t, 0, "/v1/issuing/cardholders", cardholderForm)
	cardID := c.create(t, 1, "/v1/issuing/cards", "cardholder="+holder+"&currency=usd&type=virtual&status=active")
	t.Run("metadata updates", func(t *testing.T) { testNoLostMetadata(t, c, cardID) })
	t.Run("token status", func(t *testing.T) { testTokenStatusAcrossProcesses(t, c, cardID) })
	t.Run("idempotency", func(t *testing.T) { testIdempotencyAcrossProcesses(t, c) })
	t.Run("cursors", func(t *testing.T) { testCursorsAcrossProcesses(t, c, holder, cardID) })
	t.Run("webhooks", func(t *testing.T) { testEveryEventDeliveredOnce(t, c) })
}

// create posts form to path on the i-th process and returns the new id.
func (c *cluster) create(t *testing.T, i int, path, form string) string {
	t.Helper()
	r := c.pick(i).do(t, "POST", path, c.key, form)
	if r.Status != http.StatusOK {
		t.Fatalf("POST %s: %d %s", path, r.Status, r.Body)
	}
	var v struct{ ID string }
	decode(t, r.Body, &v)
	return v.ID
}

// all lists every object of path (oldest last), paging with
// starting_after over both processes in turn, and checks that no object
// shows up twice.
func (c *cluster) all(t *testing.T, path, query string) []map[string]any {
	t.Helper()
	var out []map[string]any
	seen := map[string]bool{}
	after := ""
	for i := 0; ; i++ {
		q := query + "&limit=7"
		if after != "" {
			q += "&starting_after=" + after
		}
		r := c.pick(i).do(t, "GET", path, c.key, q)
		if r.Status != http.StatusOK {
			t.Fatalf("GET %s?%s: %d %s", path, q, r.Status, r.Body)
		}
		var page struct {
			Data    []map[string]any `json:"data"`
			HasMore bool             `json:"has_more"`
		}
		decode(t, r.Body, &page)
		for _, o := range page.Data {
			id := o["id"].(string)
			if seen[id] {
				t.Fatalf("%s: %s listed twice", path, id)
			}
			seen[id] = true
		}
		out = append(out, page.Data...)
		if !page.HasMore {
			return out
		}
		after = page.Data[len(page.Data)-1]["id"].(string)
	}
}

// events returns the account's events of a type about one object, oldest
// first.
func (c *cluster) events(t *testing.T, typ, objectID string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, ev := range c.all(t, "/v1/events", "type="+typ) {
		if ev["data"].(map[string]any)["object"].(map[string]any)["id"] == objectID {
			out = append(out, ev)
		}
	}
	slices.Reverse(out)
	return out
}

// hammer runs workers goroutines that each make each requests, and waits.
func hammer(workers, each int, fn func(w, i int)) {
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				fn(w, i)
			}
		})
	}
	wg.Wait()
}

// testNoLostMetadata adds metadata keys to one card from many clients
// through both processes at once: every key must be there afterwards, with
// one event for each update.
func testNoLostMetadata(t *testing.T, c *cluster, cardID string) {
	const workers, each = 6, 8 // 48 keys: Stripe allows 50
	hammer(workers, each, func(w, i int) {
		r := c.pick(w+i).do(t, "POST", "/v1/issuing/cards/"+cardID, c.key, fmt.Sprintf("metadata[w%d_%d]=v", w, i))
		if r.Status != http.StatusOK {
			t.Errorf("update %d/%d: %d %s", w, i, r.Status, r.Body)
		}
	})
	var card struct{ Metadata map[string]string }
	decode(t, c.pick(0).do(t, "GET", "/v1/issuing/cards/"+cardID, c.key, "").Body, &card)
	if len(card.Metadata) != workers*each {
		t.Errorf("card has %d metadata keys after %d updates that each added one", len(card.Metadata), workers*each)
	}
	if n := len(c.events(t, "issuing_card.updated", cardID)); n != workers*each {
		t.Errorf("%d issuing_card.updated events for %d updates", n, workers*each)
	}
}

// testTokenStatusAcrossProcesses toggles one token between active and
// suspended from many clients through both processes. Each real change
// must leave exactly one event, and the events must chain: each starts
// from the status the previous one ended in, which a lost update would
// break. Then many clients delete it at once: one succeeds.
func testTokenStatusAcrossProcesses(t *testing.T, c *cluster, cardID string) {
	tokenID := c.create(t, 0, "/v1/test_helpers/issuing/tokens", "card="+cardID)
	const workers, each = 8, 6
	hammer(workers, each, func(w, i int) {
		status := []string{"suspended", "active"}[(w+i)%2]
		if r := c.pick(w*each+i).do(t, "POST", "/v1/issuing/tokens/"+tokenID, c.key, "status="+status); r.Status != http.StatusOK {
			t.Errorf("set %s: %d %s", status, r.Status, r.Body)
		}
	})
	events := c.events(t, "issuing_token.updated", tokenID)
	status := "active"
	for i, ev := range events {
		data := ev["data"].(map[string]any)
		prev := data["previous_attributes"].(map[string]any)["status"]
		now := data["object"].(map[string]any)["status"]
		if prev != status || now == prev {
			t.Fatalf("event %d of %d goes from %v to %v; the token was %s", i, len(events), prev, now, status)
		}
		status = now.(string)
	}
	var tok struct{ Status string }
	decode(t, c.pick(1).do(t, "GET", "/v1/issuing/tokens/"+tokenID, c.key, "").Body, &tok)
	if tok.Status != status {
		t.Errorf("token is %s, its last event says %s", tok.Status, status)
	}

	var mu sync.Mutex
	deleted := 0
	hammer(8, 1, func(w, _ int) {
		r := c.pick(w).do(t, "POST", "/v1/issuing/tokens/"+tokenID, c.key, "status=deleted")
		mu.Lock()
		defer mu.Unlock()
		switch r.Status {
		case http.StatusOK:
			deleted++
		case http.StatusBadRequest: // deleted already, which is final
		default:
			t.Errorf("delete: %d %s", r.Status, r.Body)
		}
	})
	if deleted != 1 {
		t.Errorf("%d deletes succeeded, want 1", deleted)
	}
	if n := len(c.events(t, "issuing_token.updated", tokenID)); n != len(events)+1 {
		t.Errorf("%d events after the deletes, want %d", n, len(events)+1)
	}
}

// testIdempotencyAcrossProcesses sends each request twice at once, to both
// processes, with one key: it must run once, and each answer must be its
// result or a 409.
func testIdempotencyAcrossProcesses(t *testing.T, c *cluster) {
	const keys = 15
	results := make([][2]response, keys)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for k := range keys {
		for p := range 2 {
			wg.Go(func() {
				<-start
				results[k][p] = c.pick(p).do(t, "POST", "/v1/issuing/cardholders", c.key,
					fmt.Sprintf("%s&email=idem%d@example.com", cardholderForm, k), "Idempotency-Key", fmt.Sprint("race-", k))
			})
		}
	}
	close(start)
	wg.Wait()
	for k, pair := range results {
		var ids []string
		for _, r := range pair {
			switch r.Status {
			case http.StatusOK:
				var v struct{ ID string }
				decode(t, r.Body, &v)
				ids = append(ids, v.ID)
			case http.StatusConflict:
				var se stripeErr
				decode(t, r.Body, &se)
				if se.Error.Code != "idempotency_key_in_use" {
					t.Errorf("key %d: 409 with code %q", k, se.Error.Code)
				}
			default:
				t.Errorf("key %d: %d %s", k, r.Status, r.Body)
			}
		}
		if len(ids) == 0 || len(ids) == 2 && ids[0] != ids[1] {
			t.Errorf("key %d: answers %v, want one cardholder", k, ids)
		}
		made := c.all(t, "/v1/issuing/cardholders", fmt.Sprintf("email=idem%d@example.com", k))
		if len(made) != 1 {
			t.Errorf("key %d: %d cardholders made", k, len(made))
		}
	}
}

// testCursorsAcrossProcesses creates cards through both processes while a
// client polls for new ones with ending_before, as one polls events:
// together the polls must see every card exactly once, and a walk with
// starting_after must list every card once.
func testCursorsAcrossProcesses(t *testing.T, c *cluster, holder, newest string) {
	const writers, each = 2, 12
	var mu sync.Mutex
	var made []string
	done := make(chan struct{})
	go func() {
		defer close(done)
		hammer(writers, each, func(w, i int) {
			id := c.create(t, w+i, "/v1/issuing/cards", "cardholder="+holder+"&currency=usd&type=virtual")
			mu.Lock()
			made = append(made, id)
			mu.Unlock()
		})
	}()
	seen := map[string]bool{}
	poll := func(i int) {
		for {
			r := c.pick(i).do(t, "GET", "/v1/issuing/cards", c.key, "limit=3&ending_before="+newest)
			var page struct {
				Data []struct {
					ID string `json:"id"`
				} `json:"data"`
				HasMore bool `json:"has_more"`
			}
			decode(t, r.Body, &page)
			for _, card := range page.Data {
				if seen[card.ID] {
					t.Errorf("polling saw %s twice", card.ID)
				}
				seen[card.ID] = true
			}
			if len(page.Data) > 0 {
				newest = page.Data[0].ID
			}
			if !page.HasMore {
				return
			}
		}
	}
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for i := 0; ; i++ {
		select {
		case <-done:
			poll(i) // after the last commit
			if len(made) != writers*each {
				t.Fatalf("%d cards made, want %d", len(made), writers*each)
			}
			for _, id := range made {
				if !seen[id] {
					t.Errorf("polling with ending_before never saw %s", id)
				}
			}
			if len(seen) != len(made) {
				t.Errorf("polling saw %d cards, %d were made", len(seen), len(made))
			}
			if n := len(c.all(t, "/v1/issuing/cards", "")); n != len(made)+1 {
				t.Errorf("walk listed %d cards, want %d", n, len(made)+1)
			}
			return
		case <-tick.C:
			poll(i)
		}
	}
}

// testEveryEventDeliveredOnce checks the webhook outbox across processes:
// both dispatch from the one outbox, and every event of the account
// reaches the forwarding endpoint exactly once (it answers 200, so one
// attempt each).
func testEveryEventDeliveredOnce(t *testing.T, c *cluster) {
	var want []string
	for _, ev := range c.all(t, "/v1/events", "") {
		want = append(want, ev["id"].(string))
	}
	c.hooks.waitFor(fmt.Sprintf("%d events delivered", len(want)), func() bool {
		return len(c.hooks.received("/hooks")) >= len(want)
	})
	got := map[string]int{}
	for _, id := range c.hooks.received("/hooks") {
		got[id]++
	}
	for _, id := range want {
		if got[id] != 1 {
			t.Errorf("event %s delivered %d times", id, got[id])
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d distinct events delivered, the account has %d", len(got), len(want))
	}
}
