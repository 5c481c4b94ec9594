package main

import (
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gitdeploy/terraform-provider-gitdeploy/bench/lifecyclebench"
)

func TestParseFlagsDefaults(t *testing.T) {
	o, err := parseFlags(nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	cfg := o.cfg
	if o.from != "" {
		t.Errorf("-from defaults to %q", o.from)
	}
	if !slices.Equal(cfg.ChainCounts, []int{10, 50, 100, 200}) || !slices.Equal(cfg.PlanOnlyCounts, []int{1000}) ||
		!slices.Equal(cfg.Hosts, []string{"github", "gitlab", "bitbucket", "gitea"}) || cfg.NetlifyLimit != 500 ||
		!slices.Equal(cfg.Platforms, []string{"netlify", "dokploy"}) ||
		cfg.Latency != 50*time.Millisecond || cfg.GitHubWriteInterval != time.Second || cfg.OutDir != "." {
		t.Errorf("defaults: %+v", cfg)
	}
	if cfg.TerraformPath != "" || cfg.ProviderPath != "" {
		t.Errorf("defaults name binaries: %+v", cfg)
	}
}

func TestParseFlags(t *testing.T) {
	o, err := parseFlags(strings.Fields("-n 2,1 -plan-n 7 -platforms Dokploy -hosts gitlab,Bitbucket -latency 5ms -github-write-interval 0s "+
		"-netlify-rate-limit 0 -out /tmp/x -provider /bin/p -from r.json"), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	cfg := o.cfg
	if o.from != "r.json" {
		t.Errorf("-from: %q", o.from)
	}
	want := lifecyclebench.Config{ChainCounts: []int{1, 2}, PlanOnlyCounts: []int{7}, Platforms: []string{"dokploy"},
		Hosts: []string{"gitlab", "bitbucket"}, Latency: 5 * time.Millisecond, OutDir: "/tmp/x", ProviderPath: "/bin/p"}
	if !slices.Equal(cfg.ChainCounts, want.ChainCounts) || !slices.Equal(cfg.PlanOnlyCounts, want.PlanOnlyCounts) ||
		cfg.NetlifyLimit != 0 || !slices.Equal(cfg.Platforms, want.Platforms) ||
		!slices.Equal(cfg.Hosts, want.Hosts) || cfg.Latency != want.Latency ||
		cfg.GitHubWriteInterval != 0 || cfg.OutDir != want.OutDir || cfg.ProviderPath != want.ProviderPath {
		t.Errorf("got %+v, want %+v", cfg, want)
	}
	for _, args := range [][]string{{"-n", "0"}, {"-n", "ten"}, {"-hosts", "svn"}, {"-n", "10", "-plan-n", "10"}, {"-netlify-rate-limit", "-5"}, {"-platforms", "vercel"}, {"-platforms", ""}, {"-latency", "-1s"}, {"extra"}, {"-out", ""}} {
		if _, err := parseFlags(args, io.Discard); err == nil {
			t.Errorf("%q: want an error", args)
		}
	}
}
