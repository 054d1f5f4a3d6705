# salesflow — developer commands. `make run` and `make test` are the two the
# README promises work on a fresh machine.

TEMPORAL_CLI_VERSION := v1.5.1
BIN                  := $(CURDIR)/bin
TEMPORAL_CLI         := $(BIN)/temporal-$(TEMPORAL_CLI_VERSION)
TEST_FLAGS           ?=
FUZZTIME             ?= 15s

export TEMPORAL_CLI

.PHONY: run test fuzz vet temporal-cli worker server record-histories clean

## run: Temporal dev server + Web UI, worker and API on :8080 (embedded store unless DATABASE_URL is set)
run: $(TEMPORAL_CLI)
	go run ./cmd/salesflow

## test: vet, then every test (workflow, read model, replay, integration against a real Temporal dev server and PostgreSQL), then make fuzz
test: $(TEMPORAL_CLI) vet
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

clean:
	rm -rf $(BIN) data
