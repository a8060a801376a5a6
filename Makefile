# Keel — build, test and verify every module of the repository.
#
#   make build    binaries of cmd/* into _output/bin/
#   make test     verify + unit and integration tests of every module + short fuzzing + e2e
#   make verify   gofmt, go vet, generated files up to date
#   make bench    benchmarks
#   make generate regenerate deep copies and the OpenAPI documents
#   make images   the local OCI images into _output/images
#   make up       a local cluster (DETACH=1: in the background; make down stops it)

SHELL := /bin/bash
GO ?= go
OUT := _output
BIN := $(OUT)/bin

STAGING := staging/src/keel.dev
# Every Go module of the repository; each is built and tested on its own.
MODULES := . $(STAGING)/apimachinery $(STAGING)/api $(STAGING)/client $(STAGING)/cloud-provider
# Test-only modules (they may import Kubernetes' own libraries to check compatibility).
TEST_MODULES := $(wildcard test/compat examples/cloud-provider-sample)
CMDS := $(notdir $(patsubst %/main.go,%,$(wildcard cmd/*/main.go)))
# Packages holding API types whose deep copies are generated.
DEEPCOPY_DIRS = $(sort $(dir $(shell grep -l --include='*.go' -r 'TypeMeta' $(STAGING)/api $(STAGING)/apimachinery/pkg/apis 2>/dev/null | grep -v _test.go)))

# The cluster bench-podstartup measures (default: the `make up` cluster).
PODSTARTUP_KUBECONFIG ?= $(OUT)/local/kubeconfig
FUZZTIME ?= 5s
# Fuzz targets run briefly by `make test`: package:target.

.PHONY: all build test test-images unit e2e fuzz verify vet fmt generate bench up down images clean

all: build

build:
	@mkdir -p $(BIN)
	@for c in $(CMDS); do echo "go build ./cmd/$$c"; $(GO) build -o $(BIN)/$$c ./cmd/$$c || exit 1; done

test: verify test-images unit fuzz e2e

# The containerd end-to-end tests import the local images; without them
# (no apt to fetch busybox-static) those tests skip and say so.
test-images:
	@./hack/images.sh >/dev/null || echo "make test: local images not built; containerd e2e tests will skip"

# Unit and integration tests; test/e2e runs on its own afterwards (it starts
# a whole cluster, which must not race other packages' containerd tests).
unit:
	@set -e; for m in $(MODULES) $(TEST_MODULES); do \
		echo "== go test $$m"; \
		(cd $$m && $(GO) test -count=1 $$($(GO) list ./... | grep -v '^keel.dev/keel/test/e2e$$')); \
	done

# End-to-end tests: a cluster started by hack/local-up.sh, driven by the real
# kubectl and by ctl (as root; they skip, saying why, otherwise).
e2e:
	$(GO) test -count=1 -timeout 25m ./test/e2e/

fuzz:
	@./hack/fuzz.sh $(FUZZTIME)

verify: fmt vet
	@./hack/verify-generated.sh

fmt:
	@out=$$(gofmt -l $$(git ls-files -co --exclude-standard '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	@set -e; for m in $(MODULES) $(TEST_MODULES); do \
		echo "== go vet $$m"; (cd $$m && $(GO) vet ./...); \
	done

generate:
	$(GO) run ./hack/tools/deepcopy-gen $(DEEPCOPY_DIRS)
	$(GO) run ./hack/tools/openapi-gen

bench: bench-apiserver bench-scheduler bench-podstartup
	@set -e; for m in $(MODULES) $(TEST_MODULES); do \
		echo "== go test -bench $$m"; (cd $$m && $(GO) test -run '^$$' -bench . -benchmem ./...); \
	done

# The apiserver load program (hack/bench/apiserver): runs the built binary
# with an embedded etcd and prints pods/s, LIST and watch latencies and RSS.
.PHONY: bench-apiserver
bench-apiserver: build
	$(GO) run ./hack/bench/apiserver -apiserver $(BIN)/apiserver

# The scheduler load program (hack/bench/scheduler): runs the built apiserver
# and scheduler as separate processes with fake Nodes and prints pods/s,
# p50/p99 creation-to-binding and the scheduler's RSS per scenario.
.PHONY: bench-scheduler
bench-scheduler: build
	$(GO) run ./hack/bench/scheduler -apiserver $(BIN)/apiserver -scheduler $(BIN)/scheduler

# The pod startup latency program (hack/bench/podstartup): 30 busybox pods
# created at once on the running cluster (_output/local/kubeconfig; without
# one it starts a temporary cluster with hack/local-up.sh, as root, when the
# ports are free) and prints p50/p90/p99/max creation to Running+Ready.
.PHONY: bench-podstartup
bench-podstartup:
	$(GO) run ./hack/bench/podstartup -kubeconfig $(PODSTARTUP_KUBECONFIG)

# The local OCI images (keel.local/pause:3, keel.local/busybox:1.35) as
# tarballs in _output/images, for `ctr -n k8s.io images import`.
images:
	@./hack/images.sh

# A one-node local cluster (hack/local-up.sh): foreground until Ctrl-C, or
# `make up DETACH=1` to return once the node is Ready; `make down` stops it.
up:
	@DETACH="$(DETACH)" ./hack/local-up.sh

down:
	@./hack/local-down.sh

clean:
	rm -rf $(OUT)
