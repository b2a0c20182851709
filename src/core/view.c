/*
 * view.c: reading appeals and figures out of the derived tables.
 */
#include "view.h"

#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "config.h"
#include "db.h"
#include "domain.h"
#include "record.h"

static const char SELECT[] =
    "SELECT a.code, a.hall, b.name, a.grid, a.category, a.text_hash, a.published, a.grade, "
    "a.status, pm.name, pl.name, u.name, a.member, a.leader, a.unit, a.created_day, "
    "a.graded_day, a.due_day, a.solved_day, a.answer_hash, a.rating, a.source, a.ledger_no, "
    "a.redacted "
    "FROM appeals a LEFT JOIN branches b ON b.code = a.hall "
    "LEFT JOIN people pm ON pm.id = a.member LEFT JOIN people pl ON pl.id = a.leader "
    "LEFT JOIN units u ON u.id = a.unit ";

static json_t *jtext(sqlite3_stmt *st, int col)
{
    const unsigned char *s = sqlite3_column_text(st, col);
    return s ? json_string((const char *)s) : json_null();
}

static json_t *jday(sqlite3_stmt *st, int col)
{
    if (sqlite3_column_type(st, col) == SQLITE_NULL)
        return json_null();
    char d[11];
    clock_format_day(sqlite3_column_int64(st, col), d);
    return json_string(d);
}

static json_t *jblob(sqlite3 *db, sqlite3_stmt *st, int col)
{
    char *t = blob_get_text(db, (const char *)sqlite3_column_text(st, col));
    json_t *j = t ? json_string(t) : json_null();
    free(t);
    return j;
}

/* The timeline of one appeal. */
static json_t *timeline(sqlite3 *db, const char *code)
{
    json_t *arr = json_array();
    sqlite3_stmt *st = db_prep(db, NULL,
                               "SELECT day, kind, by_role, by_hall, detail, applied, note "
                               "FROM timeline WHERE code=? ORDER BY hlc, device, seq",
                               "t", code);
    while (st && sqlite3_step(st) == SQLITE_ROW) {
        json_t *e = json_object();
        json_object_set_new(e, "day", jday(st, 0));
        json_object_set_new(e, "kind", jtext(st, 1));
        json_object_set_new(e, "by", jtext(st, 2));
        json_object_set_new(e, "hall", jtext(st, 3));
        json_object_set_new(e, "applied", json_boolean(sqlite3_column_int(st, 5)));
        json_object_set_new(e, "refusal", jtext(st, 6));
        json_t *body = json_loads((const char *)sqlite3_column_text(st, 4), 0, NULL);
        /* Public facts of the step; appeal.new's "rating" is a secret's hash. */
        static const char *const copy[] = {"grade", "member", "leader", "unit", "due", "rating"};
        int is_rate = strcmp((const char *)sqlite3_column_text(st, 1), "rate") == 0;
        for (size_t i = 0; body && i < sizeof copy / sizeof copy[0] - !is_rate; i++) {
            json_t *v = json_object_get(body, copy[i]);
            if (v)
                json_object_set(e, copy[i], v);
        }
        /* An assignment step names people and unit as they are in the roster now. */
        static const char *const named[][3] = {{"member", "member_name", "SELECT name FROM people WHERE id=?"},
                                               {"leader", "leader_name", "SELECT name FROM people WHERE id=?"},
                                               {"unit", "unit_name", "SELECT name FROM units WHERE id=?"}};
        for (size_t i = 0; body && i < 3; i++) {
            json_t *id = json_object_get(body, named[i][0]);
            char *name = NULL;
            if (json_is_string(id) &&
                db_text(db, NULL, &name, named[i][2], "t", json_string_value(id)) == EW_OK && name)
                json_object_set_new(e, named[i][1], json_string(name));
            free(name);
        }
        static const char *const texts[] = {"note", "answer"};
        json_t *reason = body ? json_object_get(body, "reason") : NULL;
        if (json_is_string(reason)) /* a redaction's reason is the office's words, in the body */
            json_object_set(e, "text", reason);
        for (size_t i = 0; body && i < 2; i++) {
            json_t *v = json_object_get(body, texts[i]);
            if (json_is_string(v)) {
                char *t = blob_get_text(db, json_string_value(v));
                json_object_set_new(e, "text", t ? json_string(t) : json_null());
                free(t);
            }
        }
        json_decref(body);
        json_array_append_new(arr, e);
    }
    db_done(st);
    return arr;
}

