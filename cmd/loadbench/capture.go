package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"
)

// captureBodies makes one request of each workload to localissuing and
// keeps the bodies, which the ceiling then serves. The authorization test
// helper may not exist yet: a 404 for its route skips that workload.
func captureBodies(ctx context.Context, base, key string, seed *seeded) (map[string][]byte, []string, error) {
	bodies := map[string][]byte{}
	var notes []string
	steps := []struct {
		route, method, path, form string
	}{
		{routeRetrieve, http.MethodGet, "/v1/issuing/tokens/" + seed.Tokens[0], ""},
		{routeList, http.MethodGet, "/v1/issuing/tokens?card=" + seed.Cards[0] + "&limit=10", ""},
		{routeUpdate, http.MethodPost, "/v1/issuing/tokens/" + seed.Tokens[0], "status=suspended"},
		{"", http.MethodPost, "/v1/issuing/tokens/" + seed.Tokens[0], "status=active"},
	}
	if len(seed.Physical) > 0 {
		steps = append(steps, struct{ route, method, path, form string }{
			routeShip, http.MethodPost, "/v1/test_helpers/issuing/cards/" + seed.Physical[0] + "/shipping/ship", ""})
	}
	for _, s := range steps {
		b, err := mustOK(ctx, s.method, base, s.path, key, s.form)
		if err != nil {
			return nil, nil, fmt.Errorf("capture bodies: %w", err)
		}
		if s.route != "" {
			bodies[s.route] = b
		}
	}
	status, b, err := call(ctx, http.MethodPost, base, "/v1/test_helpers/issuing/authorizations", key,
		"card="+seed.Cards[0]+"&amount=1000&currency=usd")
	switch {
	case err != nil:
		return nil, nil, fmt.Errorf("capture bodies: %w", err)
	case status == http.StatusOK:
		bodies[routeAuthorize] = b
	case status == http.StatusNotFound && strings.Contains(string(b), "Unrecognized request URL"):
		notes = append(notes, "create an authorization: skipped, POST /v1/test_helpers/issuing/authorizations is not implemented in this build")
	default:
		notes = append(notes, fmt.Sprintf("create an authorization: skipped, the test helper answered %d: %s", status, firstLine(b)))
	}
	return bodies, notes, nil
}

func firstLine(b []byte) string {
	s := strings.Join(strings.Fields(string(b)), " ")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}
