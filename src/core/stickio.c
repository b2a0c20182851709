/*
 * stickio.c: the real StickIO, POSIX calls on a mounted stick (see stickio.h).
 *
 * Each function is one system call or a short sequence of them, with EINTR
 * and short transfers retried and errno handed back negated. Reading opens
 * with O_NOFOLLOW | O_NONBLOCK (a fifo must not hang the kiosk), lstat's the
 * path first so that a device or fifo is not even opened, and then trusts
 * only fstat of what was opened. Sizes are checked against the caller's cap
 * before the first read and again as bytes arrive, since a file on a stick
 * may lie about its size or change under us.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* O_NOFOLLOW, O_CLOEXEC, fstatat */
#endif
#include "stickio.h"

#include "ew.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/types.h>
#include <unistd.h>

#define COPY_CHUNK ((size_t)64 * 1024)

/* -errno, or -EIO when errno is (wrongly) 0. */
static int err_neg(void)
{
    return errno > 0 ? -errno : -EIO;
}

/* Writes all n bytes to fd; 0 or -errno (-EIO when write makes no progress). */
static int write_all(int fd, const void *buf, size_t n)
{
    const unsigned char *p = buf;
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return err_neg();
        }
        if (w == 0)
            return -EIO;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* read() retrying EINTR; the count, or -errno. */
static ssize_t read_some(int fd, void *buf, size_t n)
{
    for (;;) {
        ssize_t r = read(fd, buf, n);
        if (r >= 0)
            return r;
        if (errno != EINTR)
            return err_neg();
    }
}

/* Opens a stick file for reading when it is a regular file of at most max
 * bytes: -ELOOP for a link, -EISDIR for a folder, -EINVAL for anything else,
 * -EFBIG when larger. On success *fd is open (the caller closes it) and *st
 * is its fstat; on failure nothing stays open. */
static int open_regular(const char *path, uint64_t max, int *fd, struct stat *st)
{
    *fd = -1;
    if (!path)
        return -EINVAL;
    /* A first look, so that a fifo or device is never opened at all. */
    if (lstat(path, st) < 0)
        return err_neg();
    if (S_ISLNK(st->st_mode))
        return -ELOOP;
    if (S_ISDIR(st->st_mode))
        return -EISDIR;
    if (!S_ISREG(st->st_mode))
        return -EINVAL;
    int f;
    do
        f = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    while (f < 0 && errno == EINTR);
    if (f < 0)
        return err_neg();
    /* What was opened is what counts: the path may have changed since. */
    int rc = 0;
    if (fstat(f, st) < 0)
        rc = err_neg();
    else if (S_ISDIR(st->st_mode))
        rc = -EISDIR;
    else if (!S_ISREG(st->st_mode))
        rc = -EINVAL;
    else if (st->st_size < 0 || (uint64_t)st->st_size > max)
        rc = -EFBIG;
    if (rc < 0) {
        close(f);
        return rc;
    }
    *fd = f;
    return 0;
}

/* Opens a folder itself for reading: a link there is -ELOOP (Linux says
 * ENOTDIR for O_DIRECTORY | O_NOFOLLOW on a link, so lstat tells them
 * apart). The caller closes *fd. */
static int open_dir(const char *dir, int *fd)
{
    *fd = -1;
    if (!dir)
        return -EINVAL;
    int d;
    do
        d = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    while (d < 0 && errno == EINTR);
    if (d < 0) {
        int rc = err_neg();
        struct stat st;
        if (rc == -ENOTDIR && lstat(dir, &st) == 0 && S_ISLNK(st.st_mode))
            rc = -ELOOP;
        return rc;
    }
    *fd = d;
    return 0;
}

/* Creates path exclusively; O_EXCL also refuses a link there, dangling or
 * not, without touching its target. */
