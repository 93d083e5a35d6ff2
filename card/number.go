package card

import "github.com/localissuing/localissuing/issuing"

// testBIN starts every generated number: Stripe's test-mode Visa issuing
// range, so numbers look like the ones test mode hands out.
const testBIN = "4000009990"

// newNumber returns a 16-digit Visa number in the test range with a valid
// Luhn check digit.
func newNumber() string {
	digits := []byte(testBIN + issuing.RandomDigits(15-len(testBIN)))
	return string(digits) + string(rune('0'+luhnCheckDigit(digits)))
}

// newCVC returns a random three-digit CVC.
func newCVC() string { return issuing.RandomDigits(3) }

// luhnCheckDigit computes the digit that makes payload+digit pass the Luhn
// check that every card network uses.
func luhnCheckDigit(payload []byte) int {
	sum := 0
	double := true
	for i := len(payload) - 1; i >= 0; i-- {
		d := int(payload[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return (10 - sum%10) % 10
}

// luhnValid tells whether a number passes the Luhn check.
func luhnValid(number string) bool {
	if len(number) < 2 {
		return false
	}
	return luhnCheckDigit([]byte(number[:len(number)-1])) == int(number[len(number)-1]-'0')
}
