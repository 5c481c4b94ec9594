package provider

import (
	"maps"
	"testing"
)

func TestQuietUnreadLogs(t *testing.T) {
	quiet := map[string]string{"TF_LOG_SDK": "off", "TF_LOG_SDK_PROTO": "off", "TF_LOG_SDK_FRAMEWORK": "off",
		"TF_LOG_PROVIDER_GITDEPLOY": "off"}
	tests := map[string]struct {
		env  map[string]string
		want map[string]string
	}{
		"nothing asks for logs":     {env: map[string]string{"HOME": "/root"}, want: merge(map[string]string{"HOME": "/root"}, quiet)},
		"an empty TF_LOG asks none": {env: map[string]string{"TF_LOG": ""}, want: merge(map[string]string{"TF_LOG": ""}, quiet)},
		"TF_LOG":                    {env: map[string]string{"TF_LOG": "DEBUG"}, want: map[string]string{"TF_LOG": "DEBUG"}},
		"TF_LOG_PROVIDER":           {env: map[string]string{"TF_LOG_PROVIDER": "trace"}, want: map[string]string{"TF_LOG_PROVIDER": "trace"}},
		"TF_LOG_PATH":               {env: map[string]string{"TF_LOG_PATH": "/tmp/tf.log"}, want: map[string]string{"TF_LOG_PATH": "/tmp/tf.log"}},
		"one SDK logger":            {env: map[string]string{"TF_LOG_SDK_PROTO": "trace"}, want: map[string]string{"TF_LOG_SDK_PROTO": "trace"}},
		"the provider's logger":     {env: map[string]string{"TF_LOG_PROVIDER_GITDEPLOY": "debug"}, want: map[string]string{"TF_LOG_PROVIDER_GITDEPLOY": "debug"}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			env := maps.Clone(tt.env)
			lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
			set := func(k, v string) error { env[k] = v; return nil }
			if err := QuietUnreadLogs(lookup, set); err != nil {
				t.Fatal(err)
			}
			if !maps.Equal(env, tt.want) {
				t.Errorf("environment = %v, want %v", env, tt.want)
			}
		})
	}
}

func merge(a, b map[string]string) map[string]string {
	out := maps.Clone(a)
	maps.Copy(out, b)
	return out
}
