/*
 * firstrun.c: see firstrun.h.
 *
 * The stick is read through the stick I/O layer only: its top folder and
 * echowall/ are listed (types from lstat: a link is never a backup), the
 * chosen file is copied off by backup_restore_into with its cap. A blank
 * station may already have written an enrolment request onto this stick
 * (a stick goes in before anyone chooses; stick.c enrols at once): once
 * the station is the office, that request is of a device that no longer
 * exists, and it is removed from the stick.
 */
#include "firstrun.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>

#include "backup.h"
#include "device.h"
#include "ew.h"
#include "office.h"
#include "stick.h"
#include "stickio.h"

struct FirstRun {
    sqlite3 *db;    /* borrowed: the station's database */
    char *mount;    /* where a stick is mounted, or NULL */
    Source *src;    /* borrowed: gets the office's callbacks after a restore */
    Office *office; /* made by a restore, else NULL */
};

FirstRun *firstrun_new(sqlite3 *db, const char *mount, Source *src)
{
    FirstRun *f = ew_xcalloc(1, sizeof *f);
    f->db = db;
    f->mount = mount && *mount ? ew_xstrdup(mount) : NULL;
    f->src = src;
    return f;
}

void firstrun_free(FirstRun *f)
{
    if (!f)
        return;
    office_free(f->office);
    free(f->mount);
    free(f);
}

/* 1 for a name ending in .ewbak (any case), not hidden. */
static int is_backup_name(const char *name)
{
    static const char ext[] = ".ewbak";
    size_t n = strlen(name), k = sizeof ext - 1;
    if (name[0] == '.' || n <= k)
        return 0;
    for (size_t i = 0; i < k; i++)
        if (tolower((unsigned char)name[n - k + i]) != ext[i])
            return 0;
    return 1;
}

/* The backups in dir (sub: how the stick's top names it, "" or "echowall/"). */
static void list_dir(StickIO *io, const char *dir, const char *sub, BackupList *out)
{
    StickEntry *ents = NULL;
    size_t n = 0;
    if (io->list(io, dir, &ents, &n) != 0)
        return;
    for (size_t i = 0; i < n; i++) {
        if (ents[i].type != STICK_REG || !is_backup_name(ents[i].name))
            continue;
        if (out->n == BACKUP_FILES_MAX || strlen(sub) + strlen(ents[i].name) >= sizeof out->v[0].name) {
            out->more = 1;
            continue;
        }
        BackupFile *b = &out->v[out->n++];
        strcpy(b->name, sub); /* both lengths checked above */
        strcat(b->name, ents[i].name);
        b->size = (long long)ents[i].size;
    }
    free(ents);
}

/* Newest first: backup-YYYY-MM-DD[-n] names sort by day, a folder's prefix aside. */
static int newest_first(const void *x, const void *y)
{
    const BackupFile *a = x, *b = y;
    const char *sa = strrchr(a->name, '/'), *sb = strrchr(b->name, '/');
    int c = strcmp(sb ? sb + 1 : b->name, sa ? sa + 1 : a->name);
    return c ? c : strcmp(a->name, b->name);
}

static int backups(void *ctx, BackupList *out, char *msg, int msglen)
{
    FirstRun *f = ctx;
    memset(out, 0, sizeof *out);
    if (!f->mount || !stick_present(f->mount)) {
        snprintf(msg, (size_t)msglen, "no stick at %s", f->mount ? f->mount : "(none)");
        return 1;
    }
    StickIO *io = stickio_posix();
    char *edir = ew_xasprintf("%s/echowall", f->mount);
    list_dir(io, f->mount, "", out);
    list_dir(io, edir, "echowall/", out);
    free(edir);
    if (out->n > 1)
        qsort(out->v, (size_t)out->n, sizeof out->v[0], newest_first);
    return 0;
}

/* A file name from the screen: one of the two places, no way out of them. */
static int name_ok(const char *name)
{
    const char *base = strncmp(name, "echowall/", 9) == 0 ? name + 9 : name;
    return *base && !strchr(base, '/') && strcmp(base, "..") != 0 && is_backup_name(base);
}

