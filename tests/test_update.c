/*
 * test_update.c: signed packages by stick (src/core/update.c).
 *
 * Real Debian packages are made with dpkg-deb in each test's folder; the
 * office is a database made by `echowallctl init --role office`, a second
 * one is another town. The stick is a memfs stick at /stick.
 *
 *  1. versions: strict X.Y.Z, compared as numbers; everything else refused;
 *  2. sign and verify: what the office writes verifies, with the fields of
 *     the package; a flipped byte of the package, an edited statement,
 *     another town's key, truncated or oversized files, a link, the wrong
 *     architecture, an older or equal version and another package's name
 *     are each refused with their reason; the office alone signs, and
 *     older updates leave the stick;
 *  3. the kiosk's side: the newest update newer than this program is
 *     spooled with its request, byte for byte; a bad one is reported and
 *     nothing is spooled; a version that failed here is not asked for;
 *  4. the helper's result and failed list as the kiosk reads them.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db.h"
#include "device.h"
#include "memfs.h"
#include "stickio.h"
#include "testutil.h"
#include "update.h"

/* A Debian package dir/<name>.deb with these control fields (malloc'd path). */
static char *make_deb(const char *dir, const char *package, const char *version, const char *arch)
{
    char *tree = ew_xasprintf("%s/tree-%s-%s-%s", dir, package, version, arch);
    char *deb = ew_xasprintf("%s/%s_%s_%s.deb", dir, package, version, arch);
    char *cmd = ew_xasprintf("mkdir -p '%s/DEBIAN' '%s/usr/share/doc/%s' && echo '%s' > "
                             "'%s/usr/share/doc/%s/version'",
                             tree, tree, package, version, tree, package);
    assert_int_equal(system(cmd), 0);
    free(cmd);
    char *control = ew_xasprintf("Package: %s\nVersion: %s\nArchitecture: %s\nMaintainer: t "
                                 "<t@echowall.invalid>\nDescription: test package\n",
                                 package, version, arch);
    char *cpath = ew_xasprintf("%s/DEBIAN/control", tree);
    tu_write_file(cpath, control, strlen(control));
    cmd = ew_xasprintf("dpkg-deb --root-owner-group -Zgzip -b '%s' '%s' >/dev/null", tree, deb);
    assert_int_equal(system(cmd), 0);
    free(cmd);
    free(cpath);
    free(control);
    free(tree);
    return deb;
}

/* A fresh memfs stick mounted at /stick. */
static StickIO *new_stick(void)
{
    StickIO *io = memfs_new();
    assert_int_equal(memfs_add_dir(io, "/stick"), 0);
    return io;
}

/* A new office database dir/name (another town each time). */
static sqlite3 *office_db(const char *dir, const char *name)
{
    char *path = tu_path(dir, name);
    CtlRun r = tu_ctl(path, "init", "--role", "office", "--name", "测试镇", NULL);
    assert_int_equal(r.status, 0);
    tu_ctl_free(&r);
    sqlite3 *db;
    assert_int_equal(db_open(path, 0, &db, NULL), EW_OK);
    free(path);
    return db;
}

static void town_pk_of(sqlite3 *db, unsigned char pk[crypto_sign_PUBLICKEYBYTES])
{
    assert_int_equal(device_town_pk(db, pk), 0);
}

/* The stick's file echowall/name copied to dir/name (malloc'd path). */
static char *stick_to_local(StickIO *io, const char *dir, const char *name)
{
    char *sp = ew_xasprintf("/stick/echowall/%s", name);
    unsigned char *data;
    size_t len;
    assert_int_equal(io->read_file(io, sp, UPDATE_DEB_MAX, &data, &len), 0);
    char *lp = tu_path(dir, name);
    tu_write_file(lp, data, len);
    free(data);
    free(sp);
    return lp;
}

static void expect_err(int rc, int code, const EwErr *e, const char *words)
{
    if (rc != code || !strstr(e->msg, words))
        print_error("expected %d '...%s...', got %d '%s'\n", code, words, rc, e->msg);
    assert_int_equal(rc, code);
    assert_non_null(strstr(e->msg, words));
}

/* ---- 1. versions ---- */

