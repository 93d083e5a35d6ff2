package sqlite

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/localissuing/localissuing/store"
)

// countCommits counts the commits of s's write connection from now on.
func countCommits(s *Store) *atomic.Int64 {
	var n atomic.Int64
	s.w.db.CommitHook(func() bool { n.Add(1); return true })
	return &n
}

// waitQueued returns once n Update calls (or Close) wait for the writer.
func waitQueued(s *Store, n int) {
	for {
		s.mu.Lock()
		queued := len(s.queue)
		s.mu.Unlock()
		if queued >= n {
			return
		}
		runtime.Gosched()
	}
}

// holdWriter starts an Update that inserts id and then waits for hold to
// close; it returns once the writer runs it, and the channel its result
// comes on.
func holdWriter(t *testing.T, s *Store, id string, hold chan struct{}) <-chan error {
	t.Helper()
	holding, done := make(chan struct{}), make(chan error, 1)
	go func() {
		done <- s.Update(context.Background(), func(tx store.Tx) error {
			if err := tx.Insert(context.Background(), card(id)); err != nil {
				return err
			}
			close(holding)
			<-hold
			return nil
		})
	}()
	<-holding
	return done
}

// goInsert starts an Update that inserts id and returns the channel its
// result comes on.
func goInsert(ctx context.Context, s *Store, id string) <-chan error {
	done := make(chan error, 1)
	go func() { done <- s.Update(ctx, func(tx store.Tx) error { return tx.Insert(ctx, card(id)) }) }()
	return done
}

// TestGroupCommit checks that Update calls queued behind another commit
// with it, once, and that each answers only once its writes are visible;
// that members see the writes of earlier ones; and that a member that
// fails or panics leaves no write behind and does not fail the others.
func TestGroupCommit(t *testing.T) {
	s := openTest(t, filepath.Join(t.TempDir(), "group.db"))
	defer s.Close()
	commits := countCommits(s)
	const n = 12
	fails := map[int]bool{3: true, n - 1: true} // the last one too: it still commits the rest
	const panics = 6
	hold := make(chan struct{})
	first := holdWriter(t, s, "ic_first", hold)

	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			defer func() {
				r := recover()
				if i == panics && r != "member panics" {
					errs[i] = fmt.Errorf("the panic of the member's function reached its caller as %v", r)
				} else if i != panics && r != nil {
					errs[i] = fmt.Errorf("panic: %v", r)
				}
			}()
			id := fmt.Sprint("ic_", i)
			err := s.Update(t.Context(), func(tx store.Tx) error {
				// The first member's insert is not committed, but is
				// in this transaction.
				if _, err := tx.GetForUpdate(t.Context(), "acct_1", "issuing.card", "ic_first"); err != nil {
					return fmt.Errorf("earlier member's write not seen: %w", err)
				}
				if err := tx.Insert(t.Context(), card(id)); err != nil {
					return err
				}
				if i == panics {
					panic("member panics")
				}
				if fails[i] {
					return errors.New("member fails")
				}
				return nil
			})
			if fails[i] {
				if err == nil {
					errs[i] = errors.New("failing member succeeded")
				}
				return
			}
			if err != nil {
				errs[i] = err
				return
			}
			// Committed before Update returned: a new snapshot has it.
			if _, err := get(t, s, id); err != nil {
				errs[i] = fmt.Errorf("not visible after Update returned: %w", err)
			}
		})
		// Queue them in order, all behind the first.
		waitQueued(s, i+1)
	}
	close(hold)
	if err := <-first; err != nil {
		t.Fatalf("first member: %v", err)
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("member %d: %v", i, err)
		}
	}
	for i := range n {
		_, err := get(t, s, fmt.Sprint("ic_", i))
		if undone := fails[i] || i == panics; undone != errors.Is(err, store.ErrNotFound) {
			t.Errorf("member %d (failed: %v): Get after the group: %v", i, undone, err)
		}
	}
	if got := commits.Load(); got != 1 {
		t.Errorf("%d commits for one group, want 1", got)
	}
	insert(t, s, card("ic_after"))
}

