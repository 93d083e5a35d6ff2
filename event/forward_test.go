package event

import (
	"context"
	"sync"
	"testing"

	"github.com/localissuing/localissuing/store"
	"github.com/localissuing/localissuing/store/postgres"
	"github.com/localissuing/localissuing/store/postgres/pgtest"
)

// TestForwardStartedTogether starts --forward-to on several processes
// sharing one database at the same moment (each a store of its own): one
// endpoint is made, and every process signs with its secret.
func TestForwardStartedTogether(t *testing.T) {
	dsn := pgtest.DSN(t)
	const processes, each = 3, 3
	stores := make([]store.Store, processes)
	for i := range stores {
		st, err := postgres.Open(context.Background(), dsn)
		if err != nil {
			t.Fatalf("open: %v", err)
		}
		t.Cleanup(func() { st.Close() })
		stores[i] = st
	}
	start := make(chan struct{})
	secrets := make(chan string, processes*each)
	var wg sync.WaitGroup
	for _, st := range stores {
		for range each {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				secret, err := Forward(context.Background(), st, 1_780_000_000, "http://127.0.0.1:4242/webhook")
				if err != nil {
					t.Errorf("Forward: %v", err)
					return
				}
				secrets <- secret
			}()
		}
	}
	close(start)
	wg.Wait()
	close(secrets)
	var first string
	for s := range secrets {
		if first == "" {
			first = s
		}
		if s == "" || s != first {
			t.Errorf("secrets differ: %q and %q", first, s)
		}
	}
	err := stores[0].View(context.Background(), func(rd store.Reader) error {
		page, err := rd.List(context.Background(), store.Query{Account: allAccounts, Kind: EndpointKind, Limit: 10})
		if err != nil {
			return err
		}
		if len(page.Objects) != 1 {
			t.Errorf("%d forward endpoints, want 1", len(page.Objects))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
