package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"time"
)

// benchKey is the API key of every benchmark account.
const benchKey = "sk_test_loadbench"

// concurrencies are the connection counts every workload runs at.
var concurrencies = []int{1, 64}

// report is everything measured, for printing.
type report struct {
	started             time.Time
	baseName            string   // "ceiling", or "base build" when comparing builds
	pairs               []pair   // localissuing against the baseline
	scale               []pair   // large database against small
	notes               []string // workloads skipped, and why
	seeds               []seedLine
	startups            map[string][]time.Duration
	memory              []memLine
	largeTokens, tokens int
}

type seedLine struct {
	name    string
	tokens  int
	rows    int
	elapsed time.Duration
}

type memLine struct {
	server string
	residentMemory
}

func run(ctx context.Context, o options) error {
	wrk, err := findWrk()
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "loadbench-")
	if err != nil {
		return fmt.Errorf("work directory: %w", err)
	}
	if o.keep {
		fmt.Println("work directory:", dir, "API key:", benchKey)
	} else {
		defer os.RemoveAll(dir)
	}
	if o.profileDir != "" {
		if err := os.MkdirAll(o.profileDir, 0o755); err != nil {
			return fmt.Errorf("profile directory: %w", err)
		}
	}
	script, err := writeScript(dir)
	if err != nil {
		return err
	}
	bin := o.server
	if bin == "" {
		if bin, err = buildServer(ctx, dir); err != nil {
			return err
		}
	}
	self, err := os.Executable()
	if err != nil {
		return fmt.Errorf("find own binary for the ceiling server: %w", err)
	}
	rep := &report{started: time.Now(), startups: map[string][]time.Duration{}, tokens: o.tokens, largeTokens: o.large}
	// Every database is new, so a fixed key is as good as a fresh one, and
	// it lets a kept database (-keep) be queried afterwards.
	r := &runner{wrk: wrk, script: script, key: benchKey, dir: dir,
		duration: o.duration, threads: o.threads, rounds: o.rounds, profileDir: o.profileDir, log: os.Stdout}
	fmt.Printf("loadbench: %d cores, GOMAXPROCS %d, %s per run, %d rounds, wrk %d threads\n",
		runtime.NumCPU(), runtime.GOMAXPROCS(0), o.duration, o.rounds, o.threads)

	if err := loadPhase(ctx, o, r, bin, self, rep); err != nil {
		return err
	}
	if o.large > 0 {
		if err := scalePhase(ctx, o, r, bin, self, rep); err != nil {
			return err
		}
	}
	rep.print(os.Stdout)
	return nil
}

// buildServer builds cmd/localissuing into dir, as a user would run it.
func buildServer(ctx context.Context, dir string) (string, error) {
	bin := filepath.Join(dir, "localissuing")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "github.com/localissuing/localissuing/cmd/localissuing")
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build ./cmd/localissuing (run loadbench from the repository): %w", err)
	}
	fmt.Printf("built localissuing in %.1f s\n", time.Since(start).Seconds())
	return bin, nil
}

// serverArgs are localissuing's flags for a benchmark instance.
func serverArgs(db string, profile bool) []string {
	args := []string{"--addr", "127.0.0.1:0", "--db", db, "--log-level", "warn"}
	if profile {
		args = append(args, "--pprof", "127.0.0.1:0")
	}
	return args
}

// loadPhase runs every workload against localissuing and the ceiling.
func loadPhase(ctx context.Context, o options, r *runner, bin, self string, rep *report) error {
	shipRuns := o.rounds * len(concurrencies)
	if !o.wants("ship") {
		shipRuns = 0
	}
	db := filepath.Join(r.dir, "load.db")
	seed, err := seedDB(ctx, db, seedSpec{Key: r.key, Tokens: o.tokens, TokensPerCard: 100,
		Pending: 1 + shipRuns*o.shipPerRun})
	if err != nil {
		return err
	}
	rep.addSeed("load", o.tokens, seed)

	// The baseline build, when comparing builds, gets its own copy of the
	// database, made before localissuing changes it.
	baseDB := filepath.Join(r.dir, "load-base.db")
	if o.against != "" {
		if err := copyFile(db, baseDB); err != nil {
			return err
		}
	}
	li, err := startChild(ctx, "localissuing", bin, serverArgs(db, o.profileDir != "")...)
	if err != nil {
		return err
	}
	defer li.stop()
	if _, err := li.waitReady(ctx, "/v1/issuing/tokens/"+seed.Tokens[0], r.key); err != nil {
		return err
	}
	bodies, notes, err := captureBodies(ctx, li.url, r.key, seed)
	if err != nil {
		return err
	}
	rep.notes = append(rep.notes, notes...)
	bodiesFile := filepath.Join(r.dir, "bodies.json")
	if err := writeJSON(bodiesFile, bodies); err != nil {
		return err
	}
	servers := []*child{li} // the localissuing processes, which keep state
	var ceil *child
	if o.against != "" {
		ceil, err = startChild(ctx, "base build", o.against, serverArgs(baseDB, false)...)
		servers = append(servers, ceil)
	} else {
		ceil, err = startChild(ctx, "ceiling", self, "ceiling", "-bodies", bodiesFile)
	}
	if err != nil {
		return err
	}
	defer ceil.stop()
	if _, err := ceil.waitReady(ctx, "/v1/issuing/tokens/"+seed.Tokens[0], r.key); err != nil {
		return err
	}
	rep.baseName = ceil.name

	wls, err := loadWorkloads(o, r, servers, seed, bodies)
	if err != nil {
		return err
	}
	if err := warmUp(ctx, r, wls, li, ceil); err != nil {
		return err
	}
	for _, wl := range wls {
		for _, conns := range concurrencies {
			p, err := r.compare(ctx, wl, conns, ceil, li)
			if err != nil {
				return err
			}
			rep.pairs = append(rep.pairs, p)
		}
	}
	for _, c := range []*child{li, ceil} {
		m, err := c.memory()
		if err != nil {
			return err
		}
		rep.memory = append(rep.memory, memLine{server: c.name + " after the load runs", residentMemory: m})
	}
	return nil
}

// warmUp runs the read workloads briefly on both servers, unrecorded, so
// that the first measured round does not pay for cold caches and fresh
// connections.
func warmUp(ctx context.Context, r *runner, wls []workload, servers ...*child) error {
	for _, wl := range wls {
		if wl.name != "retrieve" && wl.name != "list" {
			continue
		}
		for _, srv := range servers {
			w := *r
			w.duration = time.Second
			if _, err := w.once(ctx, wl, 64, srv, false); err != nil {
				return fmt.Errorf("warm-up: %w", err)
			}
		}
	}
	return nil
}

func writeJSON(path string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s: %w", path, err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

func (rep *report) addSeed(name string, tokens int, s *seeded) {
	rep.seeds = append(rep.seeds, seedLine{name: name, tokens: tokens, rows: s.Rows, elapsed: s.Elapsed})
	fmt.Printf("seeded %s database: %d tokens, %d rows in %.1f s\n", name, tokens, s.Rows, s.Elapsed.Seconds())
}

// copyFile copies a closed SQLite database (seedDB checkpoints it on close,
// so the file alone holds everything).
func copyFile(from, to string) error {
	b, err := os.ReadFile(from)
	if err != nil {
		return fmt.Errorf("copy database: %w", err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		return fmt.Errorf("copy database: %w", err)
	}
	return nil
}