static void test_versions(void **state)
{
    (void)state;
    static const struct {
        const char *a, *b;
        int cmp;
    } ok[] = {{"0.2.0", "0.1.0", 1},   {"0.1.0", "0.1.0", 0},     {"0.9.0", "0.10.0", -1},
              {"1.0.0", "0.99.99", 1}, {"2.0.10", "2.0.9", 1},    {"0.0.0", "0.0.1", -1},
              {"99999.0.0", "1.2.3", 1}};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        int cmp = 7;
        assert_int_equal(update_version_cmp(ok[i].a, ok[i].b, &cmp, NULL), EW_OK);
        assert_int_equal(cmp, ok[i].cmp);
    }
    static const char *const bad[] = {"",       "0.1",     "0.1.0-1", "01.0.0",  "1.0.0.0",
                                      "a.b.c",  "1.0.",    "1..0",    "123456.0.0", "+1.0.0",
                                      " 1.0.0", "1.0.0 ",  "1.0.0\n", "-1.0.0",  "1.0.00"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int cmp;
        EwErr e = {0};
        assert_int_equal(update_version_cmp(bad[i], "1.0.0", &cmp, &e), EW_EINPUT);
        assert_non_null(strstr(e.msg, "is not X.Y.Z"));
        assert_int_equal(update_version_cmp("1.0.0", bad[i], &cmp, NULL), EW_EINPUT);
    }
    /* What this program says it is must itself be a version. */
    int cmp;
    assert_int_equal(update_version_cmp(update_running_version(), "0.0.0", &cmp, NULL), EW_OK);
    assert_true(strlen(update_build_arch()) > 0);
}

/* ---- 2. sign and verify ---- */

typedef struct Fx {
    char *dir;
    sqlite3 *office, *other;
    StickIO *io;
    char *deb;      /* echowall 0.2.0 for this build's architecture */
    char *ldeb, *lsig; /* the stick's pair copied to local files */
    unsigned char pk[crypto_sign_PUBLICKEYBYTES], other_pk[crypto_sign_PUBLICKEYBYTES];
} Fx;

static int fx_setup(void **state)
{
    Fx *f = ew_xcalloc(1, sizeof *f);
    f->dir = tu_tmpdir();
    f->office = office_db(f->dir, "office.db");
    f->other = office_db(f->dir, "other.db");
    town_pk_of(f->office, f->pk);
    town_pk_of(f->other, f->other_pk);
    f->io = new_stick();
    f->deb = make_deb(f->dir, "echowall", "0.2.0", update_build_arch());
    UpdateInfo u;
    EwErr e = {0};
    int rc = update_sign(f->office, f->io, f->deb, "/stick", &u, &e);
    if (rc)
        print_error("update_sign: %s\n", e.msg);
    assert_int_equal(rc, EW_OK);
    f->ldeb = stick_to_local(f->io, f->dir, "update-0.2.0.deb");
    f->lsig = stick_to_local(f->io, f->dir, "update-0.2.0.sig");
    *state = f;
    return 0;
}

static int fx_teardown(void **state)
{
    Fx *f = *state;
    db_close(f->office);
    db_close(f->other);
    memfs_free(f->io);
    tu_rmdir(f->dir);
    free(f->dir);
    free(f->deb);
    free(f->ldeb);
    free(f->lsig);
    free(f);
    return 0;
}

static const UpdateTarget OLD = {NULL, "0.1.0"}; /* a kiosk running 0.1.0 */

