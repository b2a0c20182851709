/*
 * memfs.h: an in-memory stick that forgets what was not made durable.
 *
 * memfs is the test double of stickio.h. Like a real page cache over a real
 * medium it keeps two states: for every directory entry (path -> node) a
 * volatile binding and a durable one, and for every file its volatile bytes
 * and its durable bytes.
 *   - create, rename, unlink and mkdir change volatile bindings; fsync_dir(d)
 *     makes the whole volatile listing of d durable (its direct children).
 *   - write changes a file's volatile bytes; fsync(fd) makes them durable.
 * memfs_power_cut_after(io, n) lets n more mutating calls (create, write,
 * fsync, close, rename, unlink, fsync_dir, mkdir) succeed; the next one
 * fails with -EIO, and so does every later call, mutating or not, until
 * memfs_reboot(). The reboot puts back the durable state: bindings become
 * the durable ones (entries whose folder did not survive are gone too), and
 * each file its durable bytes — except that a file whose volatile bytes
 * extend its durable bytes keeps a seed-chosen prefix of that extension,
 * always shorter than the whole (a torn write: what was not fsynced never
 * survives in full). Open descriptors are gone after a reboot.
 *
 * Paths are a flat map of full paths: they must start with '/', repeated and
 * trailing slashes are ignored, "." and ".." are refused (-EINVAL). The root
 * "/" always exists; any other folder is made with mkdir (or memfs_add_dir),
 * and a path through a link is -ELOOP (memfs never follows links). Folders
 * cannot be renamed (-ENOTSUP) or removed.
 *
 * copy_out writes its local file on the real filesystem, like the real one.
 * Single-threaded; no global state.
 */
#ifndef EW_MEMFS_H
#define EW_MEMFS_H

#include <stddef.h>
#include <stdint.h>

#include "stickio.h"

/* An empty stick (only "/"), unlimited capacity, power on. Freed with
 * memfs_free. Aborts only on out-of-memory. */
StickIO *memfs_new(void);
/* Frees the stick and everything on it; NULL is fine. Descriptors still
 * open are simply dropped. */
void memfs_free(StickIO *io);

/* Cuts the power after ops more successful mutating calls: the (ops+1)-th
 * fails with -EIO, and every later call. A negative ops disarms. Returns 0,
 * or -EINVAL when io is not a memfs. */
int memfs_power_cut_after(StickIO *io, long ops);
/* Restores the durable state (see above), with seed choosing torn-write
 * lengths, closes every descriptor, disarms the power cut and switches the
 * power back on. Does nothing when io is not a memfs. */
void memfs_reboot(StickIO *io, uint64_t seed);
/* Successful mutating calls since memfs_new (reboots do not reset it); -1
 * when io is not a memfs. */
long memfs_count_ops(StickIO *io);

/* Total bytes the stick holds (stored bytes of every live file, the larger
 * of its volatile and durable lengths); a write beyond it writes what fits
 * and fails with -ENOSPC. Default UINT64_MAX. */
void memfs_set_capacity(StickIO *io, uint64_t bytes);

/* Setup helpers: each puts something on the stick durably at once, making
 * missing parent folders durably too (like mkdir -p), bypassing the power
 * switch and not counting as operations. They return 0, -EEXIST when the
 * path is taken, -ELOOP/-ENOTDIR when a parent is a link/file, -EINVAL for
 * a bad path or io that is not a memfs, -ENOSPC over capacity. */
int memfs_add_file(StickIO *io, const char *path, const void *data, size_t len);
int memfs_add_symlink(StickIO *io, const char *path, const char *target);
/* A folder; -EEXIST when one is there already. */
int memfs_add_dir(StickIO *io, const char *path);

/* Makes an existing regular file claim size bytes (e.g. 2 GB) without
 * storing them: list and fstat-like checks see size, reading past the
 * stored bytes gives zeros. Stored bytes past size are dropped. Applies to
 * both states. Returns 0, -ENOENT, -ELOOP (a link), -EISDIR or -EINVAL. */
int memfs_set_size(StickIO *io, const char *path, uint64_t size);

#endif
