package httpx

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"syscall"
)

// Endpoint says where a client's base URL was configured, so that an error can name the setting to fix.
type Endpoint struct {
	URL     string         // the base URL in use
	Setting string         // the provider attribute that sets it, e.g. "netlify.api_url"
	EnvVar  string         // the environment variable that sets it, e.g. "NETLIFY_API_URL"
	Source  EndpointSource // which of them set URL
}

// EndpointSource is where an Endpoint's URL came from.
type EndpointSource int

const (
	// EndpointDefault is the service's public address: neither the setting nor the variable is set.
	EndpointDefault EndpointSource = iota
	// EndpointFromSetting is the provider configuration's attribute.
	EndpointFromSetting
	// EndpointFromEnv is the environment variable.
	EndpointFromEnv
)

// where says which setting holds the address and what to check, for the end of a ConnectionError.
func (e Endpoint) where() string {
	switch {
	case e.Setting == "":
		return "Check the service's URL in the provider configuration."
	case e.Source == EndpointFromSetting:
		return fmt.Sprintf("The address is %s = %q in the provider configuration (%s when it is not set): check it, and that the service runs there.",
			e.Setting, e.URL, e.EnvVar)
	case e.Source == EndpointFromEnv:
		return fmt.Sprintf("The address is the environment variable %s = %q (%s in the provider configuration overrides it): check it, and that the service runs there.",
			e.EnvVar, e.URL, e.Setting)
	default:
		return fmt.Sprintf("The address is the default %q (neither %s nor %s is set): check this machine's network, DNS and proxy settings, or set one of them.",
			e.URL, e.Setting, e.EnvVar)
	}
}

// ConnectionError says that a request never reached the service: the connection was refused, the host
// name did not resolve, TLS failed, or no connection could be opened. It names the setting that holds
// the address. A refused connection and an unknown host are not retried: a configured address that
// nothing answers on is a configuration error, not a transient one.
type ConnectionError struct {
	Service  string   // "Netlify", "GitHub", ...
	Address  string   // scheme://host[:port] of the request, never its path or query
	Reason   string   // "connection refused", `unknown host "x"`, "TLS: ..."
	Endpoint Endpoint // where the address was configured; zero when the client was not told
	Err      error    // the transport error, for errors.Is and errors.As
}

func (e *ConnectionError) Error() string {
	return fmt.Sprintf("could not reach %s at %s: %s. %s", e.Service, e.Address, e.Reason, e.Endpoint.where())
}

// Unwrap returns the transport error.
func (e *ConnectionError) Unwrap() error { return e.Err }

// IsConnectionError reports whether err says that a request never reached the service.
func IsConnectionError(err error) bool {
	var connErr *ConnectionError
	return errors.As(err, &connErr)
}

// connectionFailure says why err means that the request never reached the server, or ok is false when
// it may have (a reset, an EOF, a timeout after the connection was made). final is set for the failures
// a retry cannot fix: a refused connection, an unknown host, TLS.
func connectionFailure(err error) (reason string, final, ok bool) {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return "", false, false
	}
	var (
		dnsErr       *net.DNSError
		recordHeader tls.RecordHeaderError
		verifyErr    *tls.CertificateVerificationError
		unknownAuth  x509.UnknownAuthorityError
		hostnameErr  x509.HostnameError
		invalidCert  x509.CertificateInvalidError
		opErr        *net.OpError
	)
	switch {
	case errors.As(err, &dnsErr) && dnsErr.IsNotFound:
		return fmt.Sprintf("unknown host %q", dnsErr.Name), true, true
	case errors.As(err, &dnsErr):
		return fmt.Sprintf("looking up host %q failed (%s)", dnsErr.Name, dnsErr.Err), false, true
	// net/http replaces the RecordHeaderError of an answer that looks like HTTP by a plain error.
	case errors.As(err, &recordHeader), strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		return "the TLS handshake failed: the server does not speak TLS (is the URL http:// rather than https://?)", true, true
	case errors.As(err, &hostnameErr), errors.As(err, &unknownAuth), errors.As(err, &invalidCert), errors.As(err, &verifyErr):
		return "its TLS certificate is not trusted (" + certificateProblem(err) + ")", true, true
	case errors.As(err, &opErr) && opErr.Op == "dial":
		if refused(opErr) {
			return "connection refused (nothing is listening there)", true, true
		}
		return "could not open a connection (" + innermost(opErr).Error() + ")", false, true
	}
	return "", false, false
}

// refused reports a dial error that the other end refused. syscall.ECONNREFUSED covers every platform
// Go maps the error for; the text is a fallback for the ones it does not.
func refused(opErr *net.OpError) bool {
	if errors.Is(opErr, syscall.ECONNREFUSED) {
		return true
	}
	text := opErr.Err.Error()
	return strings.Contains(text, "connection refused") || strings.Contains(text, "actively refused")
}

// certificateProblem is the certificate error's own text: "x509: certificate signed by unknown
// authority", "x509: certificate is valid for a, not b".
func certificateProblem(err error) string {
	var verifyErr *tls.CertificateVerificationError
	if errors.As(err, &verifyErr) && verifyErr.Err != nil {
		return verifyErr.Err.Error()
	}
	return innermost(err).Error()
}

// innermost unwraps err down to its last wrapped error.
func innermost(err error) error {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err
		}
		err = next
	}
}

// TransportError is the error of a request that got no answer, for clients that call the shared stack
// directly: an *APIError without a status (its Err is the transport error, so that errors.Is, errors.As,
// IsConnectionError and MayHaveBeenApplied see it), or, for a cancelled context and a rate-limit wait the
// stack refused, that error wrapped with the call's name. path is the URL path only.
func TransportError(service, operation, method, path string, err error) error {
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		err = urlErr.Err // net/http's wrapper repeats the whole URL, query included
	}
	var rateLimited *RateLimitError
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || errors.As(err, &rateLimited) {
		return fmt.Errorf("%s: %s (%s %s): %w", service, operation, method, path, err)
	}
	return &APIError{Service: service, Operation: operation, Method: method, Path: path, Message: err.Error(), Err: err}
}
