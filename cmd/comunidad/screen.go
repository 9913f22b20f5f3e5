package main

import (
	"fyne.io/fyne/v2"
	"github.com/go-gl/glfw/v3.3/glfw"
)

// workArea is the primary screen's work area (without the taskbar) in Fyne
// units, zero when it cannot be read. It calls GLFW on the main thread
// before Fyne starts its loop (Fyne's own Init later is a no-op); Fyne
// offers no screen size of its own.
func workArea(a fyne.App) fyne.Size {
	if err := glfw.Init(); err != nil {
		return fyne.Size{}
	}
	mon := glfw.GetPrimaryMonitor()
	if mon == nil {
		return fyne.Size{}
	}
	_, _, w, h := mon.GetWorkarea()
	sx, sy := mon.GetContentScale()
	user := a.Settings().Scale()
	if user <= 0 {
		user = 1
	}
	if sx <= 0 || sy <= 0 {
		sx, sy = 1, 1
	}
	return fyne.NewSize(float32(w)/sx/user, float32(h)/sy/user)
}
