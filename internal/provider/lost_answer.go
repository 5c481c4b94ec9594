package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/httpx"
)

// The shared HTTP stack never repeats a POST that may have reached the service: when a create's answer
// is lost (the connection dropped after the request was sent, a 5xx from a gateway, the context ended
// in flight), the object may or may not exist. createOrAdopt looks for it before creating it again, and
// adopts what it finds, so that neither a duplicate nor an untracked orphan is left.

const (
	// maxCreateAttempts bounds the creates sent for one object: the first, and one after each lost
	// answer whose lookup found nothing.
	maxCreateAttempts = 3
	// lostAnswerGrace bounds the lookup that runs after the operation's own context ended (its timeout,
	// an interrupt) while a create was in flight or being looked for: a few seconds past the timeout,
	// enough to keep what the create made rather than orphan it.
	lostAnswerGrace = 5 * time.Second
	// lostAnswerRelists and lostAnswerWindow bound the listings after a lost answer: the services list
	// from replicas that may not show a new object for some seconds, and creating again too early makes
	// a duplicate. The waits start at retry_wait_min and double up to retry_wait_max.
	lostAnswerRelists = 5
	lostAnswerWindow  = 20 * time.Second
	// clockTolerance is how long before the create started (on the service's clock, read from its Date
	// header) a candidate may have been made and still be ours: the Date header's one-second resolution
	// and the time the request took to arrive.
	clockTolerance = 3 * time.Second
	// unknownClockSkew replaces clockTolerance while no answer has told the service's clock: it absorbs
	// a difference between our clock and the service's.
	unknownClockSkew = 5 * time.Minute
)

// backoffPolicy paces reads that wait for a new object to reach the service's replicas: the re-reads
// after a create and the listings after a lost answer.
type backoffPolicy struct {
	firstWait, maxWait time.Duration // retry_wait_min and retry_wait_max
	rereads            int           // at most this many reads after the first
	budget             time.Duration // and none that starts later than this after the first
}

// run calls read until done says its answer is final, the policy's reads or budget are used up, or ctx
// ends, waiting between reads; it returns the last answer.
func backoffRun[T any](ctx context.Context, p backoffPolicy, deadline time.Time, read func(context.Context) (T, error), done func(T, error) bool) (T, error) {
	if limit := time.Now().Add(p.budget); deadline.IsZero() || deadline.After(limit) {
		deadline = limit
	}
	wait := max(p.firstWait, time.Millisecond)
	for reread := 0; ; reread++ {
		v, err := read(ctx)
		if done(v, err) || reread == p.rereads {
			return v, err
		}
		left := time.Until(deadline)
		if left <= 0 {
			return v, err
		}
		timer := time.NewTimer(min(wait, left))
		select {
		case <-ctx.Done():
			timer.Stop()
			return v, err
		case <-timer.C:
		}
		wait *= 2
		if p.maxWait > 0 {
			wait = min(wait, max(p.maxWait, p.firstWait))
		}
	}
}

// createLedger belongs to one provider instance. It remembers the objects its resources created or
// adopted, so that a lookup never adopts another resource's object, and it lets the creates of one
// kind run together while a lookup of that kind runs alone: an object another create is making at
// that moment, not yet claimed, could otherwise be taken for the lost one.
type createLedger struct {
	mu      sync.Mutex
	claimed map[string]bool
	gates   map[string]*kindGate
	// lost counts, per kind, the creates whose answer was lost and whose lookup has not finished.
	lost map[string]int
	// lookup paces the listings after a lost answer.
	lookup backoffPolicy
}

func newCreateLedger(waitMin, waitMax time.Duration) *createLedger {
	return &createLedger{claimed: map[string]bool{}, gates: map[string]*kindGate{}, lost: map[string]int{},
		lookup: backoffPolicy{firstWait: waitMin, maxWait: waitMax, rereads: lostAnswerRelists, budget: lostAnswerWindow}}
}

