"""Keep the reporter's traces out of the logs.

Request log records for public URLs are dropped entirely: their path, time and status would
let someone holding the logs line a submission up with a network trace.
"""

import logging

from core.lib.paths import is_staff_path


class StaffRequestsOnly(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        path = getattr(request, "path", None)
        if path is None and record.name == "django.server":
            # runserver's records carry the raw request line in args[0]: 'GET /path HTTP/1.1'
            parts = str(record.args[0]).split() if isinstance(record.args, tuple) else []
            path = parts[1] if len(parts) > 1 else ""
        if path is None:
            return True
        return is_staff_path(path)
