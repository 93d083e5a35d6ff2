package routes_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/localissuing/localissuing/api"
	"github.com/localissuing/localissuing/routes"
	"github.com/localissuing/localissuing/store"
	"github.com/localissuing/localissuing/store/sqlite/sqlitetest"
)

// benchKey is the API key of the benchmarks' account.
const benchKey = "sk_test_routesbench"

// benchServer is a server on a SQLite file with one active virtual card
// holding tokens, made through the API itself.
type benchServer struct {
	h      http.Handler
	holder string
	card   string
	tokens []string

	untimedCPU time.Duration // spent in untimed, left out of cpu-ns/op
}

func newBenchServer(b *testing.B, tokens int) *benchServer {
	b.Helper()
	st := sqlitetest.File(b)
	return newBenchServerOn(b, st, tokens)
}

// newBenchServerOn is newBenchServer on the store st.
func newBenchServerOn(b *testing.B, st store.Store, tokens int) *benchServer {
	b.Helper()
	srv := api.New(api.Config{Store: st})
	routes.Register(srv, routes.Config{})
	s := &benchServer{h: srv}
	s.holder = s.create(b, "/v1/issuing/cardholders", "name=Jenny+Rosen&email=jenny@example.com"+
		"&billing[address][line1]=1+Main+St&billing[address][city]=San+Francisco"+
		"&billing[address][postal_code]=94111&billing[address][country]=US")
	s.card = s.create(b, "/v1/issuing/cards", "cardholder="+s.holder+"&currency=usd&type=virtual&status=active")
	for range tokens {
		s.tokens = append(s.tokens, s.create(b, "/v1/test_helpers/issuing/tokens", "card="+s.card))
	}
	return s
}

// create POSTs form to path and returns the new object's id.
func (s *benchServer) create(b *testing.B, path, form string) string {
	b.Helper()
	w := s.do("POST", path, form)
	if w.Code != http.StatusOK {
		b.Fatalf("POST %s: %d %s", path, w.Code, w.Body)
	}
	var obj struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &obj); err != nil {
		b.Fatal(err)
	}
	return obj.ID
}

// do runs one request through the whole handler: authentication, form
// decoding, validation, the store, rendering and JSON encoding.
func (s *benchServer) do(method, target, form string) *httptest.ResponseRecorder {
	var r *http.Request
	if form != "" {
		r = httptest.NewRequest(method, target, strings.NewReader(form))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		r = httptest.NewRequest(method, target, nil)
	}
	r.Header.Set("Authorization", "Bearer "+benchKey)
	w := httptest.NewRecorder()
	s.h.ServeHTTP(w, r)
	return w
}

// run measures one request shape; next gives the i-th request. Besides
// wall time it reports the process's CPU time per request (cpu-ns/op),
// which machine noise disturbs less.
func (s *benchServer) run(b *testing.B, next func(i int) (method, target, form string)) {
	b.ReportAllocs()
	i, bytes := 0, 0
	cpu0, measured := processCPU()
	for b.Loop() {
		method, target, form := next(i)
		w := s.do(method, target, form)
		if w.Code != http.StatusOK {
			b.Fatalf("%s %s: %d %s", method, target, w.Code, w.Body)
		}
		bytes += w.Body.Len()
		i++
	}
	if cpu1, ok := processCPU(); measured && ok {
		b.ReportMetric(float64((cpu1-cpu0-s.untimedCPU).Nanoseconds())/float64(max(i, 1)), "cpu-ns/op")
	}
	b.ReportMetric(float64(bytes)/float64(max(i, 1)), "resp-bytes/op")
}

// untimed runs fn, the set-up of the requests to come, outside the
// benchmark's time and CPU.
func (s *benchServer) untimed(b *testing.B, fn func()) {
	b.StopTimer()
	cpu0, _ := processCPU()
	fn()
	cpu1, _ := processCPU()
	s.untimedCPU += cpu1 - cpu0
	b.StartTimer()
}

// BenchmarkCardShip measures the ship test helper: the card read, its
// shipping changed, and an issuing_card.updated event. A card ships once,
// so pending physical cards are made as they are needed, untimed.
func BenchmarkCardShip(b *testing.B) {
	s := newBenchServer(b, 0)
	var cards []string
	s.run(b, func(i int) (string, string, string) {
		if i == len(cards) {
			s.untimed(b, func() {
				for range 100 {
					cards = append(cards, s.create(b, "/v1/issuing/cards", "cardholder="+s.holder+
						"&currency=usd&type=physical&shipping[name]=Jenny+Rosen&shipping[address][line1]=1+Main+St"+
						"&shipping[address][city]=San+Francisco&shipping[address][postal_code]=94111&shipping[address][country]=US"))
				}
			})
		}
		return "POST", "/v1/test_helpers/issuing/cards/" + cards[i] + "/shipping/ship", ""
	})
}

// BenchmarkAuthorizationCreate measures the test helper that creates an
// authorization on an active card: the card and cardholder read, the
// balance and controls checked, the authorization and its events written.
func BenchmarkAuthorizationCreate(b *testing.B) {
	s := newBenchServer(b, 0)
	s.run(b, func(int) (string, string, string) {
		return "POST", "/v1/test_helpers/issuing/authorizations", "card=" + s.card + "&amount=1000&currency=usd"
	})
}

// BenchmarkTokens measures the full request path of the token calls in
// process, on a card with 100 tokens.
func BenchmarkTokens(b *testing.B) {
	benchTokens(b, newBenchServer(b, 100))
}

// BenchmarkTokensInMemory is BenchmarkTokens on a store in memory
// (memStore): what the API itself costs per call, without SQLite.
func BenchmarkTokensInMemory(b *testing.B) {
	benchTokens(b, newBenchServerOn(b, newMemStore(), 100))
}

// benchTokens runs the token calls on s, whose card has 100 tokens.
func benchTokens(b *testing.B, s *benchServer) {
	b.Run("retrieve", func(b *testing.B) {
		s.run(b, func(i int) (string, string, string) {
			return "GET", "/v1/issuing/tokens/" + s.tokens[i%len(s.tokens)], ""
		})
	})
	for _, limit := range []int{10, 100} {
		b.Run(fmt.Sprintf("list/limit=%d", limit), func(b *testing.B) {
			s.run(b, func(int) (string, string, string) {
				return "GET", fmt.Sprintf("/v1/issuing/tokens?card=%s&limit=%d", s.card, limit), ""
			})
		})
	}
	// Each request changes the token's status (active ⇄ suspended), so
	// every one writes the token and an event and commits.
	b.Run("update", func(b *testing.B) {
		s.run(b, func(i int) (string, string, string) {
			status := "suspended"
			if (i/len(s.tokens))%2 == 1 {
				status = "active"
			}
			return "POST", "/v1/issuing/tokens/" + s.tokens[i%len(s.tokens)], "status=" + status
		})
	})
}

// BenchmarkEventRetrieve is the encoding path with little else: an event
// is sent as stored, so the handler's work is reading one row and writing
// it as Stripe's indented JSON.
func BenchmarkEventRetrieve(b *testing.B) {
	s := newBenchServer(b, 1)
	w := s.do("GET", "/v1/events?limit=1", "")
	var page struct {
		Data []struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &page); err != nil || len(page.Data) != 1 {
		b.Fatalf("list events: %v %s", err, w.Body)
	}
	s.run(b, func(int) (string, string, string) { return "GET", "/v1/events/" + page.Data[0].ID, "" })
}