static json_t *row_json(sqlite3 *db, sqlite3_stmt *st, int64_t today, int with_timeline)
{
    json_t *o = json_object();
    const char *code = (const char *)sqlite3_column_text(st, 0);
    const Term *cat = domain_find(DOMAIN_CATEGORIES, (const char *)sqlite3_column_text(st, 4));
    const char *status = (const char *)sqlite3_column_text(st, 8);
    json_object_set_new(o, "code", json_string(code));
    json_object_set_new(o, "hall", jtext(st, 1));
    json_object_set_new(o, "hall_name", jtext(st, 2));
    json_object_set_new(o, "grid", jtext(st, 3));
    json_object_set_new(o, "category", jtext(st, 4));
    json_object_set_new(o, "category_zh", cat ? json_string(cat->zh) : json_null());
    json_object_set_new(o, "text", jblob(db, st, 5));
    json_object_set_new(o, "published", json_boolean(sqlite3_column_int(st, 6)));
    json_object_set_new(o, "grade", jtext(st, 7));
    json_object_set_new(o, "status", json_string(status));
    json_object_set_new(o, "member", jtext(st, 9));
    json_object_set_new(o, "leader", jtext(st, 10));
    json_object_set_new(o, "unit", jtext(st, 11));
    json_object_set_new(o, "member_id", jtext(st, 12));
    json_object_set_new(o, "leader_id", jtext(st, 13));
    json_object_set_new(o, "unit_id", jtext(st, 14));
    json_object_set_new(o, "created", jday(st, 15));
    json_object_set_new(o, "graded", jday(st, 16));
    json_object_set_new(o, "due", jday(st, 17));
    int64_t overdue = 0;
    if (strcmp(status, "solved") != 0 && sqlite3_column_type(st, 17) != SQLITE_NULL &&
        today > sqlite3_column_int64(st, 17))
        overdue = today - sqlite3_column_int64(st, 17);
    json_object_set_new(o, "overdue_days", json_integer(overdue));
    json_object_set_new(o, "solved", jday(st, 18));
    json_object_set_new(o, "answer", sqlite3_column_type(st, 19) == SQLITE_NULL ||
                                             strcmp(status, "solved") != 0
                                         ? json_null()
                                         : jblob(db, st, 19));
    json_object_set_new(o, "satisfaction", jtext(st, 20));
    json_object_set_new(o, "source", jtext(st, 21));
    json_object_set_new(o, "ledger_no", jtext(st, 22));
    json_object_set_new(o, "redacted", json_boolean(sqlite3_column_int(st, 23)));
    if (with_timeline)
        json_object_set_new(o, "timeline", timeline(db, code));
    return o;
}

int view_appeal(sqlite3 *db, const char *code, json_t **out, EwErr *err)
{
    char sql[1024];
    snprintf(sql, sizeof sql, "%s WHERE a.code = ?", SELECT);
    sqlite3_stmt *st = db_prep(db, err, sql, "t", code);
    *out = NULL;
    if (!st)
        return EW_EDB;
    if (sqlite3_step(st) == SQLITE_ROW)
        *out = row_json(db, st, db_today(db), 1);
    db_done(st);
    return *out ? EW_OK : ew_err(err, EW_ENOTFOUND, "no appeal %s", code);
}

int view_appeals_each(sqlite3 *db, const AppealFilter *f, AppealFn fn, void *ctx, EwErr *err)
{
    int64_t today = db_today(db);
    char sql[1400];
    snprintf(sql, sizeof sql,
             "%s WHERE (?1 IS NULL OR a.hall = ?1) "
             "AND (?2 IS NULL OR coalesce(a.grade,'none') = ?2) "
             "AND (?3 IS NULL OR a.status = ?3) "
             "AND (?4 = 0 OR (a.status <> 'solved' AND a.due_day < ?5)) "
             "ORDER BY a.created_hlc DESC, a.code LIMIT ?6",
             SELECT);
    sqlite3_stmt *st = db_prep(db, err, sql, "tttdii", f->hall, f->grade, f->status, f->overdue,
                               today, (int64_t)(f->limit > 0 ? f->limit : -1));
    if (!st)
        return EW_EDB;
    int rc, stop = 0;
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        json_t *o = row_json(db, st, today, f->timeline);
        stop = fn(ctx, o);
        json_decref(o);
    }
    db_done(st);
    if (!stop && rc != SQLITE_DONE)
        return db_fail(db, err, "listing appeals");
    return EW_OK;
}

