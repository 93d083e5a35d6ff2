package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// apiClient makes the few set-up calls loadbench needs (capturing bodies,
// reading token states); the load itself comes from wrk.
var apiClient = &http.Client{Timeout: 10 * time.Second}

// call sends one request and returns the status and body.
func call(ctx context.Context, method, base, path, key, form string) (int, []byte, error) {
	var body io.Reader
	if form != "" {
		body = strings.NewReader(form)
	}
	req, err := http.NewRequestWithContext(ctx, method, base+path, body)
	if err != nil {
		return 0, nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	req.Header.Set("Authorization", "Bearer "+key)
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := apiClient.Do(req)
	if err != nil {
		return 0, nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return 0, nil, fmt.Errorf("%s %s: read body: %w", method, path, err)
	}
	return resp.StatusCode, b, nil
}

// mustOK is call that treats anything but 200 as an error.
func mustOK(ctx context.Context, method, base, path, key, form string) ([]byte, error) {
	status, b, err := call(ctx, method, base, path, key, form)
	if err != nil {
		return nil, err
	}
	if status != http.StatusOK {
		return nil, fmt.Errorf("%s %s: status %d: %s", method, path, status, b)
	}
	return b, nil
}

// tokenStates lists the tokens of cards and returns "id status" lines, the
// input of the update workload. Pages are bounded by the token count.
func tokenStates(ctx context.Context, base, key string, cards []string, tokens int) ([]string, error) {
	var lines []string
	for _, c := range cards {
		after := ""
		for page := 0; page <= tokens/100+1; page++ {
			q := url.Values{"card": {c}, "limit": {"100"}}
			if after != "" {
				q.Set("starting_after", after)
			}
			b, err := mustOK(ctx, http.MethodGet, base, "/v1/issuing/tokens?"+q.Encode(), key, "")
			if err != nil {
				return nil, fmt.Errorf("token states: %w", err)
			}
			var p struct {
				Data []struct {
					ID     string `json:"id"`
					Status string `json:"status"`
				} `json:"data"`
				HasMore bool `json:"has_more"`
			}
			if err := json.Unmarshal(b, &p); err != nil {
				return nil, fmt.Errorf("token states: decode page: %w", err)
			}
			for _, t := range p.Data {
				lines = append(lines, t.ID+" "+t.Status)
			}
			if !p.HasMore || len(p.Data) == 0 {
				break
			}
			after = p.Data[len(p.Data)-1].ID
		}
	}
	return lines, nil
}