// addLost changes the count of the kind's lookups under way and returns the new count.
func (l *createLedger) addLost(kind string, n int) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lost[kind] += n
	return l.lost[kind]
}

func (l *createLedger) gate(kind string) *kindGate {
	l.mu.Lock()
	defer l.mu.Unlock()
	g, ok := l.gates[kind]
	if !ok {
		g = &kindGate{changed: make(chan struct{})}
		l.gates[kind] = g
	}
	return g
}

// kindGate lets the creates of one kind run together and a lookup of the kind run alone, as a
// sync.RWMutex would, but a wait for it ends with the waiter's context: a create or lookup whose
// operation times out while others hold the gate stops at its own timeout, not at theirs. Creates that
// arrive while a lookup waits wait behind it, so that a stream of creates cannot starve the lookup.
type kindGate struct {
	mu             sync.Mutex
	creates        int           // creates holding the gate
	lookup         bool          // a lookup holds the gate
	lookupsWaiting int           // lookups waiting for it
	changed        chan struct{} // closed and replaced whenever the fields above change
}

// acquire takes the gate for a create (shared) or a lookup (exclusive), or returns ctx's error.
func (g *kindGate) acquire(ctx context.Context, exclusive bool) error {
	g.mu.Lock()
	if exclusive {
		g.lookupsWaiting++
	}
	for {
		if exclusive && !g.lookup && g.creates == 0 {
			g.lookupsWaiting--
			g.lookup = true
			g.mu.Unlock()
			return nil
		}
		if !exclusive && !g.lookup && g.lookupsWaiting == 0 {
			g.creates++
			g.mu.Unlock()
			return nil
		}
		changed := g.changed
		g.mu.Unlock()
		select {
		case <-ctx.Done():
			if exclusive {
				g.mu.Lock()
				g.lookupsWaiting--
				g.signal()
				g.mu.Unlock()
			}
			return ctx.Err()
		case <-changed:
		}
		g.mu.Lock()
	}
}

// release gives back what acquire took.
func (g *kindGate) release(exclusive bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if exclusive {
		g.lookup = false
	} else {
		g.creates--
	}
	g.signal()
}

// signal wakes every waiter to look at the gate again; g.mu is held.
func (g *kindGate) signal() {
	close(g.changed)
	g.changed = make(chan struct{})
}

func (l *createLedger) claim(kind, id string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.claimed[kind+"\x00"+id] = true
}

func (l *createLedger) isClaimed(kind, id string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.claimed[kind+"\x00"+id]
}

// siteLedgerKind is the ledger kind of the sites gitdeploy_site creates.
const siteLedgerKind = "platform site"

// createSpec says how to create one object and how to recognise it after a lost answer.
type createSpec[T any] struct {
	// kind names the objects that compete for adoption, e.g. "webhook github acme/site": one ledger gate
	// and one namespace of claimed ids per kind.
	kind string
	// what names the object in messages, e.g. "GitHub webhook".
	what   string
	create func(context.Context) (T, error)
	// list returns the objects that match what create sends (its URL, title, key...), whenever made.
	list func(context.Context) ([]T, error)
	id   func(T) string
	// createdAt returns when the service made an object; nil (or a zero time) checks no creation time:
	// an identity that cannot belong to anything made before, like a new key's public key.
	createdAt func(T) time.Time
	// clock is the service's clock, to compare createdAt with the moment the create started.
	clock *httpx.Clock
	// timeOnly says that nothing but the creation time tells the object apart from another client's
	// (a Netlify deploy key, a site without a name): such an object is never adopted; the error names
	// the candidates and how to import the right one.
	timeOnly bool
	// importID, when set, turns a candidate's id into the resource's import ID for the error message.
	importID func(id string) string
	// conflict, when set, says that a refusal may come from an earlier attempt of ours that was
	// applied (e.g. GitHub's 422 "key is already in use"); afterLostAnswer tells whether an attempt of
	// this call lost its answer.
	conflict func(err error, afterLostAnswer bool) bool
}

