package httpx

import "sync"

// maxRuntimeSecrets bounds a SecretSet: an installation token and its JWT are added about once an hour,
// so this keeps every one a plan or apply can have made while keeping each log line's masking cheap.
const maxRuntimeSecrets = 64

// SecretSet holds secrets learnt while the provider runs (installation tokens, the JWTs that fetched
// them), to be masked like Options.Secrets in every log line. It is safe for concurrent use; a nil
// *SecretSet holds nothing.
type SecretSet struct {
	mu     sync.RWMutex
	values []string
}

// Add remembers s (the empty string is ignored); past maxRuntimeSecrets the oldest is forgotten.
func (s *SecretSet) Add(secret string) {
	if s == nil || secret == "" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.values = append(s.values, secret)
	if len(s.values) > maxRuntimeSecrets {
		s.values = s.values[len(s.values)-maxRuntimeSecrets:]
	}
}

// with returns fixed followed by the set's secrets.
func (s *SecretSet) with(fixed []string) []string {
	if s == nil {
		return fixed
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if len(s.values) == 0 {
		return fixed
	}
	return append(append(make([]string, 0, len(fixed)+len(s.values)), fixed...), s.values...)
}

// Len returns how many secrets the set holds.
func (s *SecretSet) Len() int {
	if s == nil {
		return 0
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.values)
}
