package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// child is a server process that loadbench started: localissuing or the
// ceiling server.
type child struct {
	name    string
	cmd     *exec.Cmd
	url     string // base URL of the API
	pprof   string // base URL of net/http/pprof, when asked for
	started time.Time
	stderr  *bytes.Buffer
	exited  chan struct{}
}

// startChild runs path with args and waits, at most 20 s, for the line
// that names its listening address ("… listening on http://…").
func startChild(ctx context.Context, name, path string, args ...string) (*child, error) {
	c := &child{name: name, stderr: &bytes.Buffer{}, exited: make(chan struct{})}
	c.cmd = exec.Command(path, args...)
	c.cmd.Stderr = c.stderr
	out, err := c.cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	c.started = time.Now()
	if err := c.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	go func() { c.cmd.Wait(); close(c.exited) }()
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	timeout := time.NewTimer(20 * time.Second)
	defer timeout.Stop()
	for {
		select {
		case line, ok := <-lines:
			if !ok {
				<-c.exited
				return nil, fmt.Errorf("start %s: exited before listening: %s", name, c.stderr.String())
			}
			if u, ok := urlAfter(line, " profiling on "); ok {
				c.pprof = u
			}
			if u, ok := urlAfter(line, " listening on "); ok {
				c.url = u
				go drain(lines)
				return c, nil
			}
		case <-timeout.C:
			go drain(lines)
			c.stop()
			return nil, fmt.Errorf("start %s: no listening address after 20 s: %s", name, c.stderr.String())
		case <-ctx.Done():
			go drain(lines)
			c.stop()
			return nil, fmt.Errorf("start %s: %w", name, ctx.Err())
		}
	}
}

// urlAfter returns the first word after marker in line.
func urlAfter(line, marker string) (string, bool) {
	_, rest, ok := strings.Cut(line, marker)
	if !ok {
		return "", false
	}
	url, _, _ := strings.Cut(rest, " ")
	return url, strings.HasPrefix(url, "http://127.") || strings.HasPrefix(url, "http://[::1]")
}

func drain(lines <-chan string) {
	for range lines {
	}
}

// waitReady polls GET url+path until it answers 200, for at most 20 s, and
// returns the time from process start to that response.
func (c *child) waitReady(ctx context.Context, path, key string) (time.Duration, error) {
	deadline := time.Now().Add(20 * time.Second)
	client := &http.Client{Timeout: 2 * time.Second}
	for time.Now().Before(deadline) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.url+path, nil)
		if err != nil {
			return 0, fmt.Errorf("%s: ready check: %w", c.name, err)
		}
		req.Header.Set("Authorization", "Bearer "+key)
		resp, err := client.Do(req)
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return time.Since(c.started), nil
			}
		}
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-c.exited:
			return 0, fmt.Errorf("%s exited: %s", c.name, c.stderr.String())
		case <-time.After(500 * time.Microsecond):
		}
	}
	return 0, fmt.Errorf("%s: no 200 from %s within 20 s", c.name, path)
}

// residentMemory is a process's resident set, in bytes, as /proc reports
// it.
type residentMemory struct {
	rss, peak int64 // VmRSS and VmHWM
	// file is the part of rss that is pages of files (RssFile): mostly the
	// executable, which the kernel can drop and read again; the rest is
	// the process's own memory.
	file int64
}

// memory reads the process's resident set from /proc.
func (c *child) memory() (residentMemory, error) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", c.cmd.Process.Pid))
	if err != nil {
		return residentMemory{}, fmt.Errorf("%s: read memory: %w", c.name, err)
	}
	m, err := parseStatus(string(raw))
	if err != nil {
		return residentMemory{}, fmt.Errorf("%s: %w", c.name, err)
	}
	return m, nil
}

// parseStatus reads the resident set from the text of /proc/PID/status.
func parseStatus(status string) (residentMemory, error) {
	var m residentMemory
	fields := map[string]*int64{"VmRSS": &m.rss, "VmHWM": &m.peak, "RssFile": &m.file}
	for line := range strings.SplitSeq(status, "\n") {
		name, value, ok := strings.Cut(line, ":")
		field := fields[name]
		if !ok || field == nil {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 10, 64)
		if err != nil {
			return residentMemory{}, fmt.Errorf("parse %s: %w", name, err)
		}
		*field = kb << 10
	}
	if m.rss == 0 {
		return residentMemory{}, errors.New("no VmRSS in /proc status")
	}
	return m, nil
}

// cpuTime is the CPU time (user and system) the process has used so far,
// from /proc, in clock ticks of 10 ms. Per request, it shows what a server
// costs independently of how much of the machine others took meanwhile.
func (c *child) cpuTime() (time.Duration, error) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", c.cmd.Process.Pid))
	if err != nil {
		return 0, fmt.Errorf("%s: read cpu time: %w", c.name, err)
	}
	// The command name, in parentheses, may hold spaces; fields follow it.
	_, rest, ok := strings.Cut(string(raw), ") ")
	fields := strings.Fields(rest)
	if !ok || len(fields) < 13 {
		return 0, fmt.Errorf("%s: unexpected /proc stat %q", c.name, raw)
	}
	var ticks int64
	for _, f := range fields[11:13] { // utime and stime, fields 14 and 15 of stat
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("%s: parse cpu time: %w", c.name, err)
		}
		ticks += n
	}
	return time.Duration(ticks) * 10 * time.Millisecond, nil
}

// stop sends SIGTERM, which localissuing answers by finishing requests and
// closing its database, and kills the process if it has not exited after
// 15 s.
func (c *child) stop() error {
	select {
	case <-c.exited:
		return nil
	default:
	}
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.exited:
		return nil
	case <-time.After(15 * time.Second):
		_ = c.cmd.Process.Kill()
		<-c.exited
		return fmt.Errorf("%s did not stop on SIGTERM within 15 s; killed", c.name)
	}
}