// createOrAdopt creates an object; after a lost answer it looks for the object and adopts it, or creates
// it again when it is not there. The boolean is true when the object was found rather than created.
//
// When ctx ends (the operation's timeout, an interrupt) while the create is in flight or looked for, it
// looks on for lostAnswerGrace. An object found then is returned with true and the create's error: it
// exists, the caller keeps it in state, and the operation fails all the same. Found nothing, the error
// says that the object may still appear.
func createOrAdopt[T any](ctx context.Context, ledger *createLedger, spec createSpec[T]) (T, bool, error) {
	var zero T
	started := time.Now()
	gate := ledger.gate(spec.kind)
	lostAnswer := false
	var lastErr error
	for attempt := 1; attempt <= maxCreateAttempts; attempt++ {
		if attempt > 1 && ctx.Err() != nil {
			break
		}
		if err := gate.acquire(ctx, false); err != nil {
			if lastErr == nil {
				lastErr = err // nothing was sent
			}
			break
		}
		obj, err := spec.create(ctx)
		if err == nil {
			ledger.claim(spec.kind, spec.id(obj))
			gate.release(false)
			return obj, false, nil
		}
		lost := httpx.MayHaveBeenApplied(err)
		lookup := lost || (spec.conflict != nil && spec.conflict(err, lostAnswer))
		if lookup {
			ledger.addLost(spec.kind, 1) // counted before another lookup of the kind can start
		}
		gate.release(false)
		lastErr = err
		if !lookup {
			return zero, false, err
		}
		lostAnswer = lostAnswer || lost
		tflog.Info(ctx, "create may have been applied: looking for the object before creating it again", map[string]any{
			"object": spec.what, "attempt": attempt, "error": err.Error(),
		})

		// Only a create that may have been applied is worth waiting for: a refusal's object, if it is
		// ours, was made by an earlier attempt and has had time to reach the listings.
		found, candidates, lookErr := lookForLost(ctx, ledger, gate, spec, started, lost)
		switch {
		case lookErr != nil:
			return zero, false, fmt.Errorf("%w\n\nThe request may have created the %s anyway, and looking for it failed: %v. "+
				"If one was created, import it or delete it by hand", err, spec.what, lookErr)
		case len(candidates) > 0:
			return zero, false, candidatesError(err, spec, candidates)
		case found != nil && ctx.Err() != nil:
			tflog.Warn(ctx, "found the object of a create whose context ended", map[string]any{"object": spec.what, "id": spec.id(*found)})
			return *found, true, err
		case found != nil:
			tflog.Warn(ctx, "adopted an object whose create answer was lost", map[string]any{"object": spec.what, "id": spec.id(*found)})
			return *found, true, nil
		case !lost:
			return zero, false, err // a refusal, and nothing of ours behind it
		case ctx.Err() != nil:
			return zero, false, fmt.Errorf("%w\n\nThe request may have created the %s anyway: the provider looked for it after "+
				"that and found none, but it may still appear", err, spec.what)
		}
		// Nothing appeared within the lookup window: the create was not applied; send it again.
	}
	return zero, false, lastErr
}

// candidatesError says that the lost create may have made one of candidates, which the provider cannot
// tell apart from objects made by others, and what to do.
func candidatesError[T any](err error, spec createSpec[T], candidates []string) error {
	var why string
	if spec.timeOnly {
		why = fmt.Sprintf("Nothing but its creation time tells a %s apart from one made by someone else at the same "+
			"moment, so the provider adopts none", spec.what)
	} else {
		why = fmt.Sprintf("%d match what was sent, so the provider cannot tell which one is ours and adopts none", len(candidates))
	}
	var steps strings.Builder
	for _, id := range candidates {
		importID := id
		if spec.importID != nil {
			importID = spec.importID(id)
		}
		fmt.Fprintf(&steps, "\n  %s: terraform import <address of this resource> '%s'", id, importID)
	}
	return fmt.Errorf("%w\n\nThe request may have created the %s anyway. Made since it was sent: %s. %s.\n\n"+
		"If one of them was made by this apply, bring it under Terraform and apply again:%s\n\n"+
		"Otherwise apply again, and delete by hand whichever of them nobody uses",
		err, spec.what, strings.Join(candidates, ", "), why, steps.String())
}

