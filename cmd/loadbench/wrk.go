package main

import (
	"bufio"
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

//go:embed scripts/workload.lua
var workloadLua []byte

// wrkInstallHint is printed when wrk is missing.
const wrkInstallHint = "loadbench drives the servers with wrk, which is not on the PATH; " +
	"install it with `apt-get install -y wrk` (Debian/Ubuntu) or `brew install wrk` (macOS)"

// findWrk returns the path of wrk, or an error saying how to install it.
func findWrk() (string, error) {
	path, err := exec.LookPath("wrk")
	if err != nil {
		return "", errors.New(wrkInstallHint)
	}
	return path, nil
}

// wrkRun is one run of wrk against one server.
type wrkRun struct {
	wrk      string // path of the binary
	script   string // path of workload.lua
	url      string // base URL, loopback only
	workload string
	key      string
	idsFile  string
	conns    int
	threads  int
	duration time.Duration
}

// wrkResult is what workload.lua's done() reports.
type wrkResult struct {
	Requests   int64   `json:"requests"`
	DurationUS int64   `json:"duration_us"`
	P50US      float64 `json:"p50_us"`
	P99US      float64 `json:"p99_us"`
	MeanUS     float64 `json:"mean_us"`
	MaxUS      float64 `json:"max_us"`
	Connect    int64   `json:"connect"`
	Read       int64   `json:"read"`
	Write      int64   `json:"write"`
	Status     int64   `json:"status"` // responses other than 2xx and 3xx
	Timeout    int64   `json:"timeout"`
	// ServerCPU is the CPU time the server used during the run; loadbench
	// fills it in.
	ServerCPU time.Duration `json:"-"`
}

// CPUPerRequest is the server's CPU time per completed request, in µs.
func (r wrkResult) CPUPerRequest() float64 {
	if r.Requests == 0 {
		return 0
	}
	return float64(r.ServerCPU.Microseconds()) / float64(r.Requests)
}

// RPS is completed requests per second.
func (r wrkResult) RPS() float64 {
	if r.DurationUS == 0 {
		return 0
	}
	return float64(r.Requests) / (float64(r.DurationUS) / 1e6)
}

// Errors counts every failed request: sockets, timeouts and non-2xx.
func (r wrkResult) Errors() int64 { return r.Connect + r.Read + r.Write + r.Status + r.Timeout }

// run executes wrk and parses its report. wrk stops by itself after
// duration; the context bounds it in case it hangs.
func (w wrkRun) run(ctx context.Context) (wrkResult, error) {
	threads := max(1, min(w.threads, w.conns)) // wrk needs a connection per thread
	ctx, cancel := context.WithTimeout(ctx, w.duration+30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, w.wrk,
		"-t", strconv.Itoa(threads), "-c", strconv.Itoa(w.conns),
		"-d", fmt.Sprintf("%ds", max(1, int(w.duration.Round(time.Second).Seconds()))), // whole seconds only "--timeout", "5s",
		"-s", w.script, w.url, "--", w.workload, w.key, w.idsFile, strconv.Itoa(threads))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return wrkResult{}, fmt.Errorf("wrk %s against %s: %w: %s%s", w.workload, w.url, err, stderr.String(), stdout.String())
	}
	sc := bufio.NewScanner(&stdout)
	for sc.Scan() {
		if line, ok := strings.CutPrefix(sc.Text(), "LOADBENCH "); ok {
			var r wrkResult
			if err := json.Unmarshal([]byte(line), &r); err != nil {
				return wrkResult{}, fmt.Errorf("wrk %s: parse %q: %w", w.workload, line, err)
			}
			return r, nil
		}
	}
	return wrkResult{}, fmt.Errorf("wrk %s against %s printed no result: %s%s", w.workload, w.url, stderr.String(), stdout.String())
}

// writeScript puts the embedded Lua script in dir for wrk to read.
func writeScript(dir string) (string, error) {
	path := dir + "/workload.lua"
	if err := os.WriteFile(path, workloadLua, 0o644); err != nil {
		return "", fmt.Errorf("write wrk script: %w", err)
	}
	return path, nil
}
