"""What the server log keeps of a refused request: one line, no traceback.

Django logs every 4xx once on `django.request` (the response is marked once logged), but a page's
403 and 400 come with the exception's traceback, which for a refusal is noise that buries the
real faults. 5xx keep theirs."""

from __future__ import annotations

import logging


class RefusalsWithoutTraceback(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is not None and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
