/*
 * config.h: settings in one place.
 *
 * Two kinds, one command (`echowallctl config get|set|list`):
 *  - the device's own (printer, screen, idle timeout, language, ...): kept in
 *    the local_config table, never records, never travel;
 *  - the town's (tracking URL, default time limits per grade, time zone,
 *    town name): set only by the office, as config.set records that travel to
 *    every hall and are folded into town_config.
 * Every key has a default, a description and a validator (the table in
 * config.c, which the README mirrors).
 */
#ifndef EW_CONFIG_H
#define EW_CONFIG_H

#include <jansson.h>
#include <sqlite3.h>

#include "device.h"
#include "ew.h"

/* 1 for a town key, 0 for a device key, -1 for an unknown key. */
int config_scope(const char *key);
/* Checks a value for a key (either scope); EW_EINPUT with a message. */
int config_validate(const char *key, const char *value, EwErr *err);
/* Same, but only town keys are accepted (used by the fold). */
int config_town_validate(const char *key, const char *value, EwErr *err);
/* The current value (or default) of any key; *value malloc'd (caller frees). */
int config_get(sqlite3 *db, const char *key, char **value, EwErr *err);
/* 1 when key has a value of its own (not its default). */
int config_is_set(sqlite3 *db, const char *key);
/* The tracking URL of code: town.tracking_url with {code} replaced (the
 * template's other text kept). Never fails: the default template when the
 * setting cannot be read. */
void config_tracking_url(sqlite3 *db, const char *code, char *out, size_t n);
/* A town setting as an integer (its default when unset or not a number). */
int64_t config_town_int(sqlite3 *db, const char *key);
/* Sets a key: device keys locally, town keys by a config.set record written
 * by self (refused on a hall). Runs inside the caller's transaction. */
int config_set(sqlite3 *db, Author *self, const char *key, const char *value, EwErr *err);
/* screen.night's value ("HH:MM-HH:MM" or "off") into minutes of the day;
 * both -1 for "off". 0, or -1 when malformed (both then -1 too). */
int config_parse_night(const char *value, int *from_min, int *to_min);
/* 1 when minute (of the day, 0-1439) falls in the night from_min-to_min
 * (which may run across midnight; the end minute is day again). 0 when
 * either is -1 or both are the same. */
int config_night_covers(int from_min, int to_min, int minute);
/* Every key with its value, scope and description, as a JSON array. */
int config_list(sqlite3 *db, json_t **out, EwErr *err);

#endif
