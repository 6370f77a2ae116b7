// Command trivy-db writes the inputs hack/trivy-report.sh gives the real
// Trivy CLI to make the Trivy reports checked in under
// internal/image/vuln/testdata/real-trivy*: a tiny vulnerability database
// and a tiny Debian 12 image, both written offline.
//
// The database is written with trivy-db's own code (the version Trivy pins)
// in the layout `trivy --cache-dir DIR` reads from DIR/db: trivy.db (bbolt)
// and metadata.json. Its advisories are made up for the test, in the shape
// trivy-db's Debian source stores them (bucket "debian 12", keyed by the
// source package) with NVD details for the CVSS-based severities:
//
//	CVE-2026-10001 curl     fixed 7.88.1-10+deb12u7   Debian urgency high
//	CVE-2026-10002 openssl  fixed 3.0.15-1~deb12u1    NVD CVSS 3.1 9.8 (critical)
//	CVE-2026-10003 openssl  no fix (affected)         Debian urgency low
//	CVE-2026-10004 curl     fixed 7.88.1-10+deb12u1   NVD CVSS 3.1 7.5; the image has a later version
//
// The image is a single layer holding /etc/os-release (Debian 12) and
// /var/lib/dpkg/status with curl, libcurl4 (source curl), openssl and
// libssl3 (source openssl) at versions the first three advisories affect.
// Its timestamps are fixed, so its digests are the same on every run; they
// are printed.
package main

import (
	"archive/tar"
	"bytes"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/aquasecurity/trivy-db/pkg/db"
	"github.com/aquasecurity/trivy-db/pkg/types"
	"github.com/aquasecurity/trivy-db/pkg/vulndb"
	"github.com/aquasecurity/trivy-db/pkg/vulnsrc"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	bolt "go.etcd.io/bbolt"
)

// ImageName is the tag the image tarball carries.
const ImageName = "registry.example.com/kubestride/trivy-fixture:1"

// created is the image's fixed creation time.
var created = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

type advisory struct {
	id, srcPkg, fixed string
	status            types.Status
	urgency           types.Severity // Debian's per-package severity, unknown for none
	title             string
	nvdScore          float64
	nvdVector         string
}

