"""One-command backup and verified restore (docs/architecture.md §3, §6; README "Backup and
restore").

A backup is one age-encrypted tar: the database snapshot, any attachment files still kept
under MEDIA_ROOT, and a manifest saying what a restore must find again (migrations, audit
chain head, newest checkpoint, the server keys the data needs, row counts). It lives in
`config/` because it reads every layer below.

    archive   tar in memory, encrypted to age recipients; nothing plaintext touches the disk
    snapshot  the database's consistent copy and its loading (SQLite backup API, pg_dump)
    manifest  what the snapshot holds, and whether the configured key file matches it
    service   backup_create, backup_restore, backups_list
    verify    the checks after a restore
"""
