// Command etcd builds etcd, unchanged, for kubestride's end-to-end tests:
// hack/cluster-bins.sh builds it from the Go module proxy at the version
// go.mod pins.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
