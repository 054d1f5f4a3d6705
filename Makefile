# salesflow — developer commands. `make run` and `make test` are the two the
# README promises work on a fresh machine.

TEMPORAL_CLI_VERSION := v1.5.1
BIN                  := $(CURDIR)/bin
TEMPORAL_CLI         := $(BIN)/temporal-$(TEMPORAL_CLI_VERSION)
TEST_FLAGS           ?=

export TEMPORAL_CLI

.PHONY: run test vet temporal-cli worker server record-histories clean

## run: Temporal dev server + Web UI, worker and API on :8080 (embedded store unless DATABASE_URL is set)
run: $(TEMPORAL_CLI)
	go run ./cmd/salesflow

## test: vet, then every test (workflow, read model, replay, integration against a real Temporal dev server and PostgreSQL)
test: $(TEMPORAL_CLI) vet
	go test -count=1 $(TEST_FLAGS) ./...

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
	RECORD_HISTORIES=1 go test -count=1 -run 'TestAPI|TestComplaint|TestSurvey' ./internal/e2e/

clean:
	rm -rf $(BIN) data
