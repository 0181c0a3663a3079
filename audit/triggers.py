"""Database triggers that make the audit tables append-only.

The migration installs them; the test harness drops and reinstalls them around its own
table flush (see tests/sqlite_backend). Keep the statements stable: migrations import them.
"""

APPEND_ONLY_TABLES = ("audit_event", "audit_checkpoint")

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION hotline_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END $$
"""


def create_statements(vendor: str) -> list[str]:
    statements = [PG_FUNCTION] if vendor == "postgresql" else []
    for table in APPEND_ONLY_TABLES:
        if vendor == "postgresql":
            statements.append(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION hotline_append_only()"
            )
        elif vendor == "sqlite":
            for operation in ("UPDATE", "DELETE"):
                statements.append(
                    f"CREATE TRIGGER {table}_no_{operation.lower()} BEFORE {operation} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
                )
        else:
            raise NotImplementedError(f"no append-only triggers for {vendor}")
    return statements


def drop_statements(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {t}_append_only ON {t}" for t in APPEND_ONLY_TABLES]
    return [
        f"DROP TRIGGER IF EXISTS {t}_no_{op}"
        for t in APPEND_ONLY_TABLES
        for op in ("update", "delete")
    ]
