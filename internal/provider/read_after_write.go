package provider

import (
	"context"
	"encoding/json"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/httpx"
)

const (
	// privateCreated is the private-state key where Create records when it created the object.
	privateCreated = "created"
	// readAfterWriteWindow is how long after a create a "not found" is read again before the object is
	// declared gone: the services replicate new objects, and a read served by another replica may
	// not see them yet.
	readAfterWriteWindow = 30 * time.Second
	// readAfterWriteBudget and readAfterWriteRereads bound what one read spends reading again: replication
	// takes seconds, and an object deleted by hand just after its create must not hold up a plan for long.
	readAfterWriteBudget  = 5 * time.Second
	readAfterWriteRereads = 4
)

type privateGetter interface {
	GetKey(context.Context, string) ([]byte, diag.Diagnostics)
}

type privateSetter interface {
	SetKey(context.Context, string, []byte) diag.Diagnostics
}

// recordCreated notes in private state that the object was created now.
func recordCreated(ctx context.Context, private privateSetter) diag.Diagnostics {
	return setPrivateJSON(ctx, private, privateCreated, time.Now().UTC())
}

// forgetCreated drops the record once the object was read: seen once, it has reached the replicas, and
// a later "not found" means that it is gone.
func forgetCreated(ctx context.Context, private privateSetter) diag.Diagnostics {
	return private.SetKey(ctx, privateCreated, nil)
}

// createdAt returns when Create recorded the object's creation; zero when it did not (an older state, an
// import), or when the record cannot be read.
func createdAt(ctx context.Context, private privateGetter) time.Time {
	raw, diags := private.GetKey(ctx, privateCreated)
	var at time.Time
	if diags.HasError() || len(raw) == 0 || json.Unmarshal(raw, &at) != nil {
		return time.Time{}
	}
	return at
}

// readAfterCreate calls read; while it answers "not found" within readAfterWriteWindow of created, it
// waits (as policy says: from retry_wait_min, doubling up to retry_wait_max) and reads again, at most
// readAfterWriteRereads times and for at most readAfterWriteBudget, then gives the last answer. Every
// wait ends when ctx does.
func readAfterCreate[T any](ctx context.Context, created time.Time, policy backoffPolicy, read func(context.Context) (T, error)) (T, error) {
	if created.IsZero() {
		return read(ctx)
	}
	return backoffRun(ctx, policy, created.Add(readAfterWriteWindow), read, func(_ T, err error) bool { return !httpx.IsNotFound(err) })
}
