import logging

from django.test import Client, RequestFactory

from config.logging import StaffRequestsOnly


def record(name: str, **extra) -> logging.LogRecord:
    rec = logging.LogRecord(name, logging.WARNING, __file__, 1, "%s", ("GET /x HTTP/1.1",), None)
    rec.__dict__.update(extra)
    return rec


class TestStaffRequestsOnly:
    def test_it_drops_public_request_records(self):
        request = RequestFactory().get("/en/")
        assert not StaffRequestsOnly().filter(record("django.request", request=request))

    def test_it_keeps_staff_request_records(self):
        request = RequestFactory().get("/staff/login/")
        assert StaffRequestsOnly().filter(record("django.request", request=request))

    def test_it_reads_the_request_line_of_the_development_server(self):
        public = logging.LogRecord(
            "django.server", 20, "", 1, '"%s" %s', ("GET / HTTP/1.1", "200"), None
        )
        staff = logging.LogRecord(
            "django.server", 20, "", 1, '"%s" %s', ("POST /staff/login/ HTTP/1.1", "302"), None
        )
        assert not StaffRequestsOnly().filter(public)
        assert StaffRequestsOnly().filter(staff)

    def test_it_keeps_records_that_are_not_about_requests(self):
        assert StaffRequestsOnly().filter(logging.LogRecord("celery", 20, "", 1, "hi", (), None))


def test_a_public_404_leaves_no_trace_in_the_logs(db, caplog):
    with caplog.at_level(logging.DEBUG):
        Client().get("/no-such-page/", REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="Sentinel/1.0")
    handler_filter = StaffRequestsOnly()
    kept = [r for r in caplog.records if handler_filter.filter(r)]
    text = " ".join(r.getMessage() for r in kept)
    assert "no-such-page" not in text
    assert "203.0.113.9" not in text
