"""The Compose stack's one-shot topic creation script, run inside the apache/kafka image."""

from __future__ import annotations

import shlex

from msa_contracts.topics import Catalogue, Topic

from msa_ops.deploy.layout import HEADER

PARALLEL = 6  # kafka-topics.sh starts a JVM per call: a few at a time, not 26 at once

PREAMBLE = f"""#!/usr/bin/env bash
# {HEADER}
# Creates every catalogue topic with its partitions and config (idempotent: existing topics
# are left alone). Runs in the apache/kafka image as the Compose service `kafka-topics`.
set -euo pipefail

bootstrap="${{BOOTSTRAP_SERVERS:-kafka:9092}}"
replication="${{REPLICATION_FACTOR:-1}}"
kafka_topics="${{KAFKA_TOPICS_SH:-/opt/kafka/bin/kafka-topics.sh}}"
export KAFKA_HEAP_OPTS="${{KAFKA_HEAP_OPTS:--Xms32m -Xmx128m}}"
parallel={PARALLEL}
status=0
pids=()

create() {{
  local topic=$1 partitions=$2
  shift 2
  "$kafka_topics" --bootstrap-server "$bootstrap" --create --if-not-exists \\
    --topic "$topic" --partitions "$partitions" --replication-factor "$replication" "$@"
  echo "topic ready: $topic"
}}

drain() {{
  local pid
  for pid in "${{pids[@]}}"; do
    wait "$pid" || status=1
  done
  pids=()
}}

topic() {{
  create "$@" &
  pids+=("$!")
  if ((${{#pids[@]}} >= parallel)); then drain; fi
}}

"""

EPILOGUE = """drain
if ((status != 0)); then
  echo "some topics could not be created" >&2
fi
exit "$status"
"""


def topic_line(topic: Topic) -> str:
    settings = sorted(topic.config.items())
    configs = " ".join(f"--config {shlex.quote(f'{k}={v}')}" for k, v in settings)
    return f"topic {shlex.quote(topic.name)} {topic.partitions} {configs}".rstrip() + "\n"


def create_topics_script(cat: Catalogue) -> str:
    return PREAMBLE + "".join(topic_line(t) for t in cat.all_topics()) + EPILOGUE
