package main

import (
	"context"
	"errors"
	"path/filepath"
	"time"
)

// loadWorkloads makes the workloads of the load phase. servers are the
// localissuing processes, each with its own database; the ceiling ignores
// ids, so it gets whatever file exists.
func loadWorkloads(o options, r *runner, servers []*child, seed *seeded, bodies map[string][]byte) ([]workload, error) {
	tokensFile, err := writeLines(filepath.Join(r.dir, "tokens.txt"), seed.Tokens)
	if err != nil {
		return nil, err
	}
	cardsFile, err := writeLines(filepath.Join(r.dir, "cards.txt"), seed.Cards)
	if err != nil {
		return nil, err
	}
	static := func(path string) func(context.Context, *child) (string, error) {
		return func(context.Context, *child) (string, error) { return path, nil }
	}
	live := map[*child]bool{}
	for _, s := range servers {
		live[s] = true
	}
	var out []workload
	if o.wants("retrieve") {
		out = append(out, workload{name: "retrieve", title: "retrieve a token", ids: static(tokensFile)})
	}
	if o.wants("list") {
		out = append(out, workload{name: "list", title: "list a card's tokens, limit 10", ids: static(cardsFile)})
	}
	if o.wants("update") {
		statesFile := filepath.Join(r.dir, "states.txt")
		if _, err := writeLines(statesFile, activeLines(seed.Tokens)); err != nil {
			return nil, err
		}
		out = append(out, workload{name: "update", title: "update a token's status (durable)",
			ids: func(ctx context.Context, srv *child) (string, error) {
				if !live[srv] {
					return statesFile, nil
				}
				// Requests still queued for the writer when wrk stopped
				// finish within milliseconds; then the statuses are final.
				time.Sleep(300 * time.Millisecond)
				lines, err := tokenStates(ctx, srv.url, r.key, seed.Cards, len(seed.Tokens))
				if err != nil {
					return "", err
				}
				return writeLines(statesFile, lines)
			}})
	}
	if o.wants("ship") {
		next := map[*child]int{} // per database; the first card was shipped when capturing the body
		blockFile := filepath.Join(r.dir, "ship.txt")
		out = append(out, workload{name: "ship", title: "ship a physical card (test helper)",
			ids: func(_ context.Context, srv *child) (string, error) {
				if !live[srv] {
					return writeLines(blockFile, seed.Physical[1:min(len(seed.Physical), 1+o.shipPerRun)])
				}
				from := max(1, next[srv])
				if from+o.shipPerRun > len(seed.Physical) {
					return "", errors.New("ship: out of pending cards")
				}
				next[srv] = from + o.shipPerRun
				return writeLines(blockFile, seed.Physical[from:from+o.shipPerRun])
			}})
	}
	if o.wants("authorize") && bodies[routeAuthorize] != nil {
		out = append(out, workload{name: "authorize", title: "create an authorization (test helper)", ids: static(cardsFile)})
	}
	return out, nil
}

func activeLines(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = id + " active"
	}
	return out
}
