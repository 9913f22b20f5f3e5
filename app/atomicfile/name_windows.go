package atomicfile

import "path/filepath"

// checkName refuses a destination Windows would not keep under its name.
func checkName(dest string) error {
	name := filepath.Base(dest)
	if p := WindowsNameProblem(name); p != "" {
		return &NameError{Name: name, Reason: p}
	}
	return nil
}
