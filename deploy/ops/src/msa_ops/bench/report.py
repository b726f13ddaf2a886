"""The benchmark's figures as rows: a rich table for the terminal, markdown for the docs."""

from __future__ import annotations

from typing import Any

from rich.table import Table

Row = tuple[str, str, str]


def rows(r: dict[str, Any]) -> list[Row]:
    """(figure, absolute, ratio or note) for every measured figure."""
    c, b, rp = r["ceilings"], r["billing"], r["reporting_replay"]
    out: list[Row] = []
    if rp is not None:
        out += [
            (
                "ceiling (a) Kafka produce",
                f"{c['kafka_produce_per_s']:,.0f} rec/s",
                f"{c['kafka_records']:,} records",
            ),
            ("ceiling (a) Kafka consume", f"{c['kafka_consume_per_s']:,.0f} rec/s", "no decoding"),
        ]
    if b is not None:
        out += _billing(c, b)
    if rp is not None:
        out.append(
            (
                f"reporting replay ({rp['records']:,} events)",
                f"{rp['per_s']:,.0f} events/s",
                f"{rp['ratio_to_consume_ceiling']:.1%} of (a) consume",
            )
        )
    if b is not None:
        out += _billing_rss(b)
    if rp is not None:
        out.append(
            (
                "RSS reporting replay",
                f"peak {rp['rss_peak_mib']} MiB",
                f"{rp['rss_at_100k_mib'] or 'n/a'} MiB at 100k → {rp['rss_end_mib']} MiB at end",
            )
        )
    return out


def _billing(c: dict[str, Any], b: dict[str, Any]) -> list[Row]:
    out: list[Row] = [
        (
            "ceiling (b) store bulk write",
            f"{c['store_entries_per_s']:,.0f} entries/s",
            "4 documents per entry; the target's ceiling",
        ),
    ]
    if "store_indexed_entries_per_s" in c:
        out.append((
            "ceiling (b) with billing's indexes",
            f"{c['store_indexed_entries_per_s']:,.0f} entries/s",
            "same documents, indexed collections",
        ))  # fmt: skip
    for key, label in (
        ("batched", "billing, batched"),
        ("per_entry", "billing, 1 txn/entry"),
        ("two_instances", "billing, 2 instances"),
    ):
        t = b[key]
        out.append(
            (
                f"{label} ({t['entries']:,})",
                f"{t['per_s']:,.0f} entries/s",
                f"{t['ratio_to_store_ceiling']:.1%} of (b)"
                + (
                    f", {t['ratio_to_indexed_store_ceiling']:.1%} of (b) indexed"
                    if "ratio_to_indexed_store_ceiling" in t
                    else ""
                ),
            )
        )
    out += [
        ("batching gain", f"x{b['batching_gain']:.2f}", "batched / per entry"),
        ("scaling 2 instances", f"x{b['scaling_two_over_one']:.2f}", "two / one"),
    ]
    lat = b["latency"]
    out.append(
        (
            f"latency at {lat['offered_per_s']:,.0f}/s ({lat['sent']:,})",
            f"p50 {lat['p50_ms']:,.0f} / p95 {lat['p95_ms']:,.0f} / p99 {lat['p99_ms']:,.0f} ms",
            f"max {lat['max_ms']:,.0f} ms",
        )
    )
    return out


def _billing_rss(b: dict[str, Any]) -> list[Row]:
    out: list[Row] = []
    for key, label in (("batched", "billing"), ("two_instances", "billing x2")):
        t = b[key]
        for proc, peak in t["rss_peak_mib"].items():
            early = t["rss_at_10pct_mib"].get(proc, 0)
            out.append(
                (
                    f"RSS {label} {proc}",
                    f"peak {peak} MiB",
                    f"{early} MiB at 10 % → {t['rss_end_mib'].get(proc, 0)} MiB at end",
                )
            )
    return out


def targets(r: dict[str, Any]) -> list[tuple[str, bool]]:
    b, rp = r["billing"], r["reporting_replay"]
    replay: list[tuple[str, bool]] = []
    if rp is not None:
        early, end = rp["rss_at_100k_mib"], rp["rss_end_mib"]
        replay = [
            ("replay ≥ 25 % of consume ceiling", rp["ratio_to_consume_ceiling"] >= 0.25),
            ("replay RSS at end within 10 % of RSS at 100k", bool(early) and end <= early * 1.10),
        ]
    if b is None:
        return replay
    billing = [
        ("billing ≥ 25 % of store ceiling", b["batched"]["ratio_to_store_ceiling"] >= 0.25),
        ("p99 < 100 ms at a quarter of max", b["latency"]["p99_ms"] < 100),
    ]
    return [billing[0], *replay[:1], billing[1], *replay[1:]]


def rich_table(r: dict[str, Any]) -> Table:
    m = r["machine"]
    table = Table(
        "figure",
        "absolute",
        "ratio / note",
        title=f"msa bench {r['run']} — {m['nproc']} cores, {m['ram_gib']} GiB, {m['cpu']}",
    )
    for row in rows(r):
        table.add_row(*row)
    for name, met in targets(r):
        table.add_row(f"target: {name}", "met" if met else "NOT met", "")
    return table


def markdown(r: dict[str, Any]) -> str:
    m = r["machine"]
    lines = [
        f"Run `{r['run']}` at {r['at']} on {m['nproc']} cores, {m['ram_gib']} GiB RAM, "
        f"{m['cpu']} (Python {m['python']}), `uv run msa bench "
        f"--entries {r['config']['entries']} --persons {r['config']['persons']}"
        f"{_options(r['config'])}`:",
        "",
        "| figure | absolute | ratio / note |",
        "| --- | --- | --- |",
    ]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in rows(r)]
    lines += ["", "| target | |", "| --- | --- |"]
    lines += [f"| {name} | {'met' if met else '**not met**'} |" for name, met in targets(r)]
    return "\n".join(lines) + "\n"


def _options(config: dict[str, Any]) -> str:
    only = f" --only {config['only']}" if config.get("only") else ""
    baseline = config.get("baseline_entries")
    return only + (f" --baseline-entries {baseline}" if baseline else "")
