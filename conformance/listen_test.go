package conformance

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v85/webhook"

	"github.com/localissuing/localissuing/issuing"
)

// TestStripeListen runs the real `stripe listen` against localissuing and
// checks what reaches the --forward-to receivers: every event recorded
// while it runs, once, signed with the secret `stripe listen
// --print-secret` prints, as stripe-go verifies it; only the types asked
// for with --events; and, with --latest, the same. The events come from
// `stripe trigger` fixtures and the API.
func TestStripeListen(t *testing.T) {
	stripe := stripeCLI(t)
	base := startServer(t)
	key := "sk_test_" + issuing.RandomString(24)
	rec := newReceiver(t)

	secret := strings.TrimSpace(stripe.run(t, "listen", "--api-base", base, "--api-key", key, "--print-secret"))
	if !strings.HasPrefix(secret, "whsec_") {
		t.Fatalf("stripe listen --print-secret printed %q", secret)
	}
	filter := []string{"issuing_card.created", "issuing_token.created"}
	for _, args := range [][]string{
		{"--all-snapshot", "--forward-to", rec.url + "/all"},
		{"--events", strings.Join(filter, ","), "--forward-to", rec.url + "/filtered"},
		{"--latest", "--all-snapshot", "--forward-to", rec.url + "/latest"},
	} {
		ready := stripe.listen(t, append([]string{"--api-base", base, "--api-key", key}, args...)...)
		if !strings.Contains(ready, secret) {
			t.Errorf("stripe listen %s says %q, not the secret --print-secret printed", args, ready)
		}
	}

	// Fixtures of stripe trigger, then a token, which no trigger makes, on
	// one of their cards once active.
	for _, trigger := range []string{"issuing_cardholder.created", "issuing_card.created",
		"issuing_transaction.purchase_details_receipt_updated"} {
		out := stripe.run(t, "trigger", trigger, "--api-base", base, "--api-key", key)
		if !strings.Contains(out, "Trigger succeeded") {
			t.Fatalf("stripe trigger %s:\n%s", trigger, out)
		}
	}
	cards := apiCall[struct{ Data []struct{ ID string } }](t, base, key, http.MethodGet, "/v1/issuing/cards", nil)
	card := cards.Data[0].ID
	apiCall[struct{ ID string }](t, base, key, http.MethodPost, "/v1/issuing/cards/"+card, url.Values{"status": {"active"}})
	apiCall[struct{ ID string }](t, base, key, http.MethodPost, "/v1/test_helpers/issuing/tokens", url.Values{"card": {card}})

	events := apiCall[struct {
		Data []struct{ ID, Type string }
	}](t, base, key, http.MethodGet, "/v1/events?limit=100", nil).Data
	var all, filtered []string
	types := map[string]string{} // by event id
	seen := map[string]bool{}    // by type
	for _, e := range events {
		all = append(all, e.ID)
		types[e.ID], seen[e.Type] = e.Type, true
		if slices.Contains(filter, e.Type) {
			filtered = append(filtered, e.ID)
		}
	}
	for _, typ := range []string{"issuing_cardholder.created", "issuing_card.created", "issuing_transaction.created",
		"issuing_transaction.purchase_details_receipt_updated", "issuing_token.created"} {
		if !seen[typ] {
			t.Errorf("the triggers and calls recorded no %s event: %v", typ, types)
		}
	}

	for path, want := range map[string][]string{"/all": all, "/filtered": filtered, "/latest": all} {
		got := rec.waitFor(t, path, want)
		for _, d := range got {
			ev, err := webhook.ConstructEvent(d.body, d.signature, secret)
			if err != nil {
				t.Errorf("%s: stripe-go refuses the delivery: %v", path, err)
				continue
			}
			if types[ev.ID] != string(ev.Type) {
				t.Errorf("%s: %s is a %s, the API says %s", path, ev.ID, ev.Type, types[ev.ID])
			}
		}
	}
}

// cli is the Stripe CLI binary with a home of its own.
type cli struct {
	path string
	env  []string
}

