package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestCeilingAnswers(t *testing.T) {
	// Longer than net/http buffers before it sends an answer in chunks.
	body := []byte(`{"id": "intok_1", "object": "issuing.token", "metadata": {"note": "` + strings.Repeat("x", 5000) + `"}}` + "\n")
	srv := httptest.NewServer(ceilingHandler(map[string][]byte{routeRetrieve: body, routeUpdate: body}))
	defer srv.Close()
	for _, c := range []struct {
		method, path string
		status       int
	}{
		{"GET", "/v1/issuing/tokens/intok_1", 200},
		{"POST", "/v1/issuing/tokens/intok_1", 200},
		{"GET", "/v1/issuing/cards", 404},
	} {
		req, err := http.NewRequest(c.method, srv.URL+c.path, strings.NewReader("status=active"))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != c.status {
			t.Errorf("%s %s: status %d, want %d", c.method, c.path, resp.StatusCode, c.status)
		}
		if c.status == 200 && (string(got) != string(body) || resp.Header.Get("Request-Id") == "" || resp.ContentLength != int64(len(body))) {
			t.Errorf("%s %s: body %q, Request-Id %q, Content-Length %d", c.method, c.path, got, resp.Header.Get("Request-Id"), resp.ContentLength)
		}
	}
}
