/*
 * roster.h: branches (halls) and their grids, people and units.
 *
 * The roster is written by the office as roster.* records. People have
 * roster IDs (names repeat in villages): P0001...; units U01...
 * A person or unit named on the command line may be given by ID or by a name
 * that is unique; an ambiguous name is EW_EAMBIG listing the candidates.
 */
#ifndef EW_ROSTER_H
#define EW_ROSTER_H

#include <jansson.h>
#include <sqlite3.h>

#include "device.h"

#define ROSTER_ID_MAX 33

int roster_add_branch(sqlite3 *db, Author *a, const char *code, const char *name,
                      const char *const *grids, int64_t hlc, EwErr *err);
/* id NULL: the next free P-number, written to id_out. */
int roster_add_person(sqlite3 *db, Author *a, const char *id, const char *name, const char *role,
                      const char *branch, int64_t hlc, char id_out[ROSTER_ID_MAX], EwErr *err);
int roster_add_unit(sqlite3 *db, Author *a, const char *id, const char *name, int64_t hlc,
                    char id_out[ROSTER_ID_MAX], EwErr *err);

/* Resolves WHO (an ID or a unique name) to a person's ID. role "leader"
 * looks among responsible leaders; NULL among everyone else. `what` names
 * the argument in messages (e.g. "--member"). */
int roster_find_person(sqlite3 *db, const char *who, const char *role, const char *what,
                       char id_out[ROSTER_ID_MAX], EwErr *err);
int roster_find_unit(sqlite3 *db, const char *who, const char *what, char id_out[ROSTER_ID_MAX],
                     EwErr *err);
/* A branch by hall code or name; code_out[4]. */
int roster_find_branch(sqlite3 *db, const char *who, char code_out[4], EwErr *err);

/* {"branches": [{code,name,grids}], "people": [{id,name,role,branch}],
 *  "units": [{id,name}]} */
int roster_json(sqlite3 *db, json_t **out, EwErr *err);
/* The name and role of a meeting's subject: "branch" is hall's branch
 * (role "branch"), anything else a person's roster ID. Unknown IDs keep the
 * ID as name and "" as role. *name and *role malloc'd (caller frees). */
void roster_subject(sqlite3 *db, const char *hall, const char *who, char **name, char **role);
/* Who a meeting of hall evaluates unless told otherwise: ["branch", its
 * secretary, its micro-grid leaders by ID]. *out: caller json_decref's. */
int roster_meeting_subjects(sqlite3 *db, const char *hall, json_t **out, EwErr *err);

#endif
