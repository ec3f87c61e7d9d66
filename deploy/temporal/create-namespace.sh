#!/bin/sh
# One-shot, run by docker-compose.yml's temporal-namespace service once the server answers: registers the namespace
# the bot uses (the server image, unlike the deprecated auto-setup, creates none). The worker adds the bots' search
# attributes to it at start (src/temporal/searchAttributes.ts).
set -eu
: "${TEMPORAL_ADDRESS:?host:port of the Temporal server}" "${TEMPORAL_NAMESPACE:?the namespace to create}"
tries=0
until temporal operator cluster health --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1; do
  tries=$((tries + 1))
  [ "$tries" -lt 60 ] || { echo "temporal-namespace: no healthy server at $TEMPORAL_ADDRESS after 60 tries" >&2; exit 1; }
  sleep 2
done
if temporal operator namespace describe --address "$TEMPORAL_ADDRESS" -n "$TEMPORAL_NAMESPACE" >/dev/null 2>&1; then
  echo "temporal-namespace: $TEMPORAL_NAMESPACE exists"
else
  temporal operator namespace create --address "$TEMPORAL_ADDRESS" -n "$TEMPORAL_NAMESPACE"
  echo "temporal-namespace: created $TEMPORAL_NAMESPACE"
fi
