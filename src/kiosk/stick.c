/*
 * stick.c: see stick.h.
 *
 * One sync per insertion: after a sync the watcher waits until the stick
 * is gone (the folder unmounted or emptied) before it will sync again.
 * The worker thread owns its own sqlite3 connection (WAL lets the screen
 * keep reading); it reports through the mutex-guarded status only.
 *
 * Updates: after a good sync the worker looks for a new echowall version
 * on the stick (update_take: checked, then spooled beside the database in
 * update/ for the root helper, which installs it and restarts the kiosk).
 * The helper's outcome (its result file) is polled with the stick, and a
 * new one is shown once, as a report of its own; the id of the last one
 * shown is kept in update/result.seen.
 */
#include "stick.h"

#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "clock.h"
#include "db.h"
#include "enroll.h"
#include "ew.h"
#include "stickio.h"
#include "sync.h"
#include "update.h"

struct Stick {
    char *db_path, *mount;
    pthread_mutex_t lock;
    pthread_t thread;
    int running;       /* a worker thread exists (joined when it ends) */
    int finished;      /* the worker has ended: join it */
    int waiting_gone;  /* synced this stick: wait for it to go */
    int held;          /* 1: start nothing (a backup is being restored from the stick) */
    int64_t last_poll; /* ms, monotonic */
    StickStatus st;    /* guarded by lock */
    char *spool;       /* the update spool: update/ beside the database */
    char *state;       /* the update helper's folder ($ECHOWALL_UPDATE_STATE) */
    struct stat result_st; /* the helper's result file when last read */
};

int stick_present(const char *mount)
{
    struct stat st, parent;
    if (!mount || stat(mount, &st) != 0 || !S_ISDIR(st.st_mode))
        return 0;
    char *up = ew_xasprintf("%s/..", mount);
    int mounted = stat(up, &parent) == 0 && parent.st_dev != st.st_dev;
    free(up);
    if (mounted)
        return 1;
    DIR *d = opendir(mount);
    if (!d)
        return 0;
    struct dirent *e;
    int any = 0;
    while (!any && (e = readdir(d)))
        any = strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return any;
}

Stick *stick_new(const char *db_path, const char *mount)
{
    Stick *s = ew_xcalloc(1, sizeof *s);
    s->db_path = ew_xstrdup(db_path);
    s->mount = ew_xstrdup(mount);
    pthread_mutex_init(&s->lock, NULL);
    s->last_poll = -1000000;
    const char *slash = strrchr(db_path, '/');
    s->spool = slash ? ew_xasprintf("%.*s/update", (int)(slash - db_path), db_path)
                     : ew_xstrdup("update");
    const char *state = getenv("ECHOWALL_UPDATE_STATE");
    s->state = ew_xstrdup(state && *state ? state : UPDATE_STATE_DEFAULT);
    return s;
}

void stick_free(Stick *s)
{
    if (!s)
        return;
    if (s->running)
        pthread_join(s->thread, NULL);
    pthread_mutex_destroy(&s->lock);
    free(s->db_path);
    free(s->mount);
    free(s->spool);
    free(s->state);
    free(s);
}

static void on_progress(void *ctx, const char *phase, int done, int total)
{
    Stick *s = ctx;
    pthread_mutex_lock(&s->lock);
    snprintf(s->st.phase, sizeof s->st.phase, "%s", phase);
    s->st.done = done;
    s->st.total = total;
    pthread_mutex_unlock(&s->lock);
}

/* Fills the result fields of st from a sync report. */
static void read_report(StickStatus *st, json_t *r)
{
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(r, "imported"), i, v) {
        st->files_in++;
        st->records_in += (int)json_integer_value(json_object_get(v, "records"));
    }
    json_array_foreach(json_object_get(r, "refused"), i, v) {
        if (st->nwhy < 3)
            snprintf(st->why[st->nwhy++], sizeof st->why[0], "%s: %s",
                     json_string_value(json_object_get(v, "file")),
                     json_string_value(json_object_get(v, "reason")));
        st->refused++;
    }
    json_t *w = json_object_get(r, "wrote");
    st->records_out = w ? (int)json_integer_value(json_object_get(w, "records")) : -1;
    st->safe = json_is_true(json_object_get(r, "safe_to_remove"));
}

