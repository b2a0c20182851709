/*
 * salvage.c: reading what can still be read of a damaged SQLite database
 * (see salvage.h).
 *
 * Everything goes through SQLite itself, on a read-only connection: a scan
 * that meets a damaged page stops with an error, so each table is read
 * forwards in its b-tree's order until the first error and then backwards
 * from the other end until the first error; INSERT OR IGNORE drops what both
 * passes read. One damaged stretch of a table therefore costs only the rows
 * on its pages. The records' keys are also read from their own index
 * (records_order, on pages of its own): each key the scans missed (rows
 * between two damaged stretches) is looked up on its own, and what is still
 * missing is named lost by device and seq; texts the salvaged records name
 * are looked up the same way. Rows under a damaged interior page stay out of
 * reach.
 */
#include "salvage.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db.h"

int salvage_open(const char *path, sqlite3 **out)
{
    sqlite3 *db = NULL;
    *out = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOFOLLOW, NULL) !=
        SQLITE_OK) {
        sqlite3_close(db);
        return -1;
    }
    sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
    sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
    sqlite3_busy_timeout(db, 5000);
    *out = db;
    return 0;
}

void salvage_remove_db(const char *path)
{
    static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
        char *p = ew_xasprintf("%s%s", path, suffix[i]);
        unlink(p);
        free(p);
    }
}

/* The columns of table in db, comma-joined (malloc'd), or NULL when the
 * table is absent or its schema unreadable. */
static char *columns_of(sqlite3 *db, const char *table, char **pk)
{
    char *sql = sqlite3_mprintf("PRAGMA table_info(%Q)", table);
    sqlite3_stmt *st = NULL;
    char *cols = NULL, *keys[8] = {0};
    size_t n = 0;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
        while (sqlite3_step(st) == SQLITE_ROW) {
            const char *name = (const char *)sqlite3_column_text(st, 1);
            int k = sqlite3_column_int(st, 5);
            char *next = cols ? ew_xasprintf("%s,\"%s\"", cols, name)
                              : ew_xasprintf("\"%s\"", name);
            free(cols);
            cols = next;
            if (k > 0 && k <= 8)
                keys[k - 1] = ew_xasprintf("\"%s\"", name);
            n++;
        }
    }
    sqlite3_finalize(st);
    sqlite3_free(sql);
    if (pk) {
        *pk = NULL;
        for (int i = 0; i < 8 && keys[i]; i++) {
            char *next = *pk ? ew_xasprintf("%s,%s", *pk, keys[i]) : ew_xstrdup(keys[i]);
            free(*pk);
            *pk = next;
        }
    }
    for (int i = 0; i < 8; i++)
        free(keys[i]);
    return cols;
}

/* The columns both tables have, comma-joined (malloc'd), or NULL. */
static char *common_columns(sqlite3 *src, const char *from, sqlite3 *dst, const char *to)
{
    char *a = columns_of(src, from, NULL), *b = columns_of(dst, to, NULL), *out = NULL;
    char *save = NULL;
    for (char *tok = a ? strtok_r(a, ",", &save) : NULL; tok; tok = strtok_r(NULL, ",", &save)) {
        char *hit = b ? strstr(b, tok) : NULL;
        size_t len = strlen(tok);
        if (!hit || (hit[len] != ',' && hit[len] != '\0') || (hit != b && hit[-1] != ','))
            continue;
        char *next = out ? ew_xasprintf("%s,%s", out, tok) : ew_xstrdup(tok);
        free(out);
        out = next;
    }
    free(a);
    free(b);
    return out;
}

/* One pass over `from` in the given order, copying each row into `to`
 * until the end (1) or the first read error (0). */
static int copy_pass(sqlite3 *src, const char *select, sqlite3_stmt *ins, SalvageCount *c)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(src, select, -1, &st, NULL) != SQLITE_OK)
        return 0;
    int n = sqlite3_column_count(st), rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        for (int i = 0; i < n; i++)
            sqlite3_bind_value(ins, i + 1, sqlite3_column_value(st, i));
        if (sqlite3_step(ins) == SQLITE_DONE && sqlite3_changes(sqlite3_db_handle(ins)) > 0)
            c->rows++;
        sqlite3_reset(ins);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE;
}

