/*
 * test_stickio.c: cmocka tests for src/core/stickio.c and src/core/memfs.c.
 *
 * The behaviour both implementations share (round trip, refusing links,
 * folders and oversized files, hashing copies, listing types) is written once
 * against a fixture and run twice: on the real filesystem in a temporary
 * folder, and on a memfs. Then memfs alone: the page-cache model (what a
 * reboot keeps and loses), torn writes, the power cut after n calls,
 * capacity, paths.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../src/core/memfs.h"
#include "../src/core/stickio.h"
#include "testutil.h"

#define TWO_GB (2ULL * 1024 * 1024 * 1024)

/* One test's stick and local folder. */
typedef struct Fix {
    StickIO *io;  /* the stick */
    char *base;   /* a folder on the stick (malloc'd) */
    char *local;  /* a real temporary folder for copy_out (malloc'd) */
    char *real;   /* the real temporary folder behind base (posix only) */
    int mem;      /* 1 for memfs */
} Fix;

static int setup_posix(void **state)
{
    Fix *f = calloc(1, sizeof *f);
    f->io = stickio_posix();
    f->real = tu_tmpdir();
    f->base = strdup(f->real);
    f->local = tu_tmpdir();
    *state = f;
    return 0;
}

static int setup_mem(void **state)
{
    Fix *f = calloc(1, sizeof *f);
    f->io = memfs_new();
    f->mem = 1;
    f->base = strdup("/media/stick");
    assert_int_equal(memfs_add_dir(f->io, f->base), 0);
    f->local = tu_tmpdir();
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    Fix *f = *state;
    if (f->mem)
        memfs_free(f->io);
    if (f->real)
        tu_rmdir(f->real);
    tu_rmdir(f->local);
    free(f->real);
    free(f->base);
    free(f->local);
    free(f);
    return 0;
}

/* base/name, malloc'd. */
static char *at(const Fix *f, const char *name)
{
    return tu_path(f->base, name);
}

/* Puts a file on the stick durably, outside the StickIO. */
static void put_file(const Fix *f, const char *name, const void *data, size_t len)
{
    char *p = at(f, name);
    if (f->mem)
        assert_int_equal(memfs_add_file(f->io, p, data, len), 0);
    else
        tu_write_file(p, data, len);
    free(p);
}

/* Puts a symlink name -> target on the stick. */
static void put_link(const Fix *f, const char *name, const char *target)
{
    char *p = at(f, name);
    if (f->mem)
        assert_int_equal(memfs_add_symlink(f->io, p, target), 0);
    else
        assert_int_equal(symlink(target, p), 0);
    free(p);
}

/* Puts a file claiming size bytes (sparse on the real filesystem). */
static void put_huge(const Fix *f, const char *name, uint64_t size)
{
    char *p = at(f, name);
    if (f->mem) {
        assert_int_equal(memfs_add_file(f->io, p, "", 0), 0);
        assert_int_equal(memfs_set_size(f->io, p, size), 0);
    } else {
        int fd = open(p, O_WRONLY | O_CREAT | O_EXCL, 0644);
        assert_true(fd >= 0);
        assert_int_equal(ftruncate(fd, (off_t)size), 0);
        close(fd);
    }
    free(p);
}

/* 1 when name exists on the stick (list of base). */
static int listed(const Fix *f, const char *name)
{
    StickEntry *e = NULL;
    size_t n = 0;
    assert_int_equal(f->io->list(f->io, f->base, &e, &n), 0);
    int found = 0;
    for (size_t i = 0; i < n; i++)
        found |= strcmp(e[i].name, name) == 0;
    free(e);
    return found;
}

/* Asserts path on io reads back exactly (data, len). */
static void assert_reads(StickIO *io, const char *path, const void *data, size_t len)
{
    unsigned char *got = NULL;
    size_t n = 0;
    assert_int_equal(io->read_file(io, path, 1 << 20, &got, &n), 0);
    assert_int_equal(n, len);
    if (len)
        assert_memory_equal(got, data, len);
    assert_int_equal(got[n], 0);
    free(got);
}

/* Random bytes (malloc'd). */
static unsigned char *random_bytes(size_t n)
{
    unsigned char *b = malloc(n ? n : 1);
    randombytes_buf(b, n);
    return b;
}

/* ---------------------------------------------------------------- shared */

