package lifecyclebench

import (
	"fmt"
	"image/color"
	"io"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/platform"
)

// Colours per platform and git host (colour-blind safe, Okabe–Ito, with black for the seventh pair);
// points are circles on Netlify, triangles on Dokploy.
var pairColors = map[pair]color.Color{
	{platform.Netlify, githost.GitHub}:    color.RGBA{R: 0, G: 114, B: 178, A: 255},   // blue
	{platform.Netlify, githost.GitLab}:    color.RGBA{R: 213, G: 94, B: 0, A: 255},    // vermilion
	{platform.Netlify, githost.Bitbucket}: color.RGBA{R: 230, G: 159, B: 0, A: 255},   // orange
	{platform.Dokploy, githost.GitHub}:    color.RGBA{R: 0, G: 158, B: 115, A: 255},   // bluish green
	{platform.Dokploy, githost.GitLab}:    color.RGBA{R: 204, G: 121, B: 167, A: 255}, // reddish purple
	{platform.Dokploy, githost.Bitbucket}: color.RGBA{R: 86, G: 180, B: 233, A: 255},  // sky blue
	{platform.Dokploy, githost.Gitea}:     color.RGBA{A: 255},                         // black
}

// WritePlot draws, for each step (a row), the time and the requests per chain against N (two columns):
// measured values as solid lines with points per platform and git host; the floor, and the minimum per
// chain, as dashed lines; the per-object minimum per chain (every object read on its own) as dotted lines,
// so that the saving of listings shows. N and time are on log scales: N runs from tens to a thousand, and
// GitHub's pacing makes its apply and destroy two orders of magnitude slower than the other hosts'.
func WritePlot(w io.Writer, r *Results) error {
	pairs := r.pairsMeasured()
	if len(pairs) == 0 || len(r.measured()) == 0 {
		return fmt.Errorf("no results to plot")
	}
	plots := make([][]*plot.Plot, len(Steps))
	for row, step := range Steps {
		timePlot, err := stepPlot(r, pairs, step, true)
		if err != nil {
			return err
		}
		reqPlot, err := stepPlot(r, pairs, step, false)
		if err != nil {
			return err
		}
		plots[row] = []*plot.Plot{timePlot, reqPlot}
	}
	img := vgimg.NewWith(vgimg.UseWH(11*vg.Inch, 13*vg.Inch), vgimg.UseDPI(96))
	dc := draw.New(img)
	tiles := draw.Tiles{Rows: len(Steps), Cols: 2, PadX: vg.Millimeter * 8, PadY: vg.Millimeter * 8,
		PadTop: vg.Millimeter * 4, PadBottom: vg.Millimeter * 4, PadLeft: vg.Millimeter * 4, PadRight: vg.Millimeter * 4}
	canvases := plot.Align(plots, tiles, dc)
	for row := range plots {
		for col, p := range plots[row] {
			p.Draw(canvases[row][col])
		}
	}
	_, err := vgimg.PngCanvas{Canvas: img}.WriteTo(w)
	return err
}

// stepPlot is one panel: the time (with floors) or the requests (with minimums) of a step against N.
func stepPlot(r *Results, pairs []pair, step Step, timePanel bool) (*plot.Plot, error) {
	p := plot.New()
	counts := r.allCounts()
	p.X.Label.Text = "chains (N, log scale)"
	p.X.Scale = plot.LogScale{}
	p.X.Tick.Marker = chainTicks(counts)
	// Fixed ranges: a log scale cannot start at the zero an empty panel (a step a plan-only run did not
	// measure) or a single N would give it.
	p.X.Min, p.X.Max = float64(counts[0])/1.5, float64(counts[len(counts)-1])*1.5
	if timePanel {
		p.Title.Text = fmt.Sprintf("%s: wall time (dashed: floor)", step)
		p.Y.Label.Text = "seconds (log scale)"
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = plot.TickerFunc(logTicks125)
	} else {
		p.Title.Text = fmt.Sprintf("%s: requests per chain (dashed: minimum, dotted: per object)", step)
		p.Y.Label.Text = "requests per chain"
		p.Y.Min = 0
	}
	p.Legend.Top, p.Legend.Left = true, true
	drawn := false
	for _, pr := range pairs {
		var measured, bound, perObject plotter.XYs
		for _, n := range counts {
			s, ok := r.Find(pr.Platform, pr.Host, n, step)
			if !ok {
				continue
			}
			x := float64(n)
			if timePanel {
				measured = append(measured, plotter.XY{X: x, Y: math.Max(s.Wall.Seconds(), 1e-3)})
				bound = append(bound, plotter.XY{X: x, Y: math.Max(s.Floor.Total.Seconds(), 1e-3)})
			} else {
				measured = append(measured, plotter.XY{X: x, Y: float64(total(s.Requests)) / x})
				bound = append(bound, plotter.XY{X: x, Y: float64(total(s.Minimum)) / x})
				perObject = append(perObject, plotter.XY{X: x, Y: float64(total(PerObjectMinimum(pr.Platform, pr.Host, step, n))) / x})
			}
		}
		if len(measured) == 0 {
			continue
		}
		line, points, err := plotter.NewLinePoints(measured)
		if err != nil {
			return nil, err
		}
		c, ok := pairColors[pr]
		if !ok {
			c = color.Black
		}
		line.Color, points.Color = c, c
		line.Width = vg.Points(1.5)
		points.Shape = draw.CircleGlyph{}
		if pr.Platform == platform.Dokploy {
			points.Shape = draw.TriangleGlyph{}
		}
		dashed, err := plotter.NewLine(bound)
		if err != nil {
			return nil, err
		}
		dashed.Color = c
		dashed.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
		p.Add(line, points, dashed)
		if !timePanel {
			dotted, err := plotter.NewLine(perObject)
			if err != nil {
				return nil, err
			}
			dotted.Color = c
			dotted.Dashes = []vg.Length{vg.Points(1), vg.Points(2)}
			p.Add(dotted)
		}
		p.Legend.Add(pr.String(), line, points)
		drawn = true
	}
	if !drawn {
		p.Title.Text = fmt.Sprintf("%s: not measured", step)
		if timePanel {
			p.Y.Min, p.Y.Max = 0.1, 10
		}
	}
	p.Add(plotter.NewGrid())
	return p, nil
}

// chainTicks labels the measured N.
func chainTicks(ns []int) plot.ConstantTicks {
	var ticks plot.ConstantTicks
	for _, n := range ns {
		ticks = append(ticks, plot.Tick{Value: float64(n), Label: strconv.Itoa(n)})
	}
	return ticks
}

// logTicks125 labels 1, 2 and 5 times the powers of ten in [lo, hi], with minor ticks in between.
func logTicks125(lo, hi float64) []plot.Tick {
	if lo <= 0 || hi <= 0 || lo > hi {
		return nil
	}
	var ticks []plot.Tick
	for exp := math.Floor(math.Log10(lo)); exp <= math.Ceil(math.Log10(hi)); exp++ {
		decade := math.Pow10(int(exp))
		for i := 1; i < 10; i++ {
			v := float64(i) * decade
			if v < lo/1.0001 || v > hi*1.0001 {
				continue
			}
			t := plot.Tick{Value: v}
			if i == 1 || i == 2 || i == 5 {
				t.Label = strconv.FormatFloat(v, 'g', -1, 64)
			}
			ticks = append(ticks, t)
		}
	}
	return ticks
}
