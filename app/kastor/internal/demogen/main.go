// Command demogen writes the demo Kastor export embedded in the application:
//
//	go run ./app/kastor/internal/demogen assets/demo/kastor-demo.xlsx
package main

import (
	"fmt"
	"os"

	"comunidad/app/kastor/internal/fixture"
)

func main() {
	out := "assets/demo/kastor-demo.xlsx"
	if len(os.Args) > 1 {
		out = os.Args[1]
	}
	if err := fixture.WriteXLSX(out, "Comunidad", fixture.Demo()); err != nil {
		fmt.Fprintln(os.Stderr, "demogen:", err)
		os.Exit(1)
	}
}