/* The writing steps of SYNC.md, then reading back, listing, removing. */
static void t_roundtrip(void **state)
{
    Fix *f = *state;
    StickIO *io = f->io;
    char *dir = at(f, "echowall"), *tmp = tu_path(dir, "x.tmp"), *fin = tu_path(dir, "x");
    assert_int_equal(io->mkdir(io, dir), 0);
    assert_int_equal(io->mkdir(io, dir), -EEXIST);
    assert_int_equal(io->fsync_dir(io, f->base), 0);

    int fd = -1;
    assert_int_equal(io->create(io, tmp, &fd), 0);
    assert_true(fd >= 0);
    assert_int_equal(io->write(io, fd, "hello ", 6), 0);
    assert_int_equal(io->write(io, fd, "world", 5), 0);
    assert_int_equal(io->write(io, fd, NULL, 0), 0);
    assert_int_equal(io->fsync(io, fd), 0);
    assert_int_equal(io->close(io, fd), 0);
    assert_int_equal(io->rename(io, tmp, fin), 0);
    assert_int_equal(io->fsync_dir(io, dir), 0);

    StickEntry *e = NULL;
    size_t n = 0;
    assert_int_equal(io->list(io, dir, &e, &n), 0);
    assert_int_equal(n, 1);
    assert_string_equal(e[0].name, "x");
    assert_int_equal(e[0].type, STICK_REG);
    assert_int_equal(e[0].size, 11);
    free(e);

    assert_reads(io, fin, "hello world", 11);
    unsigned char *data = (unsigned char *)1;
    size_t len = 99;
    assert_int_equal(io->read_file(io, fin, 11, &data, &len), 0);
    free(data);
    assert_int_equal(io->read_file(io, fin, 10, &data, &len), -EFBIG);
    assert_null(data);
    assert_int_equal(len, 0);
    assert_int_equal(io->read_file(io, tmp, 100, &data, &len), -ENOENT);

    /* A bigger file, read back whole (the buffer grows past one chunk). */
    size_t big = 300000;
    unsigned char *bytes = random_bytes(big);
    char *bp = tu_path(dir, "big");
    assert_int_equal(io->create(io, bp, &fd), 0);
    assert_int_equal(io->write(io, fd, bytes, big), 0);
    assert_int_equal(io->close(io, fd), 0);
    assert_int_equal(io->read_file(io, bp, SIZE_MAX, &data, &len), 0);
    assert_int_equal(len, big);
    assert_memory_equal(data, bytes, big);
    free(data);
    assert_int_equal(io->read_file(io, bp, big - 1, &data, &len), -EFBIG);
    free(bytes);

    /* An empty file reads as a non-NULL empty buffer. */
    char *ep = tu_path(dir, "empty");
    assert_int_equal(io->create(io, ep, &fd), 0);
    assert_int_equal(io->close(io, fd), 0);
    assert_reads(io, ep, "", 0);

    assert_int_equal(io->unlink(io, fin), 0);
    assert_int_equal(io->unlink(io, bp), 0);
    assert_int_equal(io->unlink(io, ep), 0);
    assert_int_equal(io->fsync_dir(io, dir), 0);
    assert_int_equal(io->list(io, dir, &e, &n), 0);
    assert_int_equal(n, 0);
    assert_non_null(e);
    free(e);

    assert_int_equal(io->unlink(io, fin), -ENOENT);
    assert_int_equal(io->unlink(io, dir), -EISDIR);
    assert_int_equal(io->rename(io, fin, tmp), -ENOENT);
    char *nowhere = at(f, "no/such/file");
    assert_int_equal(io->create(io, nowhere, &fd), -ENOENT);
    assert_int_equal(fd, -1);
    assert_int_equal(io->fsync_dir(io, fin), -ENOENT);

    uint64_t avail = 0;
    assert_int_equal(io->statfs_free(io, f->base, &avail), 0);
    assert_true(avail > 0);

    free(nowhere);
    free(ep);
    free(bp);
    free(dir);
    free(tmp);
    free(fin);
}

/* create is exclusive and never follows a link, dangling or not. */
static void t_create_refuses(void **state)
{
    Fix *f = *state;
    StickIO *io = f->io;
    put_file(f, "a", "keep", 4);
    put_link(f, "l", "a");
    put_link(f, "dangling", "made-through-link");
    char *a = at(f, "a"), *l = at(f, "l"), *d = at(f, "dangling");
    int fd = 7;
    assert_int_equal(io->create(io, a, &fd), -EEXIST);
    assert_int_equal(fd, -1);
    assert_int_equal(io->create(io, l, &fd), -EEXIST);
    assert_int_equal(io->create(io, d, &fd), -EEXIST);
    assert_false(listed(f, "made-through-link"));
    assert_reads(io, a, "keep", 4);
    free(a);
    free(l);
    free(d);
}

/* mkdir says what is in the way; a link to a folder is not a folder. */
static void t_mkdir_refuses(void **state)
{
    Fix *f = *state;
    StickIO *io = f->io;
    char *sub = at(f, "sub"), *l = at(f, "l"), *file = at(f, "file");
    assert_int_equal(io->mkdir(io, sub), 0);
    put_link(f, "l", "sub");
    put_file(f, "file", "x", 1);
    assert_int_equal(io->mkdir(io, l), -ELOOP);
    assert_int_equal(io->mkdir(io, file), -ENOTDIR);
    assert_int_equal(io->mkdir(io, sub), -EEXIST);

    StickEntry *e = (StickEntry *)1;
    size_t n = 5;
    assert_int_equal(io->list(io, l, &e, &n), -ELOOP);
    assert_null(e);
    assert_int_equal(n, 0);
    assert_int_equal(io->list(io, file, &e, &n), -ENOTDIR);
    assert_int_equal(io->fsync_dir(io, l), -ELOOP);
    free(sub);
    free(l);
    free(file);
}

