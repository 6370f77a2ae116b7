package check

import (
	"fmt"
	"sort"
	"sync"
)

// Registry holds a catalogue of checks, keyed by ID.
type Registry struct {
	mu     sync.RWMutex
	checks map[ID]Check
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{checks: map[ID]Check{}} }

// Add validates c's metadata and adds it. It fails on incomplete metadata or
// a duplicate ID.
func (r *Registry) Add(c Check) error {
	m := c.Meta()
	if err := m.Validate(); err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.checks[m.ID]; dup {
		return fmt.Errorf("duplicate check id %q", m.ID)
	}
	r.checks[m.ID] = c
	return nil
}

// All returns the checks sorted by ID, as a new slice on each call.
func (r *Registry) All() []Check {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]Check, 0, len(r.checks))
	for _, c := range r.checks {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Meta().ID < out[j].Meta().ID })
	return out
}

// Get returns the check with the given ID.
func (r *Registry) Get(id ID) (Check, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	c, ok := r.checks[id]
	return c, ok
}

var defaultRegistry = NewRegistry()

// Register adds c to the default registry. It is meant for init functions
// and panics on an invalid or duplicate check, so a broken catalogue never
// starts.
func Register(c Check) {
	if err := defaultRegistry.Add(c); err != nil {
		panic(fmt.Sprintf("register check: %v", err))
	}
}

// Default returns the default registry, which holds the built-in checks once
// package checks is imported.
func Default() *Registry { return defaultRegistry }
