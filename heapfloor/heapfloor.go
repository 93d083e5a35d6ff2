// Package heapfloor keeps the garbage collector from running while the
// heap is far below a size the process may use anyway.
//
// With GOGC=100 the collector runs each time the heap doubles. A server
// whose live heap is a few megabytes then collects after every few
// megabytes allocated, dozens of times a second under load, although a
// full object cache would, by design, hold the heap at a much larger size.
// Keep raises the collector's percentage after each cycle so that the next
// one starts no earlier than at the floor, and lowers it back to 100 once
// the live heap is half the floor or more: the heap's goal is the larger
// of the floor and what GOGC=100 gives.
package heapfloor

import (
	"math"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// defaultPercent is the collector's percentage without a floor.
const defaultPercent = 100

// heapMinimum is the goal the collector never goes below at GOGC=100. It
// scales with GOGC, so for a nearly empty heap it, not the formula of
// Percent, sets the goal: the percentage must not take it over the floor.
const heapMinimum = 4 << 20

// Percent returns the GOGC percentage that makes the collector start its
// next cycle at floor bytes, and never less than 100. live is the heap
// the last cycle found live and roots the stacks and globals it scanned:
// the collector's next goal is live + (live + roots) × GOGC / 100.
func Percent(live, roots, floor uint64) int {
	if live == 0 || floor <= 2*live+roots {
		return defaultPercent
	}
	p := float64(floor-live) / float64(live+roots) * 100
	p = math.Min(p, float64(floor)/heapMinimum*100)
	return max(defaultPercent, int(p))
}

var (
	mu      sync.Mutex
	running *keeper
)

type keeper struct {
	floor   uint64
	stopped bool
	percent int
	sample  []metrics.Sample
}

// Keep holds the heap's next collection at floor bytes or above until stop
// is called, which sets GOGC=100 again. Only one floor is kept at a time: a
// second Keep replaces the first. A floor of 0 keeps none.
func Keep(floor uint64) (stop func()) {
	mu.Lock()
	defer mu.Unlock()
	if running != nil {
		running.stopped = true
		debug.SetGCPercent(defaultPercent)
	}
	k := &keeper{floor: floor, percent: defaultPercent,
		sample: []metrics.Sample{
			{Name: "/gc/heap/live:bytes"},
			{Name: "/gc/scan/stack:bytes"},
			{Name: "/gc/scan/globals:bytes"},
		}}
	running = k
	if floor > 0 {
		k.adjust()
		k.arm()
	}
	return func() {
		mu.Lock()
		defer mu.Unlock()
		if running == k {
			running = nil
			k.stopped = true
			debug.SetGCPercent(defaultPercent)
		}
	}
}

// arm runs adjust after the next collection: a cleanup runs once the
// object it is attached to is found unreachable, which is at the end of a
// cycle, and arms the next one.
func (k *keeper) arm() {
	sentinel := new([16]*byte) // holds pointers: no tiny allocator, so it is freed alone
	runtime.AddCleanup(sentinel, func(k *keeper) {
		mu.Lock()
		defer mu.Unlock()
		if k.stopped {
			return
		}
		k.adjust()
		k.arm()
	}, k)
}

// adjust sets the percentage for the live heap of the last cycle. Called
// with mu held.
func (k *keeper) adjust() {
	metrics.Read(k.sample)
	var v [3]uint64
	for i, s := range k.sample {
		if s.Value.Kind() != metrics.KindUint64 {
			return // not in this runtime: keep the percentage as it is
		}
		v[i] = s.Value.Uint64()
	}
	p := Percent(v[0], v[1]+v[2], k.floor)
	if p != k.percent {
		debug.SetGCPercent(p)
		k.percent = p
	}
}