/* After a good sync: a new version on the stick, checked and spooled for
 * the root helper; what came of it into st. */
static void take_update(Stick *s, sqlite3 *db, StickIO *io, StickStatus *st)
{
    UpdatePaths paths = {s->spool, s->state};
    json_t *u = NULL;
    EwErr e = {0};
    if (update_take(db, io, s->mount, &paths, NULL, &u, &e) != EW_OK) {
        st->update = UPD_REFUSED;
        snprintf(st->update_why, sizeof st->update_why, "%.199s", e.msg);
        return;
    }
    const char *state = json_string_value(json_object_get(u, "state"));
    const char *v = json_string_value(json_object_get(u, "version"));
    const char *why = json_string_value(json_object_get(u, "reason"));
    snprintf(st->update_version, sizeof st->update_version, "%.23s", v ? v : "");
    snprintf(st->update_why, sizeof st->update_why, "%.199s", why ? why : "");
    st->update = !state                                  ? UPD_NONE
                 : strcmp(state, "requested") == 0       ? UPD_REQUESTED
                 : strcmp(state, "refused") == 0         ? UPD_REFUSED
                 : strcmp(state, "failed_before") == 0   ? UPD_FAILED_BEFORE
                                                         : UPD_NONE; /* "current" */
    json_decref(u);
}

static void *worker(void *arg)
{
    Stick *s = arg;
    StickStatus st;
    pthread_mutex_lock(&s->lock);
    st = s->st;
    pthread_mutex_unlock(&s->lock);
    sqlite3 *db = NULL;
    EwErr e = {0};
    json_t *r = NULL;
    int rc = db_open(s->db_path, 0, &db, &e);
    StickIO *io = stickio_posix();
    if (rc == EW_OK) {
        SyncProgress p = {on_progress, s};
        rc = sync_stick_progress(db, io, s->mount, &p, &r, &e);
        if (rc == EW_ESTATE) { /* not enrolled: ask the office, or install its answer */
            json_decref(r);
            r = NULL;
            e = (EwErr){0};
            rc = enroll_device(db, io, s->mount, &r, &e);
            if (rc == EW_OK) {
                const char *state = json_string_value(json_object_get(r, "state"));
                st.enrol = state && strcmp(state, "requested") == 0 ? 1 : 2;
                snprintf(st.fingerprint, sizeof st.fingerprint, "%s",
                         json_string_value(json_object_get(r, "fingerprint"))
                             ? json_string_value(json_object_get(r, "fingerprint"))
                             : "");
                snprintf(st.hall, sizeof st.hall, "%s",
                         json_string_value(json_object_get(r, "hall"))
                             ? json_string_value(json_object_get(r, "hall"))
                             : "");
                json_t *sy = json_object_get(r, "sync");
                if (sy)
                    read_report(&st, sy);
                st.safe = 1;
            }
        } else if (r) {
            read_report(&st, r);
            if (rc == EW_OK)
                take_update(s, db, io, &st);
        }
    }
    json_decref(r);
    db_close(db);
    st.state = rc == EW_OK ? STICK_DONE : STICK_FAILED;
    if (rc != EW_OK)
        snprintf(st.msg, sizeof st.msg, "%.255s", e.msg[0] ? e.msg : "the stick could not be read");
    pthread_mutex_lock(&s->lock);
    st.done = s->st.done;
    st.total = s->st.total;
    snprintf(st.phase, sizeof st.phase, "%s", s->st.phase);
    s->st = st;
    s->finished = 1;
    pthread_mutex_unlock(&s->lock);
    return NULL;
}

/* A new report in s->st: cleared, in state, with the next serial. Called
 * with s->lock held. */
static void status_begin(Stick *s, int state)
{
    int serial = s->st.serial + 1;
    memset(&s->st, 0, sizeof s->st);
    s->st.state = state;
    s->st.serial = serial;
    s->st.records_out = -1;
}

/* The update helper's outcome, when its result file changed and holds one
 * not shown before: a report of its own, with no stick. */
