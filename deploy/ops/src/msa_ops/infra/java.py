"""The Java runtime and the Kafka jars fetched by Maven (deploy/kafka/pom.xml)."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

from msa_ops.infra.errors import InfraError, missing_java, missing_maven, old_java

Reporter = Callable[[str], None]
_MARKER = ".msa-complete"
_REQUIRED = ("kafka_2.13-", "kafka-tools-", "log4j-core-", "log4j-slf4j2-impl-", "slf4j-api-2")


def find_java() -> str:
    """Return the java executable ($JAVA_HOME/bin/java first, then PATH) or raise."""
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "java").is_file():
        return str(Path(java_home) / "bin" / "java")
    found = shutil.which("java")
    if found is None:
        raise missing_java()
    return found


def java_major(version_output: str) -> int:
    """Parse the major version from `java -version` output ('1.8.0_x' is 8, '17.0.2' is 17)."""
    match = re.search(r'version "(\d+)(?:\.(\d+))?', version_output)
    if match is None:
        raise InfraError(f"cannot read the Java version from: {version_output.strip()[:200]}")
    major = int(match.group(1))
    return int(match.group(2) or 0) if major == 1 else major


def require_java(minimum: int = 17) -> str:
    """Return a java executable of at least the given major version, or raise naming the fix."""
    java = find_java()
    done = subprocess.run([java, "-version"], capture_output=True, text=True, check=False)
    output = done.stderr + done.stdout
    if java_major(output) < minimum:
        first = output.strip().splitlines()[0] if output.strip() else "?"
        raise old_java(first)
    return java


def _pom_digest(kafka_dir: Path) -> str:
    return hashlib.sha256((kafka_dir / "pom.xml").read_bytes()).hexdigest()


def jars_complete(kafka_dir: Path) -> bool:
    """True when target/lib was filled by Maven from the current pom.xml."""
    lib = kafka_dir / "target" / "lib"
    marker = lib / _MARKER
    if not marker.is_file() or marker.read_text().strip() != _pom_digest(kafka_dir):
        return False
    names = [p.name for p in lib.glob("*.jar")]
    return all(any(n.startswith(prefix) for n in names) for prefix in _REQUIRED)


def ensure_kafka_jars(kafka_dir: Path, report: Reporter) -> Path:
    """Return deploy/kafka/target/lib, running Maven first when it is missing or stale."""
    lib = kafka_dir / "target" / "lib"
    if jars_complete(kafka_dir):
        return lib
    mvn = shutil.which("mvn")
    if mvn is None:
        raise missing_maven()
    report("fetching Kafka jars with Maven...")
    shutil.rmtree(lib, ignore_errors=True)  # no stale versions on the classpath
    argv = [mvn, "-q", "-B", "-f", str(kafka_dir / "pom.xml"), "dependency:copy-dependencies"]
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-30:])
        raise InfraError(f"Maven could not fetch the Kafka jars ({' '.join(argv)}):\n{tail}")
    (lib / _MARKER).write_text(_pom_digest(kafka_dir) + "\n")
    if not jars_complete(kafka_dir):
        raise InfraError(f"Maven ran but {lib} still lacks some of {', '.join(_REQUIRED)}")
    report(f"Kafka jars ready in {lib} ({len(list(lib.glob('*.jar')))} jars)")
    return lib
