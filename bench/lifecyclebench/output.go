package lifecyclebench

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/platform"
)

// Files the bench writes into its output directory (besides logs/).
const (
	ReportFile  = "REPORT.md"
	ResultsFile = "results.json"
)

// WriteOutputs writes the report, the plot and the raw results into dir and returns the report.
func WriteOutputs(dir string, r *Results) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	report := Markdown(r)
	if err := os.WriteFile(filepath.Join(dir, ReportFile), []byte(report), 0o644); err != nil {
		return report, err
	}
	raw, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return report, err
	}
	if err := os.WriteFile(filepath.Join(dir, ResultsFile), append(raw, '\n'), 0o644); err != nil {
		return report, err
	}
	return report, writePlotFile(filepath.Join(dir, PlotFile), r)
}

// ReadResults reads the results.json that WriteOutputs wrote, to render the report and plot again.
func ReadResults(path string) (*Results, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r Results
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(r.Steps) == 0 {
		return nil, fmt.Errorf("%s holds no measurements", path)
	}
	// Results from before the bench measured Dokploy hold no platform: they are Netlify's.
	for i := range r.Steps {
		if r.Steps[i].Platform == "" {
			r.Steps[i].Platform = platform.Netlify
		}
	}
	if len(r.Platforms) == 0 {
		r.Platforms = []string{platform.Netlify}
	}
	return &r, nil
}

func writePlotFile(path string, r *Results) (err error) {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, f.Close()) }()
	return WritePlot(f, r)
}
