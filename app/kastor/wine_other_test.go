//go:build !windows

package kastor

func underWine() bool { return false }
