package conformance

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"
)

// stampFile, inside node_modules, records the lockfile that node_modules
// was installed from. npm ci empties node_modules first, so a stale or
// half-done install never carries a matching stamp.
const stampFile = ".localissuing-lock-sha256"

// offline matches what npm prints when it cannot reach the registry.
var offline = regexp.MustCompile(`\b(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|ERR_SOCKET_TIMEOUT)\b|npm (error|ERR!) network`)

// ensureModules makes node_modules match package-lock.json, running npm ci
// when it is missing or was installed from another lockfile, so that the
// README's `go test ./...` is the whole set-up on a fresh machine. It skips
// the test when npm cannot reach the registry.
func ensureModules(t *testing.T, npm, dir string) {
	t.Helper()
	lock, err := os.ReadFile(filepath.Join(dir, "package-lock.json"))
	if err != nil {
		t.Fatalf("read lockfile: %v", err)
	}
	sum := sha256.Sum256(lock)
	want := hex.EncodeToString(sum[:])
	stamp := filepath.Join(dir, "node_modules", stampFile)
	if got, err := os.ReadFile(stamp); err == nil && string(got) == want {
		return
	}

	// Two `go test` runs in one tree (two people, or CI and a person) must
	// not run npm ci into the same node_modules at once.
	unlock := lockDir(t, dir)
	defer unlock()
	if got, err := os.ReadFile(stamp); err == nil && string(got) == want {
		return // the other run installed it while this one waited
	}

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, npm, "ci",
		// Neither package needs an install script (the CLI's binary is in
		// its tarball), so none from the registry gets to run.
		"--ignore-scripts",
		// A machine that has fetched these packages once installs from its
		// cache; offline, npm gives up after one quick retry.
		"--prefer-offline", "--fetch-retries=1", "--fetch-retry-mintimeout=1000", "--fetch-retry-maxtimeout=5000",
		"--no-audit", "--no-fund")
	cmd.Dir = dir
	cmd.WaitDelay = 10 * time.Second
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err = cmd.Run()
	switch {
	case err == nil:
	case offline.Match(out.Bytes()):
		t.Skipf("npm ci could not reach the npm registry, so stripe-node and the Stripe CLI are not installed "+
			"and this suite cannot run. To enable it, give this machine access to the npm registry, or run "+
			"`npm ci` in %s once while it has access (that fills npm's cache, which later installs use offline), "+
			"then go test ./conformance/ again.\n%s", dir, out.Bytes())
	default:
		t.Fatalf("npm ci in %s: %v\n%s", dir, err, out.Bytes())
	}
	t.Logf("npm ci installed the conformance packages in %s", time.Since(start).Round(time.Millisecond))
	if err := os.WriteFile(stamp, []byte(want), 0o644); err != nil {
		t.Fatalf("write %s: %v", stamp, err)
	}
}
