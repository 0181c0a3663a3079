"""Quantiles from histograms the database computed ({value: how many}), so medians over a
million cases never bring the cases themselves into Python."""

from collections.abc import Iterable, Mapping


def histogram_merge(*histograms: Mapping[int, int]) -> dict[int, int]:
    merged: dict[int, int] = {}
    for histogram in histograms:
        for value, count in histogram.items():
            merged[value] = merged.get(value, 0) + count
    return merged


def histogram_quantile(histogram: Mapping[int, int], q: float) -> float | None:
    """The q-quantile with linear interpolation between order statistics (as numpy's default
    and PostgreSQL's percentile_cont); None for an empty histogram."""
    total = sum(histogram.values())
    if total == 0:
        return None
    position = q * (total - 1)
    low_rank, fraction = int(position), position - int(position)
    low = _value_at(histogram, low_rank)
    if fraction == 0:
        return float(low)
    high = _value_at(histogram, low_rank + 1)
    return low + (high - low) * fraction


def _value_at(histogram: Mapping[int, int], rank: int) -> int:
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        if rank < seen:
            return value
    raise IndexError(rank)


def median(values: Iterable[float]) -> float | None:
    ordered = sorted(values)
    if not ordered:
        return None
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[middle])
    return (ordered[middle - 1] + ordered[middle]) / 2
