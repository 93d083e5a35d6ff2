package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/localissuing/localissuing/document"
	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/spec"
	"github.com/localissuing/localissuing/store"
)

// Config is what a Server needs.
type Config struct {
	Store  store.Store
	Clock  issuing.Clock // nil means the wall clock
	Logger *slog.Logger  // nil means slog.Default()
	Auth   Authenticator // which keys are accepted
}

// Kind tells the API how objects of one stored kind look to clients. Every
// kind that can be retrieved, listed or expanded is registered once.
type Kind struct {
	Name string // Stripe's object name, e.g. "issuing.card"
	Noun string // how errors name it, e.g. "issuing card"
	// Render turns a stored object into the value sent to clients
	// (encoded as encoding/json encodes it).
	Render func(ctx context.Context, rd store.Reader, obj store.Object) (any, error)
}

// ReadFunc answers a GET from a read-only view of the store.
type ReadFunc func(c *Call, rd store.Reader) (any, error)

// WriteFunc performs a POST or DELETE inside one store transaction and
// returns the object to send. Everything it writes, its events included,
// commits together with the idempotency record, or not at all.
type WriteFunc func(c *Call, tx store.Tx) (any, error)

// ListFunc narrows a list query from the call's filters (Parent, Equal),
// reading the store if a filter must be checked.
// Account, Kind, Limit, cursors and created are filled in already.
type ListFunc func(c *Call, rd store.Reader, q *store.Query) error

// Server is the HTTP API.
type Server struct {
	store store.Store
	clock issuing.Clock
	log   *slog.Logger
	auth  Authenticator
	mux   *http.ServeMux
	kinds map[string]Kind

	inflightMu sync.Mutex
	inflight   map[string]bool // account+idempotency key of requests running now

	afterWrite func() // see AfterWrites

	// accounts remembers the account of Authorization headers already
	// accepted (hashing the key was a twentieth of a retrieve's CPU time),
	// up to maxAccounts of them.
	accounts     sync.Map // header → issuing.Account
	accountCount atomic.Int64
}

// maxAccounts bounds Server.accounts: a client trying many keys makes it
// hash them, not grow without end.
const maxAccounts = 1024

// New returns a Server with no routes; resources register theirs.
func New(cfg Config) *Server {
	s := &Server{
		store:    cfg.Store,
		clock:    cfg.Clock,
		log:      cfg.Logger,
		auth:     cfg.Auth,
		mux:      http.NewServeMux(),
		kinds:    map[string]Kind{},
		inflight: map[string]bool{},
	}
	if s.clock == nil {
		s.clock = issuing.SystemClock{}
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	s.mux.HandleFunc("/", s.unknownRoute)
	return s
}

// Clock returns the server's clock.
func (s *Server) Clock() issuing.Clock { return s.clock }

// Store returns the server's store.
func (s *Server) Store() store.Store { return s.store }

// ServeHTTP makes Server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mux.ServeHTTP(w, r)
}

// AfterWrites makes the server call fn after every write that commits
// webhook deliveries, so that they go out at once rather than at the next
// poll of the outbox. fn must not block. Call it before serving.
func (s *Server) AfterWrites(fn func()) { s.afterWrite = fn }

// RegisterKind makes a kind retrievable, listable and expandable.
func (s *Server) RegisterKind(k Kind) { s.kinds[k.Name] = k }

// Read registers a GET route. pattern is "GET /v1/…/{param}", the path as the
// OpenAPI document writes it.
func (s *Server) Read(pattern string, fn ReadFunc) {
	op := mustOp(pattern)
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		buf := getReadBuffer()
		defer putReadBuffer(buf) // serve has written the answer
		s.serve(w, r, op, func(c *Call) (int, []byte, error) {
			err := s.store.View(c.Ctx, func(rd store.Reader) error {
				v, err := fn(c, rd)
				if err != nil {
					return err
				}
				*buf, err = s.appendEncoded((*buf)[:0], c, rd, op, v)
				return err
			})
			return http.StatusOK, *buf, err
		})
	})
}

// Retrieve registers the plain GET of one object of kind by the path
// parameter param.
func (s *Server) Retrieve(pattern, kind, param string) {
	s.Read(pattern, func(c *Call, rd store.Reader) (any, error) {
		return s.Load(c.Ctx, rd, c.Account.ID, kind, c.PathValue(param), "id")
	})
}

// Write registers a POST or DELETE route.
func (s *Server) Write(pattern string, fn WriteFunc) {
	op := mustOp(pattern)
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		s.serve(w, r, op, func(c *Call) (int, []byte, error) {
			return s.runWrite(c, op, fn)
		})
	})
}