/* Copies what can be read of src's table `from` into dst's table `to`
 * (the columns both have; `cols` forces a list), forwards then, after a
 * read error, backwards. Rows dst refuses (constraints) are left out. */
int salvage_copy_table(sqlite3 *src, const char *from, sqlite3 *dst, const char *to,
                      const char *cols, SalvageCount *c, EwErr *err)
{
    char *pk = NULL, *all = columns_of(src, from, &pk);
    char *use = cols ? ew_xstrdup(cols) : common_columns(src, from, dst, to);
    int rc = EW_OK;
    if (!all || !use) {
        c->damaged |= !all; /* the table's schema itself is unreadable */
        goto out;
    }
    /* The b-tree's own order: rowid for ordinary tables, the primary key
     * for WITHOUT ROWID ones (which have no rowid to select). */
    sqlite3_stmt *probe = NULL;
    char *q = ew_xasprintf("SELECT rowid FROM \"%s\"", from);
    int rowid = sqlite3_prepare_v2(src, q, -1, &probe, NULL) == SQLITE_OK;
    sqlite3_finalize(probe);
    free(q);
    const char *order = rowid || !pk ? "rowid" : pk;
    char *fwd = ew_xasprintf("SELECT %s FROM \"%s\" ORDER BY %s", use, from, order);
    char *bwd = NULL;
    if (strchr(order, ',')) { /* every key column descending */
        char *desc = ew_xstrdup(""), *copy = ew_xstrdup(order);
        char *save = NULL;
        for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
            char *next = ew_xasprintf("%s%s%s DESC", desc, *desc ? "," : "", tok);
            free(desc);
            desc = next;
        }
        bwd = ew_xasprintf("SELECT %s FROM \"%s\" ORDER BY %s", use, from, desc);
        free(desc);
        free(copy);
    } else {
        bwd = ew_xasprintf("SELECT %s FROM \"%s\" ORDER BY %s DESC", use, from, order);
    }
    size_t n = 1;
    for (const char *p = use; *p; p++)
        n += *p == ',';
    char *marks = ew_xcalloc(2 * n + 1, 1);
    for (size_t i = 0; i < n; i++)
        strcat(marks, i ? ",?" : "?");
    char *insert = ew_xasprintf("INSERT OR IGNORE INTO \"%s\"(%s) VALUES(%s)", to, use, marks);
    sqlite3_stmt *ins = NULL;
    if (sqlite3_prepare_v2(dst, insert, -1, &ins, NULL) != SQLITE_OK) {
        rc = db_fail(dst, err, "preparing the rebuilt database");
    } else if (!copy_pass(src, fwd, ins, c)) {
        c->damaged = 1;
        copy_pass(src, bwd, ins, c);
    }
    sqlite3_finalize(ins);
    free(insert);
    free(marks);
    free(fwd);
    free(bwd);
out:
    free(pk);
    free(all);
    free(use);
    return rc;
}

/* Reads the keys of every record the damaged file's index names, and the
 * codes of every appeal it showed, into temp tables of dst, to tell what
 * was lost. */
void salvage_read_keys(sqlite3 *src, sqlite3 *dst, EwErr *err)
{
    db_exec(dst, err,
            "CREATE TEMP TABLE was_rec(device BLOB, seq INTEGER, PRIMARY KEY(device, seq));"
            "CREATE TEMP TABLE was_appeal(code TEXT PRIMARY KEY);");
    static const char *const passes[][2] = {
        {"SELECT device, seq FROM records INDEXED BY records_order ORDER BY hlc, device, seq",
         "INSERT OR IGNORE INTO temp.was_rec VALUES(?,?)"},
        {"SELECT device, seq FROM records INDEXED BY records_order "
         "ORDER BY hlc DESC, device DESC, seq DESC",
         "INSERT OR IGNORE INTO temp.was_rec VALUES(?,?)"},
        {"SELECT device, seq FROM waiting ORDER BY device, seq",
         "INSERT OR IGNORE INTO temp.was_rec VALUES(?,?)"},
        {"SELECT code FROM appeals ORDER BY rowid", "INSERT OR IGNORE INTO temp.was_appeal VALUES(?)"},
        {"SELECT code FROM appeals ORDER BY rowid DESC",
         "INSERT OR IGNORE INTO temp.was_appeal VALUES(?)"},
    };
    for (size_t i = 0; i < sizeof passes / sizeof passes[0]; i++) {
        sqlite3_stmt *ins = NULL;
        SalvageCount c = {0};
        if (sqlite3_prepare_v2(dst, passes[i][1], -1, &ins, NULL) == SQLITE_OK)
            copy_pass(src, passes[i][0], ins, &c);
        sqlite3_finalize(ins);
    }
}