static void test_sign_verify(void **state)
{
    Fx *f = *state;
    UpdateInfo u, want;
    EwErr e = {0};
    /* What the office wrote verifies, with the package's own fields. */
    assert_int_equal(update_deb_info(f->deb, &want, &e), EW_OK);
    assert_string_equal(want.package, "echowall");
    assert_string_equal(want.version, "0.2.0");
    assert_string_equal(want.arch, update_build_arch());
    assert_true(tu_same_file(f->deb, f->ldeb));
    int rc = update_verify_files(f->ldeb, f->lsig, f->pk, &OLD, &u, &e);
    if (rc)
        print_error("verify: %s\n", e.msg);
    assert_int_equal(rc, EW_OK);
    assert_string_equal(u.version, "0.2.0");
    assert_int_equal(u.size, want.size);
    assert_memory_equal(u.hash, want.hash, sizeof u.hash);
    /* The .sig is canonical: parsing and rebuilding it gives the same bytes. */
    size_t slen;
    unsigned char *sig = tu_read_file(f->lsig, &slen);
    unsigned char sk[crypto_sign_SECRETKEYBYTES], *again;
    size_t alen;
    assert_int_equal(device_town_sk(f->office, sk, NULL), EW_OK);
    assert_int_equal(update_statement_make(&u, sk, &again, &alen), EW_OK);
    assert_int_equal(alen, slen);
    assert_memory_equal(again, sig, slen);
    free(again);
    /* Another town's key. */
    e = (EwErr){0};
    expect_err(update_verify_files(f->ldeb, f->lsig, f->other_pk, &OLD, NULL, &e), EW_ECORRUPT,
               &e, "not signed by this town's key");
    /* The wrong architecture, an equal and an older version. */
    UpdateTarget t = {"mips64el", "0.1.0"};
    expect_err(update_verify_files(f->ldeb, f->lsig, f->pk, &t, NULL, &e), EW_ESTATE, &e,
               "built for");
    t = (UpdateTarget){NULL, "0.2.0"};
    expect_err(update_verify_files(f->ldeb, f->lsig, f->pk, &t, NULL, &e), EW_ESTATE, &e,
               "is not newer than 0.2.0");
    t = (UpdateTarget){NULL, "0.10.0"};
    expect_err(update_verify_files(f->ldeb, f->lsig, f->pk, &t, NULL, &e), EW_ESTATE, &e,
               "is not newer than 0.10.0");
    /* One flipped byte of the package. */
    size_t dlen;
    unsigned char *deb = tu_read_file(f->ldeb, &dlen);
    char *p = tu_path(f->dir, "x.deb"), *q = tu_path(f->dir, "x.sig");
    deb[dlen / 2] ^= 0x01;
    tu_write_file(p, deb, dlen);
    expect_err(update_verify_files(p, f->lsig, f->pk, &OLD, NULL, &e), EW_ECORRUPT, &e,
               "do not match the signature");
    deb[dlen / 2] ^= 0x01;
    /* Truncated, and one byte longer. */
    tu_write_file(p, deb, dlen - 1);
    expect_err(update_verify_files(p, f->lsig, f->pk, &OLD, NULL, &e), EW_ECORRUPT, &e,
               "the signature says");
    unsigned char *longer = ew_xmalloc(dlen + 1);
    memcpy(longer, deb, dlen);
    longer[dlen] = 0;
    tu_write_file(p, longer, dlen + 1);
    expect_err(update_verify_files(p, f->lsig, f->pk, &OLD, NULL, &e), EW_ECORRUPT, &e,
               "the signature says");
    free(longer);
    /* The package as a link to the genuine one: not followed. */
    unlink(p);
    assert_int_equal(symlink(f->ldeb, p), 0);
    expect_err(update_verify_files(p, f->lsig, f->pk, &OLD, NULL, &e), EW_ECORRUPT, &e,
               "a link");
    unlink(p);
    /* The statement edited: version, size, then a field added. */
    char *text = ew_xasprintf("%.*s", (int)slen, (char *)sig);
    char *v = strstr(text, "\"0.2.0\"");
    assert_non_null(v);
    v[5] = '1';
    tu_write_file(q, text, strlen(text));
    expect_err(update_verify_files(f->ldeb, q, f->pk, &OLD, NULL, &e), EW_ECORRUPT, &e,
               "not signed by this town's key");
    free(text);
    text = ew_xasprintf("%.*s", (int)slen, (char *)sig);
    char *sz = strstr(text, "\"size\":");
    assert_non_null(sz);
    sz[7] = sz[7] == '9' ? '8' : (char)(sz[7] + 1);
    tu_write_file(q, text, strlen(text));
    expect_err(update_verify_files(f->ldeb, q, f->pk, &OLD, NULL, &e), EW_ECORRUPT, &e,
               "not signed by this town's key");
    free(text);
    /* Truncated signature file, an empty one, and one over the cap. */
    tu_write_file(q, sig, slen / 2);
    expect_err(update_verify_files(f->ldeb, q, f->pk, &OLD, NULL, &e), EW_ECORRUPT, &e,
               "damaged");
    tu_write_file(q, "", strlen(""));
    expect_err(update_verify_files(f->ldeb, q, f->pk, &OLD, NULL, &e), EW_ECORRUPT, &e,
               "damaged");
    char *big = ew_xmalloc(UPDATE_SIG_MAX + 2);
    memcpy(big, sig, slen);
    memset(big + slen, ' ', UPDATE_SIG_MAX + 1 - slen);
    tu_write_file(q, big, UPDATE_SIG_MAX + 1);
    expect_err(update_verify_files(f->ldeb, q, f->pk, &OLD, NULL, &e), EW_ECORRUPT, &e,
               "larger than a signature file");
    free(big);
    expect_err(update_verify_files(f->ldeb, "/nonexistent/x.sig", f->pk, &OLD, NULL, &e),
               EW_ECORRUPT, &e, "x.sig");
    /* Signed by the town but not acceptable: another package's name, a size
     * over the cap, another kind of statement. */
    UpdateInfo w = u;
    snprintf(w.package, sizeof w.package, "openssh-server");
    unsigned char *s2;
    size_t s2len;
    assert_int_equal(update_statement_make(&w, sk, &s2, &s2len), EW_OK);
    tu_write_file(q, s2, s2len);
    free(s2);
    expect_err(update_verify_files(f->ldeb, q, f->pk, &OLD, NULL, &e), EW_ESTATE, &e,
               "not echowall");
    w = u;
    w.size = UPDATE_DEB_MAX + 1;
    assert_int_equal(update_statement_make(&w, sk, &s2, &s2len), EW_OK);
    tu_write_file(q, s2, s2len);
    free(s2);
    expect_err(update_verify_files(f->ldeb, q, f->pk, &OLD, NULL, &e), EW_ECORRUPT, &e,
               "not one this version reads");
    sodium_memzero(sk, sizeof sk);
    free(sig);
    free(deb);
    free(p);
    free(q);
}

