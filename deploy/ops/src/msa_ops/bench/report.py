"""The benchmark's figures as rows: a rich table for the terminal, markdown for the docs."""

from __future__ import annotations

from typing import Any

from rich.table import Table

Row = tuple[str, str, str, str]  # figure, absolute, ratio or note, load average
FULL_BILLING = 100_000  # entries the billing target is judged over
FULL_LATENCY = 3_000  # entries the latency target is judged over
FULL_YEAR = 20_000  # persons of the full simulated year


def _load(figures: dict[str, Any]) -> str:
    load = figures.get("load_average")
    if isinstance(load, list) and load:
        return " → ".join(f"{x:.2f}" for x in load)
    return f"{load:.2f}" if isinstance(load, float | int) else ""


def rows(r: dict[str, Any]) -> list[Row]:
    """(figure, absolute, ratio or note, load) for every measured figure."""
    c, b, rp = r["ceilings"], r["billing"], r["reporting_replay"]
    out: list[Row] = []
    if rp is not None:
        out += [
            ("ceiling (a) Kafka produce", f"{c['kafka_produce_per_s']:,.0f} rec/s",
             f"{c['kafka_records']:,} records", ""),
            ("ceiling (a) Kafka consume", f"{c['kafka_consume_per_s']:,.0f} rec/s",
             "no decoding", ""),
            (f"reporting replay ({rp['records']:,} events)", f"{rp['per_s']:,.0f} events/s",
             f"{rp['ratio_to_consume_ceiling']:.1%} of (a) consume", _load(rp)),
            ("RSS reporting replay", f"peak {rp['rss_peak_mib']} MiB with its second process",
             f"{rp['rss_at_100k_mib'] or 'n/a'} MiB at 100k → {rp['rss_end_mib']} MiB at end",
             ""),
        ]  # fmt: skip
    if b is not None:
        out += _billing(c, b) + _billing_rss(b)
    return out


def _billing(c: dict[str, Any], b: dict[str, Any]) -> list[Row]:
    out: list[Row] = [
        ("ceiling (b) store bulk write", f"{c['store_entries_per_s']:,.0f} entries/s",
         "4 documents per entry; the target's ceiling", _load(c | {
             "load_average": c.get("store_load_average")})),
        ("ceiling (b) with billing's indexes", f"{c['store_indexed_entries_per_s']:,.0f} "
         "entries/s", "same documents, indexed collections", ""),
    ]  # fmt: skip
    for key, label in SCENARIOS:
        t = b.get(key)
        if t is None:
            continue
        out.append((
            f"{label} ({t['entries']:,})", f"{t['per_s']:,.0f} entries/s",
            f"{t['ratio_to_store_ceiling']:.1%} of (b), "
            f"{t['ratio_to_indexed_store_ceiling']:.1%} of (b) indexed", _load(t),
        ))  # fmt: skip
    ceiling_cpu, billing_cpu = (
        c.get("store_cpu_s_per_1000"),
        b["batched"].get("cpu_s_per_1000", {}).get("store"),
    )
    if ceiling_cpu and billing_cpu:
        out.append((
            "store CPU per 1,000 entries", f"{ceiling_cpu:.2f} s at (b), {billing_cpu:.2f} s "
            "billing batched", f"(b) / billing = {ceiling_cpu / billing_cpu:.1%}: the ratio the "
            "store's CPU allows", "",
        ))  # fmt: skip
    out += [
        ("batching gain", f"x{b['batching_gain']:.2f}", "batched / per entry", ""),
        ("scaling 2 instances", f"x{b['scaling_two_over_one']:.2f}",
         "two / one, same entries", ""),
    ]  # fmt: skip
    lat = b["latency"]
    out.append((
        f"latency at {lat['offered_per_s']:,.0f}/s ({lat['sent']:,})",
        f"p50 {lat['p50_ms']:,.0f} / p95 {lat['p95_ms']:,.0f} / p99 {lat['p99_ms']:,.0f} ms",
        f"max {lat['max_ms']:,.0f} ms", _load(lat),
    ))  # fmt: skip
    return out


