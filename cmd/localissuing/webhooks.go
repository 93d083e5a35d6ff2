package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/localissuing/localissuing/event"
	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/store"
	"github.com/localissuing/localissuing/webhook"
)

// webhookSettings are the flags about webhook delivery.
type webhookSettings struct {
	forwardTo   string // URL sent every event of every account; empty for none
	retries     string // as given, for the log
	schedule    webhook.Schedule
	concurrency int
}

func loadWebhookSettings(forwardTo, retries string) (webhookSettings, error) {
	schedule, err := webhook.ParseSchedule(retries)
	if err != nil {
		return webhookSettings{}, err
	}
	return webhookSettings{forwardTo: forwardTo, retries: retries, schedule: schedule,
		concurrency: webhook.DefaultConcurrency}, nil
}

// startWebhooks subscribes the --forward-to URL (or ends an earlier
// start's subscription), prints its secret and starts delivering. The
// returned dispatcher's Stop stops delivery; it runs before the store
// closes.
func startWebhooks(ctx context.Context, st store.Store, clock issuing.Clock, ws webhookSettings, log *slog.Logger, out io.Writer) (*webhook.Dispatcher, error) {
	secret, err := event.Forward(ctx, st, clock.Now().Unix(), ws.forwardTo)
	if err != nil {
		return nil, err
	}
	if ws.forwardTo != "" {
		fmt.Fprintf(out, "localissuing forwarding every event to %s\n", ws.forwardTo)
		fmt.Fprintf(out, "webhook signing secret (the same at every start with this database): %s\n", secret)
	}
	log.Info("webhooks", "forward_to", ws.forwardTo, "retries", ws.retries, "concurrency", ws.concurrency)
	d := webhook.New(webhook.Config{Store: st, Clock: clock, Schedule: &ws.schedule, Concurrency: ws.concurrency, Logger: log})
	d.Start()
	return d, nil
}
