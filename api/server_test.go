package api_test

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/localissuing/localissuing/api"
	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/routes"
	"github.com/localissuing/localissuing/store/sqlite/sqlitetest"
)

// requestID is the shape of a Request-Id.
var requestID = regexp.MustCompile(`^req_[0-9A-Za-z]{14}$`)

// testServer is a server with every route on a SQLite file, and a card
// with tokens.
type testServer struct {
	t      *testing.T
	srv    *api.Server
	card   string
	tokens []string
}

func newTestServer(t *testing.T, tokens int) *testServer {
	t.Helper()
	st := sqlitetest.File(t)
	srv := api.New(api.Config{Store: st})
	routes.Register(srv, routes.Config{})
	s := &testServer{t: t, srv: srv}
	holder := s.id(s.do("POST", "/v1/issuing/cardholders", "name=Jenny+Rosen&billing[address][line1]=1+Main+St"+
		"&billing[address][city]=San+Francisco&billing[address][postal_code]=94111&billing[address][country]=US"))
	s.card = s.id(s.do("POST", "/v1/issuing/cards", "cardholder="+holder+"&currency=usd&type=virtual&status=active"))
	for range tokens {
		s.tokens = append(s.tokens, s.id(s.do("POST", "/v1/test_helpers/issuing/tokens", "card="+s.card)))
	}
	return s
}

// do sends a request with a form (if not empty) and headers given as
// name, value pairs.
func (s *testServer) do(method, target, form string, header ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, target, strings.NewReader(form))
	if form != "" {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	r.Header.Set("Authorization", "Bearer sk_test_api")
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	s.srv.ServeHTTP(w, r)
	return w
}

// id returns the id of the object an answer holds.
func (s *testServer) id(w *httptest.ResponseRecorder) string {
	s.t.Helper()
	var obj struct{ ID string }
	if err := json.Unmarshal(w.Body.Bytes(), &obj); err != nil || obj.ID == "" {
		s.t.Fatalf("no id in %d %s", w.Code, w.Body)
	}
	return obj.ID
}

// TestResponseHeaders pins the headers of each kind of answer, every one
// of them: the same set on success and on error, Content-Length the
// body's, Stripe-Version echoing
// the client's, the idempotency headers only where they belong, and no
// Stripe-Version on an unknown route.
func TestResponseHeaders(t *testing.T) {
	s := newTestServer(t, 1)
	tok, card, do := s.tokens[0], s.card, s.do
	first := do("POST", "/v1/issuing/tokens/"+tok, "status=suspended", "Idempotency-Key", "k1")

	base := map[string]string{
		"Content-Type":   "application/json",
		"Cache-Control":  "no-cache, no-store",
		"Stripe-Version": issuing.APIVersion,
		"Request-Id":     "req_",
		"Content-Length": "len",
	}
	with := func(extra map[string]string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for k, v := range extra {
			if v == "" {
				delete(m, k)
			} else {
				m[k] = v
			}
		}
		return m
	}
	tests := []struct {
		name   string
		w      *httptest.ResponseRecorder
		status int
		want   map[string]string // "req_" stands for any request id, "len" for the body's length
	}{
		{"retrieve", do("GET", "/v1/issuing/tokens/"+tok, ""), 200, base},
		{"list", do("GET", "/v1/issuing/tokens?card="+card+"&limit=10", ""), 200, base},
		{"update", do("POST", "/v1/issuing/tokens/"+tok, "status=active"), 200, base},
		{"update with a key", first, 200, with(map[string]string{"Idempotency-Key": "k1"})},
		{"replay", do("POST", "/v1/issuing/tokens/"+tok, "status=suspended", "Idempotency-Key", "k1"), 200,
			with(map[string]string{"Idempotency-Key": "k1", "Idempotent-Replayed": "true", "Original-Request": "req_"})},
		{"client's version", do("GET", "/v1/issuing/tokens/"+tok, "", "Stripe-Version", "2020-08-27"), 200,
			with(map[string]string{"Stripe-Version": "2020-08-27"})},
		{"not found", do("GET", "/v1/issuing/tokens/intok_missing", ""), 404, base},
		{"invalid parameter", do("GET", "/v1/issuing/tokens?limit=1000", ""), 400, base},
		{"unknown parameter", do("POST", "/v1/issuing/tokens/"+tok, "colour=red"), 400, base},
		{"unknown route", do("GET", "/v1/nothing", ""), 404, with(map[string]string{"Stripe-Version": ""})},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.w.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", tc.w.Code, tc.status, tc.w.Body)
			}
			got := tc.w.Header()
			if len(got) != len(tc.want) {
				t.Errorf("headers %v, want the keys of %v", got, tc.want)
			}
			for k, v := range tc.want {
				values := got[k]
				switch {
				case len(values) != 1:
					t.Errorf("%s: %q, want one value", k, values)
				case v == "req_" && !requestID.MatchString(values[0]):
					t.Errorf("%s: %q is not a request id", k, values[0])
				case v == "len" && values[0] != strconv.Itoa(tc.w.Body.Len()):
					t.Errorf("%s: %q, want the body's %d bytes", k, values[0], tc.w.Body.Len())
				case v != "req_" && v != "len" && values[0] != v:
					t.Errorf("%s: %q, want %q", k, values[0], v)
				}
			}
		})
	}
	if orig := tests[4].w.Header().Get("Original-Request"); orig != first.Header().Get("Request-Id") {
		t.Errorf("Original-Request %q, want the first request's %q", orig, first.Header().Get("Request-Id"))
	}
}

// TestConcurrentReads checks that reads running at once, whose answers
// are encoded in buffers used again, each get their own answer whole.
func TestConcurrentReads(t *testing.T) {
	s := newTestServer(t, 20)
	want := map[string]string{}
	targets := []string{"/v1/issuing/tokens?card=" + s.card + "&limit=3", "/v1/issuing/tokens?card=" + s.card + "&limit=100"}
	for _, tok := range s.tokens {
		targets = append(targets, "/v1/issuing/tokens/"+tok)
	}
	for _, target := range targets {
		w := s.do("GET", target, "")
		if w.Code != 200 {
			t.Fatalf("GET %s: %d %s", target, w.Code, w.Body)
		}
		want[target] = w.Body.String()
	}
	var wg sync.WaitGroup
	errs := make(chan string, 8*len(targets))
	for range 8 {
		for _, target := range targets {
			wg.Go(func() {
				if got := s.do("GET", target, "").Body.String(); got != want[target] {
					errs <- fmt.Sprintf("GET %s:\n got %s\nwant %s", target, got, want[target])
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
