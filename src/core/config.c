/*
 * config.c: the settings table and its storage (see config.h).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"

typedef int (*Check)(const char *key, const char *value, EwErr *err);

typedef struct Setting {
    const char *key;
    int town;            /* 1: a town setting (records), 0: the device's own */
    const char *dflt;
    Check check;
    long lo, hi;         /* bounds for integer settings */
    const char *help;
} Setting;

static int check_int(const char *key, const char *value, EwErr *err);
static int check_enum(const char *key, const char *value, EwErr *err);
static int check_text(const char *key, const char *value, EwErr *err);
static int check_url(const char *key, const char *value, EwErr *err);
static int check_path(const char *key, const char *value, EwErr *err);
static int check_night(const char *key, const char *value, EwErr *err);

static const Setting settings[] = {
    /* the device's own */
    {"printer.path", 0, "/dev/usb/lp0", check_path, 0, 0, "receipt printer device"},
    {"printer.width", 0, "58", check_enum, 0, 0, "paper width in mm: 58 or 80"},
    {"screen.width_mm", 0, "155", check_int, 40, 3000, "visible screen width in mm"},
    {"screen.height_mm", 0, "87", check_int, 40, 3000, "visible screen height in mm"},
    {"screen.rotation", 0, "0", check_enum, 0, 0, "output rotation: 0, 90, 180 or 270"},
    {"idle.timeout_s", 0, "90", check_int, 20, 3600, "seconds without a touch before Home"},
    {"screen.night", 0, "22:00-06:00", check_night, 0, 0,
     "screen off while idle on Home between these times (HH:MM-HH:MM), or off"},
    {"ballot.cooldown_s", 0, "3", check_int, 0, 60, "seconds between two ballots at the kiosk"},
    {"ui.lang", 0, "zh", check_enum, 0, 0, "screen language: zh or en"},
    {"sync.mount", 0, "/run/echowall/stick", check_path, 0, 0,
     "where USB sticks are mounted (echowall-stick@.service mounts them there)"},
    /* the town's */
    {"town.name", 1, "青石镇", check_text, 0, 0, "the town's name"},
    {"town.tracking_url", 1, "https://example.gov.cn/echowall/{code}", check_url, 0, 0,
     "URL of an appeal's tracking page; {code} stands for the tracking code"},
    {"town.timezone", 1, "Asia/Shanghai", check_enum, 0, 0,
     "time zone of civil dates (China Standard Time)"},
    {"limit.green", 1, "7", check_int, 1, 365, "default time limit of green appeals, days"},
    {"limit.blue", 1, "15", check_int, 1, 365, "default time limit of blue appeals, days"},
    {"limit.orange", 1, "30", check_int, 1, 730, "default time limit of orange appeals, days"},
    {"site.results", 1, "all", check_enum, 0, 0,
     "the tracking site's evaluation results: all (every closed meeting) or none"},
};
#define NSETTINGS (sizeof settings / sizeof settings[0])

static const Setting *find(const char *key)
{
    for (size_t i = 0; key && i < NSETTINGS; i++)
        if (strcmp(settings[i].key, key) == 0)
            return &settings[i];
    return NULL;
}

static int check_int(const char *key, const char *value, EwErr *err)
{
    const Setting *s = find(key);
    char *end;
    long v = strtol(value, &end, 10);
    if (!*value || *end || v < s->lo || v > s->hi)
        return ew_err(err, EW_EINPUT, "%s must be a whole number from %ld to %ld, not '%s'", key,
                      s->lo, s->hi, value);
    return EW_OK;
}

static int check_enum(const char *key, const char *value, EwErr *err)
{
    static const struct {
        const char *key, *values[5];
    } enums[] = {
        {"printer.width", {"58", "80"}},
        {"screen.rotation", {"0", "90", "180", "270"}},
        {"ui.lang", {"zh", "en"}},
        {"town.timezone", {"Asia/Shanghai"}},
        {"site.results", {"all", "none"}},
    };
    for (size_t i = 0; i < sizeof enums / sizeof enums[0]; i++) {
        if (strcmp(enums[i].key, key) != 0)
            continue;
        char list[96] = "";
        for (int j = 0; j < 5 && enums[i].values[j]; j++) {
            if (strcmp(enums[i].values[j], value) == 0)
                return EW_OK;
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", j ? ", " : "",
                     enums[i].values[j]);
        }
        return ew_err(err, EW_EINPUT, "%s must be one of %s, not '%s'", key, list, value);
    }
    return ew_err(err, EW_EINPUT, "unknown setting %s", key);
}

static int check_text(const char *key, const char *value, EwErr *err)
{
    if (ew_blank(value) || !ew_text_ok(value, 200) || strchr(value, '\n'))
        return ew_err(err, EW_EINPUT, "%s must be one line of text (at most 200 bytes)", key);
    return EW_OK;
}

static int check_url(const char *key, const char *value, EwErr *err)
{
    if ((strncmp(value, "https://", 8) != 0 && strncmp(value, "http://", 7) != 0) ||
        !strstr(value, "{code}") || !ew_text_ok(value, 400) || strpbrk(value, " \n\t"))
        return ew_err(err, EW_EINPUT,
                      "%s must be an http(s) URL containing {code}, e.g. "
                      "https://town.gov.cn/appeal/{code}",
                      key);
    return EW_OK;
}

static int check_path(const char *key, const char *value, EwErr *err)
{
    if (value[0] != '/' || !ew_text_ok(value, 255) || strchr(value, '\n'))
        return ew_err(err, EW_EINPUT, "%s must be an absolute path", key);
    return EW_OK;
}

