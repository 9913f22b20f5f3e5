package main

import (
	"fmt"
	"image"
	"time"

	"fyne.io/fyne/v2"
)

// processStart approximates the process's start for the time to the first
// window: package variables are set before main runs.
var processStart = time.Now()

// smokeProblem is what the start-up screen reported instead of the normal
// window (nil when the window opened on its database).
var smokeProblem error

// smokeTimeout bounds how long --smoke waits for a frame.
const smokeTimeout = 60 * time.Second

// watchSmoke implements --smoke, for the packaged build's smoke test: once
// the window has drawn its first frame (a capture of its canvas shows more
// than one colour), it prints the time from the process's start and quits.
// runGUI then returns smokeResult: exit 0 when the normal window opened, 1
// with the message when a start-up problem was shown instead.
func watchSmoke(e *env, a fyne.App, w fyne.Window) {
	if !e.smoke {
		return
	}
	go func() {
		deadline := time.Now().Add(smokeTimeout)
		for time.Now().Before(deadline) {
			var img image.Image
			fyne.DoAndWait(func() { img = w.Canvas().Capture() })
			if drawn(img) {
				b := img.Bounds()
				fmt.Fprintf(e.stdout, "smoke: primera ventana %dx%d en %d ms\n", b.Dx(), b.Dy(), time.Since(processStart).Milliseconds())
				fyne.Do(a.Quit)
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
		smokeProblem = fmt.Errorf("--smoke: la ventana no se dibujó en %s", smokeTimeout)
		fyne.Do(a.Quit)
	}()
}

// drawn says whether img is a rendered frame: not empty, not one flat colour.
func drawn(img image.Image) bool {
	if img == nil || img.Bounds().Empty() {
		return false
	}
	b := img.Bounds()
	r0, g0, b0, _ := img.At(b.Min.X, b.Min.Y).RGBA()
	for y := b.Min.Y; y < b.Max.Y; y += 4 {
		for x := b.Min.X; x < b.Max.X; x += 4 {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r != r0 || g != g0 || bl != b0 {
				return true
			}
		}
	}
	return false
}

// smokeResult is runGUI's error under --smoke.
func smokeResult(e *env) error {
	if !e.smoke {
		return nil
	}
	return smokeProblem
}