/* read_file and copy_out take regular files within the cap and nothing
 * else; a refused copy leaves no local file. */
static void t_read_refuses(void **state)
{
    Fix *f = *state;
    StickIO *io = f->io;
    char *sub = at(f, "sub");
    assert_int_equal(io->mkdir(io, sub), 0);
    put_file(f, "real", "content", 7);
    put_link(f, "link", "real");
    put_huge(f, "huge", TWO_GB);
    const struct {
        const char *name;
        int err;
    } cases[] = {{"link", -ELOOP}, {"sub", -EISDIR}, {"huge", -EFBIG}, {"gone", -ENOENT}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *p = at(f, cases[i].name), *loc = tu_path(f->local, cases[i].name);
        unsigned char *data = (unsigned char *)1;
        size_t len = 99;
        assert_int_equal(io->read_file(io, p, 64 * 1024, &data, &len), cases[i].err);
        assert_null(data);
        assert_int_equal(len, 0);
        unsigned char hash[32];
        memset(hash, 0xAA, sizeof hash);
        uint64_t blen = 99;
        assert_int_equal(io->copy_out(io, p, loc, 64 * 1024, hash, &blen), cases[i].err);
        assert_int_equal(blen, 0);
        assert_int_equal(access(loc, F_OK), -1);
        free(p);
        free(loc);
    }
    /* One byte short of the claimed size is still too big. */
    char *h = at(f, "huge"), *loc = tu_path(f->local, "huge2");
    uint64_t blen;
    assert_int_equal(io->copy_out(io, h, loc, TWO_GB - 1, NULL, &blen), -EFBIG);
    assert_int_equal(access(loc, F_OK), -1);
    free(h);
    free(loc);
    free(sub);
}

/* copy_out copies the bytes, hashes them as crypto_generichash does, makes
 * a 0600 file and never overwrites one. */
