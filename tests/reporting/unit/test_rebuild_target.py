"""The rebuild's default target: the other database of the pair reporting alternates between,
so each rebuild after a switch-over goes where reporting's Mongo user may write."""

from __future__ import annotations

from msa_reporting.replay import default_target


def test_the_default_target_alternates_between_the_two_reporting_databases() -> None:
    assert default_target("msa_reporting") == "msa_reporting_rebuild"
    assert default_target("msa_reporting_rebuild") == "msa_reporting"
    assert default_target(default_target("msa_staging_reporting")) == "msa_staging_reporting"
