/*
 * db.c: opening a device database and small statement helpers (see db.h).
 */
#include "db.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "clock.h"
#include "fold.h"

int db_fail(sqlite3 *db, EwErr *err, const char *what)
{
    return ew_err(err, EW_EDB, "database error while %s: %s", what,
                  db ? sqlite3_errmsg(db) : "no database");
}

static int bindv(sqlite3_stmt *st, const char *fmt, va_list ap)
{
    int rc = SQLITE_OK;
    for (int i = 1; fmt && *fmt && rc == SQLITE_OK; fmt++, i++) {
        switch (*fmt) {
        case 't': {
            const char *s = va_arg(ap, const char *);
            rc = s ? sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(st, i);
            break;
        }
        case 'i':
            rc = sqlite3_bind_int64(st, i, va_arg(ap, int64_t));
            break;
        case 'd':
            rc = sqlite3_bind_int(st, i, va_arg(ap, int));
            break;
        case 'b': {
            const void *p = va_arg(ap, const void *);
            size_t n = va_arg(ap, size_t);
            rc = p ? sqlite3_bind_blob64(st, i, p, n, SQLITE_TRANSIENT) : sqlite3_bind_null(st, i);
            break;
        }
        case 'n':
            rc = sqlite3_bind_null(st, i);
            break;
        case 'N': {
            const int64_t *v = va_arg(ap, const int64_t *);
            rc = v ? sqlite3_bind_int64(st, i, *v) : sqlite3_bind_null(st, i);
            break;
        }
        default:
            abort(); /* a programming error in a format string */
        }
    }
    return rc;
}

/*
 * Prepared statements are cached per connection: parsing SQL costs more than
 * running most of echowall's queries. The cache is keyed by the SQL text (a
 * hash, then the text itself); a statement in use is not handed out twice,
 * so nested queries of the same text get a fresh, uncached statement.
 * db_done() returns a statement to the cache; db_close() finalizes them.
 * One process-wide table serves every connection; a mutex guards it, since
 * the kiosk syncs a stick on a thread of its own (with its own connection:
 * statements are never shared between connections, so never between
 * threads).
 */
#define CACHE_SIZE 96

typedef struct Cached {
    sqlite3 *db;        /* connection, NULL for a free slot */
    uint64_t hash;      /* FNV-1a of the SQL text */
    sqlite3_stmt *st;
    int in_use;
} Cached;

static Cached cache[CACHE_SIZE];
static unsigned cache_next; /* round-robin victim when full */
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER; /* guards both */

