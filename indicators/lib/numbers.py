"""Numbers written for people, rounded rather than cut off.

Django's number_format cuts a number's decimals at the places asked for (0.3799 to one place
is "0.3"), so figures are rounded half up first, as people round by hand (0.38 is "0.4").
"""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format


def rounded(value: float | int | Decimal, places: int, *, scale: int = 1) -> Decimal:
    """`value` x `scale` rounded half up to `places` decimals. Floats are read by their
    shortest written form (0.1 is 0.1, not 0.1000000000000000055...), which is what a
    person would round."""
    exact = (value if isinstance(value, Decimal) else Decimal(str(value))) * scale
    result = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return abs(result) if result == 0 else result  # no "-0.0" for a tiny fall


def decimal_text(
    value: float | int | Decimal, places: int, *, scale: int = 1, grouping: bool = False
) -> str:
    """The number as the active language writes it, rounded half up to `places` decimals."""
    return number_format(rounded(value, places, scale=scale), places, force_grouping=grouping)
