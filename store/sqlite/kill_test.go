package sqlite

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/localissuing/localissuing/store"
)

// killEnv names the database TestKillChild writes to.
const killEnv = "LOCALISSUING_SQLITE_KILL_DB"

// TestKillKeepsCommits kills a writing process with SIGKILL and checks
// that every commit it acknowledged is in the database afterwards. The
// child writes from several goroutines at once, so that its Update calls
// commit in groups.
func TestKillKeepsCommits(t *testing.T) {
	const acked = 400
	path := filepath.Join(t.TempDir(), "kill.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestKillChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), killEnv+"="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	lines := bufio.NewScanner(out)
	var ids []string
	for len(ids) < acked {
		if !lines.Scan() {
			t.Fatalf("child stopped after %d commits: %v", len(ids), lines.Err())
		}
		ids = append(ids, lines.Text())
	}
	// The child is still writing: it dies in the middle of transactions.
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()

	s := openTest(t, path)
	defer s.Close()
	for _, id := range ids {
		if _, err := get(t, s, id); err != nil {
			t.Fatalf("acknowledged commit %s lost: %v", id, err)
		}
	}
}

// TestKillChild is the process TestKillKeepsCommits kills: writers that
// each commit one object at a time and report its id on stdout once
// Update returns.
func TestKillChild(t *testing.T) {
	path := os.Getenv(killEnv)
	if path == "" {
		t.Skip("run by TestKillKeepsCommits")
	}
	s, err := Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for w := range 32 {
		wg.Go(func() {
			for i := range 100_000 { // bounded, should the parent not kill it
				id := fmt.Sprintf("ic_%d_%d", w, i)
				if err := s.Update(t.Context(), func(tx store.Tx) error {
					return tx.Insert(t.Context(), card(id))
				}); err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				fmt.Println(id)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
}
