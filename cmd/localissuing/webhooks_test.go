package main

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"regexp"
	"slices"
	"testing"

	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/store/sqlite"
	"github.com/localissuing/localissuing/webhook"
)

func TestWebhookFlags(t *testing.T) {
	tests := []struct {
		name      string
		args      []string
		env       map[string]string
		forwardTo string
		schedule  webhook.Schedule
		ok        bool
	}{
		{"defaults", nil, nil, "", webhook.StripeSchedule, true},
		{"flags", []string{"--forward-to", "http://127.0.0.1:4242/webhook", "--webhook-retries", "fast"}, nil,
			"http://127.0.0.1:4242/webhook", webhook.FastSchedule, true},
		{"environment", nil, map[string]string{"LOCALISSUING_FORWARD_TO": "http://127.0.0.1:1/", "LOCALISSUING_WEBHOOK_RETRIES": "none"},
			"http://127.0.0.1:1/", webhook.Schedule{}, true},
		{"flag wins", []string{"--forward-to=http://127.0.0.1:2/"}, map[string]string{"LOCALISSUING_FORWARD_TO": "http://127.0.0.1:1/"},
			"http://127.0.0.1:2/", webhook.StripeSchedule, true},
		{"bad schedule", []string{"--webhook-retries", "often"}, nil, "", webhook.Schedule{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := loadConfig(tc.args, func(k string) string { return tc.env[k] })
			if (err == nil) != tc.ok {
				t.Fatalf("loadConfig: %v, want ok=%v", err, tc.ok)
			}
			if !tc.ok {
				return
			}
			w := cfg.webhooks
			if w.forwardTo != tc.forwardTo || !slices.Equal(w.schedule.Test, tc.schedule.Test) || !slices.Equal(w.schedule.Live, tc.schedule.Live) {
				t.Errorf("webhook settings %+v, want forward-to %q, schedule %v", w, tc.forwardTo, tc.schedule)
			}
		})
	}
}

// TestForwardSecretIsStable starts the webhooks of a database twice: the
// printed secret is the same both times.
func TestForwardSecretIsStable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "forward.db")
	secret := regexp.MustCompile(`whsec_[0-9A-Za-z]+`)
	ws, err := loadWebhookSettings("http://127.0.0.1:4242/webhook", "stripe")
	if err != nil {
		t.Fatal(err)
	}
	var seen []string
	for range 2 {
		st, err := sqlite.Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		d, err := startWebhooks(context.Background(), st, issuing.SystemClock{}, ws, slog.New(slog.DiscardHandler), &out)
		if err != nil {
			t.Fatal(err)
		}
		d.Stop()
		if err := st.Close(); err != nil {
			t.Fatal(err)
		}
		seen = append(seen, secret.FindString(out.String()))
	}
	if seen[0] == "" || seen[0] != seen[1] {
		t.Errorf("secrets printed: %q", seen)
	}
}
