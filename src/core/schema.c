/*
 * schema.c: the database schema and its migrations.
 *
 * The schema grows by numbered steps; PRAGMA user_version says which steps a
 * file has. Each step is kept here forever, exactly as it shipped, so that a
 * database of any earlier version migrates to the current one by running the
 * steps after its version in order (tests/test_schema.c does this from every
 * version). Two kinds of tables live here:
 *
 *  - the log: device identity, records, blobs, local settings. Never
 *    rewritten: records are append-only.
 *  - the derived tables (branches, people, appeals, timeline...): a fold of
 *    the log. A step that changes them asks for a refold, so their content is
 *    always rebuilt from records rather than converted.
 */
#include <stdio.h>

#include "db.h"

typedef struct Step {
    const char *sql; /* the step's DDL */
    int refold;      /* derived tables changed: rebuild them from records */
} Step;

static const Step steps[] = {
    /* 1: identity, the record log, blobs and device-local settings. */
    {"CREATE TABLE device_self("
     "  one INTEGER PRIMARY KEY CHECK (one = 1),"
     "  device BLOB NOT NULL,"           /* 16-byte device id */
     "  role TEXT NOT NULL CHECK (role IN ('office','hall')),"
     "  hall TEXT,"                      /* hall code, halls only */
     "  slot TEXT NOT NULL,"             /* tracking-code slot character */
     "  pk BLOB NOT NULL, sk BLOB NOT NULL," /* Ed25519 device key pair */
     "  town_pk BLOB,"                   /* pinned town public key */
     "  town_sk BLOB,"                   /* the town key: office only */
     "  town_name TEXT,"
     "  next_seq INTEGER NOT NULL,"      /* seq of the next record we author */
     "  prev BLOB NOT NULL,"             /* hash of our last record (zeros at first) */
     "  hlc INTEGER NOT NULL,"           /* highest HLC stamp issued or seen */
     "  code_next INTEGER NOT NULL DEFAULT 0," /* next tracking-code counter */
     "  meeting_next INTEGER NOT NULL DEFAULT 1," /* next meeting number */
     "  created INTEGER NOT NULL);"
     "CREATE TABLE devices("             /* every device whose records we hold */
     "  device BLOB PRIMARY KEY, pk BLOB NOT NULL,"
     "  role TEXT NOT NULL CHECK (role IN ('office','hall')),"
     "  hall TEXT, slot TEXT NOT NULL, cert BLOB);"
     "CREATE TABLE records("
     "  device BLOB NOT NULL, seq INTEGER NOT NULL CHECK (seq > 0),"
     "  hlc INTEGER NOT NULL, kind TEXT NOT NULL, body BLOB NOT NULL,"
     "  prev BLOB NOT NULL, hash BLOB NOT NULL, sig BLOB NOT NULL,"
     "  state INTEGER,"                  /* NULL unfolded, 1 applied, 0 refused */
     "  note TEXT,"                      /* why refused */
     "  PRIMARY KEY (device, seq)) WITHOUT ROWID;"
     "CREATE INDEX records_order ON records(hlc, device, seq);"
     "CREATE INDEX records_unfolded ON records(hlc, device, seq) WHERE state IS NULL;"
     "CREATE TABLE blobs(hash BLOB PRIMARY KEY, data BLOB NOT NULL) WITHOUT ROWID;"
     "CREATE TABLE local_config(key TEXT PRIMARY KEY, value TEXT NOT NULL);",
     0},
    /* 2: the derived tables the programs read. */
    {"CREATE TABLE fold_state("
     "  one INTEGER PRIMARY KEY CHECK (one = 1),"
     "  hlc INTEGER NOT NULL, device BLOB NOT NULL, seq INTEGER NOT NULL," /* frontier */
     "  version INTEGER NOT NULL);"     /* fold code version that built the tables */
     "CREATE TABLE branches(code TEXT PRIMARY KEY, name TEXT NOT NULL, grids TEXT NOT NULL);"
     "CREATE TABLE people(id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL,"
     "  branch TEXT);"
     "CREATE INDEX people_name ON people(name);"
     "CREATE TABLE units(id TEXT PRIMARY KEY, name TEXT NOT NULL);"
     "CREATE TABLE town_config(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
     "CREATE TABLE appeals("
     "  code TEXT PRIMARY KEY, hall TEXT NOT NULL, grid TEXT, category TEXT NOT NULL,"
     "  text_hash TEXT NOT NULL, source TEXT NOT NULL, contact_hash TEXT,"
     "  rating_hash TEXT NOT NULL, ledger_no TEXT,"
     "  created_day INTEGER NOT NULL, created_hlc INTEGER NOT NULL,"
     "  published INTEGER NOT NULL DEFAULT 0,"
     "  grade TEXT, graded_day INTEGER, status TEXT NOT NULL,"
     "  member TEXT, leader TEXT, unit TEXT, due_day INTEGER,"
     "  answer_hash TEXT, solved_day INTEGER, rating TEXT);"
     "CREATE TABLE timeline("
     "  code TEXT NOT NULL, hlc INTEGER NOT NULL, device BLOB NOT NULL, seq INTEGER NOT NULL,"
     "  day INTEGER NOT NULL, kind TEXT NOT NULL, by_role TEXT NOT NULL, by_hall TEXT,"
     "  detail TEXT NOT NULL,"         /* the record body (JSON) */
     "  applied INTEGER NOT NULL, note TEXT,"
     "  PRIMARY KEY (code, hlc, device, seq)) WITHOUT ROWID;"
     "CREATE TABLE meetings("
     "  id TEXT PRIMARY KEY, hall TEXT NOT NULL, topic TEXT NOT NULL,"
     "  opened_day INTEGER NOT NULL, closed_day INTEGER, status TEXT NOT NULL,"
     "  cap INTEGER, subjects TEXT NOT NULL, tallies TEXT, ballots INTEGER);",
     1},
    /* 3: open-meeting counters (outside the log) and list indexes. */
    {"CREATE TABLE meeting_tally("
     "  meeting TEXT NOT NULL, subject TEXT NOT NULL, rating TEXT NOT NULL,"
     "  count INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (meeting, subject, rating));"
     "CREATE INDEX appeals_hall ON appeals(hall, status);"
     "CREATE INDEX appeals_due ON appeals(status, due_day);",
     1},
    /* 4: sync by stick. */
    {"CREATE TABLE peer_vv("             /* what each device was seen to hold */
     "  peer BLOB NOT NULL, device BLOB NOT NULL, seq INTEGER NOT NULL,"
     "  head BLOB,"                     /* hash of its record at seq: which branch */
     "  PRIMARY KEY (peer, device)) WITHOUT ROWID;"
     "CREATE TABLE waiting("             /* records whose predecessors have not arrived */
     "  device BLOB NOT NULL, seq INTEGER NOT NULL, hlc INTEGER NOT NULL, kind TEXT NOT NULL,"
     "  body BLOB NOT NULL, prev BLOB NOT NULL, hash BLOB NOT NULL, sig BLOB NOT NULL,"
     "  PRIMARY KEY (device, seq)) WITHOUT ROWID;"
     "CREATE TABLE forks("               /* quarantined branches: kept, never applied or relayed */
     "  device BLOB NOT NULL, seq INTEGER NOT NULL, hlc INTEGER NOT NULL, kind TEXT NOT NULL,"
     "  body BLOB NOT NULL, prev BLOB NOT NULL, hash BLOB NOT NULL, sig BLOB NOT NULL,"
     "  found INTEGER NOT NULL, PRIMARY KEY (device, seq, hash)) WITHOUT ROWID;"
     "CREATE TABLE sync_log("             /* one row per stick sync: the report shown to staff */
     "  id INTEGER PRIMARY KEY, at INTEGER NOT NULL, dir TEXT NOT NULL, office_seen INTEGER NOT NULL,"
     "  report TEXT NOT NULL);"
     "CREATE TABLE revoked("              /* derived: device.revoke records */
     "  device BLOB PRIMARY KEY, after_seq INTEGER NOT NULL) WITHOUT ROWID;"
     "CREATE TABLE peers("                /* the newest manifest seen of each device */
     "  peer BLOB PRIMARY KEY, role TEXT NOT NULL, wall INTEGER NOT NULL) WITHOUT ROWID;"
     "CREATE TABLE purged("               /* derived: texts redacted by the office */
     "  hash TEXT PRIMARY KEY) WITHOUT ROWID;"
     "ALTER TABLE appeals ADD COLUMN redacted INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE device_self ADD COLUMN manifest_next INTEGER NOT NULL DEFAULT 1;",
     1},
    /* 5: evaluation: one-time ballot tokens (local, outside the log, like
     * meeting_tally: a used flag flipped in place, never who or when),
     * office-voided meetings, and office PIN resets (derived). */
    {"CREATE TABLE ballot_tokens("
     "  meeting TEXT NOT NULL, token TEXT NOT NULL, used INTEGER NOT NULL DEFAULT 0,"
     "  PRIMARY KEY (meeting, token)) WITHOUT ROWID;"
     "CREATE TABLE pin_resets("           /* derived: the newest staff.pin_reset per hall */
     "  hall TEXT PRIMARY KEY, hlc INTEGER NOT NULL, pin_hash TEXT NOT NULL) WITHOUT ROWID;"
     "ALTER TABLE meetings ADD COLUMN void_reason TEXT;",
     1},
};

int schema_migrate(sqlite3 *db, int target, int *refold, EwErr *err)
{
    int64_t version;
    int rc = db_int(db, err, &version, 0, "PRAGMA user_version", NULL);
    if (rc)
        return rc;
    if (version < 0) /* PRAGMA user_version is any 32-bit number; ours never negative */
        return ew_err(err, EW_ECORRUPT,
                      "database has schema version %lld, which no echowall database has",
                      (long long)version);
    if (target > (int)(sizeof steps / sizeof steps[0]))
        target = (int)(sizeof steps / sizeof steps[0]);
    for (int v = (int)version; v < target; v++) {
        rc = db_exec(db, err, steps[v].sql);
        if (rc)
            return rc;
        if (steps[v].refold && refold)
            *refold = 1;
        char sql[64];
        snprintf(sql, sizeof sql, "PRAGMA user_version=%d", v + 1);
        rc = db_exec(db, err, sql);
        if (rc)
            return rc;
    }
    return EW_OK;
}