static uint64_t fnv(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

/* Where each SQL text was last found, by the text's address and the
 * connection: most queries are string literals asked for again and again,
 * so a lookup is then one comparison rather than hashing the text and
 * scanning the table (12 % of building the demo town's own instructions).
 * An address may come back as another text (a freed string), so a hit is
 * still checked against the statement's own text. Guarded by cache_lock. */
#define MEMO_SIZE 256
static struct {
    const char *sql; /* the text's address */
    sqlite3 *db;
    int slot;        /* its index in cache[] when last seen */
} memo[MEMO_SIZE];

static unsigned memo_of(sqlite3 *db, const char *sql)
{
    uint64_t k = (uint64_t)(uintptr_t)sql ^ ((uint64_t)(uintptr_t)db << 17);
    return (unsigned)((k * 0x9E3779B97F4A7C15ULL) >> 56) % MEMO_SIZE;
}

static void memo_note(sqlite3 *db, const char *sql, int slot)
{
    unsigned m = memo_of(db, sql);
    memo[m].sql = sql;
    memo[m].db = db;
    memo[m].slot = slot;
}

/* A free cached statement for sql on db, marked in use; NULL when none.
 * *h is the text's hash once it had to be computed, else left 0. */
static sqlite3_stmt *cache_get(sqlite3 *db, const char *sql, uint64_t *h)
{
    sqlite3_stmt *out = NULL;
    pthread_mutex_lock(&cache_lock);
    unsigned m = memo_of(db, sql);
    if (memo[m].sql == sql && memo[m].db == db) {
        Cached *c = &cache[memo[m].slot];
        if (c->db == db && !c->in_use && strcmp(sqlite3_sql(c->st), sql) == 0) {
            c->in_use = 1;
            out = c->st;
        }
    }
    if (!out) {
        *h = fnv(sql);
        for (int i = 0; i < CACHE_SIZE; i++) {
            Cached *c = &cache[i];
            if (c->db == db && c->hash == *h && !c->in_use &&
                strcmp(sqlite3_sql(c->st), sql) == 0) {
                c->in_use = 1;
                out = c->st;
                memo_note(db, sql, i);
                break;
            }
        }
    }
    pthread_mutex_unlock(&cache_lock);
    return out;
}

static void cache_put(sqlite3 *db, const char *sql, sqlite3_stmt *st, uint64_t h)
{
    pthread_mutex_lock(&cache_lock);
    for (int tries = 0; tries < CACHE_SIZE; tries++) {
        unsigned i = cache_next++ % CACHE_SIZE;
        Cached *c = &cache[i];
        if (c->db && c->in_use)
            continue;
        if (c->db)
            sqlite3_finalize(c->st);
        *c = (Cached){db, h, st, 1};
        memo_note(db, sql, (int)i);
        break;
    }
    /* Every slot busy: the statement simply stays uncached. */
    pthread_mutex_unlock(&cache_lock);
}

void db_done(sqlite3_stmt *st)
{
    if (!st)
        return;
    int cached = 0;
    pthread_mutex_lock(&cache_lock);
    for (int i = 0; i < CACHE_SIZE; i++) {
        if (cache[i].db && cache[i].st == st) {
            sqlite3_reset(st);
            sqlite3_clear_bindings(st);
            cache[i].in_use = 0;
            cached = 1;
            break;
        }
    }
    pthread_mutex_unlock(&cache_lock);
    if (!cached)
        sqlite3_finalize(st);
}

static sqlite3_stmt *prepv(sqlite3 *db, EwErr *err, const char *sql, const char *fmt, va_list ap)
{
    uint64_t h = 0;
    sqlite3_stmt *st = cache_get(db, sql, &h);
    if (!st) {
        if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
            db_fail(db, err, "preparing a query");
            sqlite3_finalize(st);
            return NULL;
        }
        cache_put(db, sql, st, h);
    }
    if (bindv(st, fmt, ap) != SQLITE_OK) {
        db_fail(db, err, "binding a value");
        db_done(st);
        return NULL;
    }
    return st;
}

sqlite3_stmt *db_prep(sqlite3 *db, EwErr *err, const char *sql, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sqlite3_stmt *st = prepv(db, err, sql, fmt, ap);
    va_end(ap);
    return st;
}

int db_run(sqlite3 *db, EwErr *err, const char *sql, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sqlite3_stmt *st = prepv(db, err, sql, fmt, ap);
    va_end(ap);
    if (!st)
        return EW_EDB;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        ;
    db_done(st);
    return rc == SQLITE_DONE ? EW_OK : db_fail(db, err, "writing");
}

int db_int(sqlite3 *db, EwErr *err, int64_t *out, int64_t dflt, const char *sql, const char *fmt,
           ...)
{
    va_list ap;
    va_start(ap, fmt);
    sqlite3_stmt *st = prepv(db, err, sql, fmt, ap);
    va_end(ap);
    if (!st)
        return EW_EDB;
    int rc = sqlite3_step(st);
    *out = dflt;
    if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
        *out = sqlite3_column_int64(st, 0);
    db_done(st);
    return (rc == SQLITE_ROW || rc == SQLITE_DONE) ? EW_OK : db_fail(db, err, "reading");
}

int db_text(sqlite3 *db, EwErr *err, char **out, const char *sql, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sqlite3_stmt *st = prepv(db, err, sql, fmt, ap);
    va_end(ap);
    *out = NULL;
    if (!st)
        return EW_EDB;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
        *out = ew_xstrdup((const char *)sqlite3_column_text(st, 0));
    db_done(st);
    return (rc == SQLITE_ROW || rc == SQLITE_DONE) ? EW_OK : db_fail(db, err, "reading");
}

int db_exec(sqlite3 *db, EwErr *err, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        ew_err(err, EW_EDB, "database error: %s", msg ? msg : sqlite3_errmsg(db));
        sqlite3_free(msg);
        return EW_EDB;
    }
    return EW_OK;
}

int db_begin(sqlite3 *db, EwErr *err) { return db_exec(db, err, "BEGIN IMMEDIATE"); }
int db_commit(sqlite3 *db, EwErr *err) { return db_exec(db, err, "COMMIT"); }
void db_rollback(sqlite3 *db)
{
    if (!sqlite3_get_autocommit(db))
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
}

