package heapfloor

import (
	"os"
	"runtime"
	"runtime/metrics"
	"testing"
	"time"
)

const mb = 1 << 20

func TestPercent(t *testing.T) {
	tests := []struct {
		name               string
		live, roots, floor uint64
		want               int
	}{
		{"no floor", 4 * mb, 0, 0, 100},
		{"nothing live yet", 0, 0, 24 * mb, 100},
		{"floor below twice the live heap", 16 * mb, 0, 24 * mb, 100},
		{"floor at twice the live heap", 12 * mb, 0, 24 * mb, 100},
		{"floor at what GOGC=100 gives with roots", 10 * mb, 4 * mb, 24 * mb, 100},
		{"small live heap", 4 * mb, 0, 24 * mb, 500},
		{"small live heap, large stacks", 4 * mb, 6 * mb, 24 * mb, 200},
		{"nearly empty heap: the heap minimum, 4 MB at 100, sets the goal", 1024, 0, 24 * mb, 600},
		{"floor below the heap minimum", 512 << 10, 100 << 10, 3 * mb, 100},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Percent(tc.live, tc.roots, tc.floor); got != tc.want {
				t.Errorf("Percent(%d, %d, %d) = %d, want %d", tc.live, tc.roots, tc.floor, got, tc.want)
			}
		})
	}
}

var sink []byte

// collections returns how many collections allocating total bytes of
// garbage takes.
func collections(total int) uint32 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range total / (64 << 10) {
		sink = make([]byte, 64<<10)
	}
	sink = nil
	runtime.ReadMemStats(&after)
	return after.NumGC - before.NumGC
}

func read(metric string) uint64 {
	s := []metrics.Sample{{Name: metric}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

func gogc() uint64 { return read("/gc/gogc:percent") }

// waitFor collects until metric satisfies ok: the keeper adjusts the
// percentage in a cleanup, after a cycle, on another goroutine.
func waitFor(t *testing.T, metric, what string, ok func(uint64) bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !ok(read(metric)) {
		if time.Now().After(deadline) {
			t.Fatalf("%s is %d, want %s", metric, read(metric), what)
		}
		runtime.GC()
		time.Sleep(time.Millisecond)
	}
}

func waitForGOGC(t *testing.T, what string, ok func(uint64) bool) {
	t.Helper()
	waitFor(t, "/gc/gogc:percent", what, ok)
}

func TestGoalIsTheFloor(t *testing.T) {
	const floor = 24 * mb
	stop := Keep(floor)
	defer stop()
	var live [][]byte
	for range 6 {
		live = append(live, make([]byte, mb))
		// Not above the floor either: with a nearly empty heap, GOGC's
		// heap minimum, which grows with the percentage, sets the goal.
		waitFor(t, "/gc/heap/goal:bytes", "the floor, 24 MB", func(goal uint64) bool {
			return floor*95/100 <= goal && goal <= floor
		})
	}
	runtime.KeepAlive(live)
}

func TestKeepCollectsLessOften(t *testing.T) {
	if v := os.Getenv("GOGC"); v != "" {
		t.Skipf("GOGC=%s in the environment sets another pace than the one compared against", v)
	}
	runtime.GC()
	without := collections(256 * mb)

	stop := Keep(64 * mb)
	waitForGOGC(t, "above 100 with a small live heap", func(p uint64) bool { return p > 100 })
	with := collections(256 * mb)
	stop()

	t.Logf("collections for 256 MB of garbage: %d without a floor, %d with 64 MB", without, with)
	if with*2 > without {
		t.Errorf("%d collections with a 64 MB floor, want at most half of the %d without", with, without)
	}
	if p := gogc(); p != 100 {
		t.Errorf("GOGC is %d after stop, want 100", p)
	}
}

func TestKeepYieldsToALargeLiveHeap(t *testing.T) {
	stop := Keep(24 * mb)
	defer stop()
	waitForGOGC(t, "above 100 with a small live heap", func(p uint64) bool { return p > 100 })

	live := make([]byte, 48*mb)
	for i := range live {
		live[i] = 1 // resident, and not optimized away
	}
	waitForGOGC(t, "100 once the live heap is above the floor", func(p uint64) bool { return p == 100 })
	runtime.KeepAlive(live)
	live = nil

	waitForGOGC(t, "above 100 again once the heap is small", func(p uint64) bool { return p > 100 })
}

func TestKeepReplaces(t *testing.T) {
	stop := Keep(64 * mb)
	waitForGOGC(t, "above 100 with a small live heap", func(p uint64) bool { return p > 100 })
	defer Keep(0)()
	if p := gogc(); p != 100 {
		t.Errorf("GOGC is %d once Keep(0) replaced Keep(64 MB), want 100", p)
	}
	stop() // the replaced keeper's stop changes nothing
	if p := gogc(); p != 100 {
		t.Errorf("GOGC is %d, want 100", p)
	}
}

func TestZeroFloorKeepsNone(t *testing.T) {
	stop := Keep(0)
	defer stop()
	runtime.GC()
	runtime.GC()
	if p := gogc(); p != 100 {
		t.Errorf("GOGC is %d with no floor, want 100", p)
	}
}
