package main

import (
	"fmt"
	"io"
	"runtime"
	"strings"
	"time"
)

// Targets on the project's 2-core machine, at 64 connections.
var rpsTargets = map[string]float64{"retrieve": 0.55, "list": 0.50, "update": 0.40}

const (
	p99Target     = 2.0 // localissuing's p99 at most this multiple of the ceiling's
	scaleTarget   = 1.2 // p50 with the large database at most this multiple of the small one's
	startupTarget = 100 * time.Millisecond
	rssTarget     = 60 << 20
)

func (rep *report) print(w io.Writer) {
	fmt.Fprintf(w, "\n## Results (%s, %d cores, %s/%s)\n\n", rep.started.Format("2006-01-02"), runtime.NumCPU(), runtime.GOOS, runtime.GOARCH)
	if rep.baseName != "ceiling" {
		fmt.Fprintf(w, "The baseline is the %s, not the ceiling: the columns named ceiling show it.\n", rep.baseName)
	}
	fmt.Fprintln(w, "Medians over the rounds; ratios are taken round by round (each localissuing run next to a baseline run) and their median is shown.")
	fmt.Fprintln(w, "Server CPU is the server process's user+system time per completed request, read from /proc: it does not depend on how much of the machine others took.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| workload | conns | ceiling req/s | localissuing req/s | req/s ÷ ceiling | p50 µs (ceiling → li) | p99 µs (ceiling → li) | p99 ÷ ceiling | server CPU µs/req (ceiling → li) | errors (li, ceiling) |")
	fmt.Fprintln(w, "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
	for _, p := range rep.pairs {
		fmt.Fprintf(w, "| %s | %d | %.0f | %.0f | %.2f | %.0f → %.0f | %.0f → %.0f | %.2f | %.0f → %.0f | %d, %d |\n",
			p.title, p.conns, median(each(p.base, rps)), median(each(p.test, rps)), ratio(p, rps),
			median(each(p.base, p50)), median(each(p.test, p50)),
			median(each(p.base, p99)), median(each(p.test, p99)), ratio(p, p99),
			median(each(p.base, cpu)), median(each(p.test, cpu)),
			errorsOf(p.test), errorsOf(p.base))
	}
	for _, n := range rep.notes {
		fmt.Fprintln(w, "\n"+n)
	}
	if len(rep.scale) > 0 {
		fmt.Fprintf(w, "\n### %d against %d tokens\n\n", rep.largeTokens, rep.tokens)
		fmt.Fprintln(w, "| workload | conns | p50 µs (small → large) | p50 ÷ small | p99 µs (small → large) | req/s (small → large) | req/s ÷ small | server CPU µs/req (small → large) | errors |")
		fmt.Fprintln(w, "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
		for _, p := range rep.scale {
			fmt.Fprintf(w, "| %s | %d | %.0f → %.0f | %.2f | %.0f → %.0f | %.0f → %.0f | %.2f | %.0f → %.0f | %d |\n",
				p.title, p.conns, median(each(p.base, p50)), median(each(p.test, p50)), ratio(p, p50),
				median(each(p.base, p99)), median(each(p.test, p99)),
				median(each(p.base, rps)), median(each(p.test, rps)), ratio(p, rps),
				median(each(p.base, cpu)), median(each(p.test, cpu)),
				errorsOf(p.base)+errorsOf(p.test))
		}
	}
	if len(rep.seeds) > 0 {
		fmt.Fprint(w, "\n### Seeding\n\n")
		for _, s := range rep.seeds {
			fmt.Fprintf(w, "- %s: %d tokens, %d rows in %.1f s (%.0f rows/s)\n", s.name, s.tokens, s.rows,
				s.elapsed.Seconds(), float64(s.rows)/s.elapsed.Seconds())
		}
	}
	if base := rep.startups["ceiling"]; len(base) > 0 {
		fmt.Fprint(w, "\n### Start-up: process start to the first 200\n\n")
		fmt.Fprintln(w, "| server | median ms | ÷ ceiling |")
		fmt.Fprintln(w, "| --- | ---: | ---: |")
		b := medianDuration(base)
		for _, name := range rep.startupOrder() {
			d := medianDuration(rep.startups[name])
			fmt.Fprintf(w, "| %s | %.1f | %.2f |\n", name, ms(d), float64(d)/float64(b))
		}
	}
	if len(rep.memory) > 0 {
		fmt.Fprint(w, "\n### Resident memory\n\n")
		fmt.Fprintln(w, "| process | RSS MB | peak RSS MB | of RSS, file pages MB (the executable, mostly) |")
		fmt.Fprintln(w, "| --- | ---: | ---: | ---: |")
		for _, m := range rep.memory {
			fmt.Fprintf(w, "| %s | %.1f | %.1f | %.1f |\n", m.server, mb(m.rss), mb(m.peak), mb(m.file))
		}
	}
	rep.printTargets(w)
}

func (rep *report) startupOrder() []string {
	out := []string{"ceiling"}
	for name := range rep.startups {
		if name != "ceiling" {
			out = append(out, name)
		}
	}
	if len(out) == 3 && len(out[1]) > len(out[2]) { // small database first
		out[1], out[2] = out[2], out[1]
	}
	return out
}

func (rep *report) printTargets(w io.Writer) {
	if rep.baseName != "ceiling" {
		return // the targets are against the ceiling
	}
	fmt.Fprint(w, "\n### Targets\n\n")
	check := func(ok bool, format string, args ...any) {
		verdict := "MISS"
		if ok {
			verdict = "pass"
		}
		fmt.Fprintf(w, "- %s: %s\n", verdict, fmt.Sprintf(format, args...))
	}
	for _, p := range rep.pairs {
		if p.conns != 64 {
			continue
		}
		if t, ok := rpsTargets[p.workload]; ok {
			r := ratio(p, rps)
			check(r >= t, "%s at 64 connections: %.2f of the ceiling's req/s (target ≥ %.2f)", p.title, r, t)
		}
		r := ratio(p, p99)
		check(r <= p99Target, "%s at 64 connections: p99 %.2f× the ceiling's (target ≤ %.1f×)", p.title, r, p99Target)
	}
	for _, p := range rep.scale {
		r := ratio(p, p50)
		check(r <= scaleTarget, "%s, %d connections: p50 with %d tokens %.2f× that with %d (target ≤ %.1f×)",
			p.title, p.conns, rep.largeTokens, r, rep.tokens, scaleTarget)
	}
	for _, name := range rep.startupOrder() {
		if name == "ceiling" {
			continue
		}
		d := medianDuration(rep.startups[name])
		check(d <= startupTarget, "start-up of localissuing %s: %.1f ms (target ≤ %d ms)", name, ms(d), startupTarget.Milliseconds())
	}
	for _, m := range rep.memory {
		if strings.HasPrefix(m.server, "localissuing") {
			check(m.rss <= rssTarget, "RSS of %s: %.1f MB (target ≤ %d MB)", m.server, mb(m.rss), rssTarget>>20)
		}
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
func mb(b int64) float64         { return float64(b) / (1 << 20) }
