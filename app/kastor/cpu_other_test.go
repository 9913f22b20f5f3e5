//go:build !unix

package kastor

func cpuSeconds() float64 { return 0 }
