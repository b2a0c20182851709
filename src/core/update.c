/*
 * update.c: signed echowall packages on a stick (see update.h).
 *
 * The statement is canonical JSON (record_canonical: sorted keys, no
 * spaces), so the bytes signed are the bytes any reader rebuilds from the
 * parsed object; the .sig file holds the statement and the signature in
 * hex. A package's fields come from `dpkg-deb -f`, run without a shell.
 * Everything read from the stick goes through the StickIO's untrusting
 * reads (no links, regular files, caps checked before and while reading).
 */
#include "update.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cert.h"
#include "db.h"
#include "device.h"
#include "record.h"
#include "sync.h"

#ifndef EW_VERSION
#error "EW_VERSION (the project's version) must be defined by the build"
#endif
#ifndef EW_DEB_ARCH
#error "EW_DEB_ARCH (the Debian architecture built for) must be defined by the build"
#endif

extern char **environ;

const char *update_running_version(void) { return EW_VERSION; }
const char *update_build_arch(void) { return EW_DEB_ARCH; }

/* ---- versions ---- */

/* Parses strict X.Y.Z into v; -1 when s is anything else. */
static int version_parse(const char *s, unsigned long v[3])
{
    for (int part = 0; part < 3; part++) {
        int n = 0;
        v[part] = 0;
        while (s[n] >= '0' && s[n] <= '9') {
            if (n == 5)
                return -1;
            v[part] = v[part] * 10 + (unsigned long)(s[n] - '0');
            n++;
        }
        if (n == 0 || (n > 1 && s[0] == '0'))
            return -1;
        s += n;
        if (part < 2 && *s++ != '.')
            return -1;
    }
    return *s == '\0' ? 0 : -1;
}

int update_version_cmp(const char *a, const char *b, int *cmp, EwErr *err)
{
    unsigned long va[3], vb[3];
    if (!a || version_parse(a, va) != 0)
        return ew_err(err, EW_EINPUT, "version '%.40s' is not X.Y.Z", a ? a : "");
    if (!b || version_parse(b, vb) != 0)
        return ew_err(err, EW_EINPUT, "version '%.40s' is not X.Y.Z", b ? b : "");
    *cmp = 0;
    for (int i = 0; i < 3 && *cmp == 0; i++)
        *cmp = va[i] < vb[i] ? -1 : va[i] > vb[i];
    return EW_OK;
}

/* True for a Debian architecture name as dpkg spells them. */
static int arch_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n >= sizeof((UpdateInfo *)0)->arch)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
            return 0;
    return 1;
}

/* ---- a package's own fields ---- */

/* Runs `dpkg-deb -f deb Package Version Architecture` and reads its output
 * (at most 4 KiB) into out; its exit status into *status. */
static int run_dpkg_deb(const char *deb, char *out, size_t cap, int *status, EwErr *err)
{
    int fds[2];
    if (pipe(fds) != 0)
        return ew_err(err, EW_EIO, "cannot run dpkg-deb: %s", strerror(errno));
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
    posix_spawn_file_actions_addclose(&fa, fds[0]);
    posix_spawn_file_actions_addclose(&fa, fds[1]);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    char *argv[] = {"dpkg-deb", "-f", (char *)deb, "Package", "Version", "Architecture", NULL};
    pid_t pid;
    int rc = posix_spawnp(&pid, "dpkg-deb", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    if (rc != 0) {
        close(fds[0]);
        return ew_err(err, EW_EIO, "cannot run dpkg-deb (package dpkg): %s", strerror(rc));
    }
    size_t n = 0;
    ssize_t got;
    while ((got = read(fds[0], out + n, cap - 1 - n)) > 0 || (got < 0 && errno == EINTR))
        if (got > 0 && (n += (size_t)got) == cap - 1)
            break;
    out[n] = '\0';
    close(fds[0]);
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    *status = WIFEXITED(st) ? WEXITSTATUS(st) : 128;
    return EW_OK;
}

/* The value of "Field: value" in dpkg-deb's output, into v (cap bytes). */
static void field(const char *text, const char *name, char *v, size_t cap)
{
    size_t n = strlen(name);
    v[0] = '\0';
    for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
        if (strncmp(p, name, n) == 0 && p[n] == ':') {
            p += n + 1;
            while (*p == ' ')
                p++;
            size_t len = strcspn(p, "\n");
            if (len < cap)
                snprintf(v, cap, "%.*s", (int)len, p);
            return;
        }
    }
}

