"""What the monitoring tests need of PromQL beside promtool: the metric names an expression
selects, and the Grafana variables replaced so that promtool can parse a panel's query."""

from __future__ import annotations

import re

#: Grafana's variables in the dashboard's queries, with values promtool can parse
GRAFANA_VARIABLES = {"$__rate_interval": "5m", "$namespace": "msa-prod", "$job": "msa-.+"}
KEYWORDS = frozenset({"bool", "offset", "and", "or", "unless", "by", "without", "on",
                      "ignoring", "group_left", "group_right", "inf", "nan", "atan2"})  # fmt: skip
_STRING = re.compile(r'"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'')
_GROUPING = re.compile(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")
_NAME = re.compile(r"(?<![\w.$])[a-zA-Z_:][a-zA-Z0-9_:]*(?!\w|\s*\()")


def with_grafana_values(expr: str) -> str:
    for name, value in GRAFANA_VARIABLES.items():
        expr = expr.replace(name, value)
    return expr


def metric_names(expr: str) -> set[str]:
    """The metric names the selectors of ``expr`` name (not functions, keywords, label
    names, durations or numbers)."""
    rest = _STRING.sub('""', expr)
    rest = re.sub(r"\{[^}]*\}", " ", rest)  # label matchers
    rest = re.sub(r"\[[^\]]*\]", " ", rest)  # ranges and subqueries
    rest = _GROUPING.sub(" ", rest)
    found = {m.group(0) for m in _NAME.finditer(rest)}
    return {n for n in found if n.lower() not in KEYWORDS}
