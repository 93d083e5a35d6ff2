package e2e

import (
	"bufio"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestKilledServerKeepsAcknowledgedWrites changes token statuses from many
// clients at once, so that the server commits their writes together, kills
// the server with SIGKILL in the middle, and checks on a new server on the
// same SQLite file that every change the server answered 200 to is there,
// each with its event: an update is acknowledged only once it is durable.
func TestKilledServerKeepsAcknowledgedWrites(t *testing.T) {
	if engine := os.Getenv("LOCALISSUING_E2E_ENGINE"); engine != "" && engine != "sqlite" {
		t.Skip("kills a server on a SQLite file")
	}
	const workers, killAfter = 16, 400
	bin := buildServer(t)
	db := filepath.Join(t.TempDir(), "kill.db")
	key := "sk_test_killed12345"
	url, cmd := startKillable(t, bin, "--db", db)

	post := func(path, form string) (int, []byte, error) {
		req, err := http.NewRequest("POST", url+path, strings.NewReader(form))
		if err != nil {
			return 0, nil, err
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Authorization", "Bearer "+key)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, nil, err
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		return res.StatusCode, b, err
	}
	create := func(path, form string) string {
		status, body, err := post(path, form)
		if err != nil || status != http.StatusOK {
			t.Fatalf("POST %s: %d %s %v", path, status, body, err)
		}
		var v struct{ ID string }
		decode(t, body, &v)
		return v.ID
	}
	holder := create("/v1/issuing/cardholders", cardholderForm)
	card := create("/v1/issuing/cards", "cardholder="+holder+"&currency=usd&type=virtual&status=active")
	tokens := make([]string, workers)
	for w := range tokens {
		tokens[w] = create("/v1/test_helpers/issuing/tokens", "card="+card)
	}

	// Each worker owns one token and flips its status, one request at a
	// time, counting the changes the server acknowledged.
	acked := make([]int, workers)
	var total atomic.Int64
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := 0; ; i++ {
				status := []string{"suspended", "active"}[i%2]
				code, body, err := post("/v1/issuing/tokens/"+tokens[w], "status="+status)
				if err != nil {
					return // the server is gone
				}
				if code != http.StatusOK {
					t.Errorf("token %s to %s: %d %s", tokens[w], status, code, body)
					return
				}
				acked[w]++
				total.Add(1)
			}
		})
	}
	stopped := make(chan struct{})
	go func() { wg.Wait(); close(stopped) }()
	for total.Load() < killAfter {
		select {
		case <-stopped:
			t.Fatalf("the clients stopped after %d changes, before the kill", total.Load())
		case <-time.After(time.Millisecond):
		}
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-stopped
	cmd.Wait()

	p := startServer(t, bin, "--db", db)
	updates := map[string]int{}
	for _, ev := range (&cluster{procs: []*process{p}, key: key}).all(t, "/v1/events", "type=issuing_token.updated") {
		updates[ev["data"].(map[string]any)["object"].(map[string]any)["id"].(string)]++
	}
	for w, id := range tokens {
		// The request in flight at the kill may have committed too.
		n := updates[id]
		if n != acked[w] && n != acked[w]+1 {
			t.Errorf("token %s: %d changes acknowledged, %d events after the kill", id, acked[w], n)
			continue
		}
		r := p.do(t, "GET", "/v1/issuing/tokens/"+id, key, "")
		var tok struct{ Status string }
		decode(t, r.Body, &tok)
		if want := []string{"active", "suspended"}[n%2]; tok.Status != want {
			t.Errorf("token %s: status %s after %d changes, want %s", id, tok.Status, n, want)
		}
	}
}

// startKillable starts bin on a free loopback port, as startServer does,
// for a test that kills it itself; it is killed at the end if still
// running.
func startKillable(t *testing.T, bin string, args ...string) (string, *exec.Cmd) {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"--addr", "127.0.0.1:0", "--log-level", "warn"}, args...)...)
	cmd.Env = append(os.Environ(), "LOCALISSUING_DB=", "LOCALISSUING_FORWARD_TO=")
	stderr := &lockedBuffer{}
	cmd.Stderr = stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait() // fails if the test waited already
		if t.Failed() {
			t.Logf("log of the killed server:\n%s", stderr)
		}
	})
	listening := make(chan string, 1)
	go func() {
		lines := bufio.NewScanner(stdout)
		for lines.Scan() {
			if rest, ok := strings.CutPrefix(lines.Text(), "localissuing listening on "); ok {
				url, _, _ := strings.Cut(rest, " ")
				listening <- url
				break
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case url := <-listening:
		return url, cmd
	case <-time.After(30 * time.Second):
		t.Fatalf("server did not start listening; its log:\n%s", stderr)
	}
	return "", nil
}
