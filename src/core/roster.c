/*
 * roster.c: the roster as records, and looking people up (see roster.h).
 */
#include "roster.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "code.h"
#include "db.h"
#include "domain.h"

/* A roster name: one non-blank line of text. */
static int name_ok(const char *name, EwErr *err)
{
    if (!name || ew_blank(name) || !ew_text_ok(name, 200) || strchr(name, '\n'))
        return ew_err(err, EW_EINPUT, "name '%s' must be one non-blank line of text",
                      name ? name : "");
    return EW_OK;
}

static int author(sqlite3 *db, Author *a, int64_t hlc, const char *kind, json_t *body, EwErr *err)
{
    int rc = device_author(db, a, hlc, kind, body, err);
    json_decref(body);
    return rc;
}

int roster_add_branch(sqlite3 *db, Author *a, const char *code, const char *name,
                      const char *const *grids, int64_t hlc, EwErr *err)
{
    if (!code_hall_valid(code))
        return ew_err(err, EW_EINPUT, "'%s' is not a hall code like H07", code ? code : "");
    int rc = name_ok(name, err);
    if (rc)
        return rc;
    json_t *g = json_array();
    for (int i = 0; grids && grids[i]; i++)
        json_array_append_new(g, json_string(grids[i]));
    return author(db, a, hlc, "roster.branch",
                  json_pack("{s:s,s:s,s:o}", "code", code, "name", name, "grids", g), err);
}

/* The next free ID with a prefix: one past the highest number in use. */
static void next_id(sqlite3 *db, const char *table, const char *prefix, int width,
                    char out[ROSTER_ID_MAX])
{
    int64_t n = 0;
    char sql[160];
    snprintf(sql, sizeof sql,
             "SELECT max(CAST(substr(id, %zu) AS INTEGER)) FROM %s WHERE id GLOB '%s[0-9]*'",
             strlen(prefix) + 1, table, prefix);
    db_int(db, NULL, &n, 0, sql, NULL);
    snprintf(out, ROSTER_ID_MAX, "%s%0*lld", prefix, width, (long long)n + 1);
}

int roster_add_person(sqlite3 *db, Author *a, const char *id, const char *name, const char *role,
                      const char *branch, int64_t hlc, char id_out[ROSTER_ID_MAX], EwErr *err)
{
    const Term *r = domain_find(DOMAIN_ROLES, role);
    if (!r)
        return ew_err(err, EW_EINPUT,
                      "role '%s' is not secretary, first_secretary, grid_leader, member or leader",
                      role ? role : "");
    int rc = name_ok(name, err);
    if (rc)
        return rc;
    if (branch && !code_hall_valid(branch))
        return ew_err(err, EW_EINPUT, "branch '%s' is not a hall code like H07", branch);
    if (id)
        snprintf(id_out, ROSTER_ID_MAX, "%s", id);
    else
        next_id(db, "people", "P", 4, id_out);
    json_t *body = json_pack("{s:s,s:s,s:s}", "id", id_out, "name", name, "role", r->key);
    if (branch)
        json_object_set_new(body, "branch", json_string(branch));
    return author(db, a, hlc, "roster.person", body, err);
}

int roster_add_unit(sqlite3 *db, Author *a, const char *id, const char *name, int64_t hlc,
                    char id_out[ROSTER_ID_MAX], EwErr *err)
{
    int rc = name_ok(name, err);
    if (rc)
        return rc;
    if (id)
        snprintf(id_out, ROSTER_ID_MAX, "%s", id);
    else
        next_id(db, "units", "U", 2, id_out);
    return author(db, a, hlc, "roster.unit", json_pack("{s:s,s:s}", "id", id_out, "name", name),
                  err);
}

/* Looks WHO up by ID, then by name, in `table` with an extra condition. */
static int find(sqlite3 *db, const char *table, const char *cond, const char *who,
                const char *what, const char *kind, char id_out[ROSTER_ID_MAX], EwErr *err)
{
    if (!who || ew_blank(who))
        return ew_err(err, EW_EINPUT, "%s is empty", what);
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT id FROM %s WHERE id=? AND %s", table, cond);
    char *id = NULL;
    int rc = db_text(db, err, &id, sql, "t", who);
    if (rc)
        return rc;
    if (id) {
        snprintf(id_out, ROSTER_ID_MAX, "%s", id);
        free(id);
        return EW_OK;
    }
    snprintf(sql, sizeof sql,
             "SELECT id, name, %s FROM %s WHERE name=? AND %s ORDER BY id",
             strcmp(table, "people") == 0 ? "coalesce(branch,'town')" : "''", table, cond);
    sqlite3_stmt *st = db_prep(db, err, sql, "t", who);
    if (!st)
        return EW_EDB;
    int n = 0;
    char list[400] = "";
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (n == 0)
            snprintf(id_out, ROSTER_ID_MAX, "%s", sqlite3_column_text(st, 0));
        size_t len = strlen(list);
        snprintf(list + len, sizeof list - len, "%s%s (%s%s%s)", n ? ", " : "",
                 sqlite3_column_text(st, 0), sqlite3_column_text(st, 1),
                 *sqlite3_column_text(st, 2) ? ", " : "", sqlite3_column_text(st, 2));
        n++;
    }
    db_done(st);
    if (n == 0)
        return ew_err(err, EW_ENOTFOUND, "%s '%s': no such %s in the roster", what, who, kind);
    if (n > 1)
        return ew_err(err, EW_EAMBIG, "%s '%s' is ambiguous: give one of the IDs %s", what, who,
                      list);
    return EW_OK;
}