int update_deb_info(const char *deb, UpdateInfo *out, EwErr *err)
{
    memset(out, 0, sizeof *out);
    FILE *f = fopen(deb, "rb");
    if (!f)
        return ew_err(err, EW_EIO, "cannot read %s: %s", deb, strerror(errno));
    sync_hash_file(f, out->hash, &out->size);
    int bad = ferror(f);
    fclose(f);
    if (bad)
        return ew_err(err, EW_EIO, "cannot read %s", deb);
    if (out->size > UPDATE_DEB_MAX)
        return ew_err(err, EW_EINPUT, "%s is larger than %llu MiB", deb,
                      UPDATE_DEB_MAX / (1024 * 1024));
    char text[4096];
    int status = -1;
    int rc = run_dpkg_deb(deb, text, sizeof text, &status, err);
    if (rc)
        return rc;
    char version[64];
    field(text, "Package", out->package, sizeof out->package);
    field(text, "Version", version, sizeof version);
    field(text, "Architecture", out->arch, sizeof out->arch);
    if (status != 0 || !out->package[0])
        return ew_err(err, EW_EINPUT, "%s is not a Debian package", deb);
    if (strcmp(out->package, UPDATE_PACKAGE) != 0)
        return ew_err(err, EW_EINPUT, "%s is the package '%s', not echowall", deb, out->package);
    int cmp;
    if (update_version_cmp(version, "0.0.0", &cmp, NULL) != EW_OK)
        return ew_err(err, EW_EINPUT, "%s has version '%s': updates need X.Y.Z", deb, version);
    snprintf(out->version, sizeof out->version, "%.23s", version); /* X.Y.Z fits */
    if (!arch_ok(out->arch))
        return ew_err(err, EW_EINPUT, "%s has no usable Architecture", deb);
    return EW_OK;
}

/* ---- the statement ---- */

static json_t *statement_json(const UpdateInfo *u)
{
    char hex[65];
    ew_hex(u->hash, sizeof u->hash, hex);
    return json_pack("{s:s,s:s,s:s,s:s,s:I,s:s}", "kind", UPDATE_KIND, "package", u->package,
                     "version", u->version, "arch", u->arch, "size", (json_int_t)u->size,
                     "blake2b", hex);
}

int update_statement_make(const UpdateInfo *u, const unsigned char town_sk[crypto_sign_SECRETKEYBYTES],
                          unsigned char **out, size_t *len)
{
    return cert_sign_json(statement_json(u), "statement", town_sk, out, len);
}

