"""Indicators for auditors (docs/architecture.md §5): the fiscal-year engine (engine, live,
historical),
figures and suppression (figures), the rollup, the dashboard, exports, the ITA page and
register import."""