static int configure(sqlite3 *db, EwErr *err)
{
    int on = 1, off = 0;
    sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, on, NULL);
    sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, off, NULL);
    sqlite3_busy_timeout(db, 5000);
    return db_exec(db, err,
                   "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;");
}

/* Once per process, before SQLite starts: no memory statistics (nothing
 * reads them), which spares every allocation SQLite makes a global mutex
 * and its accounting (6 % of building the demo town). */
static void configure_sqlite(void)
{
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

int db_open_raw(const char *path, sqlite3 **out, EwErr *err)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, configure_sqlite);
    sqlite3 *db = NULL;
    *out = NULL;
    /* NOMUTEX: a connection is only ever used by the thread that opened it
     * (the kiosk's stick thread opens its own), so SQLite's own per-call
     * locking would buy nothing. */
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOFOLLOW |
                SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK) {
        ew_err(err, EW_EIO, "cannot open database %s: %s", path,
               db ? sqlite3_errmsg(db) : "out of memory");
        db_close(db);
        return EW_EIO;
    }
    int rc = configure(db, err);
    if (rc) {
        ew_err(err, EW_EIO, "cannot use database %s: %s", path, sqlite3_errmsg(db));
        db_close(db);
        return EW_EIO;
    }
    *out = db;
    return EW_OK;
}

int db_open(const char *path, int create, sqlite3 **out, EwErr *err)
{
    struct stat stbuf;
    *out = NULL;
    if (!create && stat(path, &stbuf) != 0)
        return ew_err(err, EW_ENOTFOUND,
                      "no database at %s (make one with `echowallctl init` or `demo`)", path);
    sqlite3 *db;
    int rc = db_open_raw(path, &db, err);
    if (rc)
        return rc;
    int64_t version;
    rc = db_int(db, err, &version, 0, "PRAGMA user_version", NULL);
    if (rc == EW_OK && version > SCHEMA_VERSION)
        rc = ew_err(err, EW_ESTATE,
                    "database %s has schema version %lld, newer than this program's %d", path,
                    (long long)version, SCHEMA_VERSION);
    if (rc == EW_OK && version < 0)
        rc = ew_err(err, EW_ECORRUPT,
                    "database %s has schema version %lld, which no echowall database has", path,
                    (long long)version);
    /* Version 0 with tables in it is some other program's database, not an
     * echowall one to build a schema into. */
    int64_t objects = 0;
    if (rc == EW_OK && version == 0)
        rc = db_int(db, err, &objects, 0, "SELECT count(*) FROM sqlite_schema", NULL);
    if (rc == EW_OK && objects > 0)
        rc = ew_err(err, EW_ESTATE,
                    "%s is an SQLite database but not an echowall one (it has tables and no "
                    "schema version); not touching it",
                    path);
    int refold = 0;
    if (rc == EW_OK && version < SCHEMA_VERSION) {
        rc = db_begin(db, err);
        if (rc == EW_OK)
            rc = schema_migrate(db, SCHEMA_VERSION, &refold, err);
        if (rc == EW_OK && refold)
            rc = fold_rebuild(db, err);
        if (rc == EW_OK)
            rc = db_commit(db, err);
        if (rc)
            db_rollback(db);
    }
    if (rc == EW_OK)
        rc = fold_settle_tx(db, err);
    if (rc) {
        db_close(db);
        return rc;
    }
    *out = db;
    return EW_OK;
}

int64_t db_now_ms(sqlite3 *db)
{
    int64_t offset = 0;
    db_int(db, NULL, &offset, 0,
           "SELECT CAST(value AS INTEGER) FROM local_config WHERE key='clock.offset_ms'", NULL);
    return clock_now_ms() + offset;
}

int64_t db_today(sqlite3 *db) { return clock_day_of_ms(db_now_ms(db)); }

void db_close(sqlite3 *db)
{
    if (!db)
        return;
    pthread_mutex_lock(&cache_lock);
    for (int i = 0; i < CACHE_SIZE; i++)
        if (cache[i].db == db) {
            sqlite3_finalize(cache[i].st);
            cache[i] = (Cached){0};
        }
    pthread_mutex_unlock(&cache_lock);
    sqlite3_close(db);
}
