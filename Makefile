# kubestride — the targets README.md documents.
GO ?= go

.PHONY: build test golden fuzz bench vet

build:
	$(GO) build -o bin/kubestride ./cmd/kubestride

# The whole test suite; .ci/run calls this. The end-to-end tests need a real
# kube-apiserver, etcd and kubectl: hack/cluster-bins.sh builds them once (about 15
# CPU-minutes) and caches them outside the clone. The image signature tests
# need the real cosign CLI: hack/cosign.sh builds it once (about 8
# minutes on 2 cores), in the background of the control plane's build; both are
# finished before the tests start. The HTML report is loaded in a headless
# Chromium, which hack/chromium.sh installs (Debian's package) when none is
# there. hack/check-sizes.sh first fails on tracked files over 1 MiB outside
# testdata/ directories.
test:
	bash hack/check-sizes.sh
	$(GO) vet ./...
	cosign_out="$$(mktemp)"; \
	bash hack/cosign.sh >"$$cosign_out" & cosign_pid=$$!; \
	bins="$$(bash hack/cluster-bins.sh | tail -n 1)"; \
	wait $$cosign_pid; cosign="$$(tail -n 1 "$$cosign_out")"; rm -f "$$cosign_out"; \
	KUBESTRIDE_CHROMIUM="$$(bash hack/chromium.sh | tail -n 1)" \
	KUBESTRIDE_CLUSTER_BINS="$$bins" \
	KUBESTRIDE_COSIGN="$${cosign:+$$cosign/cosign}" $(GO) test ./...

# Rewrite golden files and docs/checks.md after an intended output change.
golden:
	$(GO) test ./internal/checks ./internal/report ./internal/cli ./internal/rbac -update

# Fuzz the loader for a while each: against kubectl's reader (FuzzKubectl),
# for crashes and memory and time bounds (FuzzDecode), the fast path against
# the slow one (FuzzFastPath); then the field-path parser.
fuzz:
	$(GO) test ./internal/source -run '^$$' -fuzz '^FuzzKubectl$$' -fuzztime 120s
	$(GO) test ./internal/source -run '^$$' -fuzz '^FuzzDecode$$' -fuzztime 60s
	$(GO) test ./internal/source -run '^$$' -fuzz '^FuzzFastPath$$' -fuzztime 60s
	$(GO) test ./internal/fieldpath -run '^$$' -fuzz FuzzParse -fuzztime 20s
	$(GO) test ./internal/inventory -run '^$$' -fuzz '^FuzzRegistryCredentials$$' -fuzztime 30s

# Benchmarks, run on purpose (hack/bench.py times the CLI against the floor,
# on corpora hack/gencorpus makes once under bench/out/).
bench:
	$(GO) test ./internal/scan -run '^$$' -bench . -benchmem
	python3 hack/bench.py
