package main

import (
	"context"
	"fmt"
	"path/filepath"
	"time"
)

// scalePhase compares list and retrieve on a database of o.tokens tokens
// with one of o.large, times start-up to the first 200 on each (the
// ceiling server is the baseline: a Go process that loads nothing), and
// reads the large instance's memory after its load.
func scalePhase(ctx context.Context, o options, r *runner, bin, self string, rep *report) error {
	type side struct {
		name   string
		tokens int
		db     string
		seed   *seeded
		srv    *child
	}
	small := &side{name: fmt.Sprintf("tokens=%d", o.tokens), tokens: o.tokens, db: filepath.Join(r.dir, "small.db")}
	large := &side{name: fmt.Sprintf("tokens=%d", o.large), tokens: o.large, db: filepath.Join(r.dir, "large.db")}
	for _, s := range []*side{small, large} {
		seed, err := seedDB(ctx, s.db, seedSpec{Key: r.key, Tokens: s.tokens, TokensPerCard: 100})
		if err != nil {
			return err
		}
		s.seed = seed
		rep.addSeed(s.name, s.tokens, seed)
	}
	bodiesFile := filepath.Join(r.dir, "bodies.json")

	// Start-up: each server started and stopped in turn, o.starts times.
	for i := range o.starts {
		names := []string{"ceiling", small.name, large.name}
		for k := range names {
			name := names[(i+k)%len(names)] // rotated, so that none always goes first
			var c *child
			var err error
			probe := "/v1/issuing/tokens/" + small.seed.Tokens[0]
			switch name {
			case "ceiling":
				c, err = startChild(ctx, "ceiling", self, "ceiling", "-bodies", bodiesFile)
			case small.name:
				c, err = startChild(ctx, "localissuing "+name, bin, serverArgs(small.db, false)...)
			default:
				c, err = startChild(ctx, "localissuing "+name, bin, serverArgs(large.db, false)...)
				probe = "/v1/issuing/tokens/" + large.seed.Tokens[0]
			}
			if err != nil {
				return err
			}
			d, err := c.waitReady(ctx, probe, r.key)
			if serr := c.stop(); err == nil {
				err = serr
			}
			if err != nil {
				return err
			}
			rep.startups[name] = append(rep.startups[name], d)
			fmt.Printf("  start-up %-22s %6.1f ms\n", name, float64(d.Microseconds())/1000)
		}
	}

	for _, s := range []*side{small, large} {
		c, err := startChild(ctx, s.name, bin, serverArgs(s.db, o.profileDir != "")...)
		if err != nil {
			return err
		}
		defer c.stop()
		if _, err := c.waitReady(ctx, "/v1/issuing/tokens/"+s.seed.Tokens[0], r.key); err != nil {
			return err
		}
		s.srv = c
	}
	files := map[*child][2]string{}
	for _, s := range []*side{small, large} {
		t, err := writeLines(filepath.Join(r.dir, s.name+"-tokens.txt"), s.seed.Tokens)
		if err != nil {
			return err
		}
		c, err := writeLines(filepath.Join(r.dir, s.name+"-cards.txt"), s.seed.Cards)
		if err != nil {
			return err
		}
		files[s.srv] = [2]string{t, c}
	}
	wls := []workload{
		{name: "retrieve", title: "retrieve a token", ids: func(_ context.Context, c *child) (string, error) { return files[c][0], nil }},
		{name: "list", title: "list a card's tokens, limit 10", ids: func(_ context.Context, c *child) (string, error) { return files[c][1], nil }},
	}
	if err := warmUp(ctx, r, wls, small.srv, large.srv); err != nil {
		return err
	}
	for _, wl := range wls {
		for _, conns := range concurrencies {
			p, err := r.compare(ctx, wl, conns, small.srv, large.srv)
			if err != nil {
				return err
			}
			rep.scale = append(rep.scale, p)
		}
	}
	m, err := large.srv.memory()
	if err != nil {
		return err
	}
	rep.memory = append(rep.memory, memLine{server: "localissuing, " + large.name + ", after its runs", residentMemory: m})
	return nil
}

func medianDuration(ds []time.Duration) time.Duration {
	xs := make([]float64, len(ds))
	for i, d := range ds {
		xs[i] = float64(d)
	}
	return time.Duration(median(xs))
}
