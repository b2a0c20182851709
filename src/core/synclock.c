/*
 * synclock.c: adopting the office's time on kiosks (see synclock.h).
 */
#include "synclock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "db.h"

static int64_t local_int(sqlite3 *db, const char *key, int64_t dflt)
{
    int64_t v = dflt;
    db_int(db, NULL, &v, dflt, "SELECT CAST(value AS INTEGER) FROM local_config WHERE key=?", "t",
           key);
    return v;
}

static int set_local(sqlite3 *db, const char *key, int64_t v, EwErr *err)
{
    char text[32];
    snprintf(text, sizeof text, "%lld", (long long)v);
    return db_run(db, err,
                  "INSERT INTO local_config(key,value) VALUES(?,?) ON CONFLICT(key) DO UPDATE "
                  "SET value=excluded.value",
                  "tt", key, text);
}

json_t *synclock_office_time(sqlite3 *db, EwErr *err)
{
    int64_t now = db_now_ms(db), last = local_int(db, "clock.last_seen_ms", 0);
    int confirmed = last == 0 || (now >= last && now - last <= SYNCLOCK_JUMP_MS);
    if (confirmed && set_local(db, "clock.last_seen_ms", now, err) != EW_OK)
        return NULL;
    return json_pack("{s:I,s:b}", "wall", (json_int_t)now, "confirmed", confirmed);
}

int synclock_confirm(sqlite3 *db, EwErr *err)
{
    return set_local(db, "clock.last_seen_ms", db_now_ms(db), err);
}

int synclock_adopt(sqlite3 *db, json_t *office_time, json_t *report, EwErr *err)
{
    json_t *wall = json_object_get(office_time, "wall");
    if (!json_is_integer(wall) || !json_is_true(json_object_get(office_time, "confirmed")))
        return EW_OK;
    int64_t w = json_integer_value(wall), now = db_now_ms(db);
    int64_t known = local_int(db, "clock.office_confirmed_ms", 0);
    int rc = EW_OK;
    if (known && w > known + SYNCLOCK_AHEAD_MS) {
        char a[11], b[11];
        clock_format_day(clock_day_of_ms(w), a);
        clock_format_day(clock_day_of_ms(known), b);
        char *msg = ew_xasprintf("the office's clock says %s, more than 7 days after the last "
                                 "confirmed office time (%s): not adopted",
                                 a, b);
        json_object_set_new(report, "clock", json_pack("{s:s}", "refused", msg));
        free(msg);
        return EW_OK;
    }
    if (w > now) {
        int64_t offset = local_int(db, "clock.offset_ms", 0) + (w - now);
        rc = set_local(db, "clock.offset_ms", offset, err);
        json_object_set_new(report, "clock", json_pack("{s:I}", "adopted", (json_int_t)(w - now)));
    }
    if (rc == EW_OK && w > known)
        rc = set_local(db, "clock.office_confirmed_ms", w, err);
    return rc;
}

int synclock_state(sqlite3 *db, json_t **out, EwErr *err)
{
    char *role = NULL;
    int rc = db_text(db, err, &role, "SELECT role FROM device_self", NULL);
    if (rc)
        return rc;
    int64_t now = db_now_ms(db), last = local_int(db, "clock.last_seen_ms", 0);
    char day[11];
    clock_format_day(clock_day_of_ms(now), day);
    *out = json_pack("{s:I,s:s,s:I,s:s?}", "now", (json_int_t)now, "today", day, "offset_ms",
                     (json_int_t)local_int(db, "clock.offset_ms", 0), "role", role);
    if (role && strcmp(role, "office") == 0)
        json_object_set_new(*out, "confirmed",
                            json_boolean(last == 0 || (now >= last && now - last <= SYNCLOCK_JUMP_MS)));
    else
        json_object_set_new(*out, "last_office_time",
                            json_integer(local_int(db, "clock.office_confirmed_ms", 0)));
    free(role);
    return EW_OK;
}
