// Command localissuing runs a local server that speaks Stripe's Issuing API.
//
// With no flags it listens on 127.0.0.1:12111 and keeps its data in
// localissuing.db in the working directory.
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/localissuing/localissuing/api"
	"github.com/localissuing/localissuing/heapfloor"
	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/listen"
	"github.com/localissuing/localissuing/realtime"
	"github.com/localissuing/localissuing/routes"
)

func main() {
	cfg, err := loadConfig(os.Args[1:], os.Getenv)
	if err != nil {
		fmt.Fprintln(os.Stderr, "localissuing:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, cfg, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "localissuing:", err)
		os.Exit(1)
	}
}

// run serves until ctx ends, then finishes in-flight requests and closes
// the database.
func run(ctx context.Context, cfg config, out *os.File) error {
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: cfg.logLevel}))
	defer heapfloor.Keep(cfg.heapFloor)()
	specLoaded := preloadSpec()
	st, err := openStore(ctx, cfg.db, cfg.cacheMB)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := specLoaded(); err != nil {
		return err
	}

	srv := api.New(api.Config{Store: st, Logger: log, Auth: api.Authenticator{Allowed: cfg.allowedKeys}})
	routes.Register(srv, routes.Config{RealTime: cfg.realTime})
	webhooks, err := startWebhooks(ctx, st, srv.Clock(), cfg.webhooks, log, out)
	if err != nil {
		return err
	}
	defer webhooks.Stop()
	srv.AfterWrites(webhooks.Wake)
	// stripe listen's websocket sits in front of the API; its connections
	// end, recording where they stopped, before the store closes.
	cli := listen.New(listen.Config{Store: st, Clock: srv.Clock(), Logger: log})
	defer cli.Close()

	if cfg.pprof != "" {
		url, err := servePprof(cfg.pprof, log)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "localissuing profiling on %s\n", url)
	}
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.addr, err)
	}
	base := "http://" + ln.Addr().String()
	fmt.Fprintf(out, "localissuing listening on %s (database %s)\n", base, cfg.dbForDisplay())
	fmt.Fprintf(out, "try: curl %s/v1/issuing/cardholders -u sk_test_localissuing: -d name=\"Jenny Rosen\" "+
		"-d \"billing[address][line1]=1 Main St\" -d \"billing[address][city]=San Francisco\" "+
		"-d \"billing[address][postal_code]=94111\" -d \"billing[address][country]=US\"\n", base)
	log.Info("configuration", cfg.logAttrs()...)

	hs := &http.Server{Handler: cli.Handler(srv), ReadHeaderTimeout: 10 * time.Second}
	go pruneIdempotencyKeys(ctx, st, srv.Clock(), log)
	go realtime.New(cfg.realTime).RecoverEvery(ctx, st, srv.Clock(), time.Minute, log)
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shut down: %w", err)
	}
	return nil
}

type pruner interface {
	PruneIdempotency(ctx context.Context, before int64) error
}

// pruneIdempotencyKeys drops saved idempotent responses older than a day,
// once an hour.
func pruneIdempotencyKeys(ctx context.Context, st pruner, clock issuing.Clock, log *slog.Logger) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := st.PruneIdempotency(ctx, clock.Now().Add(-24*time.Hour).Unix()); err != nil {
				log.Warn("prune idempotency keys", "err", err)
			}
		}
	}
}
