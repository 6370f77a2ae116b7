// Package servecert serves a TLS certificate read from files and reads it
// again when they change, for kubestride's HTTPS servers (the admission
// webhook and the audit webhook): a renewed certificate (a cert-manager
// rotation, a Secret update) is used without a restart.
package servecert