int update_statement_check(const unsigned char *bytes, size_t len,
                           const unsigned char town_pk[crypto_sign_PUBLICKEYBYTES],
                           UpdateInfo *out, EwErr *err)
{
    UpdateInfo u;
    memset(&u, 0, sizeof u);
    json_t *file = len <= UPDATE_SIG_MAX
                       ? json_loadb((const char *)bytes, len, JSON_REJECT_DUPLICATES, NULL)
                       : NULL;
    json_t *st = json_object_get(file, "statement");
    const char *sighex = json_string_value(json_object_get(file, "sig"));
    unsigned char sig[crypto_sign_BYTES];
    if (!json_is_object(file) || json_object_size(file) != 2 || !json_is_object(st) || !sighex ||
        ew_unhex(sighex, sig, sizeof sig) != 0) {
        json_decref(file);
        return ew_err(err, EW_ECORRUPT, "the signature file is damaged or not one");
    }
    if (cert_verify_json(st, sighex, town_pk) != 0) {
        json_decref(file);
        return ew_err(err, EW_ECORRUPT, "not signed by this town's key");
    }
    /* Signed by the town: now its form, which the office's program made. */
    const char *kind = json_string_value(json_object_get(st, "kind"));
    const char *pkg = json_string_value(json_object_get(st, "package"));
    const char *ver = json_string_value(json_object_get(st, "version"));
    const char *arch = json_string_value(json_object_get(st, "arch"));
    const char *hash = json_string_value(json_object_get(st, "blake2b"));
    json_t *size = json_object_get(st, "size");
    int cmp;
    if (json_object_size(st) != 6 || !kind || strcmp(kind, UPDATE_KIND) != 0 || !pkg ||
        strlen(pkg) >= sizeof u.package || !ver ||
        update_version_cmp(ver, "0.0.0", &cmp, NULL) != EW_OK || !arch || !arch_ok(arch) ||
        !hash || ew_unhex(hash, u.hash, sizeof u.hash) != 0 || !json_is_integer(size) ||
        json_integer_value(size) < 0 || (uint64_t)json_integer_value(size) > UPDATE_DEB_MAX) {
        json_decref(file);
        return ew_err(err, EW_ECORRUPT, "the signed statement is not one this version reads");
    }
    snprintf(u.package, sizeof u.package, "%s", pkg);
    snprintf(u.version, sizeof u.version, "%s", ver);
    snprintf(u.arch, sizeof u.arch, "%s", arch);
    u.size = (uint64_t)json_integer_value(size);
    json_decref(file);
    if (out)
        *out = u;
    return EW_OK;
}

int update_fits(const UpdateInfo *u, const UpdateTarget *t, int *not_newer, EwErr *err)
{
    const char *arch = t && t->arch ? t->arch : update_build_arch();
    const char *running = t && t->running ? t->running : update_running_version();
    if (not_newer)
        *not_newer = 0;
    if (strcmp(u->package, UPDATE_PACKAGE) != 0)
        return ew_err(err, EW_ESTATE, "the package is '%s', not echowall", u->package);
    if (strcmp(u->arch, arch) != 0)
        return ew_err(err, EW_ESTATE, "built for %s, this device is %s", u->arch, arch);
    int cmp;
    int rc = update_version_cmp(u->version, running, &cmp, err);
    if (rc)
        return ew_err(err, EW_ESTATE, "%s", err ? err->msg : "bad version");
    if (cmp <= 0) {
        if (not_newer)
            *not_newer = 1;
        return ew_err(err, EW_ESTATE, "version %s is not newer than %s, which runs here",
                      u->version, running);
    }
    return EW_OK;
}

