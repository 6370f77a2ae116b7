// Command cosign builds sigstore's cosign CLI for kubestride's signature
// tests: hack/cosign.sh builds it from the Go module proxy at the version
// go.mod pins. It is cosign's own command tree; only the cloud KMS providers
// that cosign's main package registers are left out (the tests sign with key
// files), which keeps the cold build shorter.
package main

import (
	"errors"
	"log"
	"os"

	"github.com/sigstore/cosign/v2/cmd/cosign/cli"
	cosignerrors "github.com/sigstore/cosign/v2/cmd/cosign/errors"
)

func main() {
	if err := cli.New().Execute(); err != nil {
		var cerr *cosignerrors.CosignError
		if errors.As(err, &cerr) {
			log.Printf("error during command execution: %v", err)
			os.Exit(cerr.ExitCode())
		}
		log.Fatalf("error during command execution: %v", err)
	}
}