static void test_sign_refuses(void **state)
{
    Fx *f = *state;
    EwErr e = {0};
    UpdateInfo u;
    StickIO *io = new_stick();
    /* Not echowall, not X.Y.Z, not a package at all. */
    char *evil = make_deb(f->dir, "echowall-evil", "0.3.0", update_build_arch());
    expect_err(update_sign(f->office, io, evil, "/stick", &u, &e), EW_EINPUT, &e, "not echowall");
    char *rev = make_deb(f->dir, "echowall", "0.3.0-1", update_build_arch());
    expect_err(update_sign(f->office, io, rev, "/stick", &u, &e), EW_EINPUT, &e,
               "updates need X.Y.Z");
    char *junk = tu_path(f->dir, "junk.deb");
    tu_write_file(junk, "!<arch>\nnot really", strlen("!<arch>\nnot really"));
    expect_err(update_sign(f->office, io, junk, "/stick", &u, &e), EW_EINPUT, &e,
               "not a Debian package");
    /* None of that reached the stick. */
    StickEntry *ents = NULL;
    size_t n = 0;
    int rc = io->list(io, "/stick/echowall", &ents, &n);
    assert_true(rc == -ENOENT || n == 0);
    free(ents);
    /* A hall holds no town key. */
    char *hall = tu_path(f->dir, "hall.db");
    CtlRun r = tu_ctl(hall, "init", "--role", "hall", "--hall", "H07", NULL);
    assert_int_equal(r.status, 0);
    tu_ctl_free(&r);
    sqlite3 *h;
    assert_int_equal(db_open(hall, 0, &h, NULL), EW_OK);
    assert_int_equal(update_sign(h, io, f->deb, "/stick", &u, &e), EW_EDENIED);
    db_close(h);
    /* A newer package replaces the older one on the stick. */
    assert_int_equal(update_sign(f->office, io, f->deb, "/stick", &u, NULL), EW_OK);
    char *d3 = make_deb(f->dir, "echowall", "0.3.0", update_build_arch());
    assert_int_equal(update_sign(f->office, io, d3, "/stick", &u, NULL), EW_OK);
    assert_int_equal(io->list(io, "/stick/echowall", &ents, &n), 0);
    assert_int_equal(n, 2);
    assert_string_equal(ents[0].name, "update-0.3.0.deb");
    assert_string_equal(ents[1].name, "update-0.3.0.sig");
    free(ents);
    memfs_free(io);
    free(evil);
    free(rev);
    free(junk);
    free(hall);
    free(d3);
}

/* ---- 3. the kiosk's side ---- */

