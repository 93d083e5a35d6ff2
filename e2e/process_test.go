package e2e

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
	"time"
)

// buildServer builds the localissuing command into a temporary directory
// and returns its path. It builds with -race when the tests run with it,
// so that the build reuses the packages the test build compiled.
func buildServer(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "localissuing")
	args := []string{"build", "-o", bin}
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, s := range info.Settings {
			if s.Key == "-race" && s.Value == "true" {
				args = append(args, "-race")
			}
		}
	}
	cmd := exec.Command("go", append(args, "./cmd/localissuing")...)
	cmd.Dir = ".." // the module's root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// process is a localissuing server process.
type process struct {
	URL    string
	Secret string // the --forward-to signing secret it printed, if any
	cmd    *exec.Cmd
	stderr *lockedBuffer
}

// lockedBuffer collects a process's log while it writes it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startServer starts bin on a free loopback port with args and returns
// once it listens. The process is stopped with SIGINT, as Ctrl-C would,
// when the test ends; its log is shown if the test failed.
func startServer(t *testing.T, bin string, args ...string) *process {
	t.Helper()
	p := &process{stderr: &lockedBuffer{}}
	p.cmd = exec.Command(bin, append([]string{"--addr", "127.0.0.1:0", "--log-level", "warn"}, args...)...)
	p.cmd.Env = append(os.Environ(), "LOCALISSUING_DB=", "LOCALISSUING_FORWARD_TO=")
	p.cmd.Stderr = p.stderr
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	t.Cleanup(func() { p.stop(t) })
	listening := make(chan struct{})
	go func() {
		lines := bufio.NewScanner(stdout)
		for lines.Scan() {
			line := lines.Text()
			if s, ok := strings.CutPrefix(line, "webhook signing secret"); ok {
				p.Secret = s[strings.LastIndex(s, " ")+1:]
			}
			if rest, ok := strings.CutPrefix(line, "localissuing listening on "); ok {
				p.URL, _, _ = strings.Cut(rest, " ")
				close(listening)
				break
			}
		}
		_, _ = io.Copy(io.Discard, stdout) // keep the pipe drained
	}()
	select {
	case <-listening:
	case <-time.After(30 * time.Second):
		t.Fatalf("server did not start listening; its log:\n%s", p.stderr)
	}
	return p
}

// stop interrupts the process and waits for it to exit.
func (p *process) stop(t *testing.T) {
	_ = p.cmd.Process.Signal(os.Interrupt)
	exited := make(chan error, 1)
	go func() { exited <- p.cmd.Wait() }()
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("server exited: %v", err)
		}
	case <-time.After(15 * time.Second):
		_ = p.cmd.Process.Kill()
		<-exited
		t.Errorf("server did not stop on SIGINT")
	}
	if t.Failed() {
		t.Logf("log of the server at %s:\n%s", p.URL, p.stderr)
	}
}

// do sends a request with key to the process and returns the response.
// Responses are checked against the OpenAPI document as in every test.
func (p *process) do(t *testing.T, method, path, key, form string, headers ...string) response {
	t.Helper()
	url := p.URL + path
	var body io.Reader
	if method == http.MethodPost {
		body = strings.NewReader(form)
	} else if form != "" {
		url += "?" + form
	}
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Errorf("new request: %v", err) // not Fatal: do runs on other goroutines too
		return response{}
	}
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Authorization", "Bearer "+key)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := (&http.Client{Transport: &validatingTransport{t: t, base: http.DefaultTransport}}).Do(req)
	if err != nil {
		t.Errorf("%s %s: %v", method, path, err)
		return response{}
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Errorf("read body: %v", err)
	}
	return response{Status: res.StatusCode, Header: res.Header, Body: b}
}
