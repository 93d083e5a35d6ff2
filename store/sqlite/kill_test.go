package sqlite

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/localissuing/localissuing/store"
)

// killEnv names the database TestKillChild writes to.
const killEnv = "LOCALISSUING_SQLITE_KILL_DB"

// TestKillKeepsCommits kills a writing process with SIGKILL and checks
// that every commit it acknowledged is in the database afterwards.
func TestKillKeepsCommits(t *testing.T) {
	const acked = 200
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
	for n := 0; n < acked; n++ {
		if !lines.Scan() {
			t.Fatalf("child stopped after %d commits: %v", n, lines.Err())
		}
	}
	// The child is still writing: it dies in the middle of a transaction.
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()

	s := openTest(t, path)
	defer s.Close()
	for i := range acked {
		if _, err := get(t, s, fmt.Sprint("ic_", i)); err != nil {
			t.Fatalf("acknowledged commit %d lost: %v", i, err)
		}
	}
}

// TestKillChild is the process TestKillKeepsCommits kills: it commits one
// object at a time and reports each commit on stdout once Update returns.
func TestKillChild(t *testing.T) {
	path := os.Getenv(killEnv)
	if path == "" {
		t.Skip("run by TestKillKeepsCommits")
	}
	s, err := Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 1_000_000 { // bounded, should the parent not kill it
		if err := s.Update(t.Context(), func(tx store.Tx) error {
			return tx.Insert(t.Context(), card(fmt.Sprint("ic_", i)))
		}); err != nil {
			t.Fatal(err)
		}
		fmt.Println(i)
	}
}
