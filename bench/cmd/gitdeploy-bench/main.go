// Command gitdeploy-bench measures terraform apply, a no-change plan and destroy of N full chains
// (site, deploy key, repo link, webhook) against the emulator with a fixed latency per request, on
// Netlify and on Dokploy, each with GitHub, GitLab, Bitbucket and Gitea (Netlify cannot build from Gitea),
// and the plan alone of larger N, and writes a markdown report, a PNG plot and the raw results:
//
//	gitdeploy-bench [-n 10,50,100,200] [-plan-n 1000] [-platforms netlify,dokploy] [-hosts github,gitlab,bitbucket,gitea]
//	                [-latency 50ms] [-out .] [-github-write-interval 1s] [-netlify-rate-limit 500]
//	                [-terraform PATH] [-provider PATH]
//	gitdeploy-bench -from results.json [-out DIR]   (render the report and plot again, measure nothing)
//
// Run it inside the provider's repository, from bench/ (its own Go module: go run ./cmd/gitdeploy-bench);
// it builds the provider with go build unless -provider is given; terraform must be on the PATH. GitHub's
// pacing of writes makes the full run take over an hour. See bench/lifecyclebench for what is measured
// and how.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/gitdeploy/terraform-provider-gitdeploy/bench/lifecyclebench"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "gitdeploy-bench:", err)
		stop()
		os.Exit(1)
	}
}

// options are the command line: what to measure, or which earlier results to render again.
type options struct {
	cfg  lifecyclebench.Config
	from string // a results.json to render instead of measuring
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	o.cfg = lifecyclebench.DefaultConfig()
	cfg := &o.cfg
	fs := flag.NewFlagSet("gitdeploy-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	chains := fs.String("n", "10,50,100,200", "comma-separated numbers of chains whose apply, plan and destroy are measured")
	planOnly := fs.String("plan-n", "1000", "comma-separated numbers of chains whose plan alone is measured (\"\": none)")
	platforms := fs.String("platforms", strings.Join(cfg.Platforms, ","),
		"comma-separated platforms; each run configures only its platform")
	hosts := fs.String("hosts", strings.Join(cfg.Hosts, ","), "comma-separated git hosts; every (platform, host) pair is measured")
	fs.DurationVar(&cfg.Latency, "latency", cfg.Latency, "latency the emulator adds to every request")
	fs.DurationVar(&cfg.GitHubWriteInterval, "github-write-interval", cfg.GitHubWriteInterval,
		"the provider's github write_interval (GitHub's documented pacing: 1s)")
	fs.IntVar(&cfg.NetlifyLimit, "netlify-rate-limit", cfg.NetlifyLimit,
		"Netlify's rate limit in the measured steps, requests a minute (Netlify documents 500; 0: none)")
	fs.StringVar(&cfg.OutDir, "out", cfg.OutDir, "output directory for REPORT.md, lifecycle.png, results.json and logs/")
	fs.StringVar(&cfg.TerraformPath, "terraform", "", "terraform binary (default: terraform on the PATH)")
	fs.StringVar(&cfg.ProviderPath, "provider", "", "provider binary (default: go build of this module)")
	fs.StringVar(&o.from, "from", "", "render the report and plot of this results.json again instead of measuring")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	var err error
	if cfg.ChainCounts, err = lifecyclebench.ParseChainCounts(*chains); err != nil {
		return o, err
	}
	if cfg.PlanOnlyCounts, err = lifecyclebench.ParseChainCounts(*planOnly); err != nil {
		return o, err
	}
	cfg.Platforms = lifecyclebench.ParsePlatforms(*platforms)
	cfg.Hosts = lifecyclebench.ParseHosts(*hosts)
	return o, cfg.Validate()
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	cfg := o.cfg
	var results *lifecyclebench.Results
	var runErr error
	if o.from != "" {
		results, runErr = lifecyclebench.ReadResults(o.from)
	} else {
		results, runErr = lifecyclebench.Run(ctx, cfg, stderr)
	}
	if results == nil {
		return runErr
	}
	// Whatever was measured before a failure is still worth a report.
	report, writeErr := lifecyclebench.WriteOutputs(cfg.OutDir, results)
	if _, err := fmt.Fprintln(stdout, report); err != nil {
		writeErr = errors.Join(writeErr, err)
	}
	if writeErr == nil {
		_, _ = fmt.Fprintf(stderr, "wrote %s/%s, %s/%s and %s/%s\n", cfg.OutDir, lifecyclebench.ReportFile,
			cfg.OutDir, lifecyclebench.PlotFile, cfg.OutDir, lifecyclebench.ResultsFile) // informational
	}
	return errors.Join(runErr, writeErr)
}
