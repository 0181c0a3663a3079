"""The indicators: stable ids, what each means and how it is computed (shown as the
dashboard's help, and the same words as the engine's docstrings)."""

from dataclasses import dataclass
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Kind(StrEnum):
    COUNT_PUBLIC = "count_public"  # published as is (ITA figures and headline totals)
    COUNT = "count"  # 1 to threshold-1 shown as "<5"
    NUMBER = "number"
    RATE = "rate"  # a share 0..1, not shown over fewer than threshold cases
    DAYS = "days"
    MONEY = "money"
    CHANGE = "change"  # relative change against the previous fiscal year
    TABLE = "table"  # small cells suppressed, with complementary suppression
    MONTHS = "months"  # a TABLE by month of the fiscal year, drawn as columns in order


class Section(StrEnum):
    VOLUME = "volume"
    ITA = "ita"
    HANDLING = "handling"
    OUTCOMES = "outcomes"
    QUESTIONS = "questions"


SECTION_TITLES = {
    Section.VOLUME: _("Cases received"),
    Section.ITA: _("ITA complaint statistics"),
    Section.HANDLING: _("Handling and deadlines"),
    Section.OUTCOMES: _("Outcomes"),
    Section.QUESTIONS: _("Questions and service"),
}


@dataclass(frozen=True)
class Definition:
    id: str
    label: Promise
    help: Promise
    kind: Kind
    section: Section
    target: float | None = None
    target_text: Promise | None = None


def _d(
    id: str,
    kind: Kind,
    section: Section,
    label: Promise,
    help: Promise,
    target: float | None = None,
    target_text: Promise | None = None,
) -> Definition:
    return Definition(id, label, help, kind, section, target, target_text)


