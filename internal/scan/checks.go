package scan

import (
	"context"
	"fmt"
	"runtime"
	"sync"

	"github.com/kubestride/kubestride/internal/check"
	"github.com/kubestride/kubestride/internal/config"
	"github.com/kubestride/kubestride/internal/inventory"
)

// selectChecks returns the checks a scan runs: every registered check the
// configuration does not disable (optional ones only when enabled) but the
// audit-log ones, which judge events, or, when only is not empty, just
// those.
func selectChecks(reg *check.Registry, cfg *config.Config, only []check.ID) []check.Check {
	var out []check.Check
	wanted := map[check.ID]bool{}
	for _, id := range only {
		wanted[id] = true
	}
	for _, c := range reg.All() {
		m := c.Meta()
		cc := cfg.Checks[m.ID]
		switch {
		case len(only) > 0:
			if !wanted[m.ID] {
				continue
			}
		case cc.Disabled:
			continue
		case m.Optional && !cc.Enabled:
			continue
		case m.Topic == check.TopicAuditLog:
			// Audit-log checks judge events, never objects: they run
			// when named (kubestride auditlog report names them).
			continue
		}
		out = append(out, c)
	}
	return out
}

// notEvaluated maps the checks of rules on topic to why: they had no input.
func notEvaluated(rules []check.Meta, topic check.Topic, why string) map[check.ID]string {
	var out map[check.ID]string
	for _, m := range rules {
		if m.Topic == topic {
			if out == nil {
				out = map[check.ID]string{}
			}
			out[m.ID] = why
		}
	}
	return out
}

type result struct {
	findings []check.Finding
	err      string
}

// runChecks runs the checks on as many goroutines as there are CPUs. The
// results keep the checks' order, so the report does not depend on timing.
func runChecks(ctx context.Context, checks []check.Check, inv *inventory.Inventory, opts check.Options) []result {
	results := make([]result, len(checks))
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i] = runOne(ctx, checks[i], inv, opts)
			}
		}()
	}
	for i := range checks {
		next <- i
	}
	close(next)
	wg.Wait()
	return results
}

// runOne runs a check, turning a panic or a cancelled context into an error
// so that nothing unevaluated passes silently.
func runOne(ctx context.Context, c check.Check, inv *inventory.Inventory, opts check.Options) (res result) {
	if err := ctx.Err(); err != nil {
		return result{err: err.Error()}
	}
	defer func() {
		if p := recover(); p != nil {
			res = result{err: fmt.Sprintf("internal error: %v", p)}
		}
	}()
	fs := c.Run(ctx, inv, opts)
	if err := ctx.Err(); err != nil {
		return result{err: err.Error()}
	}
	return result{findings: fs}
}
