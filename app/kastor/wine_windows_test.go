package kastor

import "golang.org/x/sys/windows"

// underWine says whether the tests run under Wine (CI's Windows), which
// exports wine_get_version from its ntdll; Windows does not.
func underWine() bool {
	return windows.NewLazySystemDLL("ntdll.dll").NewProc("wine_get_version").Find() == nil
}