int roster_find_person(sqlite3 *db, const char *who, const char *role, const char *what,
                       char id_out[ROSTER_ID_MAX], EwErr *err)
{
    return find(db, "people", role ? "role='leader'" : "role<>'leader'", who, what,
                role ? "responsible leader" : "party member", id_out, err);
}

int roster_find_unit(sqlite3 *db, const char *who, const char *what, char id_out[ROSTER_ID_MAX],
                     EwErr *err)
{
    return find(db, "units", "1", who, what, "unit", id_out, err);
}

int roster_find_branch(sqlite3 *db, const char *who, char code_out[4], EwErr *err)
{
    char *code = NULL;
    int rc = db_text(db, err, &code, "SELECT code FROM branches WHERE code=? OR name=?", "tt",
                     who, who);
    if (rc)
        return rc;
    if (!code)
        return ew_err(err, EW_ENOTFOUND, "no branch '%s' in the roster", who);
    snprintf(code_out, 4, "%s", code);
    free(code);
    return EW_OK;
}

int roster_json(sqlite3 *db, json_t **out, EwErr *err)
{
    json_t *branches = json_array(), *people = json_array(), *units = json_array();
    *out = json_pack("{s:o,s:o,s:o}", "branches", branches, "people", people, "units", units);
    sqlite3_stmt *st = db_prep(db, err, "SELECT code, name, grids FROM branches ORDER BY code", NULL);
    while (st && sqlite3_step(st) == SQLITE_ROW) {
        json_t *g = json_loads((const char *)sqlite3_column_text(st, 2), 0, NULL);
        json_array_append_new(branches,
                              json_pack("{s:s,s:s,s:o}", "code", sqlite3_column_text(st, 0),
                                        "name", sqlite3_column_text(st, 1), "grids",
                                        g ? g : json_array()));
    }
    db_done(st);
    sqlite3_stmt *sp = db_prep(db, err, "SELECT id, name, role, branch FROM people ORDER BY id",
                               NULL);
    while (sp && sqlite3_step(sp) == SQLITE_ROW) {
        const char *branch = (const char *)sqlite3_column_text(sp, 3);
        json_array_append_new(people, json_pack("{s:s,s:s,s:s,s:s?}", "id",
                                                sqlite3_column_text(sp, 0), "name",
                                                sqlite3_column_text(sp, 1), "role",
                                                sqlite3_column_text(sp, 2), "branch", branch));
    }
    db_done(sp);
    sqlite3_stmt *su = db_prep(db, err, "SELECT id, name FROM units ORDER BY id", NULL);
    while (su && sqlite3_step(su) == SQLITE_ROW)
        json_array_append_new(units, json_pack("{s:s,s:s}", "id", sqlite3_column_text(su, 0),
                                               "name", sqlite3_column_text(su, 1)));
    db_done(su);
    if (!st || !sp || !su) {
        json_decref(*out);
        *out = NULL;
        return EW_EDB;
    }
    return EW_OK;
}

void roster_subject(sqlite3 *db, const char *hall, const char *who, char **name, char **role)
{
    *name = *role = NULL;
    if (strcmp(who, "branch") == 0) {
        db_text(db, NULL, name, "SELECT name FROM branches WHERE code=?", "t", hall ? hall : "");
        *role = ew_xstrdup("branch");
    } else {
        db_text(db, NULL, name, "SELECT name FROM people WHERE id=?", "t", who);
        db_text(db, NULL, role, "SELECT role FROM people WHERE id=?", "t", who);
    }
    if (!*name)
        *name = ew_xstrdup(who);
    if (!*role)
        *role = ew_xstrdup("");
}

int roster_meeting_subjects(sqlite3 *db, const char *hall, json_t **out, EwErr *err)
{
    json_t *subj = json_array();
    json_array_append_new(subj, json_string("branch"));
    sqlite3_stmt *st = db_prep(db, err,
                               "SELECT id FROM people WHERE branch=? AND role IN "
                               "('secretary','grid_leader') ORDER BY role='grid_leader', id",
                               "t", hall);
    while (st && sqlite3_step(st) == SQLITE_ROW)
        json_array_append_new(subj, json_string((const char *)sqlite3_column_text(st, 0)));
    db_done(st);
    if (!st) {
        json_decref(subj);
        return EW_EDB;
    }
    *out = subj;
    return EW_OK;
}