static void test_take(void **state)
{
    Fx *f = *state;
    char *spool = tu_path(f->dir, "spool"), *st = tu_path(f->dir, "state");
    assert_int_equal(mkdir(st, 0755), 0);
    UpdatePaths paths = {spool, st};
    json_t *r = NULL;
    EwErr e = {0};
    /* A stick with no update, and one with no echowall folder. */
    StickIO *empty = new_stick();
    assert_int_equal(update_take(f->office, empty, "/stick", &paths, &OLD, &r, &e), EW_OK);
    assert_null(r);
    memfs_free(empty);
    /* The good one: spooled byte for byte, request last. */
    int rc = update_take(f->office, f->io, "/stick", &paths, &OLD, &r, &e);
    if (rc)
        print_error("update_take: %s\n", e.msg);
    assert_int_equal(rc, EW_OK);
    assert_non_null(r);
    assert_string_equal(json_string_value(json_object_get(r, "state")), "requested");
    assert_string_equal(json_string_value(json_object_get(r, "version")), "0.2.0");
    json_decref(r);
    char *pd = tu_path(spool, "pending.deb"), *ps = tu_path(spool, "pending.sig"),
         *pk = tu_path(spool, "town.pk"), *rq = tu_path(spool, "request");
    assert_true(tu_same_file(pd, f->deb));
    assert_true(tu_same_file(ps, f->lsig));
    size_t len;
    char *text = (char *)tu_read_file(rq, &len);
    assert_int_equal(len, 6);
    assert_memory_equal(text, "0.2.0\n", 6);
    free(text);
    text = (char *)tu_read_file(pk, &len);
    char hex[65];
    ew_hex(f->pk, sizeof f->pk, hex);
    assert_int_equal(len, 65);
    assert_memory_equal(text, hex, 64);
    free(text);
    /* What the kiosk spooled verifies as the root helper checks it. */
    assert_int_equal(update_verify_files(pd, ps, f->pk, &OLD, NULL, &e), EW_OK);

    /* Already running it (or newer): nothing spooled, said as "current". */
    unlink(rq);
    UpdateTarget now = {NULL, "0.2.0"};
    assert_int_equal(update_take(f->office, f->io, "/stick", &paths, &now, &r, &e), EW_OK);
    assert_string_equal(json_string_value(json_object_get(r, "state")), "current");
    json_decref(r);
    assert_int_equal(access(rq, F_OK), -1);

    /* A tampered package on the stick: refused, nothing spooled. */
    StickIO *bad = new_stick();
    size_t dlen, slen;
    unsigned char *deb = tu_read_file(f->deb, &dlen), *sig = tu_read_file(f->lsig, &slen);
    deb[dlen - 3] ^= 0x40;
    memfs_add_dir(bad, "/stick/echowall");
    memfs_add_file(bad, "/stick/echowall/update-0.2.0.deb", deb, dlen);
    memfs_add_file(bad, "/stick/echowall/update-0.2.0.sig", sig, slen);
    unlink(pd);
    assert_int_equal(update_take(f->office, bad, "/stick", &paths, &OLD, &r, &e), EW_OK);
    assert_string_equal(json_string_value(json_object_get(r, "state")), "refused");
    assert_non_null(strstr(json_string_value(json_object_get(r, "reason")), "do not match"));
    json_decref(r);
    assert_int_equal(access(rq, F_OK), -1);
    assert_int_equal(access(pd, F_OK), -1);
    memfs_free(bad);
    /* A link in place of the signature, and another town's signature. */
    bad = new_stick();
    deb[dlen - 3] ^= 0x40;
    memfs_add_dir(bad, "/stick/echowall");
    memfs_add_file(bad, "/stick/echowall/update-0.2.0.deb", deb, dlen);
    memfs_add_file(bad, "/stick/echowall/real.sig", sig, slen);
    memfs_add_symlink(bad, "/stick/echowall/update-0.2.0.sig", "real.sig");
    assert_int_equal(update_take(f->office, bad, "/stick", &paths, &OLD, &r, &e), EW_OK);
    assert_string_equal(json_string_value(json_object_get(r, "state")), "refused");
    assert_non_null(strstr(json_string_value(json_object_get(r, "reason")), "not a regular file"));
    json_decref(r);
    memfs_free(bad);
    assert_int_equal(update_take(f->other, f->io, "/stick", &paths, &OLD, &r, &e), EW_OK);
    assert_string_equal(json_string_value(json_object_get(r, "state")), "refused");
    assert_non_null(strstr(json_string_value(json_object_get(r, "reason")), "town's key"));
    json_decref(r);
    assert_int_equal(access(rq, F_OK), -1);
    /* A statement whose name says another version. */
    bad = new_stick();
    memfs_add_dir(bad, "/stick/echowall");
    memfs_add_file(bad, "/stick/echowall/update-0.2.0.deb", deb, dlen);
    memfs_add_file(bad, "/stick/echowall/update-0.9.0.sig", sig, slen);
    assert_int_equal(update_take(f->office, bad, "/stick", &paths, &OLD, &r, &e), EW_OK);
    assert_string_equal(json_string_value(json_object_get(r, "state")), "refused");
    assert_non_null(strstr(json_string_value(json_object_get(r, "reason")), "name says 0.9.0"));
    json_decref(r);
    memfs_free(bad);

    /* The helper's failed list: a failure is final, one interruption is
     * forgiven, a second is not. */
    char *failed = tu_path(st, "failed");
    tu_write_file(failed, "0.2.0 interrupted\n", strlen("0.2.0 interrupted\n"));
    assert_int_equal(update_take(f->office, f->io, "/stick", &paths, &OLD, &r, &e), EW_OK);
    assert_string_equal(json_string_value(json_object_get(r, "state")), "requested");
    json_decref(r);
    unlink(rq);
    tu_write_file(failed, "0.2.0 interrupted\n0.12.0 failed\n0.2.0 interrupted\n", strlen("0.2.0 interrupted\n0.12.0 failed\n0.2.0 interrupted\n"));
    assert_int_equal(update_take(f->office, f->io, "/stick", &paths, &OLD, &r, &e), EW_OK);
    assert_string_equal(json_string_value(json_object_get(r, "state")), "failed_before");
    json_decref(r);
    assert_int_equal(access(rq, F_OK), -1);
    tu_write_file(failed, "0.2.0 failed\n", strlen("0.2.0 failed\n"));
    assert_true(update_failed_before(st, "0.2.0"));
    assert_false(update_failed_before(st, "0.2.1"));
    assert_false(update_failed_before(st, "0.2"));
    unlink(failed);

    /* Several on one stick: the newest counts. */
    StickIO *two = new_stick();
    assert_int_equal(update_sign(f->office, two, f->deb, "/stick", NULL, &e), EW_OK);
    char *d3 = make_deb(f->dir, "echowall", "0.3.0", update_build_arch());
    UpdateInfo u3;
    assert_int_equal(update_sign(f->office, two, d3, "/stick", &u3, &e), EW_OK);
    /* (sign removed 0.2.0; put it back beside 0.3.0) */
    memfs_add_file(two, "/stick/echowall/update-0.2.0.deb", deb, dlen);
    memfs_add_file(two, "/stick/echowall/update-0.2.0.sig", sig, slen);
    assert_int_equal(update_take(f->office, two, "/stick", &paths, &OLD, &r, &e), EW_OK);
    assert_string_equal(json_string_value(json_object_get(r, "version")), "0.3.0");
    assert_string_equal(json_string_value(json_object_get(r, "state")), "requested");
    json_decref(r);
    assert_true(tu_same_file(pd, d3));
    memfs_free(two);

    free(deb);
    free(sig);
    free(d3);
    free(failed);
    free(pd);
    free(ps);
    free(pk);
    free(rq);
    free(spool);
    free(st);
}