// List registers a list route for kind.
func (s *Server) List(pattern, kind string, fn ListFunc) {
	op := mustOp(pattern)
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		buf := getReadBuffer()
		defer putReadBuffer(buf) // serve has written the answer
		s.serve(w, r, op, func(c *Call) (int, []byte, error) {
			err := s.store.View(c.Ctx, func(rd store.Reader) error {
				page, err := s.list(c, rd, r.URL.Path, kind, fn)
				if err != nil {
					return err
				}
				*buf, err = s.appendEncoded((*buf)[:0], c, rd, op, page)
				return err
			})
			return http.StatusOK, *buf, err
		})
	})
}

// Load reads one object and renders it; a missing object is a 404 naming
// param, the parameter that referred to it.
func (s *Server) Load(ctx context.Context, rd store.Reader, account, kind, id, param string) (any, error) {
	k, ok := s.kinds[kind]
	if !ok {
		return nil, fmt.Errorf("load %s: kind not registered", kind)
	}
	obj, err := rd.Get(ctx, account, kind, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, issuing.NotFound(k.Noun, id, param)
	}
	if err != nil {
		return nil, fmt.Errorf("load %s %s: %w", kind, id, err)
	}
	return k.Render(ctx, rd, obj)
}

func mustOp(pattern string) *spec.Op {
	method, path, _ := strings.Cut(pattern, " ")
	op, ok := spec.Lookup(method, path)
	if !ok {
		// Routes are wired at start-up from code; a route the document
		// lacks is a programming error caught by any test that starts
		// the server.
		panic("api: no operation " + pattern + " in the OpenAPI document")
	}
	return op
}

// serve runs the stages every request shares and writes the response.
func (s *Server) serve(w http.ResponseWriter, r *http.Request, op *spec.Op, run func(*Call) (int, []byte, error)) {
	requestID := issuing.NewRequestID()
	setHeaders(w.Header(), requestID, stripeVersion(r))
	c, err := s.newCall(r, op, requestID)
	if err != nil {
		s.writeError(r.Context(), w, requestID, err)
		return
	}
	status, body, err := run(c)
	h := w.Header()
	if replay, ok := errors.AsType[replayed](err); ok {
		h.Set("Idempotent-Replayed", "true")
		h.Set("Original-Request", replay.requestID)
		h.Set("Idempotency-Key", c.IdempotencyKey)
		writeJSON(w, replay.status, replay.body)
		return
	}
	if c.IdempotencyKey != "" {
		h.Set("Idempotency-Key", c.IdempotencyKey)
	}
	if err != nil {
		s.writeError(r.Context(), w, requestID, err)
		return
	}
	writeJSON(w, status, body)
}

// setHeaders sets the headers every response has: its request id, the
// API version and the JSON content type, uncached. The values share one
// array (h.Set allocated one slice for each), and the keys are written
// canonical already.
func setHeaders(h http.Header, requestID, version string) {
	v := &[4]string{requestID, version, "application/json", "no-cache, no-store"}
	h["Request-Id"] = v[0:1:1]
	h["Stripe-Version"] = v[1:2:2]
	h["Content-Type"] = v[2:3:3]
	h["Cache-Control"] = v[3:4:4]
}

func (s *Server) newCall(r *http.Request, op *spec.Op, requestID string) (*Call, error) {
	account, err := s.authenticate(r)
	if err != nil {
		return nil, err
	}
	if r.ContentLength > maxBodyBytes {
		return nil, tooLarge()
	}
	raw, err := readParams(r)
	if err != nil {
		return nil, err
	}
	params, err := op.Validate(raw)
	if err != nil {
		return nil, err
	}
	key := r.Header.Get("Idempotency-Key")
	if r.Method != http.MethodPost {
		key = "" // Stripe ignores keys on GET and DELETE.
	}
	if len(key) > 255 {
		return nil, issuing.Invalid("", "Idempotency-Key must be at most 255 characters long.")
	}
	c := &Call{
		Account:        account,
		Params:         params,
		Now:            s.clock.Now(),
		RequestID:      requestID,
		IdempotencyKey: key,
		raw:            raw,
		req:            r,
		urlPath:        r.URL.Path,
	}
	c.Ctx = issuing.WithRequest(r.Context(), issuing.RequestInfo{ID: requestID, IdempotencyKey: key, Enqueued: &c.enqueued})
	if c.Expand, err = expandPaths(op, params); err != nil {
		return nil, err
	}
	return c, nil
}

