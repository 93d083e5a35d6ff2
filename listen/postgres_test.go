package listen_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/localissuing/localissuing/listen"
	"github.com/localissuing/localissuing/store/postgres"
	"github.com/localissuing/localissuing/store/postgres/pgtest"
)

// TestListenAcrossProcesses runs two servers on one PostgreSQL schema, as
// two processes behind a load balancer: a CLI connected to either gets the
// events that both record, in the order they committed, each once, and
// keeps its place when its next connection reaches the other.
func TestListenAcrossProcesses(t *testing.T) {
	dsn := pgtest.DSN(t)
	var st *postgres.Store
	open := func() *server {
		var err error
		st, err = postgres.Open(context.Background(), dsn)
		if err != nil {
			t.Fatalf("open %s: %v", dsn, err)
		}
		return newServerOn(t, st)
	}
	a, b := open(), open()
	b.key = a.key
	g := a.session("laptop")
	onB := g
	onB.WebsocketURL = "ws://" + strings.TrimPrefix(b.url, "http://") + listen.WebsocketPath
	conn := dial(t, onB)

	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for range 10 {
		for _, s := range []*server{a, b} {
			wg.Go(func() {
				if _, err := s.createCardholder(); err != nil {
					errs <- err
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	var got []string
	for range 20 {
		id, _, _ := readEvent(t, conn, g.Secret)
		got = append(got, id)
	}
	status, body := a.get("/v1/events?limit=100")
	want := eventIDs(t, status, body)
	slices.Reverse(want) // the API lists newest first
	if !slices.Equal(got, want) {
		t.Errorf("received %v,\nwant every event once, in the order the API lists them: %v", got, want)
	}

	// The place is recorded just after a batch is sent: a connection that
	// moved to the other process in that instant would be sent the batch
	// again (at least once, never lost). Wait for it, as a CLI, which
	// reconnects every minute, does in practice.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		s, err := listen.Lookup(context.Background(), st, g.WebsocketID)
		if err != nil {
			t.Fatal(err)
		}
		if s.Cursor == got[len(got)-1] {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the session's place stays at %s after %s was sent", s.Cursor, got[len(got)-1])
		}
	}
	if err := conn.Close(websocket.StatusNormalClosure, ""); err != nil {
		t.Fatal(err)
	}
	next := b.newCardholder()
	conn = dial(t, g) // on a this time
	if _, _, obj := readEvent(t, conn, g.Secret); obj != next {
		t.Errorf("on the other process got the event of %s, want %s", obj, next)
	}
}
