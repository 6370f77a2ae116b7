//go:build !race

package report

// raceDetector is true in a build with the race detector, which adds
// allocations of its own.
const raceDetector = false
