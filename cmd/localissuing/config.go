package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/localissuing/localissuing/realtime"
	"github.com/localissuing/localissuing/store/sqlite"
)

// config is everything the server can be told, from flags or the
// environment (flags win).
type config struct {
	addr        string
	db          string
	allowedKeys map[string]bool
	logLevel    slog.Level
	pprof       string // loopback address for net/http/pprof; empty means off
	cacheMB     int    // bound of the SQLite engine's object cache
	heapFloor   uint64 // heap size below which the collector does not run; 0 for none (see heapfloor)
	webhooks    webhookSettings
	realTime    realtime.Config
}

func loadConfig(args []string, getenv func(string) string) (config, error) {
	fs := flag.NewFlagSet("localissuing", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	addr := fs.String("addr", envOr(getenv, "LOCALISSUING_ADDR", "127.0.0.1:12111"), "address to listen on (LOCALISSUING_ADDR)")
	db := fs.String("db", envOr(getenv, "LOCALISSUING_DB", "localissuing.db"), "SQLite file path, :memory:, or a postgres:// URL (LOCALISSUING_DB)")
	keys := fs.String("keys", getenv("LOCALISSUING_KEYS"), "comma-separated API keys to accept; empty accepts any sk_test_/rk_test_/sk_live_ key (LOCALISSUING_KEYS)")
	keysFile := fs.String("keys-file", getenv("LOCALISSUING_KEYS_FILE"), "file with one accepted API key per line (LOCALISSUING_KEYS_FILE)")
	level := fs.String("log-level", envOr(getenv, "LOCALISSUING_LOG_LEVEL", "info"), "debug, info, warn or error (LOCALISSUING_LOG_LEVEL)")
	pprofAddr := fs.String("pprof", getenv("LOCALISSUING_PPROF"), "loopback address to serve net/http/pprof on, e.g. 127.0.0.1:6060; off when empty (LOCALISSUING_PPROF)")
	forwardTo := fs.String("forward-to", getenv("LOCALISSUING_FORWARD_TO"), "URL sent every event of every account, signed with a secret printed at start-up (LOCALISSUING_FORWARD_TO)")
	retries := fs.String("webhook-retries", envOr(getenv, "LOCALISSUING_WEBHOOK_RETRIES", "stripe"), "webhook retry schedule: stripe, fast, none, or waits such as 10s,1m,5m (LOCALISSUING_WEBHOOK_RETRIES)")
	authTimeout := fs.String("authorization-timeout", envOr(getenv, "LOCALISSUING_AUTHORIZATION_TIMEOUT", realtime.DefaultTimeout.String()), "how long a real-time authorization endpoint has to answer (LOCALISSUING_AUTHORIZATION_TIMEOUT)")
	authFallback := fs.String("authorization-fallback", envOr(getenv, "LOCALISSUING_AUTHORIZATION_FALLBACK", "decline"), "decline or approve requests a real-time authorization endpoint does not answer in time (LOCALISSUING_AUTHORIZATION_FALLBACK)")
	cacheMB := fs.String("cache-mb", envOr(getenv, "LOCALISSUING_CACHE_MB", strconv.Itoa(sqlite.DefaultCacheBytes>>20)), "megabytes of recently read objects a SQLite database keeps in memory; 0 keeps none (LOCALISSUING_CACHE_MB)")
	fs.Usage = func() {}
	if err := fs.Parse(args); err != nil {
		var b strings.Builder
		fs.SetOutput(&b)
		fs.PrintDefaults()
		return config{}, fmt.Errorf("%w\nflags:\n%s", err, b.String())
	}
	cfg := config{addr: *addr, db: *db, allowedKeys: map[string]bool{}, pprof: *pprofAddr}
	n, err := strconv.Atoi(*cacheMB)
	if err != nil || n < 0 || n > 1<<20 {
		return config{}, fmt.Errorf("cache size %q: want a whole number of megabytes, 0 or more", *cacheMB)
	}
	cfg.cacheMB = n
	// With a full cache the collector lets the heap grow to about three
	// times the cache's bound (the entries, what the rest of the server
	// keeps, and as much again of headroom), so a heap of that size is one
	// the server takes anyway; below it, collecting only costs CPU.
	// Someone who sets GOGC has chosen for themselves; PostgreSQL has no
	// object cache.
	if getenv("GOGC") == "" && !isPostgres(*db) {
		cfg.heapFloor = uint64(n) << 20 * 3
	}
	if err := checkLoopback(cfg.pprof); err != nil {
		return config{}, err
	}
	if cfg.webhooks, err = loadWebhookSettings(*forwardTo, *retries); err != nil {
		return config{}, err
	}
	if cfg.realTime, err = loadRealTime(*authTimeout, *authFallback); err != nil {
		return config{}, err
	}
	if err := cfg.logLevel.UnmarshalText([]byte(*level)); err != nil {
		return config{}, fmt.Errorf("log level %q: %w", *level, err)
	}
	for _, k := range strings.Split(*keys, ",") {
		if k = strings.TrimSpace(k); k != "" {
			cfg.allowedKeys[k] = true
		}
	}
	if *keysFile != "" {
		if err := readKeysFile(*keysFile, cfg.allowedKeys); err != nil {
			return config{}, err
		}
	}
	return cfg, nil
}

func loadRealTime(timeout, fallback string) (realtime.Config, error) {
	d, err := time.ParseDuration(timeout)
	if err != nil || d <= 0 {
		return realtime.Config{}, fmt.Errorf("authorization timeout %q: want a positive duration such as 2s or 500ms", timeout)
	}
	switch fallback {
	case "decline", "approve":
	default:
		return realtime.Config{}, fmt.Errorf("authorization fallback %q: want decline or approve", fallback)
	}
	return realtime.Config{Timeout: d, ApproveOnFallback: fallback == "approve"}, nil
}

func readKeysFile(path string, into map[string]bool) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("keys file: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k := strings.TrimSpace(sc.Text()); k != "" && !strings.HasPrefix(k, "#") {
			into[k] = true
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("keys file %s: %w", path, err)
	}
	return nil
}

func envOr(getenv func(string) string, name, def string) string {
	if v := getenv(name); v != "" {
		return v
	}
	return def
}

// dbForDisplay hides a password in a connection string: the one in the
// URL's user information and a password= parameter.
func (c config) dbForDisplay() string {
	db := c.db
	if i := strings.Index(db, "://"); i >= 0 {
		host := db[i+3:]
		if end := strings.IndexAny(host, "/?#"); end >= 0 {
			host = host[:end]
		}
		if at := strings.LastIndex(host, "@"); at >= 0 {
			if user, _, ok := strings.Cut(host[:at], ":"); ok {
				db = db[:i+3] + user + ":****" + db[i+3+at:]
			}
		}
	}
	return passwordParam.ReplaceAllString(db, "${1}****")
}

// passwordParam finds the value of a password parameter of a URL's query
// or of a keyword/value connection string.
var passwordParam = regexp.MustCompile(`((?:^|[?&\s])password=)[^&\s]*`)

// logAttrs describes the configuration for the start-up log; keys are
// secrets and only counted.
func (c config) logAttrs() []any {
	return []any{"addr", c.addr, "db", c.dbForDisplay(), "allowed_keys", len(c.allowedKeys), "log_level", c.logLevel.String(), "pprof", c.pprof,
		"authorization_timeout", c.realTime.Timeout.String(), "authorization_fallback_approves", c.realTime.ApproveOnFallback}
}