int update_verify_files(const char *deb, const char *sig,
                        const unsigned char town_pk[crypto_sign_PUBLICKEYBYTES],
                        const UpdateTarget *t, UpdateInfo *out, EwErr *err)
{
    StickIO *io = stickio_posix(); /* its reads: no links, regular files, a cap */
    unsigned char *bytes = NULL;
    size_t len = 0;
    int rc = io->read_file(io, sig, UPDATE_SIG_MAX, &bytes, &len);
    if (rc < 0)
        return ew_err(err, EW_ECORRUPT, "%s: %s", sig,
                      rc == -EFBIG ? "larger than a signature file can be" : stickio_strerror(rc));
    UpdateInfo u;
    rc = update_statement_check(bytes, len, town_pk, &u, err);
    free(bytes);
    if (rc)
        return rc;
    /* The package's bytes: through a descriptor opened without following a
     * link, then its length and hash against the statement. */
    int fd = open(deb, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    FILE *f = fd >= 0 ? fdopen(fd, "rb") : NULL;
    if (!f) {
        if (fd >= 0)
            close(fd);
        return ew_err(err, EW_ECORRUPT, "%s: %s", deb,
                      errno == ELOOP ? "a link, not a package" : strerror(errno));
    }
    unsigned char h[32];
    uint64_t n = 0;
    sync_hash_file(f, h, &n);
    fclose(f);
    if (n != u.size)
        return ew_err(err, EW_ECORRUPT, "the package has %llu bytes, the signature says %llu",
                      (unsigned long long)n, (unsigned long long)u.size);
    if (sodium_memcmp(h, u.hash, sizeof h) != 0)
        return ew_err(err, EW_ECORRUPT, "the package's bytes do not match the signature");
    if ((rc = update_fits(&u, t, NULL, err)))
        return rc;
    if (out)
        *out = u;
    return EW_OK;
}

/* ---- the office: onto the stick ---- */

static char *join(const char *a, const char *b) { return ew_xasprintf("%s/%s", a, b); }

/* The version of "update-X.Y.Z.<ext>" into v (24 bytes), or -1. */
static int update_name(const char *name, const char *ext, char v[24])
{
    size_t n = strlen(name), e = strlen(ext);
    if (n <= 7 + e || strncmp(name, "update-", 7) != 0 || strcmp(name + n - e, ext) != 0 ||
        n - 7 - e >= 24)
        return -1;
    snprintf(v, 24, "%.*s", (int)(n - 7 - e), name + 7);
    int cmp;
    return update_version_cmp(v, "0.0.0", &cmp, NULL) == EW_OK ? 0 : -1;
}

int update_sign(sqlite3 *db, StickIO *io, const char *deb, const char *dir, UpdateInfo *out,
                EwErr *err)
{
    unsigned char sk[crypto_sign_SECRETKEYBYTES];
    int rc = device_town_sk(db, sk, err);
    if (rc)
        return rc;
    UpdateInfo u;
    unsigned char *sig = NULL;
    size_t siglen = 0;
    char *edir = join(dir, "echowall");
    FILE *f = NULL;
    if ((rc = update_deb_info(deb, &u, err)))
        goto out;
    if ((rc = update_statement_make(&u, sk, &sig, &siglen)))
        goto out;
    int mk = io->mkdir(io, edir);
    if (mk < 0 && mk != -EEXIST) {
        rc = ew_err(err, EW_EIO, "cannot make the folder %s: %s", edir, stickio_strerror(mk));
        goto out;
    }
    if (mk == 0 && (mk = io->fsync_dir(io, dir)) < 0) {
        rc = ew_err(err, EW_EIO, "cannot make the folder %s: %s", edir, stickio_strerror(mk));
        goto out;
    }
    if (!(f = fopen(deb, "rb"))) {
        rc = ew_err(err, EW_EIO, "cannot read %s: %s", deb, strerror(errno));
        goto out;
    }
    /* The package first, its signature last: a pull between them leaves a
     * package no signature names, or the old pair. */
    char name[64];
    snprintf(name, sizeof name, "update-%s.deb", u.version);
    if ((rc = sync_put_file(io, edir, name, NULL, 0, f, err)))
        goto out;
    /* The file read again might have changed under us: sign what was hashed
     * and check the copy on the stick against it. */
    unsigned char h[32];
    uint64_t n = 0;
    char *p = join(edir, name);
    char *local = ew_xasprintf("%s.check-%d", deb, (int)getpid());
    int c = io->copy_out(io, p, local, UPDATE_DEB_MAX, h, &n);
    unlink(local);
    free(local);
    free(p);
    if (c < 0 || n != u.size || sodium_memcmp(h, u.hash, sizeof h) != 0) {
        rc = ew_err(err, EW_EIO, "the package read back from the stick differs (%s)",
                    c < 0 ? stickio_strerror(c) : "changed while copied?");
        goto out;
    }
    snprintf(name, sizeof name, "update-%s.sig", u.version);
    if ((rc = sync_put_file(io, edir, name, sig, siglen, NULL, err)))
        goto out;
    /* Older updates on this stick are no use to anyone now. */
    StickEntry *ents = NULL;
    size_t ne = 0;
    if (io->list(io, edir, &ents, &ne) == 0) {
        int removed = 0;
        for (size_t i = 0; i < ne; i++) {
            char v[24];
            int cmp = 0;
            if (ents[i].type != STICK_REG || (update_name(ents[i].name, ".deb", v) != 0 &&
                                              update_name(ents[i].name, ".sig", v) != 0))
                continue;
            if (update_version_cmp(v, u.version, &cmp, NULL) == EW_OK && cmp < 0) {
                char *old = join(edir, ents[i].name);
                removed += io->unlink(io, old) == 0;
                free(old);
            }
        }
        if (removed)
            io->fsync_dir(io, edir);
    }
    free(ents);
    if (out)
        *out = u;
out:
    if (f)
        fclose(f);
    sodium_memzero(sk, sizeof sk);
    free(sig);
    free(edir);
    return rc;
}

/* ---- the kiosk: from the stick into the spool ---- */

/* Candidates on the stick, newest first. */
typedef struct Cand {
    char name[64];      /* update-X.Y.Z.sig */
    char version[24];   /* X.Y.Z */
    StickType type;     /* from the listing */
    uint64_t size;      /* the .sig's size */
} Cand;

static int by_version_desc(const void *a, const void *b)
{
    int cmp = 0;
    update_version_cmp(((const Cand *)a)->version, ((const Cand *)b)->version, &cmp, NULL);
    return -cmp;
}

/* Copies the stick's package into spool/pending.deb, checking its length
 * and hash against u on the way; fsynced. */
static int spool_deb(StickIO *io, const char *edir, const UpdateInfo *u, const char *spool,
                     EwErr *err)
{
    char name[64];
    snprintf(name, sizeof name, "update-%s.deb", u->version);
    char *from = join(edir, name), *tmp = join(spool, "tmp-pending.deb"),
         *final = join(spool, "pending.deb");
    unlink(tmp);
    unsigned char h[32];
    uint64_t n = 0;
    int rc = EW_OK;
    int c = io->copy_out(io, from, tmp, u->size, h, &n);
    if (c == -EIO)
        rc = ew_err(err, EW_EIO, "%s: %s", name, stickio_strerror(c));
    else if (c < 0)
        rc = ew_err(err, EW_ECORRUPT, "%s: %s", name,
                    c == -EFBIG    ? "longer than its signature says"
                    : c == -ENOENT ? "missing"
                    : c == -ELOOP  ? "not a regular file"
                                   : stickio_strerror(c));
    else if (n != u->size)
        rc = ew_err(err, EW_ECORRUPT, "%s has %llu bytes, the signature says %llu", name,
                    (unsigned long long)n, (unsigned long long)u->size);
    else if (sodium_memcmp(h, u->hash, sizeof h) != 0)
        rc = ew_err(err, EW_ECORRUPT, "%s: its bytes do not match the signature", name);
    if (rc == EW_OK) {
        int fd = open(tmp, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0 || fsync(fd) != 0 || rename(tmp, final) != 0)
            rc = ew_err(err, EW_EIO, "cannot keep the package in %s: %s", spool, strerror(errno));
        if (fd >= 0)
            close(fd);
    }
    if (rc)
        unlink(tmp);
    free(from);
    free(tmp);
    free(final);
    return rc;
}

/* Verifies one candidate and spools it: EW_ECORRUPT/EW_ESTATE for a bad
 * update (reason in err), EW_EIO for the spool. */
static int take_one(StickIO *io, const char *edir, const Cand *c, const unsigned char *town_pk,
                    const UpdatePaths *paths, const UpdateTarget *t, EwErr *err)
{
    if (c->type != STICK_REG)
        return ew_err(err, EW_ECORRUPT, "not a regular file (a link or a folder)");
    if (c->size > UPDATE_SIG_MAX)
        return ew_err(err, EW_ECORRUPT, "larger than a signature file can be");
    char *p = join(edir, c->name);
    unsigned char *bytes = NULL;
    size_t len = 0;
    int rc = io->read_file(io, p, UPDATE_SIG_MAX, &bytes, &len);
    free(p);
    if (rc < 0)
        return ew_err(err, rc == -EIO ? EW_EIO : EW_ECORRUPT, "%s", stickio_strerror(rc));
    UpdateInfo u;
    rc = update_statement_check(bytes, len, town_pk, &u, err);
    if (rc == EW_OK && strcmp(u.version, c->version) != 0)
        rc = ew_err(err, EW_ECORRUPT, "the file's name says %s, its statement %s", c->version,
                    u.version);
    if (rc == EW_OK)
        rc = update_fits(&u, t, NULL, err);
    StickIO *local = stickio_posix();
    if (rc == EW_OK) {
        int mk = local->mkdir(local, paths->spool);
        if (mk < 0 && mk != -EEXIST)
            rc = ew_err(err, EW_EIO, "cannot make %s: %s", paths->spool, stickio_strerror(mk));
    }
    /* A request left from before goes first: the helper must never pair it
     * with the files about to be replaced. */
    char *req = join(paths->spool, "request");
    if (rc == EW_OK && unlink(req) != 0 && errno != ENOENT)
        rc = ew_err(err, EW_EIO, "cannot replace %s: %s", req, strerror(errno));
    free(req);
    if (rc == EW_OK)
        rc = spool_deb(io, edir, &u, paths->spool, err);
    char pkhex[65], request[64];
    ew_hex(town_pk, crypto_sign_PUBLICKEYBYTES, pkhex);
    pkhex[64] = '\n';
    snprintf(request, sizeof request, "%s\n", u.version);
    if (rc == EW_OK)
        rc = sync_put_file(local, paths->spool, "pending.sig", bytes, len, NULL, err);
    if (rc == EW_OK)
        rc = sync_put_file(local, paths->spool, "town.pk", (unsigned char *)pkhex, 65, NULL, err);
    if (rc == EW_OK)
        rc = sync_put_file(local, paths->spool, "request", (unsigned char *)request,
                           strlen(request), NULL, err);
    free(bytes);
    return rc;
}

int update_take(sqlite3 *db, StickIO *io, const char *dir, const UpdatePaths *paths,
                const UpdateTarget *t, json_t **report, EwErr *err)
{
    *report = NULL;
    UpdatePaths p = {UPDATE_SPOOL_DEFAULT, UPDATE_STATE_DEFAULT};
    if (paths && paths->spool)
        p.spool = paths->spool;
    if (paths && paths->state)
        p.state = paths->state;
    char *edir = join(dir, "echowall");
    StickEntry *ents = NULL;
    size_t n = 0;
    int rc = io->list(io, edir, &ents, &n);
    if (rc < 0) {
        free(edir);
        return rc == -EIO ? ew_err(err, EW_EIO, "cannot read the stick: %s", stickio_strerror(rc))
                          : EW_OK; /* no folder: nothing to update from */
    }
    Cand *c = ew_xcalloc(n ? n : 1, sizeof *c);
    size_t nc = 0;
    for (size_t i = 0; i < n; i++) {
        char v[24];
        if (update_name(ents[i].name, ".sig", v) != 0)
            continue; /* packages are reached through their signatures */
        snprintf(c[nc].name, sizeof c[nc].name, "%.63s", ents[i].name); /* fits: checked */
        snprintf(c[nc].version, sizeof c[nc].version, "%s", v);
        c[nc].type = ents[i].type;
        c[nc].size = ents[i].size;
        nc++;
    }
    free(ents);
    rc = EW_OK;
    if (nc > 0) {
        qsort(c, nc, sizeof *c, by_version_desc);
        /* The newest one counts; it says what happened to it. */
        const Cand *best = &c[0];
        const char *running = t && t->running ? t->running : update_running_version();
        int cmp = 0;
        unsigned char town_pk[crypto_sign_PUBLICKEYBYTES];
        EwErr e = {0};
        update_version_cmp(best->version, running, &cmp, NULL);
        if (cmp <= 0) {
            *report = json_pack("{s:s,s:s,s:s}", "state", "current", "version", best->version,
                                "file", best->name);
        } else if (update_failed_before(p.state, best->version)) {
            *report = json_pack("{s:s,s:s,s:s}", "state", "failed_before", "version",
                                best->version, "file", best->name);
        } else if (device_town_pk(db, town_pk) != 0) {
            *report = json_pack("{s:s,s:s,s:s,s:s}", "state", "refused", "version",
                                best->version, "file", best->name, "reason",
                                "this device does not know the town's key");
        } else if ((rc = take_one(io, edir, best, town_pk, &p, t, &e)) == EW_OK) {
            *report = json_pack("{s:s,s:s,s:s}", "state", "requested", "version", best->version,
                                "file", best->name);
        } else if (rc == EW_EIO) {
            ew_err(err, EW_EIO, "%s", e.msg);
        } else {
            *report = json_pack("{s:s,s:s,s:s,s:s}", "state", "refused", "version",
                                best->version, "file", best->name, "reason", e.msg);
            rc = EW_OK;
        }
    }
    free(c);
    free(edir);
    return rc;
}

/* ---- the helper's state, read by the kiosk ---- */

/* A small file of the helper's folder (at most 64 KiB), or NULL. */
static char *state_file(const char *state, const char *name)
{
    char *p = join(state, name);
    StickIO *io = stickio_posix();
    unsigned char *bytes = NULL;
    size_t len = 0;
    int rc = io->read_file(io, p, 64 * 1024, &bytes, &len);
    free(p);
    return rc < 0 ? NULL : (char *)bytes;
}

int update_failed_before(const char *state, const char *version)
{
    char *text = state_file(state, "failed");
    int failed = 0, interrupted = 0;
    size_t n = strlen(version);
    for (char *line = text; line && *line;) {
        char *end = strchr(line, '\n');
        if (end)
            *end = '\0';
        if (strncmp(line, version, n) == 0 && line[n] == ' ') {
            failed += strcmp(line + n + 1, "failed") == 0;
            interrupted += strcmp(line + n + 1, "interrupted") == 0;
        }
        line = end ? end + 1 : NULL;
    }
    free(text);
    /* One power cut in the middle is forgiven; a second one is not. */
    return failed > 0 || interrupted > 1;
}

json_t *update_result_read(const char *state)
{
    char *text = state_file(state, "result");
    if (!text)
        return NULL;
    json_t *r = json_object();
    static const char *const keys[] = {"id", "outcome", "version", "from", "message"};
    for (char *line = text; line && *line;) {
        char *end = strchr(line, '\n');
        if (end)
            *end = '\0';
        char *eq = strchr(line, '=');
        for (size_t k = 0; eq && k < sizeof keys / sizeof keys[0]; k++)
            if ((size_t)(eq - line) == strlen(keys[k]) && strncmp(line, keys[k], strlen(keys[k])) == 0 &&
                ew_text_ok(eq + 1, 400))
                json_object_set_new(r, keys[k], json_string(eq + 1));
        line = end ? end + 1 : NULL;
    }
    free(text);
    if (!json_string_value(json_object_get(r, "id")) ||
        !json_string_value(json_object_get(r, "outcome"))) {
        json_decref(r);
        return NULL;
    }
    return r;
}
