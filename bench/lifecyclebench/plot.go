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

// Colours per platform and git host (colour-blind safe, Okabe–Ito: blue and vermilion for Netlify,
// bluish green and reddish purple for Dokploy); points are circles on Netlify, triangles on Dokploy.
var pairColors = map[pair]color.Color{
	{platform.Netlify, githost.GitHub}: color.RGBA{R: 0, G: 114, B: 178, A: 255},
	{platform.Netlify, githost.GitLab}: color.RGBA{R: 213, G: 94, B: 0, A: 255},
	{platform.Dokploy, githost.GitHub}: color.RGBA{R: 0, G: 158, B: 115, A: 255},
	{platform.Dokploy, githost.GitLab}: color.RGBA{R: 204, G: 121, B: 167, A: 255},
}

// WritePlot draws, for each step (a row), the time and the requests against N (two columns): measured
// values as solid lines with points per platform and git host, the floor and the minimum as dashed
// lines. Time is on a log scale: GitHub's pacing makes its apply and destroy two orders of magnitude
// slower than GitLab's.
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
	p.X.Label.Text = "chains (N)"
	p.X.Tick.Marker = chainTicks(r.ChainCounts)
	if timePanel {
		p.Title.Text = fmt.Sprintf("%s: wall time (dashed: floor)", step)
		p.Y.Label.Text = "seconds (log scale)"
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = plot.TickerFunc(logTicks125)
	} else {
		p.Title.Text = fmt.Sprintf("%s: requests (dashed: minimum)", step)
		p.Y.Label.Text = "requests"
		p.Y.Min = 0
		p.Y.Tick.Marker = plot.TickerFunc(wholeTicks)
	}
	boundName := "floor"
	if !timePanel {
		boundName = "minimum"
	}
	p.Legend.Top, p.Legend.Left = true, true
	for _, pr := range pairs {
		var measured, bound plotter.XYs
		for _, n := range r.ChainCounts {
			s, ok := r.Find(pr.Platform, pr.Host, n, step)
			if !ok {
				continue
			}
			if timePanel {
				measured = append(measured, plotter.XY{X: float64(n), Y: math.Max(s.Wall.Seconds(), 1e-3)})
				bound = append(bound, plotter.XY{X: float64(n), Y: math.Max(s.Floor.Total.Seconds(), 1e-3)})
			} else {
				measured = append(measured, plotter.XY{X: float64(n), Y: float64(total(s.Requests))})
				bound = append(bound, plotter.XY{X: float64(n), Y: float64(total(s.Minimum))})
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
		p.Legend.Add(pr.String(), line, points)
		p.Legend.Add(pr.String()+" "+boundName, dashed)
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

// wholeTicks are the default ticks with whole-number labels (requests are counts).
func wholeTicks(lo, hi float64) []plot.Tick {
	ticks := plot.DefaultTicks{}.Ticks(lo, hi)
	for i := range ticks {
		if ticks[i].Label != "" {
			ticks[i].Label = strconv.FormatFloat(ticks[i].Value, 'f', 0, 64)
		}
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