// stripeCLI returns the CLI that npm installs for the conformance suite,
// installing it first if need be; it skips, saying why, where that cannot
// be done.
func stripeCLI(t *testing.T) cli {
	t.Helper()
	npm := lookPath(t, "npm")
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	ensureModules(t, npm, dir)
	path := filepath.Join(dir, "node_modules", "@stripe", "cli-linux-x64", "bin", "stripe")
	if _, err := os.Stat(path); err != nil {
		t.Skipf("the Stripe CLI is not installed at %s: npm installs @stripe/cli-linux-x64 on Linux x64 only "+
			"(and not with --omit=optional), so stripe listen cannot be tested here", path)
	}
	home := t.TempDir()
	var env []string
	for _, kv := range os.Environ() {
		// STRIPE_API_KEY and friends would override the flags under test.
		if !strings.HasPrefix(kv, "STRIPE_") && !strings.HasPrefix(kv, "HOME=") && !strings.HasPrefix(kv, "XDG_CONFIG_HOME=") {
			env = append(env, kv)
		}
	}
	env = append(env, "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"),
		// Without these the CLI reaches out to Stripe.
		"STRIPE_CLI_TELEMETRY_OPTOUT=1", "STRIPE_NO_AUTO_UPDATE=1")
	return cli{path: path, env: env}
}

// run runs a CLI command to its end and returns what it printed.
func (c cli) run(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, c.path, args...)
	cmd.Env = c.env
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("stripe %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// readyLine is what stripe listen prints once its websocket is connected.
var readyLine = regexp.MustCompile(`Ready!.*`)

// listen starts `stripe listen` with args and returns its Ready line once
// it is connected. It is interrupted, as with Ctrl-C, when the test ends.
func (c cli) listen(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command(c.path, append([]string{"listen", "--skip-update"}, args...)...)
	cmd.Env = c.env
	cmd.WaitDelay = 5 * time.Second
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	if err := cmd.Start(); err != nil {
		t.Fatalf("start stripe listen: %v", err)
	}
	exited := make(chan error, 1)
	go func() {
		exited <- cmd.Wait()
		pw.Close()
	}()
	var mu sync.Mutex
	var out bytes.Buffer
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			mu.Lock()
			fmt.Fprintln(&out, sc.Text())
			mu.Unlock()
			if line := readyLine.FindString(sc.Text()); line != "" {
				select {
				case ready <- line:
				default:
				}
			}
		}
	}()
	output := func() string {
		mu.Lock()
		defer mu.Unlock()
		return out.String()
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		<-exited
		if t.Failed() {
			t.Logf("stripe listen %s printed:\n%s", strings.Join(args, " "), output())
		}
	})
	select {
	case line := <-ready:
		return line
	case err := <-exited:
		t.Fatalf("stripe listen exited before it was ready (%v):\n%s", err, output())
	case <-time.After(30 * time.Second):
		t.Fatalf("stripe listen was not ready after 30s:\n%s", output())
	}
	return ""
}

// apiCall makes a call with the key and decodes the answer into T.
func apiCall[T any](t *testing.T, base, key, method, path string, form url.Values) T {
	t.Helper()
	req, err := http.NewRequest(method, base+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(key, "")
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("%s %s: %d %s", method, path, res.StatusCode, body)
	}
	var v T
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	return v
}

// delivery is one POST the receiver got.
type delivery struct {
	id        string // the event's
	body      []byte
	signature string
}

// receiver is the application's webhook endpoint: it keeps what arrives,
// by path.
type receiver struct {
	url     string
	mu      sync.Mutex
	got     map[string][]delivery
	arrived chan struct{} // signalled after each delivery
}

func newReceiver(t *testing.T) *receiver {
	t.Helper()
	r := &receiver{got: map[string][]delivery{}, arrived: make(chan struct{}, 1)}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		var ev struct{ ID string }
		_ = json.Unmarshal(body, &ev)
		r.mu.Lock()
		r.got[req.URL.Path] = append(r.got[req.URL.Path], delivery{id: ev.ID, body: body, signature: req.Header.Get("Stripe-Signature")})
		r.mu.Unlock()
		select {
		case r.arrived <- struct{}{}:
		default:
		}
	}))
	t.Cleanup(srv.Close)
	r.url = srv.URL
	return r
}

// waitFor waits until path has received every event in want and returns
// what it received, failing if that is not each of them exactly once.
// The CLI forwards each event on a goroutine of its own, so the order of
// arrival is not checked.
func (r *receiver) waitFor(t *testing.T, path string, want []string) []delivery {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		r.mu.Lock()
		got := slices.Clone(r.got[path])
		r.mu.Unlock()
		ids := make([]string, len(got))
		for i, d := range got {
			ids[i] = d.id
		}
		missing := slices.DeleteFunc(slices.Clone(want), func(id string) bool { return slices.Contains(ids, id) })
		if len(missing) == 0 {
			slices.Sort(ids)
			sorted := slices.Sorted(slices.Values(want))
			if !slices.Equal(ids, sorted) {
				t.Errorf("%s received %v, want each of %v once", path, ids, sorted)
			}
			return got
		}
		select {
		case <-r.arrived:
		case <-deadline:
			t.Fatalf("%s received %v; still missing %v", path, ids, missing)
		}
	}
}