// TestGoexitInMember checks that a function that ends its goroutine
// (runtime.Goexit, as t.FailNow does) leaves no write behind and the store
// working: when its caller leads, and when another goroutine leads and
// runs it, which ends that goroutine instead (fn must not do that), and
// the calls queued behind it still commit.
func TestGoexitInMember(t *testing.T) {
	s := openTest(t, memoryPath)
	defer s.Close()
	ctx := t.Context()
	exitingUpdate := func(id string) <-chan bool {
		returned := make(chan bool, 1)
		go func() {
			done := false
			defer func() { returned <- done }()
			_ = s.Update(ctx, func(tx store.Tx) error {
				if err := tx.Insert(ctx, card(id)); err != nil {
					return err
				}
				runtime.Goexit()
				return nil
			})
			done = true
		}()
		return returned
	}
	if <-exitingUpdate("ic_alone") {
		t.Error("Update returned after its function called runtime.Goexit")
	}

	hold := make(chan struct{})
	holdWriter(t, s, "ic_first", hold) // its goroutine ends with the Goexit below
	exited := exitingUpdate("ic_exits")
	waitQueued(s, 1)
	after := goInsert(ctx, s, "ic_after")
	waitQueued(s, 2)
	close(hold)
	if <-exited {
		t.Error("Update returned after its function called runtime.Goexit")
	}
	if err := <-after; err != nil {
		t.Errorf("the call queued behind the one that exited: %v", err)
	}
	insert(t, s, card("ic_last"))
	for id, want := range map[string]bool{"ic_alone": false, "ic_exits": false, "ic_first": true, "ic_after": true, "ic_last": true} {
		if _, err := get(t, s, id); (err == nil) != want {
			t.Errorf("%s: %v, want it stored: %v", id, err, want)
		}
	}
}

// TestGroupFailsTogether checks that when the transaction of a group is
// lost, every member fails, those that had already succeeded included,
// and none of their writes remain.
func TestGroupFailsTogether(t *testing.T) {
	s := openTest(t, filepath.Join(t.TempDir(), "fail.db"))
	defer s.Close()
	hold := make(chan struct{})
	first := holdWriter(t, s, "ic_first", hold)
	second := goInsert(t.Context(), s, "ic_second")
	waitQueued(s, 1)
	third := make(chan error, 1)
	go func() {
		third <- s.Update(t.Context(), func(tx store.Tx) error {
			// What a failed statement can do to the transaction, and fn
			// not notice.
			return tx.(*writer).c.run("ROLLBACK")
		})
	}()
	waitQueued(s, 2)
	close(hold)
	for name, ch := range map[string]<-chan error{"first": first, "second": second, "third": third} {
		if err := <-ch; err == nil {
			t.Errorf("%s member of a lost group succeeded", name)
		}
	}
	for _, id := range []string{"ic_first", "ic_second"} {
		if _, err := get(t, s, id); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s after the group failed: %v", id, err)
		}
	}
	insert(t, s, card("ic_after"))
}

// TestGroupWaiterGivesUp checks, over many interleavings, that an Update
// that gives up waiting for the write connection (its context ends about
// when its turn comes) never leaves a group uncommitted: the member that
// counted on it to commit still returns, with its write committed.
func TestGroupWaiterGivesUp(t *testing.T) {
	s := openTest(t, memoryPath)
	defer s.Close()
	for i := range 200 {
		hold := make(chan struct{})
		first := holdWriter(t, s, fmt.Sprint("ic_first_", i), hold)
		ctx, cancel := context.WithCancel(t.Context())
		waiter := make(chan error, 1)
		go func() {
			waiter <- s.Update(ctx, func(tx store.Tx) error {
				return tx.Insert(ctx, card(fmt.Sprint("ic_waiter_", i)))
			})
		}()
		waitQueued(s, 1)
		if i%2 == 0 {
			cancel()
			close(hold)
		} else {
			close(hold)
			cancel()
		}
		if err := <-first; err != nil {
			t.Fatalf("round %d: first member: %v", i, err)
		}
		werr := <-waiter
		if werr != nil && !errors.Is(werr, context.Canceled) {
			t.Fatalf("round %d: waiter: %v", i, werr)
		}
		if _, err := get(t, s, fmt.Sprint("ic_first_", i)); err != nil {
			t.Fatalf("round %d: first member's write: %v", i, err)
		}
		if _, err := get(t, s, fmt.Sprint("ic_waiter_", i)); (err == nil) != (werr == nil) {
			t.Fatalf("round %d: waiter returned %v, its write: %v", i, werr, err)
		}
	}
}