static int px_create(StickIO *io, const char *path, int *fd)
{
    (void)io;
    if (!fd)
        return -EINVAL;
    *fd = -1;
    if (!path)
        return -EINVAL;
    int f;
    do
        f = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC, 0644);
    while (f < 0 && errno == EINTR);
    if (f < 0)
        return err_neg();
    *fd = f;
    return 0;
}

/* All n bytes or -errno; bytes before the error may be written. */
static int px_write(StickIO *io, int fd, const void *buf, size_t n)
{
    (void)io;
    if (n > 0 && !buf)
        return -EINVAL;
    return write_all(fd, buf, n);
}

/* fsync(2); -errno on failure (the data may then not be on the stick). */
static int px_fsync(StickIO *io, int fd)
{
    (void)io;
    while (fsync(fd) < 0) {
        if (errno != EINTR)
            return err_neg();
    }
    return 0;
}

/* close(2). EINTR counts as closed (Linux has released the descriptor, and
 * retrying could close someone else's); other errors are returned. */
static int px_close(StickIO *io, int fd)
{
    (void)io;
    if (close(fd) < 0 && errno != EINTR)
        return err_neg();
    return 0;
}

/* rename(2); -errno on failure. */
static int px_rename(StickIO *io, const char *from, const char *to)
{
    (void)io;
    if (!from || !to)
        return -EINVAL;
    return rename(from, to) < 0 ? err_neg() : 0;
}

/* unlink(2); -errno on failure (-EISDIR for a folder on Linux). */
static int px_unlink(StickIO *io, const char *path)
{
    (void)io;
    if (!path)
        return -EINVAL;
    return unlink(path) < 0 ? err_neg() : 0;
}

/* Opens the folder itself (not a link to one: -ELOOP) and fsyncs it. */
static int px_fsync_dir(StickIO *io, const char *dir)
{
    (void)io;
    int d;
    int rc = open_dir(dir, &d);
    if (rc < 0)
        return rc;
    while (fsync(d) < 0) {
        if (errno != EINTR) {
            rc = err_neg();
            break;
        }
    }
    close(d);
    return rc;
}

/* mkdir(2) with mode 0755; when something is there, lstat says what: a folder
 * -EEXIST, a link -ELOOP, anything else -ENOTDIR. */
static int px_mkdir(StickIO *io, const char *path)
{
    (void)io;
    if (!path)
        return -EINVAL;
    if (mkdir(path, 0755) == 0)
        return 0;
    int rc = err_neg();
    if (rc != -EEXIST)
        return rc;
    struct stat st;
    if (lstat(path, &st) < 0)
        return -EEXIST; /* gone again meanwhile: report what mkdir saw */
    if (S_ISLNK(st.st_mode))
        return -ELOOP;
    if (!S_ISDIR(st.st_mode))
        return -ENOTDIR;
    return -EEXIST;
}

/* Orders entries by name, as strcmp does. */
static int entry_cmp(const void *a, const void *b)
{
    return strcmp(((const StickEntry *)a)->name, ((const StickEntry *)b)->name);
}

/* Lists dir through an fd opened with O_NOFOLLOW, typing each entry with
 * fstatat(AT_SYMLINK_NOFOLLOW). An entry that vanishes while listed is left
 * out. On failure nothing is allocated; on success the caller frees *out. */
