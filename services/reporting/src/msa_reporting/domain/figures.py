"""The figures reporting publishes: what each counts, by which date, broken down by what.

Every figure is given per calendar month of its business date and, for flows, cumulative.
A *flow* adds up over months (cumulative = sum of the months); a *stock* is counted on a
month's last day (or on the as-of day for the running month); a *median* is the lower
median (``statistics.median_low``) in whole days. Each is broken down by the dimensions
listed, and every breakdown has the city-wide total row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["flow", "stock", "median"]

PLACE = ("region", "district")
PLAN = ("field", "measure")
PERSON = (*PLACE, "status_group")
ALL = (*PERSON, "provider")
GOALS = (*PLAN, "domain", *ALL)


@dataclass(frozen=True)
class Figure:
    id: str
    label: str
    unit: str
    kind: Kind
    dimensions: tuple[str, ...]
    definition: str


FIGURES: tuple[Figure, ...] = (
    Figure("arrivals", "Ankünfte", "Personen", "flow", PERSON,
           "ArrivalRegistered once per person, by allocated_on; district and status at arrival."),
    Figure("open_cases", "Offene Fälle (Monatsende)", "Fälle", "stock", ALL,
           "Cases opened on or before the day and not closed on or before it (CaseOpened, "
           "CaseClosed); provider = holder on that day, 'ohne Träger' while waiting."),
    Figure("waiting", "Warteliste (Monatsende)", "Fälle", "stock", PERSON,
           "Open cases whose latest placement on the day is the waiting list "
           "(CaseWaitlisted, CaseReassigned to nobody) until CaseAssigned."),
    Figure("waiting_days", "Wartezeit bis zur Zuweisung (Median)", "Tage", "median", PERSON,
           "Completed waits: days from first joining the waiting list (a later "
           "CaseWaitlisted does not restart it) to the CaseAssigned that ends the wait, by "
           "assigned_on. Cases still waiting are not included: see 'waiting'."),
    Figure("plans_agreed", "Vereinbarte Integrationspläne", "Pläne", "flow", ALL,
           "IntegrationPlanAgreed once per plan_id, by agreed_on."),
    Figure("goals_set", "Gesetzte Ziele", "Ziele", "flow", GOALS,
           "Goals of agreed plans once per case and goal_id, by the plan's agreed_on."),
    Figure("goals_achieved", "Erreichte Ziele", "Ziele", "flow", GOALS,
           "GoalAchieved once per case and goal_id, by achieved_on."),
    Figure("goals_dropped", "Aufgegebene Ziele", "Ziele", "flow", GOALS,
           "GoalDropped once per case and goal_id, by dropped_on."),
    Figure("goal_days", "Dauer vom Plan bis zum erreichten Ziel (Median)", "Tage", "median",
           (*PLAN, "domain", *PLACE), "achieved_on minus plan_agreed_on of GoalAchieved."),
    Figure("approvals", "Bewilligte Fachleistungen", "Bewilligungen", "flow", ALL,
           "FachleistungApproved once per approval_id, by valid_from."),
    Figure("hours_direct", "Fachleistungsstunden direkt", "Minuten", "flow", (*ALL, "domain"),
           "Billable minutes of HoursAccepted with activity 'direct', by service_date."),
    Figure("hours_indirect", "Fachleistungsstunden indirekt", "Minuten", "flow",
           (*ALL, "domain"), "Billable minutes of HoursAccepted, activity 'indirect'."),
    Figure("hours_missed", "Ausgefallene Termine (vergütet)", "Minuten", "flow",
           (*ALL, "domain"), "Billable minutes of HoursAccepted, activity 'missed-appointment'."),
    Figure("amount_invoiced", "Abgerechnete Beträge", "Cent", "flow", ALL,
           "amount_cents of invoice lines (InvoiceIssued, corrections included once), "
           "by the line's service_month."),
    Figure("mentors_matched", "Vermittelte Mentorinnen und Mentoren", "Vermittlungen", "flow",
           (*PLAN, *ALL), "MentorMatched by matched_on; provider = the case's holder then."),
    Figure("referrals", "Vermittlungen an Fachberatungen", "Vermittlungen", "flow",
           (*PLAN, *ALL), "ReferralRecorded once per referral_id, by referred_on."),
)  # fmt: skip

BY_ID = {f.id: f for f in FIGURES}

#: The figures of a measure on the compacted topic (the measure dimension's rows).
MEASURE_FIGURES: dict[str, str] = {
    "goals_set": "goals_set", "goals_achieved": "goals_achieved",
    "goals_dropped": "goals_dropped", "goal_days_median": "goal_days",
    "mentors_matched": "mentors_matched", "referrals": "referrals",
}  # fmt: skip

#: Hours figures by the activity of HoursAccepted.
ACTIVITIES = {"direct": "hours_direct", "indirect": "hours_indirect",
              "missed-appointment": "hours_missed"}  # fmt: skip