static void t_copy_out(void **state)
{
    Fix *f = *state;
    StickIO *io = f->io;
    size_t n = 200000;
    unsigned char *bytes = random_bytes(n);
    put_file(f, "bundle", bytes, n);
    put_file(f, "empty", "", 0);
    char *p = at(f, "bundle"), *loc = tu_path(f->local, "copy");
    unsigned char hash[32], want[32];
    uint64_t len = 0;
    assert_int_equal(io->copy_out(io, p, loc, n, hash, &len), 0);
    assert_int_equal(len, n);
    crypto_generichash(want, 32, bytes, n, NULL, 0);
    assert_memory_equal(hash, want, 32);
    size_t got = 0;
    unsigned char *back = tu_read_file(loc, &got);
    assert_int_equal(got, n);
    assert_memory_equal(back, bytes, n);
    free(back);
    struct stat st;
    assert_int_equal(stat(loc, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);

    /* An existing local file is refused and left alone. */
    assert_int_equal(io->copy_out(io, p, loc, n, hash, &len), -EEXIST);
    back = tu_read_file(loc, &got);
    assert_int_equal(got, n);
    free(back);

    /* The cap, exactly. */
    char *loc2 = tu_path(f->local, "copy2");
    assert_int_equal(io->copy_out(io, p, loc2, n - 1, hash, &len), -EFBIG);
    assert_int_equal(access(loc2, F_OK), -1);

    /* Empty file: the hash of nothing. */
    char *e = at(f, "empty");
    assert_int_equal(io->copy_out(io, e, loc2, 0, hash, NULL), 0);
    crypto_generichash(want, 32, (const unsigned char *)"", 0, NULL, 0);
    assert_memory_equal(hash, want, 32);

    free(e);
    free(loc2);
    free(bytes);
    free(p);
    free(loc);
}

/* list types entries by lstat, sizes files and links, sorts by name. */
static void t_list_types(void **state)
{
    Fix *f = *state;
    StickIO *io = f->io;
    char *sub = at(f, "sub");
    assert_int_equal(io->mkdir(io, sub), 0);
    put_file(f, "f", "12345", 5);
    put_link(f, "l", "f");
    put_link(f, "dl", "nowhere-at-all");
    put_link(f, "ldir", "sub");
    put_huge(f, "big", TWO_GB);
    StickEntry *e = NULL;
    size_t n = 0;
    assert_int_equal(io->list(io, f->base, &e, &n), 0);
    const struct {
        const char *name;
        StickType type;
        uint64_t size;
    } want[] = {{"big", STICK_REG, TWO_GB}, {"dl", STICK_LINK, 14}, {"f", STICK_REG, 5},
                {"l", STICK_LINK, 1},        {"ldir", STICK_LINK, 3}, {"sub", STICK_DIR, 0}};
    assert_int_equal(n, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(e[i].name, want[i].name);
        assert_int_equal(e[i].type, want[i].type);
        assert_int_equal(e[i].size, want[i].size);
    }
    free(e);
    char *missing = at(f, "missing");
    assert_int_equal(io->list(io, missing, &e, &n), -ENOENT);
    free(missing);
    free(sub);
}

/* ---------------------------------------------------------------- posix only */

/* A fifo is listed as OTHER and refused at once, never waited on. */
static void t_posix_fifo(void **state)
{
    Fix *f = *state;
    StickIO *io = f->io;
    char *p = at(f, "fifo"), *loc = tu_path(f->local, "fifo");
    assert_int_equal(mkfifo(p, 0644), 0);
    unsigned char *data;
    size_t len;
    assert_int_equal(io->read_file(io, p, 100, &data, &len), -EINVAL);
    assert_int_equal(io->copy_out(io, p, loc, 100, NULL, NULL), -EINVAL);
    assert_int_equal(access(loc, F_OK), -1);
    StickEntry *e = NULL;
    size_t n = 0;
    assert_int_equal(io->list(io, f->base, &e, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(e[0].type, STICK_OTHER);
    free(e);
    assert_int_equal(io->write(io, -1, "x", 1), -EBADF);
    free(p);
    free(loc);
}

/* The memfs controls refuse a real StickIO. */
static void t_posix_not_memfs(void **state)
{
    (void)state;
    StickIO *io = stickio_posix();
    assert_ptr_equal(io, stickio_posix());
    assert_int_equal(memfs_power_cut_after(io, 1), -EINVAL);
    assert_int_equal(memfs_count_ops(io), -1);
    assert_int_equal(memfs_add_file(io, "/x", "", 0), -EINVAL);
    memfs_reboot(io, 1);     /* no effect */
    memfs_free(io);          /* no effect */
    memfs_free(NULL);
}

/* ---------------------------------------------------------------- memfs only */

/* Writes name in dir as SYNC.md says (create, write, fsync, close, rename,
 * fsync_dir), stopping at the first error; *step is the index (0..6) of the
 * failing call, 7 when all succeeded. 2 writes. */
static int atomic_write(StickIO *io, const char *dir, const char *name, const char *data,
                        int *step)
{
    char *tmp = tu_path(dir, "write.tmp"), *fin = tu_path(dir, name);
    size_t len = strlen(data), half = len / 2;
    int fd = -1, rc;
    *step = 0;
    if ((rc = io->create(io, tmp, &fd)) < 0)
        goto out;
    *step = 1;
    if ((rc = io->write(io, fd, data, half)) < 0)
        goto out;
    *step = 2;
    if ((rc = io->write(io, fd, data + half, len - half)) < 0)
        goto out;
    *step = 3;
    if ((rc = io->fsync(io, fd)) < 0)
        goto out;
    *step = 4;
    if ((rc = io->close(io, fd)) < 0)
        goto out;
    *step = 5;
    if ((rc = io->rename(io, tmp, fin)) < 0)
        goto out;
    *step = 6;
    if ((rc = io->fsync_dir(io, dir)) < 0)
        goto out;
    *step = 7;
out:
    free(tmp);
    free(fin);
    return rc;
}

/* Written and closed without fsync: after a reboot the file is there (its
 * entry was fsynced) but never whole; some seeds keep nothing. */
static void t_mem_unsynced_data_lost(void **state)
{
    (void)state;
    const char *data = "data not made durable";
    size_t dl = strlen(data);
    int saw_empty = 0;
    for (uint64_t seed = 0; seed < 40; seed++) {
        StickIO *io = memfs_new();
        assert_int_equal(memfs_add_dir(io, "/s"), 0);
        int fd;
        assert_int_equal(io->create(io, "/s/f", &fd), 0);
        assert_int_equal(io->write(io, fd, data, dl), 0);
        assert_int_equal(io->close(io, fd), 0);
        assert_int_equal(io->fsync_dir(io, "/s"), 0);
        assert_reads(io, "/s/f", data, dl); /* the page cache has it */
        memfs_reboot(io, seed);
        unsigned char *got;
        size_t n;
        assert_int_equal(io->read_file(io, "/s/f", 100, &got, &n), 0);
        assert_true(n < dl);
        assert_memory_equal(got, data, n);
        saw_empty |= n == 0;
        free(got);
        memfs_free(io);
    }
    assert_true(saw_empty);
}

/* Fsynced data under a new name is lost without fsync_dir of its folder;
 * with it, it survives whole. */
static void t_mem_name_needs_fsync_dir(void **state)
{
    (void)state;
    for (int with_dir = 0; with_dir <= 1; with_dir++) {
        StickIO *io = memfs_new();
        assert_int_equal(memfs_add_dir(io, "/s"), 0);
        int fd;
        assert_int_equal(io->create(io, "/s/f", &fd), 0);
        assert_int_equal(io->write(io, fd, "durable", 7), 0);
        assert_int_equal(io->fsync(io, fd), 0);
        assert_int_equal(io->close(io, fd), 0);
        if (with_dir)
            assert_int_equal(io->fsync_dir(io, "/s"), 0);
        memfs_reboot(io, 3);
        unsigned char *got = NULL;
        size_t n;
        if (with_dir) {
            assert_reads(io, "/s/f", "durable", 7);
        } else {
            assert_int_equal(io->read_file(io, "/s/f", 100, &got, &n), -ENOENT);
            StickEntry *e;
            assert_int_equal(io->list(io, "/s", &e, &n), 0);
            assert_int_equal(n, 0);
            free(e);
        }
        memfs_free(io);
    }
}

/* rename and unlink revert without fsync_dir; a folder that was never made
 * durable takes its durable contents with it. */
static void t_mem_rename_reverts(void **state)
{
    (void)state;
    StickIO *io = memfs_new();
    assert_int_equal(memfs_add_file(io, "/s/a", "old", 3), 0);
    assert_int_equal(memfs_add_file(io, "/s/t", "new", 3), 0);

    assert_int_equal(io->rename(io, "/s/t", "/s/a"), 0);
    assert_reads(io, "/s/a", "new", 3);
    memfs_reboot(io, 1);
    assert_reads(io, "/s/a", "old", 3);
    assert_reads(io, "/s/t", "new", 3);

    assert_int_equal(io->rename(io, "/s/t", "/s/a"), 0);
    assert_int_equal(io->fsync_dir(io, "/s"), 0);
    memfs_reboot(io, 2);
    assert_reads(io, "/s/a", "new", 3);
    unsigned char *got;
    size_t n;
    assert_int_equal(io->read_file(io, "/s/t", 100, &got, &n), -ENOENT);

    assert_int_equal(io->unlink(io, "/s/a"), 0);
    assert_int_equal(io->read_file(io, "/s/a", 100, &got, &n), -ENOENT);
    memfs_reboot(io, 3);
    assert_reads(io, "/s/a", "new", 3);

    /* mkdir without fsync_dir of the parent: the folder and what was made
     * durable inside it are gone. */
    int fd;
    assert_int_equal(io->mkdir(io, "/s/e"), 0);
    assert_int_equal(io->create(io, "/s/e/f", &fd), 0);
    assert_int_equal(io->write(io, fd, "x", 1), 0);
    assert_int_equal(io->fsync(io, fd), 0);
    assert_int_equal(io->close(io, fd), 0);
    assert_int_equal(io->fsync_dir(io, "/s/e"), 0);
    memfs_reboot(io, 4);
    StickEntry *e;
    assert_int_equal(io->list(io, "/s/e", &e, &n), -ENOENT);
    assert_int_equal(io->list(io, "/s", &e, &n), 0);
    assert_int_equal(n, 1);
    assert_string_equal(e[0].name, "a");
    free(e);

    /* With the parent fsynced too, the folder and its file stay. */
    assert_int_equal(io->mkdir(io, "/s/e"), 0);
    assert_int_equal(io->fsync_dir(io, "/s"), 0);
    assert_int_equal(io->create(io, "/s/e/f", &fd), 0);
    assert_int_equal(io->write(io, fd, "x", 1), 0);
    assert_int_equal(io->fsync(io, fd), 0);
    assert_int_equal(io->close(io, fd), 0);
    assert_int_equal(io->fsync_dir(io, "/s/e"), 0);
    memfs_reboot(io, 5);
    assert_reads(io, "/s/e/f", "x", 1);

    /* Descriptors do not survive a reboot. */
    assert_int_equal(io->create(io, "/s/g", &fd), 0);
    memfs_reboot(io, 6);
    assert_int_equal(io->write(io, fd, "x", 1), -EBADF);
    assert_int_equal(io->close(io, fd), -EBADF);
    memfs_free(io);
}

/* Bytes written after the last fsync survive as a strict prefix, chosen by
 * the seed (the same seed, the same prefix). */
static void t_mem_torn_write(void **state)
{
    (void)state;
    int seen[8] = {0};
    for (uint64_t seed = 0; seed < 64; seed++) {
        size_t keep[2];
        for (int twice = 0; twice < 2; twice++) {
            StickIO *io = memfs_new();
            assert_int_equal(memfs_add_dir(io, "/s"), 0);
            int fd;
            assert_int_equal(io->create(io, "/s/f", &fd), 0);
            assert_int_equal(io->write(io, fd, "AAAA", 4), 0);
            assert_int_equal(io->fsync(io, fd), 0);
            assert_int_equal(io->fsync_dir(io, "/s"), 0);
            assert_int_equal(io->write(io, fd, "BBBBBBBB", 8), 0);
            assert_int_equal(io->close(io, fd), 0);
            memfs_reboot(io, seed);
            unsigned char *got;
            size_t n;
            assert_int_equal(io->read_file(io, "/s/f", 100, &got, &n), 0);
            assert_true(n >= 4 && n < 12);
            assert_memory_equal(got, "AAAABBBBBBBB", n);
            keep[twice] = n - 4;
            free(got);
            /* What survived is now durable: a second reboot keeps it. */
            memfs_reboot(io, seed + 1);
            assert_int_equal(io->read_file(io, "/s/f", 100, &got, &n), 0);
            assert_int_equal(n, 4 + keep[twice]);
            free(got);
            memfs_free(io);
        }
        assert_int_equal(keep[0], keep[1]);
        seen[keep[0]] = 1;
    }
    int distinct = 0;
    for (int i = 0; i < 8; i++)
        distinct += seen[i];
    assert_true(seen[0]);
    assert_true(distinct >= 4);
}

/* power_cut_after(k) lets k mutating calls through and fails the (k+1)-th
 * and everything after with -EIO; a reboot brings the stick back, holding
 * the old file or (only when every step ran) the new one. */
static void t_mem_power_cut(void **state)
{
    (void)state;
    const char *oldv = "old manifest", *newv = "new manifest, longer";
    StickIO *io = memfs_new();
    assert_int_equal(memfs_add_file(io, "/s/e/m", oldv, strlen(oldv)), 0);
    long before = memfs_count_ops(io);
    assert_int_equal(before, 0);
    int step;
    assert_int_equal(atomic_write(io, "/s/e", "m", newv, &step), 0);
    long total = memfs_count_ops(io) - before;
    assert_int_equal(total, 7);
    memfs_free(io);

    for (long k = 0; k <= total; k++) {
        io = memfs_new();
        assert_int_equal(memfs_add_file(io, "/s/e/m", oldv, strlen(oldv)), 0);
        assert_int_equal(memfs_power_cut_after(io, k), 0);
        int rc = atomic_write(io, "/s/e", "m", newv, &step);
        assert_int_equal(step, k);
        assert_int_equal(memfs_count_ops(io), k);
        if (k < total) {
            assert_int_equal(rc, -EIO);
            StickEntry *e = (StickEntry *)1;
            size_t n;
            unsigned char *d;
            uint64_t u;
            int fd;
            assert_int_equal(io->list(io, "/s/e", &e, &n), -EIO);
            assert_null(e);
            assert_int_equal(io->read_file(io, "/s/e/m", 100, &d, &n), -EIO);
            assert_int_equal(io->statfs_free(io, "/s", &u), -EIO);
            char *loc = tu_path("/nonexistent-dir", "x");
            assert_int_equal(io->copy_out(io, "/s/e/m", loc, 100, NULL, NULL), -EIO);
            free(loc);
            assert_int_equal(io->mkdir(io, "/s/x"), -EIO);
            assert_int_equal(io->create(io, "/s/y", &fd), -EIO);
            assert_int_equal(io->close(io, 3), -EIO);
            assert_int_equal(memfs_count_ops(io), k);
        } else {
            assert_int_equal(rc, 0);
        }
        memfs_reboot(io, (uint64_t)k);
        const char *want = k == total ? newv : oldv;
        assert_reads(io, "/s/e/m", want, strlen(want));
        int fd;
        assert_int_equal(io->mkdir(io, "/s/x"), 0); /* the power is back */
        assert_int_equal(io->create(io, "/s/x/z", &fd), 0);
        assert_int_equal(io->close(io, fd), 0);
        memfs_free(io);
    }

    /* Armed at 0, reads still work until the next mutating call. */
    io = memfs_new();
    assert_int_equal(memfs_add_dir(io, "/s"), 0);
    assert_int_equal(memfs_power_cut_after(io, 0), 0);
    StickEntry *e;
    size_t n;
    assert_int_equal(io->list(io, "/s", &e, &n), 0);
    free(e);
    assert_int_equal(io->mkdir(io, "/s/a"), -EIO);
    assert_int_equal(io->list(io, "/s", &e, &n), -EIO);
    memfs_reboot(io, 0);
    assert_int_equal(io->list(io, "/s", &e, &n), 0);
    assert_int_equal(n, 0);
    free(e);
    /* A negative count disarms. */
    assert_int_equal(memfs_power_cut_after(io, 0), 0);
    assert_int_equal(memfs_power_cut_after(io, -1), 0);
    assert_int_equal(io->mkdir(io, "/s/a"), 0);
    memfs_free(io);
}

/* Writes beyond the capacity write what fits and fail with -ENOSPC; space
 * comes back once a removal is durable. */
static void t_mem_capacity(void **state)
{
    (void)state;
    StickIO *io = memfs_new();
    assert_int_equal(memfs_add_dir(io, "/s"), 0);
    memfs_set_capacity(io, 100);
    unsigned char buf[60];
    memset(buf, 'z', sizeof buf);
    int fd;
    uint64_t avail;
    assert_int_equal(io->create(io, "/s/f", &fd), 0);
    assert_int_equal(io->write(io, fd, buf, 60), 0);
    assert_int_equal(io->statfs_free(io, "/s", &avail), 0);
    assert_int_equal(avail, 40);
    long ops = memfs_count_ops(io);
    assert_int_equal(io->write(io, fd, buf, 60), -ENOSPC);
    assert_int_equal(memfs_count_ops(io), ops); /* a failed call is not counted */
    assert_int_equal(io->statfs_free(io, "/s", &avail), 0);
    assert_int_equal(avail, 0);
    assert_int_equal(io->write(io, fd, buf, 1), -ENOSPC);
    assert_int_equal(io->close(io, fd), 0);
    assert_int_equal(memfs_add_file(io, "/s/g", "x", 1), -ENOSPC);
    assert_int_equal(io->fsync_dir(io, "/s"), 0);
    assert_int_equal(io->unlink(io, "/s/f"), 0);
    assert_int_equal(io->statfs_free(io, "/s", &avail), 0);
    assert_int_equal(avail, 0); /* still held by the durable entry */
    assert_int_equal(io->fsync_dir(io, "/s"), 0);
    assert_int_equal(io->statfs_free(io, "/s", &avail), 0);
    assert_int_equal(avail, 100);
    memfs_free(io);
}

/* Paths: absolute only, slashes normalised, no "." or "..", never through
 * a link; helpers report what is in the way. */
static void t_mem_paths(void **state)
{
    (void)state;
    StickIO *io = memfs_new();
    int fd;
    assert_int_equal(io->create(io, "rel", &fd), -EINVAL);
    assert_int_equal(io->mkdir(io, "/s/../t"), -EINVAL);
    assert_int_equal(io->mkdir(io, "/s"), 0);
    assert_int_equal(io->mkdir(io, "//s/e/"), 0);
    assert_int_equal(io->mkdir(io, "/s/e"), -EEXIST);
    assert_int_equal(io->mkdir(io, "/"), -EEXIST);
    assert_int_equal(io->create(io, "/s//e/f", &fd), 0);
    assert_int_equal(io->close(io, fd), 0);
    StickEntry *e;
    size_t n;
    assert_int_equal(io->list(io, "/s/e/", &e, &n), 0);
    assert_int_equal(n, 1);
    assert_string_equal(e[0].name, "f");
    free(e);
    assert_int_equal(io->create(io, "/s/e/f/g", &fd), -ENOTDIR);

    assert_int_equal(memfs_add_symlink(io, "/s/l", "/s/e"), 0);
    assert_int_equal(io->create(io, "/s/l/x", &fd), -ELOOP);
    unsigned char *d;
    assert_int_equal(io->read_file(io, "/s/l/f", 100, &d, &n), -ELOOP);
    assert_int_equal(io->list(io, "/s/l", &e, &n), -ELOOP);
    assert_int_equal(memfs_add_file(io, "/s/l/y", "", 0), -ELOOP);
    assert_int_equal(memfs_add_file(io, "/s/e/f", "", 0), -EEXIST);
    assert_int_equal(memfs_add_dir(io, "/s/e"), -EEXIST);
    assert_int_equal(memfs_set_size(io, "/s/l", 5), -ELOOP);
    assert_int_equal(memfs_set_size(io, "/s/e", 5), -EISDIR);
    assert_int_equal(memfs_set_size(io, "/s/none", 5), -ENOENT);
    assert_int_equal(io->rename(io, "/s/e", "/s/e2"), -ENOTSUP);
    assert_int_equal(io->rename(io, "/s/e/f", "/s/e"), -EISDIR);

    /* A claimed size reads as zeros past the stored bytes. */
    assert_int_equal(memfs_add_file(io, "/s/z", "ab", 2), 0);
    assert_int_equal(memfs_set_size(io, "/s/z", 5), 0);
    assert_reads(io, "/s/z", "ab\0\0\0", 5);
    assert_int_equal(memfs_set_size(io, "/s/z", 1), 0);
    assert_reads(io, "/s/z", "a", 1);
    memfs_free(io);
}

/* Differential check: random operations on a few names, run on the real
 * filesystem and on a memfs at the same path, return the same codes, read
 * the same bytes and list the same entries. Left out, as memfs.h says they
 * differ: going through a link (memfs never follows one), renaming a link
 * (it could then become a folder in a path) and renaming onto a folder. */
static void t_mem_matches_posix(void **state)
{
    (void)state;
    static const char *names[] = {"",       "/a",   "/a/b", "/a/c", "/a/b/x",
                                  "/a/b/y", "/d",   "/d/e", "/a/x"};
    const size_t nn = sizeof names / sizeof names[0];
    uint64_t rng = 42;
    for (int round = 0; round < 40; round++) {
        char *root = tu_tmpdir();
        StickIO *px = stickio_posix(), *mf = memfs_new();
        assert_int_equal(memfs_add_dir(mf, root), 0);
        int pfd[8], mfd[8], nf = 0;
        for (int i = 0; i < 60; i++) {
            rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
            char p[512], q[512];
            snprintf(p, sizeof p, "%s%s", root, names[rng % nn]);
            snprintf(q, sizeof q, "%s%s", root, names[(rng >> 8) % nn]);
            size_t k = nf ? (size_t)((rng >> 16) % (uint64_t)nf) : 0, len = (rng >> 24) % 50;
            char buf[50];
            memset(buf, 'a' + i % 26, sizeof buf);
            int a = 0, b = 0;
            struct stat st;
            switch ((rng >> 32) % 10) {
            case 0: {
                int f1 = -1, f2 = -1;
                a = px->create(px, p, &f1);
                b = mf->create(mf, p, &f2);
                if (a == 0 && b == 0 && nf < 8) {
                    pfd[nf] = f1;
                    mfd[nf++] = f2;
                } else {
                    if (a == 0)
                        px->close(px, f1);
                    if (b == 0)
                        mf->close(mf, f2);
                }
                break;
            }
            case 1:
                if (nf) {
                    a = px->write(px, pfd[k], buf, len);
                    b = mf->write(mf, mfd[k], buf, len);
                }
                break;
            case 2:
                if (nf) {
                    a = px->fsync(px, pfd[k]);
                    b = mf->fsync(mf, mfd[k]);
                }
                break;
            case 3:
                if (nf) {
                    a = px->close(px, pfd[k]);
                    b = mf->close(mf, mfd[k]);
                    pfd[k] = pfd[--nf];
                    mfd[k] = mfd[nf];
                }
                break;
            case 4:
                if ((lstat(p, &st) == 0 && !S_ISREG(st.st_mode)) ||
                    (lstat(q, &st) == 0 && !S_ISREG(st.st_mode)))
                    break;
                a = px->rename(px, p, q);
                b = mf->rename(mf, p, q);
                break;
            case 5:
                a = px->unlink(px, p);
                b = mf->unlink(mf, p);
                break;
            case 6:
                a = px->fsync_dir(px, p);
                b = mf->fsync_dir(mf, p);
                break;
            case 7:
                a = px->mkdir(px, p);
                b = mf->mkdir(mf, p);
                break;
            case 8: {
                unsigned char *d1, *d2;
                size_t n1, n2;
                a = px->read_file(px, p, 1000, &d1, &n1);
                b = mf->read_file(mf, p, 1000, &d2, &n2);
                if (a == 0 && b == 0) {
                    assert_int_equal(n1, n2);
                    assert_memory_equal(d1, d2, n1);
                }
                free(d1);
                free(d2);
                break;
            }
            case 9: {
                if (rng >> 63) { /* a link, at a name that is never a parent */
                    snprintf(p, sizeof p, "%s%s", root, (rng >> 40) % 2 ? "/l" : "/a/l2");
                    const char *t = names[(rng >> 44) % nn];
                    a = symlink(t[0] ? t + 1 : "zz", p) < 0 ? -errno : 0;
                    b = a == 0 ? memfs_add_symlink(mf, p, t[0] ? t + 1 : "zz") : a;
                    break;
                }
                StickEntry *e1, *e2;
                size_t n1, n2;
                a = px->list(px, p, &e1, &n1);
                b = mf->list(mf, p, &e2, &n2);
                if (a == 0 && b == 0) {
                    assert_int_equal(n1, n2);
                    for (size_t j = 0; j < n1; j++) {
                        assert_string_equal(e1[j].name, e2[j].name);
                        assert_int_equal(e1[j].type, e2[j].type);
                        assert_int_equal(e1[j].size, e2[j].size);
                    }
                }
                free(e1);
                free(e2);
                break;
            }
            }
            if (a != b)
                print_error("round %d op %d on %s, %s\n", round, i, p, q);
            assert_int_equal(a, b);
        }
        while (nf > 0) {
            nf--;
            px->close(px, pfd[nf]);
            mf->close(mf, mfd[nf]);
        }
        memfs_free(mf);
        tu_rmdir(root);
        free(root);
    }
}

/* Plain words for staff. */
static void t_strerror(void **state)
{
    (void)state;
    assert_string_equal(stickio_strerror(-ENOSPC), "the stick is full");
    assert_string_equal(stickio_strerror(ENOSPC), "the stick is full");
    assert_string_equal(stickio_strerror(-EIO), "the stick was removed or cannot be read");
    assert_non_null(strstr(stickio_strerror(-ELOOP), "link"));
    assert_non_null(strstr(stickio_strerror(-EFBIG), "larger"));
    assert_string_equal(stickio_strerror(-EXDEV), strerror(EXDEV));
    assert_string_equal(stickio_strerror(0), "no error");
    assert_non_null(stickio_strerror(INT_MIN));
}

#define BOTH(t)                                                                  \
    cmocka_unit_test_setup_teardown(t, setup_posix, teardown),                   \
        cmocka_unit_test_setup_teardown(t, setup_mem, teardown)

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        BOTH(t_roundtrip),
        BOTH(t_create_refuses),
        BOTH(t_mkdir_refuses),
        BOTH(t_read_refuses),
        BOTH(t_copy_out),
        BOTH(t_list_types),
        cmocka_unit_test_setup_teardown(t_posix_fifo, setup_posix, teardown),
        cmocka_unit_test(t_posix_not_memfs),
        cmocka_unit_test(t_mem_unsynced_data_lost),
        cmocka_unit_test(t_mem_name_needs_fsync_dir),
        cmocka_unit_test(t_mem_rename_reverts),
        cmocka_unit_test(t_mem_torn_write),
        cmocka_unit_test(t_mem_power_cut),
        cmocka_unit_test(t_mem_capacity),
        cmocka_unit_test(t_mem_paths),
        cmocka_unit_test(t_mem_matches_posix),
        cmocka_unit_test(t_strerror),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