static int append(void *ctx, json_t *o)
{
    json_array_append(ctx, o);
    return 0;
}

int view_appeals(sqlite3 *db, const AppealFilter *f, json_t **out, EwErr *err)
{
    json_t *arr = json_array();
    int rc = view_appeals_each(db, f, append, arr, err);
    if (rc != EW_OK) {
        json_decref(arr);
        return rc;
    }
    *out = arr;
    return EW_OK;
}

static int64_t count(sqlite3 *db, const char *sql, const char *fmt, int64_t arg)
{
    int64_t n = 0;
    if (fmt)
        db_int(db, NULL, &n, 0, sql, fmt, arg);
    else
        db_int(db, NULL, &n, 0, sql, NULL);
    return n;
}

int view_stats(sqlite3 *db, json_t **out, EwErr *err)
{
    (void)err;
    int64_t today = db_today(db);
    json_t *o = json_object();
    char *town = NULL;
    config_get(db, "town.name", &town, NULL);
    json_object_set_new(o, "town", json_string(town ? town : ""));
    /* When this device last exchanged a stick that carried the office's
     * bundle (its own clock, CST): the kiosk shows "last synced with the
     * office". */
    int64_t last = 0;
    db_int(db, NULL, &last, 0, "SELECT max(at) FROM sync_log WHERE office_seen=1", NULL);
    if (last) {
        char day[11], when[24];
        int64_t t = last + CLOCK_CST_OFFSET_MS;
        clock_format_day(clock_day_of_ms(last), day);
        snprintf(when, sizeof when, "%s %02d:%02d", day, (int)(t / 3600000 % 24),
                 (int)(t / 60000 % 60));
        json_object_set_new(o, "last_office_sync", json_string(when));
    } else {
        json_object_set_new(o, "last_office_sync", json_null());
    }
    free(town);
    json_object_set_new(o, "branches", json_integer(count(db, "SELECT count(*) FROM branches", NULL, 0)));
    /* A meeting the office voided was set aside: not one the town held. */
    json_object_set_new(o, "meetings", json_integer(count(
                                           db, "SELECT count(*) FROM meetings WHERE status<>'void'",
                                           NULL, 0)));
    json_object_set_new(o, "appeals", json_integer(count(db, "SELECT count(*) FROM appeals", NULL, 0)));
    json_object_set_new(o, "leading_members",
                        json_integer(count(db, "SELECT count(*) FROM people WHERE role<>'leader'",
                                           NULL, 0)));
    json_object_set_new(o, "leaders",
                        json_integer(count(db, "SELECT count(*) FROM people WHERE role='leader'",
                                           NULL, 0)));
    json_object_set_new(o, "units", json_integer(count(db, "SELECT count(*) FROM units", NULL, 0)));
    json_object_set_new(o, "solved", json_integer(count(db, "SELECT count(*) FROM appeals WHERE "
                                                            "status='solved'", NULL, 0)));
    json_object_set_new(o, "overdue",
                        json_integer(count(db, "SELECT count(*) FROM appeals WHERE "
                                               "status<>'solved' AND due_day < ?", "i", today)));
    json_t *by_grade = json_object(), *by_status = json_object();
    for (const Term *t = DOMAIN_GRADES; t->key; t++)
        json_object_set_new(by_grade, t->key, json_integer(0));
    json_object_set_new(by_grade, "none", json_integer(0));
    for (const Term *t = DOMAIN_STATUSES; t->key; t++)
        json_object_set_new(by_status, t->key, json_integer(0));
    sqlite3_stmt *st = db_prep(db, NULL,
                               "SELECT coalesce(grade,'none'), count(*) FROM appeals GROUP BY 1",
                               NULL);
    while (st && sqlite3_step(st) == SQLITE_ROW)
        json_object_set_new(by_grade, (const char *)sqlite3_column_text(st, 0),
                            json_integer(sqlite3_column_int64(st, 1)));
    db_done(st);
    st = db_prep(db, NULL, "SELECT status, count(*) FROM appeals GROUP BY 1", NULL);
    while (st && sqlite3_step(st) == SQLITE_ROW)
        json_object_set_new(by_status, (const char *)sqlite3_column_text(st, 0),
                            json_integer(sqlite3_column_int64(st, 1)));
    db_done(st);
    json_object_set_new(o, "by_grade", by_grade);
    json_object_set_new(o, "by_status", by_status);
    *out = o;
    return EW_OK;
}
