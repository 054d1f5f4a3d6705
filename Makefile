# salesflow — developer commands. `make run` and `make test` are the two the
# README promises work on a fresh machine.

TEMPORAL_CLI_VERSION := v1.5.1
BIN                  := $(CURDIR)/bin
TEMPORAL_CLI         := $(BIN)/temporal-$(TEMPORAL_CLI_VERSION)
# The Temporal server inside the pinned CLI, and its schema tool, for make
# cluster: built from the Go module proxy in the tools module tools/temporal,
# whose go.mod requires the CLI and this server together, so the server gets
# the CLI's dependency versions — the code of the dev server — and reuses the
# packages the CLI's build compiled.
TEMPORAL_SERVER_VERSION := v1.29.1
TEMPORAL_SERVER         := $(BIN)/temporal-server-$(TEMPORAL_SERVER_VERSION)
TEMPORAL_SQL_TOOL       := $(BIN)/temporal-sql-tool-$(TEMPORAL_SERVER_VERSION)
TEST_FLAGS           ?=
FUZZTIME             ?= 15s

export TEMPORAL_CLI TEMPORAL_SERVER TEMPORAL_SQL_TOOL

.PHONY: run test fuzz vet lint-openapi lint-bpmn vendor-web temporal-cli temporal-server cluster cluster-test cluster-drop worker server record-histories clean bench-reports bench-web load load-cluster

## run: Temporal dev server + Web UI, worker and API on :8080 (embedded store unless DATABASE_URL is set)
run: $(TEMPORAL_CLI)
	@go run ./cmd/salesflow

## test: vet, then every test (workflow, read model, replay, integration against a real Temporal dev server and PostgreSQL, the cluster test), then make fuzz
test: $(TEMPORAL_CLI) $(TEMPORAL_SERVER) $(TEMPORAL_SQL_TOOL) vet lint-openapi lint-bpmn
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

# The OMG BPMN 2.0 XML schema (BPMN20.xsd with Semantic, BPMNDI, DC and DI),
# as the bpmn-moddle package pinned in package-lock.json ships it.
BPMN_XSD := node_modules/bpmn-moddle/resources/bpmn/xsd/BPMN20.xsd

## lint-bpmn: write the generated process maps (bin/deal.bpmn, bin/complaint.bpmn), lint them with bpmnlint's recommended rules (.bpmnlintrc; any error or warning fails) and validate them against the BPMN 2.0 XML schema with xmllint
lint-bpmn: node_modules/.package-lock.json
	@mkdir -p $(BIN)
	go run ./cmd/bpmn -out $(BIN)
	npx --no-install bpmnlint --max-warnings=0 $(BIN)/deal.bpmn $(BIN)/complaint.bpmn
	xmllint --noout --schema $(BPMN_XSD) $(BIN)/deal.bpmn $(BIN)/complaint.bpmn

# The bpmn-js viewer vendored for the web app, at the version pinned in
# package-lock.json.
BPMN_JS_VERSION = $(shell node -p 'require("./node_modules/bpmn-js/package.json").version')
BPMN_JS_VENDOR  = web/static/vendor/bpmn-js-$(BPMN_JS_VERSION)

## vendor-web: copy the bpmn-js viewer (script, styles, font, LICENSE) from node_modules into web/static/vendor/bpmn-js-<version>/, committed so go build needs no Node
vendor-web: node_modules/.package-lock.json
	rm -rf web/static/vendor/bpmn-js-*
	mkdir -p $(BPMN_JS_VENDOR)/assets
	cp node_modules/bpmn-js/dist/bpmn-viewer.production.min.js node_modules/bpmn-js/LICENSE $(BPMN_JS_VENDOR)/
	cp -r node_modules/bpmn-js/dist/assets/. $(BPMN_JS_VENDOR)/assets/

# node_modules/.package-lock.json: the npm packages of package-lock.json, installed as locked
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

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

## temporal-server: build the pinned Temporal server and temporal-sql-tool from the Go module proxy into bin/
temporal-server: $(TEMPORAL_SERVER) $(TEMPORAL_SQL_TOOL)

$(TEMPORAL_SERVER):
	@mkdir -p $(BIN)
	cd tools/temporal && go build -o $@ go.temporal.io/server/cmd/server

$(TEMPORAL_SQL_TOOL):
	@mkdir -p $(BIN)
	cd tools/temporal && go build -o $@ go.temporal.io/server/cmd/tools/sql

## cluster: a real Temporal cluster on PostgreSQL (127.0.0.1:5432): creates or migrates its schema, starts frontend, history, matching and worker as separate processes (frontend on 127.0.0.1:7233) and the default namespace; runs until Ctrl-C (settings: README, "A Temporal cluster")
cluster: $(TEMPORAL_CLI) $(TEMPORAL_SERVER) $(TEMPORAL_SQL_TOOL)
	go run ./cmd/temporalcluster up

## cluster-drop: drop the cluster's two databases (stop make cluster first)
cluster-drop: $(TEMPORAL_SQL_TOOL)
	go run ./cmd/temporalcluster drop

