def backoff_seconds(failures: int, *, free: int, base: int, cap: int) -> int:
    """Seconds to refuse attempts after `failures` consecutive failures.

    The first `free` failures cost nothing; each further one doubles the wait, up to `cap`.
    """
    if failures < free:
        return 0
    return min(cap, base * 2 ** min(failures - free, 30))
