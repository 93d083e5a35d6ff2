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
func RandomString(n int) string {
	buf := make([]byte, n)
	max := big.NewInt(int64(len(base62)))
	for i := range buf {
		v, err := rand.Int(rand.Reader, max)
		if err != nil {
			// crypto/rand does not fail on supported platforms.
			panic("crypto/rand: " + err.Error())
		}
		buf[i] = base62[v.Int64()]
	}
	return string(buf)
}