// authenticate is s.auth.Authenticate, remembering accepted headers. What
// Authenticate accepts depends on the header alone, and the Authenticator
// never changes.
func (s *Server) authenticate(r *http.Request) (issuing.Account, error) {
	header := r.Header.Get("Authorization")
	if a, ok := s.accounts.Load(header); ok {
		return a.(issuing.Account), nil
	}
	account, err := s.auth.Authenticate(r)
	if err == nil && s.accountCount.Load() < maxAccounts {
		if _, loaded := s.accounts.LoadOrStore(header, account); !loaded {
			s.accountCount.Add(1)
		}
	}
	return account, err
}

func stripeVersion(r *http.Request) string {
	if v := r.Header.Get("Stripe-Version"); v != "" {
		return v
	}
	return issuing.APIVersion
}

func (s *Server) unknownRoute(w http.ResponseWriter, r *http.Request) {
	requestID := issuing.NewRequestID()
	h := w.Header() // serve's headers less Stripe-Version
	h.Set("Request-Id", requestID)
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-cache, no-store")
	s.writeError(r.Context(), w, requestID, &issuing.Error{Kind: issuing.KindNotFound, Message: fmt.Sprintf(
		"Unrecognized request URL (%s: %s). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.",
		r.Method, r.URL.Path)})
}

func (s *Server) writeError(ctx context.Context, w http.ResponseWriter, requestID string, err error) {
	status, body := errorResponse(ctx, s.log, requestID, err)
	b, _ := marshal(body)
	writeJSON(w, status, b)
}

// writeJSON writes a response whose headers setHeaders set.
func writeJSON(w http.ResponseWriter, status int, body []byte) {
	// Stripe sends every answer with its length. Without it net/http sends
	// an answer of more than 2 KB in chunks, and ends it with one more write
	// to the connection.
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// marshal encodes v as Stripe does: indented JSON, HTML characters left
// unescaped.
func marshal(v any) ([]byte, error) { return appendMarshal(nil, v) }

// appendMarshal is marshal appending to dst.
func appendMarshal(dst []byte, v any) ([]byte, error) {
	// Stored JSON sent as it is, and lists of it, are only indented: what
	// encoding/json would write for them, without its reflection and its
	// validating scans (the engines keep only valid JSON).
	switch v := v.(type) {
	case json.RawMessage:
		dst = slices.Grow(dst, len(v)*3/2+16)
		return append(document.AppendIndent(dst, v, 0, false), '\n'), nil
	case document.Stored:
		dst = slices.Grow(dst, len(v)*3/2+16)
		return append(document.AppendIndent(dst, v, 0, true), '\n'), nil
	case document.StoredCut:
		dst = slices.Grow(dst, len(v.Text)*3/2+16)
		return append(v.AppendIndent(dst, 0), '\n'), nil
	case listPage:
		if b, ok := v.appendIndent(dst); ok {
			return b, nil
		}
	}
	// Anything else is encoded compactly and indented here: the Encoder's
	// own indenting, which scans and validates its output once more, was
	// most of what encoding an answer cost. document.AppendNoEscape writes
	// what an encoding/json Encoder with SetEscapeHTML(false) wrote, in a
	// third to a half of the time.
	buf := compactBuffers.Get().(*[]byte)
	defer putCompactBuffer(buf)
	compact, err := document.AppendNoEscape((*buf)[:0], v)
	if err != nil {
		return nil, fmt.Errorf("encode response: %w", err)
	}
	*buf = compact // grown, for the next answer
	dst = slices.Grow(dst, len(compact)*3/2+16)
	return append(document.AppendIndent(dst, compact, 0, false), '\n'), nil
}

// compactBuffers hold the compact encoding of an answer until it is
// indented.
var compactBuffers = sync.Pool{New: func() any { return new([]byte) }}

func putCompactBuffer(b *[]byte) {
	if cap(*b) <= maxPooledBuffer {
		*b = (*b)[:0]
		compactBuffers.Put(b)
	}
}

// readBuffers holds the buffers that answers to reads are encoded in.
// Nothing keeps such an answer once it is written (a write's may be saved
// under its idempotency key), so the buffer serves the next read: a new
// one each time was 5 of the 33 KB a list of ten tokens allocated, and
// collecting them a good part of its CPU time.
var readBuffers = sync.Pool{New: func() any { return new([]byte) }}

// maxPooledBuffer bounds the buffers kept in readBuffers: a rare large
// answer is not held on to.
const maxPooledBuffer = 64 << 10

func getReadBuffer() *[]byte { return readBuffers.Get().(*[]byte) }

func putReadBuffer(b *[]byte) {
	if cap(*b) <= maxPooledBuffer {
		*b = (*b)[:0]
		readBuffers.Put(b)
	}
}
