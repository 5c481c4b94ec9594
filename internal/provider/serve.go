package provider

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// ProtocolServer is the provider as a protocol 6 server, ready for tf6server.Serve: the framework's
// server behind releasingServer.
func ProtocolServer(version string) func() tfprotov6.ProviderServer {
	return func() tfprotov6.ProviderServer {
		inner := providerserver.NewProtocol6(New(version)())()
		full, ok := inner.(frameworkServer)
		if !ok {
			// TestProtocolServerPassesOnEveryCall fails first: a framework release changed its server.
			panic(fmt.Sprintf("terraform-plugin-framework's server %T no longer implements every optional protocol interface releasingServer passes on", inner))
		}
		return &releasingServer{frameworkServer: full}
	}
}

// frameworkServer is every protocol interface the framework's server implements: the required one and
// the optional ones (list resources, actions, state stores) that tf6server finds by type assertion. The
// wrapper embeds all of them, so that a call it does not wrap still reaches the framework instead of
// being answered "unimplemented" by tf6server.
type frameworkServer interface {
	tfprotov6.ProviderServer
	tfprotov6.ListResourceServer
	tfprotov6.ActionServer
	tfprotov6.StateStoreServer
}

// releasingServer works around a leak in terraform-plugin-framework (v1.19): its protocol server
// keeps the cancel function of every request's context until StopProvider, which Terraform sends
// only on an interrupt. Each kept context holds the request's gRPC stream and the per-request
// loggers that terraform-plugin-go attaches, about 11 KiB per call: 130 MiB of live heap by the
// end of a plan of 200 chains. releasingServer hands the framework a context whose link to the
// request's context is cut when the call returns, so what stays behind is a few hundred bytes.
//
// Only the unary calls Terraform makes once per resource or data source are wrapped; the rest
// (ConfigureProvider, StopProvider, functions, ephemeral resources, list resources, actions, state
// stores) pass through unchanged. TestProtocolServerPassesOnEveryCall fails when the framework's server
// gains a method this type does not have.
type releasingServer struct {
	frameworkServer
}

// withReleasedContext calls f with a context that stops reaching ctx once f returns.
func withReleasedContext[Req, Resp any](ctx context.Context, req Req, f func(context.Context, Req) (Resp, error)) (Resp, error) {
	rc := newReleasableContext(ctx)
	defer rc.release()
	return f(rc, req)
}

func (s *releasingServer) GetMetadata(ctx context.Context, req *tfprotov6.GetMetadataRequest) (*tfprotov6.GetMetadataResponse, error) {
	return withReleasedContext(ctx, req, s.frameworkServer.GetMetadata)
}

func (s *releasingServer) GetProviderSchema(ctx context.Context, req *tfprotov6.GetProviderSchemaRequest) (*tfprotov6.GetProviderSchemaResponse, error) {
	return withReleasedContext(ctx, req, s.frameworkServer.GetProviderSchema)
}

func (s *releasingServer) GetResourceIdentitySchemas(ctx context.Context, req *tfprotov6.GetResourceIdentitySchemasRequest) (*tfprotov6.GetResourceIdentitySchemasResponse, error) {
	return withReleasedContext(ctx, req, s.frameworkServer.GetResourceIdentitySchemas)
}

func (s *releasingServer) ValidateProviderConfig(ctx context.Context, req *tfprotov6.ValidateProviderConfigRequest) (*tfprotov6.ValidateProviderConfigResponse, error) {
	return withReleasedContext(ctx, req, s.frameworkServer.ValidateProviderConfig)
}

func (s *releasingServer) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	return withReleasedContext(ctx, req, s.frameworkServer.ValidateResourceConfig)
}

func (s *releasingServer) UpgradeResourceState(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	return withReleasedContext(ctx, req, s.frameworkServer.UpgradeResourceState)
}

func (s *releasingServer) UpgradeResourceIdentity(ctx context.Context, req *tfprotov6.UpgradeResourceIdentityRequest) (*tfprotov6.UpgradeResourceIdentityResponse, error) {
	return withReleasedContext(ctx, req, s.frameworkServer.UpgradeResourceIdentity)
}

func (s *releasingServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	return withReleasedContext(ctx, req, s.frameworkServer.ReadResource)
}

func (s *releasingServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	return withReleasedContext(ctx, req, s.frameworkServer.PlanResourceChange)
}

func (s *releasingServer) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	return withReleasedContext(ctx, req, s.frameworkServer.ApplyResourceChange)
}

func (s *releasingServer) ImportResourceState(ctx context.Context, req *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	return withReleasedContext(ctx, req, s.frameworkServer.ImportResourceState)
}

func (s *releasingServer) MoveResourceState(ctx context.Context, req *tfprotov6.MoveResourceStateRequest) (*tfprotov6.MoveResourceStateResponse, error) {
	return withReleasedContext(ctx, req, s.frameworkServer.MoveResourceState)
}

func (s *releasingServer) ValidateDataResourceConfig(ctx context.Context, req *tfprotov6.ValidateDataResourceConfigRequest) (*tfprotov6.ValidateDataResourceConfigResponse, error) {
	return withReleasedContext(ctx, req, s.frameworkServer.ValidateDataResourceConfig)
}

func (s *releasingServer) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	return withReleasedContext(ctx, req, s.frameworkServer.ReadDataSource)
}

// releasableContext is a context that forwards to another one until release, and afterwards
// behaves like a cancelled context with no values: whatever still holds it after its call (the
// framework's list of cancel functions) no longer keeps the request's context alive.
type releasableContext struct {
	inner atomic.Pointer[context.Context]
}

// releasedContext stands in for a request's context after release: the call is over.
var releasedContext = func() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}()

func newReleasableContext(ctx context.Context) *releasableContext {
	rc := &releasableContext{}
	rc.inner.Store(&ctx)
	return rc
}

func (c *releasableContext) release() { c.inner.Store(&releasedContext) }

func (c *releasableContext) current() context.Context { return *c.inner.Load() }

func (c *releasableContext) Deadline() (time.Time, bool) { return c.current().Deadline() }

func (c *releasableContext) Done() <-chan struct{} { return c.current().Done() }

func (c *releasableContext) Err() error { return c.current().Err() }

func (c *releasableContext) Value(key any) any { return c.current().Value(key) }