/* ---- 4. the helper's result ---- */

static void test_result(void **state)
{
    Fx *f = *state;
    char *st = tu_path(f->dir, "result-state");
    assert_int_equal(mkdir(st, 0755), 0);
    assert_null(update_result_read(st));
    char *p = tu_path(st, "result");
    const char *good = "id=1765100000-42\noutcome=rolled_back\nversion=0.3.0\nfrom=0.2.0\n"
                       "message=echowall 0.3.0 did not report ready within 60 s; back to 0.2.0\n"
                       "stranger=ignored\n";
    tu_write_file(p, good, strlen(good));
    json_t *r = update_result_read(st);
    assert_non_null(r);
    assert_string_equal(json_string_value(json_object_get(r, "outcome")), "rolled_back");
    assert_string_equal(json_string_value(json_object_get(r, "from")), "0.2.0");
    assert_non_null(strstr(json_string_value(json_object_get(r, "message")), "ready within 60 s"));
    assert_null(json_object_get(r, "stranger"));
    json_decref(r);
    /* No id or outcome: nothing to show; not UTF-8: that line is dropped. */
    tu_write_file(p, "outcome=installed\n", strlen("outcome=installed\n"));
    assert_null(update_result_read(st));
    tu_write_file(p, "id=1\noutcome=installed\nmessage=\xff\xfe\n", strlen("id=1\noutcome=installed\nmessage=\xff\xfe\n"));
    r = update_result_read(st);
    assert_non_null(r);
    assert_null(json_object_get(r, "message"));
    json_decref(r);
    free(p);
    free(st);
}

int main(void)
{
    if (system("command -v dpkg-deb >/dev/null 2>&1") != 0) {
        print_message("SKIPPED: dpkg-deb is missing (Debian package dpkg)\n");
        return 77;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_versions),
        cmocka_unit_test_setup_teardown(test_sign_verify, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_sign_refuses, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_take, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_result, fx_setup, fx_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