/* "HH:MM" at s into minutes of the day; the first character after it in
 * *end. -1 when it is not a time of day. */
static int parse_hhmm(const char *s, const char **end)
{
    if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9' || s[2] != ':' || s[3] < '0' ||
        s[3] > '9' || s[4] < '0' || s[4] > '9')
        return -1;
    int h = (s[0] - '0') * 10 + s[1] - '0', m = (s[3] - '0') * 10 + s[4] - '0';
    if (h > 23 || m > 59)
        return -1;
    *end = s + 5;
    return h * 60 + m;
}

int config_parse_night(const char *value, int *from_min, int *to_min)
{
    *from_min = *to_min = -1;
    if (!value || strcmp(value, "off") == 0)
        return 0;
    const char *p;
    int from = parse_hhmm(value, &p);
    if (from < 0 || *p != '-')
        return -1;
    int to = parse_hhmm(p + 1, &p);
    if (to < 0 || *p || to == from)
        return -1;
    *from_min = from;
    *to_min = to;
    return 0;
}

int config_night_covers(int from_min, int to_min, int minute)
{
    if (from_min < 0 || to_min < 0 || from_min == to_min)
        return 0;
    if (from_min < to_min) /* within one day: 13:00-14:00 */
        return minute >= from_min && minute < to_min;
    return minute >= from_min || minute < to_min; /* across midnight: 22:00-06:00 */
}

static int check_night(const char *key, const char *value, EwErr *err)
{
    int from, to;
    if (config_parse_night(value, &from, &to) != 0)
        return ew_err(err, EW_EINPUT,
                      "%s must be two different times of day like 22:00-06:00, or off, not '%s'",
                      key, value);
    return EW_OK;
}

int config_scope(const char *key)
{
    const Setting *s = find(key);
    return s ? s->town : -1;
}

int config_validate(const char *key, const char *value, EwErr *err)
{
    const Setting *s = find(key);
    if (!s)
        return ew_err(err, EW_EINPUT, "unknown setting '%s' (see `echowallctl config list`)",
                      key ? key : "");
    return s->check(key, value, err);
}

int config_town_validate(const char *key, const char *value, EwErr *err)
{
    if (config_scope(key) != 1)
        return ew_err(err, EW_EINPUT, "'%s' is not a town setting", key);
    return config_validate(key, value, err);
}

int config_get(sqlite3 *db, const char *key, char **value, EwErr *err)
{
    const Setting *s = find(key);
    *value = NULL;
    if (!s)
        return ew_err(err, EW_EINPUT, "unknown setting '%s' (see `echowallctl config list`)",
                      key ? key : "");
    int rc = db_text(db, err, value,
                     s->town ? "SELECT value FROM town_config WHERE key=?"
                             : "SELECT value FROM local_config WHERE key=?",
                     "t", key);
    if (rc == EW_OK && !*value)
        *value = ew_xstrdup(s->dflt);
    return rc;
}

int config_is_set(sqlite3 *db, const char *key)
{
    const Setting *s = find(key);
    int64_t n = 0;
    if (!s)
        return 0;
    db_int(db, NULL, &n, 0,
           s->town ? "SELECT count(*) FROM town_config WHERE key=?"
                   : "SELECT count(*) FROM local_config WHERE key=?",
           "t", key);
    return n > 0;
}

int64_t config_town_int(sqlite3 *db, const char *key)
{
    char *v = NULL;
    const Setting *s = find(key);
    int64_t out = s ? atoll(s->dflt) : 0;
    if (config_get(db, key, &v, NULL) == EW_OK && v && check_int(key, v, NULL) == EW_OK)
        out = atoll(v);
    free(v);
    return out;
}

int config_set(sqlite3 *db, Author *self, const char *key, const char *value, EwErr *err)
{
    int rc = config_validate(key, value, err);
    if (rc)
        return rc;
    if (!find(key)->town)
        return db_run(db, err,
                      "INSERT INTO local_config(key,value) VALUES(?,?) ON CONFLICT(key) "
                      "DO UPDATE SET value=excluded.value",
                      "tt", key, value);
    if (strcmp(self->role, "office") != 0)
        return ew_err(err, EW_EDENIED, "%s is a town setting: only the office sets it", key);
    json_t *body = json_pack("{s:s,s:s}", "key", key, "value", value);
    rc = device_author(db, self, 0, "config.set", body, err);
    json_decref(body);
    return rc;
}

int config_list(sqlite3 *db, json_t **out, EwErr *err)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < NSETTINGS; i++) {
        char *v = NULL;
        int rc = config_get(db, settings[i].key, &v, err);
        if (rc) {
            json_decref(arr);
            return rc;
        }
        json_array_append_new(arr, json_pack("{s:s,s:s,s:s,s:s}", "key", settings[i].key, "value",
                                             v, "scope", settings[i].town ? "town" : "device",
                                             "help", settings[i].help));
        free(v);
    }
    *out = arr;
    return EW_OK;
}

void config_tracking_url(sqlite3 *db, const char *code, char *out, size_t n)
{
    char *t = NULL;
    if (config_get(db, "town.tracking_url", &t, NULL) != EW_OK || !t)
        t = ew_xstrdup(find("town.tracking_url")->dflt);
    const char *at = strstr(t, "{code}");
    if (at)
        snprintf(out, n, "%.*s%s%s", (int)(at - t), t, code, at + strlen("{code}"));
    else
        snprintf(out, n, "%s%s", t, code); /* check_url requires {code}; kept safe anyway */
    free(t);
}
