package servecert

import (
	"crypto/tls"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// Reloader serves the certificate and key read from two files, and
// reads them again when either changes, so a renewed certificate (a
// cert-manager rotation, a Secret update) is used without a restart. The
// files are looked at, at most once per interval, when a TLS handshake asks
// for the certificate; a pair that does not load keeps the previous one in
// service and is logged.
type Reloader struct {
	certFile, keyFile string
	interval          time.Duration
	log               *slog.Logger
	now               func() time.Time

	cert      atomic.Pointer[tls.Certificate]
	checked   atomic.Int64 // unix nanoseconds of the last look at the files
	mu        sync.Mutex   // held while the files are looked at
	certStamp fileStamp
	keyStamp  fileStamp
}

// fileStamp is what tells that a file changed: its modification time and
// size, as the path resolves now (a Secret volume swaps a symbolic link).
type fileStamp struct {
	mod  time.Time
	size int64
}

func stampOf(file string) (fileStamp, error) {
	fi, err := os.Stat(file)
	if err != nil {
		return fileStamp{}, err
	}
	return fileStamp{mod: fi.ModTime(), size: fi.Size()}, nil
}

// NewReloader loads the pair once: a pair that does not load is an
// error at start.
func NewReloader(certFile, keyFile string, interval time.Duration, log *slog.Logger) (*Reloader, error) {
	r := &Reloader{certFile: certFile, keyFile: keyFile, interval: interval, log: log, now: time.Now}
	if err := r.load(); err != nil {
		return nil, err
	}
	r.checked.Store(r.now().UnixNano())
	return r, nil
}

func (r *Reloader) load() error {
	cs, err := stampOf(r.certFile)
	if err != nil {
		return fmt.Errorf("tls certificate: %w", err)
	}
	ks, err := stampOf(r.keyFile)
	if err != nil {
		return fmt.Errorf("tls private key: %w", err)
	}
	c, err := tls.LoadX509KeyPair(r.certFile, r.keyFile)
	if err != nil {
		return fmt.Errorf("tls certificate %s and key %s: %w", r.certFile, r.keyFile, err)
	}
	r.cert.Store(&c)
	r.certStamp, r.keyStamp = cs, ks
	return nil
}

// GetCertificate is tls.Config.GetCertificate.
func (r *Reloader) GetCertificate(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	r.maybeReload()
	return r.cert.Load(), nil
}

// maybeReload reads the files again when the interval has passed since the
// last look and either file changed.
func (r *Reloader) maybeReload() {
	now := r.now().UnixNano()
	last := r.checked.Load()
	if now-last < int64(r.interval) || !r.checked.CompareAndSwap(last, now) {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	cs, cerr := stampOf(r.certFile)
	ks, kerr := stampOf(r.keyFile)
	if cerr == nil && kerr == nil && cs == r.certStamp && ks == r.keyStamp {
		return
	}
	if err := r.load(); err != nil {
		r.log.Error("tls certificate not reloaded, the previous one stays in service", "err", err)
		return
	}
	r.log.Info("tls certificate reloaded", "certFile", r.certFile, "keyFile", r.keyFile)
}
