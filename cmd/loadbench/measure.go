package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// workload is one kind of request driven by workload.lua.
type workload struct {
	name  string // the script's name for it
	title string
	// ids returns the ids file for the next run against srv; it may
	// prepare state first (the update workload reads the tokens' statuses).
	ids func(ctx context.Context, srv *child) (string, error)
}

// pair is a workload at one concurrency measured on two servers in
// alternating rounds: base is the reference (the ceiling, or the database
// with 1,000 tokens), test is the server judged against it.
type pair struct {
	workload   string
	title      string
	conns      int
	base, test []wrkResult // one per round
}

// runner holds what every run shares.
type runner struct {
	wrk, script, key, dir string
	duration              time.Duration
	threads               int
	rounds                int
	profileDir            string // when set, CPU profiles of test servers are saved here
	log                   io.Writer
}

// compare runs wl against base and test, alternating which goes first in
// each round, so that machine noise that drifts over the run falls on both
// alike.
func (r *runner) compare(ctx context.Context, wl workload, conns int, base, test *child) (pair, error) {
	p := pair{workload: wl.name, title: wl.title, conns: conns}
	for round := range r.rounds {
		order := []*child{base, test}
		if round%2 == 1 {
			order = []*child{test, base}
		}
		for _, srv := range order {
			res, err := r.once(ctx, wl, conns, srv, round == 0 && srv == test)
			if err != nil {
				return p, err
			}
			if srv == base {
				p.base = append(p.base, res)
			} else {
				p.test = append(p.test, res)
			}
			fmt.Fprintf(r.log, "  %-10s c=%-3d round %d %-22s %9.0f req/s  p50 %7.0f µs  p99 %7.0f µs  cpu %5.0f µs/req  errors %d\n",
				wl.name, conns, round+1, srv.name, res.RPS(), res.P50US, res.P99US, res.CPUPerRequest(), res.Errors())
		}
	}
	return p, nil
}

// once is one wrk run; with profile, a CPU profile of srv is taken during
// it when srv serves pprof and a profile directory was given.
func (r *runner) once(ctx context.Context, wl workload, conns int, srv *child, profile bool) (wrkResult, error) {
	// What the run before wrote (the other server's, as often as not) is
	// put on disk first: otherwise the first fsync of this run, a commit's
	// when SQLite reuses its WAL, waits for that writeback as well, which
	// took 0.5–0.7 s in the first round of some runs.
	syncDisks()
	ids, err := wl.ids(ctx, srv)
	if err != nil {
		return wrkResult{}, fmt.Errorf("%s on %s: %w", wl.name, srv.name, err)
	}
	run := wrkRun{wrk: r.wrk, script: r.script, url: srv.url, workload: wl.name, key: r.key,
		idsFile: ids, conns: conns, threads: r.threads, duration: r.duration}
	var prof chan error
	if profile && r.profileDir != "" && srv.pprof != "" && r.duration >= 2*time.Second {
		prof = make(chan error, 1)
		out := filepath.Join(r.profileDir, fmt.Sprintf("%s-%s-c%d.pprof", srv.name, wl.name, conns))
		go func() { prof <- fetchProfile(ctx, srv.pprof, out, r.duration-time.Second) }()
	}
	cpu0, err := srv.cpuTime()
	if err != nil {
		return wrkResult{}, err
	}
	res, err := run.run(ctx)
	if err == nil {
		cpu1, cerr := srv.cpuTime()
		res.ServerCPU, err = cpu1-cpu0, cerr
	}
	if prof != nil {
		if perr := <-prof; perr != nil {
			fmt.Fprintf(r.log, "  (profile: %v)\n", perr)
		}
	}
	return res, err
}

// fetchProfile saves a CPU profile of d seconds from a pprof base URL.
func fetchProfile(ctx context.Context, base, out string, d time.Duration) error {
	secs := max(1, int(d.Seconds()))
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("%sprofile?seconds=%d", base, secs), nil)
	if err != nil {
		return fmt.Errorf("profile request: %w", err)
	}
	client := &http.Client{Timeout: d + 30*time.Second}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("fetch profile: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("fetch profile: status %d", resp.StatusCode)
	}
	f, err := os.Create(out)
	if err != nil {
		return fmt.Errorf("save profile: %w", err)
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return fmt.Errorf("save profile: %w", err)
	}
	return f.Close()
}

// writeLines writes an ids file.
func writeLines(path string, lines []string) (string, error) {
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	return path, nil
}

// median of xs; 0 for none.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// each maps the results of a pair's side to a number per round.
func each(rs []wrkResult, f func(wrkResult) float64) []float64 {
	out := make([]float64, len(rs))
	for i, r := range rs {
		out[i] = f(r)
	}
	return out
}

// ratios divides test by base round by round (round i of each ran back to
// back) and returns the median ratio.
func ratio(p pair, f func(wrkResult) float64) float64 {
	var rs []float64
	for i := range min(len(p.base), len(p.test)) {
		if b := f(p.base[i]); b > 0 {
			rs = append(rs, f(p.test[i])/b)
		}
	}
	return median(rs)
}

func rps(r wrkResult) float64 { return r.RPS() }
func p50(r wrkResult) float64 { return r.P50US }
func p99(r wrkResult) float64 { return r.P99US }
func cpu(r wrkResult) float64 { return r.CPUPerRequest() }

func errorsOf(rs []wrkResult) int64 {
	var n int64
	for _, r := range rs {
		n += r.Errors()
	}
	return n
}