static void check_result(Stick *s)
{
    char *path = ew_xasprintf("%s/result", s->state);
    struct stat st;
    int changed = stat(path, &st) == 0 &&
                  (st.st_ino != s->result_st.st_ino || st.st_size != s->result_st.st_size ||
                   st.st_mtim.tv_sec != s->result_st.st_mtim.tv_sec ||
                   st.st_mtim.tv_nsec != s->result_st.st_mtim.tv_nsec);
    free(path);
    if (!changed)
        return;
    s->result_st = st;
    json_t *r = update_result_read(s->state);
    const char *id = json_string_value(json_object_get(r, "id"));
    char *seen_path = ew_xasprintf("%s/result.seen", s->spool);
    char seen[128] = "";
    FILE *f = fopen(seen_path, "r");
    if (f) {
        if (!fgets(seen, sizeof seen, f))
            seen[0] = '\0';
        seen[strcspn(seen, "\n")] = '\0';
        fclose(f);
    }
    if (id && strcmp(id, seen) != 0) {
        const char *outcome = json_string_value(json_object_get(r, "outcome"));
        const char *v = json_string_value(json_object_get(r, "version"));
        const char *from = json_string_value(json_object_get(r, "from"));
        const char *msg = json_string_value(json_object_get(r, "message"));
        pthread_mutex_lock(&s->lock);
        status_begin(s, STICK_DONE);
        s->st.update_only = 1;
        s->st.update = strcmp(outcome, "installed") == 0     ? UPD_INSTALLED
                       : strcmp(outcome, "rolled_back") == 0 ? UPD_ROLLED_BACK
                       : strcmp(outcome, "broken") == 0      ? UPD_BROKEN
                                                             : UPD_NOT_INSTALLED;
        snprintf(s->st.update_version, sizeof s->st.update_version, "%.23s", v ? v : "");
        snprintf(s->st.update_from, sizeof s->st.update_from, "%.23s", from ? from : "");
        snprintf(s->st.update_why, sizeof s->st.update_why, "%.199s", msg ? msg : "");
        pthread_mutex_unlock(&s->lock);
        /* Shown: not again after a restart (the spool is the kiosk's). */
        mkdir(s->spool, 0700);
        if ((f = fopen(seen_path, "w"))) {
            fprintf(f, "%s\n", id);
            fclose(f);
        }
    }
    free(seen_path);
    json_decref(r);
}

void stick_poll(Stick *s, StickStatus *out)
{
    int64_t now = clock_mono_ms();
    pthread_mutex_lock(&s->lock);
    int finished = s->finished;
    pthread_mutex_unlock(&s->lock);
    if (s->running && finished) {
        pthread_join(s->thread, NULL);
        s->running = 0;
        s->finished = 0;
        s->waiting_gone = 1;
    }
    if (!s->running && now - s->last_poll >= 1000) {
        s->last_poll = now;
        check_result(s);
        int present = stick_present(s->mount);
        if (!present)
            s->waiting_gone = 0; /* gone: the next stick syncs again */
        else if (!s->waiting_gone && !s->held) {
            pthread_mutex_lock(&s->lock);
            status_begin(s, STICK_RUNNING);
            pthread_mutex_unlock(&s->lock);
            if (pthread_create(&s->thread, NULL, worker, s) == 0) {
                s->running = 1;
            } else {
                pthread_mutex_lock(&s->lock);
                s->st.state = STICK_FAILED;
                snprintf(s->st.msg, sizeof s->st.msg, "cannot start the sync");
                pthread_mutex_unlock(&s->lock);
                s->waiting_gone = 1;
            }
        }
    }
    pthread_mutex_lock(&s->lock);
    *out = s->st;
    pthread_mutex_unlock(&s->lock);
}

void stick_hold(Stick *s, int on)
{
    if (!on && s->held)
        s->waiting_gone = stick_present(s->mount);
    s->held = on;
}

void stick_hold_cb(void *ctx, int on)
{
    stick_hold(ctx, on);
}

void stick_poll_cb(void *ctx, StickStatus *out)
{
    stick_poll(ctx, out);
}