/* Looks up one row of src by its key and copies it with ins; 1 when a
 * row was copied. `get` seeks the key from below, `back` from above (both
 * bound). WITHOUT ROWID tables are index b-trees, which keep rows on their
 * interior pages too: a seek from below descends into the subtree left of
 * such a row, and when that leaf is damaged the seek fails, while a seek
 * from above (through the leaf to its right, then back up) still reaches
 * the row. */
static int copy_one(sqlite3_stmt *get, sqlite3_stmt *back, sqlite3_stmt *ins)
{
    int copied = 0;
    sqlite3_stmt *use = get;
    int rc = sqlite3_step(get);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE && back) {
        use = back;
        rc = sqlite3_step(back);
    }
    if (rc == SQLITE_ROW) {
        int n = sqlite3_bind_parameter_count(ins);
        for (int i = 0; i < n; i++)
            sqlite3_bind_value(ins, i + 1, sqlite3_column_value(use, i));
        copied = sqlite3_step(ins) == SQLITE_DONE && sqlite3_changes(sqlite3_db_handle(ins)) > 0;
        sqlite3_reset(ins);
    }
    sqlite3_reset(get);
    if (back)
        sqlite3_reset(back);
    return copied;
}

/* The records between two damaged stretches of the table, which neither
 * scan reaches: each key the index names (temp.was_rec) that the bundle
 * lacks is looked up on its own, through the b-tree from its root. */