SCENARIOS = (
    ("batched", "billing, batched"),
    ("per_entry", "billing, 1 txn/entry"),
    ("one_instance_baseline", "billing, 1 instance"),
    ("two_instances", "billing, 2 instances"),
)


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
                    "",
                )
            )
    return out


def cost_rows(r: dict[str, Any]) -> list[tuple[str, ...]]:
    """Per billing scenario: document writes and write commands per accepted entry, and
    CPU seconds per 1,000 entries of every process."""
    b = r["billing"]
    if b is None:
        return []
    out: list[tuple[str, ...]] = []
    for key, label in SCENARIOS:
        t = b.get(key)
        if t is None or "writes_per_entry" not in t:
            continue
        by = ", ".join(f"{k} {v:.2f}" for k, v in t["writes_per_entry_by_collection"].items())
        cpu = ", ".join(f"{k} {v:.2f}" for k, v in t["cpu_s_per_1000"].items())
        out.append((label, f"{t['writes_per_entry']:.2f} ({by})",
                    f"{t['write_commands_per_entry']:.3f}", cpu))  # fmt: skip
    return out


def growth_rows(r: dict[str, Any]) -> list[tuple[str, ...]]:
    rp = r["reporting_replay"]
    if rp is None:
        return []
    return [
        (f"{g['records']:,}", f"{g['seconds']:.1f}", f"{g['rss_mib']}",
         f"{g['seconds'] / max(g['records'], 1) * 1e6:.1f}")
        for g in rp.get("growth", [])
    ]  # fmt: skip


def targets(r: dict[str, Any]) -> list[tuple[str, bool, str]]:
    """(target, met, what decided it), in the order of the issue; a run too small for a
    target's size reports it as not met and says so."""
    b, rp = r["billing"], r["reporting_replay"]
    out: list[tuple[str, bool, str]] = []
    if b is not None:
        t, lat = b["batched"], b["latency"]
        big = t["entries"] >= FULL_BILLING
        out.append(("billing batched ≥ 30 % of (b) over ≥ 100,000 entries",
                    big and t["ratio_to_store_ceiling"] >= 0.30,
                    f"{t['ratio_to_store_ceiling']:.1%} over {t['entries']:,}"))  # fmt: skip
        out.append(("p99 < 100 ms at a quarter of max over ≥ 3,000 entries",
                    lat["sent"] >= FULL_LATENCY and lat["p99_ms"] < 100,
                    f"{lat['p99_ms']:,.0f} ms over {lat['sent']:,}"))  # fmt: skip
        out.append(("two instances ≥ 1.0× one", b["scaling_two_over_one"] >= 1.0,
                    f"x{b['scaling_two_over_one']:.2f}"))  # fmt: skip
    if rp is not None:
        full = r["config"]["persons"] >= FULL_YEAR
        early, end = rp["rss_at_100k_mib"], rp["rss_end_mib"]
        out.append(
            (
                "replay ≥ 25 % of consume ceiling on the full year",
                full and rp["ratio_to_consume_ceiling"] >= 0.25,
                f"{rp['ratio_to_consume_ceiling']:.1%} over {rp['records']:,}",
            )
        )
        out.append(
            (
                "replay RSS at end within +10 % of RSS at 100k",
                bool(early) and end <= early * 1.10,
                f"{(end / early - 1):+.1%}" if early else "fewer than 100k records",
            )
        )
    return out


def rich_table(r: dict[str, Any]) -> Table:
    m = r["machine"]
    table = Table(
        "figure", "absolute", "ratio / note", "load",
        title=f"msa bench {r['run']} — {m['nproc']} cores, {m['ram_gib']} GiB, {m['cpu']}",
    )  # fmt: skip
    for row in rows(r):
        table.add_row(*row)
    for label, writes, commands, cpu in cost_rows(r):
        table.add_row(f"cost {label}", f"{writes} writes/entry",
                      f"{commands} write commands/entry", f"CPU s/1k: {cpu}")  # fmt: skip
    for records, seconds, rss, per in growth_rows(r):
        table.add_row(f"replay growth {records}", f"{seconds} s", f"{rss} MiB", f"{per} µs/rec")
    for name, met, why in targets(r):
        table.add_row(f"target: {name}", "met" if met else "NOT met", why, "")
    return table