// lookForLost lists the candidates and returns an unclaimed object made since the create started, or
// nil when there is none. With one lookup under way that takes a single candidate; with several
// (creates of this provider that lost their answers at the same time) as many candidates as lookups.
// When there are more, or when the object is told apart by its creation time only, it cannot tell which
// one is ours and returns their ids. When wait is set and nothing is found, it lists again, with backoff,
// for the ledger's lookup window: a new object may take a moment to appear in listings. It holds the
// kind's gate exclusively, so no create of the kind is in flight. When ctx has ended, or ends before
// anything is found, it looks on for lostAnswerGrace, so that what the create made is kept rather than
// orphaned, and no longer.
func lookForLost[T any](ctx context.Context, ledger *createLedger, gate *kindGate, spec createSpec[T], started time.Time, wait bool) (*T, []string, error) {
	defer ledger.addLost(spec.kind, -1)
	policy := ledger.lookup
	if !wait {
		policy.rereads = 0
	}
	if ctx.Err() == nil {
		found, ids, err := lookOnce(ctx, ledger, gate, spec, started, policy)
		if ctx.Err() == nil || found != nil || len(ids) > 0 {
			return found, ids, err
		}
	}
	grace, cancel := context.WithTimeout(context.WithoutCancel(ctx), lostAnswerGrace)
	defer cancel()
	policy.budget = min(policy.budget, lostAnswerGrace)
	return lookOnce(grace, ledger, gate, spec, started, policy)
}

// lookOnce is one lookup of lookForLost, with the kind's gate held, its listings paced by policy.
func lookOnce[T any](ctx context.Context, ledger *createLedger, gate *kindGate, spec createSpec[T], started time.Time, policy backoffPolicy) (*T, []string, error) {
	if err := gate.acquire(ctx, true); err != nil {
		return nil, nil, err
	}
	defer gate.release(true)
	lookups := ledger.addLost(spec.kind, 0)
	candidates, err := backoffRun(ctx, policy, time.Time{}, func(ctx context.Context) ([]T, error) {
		all, err := spec.list(ctx)
		if err != nil {
			return nil, err
		}
		return unclaimedSince(ledger, spec, all, started), nil
	}, func(c []T, err error) bool { return err != nil || len(c) > 0 })
	switch {
	case err != nil:
		return nil, nil, err
	case len(candidates) == 0:
		return nil, nil, nil
	case !spec.timeOnly && len(candidates) <= lookups:
		// Every candidate was made by a create of this provider whose answer was lost, and matches what
		// this one sent: they are interchangeable, and each lookup takes one.
		ledger.claim(spec.kind, spec.id(candidates[0]))
		return &candidates[0], nil, nil
	}
	ids := make([]string, 0, len(candidates))
	for _, c := range candidates {
		ids = append(ids, spec.id(c))
	}
	slices.Sort(ids)
	return nil, ids, nil
}

// unclaimedSince keeps the objects that no resource of this provider claimed and that the service made
// since the create started, compared on the service's clock.
func unclaimedSince[T any](ledger *createLedger, spec createSpec[T], all []T, started time.Time) []T {
	since, known := spec.clock.ServiceTime(started)
	if known {
		since = since.Add(-clockTolerance)
	} else {
		since = since.Add(-unknownClockSkew)
	}
	var out []T
	for _, o := range all {
		if ledger.isClaimed(spec.kind, spec.id(o)) {
			continue
		}
		if spec.createdAt != nil {
			if at := spec.createdAt(o); !at.IsZero() && at.Before(since) {
				continue // older than our create: not ours
			}
		}
		out = append(out, o)
	}
	return out
}
