package issuing

import "crypto/rand"

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// NewID returns prefix, an underscore and 24 random base62 characters, the
// shape of Stripe's ids ("ic_1Pgag5B7WZ01zgkWephORn8N"). The randomness
// comes from crypto/rand so that several server processes sharing one
// database never mint the same id.
func NewID(prefix string) string {
	return prefix + "_" + RandomString(24)
}

// RandomString returns n random base62 characters.
func RandomString(n int) string { return RandomFrom(base62, n) }

// RandomDigits returns n random decimal digits.
func RandomDigits(n int) string { return RandomFrom("0123456789", n) }

// RandomFrom returns n characters drawn at random from alphabet, which has
// at most 256 characters. One crypto/rand read serves the whole string:
// every request and every event draws an id, and a rand.Int per character
// (big.Int arithmetic and a read each) showed up in CPU profiles. Bytes at
// or above the largest multiple of len(alphabet) are dropped, so that each
// character stays equally likely.
func RandomFrom(alphabet string, n int) string {
	size := len(alphabet)
	if size == 0 || size > 256 {
		panic("issuing: RandomFrom needs an alphabet of 1 to 256 characters")
	}
	limit := 256 - 256%size
	out := make([]byte, 0, n)
	var buf [64]byte
	for len(out) < n {
		// crypto/rand.Read does not fail on supported platforms.
		chunk := buf[:min(len(buf), n-len(out)+n/8+4)]
		if _, err := rand.Read(chunk); err != nil {
			panic("crypto/rand: " + err.Error())
		}
		for _, b := range chunk {
			if int(b) < limit && len(out) < n {
				out = append(out, alphabet[int(b)%size])
			}
		}
	}
	return string(out)
}
