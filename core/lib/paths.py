STAFF_PREFIXES = ("/staff/", "/en/staff/", "/admin/", "/en/admin/")


def is_staff_path(path: str) -> bool:
    """Staff and administration URLs; everything else is the public, anonymous side."""
    return path.startswith(STAFF_PREFIXES)
