package issuing

import (
	"crypto/rand"
	"math/big"
)

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

// RandomFrom returns n characters drawn at random from alphabet.
func RandomFrom(alphabet string, n int) string {
	buf := make([]byte, n)
	max := big.NewInt(int64(len(alphabet)))
	for i := range buf {
		v, err := rand.Int(rand.Reader, max)
		if err != nil {
			// crypto/rand does not fail on supported platforms.
			panic("crypto/rand: " + err.Error())
		}
		buf[i] = alphabet[v.Int64()]
	}
	return string(buf)
}
