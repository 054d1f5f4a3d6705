# salesflow — developer commands. `make run` and `make test` are the two the
# README promises work on a fresh machine.

TEMPORAL_CLI_VERSION := v1.5.1
BIN                  := $(CURDIR)/bin
TEMPORAL_CLI         := $(BIN)/temporal-$(TEMPORAL_CLI_VERSION)
TEST_FLAGS           ?=
FUZZTIME             ?= 15s

export TEMPORAL_CLI

.PHONY: run test fuzz vet lint-openapi vendor-axe temporal-cli worker server record-histories clean bench-reports

## run: Temporal dev server + Web UI, worker and API on :8080 (embedded store unless DATABASE_URL is set)
run: $(TEMPORAL_CLI)
	@go run ./cmd/salesflow

## test: vet, then every test (workflow, read model, replay, integration against a real Temporal dev server and PostgreSQL), then make fuzz
test: $(TEMPORAL_CLI) vet lint-openapi
	go test -count=1 $(TEST_FLAGS) ./...
	$(MAKE) fuzz

# fuzz-target fuzzes one target: $(call fuzz-target,Name,./package/). Each
# new input is minimized for at most 2s: the default 60s stalls a short run.
fuzz-target = go test -run '^$$' -fuzz '^$(1)$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 2s $(2)

## fuzz: each fuzz target for FUZZTIME (default 15s) in turn, stopping at the first failure; new crashers land in testdata/fuzz
fuzz:
	$(call fuzz-target,FuzzDealActionBody,./internal/api/)
	$(call fuzz-target,FuzzComplaintActionBody,./internal/api/)
	$(call fuzz-target,FuzzDealValidators,./workflows/)
	$(call fuzz-target,FuzzComplaintValidators,./workflows/)
	$(call fuzz-target,FuzzParseJSON,./internal/calendar/)
	$(call fuzz-target,FuzzParseICS,./internal/calendar/)

vet:
	go vet ./...

## lint-openapi: lint the OpenAPI document exactly as the API serves it (bin/openapi.json) with the Redocly CLI pinned in package-lock.json; any error fails
lint-openapi: node_modules/.package-lock.json
	@mkdir -p $(BIN)
	go run ./cmd/openapi > $(BIN)/openapi.json
	REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true npx --no-install redocly lint $(BIN)/openapi.json

# node_modules/.package-lock.json: the npm packages of package-lock.json, installed as locked
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

# AXE_CORE_VERSION is the axe-core the browser tests check accessibility with,
# vendored (axe.min.js and its LICENSE) under internal/e2e/testdata/.
AXE_CORE_VERSION := 4.14.1

## vendor-axe: fetch axe-core AXE_CORE_VERSION from the npm registry into internal/e2e/testdata/axe-core-<version>/
vendor-axe:
	rm -rf $(BIN)/axe && mkdir -p $(BIN)/axe internal/e2e/testdata/axe-core-$(AXE_CORE_VERSION)
	cd $(BIN)/axe && npm pack axe-core@$(AXE_CORE_VERSION) && tar xzf axe-core-$(AXE_CORE_VERSION).tgz
	cp $(BIN)/axe/package/axe.min.js $(BIN)/axe/package/LICENSE internal/e2e/testdata/axe-core-$(AXE_CORE_VERSION)/

## temporal-cli: build the pinned Temporal CLI from the Go module proxy into bin/
temporal-cli: $(TEMPORAL_CLI)

$(TEMPORAL_CLI):
	@mkdir -p $(BIN)
	GOBIN=$(BIN) go install github.com/temporalio/cli/cmd/temporal@$(TEMPORAL_CLI_VERSION)
	mv $(BIN)/temporal $@

## worker / server: the production processes, against TEMPORAL_ADDRESS and DATABASE_URL
worker:
	go run ./worker

server:
	go run ./server

## record-histories: re-record the workflow histories in testdata/ that the replay test replays
record-histories: $(TEMPORAL_CLI)
	RECORD_HISTORIES=1 go test -count=1 -run 'TestAPI|TestComplaint|TestSurvey|TestHandover' ./internal/e2e/

# bench-reports settings; override any on the command line, e.g.
# make bench-reports BENCH_RESEED=1 BENCH_COUNT=10.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/salesflow_bench?sslmode=disable
BENCH_CLIENTS      ?= 200000
BENCH_DEALS        ?= 1000000
BENCH_YEARS        ?= 5
BENCH_SEED         ?= 1
BENCH_TIME         ?= 5x
BENCH_COUNT        ?= 5
BENCH_RESEED       ?=

## bench-reports: seed BENCH_DATABASE_URL (salesflow_bench on 127.0.0.1:5432, created if missing) with 1,000,000 deals of 200,000 clients when it is empty or BENCH_RESEED=1, then benchmark every report and print each median with its ratio to SELECT count(*) FROM deals
bench-reports:
	@mkdir -p $(BIN)
	go run ./cmd/seed -create -db '$(BENCH_DATABASE_URL)' -clients $(BENCH_CLIENTS) -deals $(BENCH_DEALS) -years $(BENCH_YEARS) \
	  -seed $(BENCH_SEED) $(if $(filter 1,$(BENCH_RESEED)),-force,-if-empty)
	go run ./cmd/benchreport prepare -db '$(BENCH_DATABASE_URL)'
	@echo "running the report benchmarks (-benchtime $(BENCH_TIME) -count $(BENCH_COUNT)); raw output in $(BIN)/bench-reports.json"
	BENCH_DATABASE_URL='$(BENCH_DATABASE_URL)' go test -run '^$$' -bench . -benchtime $(BENCH_TIME) -count $(BENCH_COUNT) -json \
	  ./internal/reports/ ./internal/classify/ > $(BIN)/bench-reports.json; \
	  status=$$?; go run ./cmd/benchreport table $(BIN)/bench-reports.json || status=1; exit $$status

clean:
	rm -rf $(BIN) data
