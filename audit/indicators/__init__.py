"""The indicator engine (DESIGN §5): see engine (raw database tallies), figures (rates,
suppression) and definitions (ids and help)."""

from audit.indicators.definitions import BY_ID, DEFINITIONS, INDICATOR_IDS, Definition, Kind
from audit.indicators.engine import Scope, Tally, year_tally
from audit.indicators.figures import Figure, Report, Row, indicators_report, report_build

__all__ = [
    "BY_ID",
    "DEFINITIONS",
    "INDICATOR_IDS",
    "Definition",
    "Figure",
    "Kind",
    "Report",
    "Row",
    "Scope",
    "Tally",
    "indicators_report",
    "report_build",
    "year_tally",
]
