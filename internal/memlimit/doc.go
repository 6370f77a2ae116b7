// Package memlimit keeps kubestride's memory close to what it really uses.
//
// A scan allocates far more than it keeps: every document's parse tree is
// garbage a moment later. Left alone, the Go runtime keeps the freed pages
// mapped and lets the heap grow to twice what is live, so the resident size
// ends up well above the data the scan holds. Start sets a soft memory limit
// (runtime/debug.SetMemoryLimit) that makes the runtime collect and return
// pages sooner, and re-computes it after every collection so that it follows
// the live heap: never below a floor, and always with headroom above what is
// live, so a scan that genuinely needs more memory gets it without the
// collector running continuously. Because the limit bounds the heap, Start
// also raises GOGC (to GCPercent), so that a scan whose live heap is small
// does not collect each time the heap doubles from a few megabytes.
//
// A GOMEMLIMIT set in the environment takes precedence; Start then does
// nothing. A GOGC set in the environment is kept.
package memlimit