static int px_list(StickIO *io, const char *dir, StickEntry **out, size_t *n)
{
    (void)io;
    if (!out || !n)
        return -EINVAL;
    *out = NULL;
    *n = 0;
    int dfd;
    int rc = open_dir(dir, &dfd);
    if (rc < 0)
        return rc;
    DIR *d = fdopendir(dfd);
    if (!d) {
        rc = err_neg();
        close(dfd);
        return rc;
    }
    StickEntry *v = NULL;
    size_t cnt = 0, cap = 0;
    for (;;) {
        errno = 0;
        struct dirent *de = readdir(d);
        if (!de) {
            if (errno != 0)
                rc = err_neg();
            break;
        }
        const char *name = de->d_name;
        if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
            continue;
        size_t len = strlen(name);
        if (len > 255)
            continue;
        struct stat st;
        if (fstatat(dirfd(d), name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
            if (errno == ENOENT)
                continue;
            rc = err_neg();
            break;
        }
        if (cnt == cap) {
            cap = cap ? cap * 2 : 16;
            v = ew_xrealloc(v, cap * sizeof *v);
        }
        StickEntry *e = &v[cnt++];
        memset(e, 0, sizeof *e);
        memcpy(e->name, name, len + 1);
        if (S_ISREG(st.st_mode))
            e->type = STICK_REG;
        else if (S_ISDIR(st.st_mode))
            e->type = STICK_DIR;
        else if (S_ISLNK(st.st_mode))
            e->type = STICK_LINK;
        else
            e->type = STICK_OTHER;
        e->size = (e->type == STICK_REG || e->type == STICK_LINK) && st.st_size > 0
                      ? (uint64_t)st.st_size
                      : 0;
    }
    closedir(d);
    if (rc < 0) {
        free(v);
        return rc;
    }
    if (!v)
        v = ew_xcalloc(1, sizeof *v);
    qsort(v, cnt, sizeof *v, entry_cmp);
    *out = v;
    *n = cnt;
    return 0;
}

/* Reads a regular file of at most max bytes into a malloc'd, NUL-terminated
 * buffer (the caller frees *data). A file that grows past max while being
 * read is -EFBIG; one that shrinks is returned as read. */
static int px_read_file(StickIO *io, const char *path, size_t max, unsigned char **data,
                        size_t *len)
{
    (void)io;
    if (!data || !len)
        return -EINVAL;
    *data = NULL;
    *len = 0;
    if (max == SIZE_MAX)
        max = SIZE_MAX - 1; /* room for the NUL */
    int f;
    struct stat st;
    int rc = open_regular(path, max, &f, &st);
    if (rc < 0)
        return rc;
    size_t cap = (size_t)st.st_size, got = 0;
    unsigned char *buf = ew_xmalloc(cap + 1);
    for (;;) {
        if (got == cap) {
            if (cap >= max) {
                /* At the cap: one more byte means too big. */
                unsigned char probe;
                ssize_t r = read_some(f, &probe, 1);
                if (r < 0)
                    rc = (int)r;
                else if (r > 0)
                    rc = -EFBIG;
                break;
            }
            size_t step = cap > COPY_CHUNK ? cap : COPY_CHUNK;
            if (step > max - cap)
                step = max - cap;
            cap += step;
            buf = ew_xrealloc(buf, cap + 1);
        }
        ssize_t r = read_some(f, buf + got, cap - got);
        if (r < 0) {
            rc = (int)r;
            break;
        }
        if (r == 0)
            break;
        got += (size_t)r;
    }
    close(f);
    if (rc < 0) {
        free(buf);
        return rc;
    }
    buf[got] = 0;
    *data = buf;
    *len = got;
    return 0;
}

/* Copies a regular stick file of at most max bytes into a new local file,
 * hashing it. On failure the local file (when made here) is removed. */
static int px_copy_out(StickIO *io, const char *path, const char *local_path, uint64_t max,
                       unsigned char hash[32], uint64_t *len)
{
    (void)io;
    if (hash)
        memset(hash, 0, 32);
    if (len)
        *len = 0;
    if (!local_path)
        return -EINVAL;
    if (sodium_init() < 0)
        return -EIO;
    int f, out = -1;
    struct stat st;
    int rc = open_regular(path, max, &f, &st);
    if (rc < 0)
        return rc;
    do
        out = open(local_path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC,
                   0600);
    while (out < 0 && errno == EINTR);
    if (out < 0) {
        rc = err_neg();
        close(f);
        return rc;
    }
    crypto_generichash_state hs;
    crypto_generichash_init(&hs, NULL, 0, 32);
    unsigned char *buf = ew_xmalloc(COPY_CHUNK);
    uint64_t total = 0;
    for (;;) {
        ssize_t r = read_some(f, buf, COPY_CHUNK);
        if (r < 0) {
            rc = (int)r;
            goto fail;
        }
        if (r == 0)
            break;
        if ((uint64_t)r > max - total) {
            rc = -EFBIG; /* grew past the cap while being read */
            goto fail;
        }
        total += (uint64_t)r;
        crypto_generichash_update(&hs, buf, (unsigned long long)r);
        rc = write_all(out, buf, (size_t)r);
        if (rc < 0)
            goto fail;
    }
    rc = close(out) < 0 && errno != EINTR ? err_neg() : 0;
    out = -1;
    if (rc < 0)
        goto fail;
    close(f);
    free(buf);
    if (hash)
        crypto_generichash_final(&hs, hash, 32);
    if (len)
        *len = total;
    return 0;

fail:
    if (out >= 0)
        close(out);
    unlink(local_path);
    close(f);
    free(buf);
    return rc;
}

/* Free bytes for an unprivileged writer (f_bavail), saturating. */
static int px_statfs_free(StickIO *io, const char *dir, uint64_t *bytes)
{
    (void)io;
    if (!bytes)
        return -EINVAL;
    *bytes = 0;
    if (!dir)
        return -EINVAL;
    struct statvfs sv;
    if (statvfs(dir, &sv) < 0)
        return err_neg();
    uint64_t unit = sv.f_frsize ? (uint64_t)sv.f_frsize : (uint64_t)sv.f_bsize;
    uint64_t blocks = (uint64_t)sv.f_bavail;
    *bytes = unit && blocks > UINT64_MAX / unit ? UINT64_MAX : blocks * unit;
    return 0;
}

StickIO *stickio_posix(void)
{
    static StickIO io = {
        .create = px_create,
        .write = px_write,
        .fsync = px_fsync,
        .close = px_close,
        .rename = px_rename,
        .unlink = px_unlink,
        .fsync_dir = px_fsync_dir,
        .mkdir = px_mkdir,
        .list = px_list,
        .read_file = px_read_file,
        .copy_out = px_copy_out,
        .statfs_free = px_statfs_free,
        .impl = NULL,
    };
    return &io;
}

/* Plain words for the errors staff meet; a table, not scattered literals. */
static const struct {
    int err;
    const char *words;
} stick_words[] = {
    {ENOSPC, "the stick is full"},
#ifdef EDQUOT
    {EDQUOT, "the stick is full"},
#endif
    {EIO, "the stick was removed or cannot be read"},
    {ENODEV, "the stick was removed or cannot be read"},
    {ENXIO, "the stick was removed or cannot be read"},
#ifdef ENOMEDIUM
    {ENOMEDIUM, "the stick was removed or cannot be read"},
#endif
    {EROFS, "the stick is write-protected (check the lock switch on its side)"},
    {EACCES, "the stick does not allow this (permission denied)"},
    {EPERM, "the stick does not allow this (permission denied)"},
    {ENOENT, "a file or folder is missing on the stick"},
    {EEXIST, "a file with that name is already there"},
    {ELOOP, "a link was found where a file or folder was expected"},
    {EISDIR, "a folder was found where a file was expected"},
    {ENOTDIR, "a file was found where a folder was expected"},
    {EINVAL, "something that is not an ordinary file was found"},
    {EFBIG, "a file on the stick is larger than allowed"},
    {ENAMETOOLONG, "a file name is too long for the stick"},
};

const char *stickio_strerror(int neg_errno)
{
    int e = neg_errno == INT_MIN ? INT_MAX : neg_errno < 0 ? -neg_errno : neg_errno;
    if (e == 0)
        return "no error";
    for (size_t i = 0; i < sizeof stick_words / sizeof stick_words[0]; i++)
        if (stick_words[i].err == e)
            return stick_words[i].words;
    return strerror(e);
}
