/*
 * memfs.c: the in-memory stick with a page cache and a power switch (see
 * memfs.h).
 *
 * The stick is a sorted array of entries, one per full path ever bound, each
 * holding two pointers to a node: v, what the path names now, and d, what it
 * names on the medium (either may be NULL). Sorting by strcmp puts every
 * folder before everything inside it, which the reboot relies on. A node is
 * a file (volatile bytes, durable bytes, an optional claimed size), a folder
 * (no contents: its listing is the entries below its path) or a link (its
 * target). Nodes are reference-counted by bindings (v and d) and open
 * descriptors, and freed when the last goes; m->used tracks the bytes they
 * store, for the capacity.
 *
 * Every StickIO call first passes the power switch (gate), and a mutating
 * call that succeeds counts itself (done).
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* O_NOFOLLOW, O_CLOEXEC, fstatat */
#endif
#include "memfs.h"

#include "ew.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MEMFS_PATH_MAX 4096
#define FD_BASE 3 /* descriptors look like real ones: 3, 4, ... */
#define COPY_CHUNK ((size_t)64 * 1024)

/* A file, folder or link. */
typedef struct MemNode {
    StickType type;       /* STICK_REG, STICK_DIR or STICK_LINK */
    unsigned char *vdata; /* volatile bytes, what reads see (malloc'd or NULL) */
    size_t vlen;          /* bytes in vdata */
    size_t vcap;          /* allocated bytes of vdata */
    unsigned char *ddata; /* durable bytes, what survives a power cut */
    size_t dlen;          /* bytes in ddata */
    uint64_t claim;       /* size set by memfs_set_size (0: none); zeros past vlen */
    char *target;         /* a link's target (malloc'd) */
    unsigned long refs;   /* bindings (v and d) plus open descriptors */
    unsigned long pass;   /* the reboot pass that last visited it */
} MemNode;

/* One path and what it names now and on the medium. */
typedef struct MemEntry {
    char *path;  /* normalised full path (malloc'd) */
    MemNode *v;  /* volatile binding, NULL when absent now */
    MemNode *d;  /* durable binding, NULL when absent on the medium */
} MemEntry;

/* An open descriptor (slot free when node is NULL). */
typedef struct MemFd {
    MemNode *node; /* the file written through it (holds a reference) */
    size_t off;    /* where the next write goes */
} MemFd;

typedef struct Memfs {
    StickIO io;        /* the table handed out; io.impl points back here */
    MemEntry *ents;    /* sorted by path (strcmp) */
    size_t nents;      /* entries in use */
    size_t cap;        /* entries allocated */
    MemFd *fds;        /* descriptor fd is fds[fd - FD_BASE] */
    size_t nfds;       /* slots allocated */
    uint64_t capacity; /* bytes the stick holds */
    uint64_t used;     /* bytes stored, the sum of node footprints */
    long ops;          /* successful mutating calls since memfs_new */
    long cut_left;     /* mutating calls still allowed before the cut, -1 disarmed */
    int power_off;     /* the power is cut: every call fails with -EIO */
    unsigned long pass; /* reboot counter, for visiting each node once */
} Memfs;

static int m_create(StickIO *io, const char *path, int *fd);

/* The Memfs behind io, or NULL when io is not a memfs. */
static Memfs *mfs(StickIO *io)
{
    return io && io->create == m_create ? io->impl : NULL;
}

/* ---------------------------------------------------------------- nodes */

/* Bytes a node keeps on the stick: the larger of its two states. */
static uint64_t footprint(const MemNode *n)
{
    if (n->type != STICK_REG)
        return 0;
    return n->vlen > n->dlen ? n->vlen : n->dlen;
}

/* The size a file shows: its bytes, or the claimed size when larger. */
static uint64_t logical_size(const MemNode *n)
{
    return n->claim > n->vlen ? n->claim : n->vlen;
}

/* A fresh node with no references (aborts on out-of-memory). */
static MemNode *node_new(StickType type)
{
    MemNode *n = ew_xcalloc(1, sizeof *n);
    n->type = type;
    return n;
}

