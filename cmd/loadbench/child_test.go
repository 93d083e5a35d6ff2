package main

import (
	"os"
	"runtime"
	"testing"
)

func TestParseStatus(t *testing.T) {
	tests := []struct {
		name   string
		status string
		want   residentMemory
		ok     bool
	}{
		{
			"all fields",
			"Name:\tlocalissuing\nVmHWM:\t   59820 kB\nVmRSS:\t   57812 kB\nRssAnon:\t   39220 kB\nRssFile:\t   18592 kB\n",
			residentMemory{rss: 57812 << 10, peak: 59820 << 10, file: 18592 << 10},
			true,
		},
		{"no VmRSS", "Name:\tx\nVmHWM:\t 10 kB\n", residentMemory{}, false},
		{"not a number", "VmRSS:\t lots kB\n", residentMemory{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseStatus(tc.status)
			if (err == nil) != tc.ok {
				t.Fatalf("parseStatus: %v, want ok=%v", err, tc.ok)
			}
			if got != tc.want {
				t.Errorf("parseStatus = %+v, want %+v", got, tc.want)
			}
		})
	}
}

// TestParseStatusOfThisProcess reads this process's own /proc status, as
// loadbench reads its servers'.
func TestParseStatusOfThisProcess(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("/proc/self/status is Linux's")
	}
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	m, err := parseStatus(string(raw))
	if err != nil {
		t.Fatal(err)
	}
	if m.rss <= 0 || m.peak < m.rss || m.file <= 0 || m.file > m.rss {
		t.Errorf("resident memory %+v: want 0 < file ≤ rss ≤ peak", m)
	}
}
