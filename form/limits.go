package form

// Limits on one request. Stripe's clients stay far below them; they exist so
// that a hostile body is rejected before it costs much memory or time.
const (
	maxPairs     = 10000 // non-empty key=value pairs
	maxDepth     = 10    // bracket segments after the top-level name
	maxIndex     = 9999  // largest array index
	maxKeyLength = 1000  // bytes of a decoded key; see keyLength
	// maxContainers bounds the hashes and arrays in one tree. Pairs and
	// depth alone would allow 10,000 pairs × 10 levels = 100,000 maps, tens
	// of megabytes from a body of a few hundred kilobytes.
	maxContainers = 2000
)
