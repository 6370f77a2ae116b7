package cosigntest

import (
	"os"
	"strings"
	"testing"
)

// TestVersionIsWhatTheScriptBuilds: the cache folder looked in is the one
// hack/cosign.sh builds in.
func TestVersionIsWhatTheScriptBuilds(t *testing.T) {
	data, err := os.ReadFile("../../../../hack/cosign.sh")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "\nCOSIGN_VERSION="+Version+"\n") {
		t.Errorf("hack/cosign.sh does not build cosign %s", Version)
	}
}
