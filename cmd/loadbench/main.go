// Command loadbench measures localissuing under load with wrk, against a
// ceiling: a plain net/http server that answers the same routes with fixed
// bodies of the same sizes and stores nothing. Both run as child processes
// on loopback ports and are measured in alternating rounds within one run,
// so that a busy machine slows both alike; results are ratios to the
// ceiling. It then compares list and retrieve latency with 1,000 and with
// 1,000,000 tokens in the database, times start-up to the first 200, and
// reads resident memory after the load.
//
// Run it from the repository root:
//
//	go run ./cmd/loadbench
//
// It needs wrk (apt-get install -y wrk) and builds localissuing itself with
// go build. See docs/PERFORMANCE.md.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

type options struct {
	duration   time.Duration
	rounds     int
	threads    int
	tokens     int
	large      int
	shipPerRun int
	starts     int
	workloads  string
	profileDir string
	keep       bool
	server     string
	against    string
	timeout    time.Duration
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "ceiling" {
		if err := runCeiling(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "loadbench:", err)
			os.Exit(1)
		}
		return
	}
	var o options
	flag.DurationVar(&o.duration, "duration", 3*time.Second, "length of one wrk run")
	flag.IntVar(&o.rounds, "rounds", 3, "alternating rounds per workload and concurrency; results are medians")
	flag.IntVar(&o.threads, "threads", 2, "wrk threads (at most one per connection)")
	flag.IntVar(&o.tokens, "tokens", 1_000, "tokens in the database of the load runs, and the small database of the scale runs")
	flag.IntVar(&o.large, "large", 1_000_000, "tokens in the large database of the scale runs; 0 skips them")
	flag.IntVar(&o.shipPerRun, "ship-per-run", 0, "pending physical cards seeded for each ship run, each shipped once; 0 means 20,000 a second of -duration")
	flag.IntVar(&o.starts, "starts", 5, "start-up timings per server")
	flag.StringVar(&o.workloads, "workloads", "retrieve,list,update,ship,authorize", "comma-separated workloads to run")
	flag.StringVar(&o.profileDir, "profile", "", "directory to save CPU profiles of localissuing (first round at each concurrency)")
	flag.StringVar(&o.server, "server", "", "a localissuing binary to measure instead of building ./cmd/localissuing (to compare builds)")
	flag.StringVar(&o.against, "against", "", "a second localissuing binary to use as the baseline instead of the ceiling server (an A/B of two builds; skips the scale runs)")
	flag.BoolVar(&o.keep, "keep", false, "keep the work directory (databases, ids files, bodies)")
	flag.DurationVar(&o.timeout, "timeout", 60*time.Minute, "give up after this long")
	flag.Parse()
	if o.rounds < 1 || o.duration < time.Second || o.tokens < 100 || o.threads < 1 {
		fmt.Fprintln(os.Stderr, "loadbench: need -rounds ≥ 1, -duration ≥ 1s, -tokens ≥ 100, -threads ≥ 1")
		os.Exit(2)
	}
	if o.against != "" {
		o.large = 0
	}
	if o.shipPerRun <= 0 {
		// Well above the rates seen on 2 cores (10,000 a second on a quiet
		// machine); a run that used up its cards would show 400s in the
		// errors column.
		o.shipPerRun = 20_000 * int(o.duration.Round(time.Second).Seconds())
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	if err := run(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "loadbench:", err)
		os.Exit(1)
	}
}

func (o options) wants(name string) bool {
	for w := range strings.SplitSeq(o.workloads, ",") {
		if strings.TrimSpace(w) == name {
			return true
		}
	}
	return false
}
