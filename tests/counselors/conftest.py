from tests.counselors import team as fixtures

# The staff and the report the tests of this folder share.
team = fixtures.team
report = fixtures.report
