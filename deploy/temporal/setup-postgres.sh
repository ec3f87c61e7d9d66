#!/bin/sh
# One-shot, run by docker-compose.yml's temporal-schema service (temporalio/admin-tools) before the Temporal server
# starts: creates the `temporal` and `temporal_visibility` databases on the shared Postgres and migrates both to the
# schema this admin-tools image ships, as Temporal's own compose layout does (temporalio/samples-server, compose/).
# Safe to run again: `create` skips a database that exists, `setup-schema -v 0.0` leaves a newer version alone,
# and `update-schema` applies only the versions a database lacks (so a newer image upgrades the schema).
set -eu
: "${POSTGRES_SEEDS:?the Postgres host}" "${POSTGRES_USER:?the Postgres user}" "${SQL_PASSWORD:?its password}"
SCHEMA=/etc/temporal/schema/postgresql/v12

# setup <database> <schema directory under $SCHEMA>
setup() {
  echo "temporal-schema: $1"
  for step in create 'setup-schema -v 0.0' "update-schema -d $SCHEMA/$2/versioned"; do
    # $step is split into its words on purpose.
    # shellcheck disable=SC2086
    temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "${DB_PORT:-5432}" -u "$POSTGRES_USER" --db "$1" $step
  done
}
setup temporal temporal
setup temporal_visibility visibility
echo 'temporal-schema: both databases are at the schema of this image'
