package api

import (
	"encoding/base64"
	"net/http"
	"strings"

	"github.com/localissuing/localissuing/issuing"
)

// keyModes maps the secret-key prefixes Stripe issues to whether the key is
// live. Restricted keys (rk_) act like secret keys here.
var keyModes = []struct {
	prefix   string
	livemode bool
}{
	{"sk_test_", false},
	{"rk_test_", false},
	{"sk_live_", true},
	{"rk_live_", true},
}

// Authenticator decides which account a request acts for.
type Authenticator struct {
	// Allowed, when not empty, is the only set of keys accepted: a server
	// shared on a network need not serve every key that is guessed.
	Allowed map[string]bool
}

// Authenticate reads the key from the Authorization header, as Bearer, as
// HTTP Basic with the key as the user name (curl -u sk_test_…:), or as a
// bare Basic value, and returns its account.
func (a Authenticator) Authenticate(r *http.Request) (issuing.Account, error) {
	header := r.Header.Get("Authorization")
	if header == "" {
		return issuing.Account{}, &issuing.Error{Kind: issuing.KindAuth, Message: "You did not provide an API key. " +
			"You need to provide your API key in the Authorization header, using Bearer auth " +
			"(e.g. 'Authorization: Bearer YOUR_SECRET_KEY')."}
	}
	key := keyFromHeader(header)
	if key == "" {
		return issuing.Account{}, &issuing.Error{Kind: issuing.KindAuth, Message: "Invalid API Key provided: the Authorization header " +
			"must be 'Bearer YOUR_SECRET_KEY' or HTTP Basic with the key as the user name."}
	}
	if strings.HasPrefix(key, "pk_") {
		return issuing.Account{}, &issuing.Error{Kind: issuing.KindAuth, Message: "This API call cannot be made with a publishable " +
			"API key. Please use a secret API key."}
	}
	for _, m := range keyModes {
		if strings.HasPrefix(key, m.prefix) && len(key) > len(m.prefix) && validKeyChars(key) {
			if len(a.Allowed) > 0 && !a.Allowed[key] {
				break
			}
			return issuing.AccountForKey(key, m.livemode), nil
		}
	}
	return issuing.Account{}, &issuing.Error{Kind: issuing.KindAuth, Message: "Invalid API Key provided: " + redactKey(key)}
}

func keyFromHeader(header string) string {
	scheme, value, ok := strings.Cut(header, " ")
	if !ok {
		return ""
	}
	value = strings.TrimSpace(value)
	switch strings.ToLower(scheme) {
	case "bearer":
		return value
	case "basic":
		if decoded, err := base64.StdEncoding.DecodeString(value); err == nil {
			user, _, _ := strings.Cut(string(decoded), ":")
			return user
		}
		// Stripe also takes the key itself as the Basic value.
		user, _, _ := strings.Cut(value, ":")
		return user
	}
	return ""
}

func validKeyChars(key string) bool {
	for _, c := range key {
		if !(c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// redactKey shows a key the way Stripe does in errors: its prefix and last
// four characters.
func redactKey(key string) string {
	if len(key) <= 12 {
		return strings.Repeat("*", len(key))
	}
	prefix := key[:8]
	return prefix + "****" + key[len(key)-4:]
}
