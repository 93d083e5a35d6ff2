// Package conformance runs the official stripe npm package and Stripe CLI
// against a real localissuing. The suite itself is JavaScript, under test/,
// run by Node's built-in test runner; this Go test installs what it needs,
// starts the server and runs it, so that `go test ./...` covers it.
package conformance

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/localissuing/localissuing/issuing"
)

// minNode is the oldest Node the suite runs on: stripe-node 23 needs 20,
// and the test runner's --test-concurrency came in 20.10.
var minNode = [2]int{20, 10}

func TestNodeAndCLI(t *testing.T) {
	node, npm := lookPath(t, "node"), lookPath(t, "npm")
	checkNodeVersion(t, node)
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	files := suiteFiles(t, dir)
	ensureModules(t, npm, dir)
	url := startServer(t)

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	// Test files run in parallel, each with accounts of its own: most of
	// the time goes to starting CLI processes, which keeps both cores busy.
	concurrency := max(2, runtime.NumCPU())
	args := append([]string{"--test", "--test-reporter=spec", fmt.Sprintf("--test-concurrency=%d", concurrency)}, files...)
	cmd := exec.CommandContext(ctx, node, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"LOCALISSUING_URL="+url,
		"LOCALISSUING_KEY=sk_test_"+issuing.RandomString(24),
		"NO_COLOR=1",
	)
	// The CLI runs that node starts end with their own timeouts; do not
	// wait forever for them to close the output pipe.
	cmd.WaitDelay = 10 * time.Second
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	if err := cmd.Run(); err != nil {
		t.Fatalf("node --test: %v\n%s", err, out.Bytes())
	}
	t.Logf("node --test passed in %s:\n%s", time.Since(start).Round(time.Millisecond), summary(out.String()))
}

// lookPath finds a program the suite needs or skips, saying how to get it.
func lookPath(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("%s is not on the PATH, so the stripe-node and Stripe CLI conformance suite cannot run. "+
			"To enable it, install Node %d.%d or later with npm (e.g. `apt-get install nodejs npm`, or from nodejs.org) "+
			"and run go test ./conformance/ again.", name, minNode[0], minNode[1])
	}
	return p
}

// checkNodeVersion skips on a Node too old for the suite.
func checkNodeVersion(t *testing.T, node string) {
	t.Helper()
	out, err := exec.Command(node, "--version").Output()
	if err != nil {
		t.Fatalf("node --version: %v", err)
	}
	v := strings.TrimSpace(string(out))
	var major, minor int
	if _, err := fmt.Sscanf(v, "v%d.%d", &major, &minor); err != nil {
		t.Fatalf("node --version printed %q", v)
	}
	if major < minNode[0] || major == minNode[0] && minor < minNode[1] {
		t.Skipf("node is %s, and this suite needs Node %d.%d or later. To enable it, "+
			"put a newer node first on the PATH and run go test ./conformance/ again.", v, minNode[0], minNode[1])
	}
}

// suiteFiles lists the JavaScript test files. It also stats the other files
// the node run reads (its helpers, package.json and the README whose
// snippets it runs): go test caches a passing result keyed on the files
// this process touches, and node's reads are not seen, so without this an
// edited test would not run again. ensureModules reads the lockfile.
func suiteFiles(t *testing.T, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "test", "*.test.js"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no test files under %s: %v", filepath.Join(dir, "test"), err)
	}
	helpers, _ := filepath.Glob(filepath.Join(dir, "test", "lib", "*.js"))
	inputs := append(append(helpers, files...), filepath.Join(dir, "package.json"), filepath.Join(dir, "..", "README.md"))
	for _, f := range inputs {
		if _, err := os.Stat(f); err != nil {
			t.Fatal(err)
		}
	}
	return files
}

// summaryLine matches the spec reporter's closing counts and the tests it
// skipped, with their reasons.
var summaryLine = regexp.MustCompile(`(?m)^(ℹ (tests|pass|fail|skipped|duration_ms) .*|\s*﹣ .*)$`)

func summary(out string) string {
	lines := summaryLine.FindAllString(out, -1)
	if len(lines) == 0 {
		return out
	}
	return strings.Join(lines, "\n")
}
