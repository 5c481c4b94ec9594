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
	// lostAnswerLookupTimeout bounds the lookup that runs after the operation's own context ended
	// (timeout or interrupt) while a create was in flight: short, but enough to keep what it created.
	lostAnswerLookupTimeout = 30 * time.Second
	// strongIdentitySkew is how long before the create started a candidate with a strong identity (a
	// webhook's URL, a build hook's title and branch, a site's name) may have been created and still be
	// ours: it absorbs the difference between our clock and the service's.
	strongIdentitySkew = 5 * time.Minute
	// weakIdentitySkew is the same for objects that nothing but their creation time tells apart (a
	// Netlify deploy key, a site without a name): kept short, so that another client's object of the
	// same minute is not taken for ours.
	weakIdentitySkew = 2 * time.Second
)

// createLedger belongs to one provider instance. It remembers the objects its resources created or
// adopted, so that a lookup never adopts another resource's object, and it lets the creates of one
// kind run together while a lookup of that kind runs alone: an object another create is making at
// that moment, not yet claimed, could otherwise be taken for the lost one.
type createLedger struct {
	mu      sync.Mutex
	claimed map[string]bool
	gates   map[string]*sync.RWMutex
	// lost counts, per kind, the creates whose answer was lost and whose lookup has not finished.
	lost map[string]int
}

func newCreateLedger() *createLedger {
	return &createLedger{claimed: map[string]bool{}, gates: map[string]*sync.RWMutex{}, lost: map[string]int{}}
}

// addLost changes the count of the kind's lookups under way and returns the new count.
func (l *createLedger) addLost(kind string, n int) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lost[kind] += n
	return l.lost[kind]
}

func (l *createLedger) gate(kind string) *sync.RWMutex {
	l.mu.Lock()
	defer l.mu.Unlock()
	g, ok := l.gates[kind]
	if !ok {
		g = &sync.RWMutex{}
		l.gates[kind] = g
	}
	return g
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
	// createdAt returns when the service made an object; zero when it does not say (no time check).
	createdAt func(T) time.Time
	// skew is how long before the first create a candidate may have been made (see the constants);
	// 0 checks no creation time (an identity that cannot belong to anything else, like a new key).
	skew time.Duration
	// conflict, when set, says that a refusal may come from an earlier attempt of ours that was
	// applied (e.g. GitHub's 422 "key is already in use"); afterLostAnswer tells whether an attempt of
	// this call lost its answer.
	conflict func(err error, afterLostAnswer bool) bool
}

// createOrAdopt creates an object; after a lost answer it looks for the object and adopts it, or creates
// it again when it is not there. The boolean is true when the object was found rather than created.
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
		gate.RLock()
		obj, err := spec.create(ctx)
		if err == nil {
			ledger.claim(spec.kind, spec.id(obj))
			gate.RUnlock()
			return obj, false, nil
		}
		lost := httpx.MayHaveBeenApplied(err)
		lookup := lost || (spec.conflict != nil && spec.conflict(err, lostAnswer))
		if lookup {
			ledger.addLost(spec.kind, 1) // counted before another lookup of the kind can start
		}
		gate.RUnlock()
		lastErr = err
		if !lookup {
			return zero, false, err
		}
		lostAnswer = lostAnswer || lost
		tflog.Info(ctx, "create may have been applied: looking for the object before creating it again", map[string]any{
			"object": spec.what, "attempt": attempt, "error": err.Error(),
		})

		found, candidates, lookErr := lookForLost(ctx, ledger, gate, spec, started)
		switch {
		case lookErr != nil:
			return zero, false, fmt.Errorf("%w\n\nThe request may have created the %s anyway, and looking for it failed: %v. "+
				"If one was created, import it or delete it by hand", err, spec.what, lookErr)
		case len(candidates) > 1:
			return zero, false, fmt.Errorf("%w\n\nThe request may have created the %s anyway, and %d could be the one it "+
				"created (%s), so none was adopted: import the right one and delete the others by hand",
				err, spec.what, len(candidates), strings.Join(candidates, ", "))
		case found != nil:
			tflog.Warn(ctx, "adopted an object whose create answer was lost", map[string]any{"object": spec.what, "id": spec.id(*found)})
			return *found, true, nil
		case !lost:
			return zero, false, err // a refusal, and nothing of ours behind it
		}
	}
	return zero, false, lastErr
}

// lookForLost lists the candidates and returns an unclaimed object made since the create started, or nil
// when there is none. With one lookup under way that takes a single candidate; with several (creates of
// this provider that lost their answers at the same time) as many candidates as lookups. When there are
// more, it cannot tell which one is ours and returns their ids. It holds the kind's gate exclusively, so
// no create of the kind is in flight.
func lookForLost[T any](ctx context.Context, ledger *createLedger, gate *sync.RWMutex, spec createSpec[T], started time.Time) (*T, []string, error) {
	if ctx.Err() != nil {
		// The operation's own deadline or an interrupt ended the create: look once more, briefly, so that
		// what it made is kept rather than orphaned.
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(context.WithoutCancel(ctx), lostAnswerLookupTimeout)
		defer cancel()
	}
	gate.Lock()
	defer gate.Unlock()
	lookups := ledger.addLost(spec.kind, 0)
	defer ledger.addLost(spec.kind, -1)
	all, err := spec.list(ctx)
	if err != nil {
		return nil, nil, err
	}
	since := started.Add(-spec.skew)
	var candidates []T
	for _, o := range all {
		if ledger.isClaimed(spec.kind, spec.id(o)) {
			continue
		}
		if spec.skew > 0 && spec.createdAt != nil {
			if at := spec.createdAt(o); !at.IsZero() && at.Before(since) {
				continue // older than our create: not ours
			}
		}
		candidates = append(candidates, o)
	}
	switch {
	case len(candidates) == 0:
		return nil, nil, nil
	case len(candidates) <= lookups:
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
