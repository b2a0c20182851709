/*
 * stickio.h: the one door to the USB stick.
 *
 * Every read and write of a stick (FAT32/exFAT, carried between village halls
 * and the town office) goes through a StickIO, a table of functions. There
 * are two: stickio_posix(), the real calls on a mounted stick, and memfs
 * (memfs.h), an in-memory double that keeps a page cache apart from the
 * medium and can cut the power, so the sync code's claim "a pull at any
 * moment leaves a newest valid manifest naming a complete bundle" is tested
 * against lost writes rather than against a kill -9 that leaves the page cache
 * intact.
 *
 * Writing a file atomically is the caller's business, with these steps:
 * create a temporary name, write, fsync, close, rename to the final name,
 * fsync_dir the folder. Reading trusts nothing: read_file and copy_out open
 * only regular files, never follow a link in the last path component, and
 * refuse a file larger than the caller's cap, checking the size before
 * reading and again while reading. list reports what is there (lstat types)
 * without following links.
 *
 * Errors: every function returns 0 or a negative errno value. The usual ones:
 *   -ENOENT   no such file or folder
 *   -EEXIST   create or mkdir found a name already there
 *   -ELOOP    a link where a file or folder was expected
 *   -EISDIR   a folder where a file was expected
 *   -ENOTDIR  a file where a folder was expected (also mkdir over a file)
 *   -EINVAL   something that is neither file, folder nor link (a fifo, a
 *             device), or a bad argument
 *   -EFBIG    a file over the caller's size cap
 *   -ENOSPC   the stick is full
 *   -EIO      the stick was pulled or cannot be read
 * stickio_strerror() turns them into plain words for staff. Nothing here
 * aborts on I/O; only running out of memory does (ew_xmalloc).
 *
 * Paths are full paths; the real implementation uses them as given. Only the
 * last component is protected against links: callers check the folders they
 * go through (list shows a link as STICK_LINK, mkdir reports one as -ELOOP).
 */
#ifndef EW_STICKIO_H
#define EW_STICKIO_H

#include <stddef.h>
#include <stdint.h>

/* What a directory entry is, from lstat: links are never followed. */
typedef enum { STICK_REG, STICK_DIR, STICK_LINK, STICK_OTHER } StickType;

/* One entry of a folder listing. */
typedef struct StickEntry {
    char name[256];  /* the entry's name (not its path), NUL-terminated */
    StickType type;  /* from lstat */
    uint64_t size;   /* bytes of a regular file; a link's target length; 0 otherwise */
} StickEntry;

typedef struct StickIO StickIO;
struct StickIO {
    /* A new, empty regular file opened for writing; exclusive (-EEXIST when
     * any entry, a link included, has that name) and never follows a link.
     * *fd is set on success, -1 on failure. */
    int (*create)(StickIO *io, const char *path, int *fd);
    /* Writes all n bytes at the file's position or returns an error (short
     * writes and EINTR are retried inside). After an error some of the bytes
     * may have been written. */
    int (*write)(StickIO *io, int fd, const void *buf, size_t n);
    /* Makes the file's current bytes durable. */
    int (*fsync)(StickIO *io, int fd);
    /* Closes fd. The descriptor is gone even when this returns an error. */
    int (*close)(StickIO *io, int fd);
    /* Renames from to to, replacing a file at to (not atomic on FAT: write
     * under a new name instead). Durable only after fsync_dir of both
     * folders. */
    int (*rename)(StickIO *io, const char *from, const char *to);
    /* Removes a file or link (-EISDIR for a folder). Durable after fsync_dir. */
    int (*unlink)(StickIO *io, const char *path);
    /* Makes the folder's entries (creates, renames, unlinks) durable. A link
     * at dir is -ELOOP. */
    int (*fsync_dir)(StickIO *io, const char *dir);
    /* Makes a folder: -EEXIST when a folder is there, -ELOOP when a link is,
     * -ENOTDIR when anything else is. Durable after fsync_dir of its parent. */
    int (*mkdir)(StickIO *io, const char *path);
    /* Lists dir (not following a link at dir: -ELOOP), "." and ".." left
     * out, sorted by name (strcmp). Types come from lstat; names longer than
     * 255 bytes are skipped. On success *out is malloc'd (never NULL, even
     * when *n is 0) and the caller frees it; on failure *out is NULL, *n 0. */
    int (*list)(StickIO *io, const char *dir, StickEntry **out, size_t *n);
    /* Reads a whole regular file: -ELOOP for a link, -EISDIR for a folder,
     * -EINVAL for anything else, -EFBIG when larger than max (from fstat
     * before reading, and while reading). On success *data is malloc'd with
     * one NUL byte after the *len bytes (not counted), caller frees; on
     * failure *data is NULL, *len 0. */
    int (*read_file)(StickIO *io, const char *path, size_t max, unsigned char **data,
                     size_t *len);
    /* Streams a regular stick file (checked as read_file does, cap max) into
     * a NEW file local_path on the real filesystem (O_EXCL, O_NOFOLLOW, mode
     * 0600; not fsynced), computing its BLAKE2b-256 (crypto_generichash) on
     * the way into hash and its length into *len (either may be NULL). On
     * failure local_path is removed when this call made it (an existing one
     * is left alone: -EEXIST), hash is zeroed and *len is 0. Errors of the
     * local file are negative errno values too. */
    int (*copy_out)(StickIO *io, const char *path, const char *local_path, uint64_t max,
                    unsigned char hash[32], uint64_t *len);
    /* Free bytes available on the filesystem holding dir. */
    int (*statfs_free)(StickIO *io, const char *dir, uint64_t *bytes);
    void *impl; /* the implementation's state (NULL for the real one) */
};

/* The real stick: a static instance, never freed. */
StickIO *stickio_posix(void);

/* Plain words for staff about a negative errno value from a StickIO call
 * (a positive value is read as its negation), e.g. "the stick is full"; other
 * values fall back to strerror. The string is static, never freed. */
const char *stickio_strerror(int neg_errno);

#endif
