package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
)

// config is everything the server can be told, from flags or the
// environment (flags win).
type config struct {
	addr        string
	db          string
	allowedKeys map[string]bool
	logLevel    slog.Level
}

func loadConfig(args []string, getenv func(string) string) (config, error) {
	fs := flag.NewFlagSet("localissuing", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	addr := fs.String("addr", envOr(getenv, "LOCALISSUING_ADDR", "127.0.0.1:12111"), "address to listen on (LOCALISSUING_ADDR)")
	db := fs.String("db", envOr(getenv, "LOCALISSUING_DB", "localissuing.db"), "SQLite file path or :memory: (LOCALISSUING_DB)")
	keys := fs.String("keys", getenv("LOCALISSUING_KEYS"), "comma-separated API keys to accept; empty accepts any sk_test_/rk_test_/sk_live_ key (LOCALISSUING_KEYS)")
	keysFile := fs.String("keys-file", getenv("LOCALISSUING_KEYS_FILE"), "file with one accepted API key per line (LOCALISSUING_KEYS_FILE)")
	level := fs.String("log-level", envOr(getenv, "LOCALISSUING_LOG_LEVEL", "info"), "debug, info, warn or error (LOCALISSUING_LOG_LEVEL)")
	fs.Usage = func() {}
	if err := fs.Parse(args); err != nil {
		var b strings.Builder
		fs.SetOutput(&b)
		fs.PrintDefaults()
		return config{}, fmt.Errorf("%w\nflags:\n%s", err, b.String())
	}
	cfg := config{addr: *addr, db: *db, allowedKeys: map[string]bool{}}
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

// dbForDisplay hides a password in a connection string.
func (c config) dbForDisplay() string {
	if i := strings.Index(c.db, "://"); i >= 0 {
		if at := strings.LastIndex(c.db, "@"); at > i {
			creds := c.db[i+3 : at]
			if user, _, ok := strings.Cut(creds, ":"); ok {
				return c.db[:i+3] + user + ":****" + c.db[at:]
			}
		}
	}
	return c.db
}

// logAttrs describes the configuration for the start-up log; keys are
// secrets and only counted.
func (c config) logAttrs() []any {
	return []any{"addr", c.addr, "db", c.dbForDisplay(), "allowed_keys", len(c.allowedKeys), "log_level", c.logLevel.String()}
}
