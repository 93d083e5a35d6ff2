package main

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/localissuing/localissuing/card"
	"github.com/localissuing/localissuing/cardholder"
	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/store"
	"github.com/localissuing/localissuing/store/sqlite"
	"github.com/localissuing/localissuing/token"
)

// seedSpec says what a benchmark database holds, all in the account of
// one API key.
type seedSpec struct {
	Key           string
	Tokens        int // wallet tokens, on active virtual cards
	TokensPerCard int
	Pending       int // physical cards whose shipping is pending
}

// seeded names what was written: every id the workloads use, and an even
// sample of the tokens when there are too many to hand to wrk.
type seeded struct {
	Tokens   []string // token ids (all active)
	Cards    []string // the virtual cards that hold the tokens
	Physical []string // pending physical cards, each shippable once
	Rows     int      // objects written, events included
	Elapsed  time.Duration
}

const (
	cardsPerHolder = 100
	// chunkSize is how many objects one generator hands over at a time;
	// each chunk is written in one transaction.
	chunkSize = 20_000
	// maxSampledTokens bounds the ids kept for the retrieve workload.
	maxSampledTokens = 20_000
)

// seedDB writes spec into a new SQLite database at path. Documents are
// made by the resource packages' own Create functions (cardholder.Create,
// card.Create, token.Create), events included, exactly as the API would
// make them; only the transaction differs: they run against a bufferTx on
// every core, and one goroutine inserts the results through store.Tx in a
// few large transactions. Going through HTTP instead would take hours for
// a million tokens.
func seedDB(ctx context.Context, path string, spec seedSpec) (*seeded, error) {
	start := time.Now()
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("seed: open %s: %w", path, err)
	}
	out := &seeded{}
	err = seedInto(ctx, st, spec, out)
	if cerr := st.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("seed: close %s: %w", path, cerr)
	}
	if err != nil {
		return nil, err
	}
	out.Elapsed = time.Since(start)
	return out, nil
}

func seedInto(ctx context.Context, st store.Store, spec seedSpec, out *seeded) error {
	acct := issuing.AccountForKey(spec.Key, false)
	now := time.Now()
	cards := (spec.Tokens + spec.TokensPerCard - 1) / max(spec.TokensPerCard, 1)
	holders := max(1, (cards+cardsPerHolder-1)/cardsPerHolder)

	// Cardholders and the virtual cards are few; one generator makes them
	// and keeps them readable for the token phase.
	parents := map[string]store.Object{}
	btx := &bufferTx{parents: parents, keep: func(kind string) bool { return kind == cardholder.Kind || kind == card.Kind }}
	var holderIDs []string
	for i := range holders {
		h, err := cardholder.Create(ctx, btx, acct, now.Unix(), holderParams(i))
		if err != nil {
			return fmt.Errorf("seed: cardholder %d: %w", i, err)
		}
		holderIDs = append(holderIDs, h.ID)
	}
	active := card.StatusActive
	for i := range cards {
		c, err := card.Create(ctx, btx, acct, now, card.CreateParams{
			Cardholder: &holderIDs[i%holders], Currency: "usd", Type: "virtual", Status: &active})
		if err != nil {
			return fmt.Errorf("seed: card %d: %w", i, err)
		}
		out.Cards = append(out.Cards, c.ID)
	}
	if err := insertAll(ctx, st, btx.take(), &out.Rows); err != nil {
		return err
	}
	btx.keep = nil // the maps are read-only from here on, shared by the generators

	step := max(1, spec.Tokens/maxSampledTokens)
	wallets := []string{"apple_pay", "google_pay", "samsung_pay"}
	err := generate(ctx, st, spec.Tokens, parents, &out.Rows, func(tx *bufferTx, i int) (string, error) {
		p := token.CreateParams{Card: out.Cards[i/spec.TokensPerCard], WalletProvider: &wallets[i%len(wallets)]}
		t, err := token.Create(ctx, tx, acct, now, p)
		if err != nil || i%step != 0 {
			return "", err
		}
		return t.ID, nil
	}, &out.Tokens)
	if err != nil {
		return fmt.Errorf("seed: tokens: %w", err)
	}
	return generate(ctx, st, spec.Pending, parents, &out.Rows, func(tx *bufferTx, i int) (string, error) {
		c, err := card.Create(ctx, tx, acct, now, card.CreateParams{
			Cardholder: &holderIDs[i%holders], Currency: "usd", Type: "physical", Shipping: shippingTo(i)})
		if err != nil {
			return "", err
		}
		return c.ID, nil
	}, &out.Physical)
}

// chunk is one generator's output.
type chunk struct {
	objects []store.Object
	ids     []string
}

// generate calls build for 0..n-1 on every core and inserts what it
// inserted, one transaction per chunk; ids collects the non-empty ids
// build returns. The order of chunks is not the order of i.
func generate(ctx context.Context, st store.Store, n int, parents map[string]store.Object, rows *int,
	build func(*bufferTx, int) (string, error), ids *[]string) error {
	if n == 0 {
		return nil
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	per := max(1, chunkSize/2) // a token or card is two objects with its event
	next := make(chan int)     // start of the next range
	done := make(chan chunk, 2)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for lo := range next {
				tx := &bufferTx{parents: parents}
				var c chunk
				for i := lo; i < min(lo+per, n); i++ {
					id, err := buildOne(build, tx, i)
					if err != nil {
						cancel(fmt.Errorf("item %d: %w", i, err))
						return
					}
					if id != "" {
						c.ids = append(c.ids, id)
					}
				}
				c.objects = tx.take()
				select {
				case done <- c:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() {
		defer close(next)
		for lo := 0; lo < n; lo += per {
			select {
			case next <- lo:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() { wg.Wait(); close(done) }()
	for c := range done {
		if err := insertAll(ctx, st, c.objects, rows); err != nil {
			cancel(err)
			break
		}
		*ids = append(*ids, c.ids...)
	}
	if err := context.Cause(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return ctx.Err()
}

// insertAll writes objects in one transaction, in their order.
func insertAll(ctx context.Context, st store.Store, objects []store.Object, rows *int) error {
	err := st.Update(ctx, func(tx store.Tx) error {
		for i := range objects {
			if err := tx.Insert(ctx, &objects[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("seed: insert %d objects: %w", len(objects), err)
	}
	*rows += len(objects)
	return nil
}

func holderParams(i int) cardholder.Params {
	name := "Jenny " + letters(i) // names take letters only
	email := fmt.Sprintf("holder%d@example.com", i)
	line1, city, zip, country := "1 Main St", "San Francisco", "94111", "US"
	return cardholder.Params{Name: &name, Email: &email, Billing: &cardholder.Billing{Address: issuing.Address{
		Line1: &line1, City: &city, PostalCode: &zip, Country: &country}}}
}

func shippingTo(i int) *card.Shipping {
	line1, city, zip, country := fmt.Sprintf("%d Main St", i+1), "San Francisco", "94111", "US"
	return &card.Shipping{Name: "Jenny Rosen", Address: issuing.Address{
		Line1: &line1, City: &city, PostalCode: &zip, Country: &country}}
}

// buildOne calls build, turning a panic from a store.Tx method that
// bufferTx lacks into an error.
func buildOne(build func(*bufferTx, int) (string, error), tx *bufferTx, i int) (id string, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("a Create path used a store.Tx method that seeding does not provide: %v", r)
		}
	}()
	return build(tx, i)
}

// letters spells i in the letters a to z.
func letters(i int) string {
	s := ""
	for {
		s = string(rune('a'+i%26)) + s
		if i /= 26; i == 0 {
			return s
		}
	}
}
