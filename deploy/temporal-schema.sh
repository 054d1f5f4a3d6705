#!/bin/sh
# Creates and migrates the Temporal cluster's two PostgreSQL databases, as
# `make cluster` does (internal/temporalcluster/schema.go), from the same
# environment variables as the configuration template
# deploy/temporal/config/salesflow.yaml. docker-compose.yml runs it once in
# the temporalio/admin-tools image before the Temporal services start. Safe
# to re-run: create-database and setup-schema leave an existing database as
# it is, update-schema applies only the versions it lacks. The schemas are
# the ones temporal-sql-tool embeds (postgresql/v12 of its server version).
set -eu
export SQL_PASSWORD="${TEMPORAL_DB_PASSWORD:-}"
# sql DB ARGS… runs temporal-sql-tool on the database DB.
sql() {
  db=$1
  shift
  temporal-sql-tool --plugin postgres12 --ep "${TEMPORAL_DB_HOST:-127.0.0.1}" -p "${TEMPORAL_DB_PORT:-5432}" \
    -u "${TEMPORAL_DB_USER:-postgres}" --db "$db" "$@"
}
for pair in "${TEMPORAL_DB_NAME:-temporal}:temporal" "${TEMPORAL_VISIBILITY_DB_NAME:-temporal_visibility}:visibility"; do
  name=${pair%%:*}
  sql "$name" create-database
  sql "$name" setup-schema -v 0.0
  sql "$name" update-schema --schema-name "postgresql/v12/${pair#*:}"
done
