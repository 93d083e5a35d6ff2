//go:build unix

package conformance

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// lockDir takes an exclusive lock named after dir and returns its release.
// The lock file lives in the temp directory, not the work tree, and the
// kernel drops the lock if the process dies.
func lockDir(t *testing.T, dir string) func() {
	t.Helper()
	sum := sha256.Sum256([]byte(dir))
	path := filepath.Join(os.TempDir(), "localissuing-npm-"+hex.EncodeToString(sum[:6])+".lock")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		t.Fatalf("open lock: %v", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		t.Fatalf("lock %s: %v", path, err)
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}
}