K, S = Kind, Section
DEFINITIONS: tuple[Definition, ...] = (
    _d("cases_received", K.COUNT_PUBLIC, S.VOLUME, _("Cases received"),
       _("Questions and reports received in the fiscal year, live cases and imported register "
         "rows together.")),
    _d("reports_received", K.COUNT_PUBLIC, S.VOLUME, _("Reports received"),
       _("Reports received in the fiscal year, live and imported.")),
    _d("questions_received", K.COUNT_PUBLIC, S.VOLUME, _("Questions received"),
       _("Questions received in the fiscal year, live and imported.")),
    _d("reports_per_100_staff", K.NUMBER, S.VOLUME, _("Reports per 100 staff"),
       _("Reports received x 100 / the staff headcount summed over the organisation and all "
         "organisations below it. Not available when no headcount is recorded.")),
    _d("median_org_reports_per_100_staff", K.NUMBER, S.VOLUME,
       _("Median organisation: reports per 100 staff"),
       _("The median, across the organisations of the subtree that received at least 10 cases "
         "in the year and have a headcount, of each one's own reports per 100 staff.")),
    _d("channel_mix", K.TABLE, S.VOLUME, _("Cases by channel"),
       _("Cases received, by the channel they came through (web form, telephone, in person, "
         "letter, referral).")),
    _d("cases_by_organisation_type", K.TABLE, S.VOLUME, _("Cases by type of organisation"),
       _("Cases received, by the type of the organisation that holds them.")),
    _d("anonymous_rate", K.RATE, S.VOLUME, _("Anonymous reports"),
       _("Share of the reports received whose reporter gave no identity.")),
    _d("category_mix", K.TABLE, S.VOLUME, _("Reports by category"),
       _("Reports received, by category.")),
    _d("ita_total", K.COUNT_PUBLIC, S.ITA, _("Complaints received (ITA)"),
       _("Reports (complaints) received in the fiscal year. Published without suppression, as "
         "the Integrity and Transparency Assessment asks.")),
    _d("ita_completed", K.COUNT_PUBLIC, S.ITA, _("Complaints completed (ITA)"),
       _("Of those, reports whose handling is finished: closed, not taken up, or referred to "
         "another agency.")),
    _d("ita_in_progress", K.COUNT_PUBLIC, S.ITA, _("Complaints in progress (ITA)"),
       _("Complaints received minus complaints completed.")),
    _d("ita_by_month", K.MONTHS, S.ITA, _("Complaints by month (ITA)"),
       _("Reports received in each month of the fiscal year (Bangkok time), October first. "
         "Unlike the ITA totals, small monthly counts are suppressed: a month with one "
         "complaint could point at its complainant.")),
    _d("anonymous_follow_up_rate", K.RATE, S.HANDLING, _("Anonymous reporters who came back"),
       _("Share of anonymous reports whose reporter wrote a message through their receipt more "
         "than one day after filing. Live cases only.")),
    _d("acknowledged_within_7_days_rate", K.RATE, S.HANDLING, _("Acknowledged within 7 days"),
       _("Share of reports acknowledged at most 7 days after receipt, among reports that were "
         "acknowledged or are more than 7 days old."), 1.0, _("all reports")),
    _d("feedback_within_deadline_rate", K.RATE, S.HANDLING,
       _("Feedback within the organisation's deadline"),
       _("Share of live reports whose reporter got feedback on or before the feedback date the "
         "organisation's deadline policy set, among reports given feedback or past that date."),
       1.0, _("all reports")),
    _d("feedback_within_90_days_rate", K.RATE, S.HANDLING, _("Feedback within 90 days"),
       _("Share of live reports whose reporter got feedback at most 90 days after receipt, among "
         "reports given feedback or more than 90 days old."), 1.0, _("all reports")),
    _d("median_days_to_close", K.DAYS, S.HANDLING, _("Median days to close"),
       _("Median of whole days from receipt to closure, over the year's cases that are closed. "
         "Not shown over fewer than 5 closed cases.")),
    _d("p90_days_to_close", K.DAYS, S.HANDLING, _("90th percentile of days to close"),
       _("Nine in ten of the year's closed cases closed within this many days.")),
    _d("open_over_90_days", K.COUNT, S.HANDLING, _("Open for more than 90 days"),
       _("Cases of any year still open at the end of the fiscal year (or today, for the current "
         "year) that were received more than 90 days before. Reports not taken up or referred, "
         "and answered questions, count as no longer open.")),
    _d("open_over_180_days", K.COUNT, S.HANDLING, _("Open for more than 180 days"),
       _("As above, received more than 180 days before.")),
    _d("triage_outcomes", K.TABLE, S.OUTCOMES, _("Triage outcomes"),
       _("The year's reports as they stand now: investigated (under investigation or beyond), "
         "referred to another agency, or not taken up.")),
    _d("substantiation_rate", K.RATE, S.OUTCOMES, _("Substantiation rate"),
       _("Share of the year's reports with a finding whose finding is substantiated or partly "
         "substantiated.")),
    _d("substantiation_rate_anonymous", K.RATE, S.OUTCOMES, _("Substantiation rate: anonymous"),
       _("The substantiation rate over anonymous reports only.")),
    _d("substantiation_rate_named", K.RATE, S.OUTCOMES, _("Substantiation rate: named"),
       _("The substantiation rate over reports whose reporter gave an identity.")),
    _d("retaliation_reports", K.COUNT, S.OUTCOMES, _("Retaliation reports"),
       _("Reports of retaliation against a reporter received in the year.")),
    _d("retaliation_substantiation_rate", K.RATE, S.OUTCOMES,
       _("Retaliation reports substantiated"),
       _("The substantiation rate over retaliation reports.")),
    _d("actions_taken", K.TABLE, S.OUTCOMES, _("Actions taken"),
       _("The year's reports with an action recorded, by type of action.")),
    _d("amount_recovered", K.MONEY, S.OUTCOMES, _("Amount recovered (baht)"),
       _("Sum of the amounts recovered on the year's reports. Shown only when at least 5 "
         "reports recovered money, so no single case's amount can be read.")),
    _d("substantiated_corruption_reports", K.COUNT, S.OUTCOMES,
       _("Substantiated corruption reports"),
       _("The year's reports in a category counted as corruption whose finding is substantiated "
         "or partly substantiated.")),
    _d("substantiated_corruption_change", K.CHANGE, S.OUTCOMES,
       _("Substantiated corruption: change on the previous year"),
       _("(this year - previous year) / previous year. Not available when the previous year had "
         "none or either figure is suppressed. A fall is the goal."), 0.0, _("a decrease")),
    _d("distinct_violators", K.COUNT, S.OUTCOMES, _("Distinct people found responsible"),
       _("Distinct keyed pseudonyms of the people named as responsible in the year's substantiated "
         "or partly substantiated reports (live and imported). Names are never stored.")),
    _d("distinct_violators_change", K.CHANGE, S.OUTCOMES,
       _("Distinct people found responsible: change on the previous year"),
       _("(this year - previous year) / previous year, as above."), 0.0, _("a decrease")),
    _d("median_reporting_lag_days", K.DAYS, S.OUTCOMES, _("Median reporting lag (days)"),
       _("Median days from the incident to the report, over imported register rows that give an "
         "incident date. Live reports record no incident date, so without such rows it is not "
         "available.")),
    _d("questions_by_topic", K.TABLE, S.QUESTIONS, _("Questions by topic"),
       _("Questions received, by topic.")),
    _d("questions_answered_on_time_rate", K.RATE, S.QUESTIONS, _("Questions answered on time"),
       _("Share of the year's live questions answered on or before their answer date, among "
         "questions answered or past that date."), 1.0, _("all questions")),
    _d("satisfaction_rate", K.RATE, S.QUESTIONS, _("Reporter satisfaction"),
       _("Share of the ratings given on the year's cases that are 4 or 5 out of 5."),
       0.85, _("85%")),
    _d("faq_entries_published", K.COUNT_PUBLIC, S.QUESTIONS, _("FAQ entries published"),
       _("Entries published to the public FAQ in the year.")),
)  # fmt: skip

BY_ID = {definition.id: definition for definition in DEFINITIONS}
INDICATOR_IDS = tuple(BY_ID)