var advisories = []advisory{
	{id: "CVE-2026-10001", srcPkg: "curl", fixed: "7.88.1-10+deb12u7", urgency: types.SeverityHigh,
		title: "curl: header injection through redirects (test advisory)"},
	{id: "CVE-2026-10002", srcPkg: "openssl", fixed: "3.0.15-1~deb12u1",
		title:    "openssl: buffer overflow in certificate name checks (test advisory)",
		nvdScore: 9.8, nvdVector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"},
	{id: "CVE-2026-10003", srcPkg: "openssl", status: types.StatusAffected, urgency: types.SeverityLow,
		title: "openssl: timing side channel in RSA decryption (test advisory)"},
	{id: "CVE-2026-10004", srcPkg: "curl", fixed: "7.88.1-10+deb12u1",
		title:    "curl: use after free in connection reuse (test advisory)",
		nvdScore: 7.5, nvdVector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"},
}

func main() {
	dbDir := flag.String("db", "", "write trivy.db and metadata.json into this folder (Trivy's <cache-dir>/db)")
	image := flag.String("image", "", "write the image as a docker tarball to this file")
	serve := flag.String("serve", "", "serve the image from an in-process registry on this loopback address (127.0.0.1:PORT) until stopped")
	flag.Parse()
	if *dbDir == "" && *image == "" && *serve == "" {
		log.Fatal("give -db DIR, -image FILE and/or -serve ADDR")
	}
	if *dbDir != "" {
		if err := writeDB(*dbDir); err != nil {
			log.Fatalf("write vulnerability database: %v", err)
		}
	}
	if *image != "" {
		if err := writeImage(*image); err != nil {
			log.Fatalf("write image: %v", err)
		}
	}
	if *serve != "" {
		if err := serveImage(*serve); err != nil {
			log.Fatalf("serve image: %v", err)
		}
	}
}

func writeDB(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, f := range []string{"trivy.db", "metadata.json"} {
		if err := os.Remove(filepath.Join(dir, f)); err != nil && !os.IsNotExist(err) {
			return err
		}
	}
	if err := db.Init(dir); err != nil {
		return err
	}
	defer db.Close()
	dbc := db.Config{}
	debian := types.DataSource{ID: "debian", Name: "Debian Security Tracker", URL: "https://salsa.debian.org/security-tracker-team/security-tracker"}
	const platform = "debian 12"
	err := dbc.BatchUpdate(func(tx *bolt.Tx) error {
		for _, a := range advisories {
			adv := types.Advisory{FixedVersion: a.fixed, Status: a.status, Severity: a.urgency}
			if err := dbc.PutAdvisoryDetail(tx, a.id, a.srcPkg, []string{platform}, &adv); err != nil {
				return err
			}
			if err := dbc.PutVulnerabilityDetail(tx, a.id, debian.ID, types.VulnerabilityDetail{Title: a.title}); err != nil {
				return err
			}
			if a.nvdScore > 0 {
				nvd := types.VulnerabilityDetail{
					CvssScoreV3: a.nvdScore, CvssVectorV3: a.nvdVector,
					Description: a.title,
				}
				if err := dbc.PutVulnerabilityDetail(tx, a.id, "nvd", nvd); err != nil {
					return err
				}
			}
			if err := dbc.PutVulnerabilityID(tx, a.id); err != nil {
				return err
			}
			if err := dbc.PutDataSource(tx, platform, debian); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	// trivy-db's build step: copies the advisories into the per-platform
	// buckets, merges the details into the vulnerability bucket, removes the
	// staging buckets and writes metadata.json (schema version 2).
	build := vulndb.New(dir, dir, 24*time.Hour, vulndb.WithVulnSrcs(map[types.SourceID]vulnsrc.VulnSrc{}))
	return build.Build(nil)
}

const osRelease = `PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
HOME_URL="https://www.debian.org/"
`

const debianVersion = "12.7\n"

const dpkgStatus = `Package: curl
Status: install ok installed
Priority: optional
Section: web
Installed-Size: 500
Maintainer: Alessandro Ghedini <ghedo@debian.org>
Architecture: amd64
Version: 7.88.1-10+deb12u5
Depends: libc6 (>= 2.34), libcurl4 (= 7.88.1-10+deb12u5), zlib1g (>= 1:1.1.4)
Description: command line tool for transferring data with URL syntax

Package: libcurl4
Status: install ok installed
Priority: optional
Section: libs
Installed-Size: 1000
Maintainer: Alessandro Ghedini <ghedo@debian.org>
Architecture: amd64
Multi-Arch: same
Source: curl
Version: 7.88.1-10+deb12u5
Depends: libc6 (>= 2.34), libssl3 (>= 3.0.0)
Description: easy-to-use client-side URL transfer library (OpenSSL flavour)

Package: libssl3
Status: install ok installed
Priority: optional
Section: libs
Installed-Size: 6000
Maintainer: Debian OpenSSL Team <pkg-openssl-devel@alioth-lists.debian.net>
Architecture: amd64
Multi-Arch: same
Source: openssl
Version: 3.0.11-1~deb12u2
Depends: libc6 (>= 2.34)
Description: Secure Sockets Layer toolkit - shared libraries

Package: openssl
Status: install ok installed
Priority: optional
Section: utils
Installed-Size: 2000
Maintainer: Debian OpenSSL Team <pkg-openssl-devel@alioth-lists.debian.net>
Architecture: amd64
Version: 3.0.11-1~deb12u2
Depends: libc6 (>= 2.34), libssl3 (>= 3.0.9)
Description: Secure Sockets Layer toolkit - cryptographic utility

`

// Image returns the fixture image: one layer, fixed timestamps.
func Image() (v1.Image, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	dirs := []string{"etc/", "var/", "var/lib/", "var/lib/dpkg/"}
	for _, d := range dirs {
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: d, Mode: 0o755, ModTime: created, Format: tar.FormatPAX}); err != nil {
			return nil, err
		}
	}
	files := []struct{ name, body string }{
		{"etc/debian_version", debianVersion},
		{"etc/os-release", osRelease},
		{"var/lib/dpkg/status", dpkgStatus},
	}
	for _, f := range files {
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: f.name, Mode: 0o644, Size: int64(len(f.body)), ModTime: created, Format: tar.FormatPAX}); err != nil {
			return nil, err
		}
		if _, err := tw.Write([]byte(f.body)); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	layerBytes := buf.Bytes()
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(layerBytes)), nil })
	if err != nil {
		return nil, err
	}
	img, err := mutate.Append(empty.Image, mutate.Addendum{Layer: layer, History: v1.History{
		Created: v1.Time{Time: created}, CreatedBy: "kubestride hack/trivy-db: /etc/os-release and /var/lib/dpkg/status",
	}})
	if err != nil {
		return nil, err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cf = cf.DeepCopy()
	cf.Architecture, cf.OS, cf.Created = "amd64", "linux", v1.Time{Time: created}
	cf.Config.Env = []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}
	return mutate.ConfigFile(img, cf)
}

func writeImage(file string) error {
	img, err := Image()
	if err != nil {
		return err
	}
	tag, err := name.NewTag(ImageName)
	if err != nil {
		return err
	}
	if err := tarball.WriteToFile(file, tag, img); err != nil {
		return err
	}
	digest, err := img.Digest()
	if err != nil {
		return err
	}
	config, err := img.ConfigName()
	if err != nil {
		return err
	}
	fmt.Printf("image %s manifest %s config %s\n", ImageName, digest, config)
	return nil
}

// serveImage pushes the image to go-containerregistry's registry, served on
// addr, prints its reference by digest and serves until the process is
// stopped.
func serveImage(addr string) error {
	img, err := Image()
	if err != nil {
		return err
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: registry.New(registry.Logger(log.New(io.Discard, "", 0))), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(l) }()
	repo := l.Addr().String() + "/kubestride/trivy-fixture"
	tag, err := name.NewTag(repo+":1", name.Insecure)
	if err != nil {
		return err
	}
	if err := remote.Write(tag, img); err != nil {
		return err
	}
	digest, err := img.Digest()
	if err != nil {
		return err
	}
	fmt.Printf("%s@%s\n", repo, digest)
	select {}
}