int salvage_fill_records(sqlite3 *src, sqlite3 *dst, sqlite3 *b, SalvageCount *c, EwErr *err)
{
    sqlite3_stmt *keys = NULL, *have = NULL, *get = NULL, *back = NULL, *ins = NULL;
    int rc = EW_OK;
    if (sqlite3_prepare_v2(dst, "SELECT device, seq FROM temp.was_rec", -1, &keys, NULL) !=
            SQLITE_OK ||
        sqlite3_prepare_v2(b, "SELECT 1 FROM records WHERE device=? AND seq=?", -1, &have,
                           NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(b, "INSERT OR IGNORE INTO records VALUES(?,?,?,?,?,?,?,?)", -1, &ins,
                           NULL) != SQLITE_OK)
        rc = ew_err(err, EW_EDB, "cannot list the records to look for");
    if (rc == EW_OK &&
        sqlite3_prepare_v2(src,
                           "SELECT device,seq,hlc,kind,body,prev,hash,sig FROM records "
                           "WHERE device=? AND seq=?",
                           -1, &get, NULL) != SQLITE_OK)
        get = NULL; /* no readable records table: nothing to look up */
    /* (The outer WHERE keeps only the row asked for; a subquery with a
     * LIMIT is neither flattened nor given the outer WHERE, so the seek
     * stays the backward one.) */
    if (get && sqlite3_prepare_v2(src,
                                  "SELECT * FROM (SELECT device,seq,hlc,kind,body,prev,hash,sig "
                                  "FROM records WHERE (device,seq)<=(?1,?2) ORDER BY device "
                                  "DESC, seq DESC LIMIT 1) WHERE device=?1 AND seq=?2",
                                  -1, &back, NULL) != SQLITE_OK)
        back = NULL;
    while (rc == EW_OK && get && sqlite3_step(keys) == SQLITE_ROW) {
        sqlite3_bind_value(have, 1, sqlite3_column_value(keys, 0));
        sqlite3_bind_value(have, 2, sqlite3_column_value(keys, 1));
        int held = sqlite3_step(have) == SQLITE_ROW;
        sqlite3_reset(have);
        if (held)
            continue;
        for (int i = 0; i < 2; i++) {
            sqlite3_bind_value(get, i + 1, sqlite3_column_value(keys, i));
            if (back)
                sqlite3_bind_value(back, i + 1, sqlite3_column_value(keys, i));
        }
        c->rows += copy_one(get, back, ins);
    }
    sqlite3_finalize(keys);
    sqlite3_finalize(have);
    sqlite3_finalize(get);
    sqlite3_finalize(back);
    sqlite3_finalize(ins);
    return rc;
}

/* Likewise the texts the salvaged records name that the scans missed. */
int salvage_fill_blobs(sqlite3 *src, sqlite3 *b, SalvageCount *c, EwErr *err)
{
    sqlite3_stmt *want = NULL, *get = NULL, *back = NULL, *ins = NULL;
    int rc = EW_OK;
    if (sqlite3_prepare_v2(b,
                           "SELECT DISTINCT json_extract(r.body, '$.' || k.key) FROM records r, "
                           "(SELECT 'text' AS key UNION SELECT 'note' UNION SELECT 'answer' "
                           "UNION SELECT 'contact') k WHERE json_valid(r.body) AND "
                           "json_extract(r.body, '$.' || k.key) IS NOT NULL",
                           -1, &want, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(b, "INSERT OR IGNORE INTO blobs VALUES(?,?)", -1, &ins, NULL) !=
            SQLITE_OK)
        rc = ew_err(err, EW_EDB, "cannot list the texts to look for");
    if (rc == EW_OK &&
        sqlite3_prepare_v2(src, "SELECT hash, data FROM blobs WHERE hash=?1", -1, &get, NULL) !=
            SQLITE_OK)
        get = NULL;
    if (get && sqlite3_prepare_v2(src,
                                  "SELECT * FROM (SELECT hash, data FROM blobs WHERE hash<=?1 "
                                  "ORDER BY hash DESC LIMIT 1) WHERE hash=?1",
                                  -1, &back, NULL) != SQLITE_OK)
        back = NULL;
    while (rc == EW_OK && get && sqlite3_step(want) == SQLITE_ROW) {
        unsigned char h[32];
        const char *hex = (const char *)sqlite3_column_text(want, 0);
        if (!hex || strlen(hex) != 64 || ew_unhex(hex, h, sizeof h) != 0)
            continue;
        sqlite3_bind_blob(get, 1, h, sizeof h, SQLITE_TRANSIENT);
        if (back)
            sqlite3_bind_blob(back, 1, h, sizeof h, SQLITE_TRANSIENT);
        c->rows += copy_one(get, back, ins);
    }
    sqlite3_finalize(want);
    sqlite3_finalize(get);
    sqlite3_finalize(back);
    sqlite3_finalize(ins);
    return rc;
}

/* The records lost (named by the damaged file's index, in neither the log
 * nor waiting now), per device as seq ranges. */
json_t *salvage_lost_records(sqlite3 *db, int64_t *total)
{
    json_t *out = json_array();
    *total = 0;
    sqlite3_stmt *st = db_prep(db, NULL,
                               "SELECT lower(hex(w.device)), d.role, d.hall, w.seq FROM "
                               "temp.was_rec w LEFT JOIN devices d ON d.device=w.device WHERE "
                               "NOT EXISTS (SELECT 1 FROM records r WHERE r.device=w.device AND "
                               "r.seq=w.seq) AND NOT EXISTS (SELECT 1 FROM waiting x WHERE "
                               "x.device=w.device AND x.seq=w.seq) ORDER BY w.device, w.seq",
                               NULL);
    json_t *cur = NULL;
    char dev[40] = "";
    int64_t last = -2;
    while (st && sqlite3_step(st) == SQLITE_ROW) {
        const char *d = (const char *)sqlite3_column_text(st, 0);
        int64_t seq = sqlite3_column_int64(st, 3);
        (*total)++;
        if (!d)
            continue;
        if (!cur || strcmp(d, dev) != 0) {
            snprintf(dev, sizeof dev, "%s", d);
            cur = json_pack("{s:s,s:s?,s:s?,s:[]}", "device", d, "role",
                            (const char *)sqlite3_column_text(st, 1), "hall",
                            (const char *)sqlite3_column_text(st, 2), "seqs");
            json_array_append_new(out, cur);
            last = -2;
        }
        json_t *seqs = json_object_get(cur, "seqs");
        json_t *range = json_array_get(seqs, json_array_size(seqs) - 1);
        if (range && seq == last + 1)
            json_array_set_new(range, 1, json_integer(seq));
        else
            json_array_append_new(seqs, json_pack("[I,I]", (json_int_t)seq, (json_int_t)seq));
        last = seq;
    }
    db_done(st);
    return out;
}

json_t *salvage_lost_appeals(sqlite3 *db)
{
    json_t *out = json_array();
    sqlite3_stmt *st = db_prep(db, NULL,
                               "SELECT code FROM temp.was_appeal WHERE code NOT IN (SELECT code "
                               "FROM appeals) ORDER BY code",
                               NULL);
    while (st && sqlite3_step(st) == SQLITE_ROW)
        json_array_append_new(out, json_string((const char *)sqlite3_column_text(st, 0)));
    db_done(st);
    return out;
}

/* ---- a lost header ---- */

static void put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

/* 1 when sql's first step gives a row or the end (not an error). */
static int steps(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK ? sqlite3_step(st)
                                                                      : SQLITE_ERROR;
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

/* 1 when SQLite reads db's schema: a file with a lost header does not. */
int salvage_readable(sqlite3 *db) { return steps(db, "SELECT count(*) FROM sqlite_schema"); }

/* 1 when, beyond the schema, the identity or the first records read: the
 * page size guessed for a new header is the right one. */
static int pages_line_up(sqlite3 *db)
{
    return salvage_readable(db) && (steps(db, "SELECT device FROM device_self") ||
                            steps(db, "SELECT device FROM records ORDER BY device, seq"));
}

/* A file whose first 100 bytes (SQLite's header) are gone is "not a
 * database" to SQLite although every page after them may be whole: a copy
 * of it at `out` with a header made anew (each usual page size tried until
 * the schema and the identity read). 0 when such a copy was made. */
int salvage_rescue_header(const char *path, const char *out)
{
    static const unsigned sizes[] = {4096, 1024, 2048, 8192, 16384, 32768, 65536, 512};
    size_t len = 0;
    unsigned char *bytes = NULL;
    FILE *f = fopen(path, "rb");
    if (f) {
        struct stat st;
        if (fstat(fileno(f), &st) == 0 && st.st_size >= 1024 &&
            (uint64_t)st.st_size <= ((uint64_t)1 << 34)) {
            bytes = ew_xmalloc((size_t)st.st_size);
            len = fread(bytes, 1, (size_t)st.st_size, f);
        }
        fclose(f);
    }
    int found = -1;
    for (size_t i = 0; bytes && found != 0 && i < sizeof sizes / sizeof sizes[0]; i++) {
        unsigned ps = sizes[i];
        if (len < 2 * (size_t)ps)
            continue;
        unsigned char *h = bytes;
        memset(h, 0, 100);
        memcpy(h, "SQLite format 3", 16);
        h[16] = (unsigned char)(ps == 65536 ? 0 : ps >> 8);
        h[17] = (unsigned char)(ps == 65536 ? 1 : ps & 0xff);
        h[18] = h[19] = 1; /* rollback journal: readable without a -wal */
        h[21] = 64;
        h[22] = h[23] = 32;
        put32(h + 24, 1);                        /* change counter */
        put32(h + 28, (uint32_t)(len / ps));     /* pages */
        put32(h + 40, 1);                        /* schema cookie */
        put32(h + 44, 4);                        /* schema format */
        put32(h + 56, 1);                        /* UTF-8 */
        put32(h + 92, 1);                        /* the page count is valid */
        put32(h + 96, SQLITE_VERSION_NUMBER);
        FILE *o = fopen(out, "wb");
        int wrote = o && fwrite(bytes, 1, len - len % ps, o) == len - len % ps;
        if (o && fclose(o) != 0)
            wrote = 0;
        sqlite3 *db;
        if (wrote && salvage_open(out, &db) == 0) {
            if (pages_line_up(db))
                found = 0;
            sqlite3_close(db);
        }
    }
    free(bytes);
    if (found != 0)
        salvage_remove_db(out);
    return found;
}

