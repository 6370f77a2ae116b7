// Command kubestride secures Kubernetes along the STRIDE threat model.
package main

import (
	"os"

	"github.com/kubestride/kubestride/internal/cli"
	"github.com/kubestride/kubestride/internal/memlimit"
)

func main() {
	memlimit.Start()
	os.Exit(cli.Main(os.Args[1:], cli.IO{In: os.Stdin, Out: os.Stdout, Err: os.Stderr}))
}