def markdown(r: dict[str, Any]) -> str:
    """Every table of the run: figures, cost, replay growth and targets."""
    m = r["machine"]
    lines = [
        f"Run `{r['run']}` at {r['at']} on {m['nproc']} cores, {m['ram_gib']} GiB RAM, "
        f"{m['cpu']} (Python {m['python']}), `uv run msa bench "
        f"--entries {r['config']['entries']} --persons {r['config']['persons']}"
        f"{_options(r['config'])}`; load is the one-minute load average (start → end):",
        "",
        "| figure | absolute | ratio / note | load |",
        "| --- | --- | --- | --- |",
    ]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows(r)]
    if cost := cost_rows(r):
        lines += [
            "",
            "| billing scenario | document writes per entry | write commands per "
            "entry | CPU seconds per 1,000 entries |",
            "| --- | --- | --- | --- |",
        ]
        lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in cost]
    if growth := growth_rows(r):
        lines += [
            "",
            "| replay, records read | seconds | RSS MiB | µs per record |",
            "| --- | --- | --- | --- |",
        ]
        lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in growth]
    lines += ["", "| target | | seen |", "| --- | --- | --- |"]
    lines += [f"| {name} | {'met' if met else '**not met**'} | {why} |"
              for name, met, why in targets(r)]  # fmt: skip
    return "\n".join(lines) + "\n"


def summary(r: dict[str, Any]) -> dict[str, str]:
    """One short line per measured part, for README.md's summary."""
    out: dict[str, str] = {}
    met = [(name.startswith("replay"), ok) for name, ok, _ in targets(r)]
    b, rp = r["billing"], r["reporting_replay"]
    if b is not None:
        t, lat = b["batched"], b["latency"]
        out["billing"] = (
            f"Billing ({t['entries']:,} entries): {t['per_s']:,.0f} entries/s, "
            f"{t['ratio_to_store_ceiling']:.1%} of the "
            f"store ceiling, {t['writes_per_entry']:.2f} writes/entry; p99 {lat['p99_ms']:,.0f} "
            f"ms; 2 instances x{b['scaling_two_over_one']:.2f} "
            f"({sum(ok for rep, ok in met if not rep)}/3 targets met)."
        )
    if rp is not None:
        early, end = rp["rss_at_100k_mib"], rp["rss_end_mib"]
        growth = f"{end / early - 1:+.1%}" if early else "n/a"
        out["replay"] = (
            f"Replay: {rp['records']:,} events at {rp['ratio_to_consume_ceiling']:.1%} of raw "
            f"consume; RSS {growth} after 100k ({sum(ok for rep, ok in met if rep)}/2 targets "
            "met)."
        )
    return out


def blocks(r: dict[str, Any]) -> dict[str, str]:
    """docs/PERFORMANCE.md's generated blocks this run measured: 'billing', 'replay'."""
    out: dict[str, str] = {}
    if r["billing"] is not None:
        out["billing"] = markdown({**r, "reporting_replay": None})
    if r["reporting_replay"] is not None:
        out["replay"] = markdown({**r, "billing": None})
    return out


def replace_block(text: str, name: str, content: str) -> str:
    """``text`` with what lies between ``<!-- bench:NAME:start -->`` and its end marker
    replaced by ``content``; ``ValueError`` if the markers are missing."""
    start, end = f"<!-- bench:{name}:start -->", f"<!-- bench:{name}:end -->"
    if start not in text or end not in text:
        raise ValueError(f"markers {start} … {end} not found")
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    return f"{head}{start}\n{content.strip()}\n{end}{tail}"


def _options(config: dict[str, Any]) -> str:
    only = f" --only {config['only']}" if config.get("only") else ""
    baseline = config.get("baseline_entries")
    return only + (f" --baseline-entries {baseline}" if baseline else "")