/* The enrolment request this blank station wrote onto the stick, if any,
 * removed: its device is gone with the restore. */
static void drop_request(FirstRun *f, const char *hex)
{
    if (!hex[0] || !f->mount)
        return;
    StickIO *io = stickio_posix();
    char *edir = ew_xasprintf("%s/echowall", f->mount);
    char *req = ew_xasprintf("%s/request-%s.req", edir, hex);
    if (io->unlink(io, req) == 0)
        io->fsync_dir(io, edir);
    free(req);
    free(edir);
}

static int restore(void *ctx, const char *name, const char *passphrase, RestoreResult *out)
{
    FirstRun *f = ctx;
    memset(out, 0, sizeof *out);
    if (f->office) { /* done already: this Source is the office's */
        out->outcome = RESTORE_NOT_BLANK;
        snprintf(out->msg, sizeof out->msg, "this station is the office already");
        return -1;
    }
    if (!f->mount || !stick_present(f->mount)) {
        out->outcome = RESTORE_NO_STICK;
        snprintf(out->msg, sizeof out->msg, "no stick at %s", f->mount ? f->mount : "(none)");
        return -1;
    }
    if (!name || !name_ok(name)) {
        out->outcome = RESTORE_FAILED;
        snprintf(out->msg, sizeof out->msg, "not a backup file's name");
        return -1;
    }
    char pending[33] = "";
    Author self;
    if (device_exists(f->db) && device_load_self(f->db, &self, NULL) == EW_OK)
        device_hex(self.id, pending);
    sodium_memzero(&self, sizeof self);
    char *path = ew_xasprintf("%s/%s", f->mount, name);
    json_t *report = NULL;
    BackupWhy why = BACKUP_WHY_NONE;
    EwErr e = {0};
    int rc = backup_restore_into(f->db, stickio_posix(), path, passphrase, &report, &why, &e);
    free(path);
    if (rc != EW_OK) {
        static const int outcome[] = {
            [BACKUP_WHY_NONE] = RESTORE_FAILED,         [BACKUP_WHY_PASSPHRASE] = RESTORE_PASSPHRASE,
            [BACKUP_WHY_DAMAGED] = RESTORE_DAMAGED,     [BACKUP_WHY_STICK] = RESTORE_STICK,
            [BACKUP_WHY_NO_ROOM] = RESTORE_NO_ROOM,     [BACKUP_WHY_NOT_BLANK] = RESTORE_NOT_BLANK,
            [BACKUP_WHY_OTHER] = RESTORE_FAILED};
        out->outcome = (unsigned)why < sizeof outcome / sizeof outcome[0] ? outcome[why]
                                                                          : RESTORE_FAILED;
        snprintf(out->msg, sizeof out->msg, "%.255s", e.msg[0] ? e.msg : "the restore failed");
        json_decref(report);
        return -1;
    }
    out->outcome = RESTORE_DONE;
    out->records = (long)json_integer_value(json_object_get(report, "records"));
    const char *slot = json_string_value(json_object_get(report, "slot"));
    const char *fp = json_string_value(json_object_get(report, "fingerprint"));
    snprintf(out->slot, sizeof out->slot, "%s", slot ? slot : "");
    snprintf(out->fingerprint, sizeof out->fingerprint, "%s", fp ? fp : "");
    snprintf(out->msg, sizeof out->msg, "restored %ld records as office slot %s", out->records,
             out->slot);
    json_decref(report);
    drop_request(f, pending);
    /* From now on this is the office: its screens, no hall's 关机. */
    f->office = office_new(f->db, f->mount);
    office_source_init(f->src, f->office);
    f->src->poweroff = NULL;
    fprintf(stderr, "echowall: %s; the town key's fingerprint is %s\n", out->msg,
            out->fingerprint);
    return 0;
}

void firstrun_source_init(Source *src, FirstRun *f)
{
    src->restore_list = backups;
    src->restore_run = restore;
    src->restore_ctx = f;
}
