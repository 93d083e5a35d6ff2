package issuing

// Prorate returns the share of total that part is of whole, rounded to the
// nearest unit: how a merchant amount follows when only some of an
// authorization's amount is captured, reversed or refunded. This server
// has no exchange rates, so the ratio of the original amounts stands in for
// one.
func Prorate(total, part, whole int64) int64 {
	if whole == 0 || part == whole {
		return total
	}
	// Amounts are in minor units and far from overflowing int64 when
	// multiplied; round half away from zero.
	n := total * part
	q, r := n/whole, n%whole
	if r < 0 {
		r = -r
	}
	if 2*r >= abs(whole) {
		if (n < 0) != (whole < 0) {
			q--
		} else {
			q++
		}
	}
	return q
}

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}