// TestFailedMemberAnswersAfterCommit makes a member fail on what an earlier
// member of its group wrote (a duplicate id): its error is not returned
// before that write is durable, so a client never looks and finds nothing
// where the error says something is.
func TestFailedMemberAnswersAfterCommit(t *testing.T) {
	s := openTest(t, filepath.Join(t.TempDir(), "failed.db"))
	ctx := context.Background()
	hold := make(chan struct{})
	first := holdWriter(t, s, "ic_a", hold)
	dup := goInsert(ctx, s, "ic_a")
	waitQueued(s, 1)
	// One more behind it keeps the group open after the duplicate fails.
	lastHold, last := make(chan struct{}), make(chan error, 1)
	go func() {
		last <- s.Update(ctx, func(tx store.Tx) error { <-lastHold; return nil })
	}()
	waitQueued(s, 2)
	close(hold)
	select {
	case err := <-dup:
		t.Fatalf("the duplicate answered (%v) before the group holding ic_a committed", err)
	case <-time.After(50 * time.Millisecond):
	}
	close(lastHold)
	if err := <-dup; !errors.Is(err, store.ErrDuplicate) {
		t.Errorf("duplicate insert: %v, want ErrDuplicate", err)
	}
	if _, err := get(t, s, "ic_a"); err != nil {
		t.Errorf("ic_a after the duplicate's answer: %v", err)
	}
	for _, ch := range []<-chan error{first, last} {
		if err := <-ch; err != nil {
			t.Error(err)
		}
	}
}

