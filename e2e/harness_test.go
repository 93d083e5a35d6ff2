package e2e

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v85"

	"github.com/localissuing/localissuing/api"
	"github.com/localissuing/localissuing/event"
	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/realtime"
	"github.com/localissuing/localissuing/routes"
	"github.com/localissuing/localissuing/spec"
	"github.com/localissuing/localissuing/spec/spectest"
	"github.com/localissuing/localissuing/store"
	"github.com/localissuing/localissuing/webhook"
)

// env is a running localissuing on a loopback port with its own database,
// a clock the test moves, and a fresh test-mode key (a fresh account).
type env struct {
	t     *testing.T
	URL   string
	Clock *issuing.ManualClock
	Key   string
	Store store.Store
	dir   string
	db    string // the PostgreSQL DSN, if on PostgreSQL (engines_test.go)

	// Webhooks, when set, runs a dispatcher beside the server with these
	// settings (Store and Clock are the env's); Dispatcher is it, started
	// if AutoDeliver, else driven by the test with Poll. ForwardTo
	// subscribes a URL to every event as --forward-to does; ForwardSecret
	// is its signing secret.
	Webhooks      *webhook.Config
	AutoDeliver   bool
	Dispatcher    *webhook.Dispatcher
	ForwardTo     string
	ForwardSecret string

	// RealTime is how real-time authorization endpoints are asked.
	RealTime realtime.Config

	stopFn func()
}

// newEnv starts a server on 127.0.0.1:0 backed by a SQLite file in a temp
// directory (or by PostgreSQL: see engines_test.go). Options set fields of
// the env before it starts.
func newEnv(t *testing.T, options ...func(*env)) *env {
	t.Helper()
	e := &env{t: t, dir: t.TempDir(), Clock: issuing.NewManualClock(time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC))}
	e.Key = "sk_test_" + issuing.RandomString(24)
	for _, o := range options {
		o(e)
	}
	e.start()
	return e
}

func (e *env) start() {
	t := e.t
	t.Helper()
	st, err := e.openStore()
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	e.Store = st
	srv := api.New(api.Config{Store: st, Clock: e.Clock})
	routes.Register(srv, routes.Config{RealTime: e.RealTime})
	// As the command does at every start: without ForwardTo, an earlier
	// start's forwarding ends.
	if e.ForwardSecret, err = event.Forward(context.Background(), st, e.Clock.Now().Unix(), e.ForwardTo); err != nil {
		t.Fatalf("forward-to: %v", err)
	}
	var dispatcher *webhook.Dispatcher
	if e.Webhooks != nil {
		cfg := *e.Webhooks
		cfg.Store, cfg.Clock = st, e.Clock
		if cfg.Logger == nil {
			cfg.Logger = slog.New(slog.DiscardHandler)
		}
		dispatcher = webhook.New(cfg)
		if e.AutoDeliver {
			dispatcher.Start()
			srv.AfterWrites(dispatcher.Wake)
		}
	}
	e.Dispatcher = dispatcher
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	hs := &http.Server{Handler: srv}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("serve: %v", err)
		}
	}()
	e.URL = "http://" + ln.Addr().String()
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = hs.Shutdown(ctx)
		<-done
		if dispatcher != nil {
			dispatcher.Stop()
		}
		_ = st.Close()
	}
	e.stopFn = stop
	t.Cleanup(stop)
}

// restart stops the server and starts a new one on the same database, as a
// user restarting the process would.
func (e *env) restart() {
	e.t.Helper()
	e.stopFn()
	e.start()
}

// sdk returns a stripe-go client for key pointed at the server. Every
// response it receives is validated against the OpenAPI document.
func (e *env) sdk(key string) *stripe.Client {
	httpClient := &http.Client{Transport: &validatingTransport{t: e.t, base: http.DefaultTransport}}
	return stripe.NewClient(key, stripe.WithBackends(stripe.NewBackendsWithConfig(&stripe.BackendConfig{
		URL:               stripe.String(e.URL),
		HTTPClient:        httpClient,
		MaxNetworkRetries: stripe.Int64(0),
		LeveledLogger:     &stripe.LeveledLogger{Level: stripe.LevelNull},
	})))
}

// response is a raw HTTP exchange's outcome.
type response struct {
	Status int
	Header http.Header
	Body   []byte
}

// do sends a raw request with key (empty for none) and form-encoded body or
// query, validates the response against the OpenAPI document and returns it.
func (e *env) do(method, path, key, form string, headers ...string) response {
	e.t.Helper()
	url := e.URL + path
	var body io.Reader
	if method == http.MethodPost {
		body = strings.NewReader(form)
	} else if form != "" {
		url += "?" + form
	}
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		e.t.Fatalf("new request: %v", err)
	}
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := (&http.Client{Transport: &validatingTransport{t: e.t, base: http.DefaultTransport}}).Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatalf("read body: %v", err)
	}
	return response{Status: res.StatusCode, Header: res.Header, Body: b}
}

// validatingTransport checks every response against the schema of the
// operation its request matched, and that it carries a Request-Id.
type validatingTransport struct {
	t    *testing.T
	base http.RoundTripper
}

func (v *validatingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	res, err := v.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		return nil, err
	}
	res.Body = io.NopCloser(bytes.NewReader(body))
	if !strings.HasPrefix(res.Header.Get("Request-Id"), "req_") {
		v.t.Errorf("%s %s: no Request-Id header", req.Method, req.URL.Path)
	}
	if tmpl, ok := matchOperation(req.Method, req.URL.Path); ok {
		spectest.ValidateResponse(v.t, req.Method, tmpl, res.StatusCode, body)
	}
	return res, nil
}

var (
	opPatternsOnce sync.Once
	opPatterns     []opPattern
)

type opPattern struct {
	method, template string
	re               *regexp.Regexp
}

// matchOperation finds the OpenAPI path template that a concrete path
// matches. Literal templates win over ones with parameters.
func matchOperation(method, path string) (string, bool) {
	opPatternsOnce.Do(func() {
		param := regexp.MustCompile(`\\\{[^}]+\\\}`)
		for _, op := range spec.Ops() {
			re := param.ReplaceAllString(regexp.QuoteMeta(op.Path), `[^/]+`)
			opPatterns = append(opPatterns, opPattern{op.Method, op.Path, regexp.MustCompile("^" + re + "$")})
		}
	})
	best := ""
	for _, p := range opPatterns {
		if p.method == method && p.re.MatchString(path) {
			if best == "" || strings.Count(p.template, "{") < strings.Count(best, "{") {
				best = p.template
			}
		}
	}
	return best, best != ""
}
