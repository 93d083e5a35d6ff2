package spec

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// stripeDocument is where go generate reads Stripe's document, relative to
// this directory: the shared folder sits beside the repository.
const stripeDocument = "../../shared/spec/issuing.openapi.json"

// TestGeneratedDocumentIsCurrent runs this package's go:generate command
// with the output sent to a temporary file and compares the result with the
// committed openapi.json, so that an edit to additions.json or to the
// generator without a regeneration fails here.
func TestGeneratedDocumentIsCurrent(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the generator; skipped with -short")
	}
	if _, err := os.Stat(stripeDocument); err != nil {
		t.Skipf("Stripe's document is not at %s (the shared folder is not beside the repository), so openapi.json cannot be regenerated: %v", stripeDocument, err)
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("no go command to run the generator: %v", err)
	}
	args := generateArgs(t)
	out := filepath.Join(t.TempDir(), "openapi.json")
	replaced := false
	for i := range args {
		if args[i] == "-out" && i+1 < len(args) {
			args[i+1] = out
			replaced = true
		}
	}
	if !replaced {
		t.Fatalf("the go:generate line has no -out flag: %q", args)
	}
	cmd := exec.Command(goTool, args...)
	if output, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, output)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	committed, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, committed) {
		t.Errorf("openapi.json is stale (run go generate ./spec/): %s", firstDifference(got, committed))
	}
}

// generateArgs returns the arguments of the go command on the
// //go:generate line of spec.go.
func generateArgs(t *testing.T) []string {
	t.Helper()
	f, err := os.Open("spec.go")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "//go:generate go "); ok {
			return strings.Fields(rest)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	t.Fatal("spec.go has no //go:generate go … line")
	return nil
}

// firstDifference describes where two byte slices first differ.
func firstDifference(got, want []byte) string {
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	excerpt := func(b []byte) string {
		return string(b[min(max(i-40, 0), len(b)):min(i+40, len(b))])
	}
	return fmt.Sprintf("generated %d bytes, committed %d; first difference at byte %d:\n generated: %s\n committed: %s",
		len(got), len(want), i, excerpt(got), excerpt(want))
}