## cluster-test: the end-to-end test on a cluster of its own: two workers, two API servers, the history process killed and restarted mid-run
cluster-test: $(TEMPORAL_CLI) $(TEMPORAL_SERVER) $(TEMPORAL_SQL_TOOL)
	go test -count=1 $(TEST_FLAGS) ./internal/clustertest/

## record-histories: re-record the workflow histories in testdata/ that the replay test replays
record-histories: $(TEMPORAL_CLI)
	RECORD_HISTORIES=1 go test -count=1 -run 'TestAPI|TestComplaint|TestSurvey|TestHandover' ./internal/e2e/

# load settings; override on the command line, e.g.
# make load LOAD_FLAGS='-open 2000 -phase 10s', or target a running stack:
# make load LOAD_FLAGS='-api http://127.0.0.1:8080 -db postgres://…'.
LOAD_FLAGS ?=

## load: the load harness (cmd/loadtest): on a stack of its own (the pinned dev server, a fresh PostgreSQL database, the worker and API server built from this tree) or the one LOAD_FLAGS targets, bare Temporal against the API in adjacent phases — create, action, whole deal — then read-model freshness, 10,000 open deals' worker memory and reminder lag; prints ops/s, p50/p99, the API/bare ratios, the goals and the load average (JSON in bin/load.json); about 9 minutes on 2 cores, most of it the 10,000 creations
load: $(TEMPORAL_CLI)
	@mkdir -p $(BIN)
	go run ./cmd/loadtest -json $(BIN)/load.json $(LOAD_FLAGS)

## load-cluster: make load on a real Temporal cluster of its own (frontend, history, matching and worker processes on two new databases of the local PostgreSQL, dropped afterwards) instead of the dev server; JSON in bin/load-cluster.json; about 8 minutes on 2 cores
load-cluster: $(TEMPORAL_CLI) $(TEMPORAL_SERVER) $(TEMPORAL_SQL_TOOL)
	@mkdir -p $(BIN)
	go run ./cmd/loadtest -cluster -json $(BIN)/load-cluster.json $(LOAD_FLAGS)

# bench-reports and bench-web settings; override any on the command line,
# e.g. make bench-reports BENCH_RESEED=1 BENCH_COUNT=10.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/salesflow_bench?sslmode=disable
BENCH_CLIENTS      ?= 200000
BENCH_DEALS        ?= 1000000
BENCH_YEARS        ?= 5
BENCH_SEED         ?= 1
BENCH_TIME         ?= 5x
BENCH_COUNT        ?= 5
BENCH_RESEED       ?=

# bench-seed seeds BENCH_DATABASE_URL when it is empty (or BENCH_RESEED=1)
# and prepares the reports' indexes and classification history.
define bench-seed
	@mkdir -p $(BIN)
	go run ./cmd/seed -create -db '$(BENCH_DATABASE_URL)' -clients $(BENCH_CLIENTS) -deals $(BENCH_DEALS) -years $(BENCH_YEARS) \
	  -seed $(BENCH_SEED) $(if $(filter 1,$(BENCH_RESEED)),-force,-if-empty)
	go run ./cmd/benchreport prepare -db '$(BENCH_DATABASE_URL)'
endef

## bench-reports: seed BENCH_DATABASE_URL (salesflow_bench on 127.0.0.1:5432, created if missing) with 1,000,000 deals of 200,000 clients when it is empty or BENCH_RESEED=1, then benchmark every report and print each median with its ratio to SELECT count(*) FROM deals
bench-reports:
	$(bench-seed)
	@echo "running the report benchmarks (-benchtime $(BENCH_TIME) -count $(BENCH_COUNT)); raw output in $(BIN)/bench-reports.json"
	BENCH_DATABASE_URL='$(BENCH_DATABASE_URL)' go test -run '^$$' -bench . -benchtime $(BENCH_TIME) -count $(BENCH_COUNT) -json \
	  ./internal/reports/ ./internal/classify/ > $(BIN)/bench-reports.json; \
	  status=$$?; go run ./cmd/benchreport table $(BIN)/bench-reports.json || status=1; exit $$status

## bench-web: on the same seeded database as bench-reports (seeded when empty), the server time of the board, the deal list, the client search and the dashboard (pages and API, admin and a manager's team) through the real API + web handler; median per page (goal: under 300 ms), its ratio to SELECT count(*) FROM deals and the load average
bench-web:
	$(bench-seed)
	@echo "running the page benchmarks (-benchtime $(BENCH_TIME) -count $(BENCH_COUNT)); raw output in $(BIN)/bench-web.json"
	BENCH_DATABASE_URL='$(BENCH_DATABASE_URL)' go test -run '^$$' -bench . -benchtime $(BENCH_TIME) -count $(BENCH_COUNT) -json \
	  ./internal/app/ > $(BIN)/bench-web.json; \
	  status=$$?; go run ./cmd/benchreport table -max-ratio 0 $(BIN)/bench-web.json || status=1; exit $$status

clean:
	rm -rf $(BIN) data
