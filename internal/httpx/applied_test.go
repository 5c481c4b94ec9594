package httpx

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync/atomic"
	"testing"
)

// A PATCH marked Repeatable is retried on a 5xx and on a dropped connection, like PUT; unmarked, it is not.
func TestRepeatablePatchIsRetried(t *testing.T) {
	for _, tc := range []struct {
		name       string
		repeatable bool
		want       int32
	}{
		{"marked", true, 2},
		{"unmarked", false, 1},
	} {
		t.Run(tc.name+" after 502", func(t *testing.T) {
			srv := newScriptedServer(t, status(502), status(200))
			ctx := context.Background()
			if tc.repeatable {
				ctx = Repeatable(ctx)
			}
			if _, err := send(t, ctx, NewClient(fastOptions()), http.MethodPatch, srv.URL); err != nil {
				t.Fatal(err)
			}
			if got := srv.hits.Load(); got != tc.want {
				t.Fatalf("%d requests, want %d", got, tc.want)
			}
		})
		t.Run(tc.name+" after a dropped connection", func(t *testing.T) {
			var hits atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if hits.Add(1) == 1 {
					dropConnection(t, w)
					return
				}
				w.WriteHeader(http.StatusOK)
			}))
			t.Cleanup(srv.Close)
			ctx := context.Background()
			if tc.repeatable {
				ctx = Repeatable(ctx)
			}
			_, err := send(t, ctx, NewClient(fastOptions()), http.MethodPatch, srv.URL)
			if tc.repeatable && err != nil {
				t.Fatal(err)
			}
			if !tc.repeatable && !MayHaveBeenApplied(err) {
				t.Fatalf("error %v: a dropped PATCH may have been applied", err)
			}
			if got := hits.Load(); got != tc.want {
				t.Fatalf("%d requests, want %d", got, tc.want)
			}
		})
	}
}

func dropConnection(t *testing.T, w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		t.Error("no hijacker")
		return
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		t.Error(err)
		return
	}
	_ = conn.Close() // dropping the connection is the point
}

func TestMayHaveBeenApplied(t *testing.T) {
	dial := &url.Error{Op: "Post", URL: "http://127.0.0.1:1/x", Err: &net.OpError{Op: "dial", Err: errors.New("connection refused")}}
	read := &url.Error{Op: "Post", URL: "http://127.0.0.1:1/x", Err: io.EOF}
	cases := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"500", &APIError{StatusCode: 500}, true},
		{"502 wrapped", fmt.Errorf("create: %w", &APIError{StatusCode: 502}), true},
		{"501", &APIError{StatusCode: 501}, false},
		{"422", &APIError{StatusCode: 422}, false},
		{"429", &APIError{StatusCode: 429}, false},
		{"rate-limit wait refused", fmt.Errorf("x: %w", &RateLimitError{StatusCode: 429}), false},
		{"connection refused", dial, false},
		{"connection dropped after sending", read, true},
		{"APIError without an answer", &APIError{Err: read}, true},
		{"APIError without an answer, refused", &APIError{Err: dial}, false},
		{"deadline while in flight", fmt.Errorf("x: %w", context.DeadlineExceeded), true},
		{"a validation error before sending", errors.New(`repository "x" must be "owner/name"`), false},
	}
	for _, tc := range cases {
		if got := MayHaveBeenApplied(tc.err); got != tc.want {
			t.Errorf("%s: MayHaveBeenApplied(%v) = %v, want %v", tc.name, tc.err, got, tc.want)
		}
	}
}
