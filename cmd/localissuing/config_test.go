package main

import (
	"testing"
	"time"
)

func TestRealTimeFlags(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		env      map[string]string
		timeout  time.Duration
		approves bool
		ok       bool
	}{
		{"defaults", nil, nil, 2 * time.Second, false, true},
		{"flags", []string{"--authorization-timeout", "500ms", "--authorization-fallback", "approve"}, nil, 500 * time.Millisecond, true, true},
		{"environment", nil, map[string]string{"LOCALISSUING_AUTHORIZATION_TIMEOUT": "3s", "LOCALISSUING_AUTHORIZATION_FALLBACK": "approve"},
			3 * time.Second, true, true},
		{"flag wins", []string{"--authorization-fallback=decline"}, map[string]string{"LOCALISSUING_AUTHORIZATION_FALLBACK": "approve"},
			2 * time.Second, false, true},
		{"bad timeout", []string{"--authorization-timeout", "soon"}, nil, 0, false, false},
		{"zero timeout", []string{"--authorization-timeout", "0s"}, nil, 0, false, false},
		{"bad fallback", []string{"--authorization-fallback", "maybe"}, nil, 0, false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := loadConfig(tc.args, func(k string) string { return tc.env[k] })
			if (err == nil) != tc.ok {
				t.Fatalf("loadConfig: %v, want ok=%v", err, tc.ok)
			}
			if tc.ok && (cfg.realTime.Timeout != tc.timeout || cfg.realTime.ApproveOnFallback != tc.approves) {
				t.Errorf("real-time settings %+v, want timeout %s approves %v", cfg.realTime, tc.timeout, tc.approves)
			}
		})
	}
}

func TestCacheFlag(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		mb   int
		// heap floor in MB: three times the cache, unless GOGC is set
		floor uint64
		ok    bool
	}{
		{"default", nil, nil, 5, 15, true},
		{"flag", []string{"--cache-mb", "64"}, nil, 64, 192, true},
		{"none", []string{"--cache-mb=0"}, nil, 0, 0, true},
		{"environment", nil, map[string]string{"LOCALISSUING_CACHE_MB": "8"}, 8, 24, true},
		{"flag wins", []string{"--cache-mb", "4"}, map[string]string{"LOCALISSUING_CACHE_MB": "8"}, 4, 12, true},
		{"GOGC set", nil, map[string]string{"GOGC": "100"}, 5, 0, true},
		{"PostgreSQL", []string{"--db", "postgres://localhost/test"}, nil, 5, 0, true},
		{"negative", []string{"--cache-mb", "-1"}, nil, 0, 0, false},
		{"not a number", []string{"--cache-mb", "16MB"}, nil, 0, 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := loadConfig(tc.args, func(k string) string { return tc.env[k] })
			if (err == nil) != tc.ok {
				t.Fatalf("loadConfig: %v, want ok=%v", err, tc.ok)
			}
			if tc.ok && cfg.cacheMB != tc.mb {
				t.Errorf("cache %d MB, want %d", cfg.cacheMB, tc.mb)
			}
			if tc.ok && cfg.heapFloor != tc.floor<<20 {
				t.Errorf("heap floor %d bytes, want %d MB", cfg.heapFloor, tc.floor)
			}
		})
	}
}
