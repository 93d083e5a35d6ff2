package issuing

import (
	"crypto/rand"
	"strings"
	"time"
)

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// NewID returns prefix, an underscore and 24 base62 characters, the shape
// of Stripe's ids ("ic_1Pgag5B7WZ01zgkWephORn8N"): "1", the time in
// milliseconds (7 characters), and 16 random ones. The randomness comes
// from crypto/rand so that several server processes sharing one database
// never mint the same id; the time first makes ids minted later sort
// later, so that a new id goes at the end of the stores' id index
// instead of a random place in it: the writes that commit together then
// change one index page rather than one each, which made a durable token
// update a fifth cheaper under load (docs/PERFORMANCE.md).
func NewID(prefix string) string {
	var stamp [idTimeChars]byte
	ms := time.Now().UnixMilli()
	for i := len(stamp) - 1; i >= 0; i-- {
		stamp[i] = base62[ms%62]
		ms /= 62
	}
	return randomAfter(prefix+"_1"+string(stamp[:]), 0, base62, 24-1-idTimeChars)
}

// idTimeChars is how many base62 characters of an id hold its time in
// milliseconds: 62⁷ ms last until the year 2081.
const idTimeChars = 7

// NewRequestID returns a request id, "req_" and 14 random base62
// characters, as Stripe's Request-Id header carries them.
func NewRequestID() string { return randomAfter("req", '_', base62, 14) }

// RandomString returns n random base62 characters.
func RandomString(n int) string { return RandomFrom(base62, n) }

// RandomDigits returns n random decimal digits.
func RandomDigits(n int) string { return RandomFrom("0123456789", n) }

// RandomFrom returns n characters drawn at random from alphabet, which has
// at most 256 characters.
func RandomFrom(alphabet string, n int) string { return randomAfter("", 0, alphabet, n) }

// randomAfter returns prefix, then sep unless it is 0, then n characters
// drawn at random from alphabet, in one allocation: every request and
// every event draws an id, and concatenating the parts took three. One
// crypto/rand read serves up to 64 characters (a rand.Int per character,
// big.Int arithmetic and a read each, showed up in CPU profiles). Bytes at
// or above the largest multiple of len(alphabet) are dropped, so that each
// character stays equally likely.
func randomAfter(prefix string, sep byte, alphabet string, n int) string {
	size := len(alphabet)
	if size == 0 || size > 256 {
		panic("issuing: RandomFrom needs an alphabet of 1 to 256 characters")
	}
	limit := 256 - 256%size
	var out strings.Builder
	out.Grow(len(prefix) + 1 + n)
	out.WriteString(prefix)
	if sep != 0 {
		out.WriteByte(sep)
	}
	var buf, chars [64]byte
	for left := n; left > 0; {
		// crypto/rand.Read does not fail on supported platforms.
		chunk := buf[:min(len(buf), left+left/8+4)]
		if _, err := rand.Read(chunk); err != nil {
			panic("crypto/rand: " + err.Error())
		}
		k := 0
		for _, b := range chunk {
			if int(b) < limit && k < left {
				chars[k] = alphabet[int(b)%size]
				k++
			}
		}
		out.Write(chars[:k])
		left -= k
	}
	return out.String()
}
