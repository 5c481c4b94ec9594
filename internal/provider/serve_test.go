package provider

import (
	"context"
	"errors"
	"reflect"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// payloadKey carries a value whose collection the tests watch.
type payloadKey struct{}

// countReleasedPayloads calls GetMetadata calls times, each with a context carrying a payload of its
// own, and returns how many payloads the garbage collector could free once the calls returned.
func countReleasedPayloads(t *testing.T, server tfprotov6.ProviderServer, calls int) int64 {
	t.Helper()
	var freed atomic.Int64
	for range calls {
		payload := new([1024]byte)
		runtime.AddCleanup(payload, func(*atomic.Int64) { freed.Add(1) }, &freed)
		ctx := context.WithValue(t.Context(), payloadKey{}, payload)
		if _, err := server.GetMetadata(ctx, &tfprotov6.GetMetadataRequest{}); err != nil {
			t.Fatal(err)
		}
	}
	// Cleanups run on their own goroutine after a collection; give them a moment.
	for range 50 {
		runtime.GC()
		if freed.Load() >= int64(calls) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	return freed.Load()
}

func TestProtocolServerReleasesRequestContexts(t *testing.T) {
	const calls = 200
	freed := countReleasedPayloads(t, ProtocolServer("test")(), calls)
	// A payload or two may still sit in a register or a sync.Pool; what matters is that the server
	// keeps none of them by design.
	if freed < calls-5 {
		t.Errorf("after %d calls the server still holds %d request contexts; want them released", calls, calls-freed)
	}
	// The framework's own server keeps every context until StopProvider (the leak worked around).
	// Only logged: a framework release that fixes it changes nothing here.
	kept := calls - countReleasedPayloads(t, providerserver.NewProtocol6(New("test")())(), calls)
	t.Logf("the framework's server alone holds %d of %d request contexts", kept, calls)
}

func TestReleasableContext(t *testing.T) {
	deadline := time.Now().Add(time.Hour)
	parent, cancel := context.WithDeadline(context.WithValue(context.Background(), payloadKey{}, "v"), deadline)
	defer cancel()
	rc := newReleasableContext(parent)

	if got := rc.Value(payloadKey{}); got != "v" {
		t.Errorf("Value before release = %v, want the parent's value", got)
	}
	if got, ok := rc.Deadline(); !ok || !got.Equal(deadline) {
		t.Errorf("Deadline before release = %v, %v; want the parent's", got, ok)
	}
	if rc.Err() != nil {
		t.Errorf("Err before release = %v, want nil", rc.Err())
	}
	// A context derived from it is cancelled with its parent.
	child, childCancel := context.WithCancel(rc)
	defer childCancel()
	cancel()
	select {
	case <-child.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("a child of the releasable context was not cancelled with its parent")
	}

	rc.release()
	if got := rc.Value(payloadKey{}); got != nil {
		t.Errorf("Value after release = %v, want nil", got)
	}
	if _, ok := rc.Deadline(); ok {
		t.Error("Deadline after release is set, want none")
	}
	if !errors.Is(rc.Err(), context.Canceled) {
		t.Errorf("Err after release = %v, want context.Canceled", rc.Err())
	}
	select {
	case <-rc.Done():
	default:
		t.Error("Done after release is open, want closed")
	}
}

// TestProtocolServerPassesOnEveryCall fails when the framework's protocol server has a method (an optional
// protocol interface such as list resources or actions) that the wrapper does not have: tf6server finds
// those by type assertion on the wrapper, and would answer "unimplemented" for a capability the provider has.
func TestProtocolServerPassesOnEveryCall(t *testing.T) {
	framework := reflect.TypeOf(providerserver.NewProtocol6(New("test")())())
	wrapper := reflect.TypeOf(ProtocolServer("test")())
	for i := range framework.NumMethod() {
		name := framework.Method(i).Name
		if _, ok := wrapper.MethodByName(name); !ok {
			t.Errorf("the framework's server has %s, which releasingServer does not pass on: embed the interface that has it", name)
		}
	}
	if framework.NumMethod() < 20 {
		t.Fatalf("the framework's server has only %d methods: the test is not looking at it", framework.NumMethod())
	}
}