// TestCloseCommitsOpenGroup closes the store while a group is open and
// Updates queue, one of them behind Close: the group's members commit,
// and the late one is refused, without using the closed connection.
func TestCloseCommitsOpenGroup(t *testing.T) {
	path := filepath.Join(t.TempDir(), "close.db")
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	hold := make(chan struct{})
	first := holdWriter(t, s, "ic_a", hold)
	second := goInsert(ctx, s, "ic_b")
	waitQueued(s, 1)
	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	waitQueued(s, 2)
	// An Update that got past Update's check of Close just before it.
	late := make(chan error, 1)
	go func() {
		late <- s.update(ctx, func(tx store.Tx) error { return tx.Insert(ctx, card("ic_c")) })
	}()
	waitQueued(s, 3)
	close(hold)
	for name, ch := range map[string]<-chan error{"first": first, "second": second, "close": closed} {
		if err := <-ch; err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if err := <-late; !errors.Is(err, ErrClosed) {
		t.Errorf("the Update behind Close: %v, want ErrClosed", err)
	}
	s2 := openTest(t, path)
	for _, id := range []string{"ic_a", "ic_b"} {
		if _, err := get(t, s2, id); err != nil {
			t.Errorf("%s after reopening: %v", id, err)
		}
	}
}

// TestLeadPassesOn runs many Update calls at once, some of which fail and
// some of which give up waiting, so that the lead passes between callers
// in every order: each call returns, and a call's write is stored exactly
// when it succeeded.
func TestLeadPassesOn(t *testing.T) {
	s := openTest(t, filepath.Join(t.TempDir(), "lead.db"))
	defer s.Close()
	const goroutines, calls = 8, 600
	errs := make([][]error, goroutines)
	var wg sync.WaitGroup
	for g := range goroutines {
		errs[g] = make([]error, calls)
		wg.Go(func() {
			for i := range calls {
				ctx, cancel := context.WithCancel(t.Context())
				if i%17 == 0 {
					go cancel()
				}
				errs[g][i] = s.Update(ctx, func(tx store.Tx) error {
					if i%11 == 0 {
						return errors.New("member fails")
					}
					return tx.Insert(ctx, card(fmt.Sprintf("ic_%d_%d", g, i)))
				})
				cancel()
			}
		})
	}
	wg.Wait()
	for g := range goroutines {
		for i, uerr := range errs[g] {
			_, err := get(t, s, fmt.Sprintf("ic_%d_%d", g, i))
			if (uerr == nil) != (err == nil) {
				t.Fatalf("call %d of goroutine %d returned %v; its write: %v", i, g, uerr, err)
			}
		}
	}
}

// TestFailingCallsDoNotHoldTheGroup queues a write behind the leader and
// then a chain of failing calls, each of which queues the next before it
// fails, so that the queue is never empty: the write still commits and
// returns while they come, since a leader runs a bounded number of calls,
// failed ones included, before it commits and passes the lead on.
func TestFailingCallsDoNotHoldTheGroup(t *testing.T) {
	s := openTest(t, memoryPath)
	defer s.Close()
	ctx := t.Context()
	hold := make(chan struct{})
	first := holdWriter(t, s, "ic_first", hold)
	write := goInsert(ctx, s, "ic_write")
	waitQueued(s, 1)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var chain func()
	chain = func() {
		wg.Go(func() {
			_ = s.Update(ctx, func(store.Tx) error {
				select {
				case <-stop:
				default:
					chain()
					waitQueued(s, 1)
				}
				return errors.New("fails")
			})
		})
	}
	chain()
	waitQueued(s, 2)
	close(hold)
	var err error
	select {
	case err = <-write:
	case <-time.After(time.Minute):
		err = errors.New("no answer while failing calls kept coming")
	}
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if err := <-first; err != nil {
		t.Fatal(err)
	}
}

// TestMembersJournal checks that a member of a group, which runs in a
// savepoint, keeps the old pages it may have to restore in memory, even
// when they outgrow SQLite's default for moving them to a file (the file
// cost two writes per page, a tenth of an authorization's CPU), but not
// past maxMemSubJournal; and that a member that fails after changing them
// all again is undone from there.
func TestMembersJournal(t *testing.T) {
	tests := []struct {
		name  string
		pages int // documents of a page each that the members change
		files int // sub-journal files the writer opens
	}{
		{"past SQLite's 64 KiB", 64, 0},
		{"past maxMemSubJournal", maxMemSubJournal/4096 + 64, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { testMembersJournal(t, tc.pages, tc.files) })
	}
}

func testMembersJournal(t *testing.T, n, files int) {
	ctx := context.Background()
	s, spy := openSpied(t)
	defer s.Close()
	doc := func(v string) []byte { return []byte(`{"pad":"` + strings.Repeat(v, 3000) + `"}`) }
	err := s.Update(ctx, func(tx store.Tx) error {
		for i := range n {
			if err := tx.Insert(ctx, &store.Object{Account: "acct_1", Kind: "thing", ID: fmt.Sprintf("thing_%d", i), Data: doc("a")}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	errFailed := errors.New("failed on purpose")
	replaceAll := func(v string, fail error) <-chan error {
		done := make(chan error, 1)
		go func() {
			done <- s.Update(ctx, func(tx store.Tx) error {
				for i := range n {
					if err := tx.Replace(ctx, store.Object{Account: "acct_1", Kind: "thing", ID: fmt.Sprintf("thing_%d", i), Data: doc(v)}); err != nil {
						return err
					}
				}
				return fail
			})
		}()
		return done
	}
	// Failing members before and after one that succeeds: the first one
	// fills the journal, the last one reuses it.
	hold := make(chan struct{})
	first := holdWriter(t, s, "ic_first", hold)
	second := replaceAll("c", errFailed)
	waitQueued(s, 1)
	third := replaceAll("b", nil)
	waitQueued(s, 2)
	fourth := replaceAll("d", errFailed)
	waitQueued(s, 3)
	close(hold)
	if err := errors.Join(<-first, <-third); err != nil {
		t.Fatal(err)
	}
	for _, failed := range []<-chan error{second, fourth} {
		if err := <-failed; !errors.Is(err, errFailed) {
			t.Fatalf("a failing member returned %v", err)
		}
	}
	for i := range n {
		err := s.View(ctx, func(r store.Reader) error {
			o, err := r.Get(ctx, "acct_1", "thing", fmt.Sprintf("thing_%d", i))
			if err == nil && string(o.Data) != string(doc("b")) {
				err = fmt.Errorf("%s is %.20s…, not what the member that succeeded wrote", o.ID, o.Data)
			}
			return err
		})
		if err != nil {
			t.Error(err)
		}
	}
	spy.mu.Lock()
	defer spy.mu.Unlock()
	if spy.subjournals != files {
		t.Errorf("the writer opened %d sub-journal files, want %d", spy.subjournals, files)
	}
}