static void node_ref(MemNode *n)
{
    if (n)
        n->refs++;
}

/* Drops one reference; the last frees the node and its bytes. NULL is fine. */
static void node_unref(Memfs *m, MemNode *n)
{
    if (!n || --n->refs > 0)
        return;
    m->used -= footprint(n);
    free(n->vdata);
    free(n->ddata);
    free(n->target);
    free(n);
}

/* Makes room for need volatile bytes (aborts on out-of-memory). */
static void vreserve(MemNode *n, size_t need)
{
    if (need <= n->vcap)
        return;
    size_t c = n->vcap ? n->vcap : 256;
    while (c < need)
        c = c > SIZE_MAX / 2 ? need : c * 2;
    n->vdata = ew_xrealloc(n->vdata, c);
    n->vcap = c;
}

/* durable bytes := volatile bytes, keeping m->used right. */
static void make_durable(Memfs *m, MemNode *n)
{
    m->used -= footprint(n);
    free(n->ddata);
    n->ddata = ew_xmalloc(n->vlen);
    if (n->vlen)
        memcpy(n->ddata, n->vdata, n->vlen);
    n->dlen = n->vlen;
    m->used += footprint(n);
}

/* ---------------------------------------------------------------- entries */

/* Index of path in the sorted array, or where it would go (*found 0). */
static size_t ent_find(const Memfs *m, const char *path, int *found)
{
    size_t lo = 0, hi = m->nents;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(m->ents[mid].path, path);
        if (c == 0) {
            *found = 1;
            return mid;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = 0;
    return lo;
}

/* The entry of path, or NULL. */
static MemEntry *ent_get(Memfs *m, const char *path)
{
    int found;
    size_t i = ent_find(m, path, &found);
    return found ? &m->ents[i] : NULL;
}

/* The entry of path, added empty when missing. Invalidates MemEntry
 * pointers taken before. */
static MemEntry *ent_add(Memfs *m, const char *path)
{
    int found;
    size_t i = ent_find(m, path, &found);
    if (found)
        return &m->ents[i];
    if (m->nents == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 32;
        m->ents = ew_xrealloc(m->ents, m->cap * sizeof *m->ents);
    }
    memmove(&m->ents[i + 1], &m->ents[i], (m->nents - i) * sizeof *m->ents);
    m->nents++;
    m->ents[i] = (MemEntry){.path = ew_xstrdup(path)};
    return &m->ents[i];
}

/* Binds e's volatile side to n (NULL: unbinds), moving references. */
static void set_v(Memfs *m, MemEntry *e, MemNode *n)
{
    MemNode *old = e->v;
    node_ref(n);
    e->v = n;
    node_unref(m, old);
}

/* Binds e's durable side to n (NULL: unbinds), moving references. */
static void set_d(Memfs *m, MemEntry *e, MemNode *n)
{
    MemNode *old = e->d;
    node_ref(n);
    e->d = n;
    node_unref(m, old);
}

/* Drops entries bound on neither side. Invalidates MemEntry pointers. */
static void compact(Memfs *m)
{
    size_t o = 0;
    for (size_t i = 0; i < m->nents; i++) {
        if (!m->ents[i].v && !m->ents[i].d)
            free(m->ents[i].path);
        else
            m->ents[o++] = m->ents[i];
    }
    m->nents = o;
}

/* ---------------------------------------------------------------- paths */

/* Normalises a full path into out: starts with '/', single slashes, no
 * trailing one. -EINVAL for a relative path or a "." or ".." component,
 * -ENAMETOOLONG for a component over 255 bytes or a path over the limit. */
static int norm_path(const char *in, char out[MEMFS_PATH_MAX])
{
    if (!in || in[0] != '/')
        return -EINVAL;
    size_t o = 0;
    const char *p = in;
    while (*p) {
        while (*p == '/')
            p++;
        if (!*p)
            break;
        const char *s = p;
        while (*p && *p != '/')
            p++;
        size_t len = (size_t)(p - s);
        if ((len == 1 && s[0] == '.') || (len == 2 && s[0] == '.' && s[1] == '.'))
            return -EINVAL;
        if (len > 255 || o + 1 + len + 1 > MEMFS_PATH_MAX)
            return -ENAMETOOLONG;
        out[o++] = '/';
        memcpy(out + o, s, len);
        o += len;
    }
    if (o == 0)
        out[o++] = '/';
    out[o] = 0;
    return 0;
}

/* The name of path inside dir when path is a direct child of dir, else NULL
 * (both normalised). */
static const char *child_name(const char *path, const char *dir)
{
    size_t dl = strcmp(dir, "/") == 0 ? 0 : strlen(dir);
    if (strncmp(path, dir, dl) != 0 || path[dl] != '/' || path[dl + 1] == 0)
        return NULL;
    return strchr(path + dl + 1, '/') ? NULL : path + dl + 1;
}

/* Every folder above path (normalised) exists now as a folder: -ENOENT when
 * one is missing, -ELOOP when one is a link, -ENOTDIR when a file. */
static int check_parents(Memfs *m, const char *path)
{
    char buf[MEMFS_PATH_MAX];
    strcpy(buf, path);
    for (size_t i = 1; buf[i]; i++) {
        if (buf[i] != '/')
            continue;
        buf[i] = 0;
        MemEntry *e = ent_get(m, buf);
        MemNode *n = e ? e->v : NULL;
        buf[i] = '/';
        if (!n)
            return -ENOENT;
        if (n->type == STICK_LINK)
            return -ELOOP;
        if (n->type != STICK_DIR)
            return -ENOTDIR;
    }
    return 0;
}

/* Normalises in into p and finds what it names now (*node, NULL when
 * nothing); errors from the path or its parents. */
static int resolve(Memfs *m, const char *in, char p[MEMFS_PATH_MAX], MemNode **node)
{
    *node = NULL;
    int rc = norm_path(in, p);
    if (rc == 0)
        rc = check_parents(m, p);
    if (rc == 0) {
        MemEntry *e = ent_get(m, p);
        *node = e ? e->v : NULL;
    }
    return rc;
}

/* 0 when n is a folder, else the error list and fsync_dir give. */
static int want_dir(const MemNode *n)
{
    if (!n)
        return -ENOENT;
    if (n->type == STICK_LINK)
        return -ELOOP;
    return n->type == STICK_DIR ? 0 : -ENOTDIR;
}

/* 0 when n is a regular file, else the error read_file gives. */
static int want_file(const MemNode *n)
{
    if (!n)
        return -ENOENT;
    if (n->type == STICK_LINK)
        return -ELOOP;
    if (n->type == STICK_DIR)
        return -EISDIR;
    return n->type == STICK_REG ? 0 : -EINVAL;
}

/* ---------------------------------------------------------------- power */

/* The power switch: -EIO once cut; the mutating call that finds no calls
 * left cuts it. */
static int gate(Memfs *m, int mutating)
{
    if (m->power_off)
        return -EIO;
    if (mutating && m->cut_left == 0) {
        m->power_off = 1;
        return -EIO;
    }
    return 0;
}

/* Counts a successful mutating call. */
static void done(Memfs *m)
{
    m->ops++;
    if (m->cut_left > 0)
        m->cut_left--;
}

/* ---------------------------------------------------------------- descriptors */

/* A new descriptor on n (the lowest free one), holding a reference. */
static int fd_open(Memfs *m, MemNode *n)
{
    size_t i = 0;
    while (i < m->nfds && m->fds[i].node)
        i++;
    if (i == m->nfds) {
        size_t nn = m->nfds ? m->nfds * 2 : 8;
        m->fds = ew_xrealloc(m->fds, nn * sizeof *m->fds);
        memset(&m->fds[m->nfds], 0, (nn - m->nfds) * sizeof *m->fds);
        m->nfds = nn;
    }
    node_ref(n);
    m->fds[i] = (MemFd){.node = n, .off = 0};
    return (int)i + FD_BASE;
}

/* The open descriptor fd, or NULL. */
static MemFd *fd_get(Memfs *m, int fd)
{
    if (fd < FD_BASE || (size_t)(fd - FD_BASE) >= m->nfds)
        return NULL;
    MemFd *f = &m->fds[fd - FD_BASE];
    return f->node ? f : NULL;
}

/* Closes every descriptor (reboot, free). */
static void fd_close_all(Memfs *m)
{
    for (size_t i = 0; i < m->nfds; i++) {
        node_unref(m, m->fds[i].node);
        m->fds[i].node = NULL;
    }
}

/* ---------------------------------------------------------------- StickIO */

/* A new empty file bound now (durable only after fsync_dir of its folder). */
static int m_create(StickIO *io, const char *path, int *fd)
{
    Memfs *m = io->impl;
    if (!fd)
        return -EINVAL;
    *fd = -1;
    char p[MEMFS_PATH_MAX];
    MemNode *n = NULL;
    int rc = gate(m, 1);
    if (rc == 0)
        rc = resolve(m, path, p, &n);
    if (rc < 0)
        return rc;
    if (n)
        return -EEXIST;
    n = node_new(STICK_REG);
    set_v(m, ent_add(m, p), n);
    *fd = fd_open(m, n);
    done(m);
    return 0;
}

/* Writes into the file's volatile bytes; over capacity writes what fits and
 * returns -ENOSPC. */
static int m_write(StickIO *io, int fd, const void *buf, size_t n)
{
    Memfs *m = io->impl;
    int rc = gate(m, 1);
    if (rc < 0)
        return rc;
    MemFd *f = fd_get(m, fd);
    if (!f)
        return -EBADF;
    if (n > 0 && !buf)
        return -EINVAL;
    MemNode *nd = f->node;
    if (n > SIZE_MAX - 1 - f->off)
        return -EFBIG;
    size_t end = f->off + n;
    size_t newv = end > nd->vlen ? end : nd->vlen;
    uint64_t before = footprint(nd), after = newv > nd->dlen ? newv : nd->dlen;
    uint64_t avail = m->capacity > m->used ? m->capacity - m->used : 0;
    size_t put = n;
    int full = 0;
    if (after - before > avail) {
        uint64_t over = after - before - avail;
        put = over >= n ? 0 : n - (size_t)over;
        full = 1;
    }
    if (put > 0) {
        m->used -= footprint(nd);
        vreserve(nd, f->off + put);
        if (f->off > nd->vlen)
            memset(nd->vdata + nd->vlen, 0, f->off - nd->vlen);
        memcpy(nd->vdata + f->off, buf, put);
        if (f->off + put > nd->vlen)
            nd->vlen = f->off + put;
        f->off += put;
        m->used += footprint(nd);
    }
    if (full)
        return -ENOSPC;
    done(m);
    return 0;
}

/* The file's volatile bytes become its durable bytes. */
static int m_fsync(StickIO *io, int fd)
{
    Memfs *m = io->impl;
    int rc = gate(m, 1);
    if (rc < 0)
        return rc;
    MemFd *f = fd_get(m, fd);
    if (!f)
        return -EBADF;
    make_durable(m, f->node);
    done(m);
    return 0;
}

/* Releases the descriptor; makes nothing durable. */
static int m_close(StickIO *io, int fd)
{
    Memfs *m = io->impl;
    int rc = gate(m, 1);
    if (rc < 0)
        return rc;
    MemFd *f = fd_get(m, fd);
    if (!f)
        return -EBADF;
    MemNode *n = f->node;
    f->node = NULL;
    node_unref(m, n);
    done(m);
    return 0;
}

/* Moves a file or link now, replacing a file or link at to; folders are not
 * moved (-ENOTSUP) nor replaced (-EISDIR). */
static int m_rename(StickIO *io, const char *from, const char *to)
{
    Memfs *m = io->impl;
    char pf[MEMFS_PATH_MAX], pt[MEMFS_PATH_MAX];
    MemNode *src = NULL, *dst = NULL;
    int rc = gate(m, 1);
    if (rc == 0)
        rc = resolve(m, from, pf, &src);
    if (rc == 0)
        rc = resolve(m, to, pt, &dst); /* both folders are looked up first */
    if (rc == 0 && !src)
        rc = -ENOENT;
    if (rc < 0)
        return rc;
    if (src->type == STICK_DIR)
        return -ENOTSUP;
    if (dst && dst->type == STICK_DIR)
        return -EISDIR;
    if (src != dst) { /* the same file under both names: nothing to do */
        node_ref(src);
        set_v(m, ent_add(m, pt), src);
        set_v(m, ent_get(m, pf), NULL);
        node_unref(m, src);
        compact(m);
    }
    done(m);
    return 0;
}

/* Unbinds a file or link now; folders are -EISDIR. */
static int m_unlink(StickIO *io, const char *path)
{
    Memfs *m = io->impl;
    char p[MEMFS_PATH_MAX];
    MemNode *n = NULL;
    int rc = gate(m, 1);
    if (rc == 0)
        rc = resolve(m, path, p, &n);
    if (rc == 0 && !n)
        rc = -ENOENT;
    if (rc == 0 && n->type == STICK_DIR)
        rc = -EISDIR;
    if (rc < 0)
        return rc;
    set_v(m, ent_get(m, p), NULL);
    compact(m);
    done(m);
    return 0;
}

/* The folder's whole volatile listing becomes its durable listing. */
static int m_fsync_dir(StickIO *io, const char *dir)
{
    Memfs *m = io->impl;
    char p[MEMFS_PATH_MAX];
    MemNode *n = NULL;
    int rc = gate(m, 1);
    if (rc == 0)
        rc = resolve(m, dir, p, &n);
    if (rc == 0)
        rc = want_dir(n);
    if (rc < 0)
        return rc;
    for (size_t i = 0; i < m->nents; i++)
        if (child_name(m->ents[i].path, p))
            set_d(m, &m->ents[i], m->ents[i].v);
    compact(m);
    done(m);
    return 0;
}

/* A new folder bound now: -EEXIST over a folder, -ELOOP over a link,
 * -ENOTDIR over a file. */
static int m_mkdir(StickIO *io, const char *path)
{
    Memfs *m = io->impl;
    char p[MEMFS_PATH_MAX];
    MemNode *n = NULL;
    int rc = gate(m, 1);
    if (rc == 0)
        rc = resolve(m, path, p, &n);
    if (rc < 0)
        return rc;
    if (n)
        return n->type == STICK_DIR ? -EEXIST : n->type == STICK_LINK ? -ELOOP : -ENOTDIR;
    set_v(m, ent_add(m, p), node_new(STICK_DIR));
    done(m);
    return 0;
}

/* The direct children bound now, in path order (= name order). The caller
 * frees *out. */
static int m_list(StickIO *io, const char *dir, StickEntry **out, size_t *n)
{
    Memfs *m = io->impl;
    if (!out || !n)
        return -EINVAL;
    *out = NULL;
    *n = 0;
    char p[MEMFS_PATH_MAX];
    MemNode *d = NULL;
    int rc = gate(m, 0);
    if (rc == 0)
        rc = resolve(m, dir, p, &d);
    if (rc == 0)
        rc = want_dir(d);
    if (rc < 0)
        return rc;
    StickEntry *v = NULL;
    size_t cnt = 0, cap = 0;
    for (size_t i = 0; i < m->nents; i++) {
        const MemEntry *e = &m->ents[i];
        const char *name = e->v ? child_name(e->path, p) : NULL;
        if (!name || strlen(name) > 255)
            continue;
        if (cnt == cap) {
            cap = cap ? cap * 2 : 16;
            v = ew_xrealloc(v, cap * sizeof *v);
        }
        StickEntry *s = &v[cnt++];
        memset(s, 0, sizeof *s);
        strcpy(s->name, name);
        s->type = e->v->type;
        s->size = e->v->type == STICK_REG    ? logical_size(e->v)
                  : e->v->type == STICK_LINK ? strlen(e->v->target)
                                             : 0;
    }
    *out = v ? v : ew_xcalloc(1, sizeof *v);
    *n = cnt;
    return 0;
}

/* Copies up to n bytes of file nd from offset off into buf, zeros past the
 * stored bytes. */
static void read_at(const MemNode *nd, uint64_t off, unsigned char *buf, size_t n)
{
    size_t have = off < nd->vlen ? nd->vlen - (size_t)off : 0;
    if (have > n)
        have = n;
    if (have)
        memcpy(buf, nd->vdata + off, have);
    memset(buf + have, 0, n - have);
}

/* The file's bytes now, NUL-terminated; the caller frees *data. */
static int m_read_file(StickIO *io, const char *path, size_t max, unsigned char **data,
                       size_t *len)
{
    Memfs *m = io->impl;
    if (!data || !len)
        return -EINVAL;
    *data = NULL;
    *len = 0;
    char p[MEMFS_PATH_MAX];
    MemNode *nd = NULL;
    int rc = gate(m, 0);
    if (rc == 0)
        rc = resolve(m, path, p, &nd);
    if (rc == 0)
        rc = want_file(nd);
    if (rc < 0)
        return rc;
    if (max == SIZE_MAX)
        max = SIZE_MAX - 1;
    uint64_t size = logical_size(nd);
    if (size > max)
        return -EFBIG;
    unsigned char *buf = ew_xmalloc((size_t)size + 1);
    read_at(nd, 0, buf, (size_t)size);
    buf[size] = 0;
    *data = buf;
    *len = (size_t)size;
    return 0;
}

/* Writes all n bytes to a real fd; 0 or -errno. */
static int write_all(int fd, const unsigned char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return w < 0 && errno > 0 ? -errno : -EIO;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Streams the file into a new real local file, hashing it; on failure the
 * local file made here is removed. */
static int m_copy_out(StickIO *io, const char *path, const char *local_path, uint64_t max,
                      unsigned char hash[32], uint64_t *len)
{
    Memfs *m = io->impl;
    if (hash)
        memset(hash, 0, 32);
    if (len)
        *len = 0;
    if (!local_path)
        return -EINVAL;
    char p[MEMFS_PATH_MAX];
    MemNode *nd = NULL;
    int rc = gate(m, 0);
    if (rc == 0)
        rc = resolve(m, path, p, &nd);
    if (rc == 0)
        rc = want_file(nd);
    if (rc < 0)
        return rc;
    uint64_t size = logical_size(nd);
    if (size > max)
        return -EFBIG;
    if (sodium_init() < 0)
        return -EIO;
    int out;
    do
        out = open(local_path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC,
                   0600);
    while (out < 0 && errno == EINTR);
    if (out < 0)
        return errno > 0 ? -errno : -EIO;
    crypto_generichash_state hs;
    crypto_generichash_init(&hs, NULL, 0, 32);
    unsigned char *buf = ew_xmalloc(COPY_CHUNK);
    for (uint64_t off = 0; off < size && rc == 0;) {
        size_t k = size - off < COPY_CHUNK ? (size_t)(size - off) : COPY_CHUNK;
        read_at(nd, off, buf, k);
        crypto_generichash_update(&hs, buf, k);
        rc = write_all(out, buf, k);
        off += k;
    }
    free(buf);
    if (close(out) < 0 && errno != EINTR && rc == 0)
        rc = errno > 0 ? -errno : -EIO;
    if (rc < 0) {
        unlink(local_path);
        return rc;
    }
    if (hash)
        crypto_generichash_final(&hs, hash, 32);
    if (len)
        *len = size;
    return 0;
}

/* Capacity minus the bytes stored. */
static int m_statfs_free(StickIO *io, const char *dir, uint64_t *bytes)
{
    Memfs *m = io->impl;
    if (!bytes)
        return -EINVAL;
    *bytes = 0;
    char p[MEMFS_PATH_MAX];
    MemNode *d = NULL;
    int rc = gate(m, 0);
    if (rc == 0)
        rc = resolve(m, dir, p, &d);
    if (rc == 0)
        rc = want_dir(d);
    if (rc < 0)
        return rc;
    *bytes = m->capacity > m->used ? m->capacity - m->used : 0;
    return 0;
}

/* ---------------------------------------------------------------- the stick */

StickIO *memfs_new(void)
{
    Memfs *m = ew_xcalloc(1, sizeof *m);
    m->io = (StickIO){
        .create = m_create,
        .write = m_write,
        .fsync = m_fsync,
        .close = m_close,
        .rename = m_rename,
        .unlink = m_unlink,
        .fsync_dir = m_fsync_dir,
        .mkdir = m_mkdir,
        .list = m_list,
        .read_file = m_read_file,
        .copy_out = m_copy_out,
        .statfs_free = m_statfs_free,
        .impl = m,
    };
    m->capacity = UINT64_MAX;
    m->cut_left = -1;
    MemNode *root = node_new(STICK_DIR);
    MemEntry *e = ent_add(m, "/");
    set_v(m, e, root);
    set_d(m, e, root);
    return &m->io;
}

void memfs_free(StickIO *io)
{
    Memfs *m = mfs(io);
    if (!m)
        return;
    fd_close_all(m);
    for (size_t i = 0; i < m->nents; i++) {
        set_v(m, &m->ents[i], NULL);
        set_d(m, &m->ents[i], NULL);
        free(m->ents[i].path);
    }
    free(m->ents);
    free(m->fds);
    free(m);
}

int memfs_power_cut_after(StickIO *io, long ops)
{
    Memfs *m = mfs(io);
    if (!m)
        return -EINVAL;
    m->cut_left = ops < 0 ? -1 : ops;
    return 0;
}

long memfs_count_ops(StickIO *io)
{
    Memfs *m = mfs(io);
    return m ? m->ops : -1;
}

void memfs_set_capacity(StickIO *io, uint64_t bytes)
{
    Memfs *m = mfs(io);
    if (m)
        m->capacity = bytes;
}

/* splitmix64: a small, good generator for torn-write lengths. */
static uint64_t next_rand(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* After a power cut a file holds its durable bytes, plus, when its volatile
 * bytes extend them, a random strict prefix of the extension; both states
 * then agree. */
static void tear(Memfs *m, MemNode *n, uint64_t *rng)
{
    m->used -= footprint(n);
    if (n->vlen > n->dlen && (n->dlen == 0 || memcmp(n->vdata, n->ddata, n->dlen) == 0)) {
        size_t ext = n->vlen - n->dlen;
        n->vlen = n->dlen + (size_t)(next_rand(rng) % ext);
    } else {
        vreserve(n, n->dlen);
        if (n->dlen)
            memcpy(n->vdata, n->ddata, n->dlen);
        n->vlen = n->dlen;
    }
    m->used += footprint(n);
    make_durable(m, n);
}

void memfs_reboot(StickIO *io, uint64_t seed)
{
    Memfs *m = mfs(io);
    if (!m)
        return;
    fd_close_all(m);
    for (size_t i = 0; i < m->nents; i++)
        set_v(m, &m->ents[i], m->ents[i].d);
    /* An entry whose folder did not survive is lost with it. Parents sort
     * before their children, so one pass reaches the deepest. */
    char parent[MEMFS_PATH_MAX];
    for (size_t i = 0; i < m->nents; i++) {
        MemEntry *e = &m->ents[i];
        if (!e->v || strcmp(e->path, "/") == 0)
            continue;
        strcpy(parent, e->path);
        char *slash = strrchr(parent, '/');
        slash[slash == parent ? 1 : 0] = 0;
        MemEntry *pe = ent_get(m, parent);
        if (!pe || !pe->v || pe->v->type != STICK_DIR) {
            set_v(m, e, NULL);
            set_d(m, e, NULL);
        }
    }
    m->pass++;
    uint64_t rng = seed;
    for (size_t i = 0; i < m->nents; i++) {
        MemNode *n = m->ents[i].v;
        if (!n || n->pass == m->pass)
            continue;
        n->pass = m->pass;
        if (n->type == STICK_REG)
            tear(m, n, &rng);
    }
    compact(m);
    m->power_off = 0;
    m->cut_left = -1;
}

/* Makes p (normalised) a durable folder; an existing folder is made
 * durable, a link is -ELOOP, a file -ENOTDIR. */
static int add_dir_at(Memfs *m, const char *p)
{
    MemEntry *e = ent_get(m, p);
    MemNode *n = e ? e->v : NULL;
    if (n) {
        if (n->type != STICK_DIR)
            return n->type == STICK_LINK ? -ELOOP : -ENOTDIR;
        set_d(m, e, n);
        return 0;
    }
    n = node_new(STICK_DIR);
    e = ent_add(m, p);
    set_v(m, e, n);
    set_d(m, e, n);
    return 0;
}

/* Makes every folder above p (normalised) durably, like mkdir -p. */
static int add_parents(Memfs *m, const char *p)
{
    char buf[MEMFS_PATH_MAX];
    strcpy(buf, p);
    for (size_t i = 1; buf[i]; i++) {
        if (buf[i] != '/')
            continue;
        buf[i] = 0;
        int rc = add_dir_at(m, buf);
        buf[i] = '/';
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* Shared start of the add helpers: normalises, makes the parents, and
 * checks that nothing is bound at the path now. */
static int add_prepare(Memfs *m, const char *path, char p[MEMFS_PATH_MAX])
{
    if (!m)
        return -EINVAL;
    int rc = norm_path(path, p);
    if (rc == 0)
        rc = add_parents(m, p);
    if (rc == 0) {
        MemEntry *e = ent_get(m, p);
        if (e && e->v)
            rc = -EEXIST;
    }
    return rc;
}

/* Binds n at p on both sides. */
static void add_bind(Memfs *m, const char *p, MemNode *n)
{
    MemEntry *e = ent_add(m, p);
    set_v(m, e, n);
    set_d(m, e, n);
}

int memfs_add_file(StickIO *io, const char *path, const void *data, size_t len)
{
    Memfs *m = mfs(io);
    char p[MEMFS_PATH_MAX];
    if (len > 0 && !data)
        return -EINVAL;
    int rc = add_prepare(m, path, p);
    if (rc < 0)
        return rc;
    if (len > (m->capacity > m->used ? m->capacity - m->used : 0))
        return -ENOSPC;
    MemNode *n = node_new(STICK_REG);
    vreserve(n, len);
    if (len)
        memcpy(n->vdata, data, len);
    n->vlen = len;
    make_durable(m, n);
    add_bind(m, p, n);
    return 0;
}

int memfs_add_symlink(StickIO *io, const char *path, const char *target)
{
    Memfs *m = mfs(io);
    char p[MEMFS_PATH_MAX];
    if (!target)
        return -EINVAL;
    int rc = add_prepare(m, path, p);
    if (rc < 0)
        return rc;
    MemNode *n = node_new(STICK_LINK);
    n->target = ew_xstrdup(target);
    add_bind(m, p, n);
    return 0;
}

int memfs_add_dir(StickIO *io, const char *path)
{
    Memfs *m = mfs(io);
    char p[MEMFS_PATH_MAX];
    int rc = add_prepare(m, path, p);
    return rc < 0 ? rc : add_dir_at(m, p);
}

int memfs_set_size(StickIO *io, const char *path, uint64_t size)
{
    Memfs *m = mfs(io);
    if (!m)
        return -EINVAL;
    char p[MEMFS_PATH_MAX];
    MemNode *n = NULL;
    int rc = resolve(m, path, p, &n);
    if (rc == 0)
        rc = want_file(n);
    if (rc < 0)
        return rc;
    m->used -= footprint(n);
    n->claim = size;
    if (n->vlen > size)
        n->vlen = (size_t)size;
    if (n->dlen > size)
        n->dlen = (size_t)size;
    m->used += footprint(n);
    return 0;
}
