/*
 * update.h: new echowall packages carried to the kiosks on a stick.
 *
 * The office signs a package with the town key: `echowallctl update sign`
 * writes STICK/echowall/update-<version>.deb and, last, update-<version>.sig,
 * a small statement {kind, package, version, arch, size, blake2b} in
 * canonical JSON with the town key's Ed25519 signature over it:
 *
 *   {"sig":"<128 hex>","statement":{"arch":"arm64","blake2b":"<64 hex>",
 *    "kind":"echowall/update/1","package":"echowall","size":N,"version":"0.2.0"}}
 *
 * A kiosk that syncs the stick looks for those files with the same distrust
 * as for bundles (regular files only, size caps, no links), checks the
 * statement against the pinned town key, the package against the
 * statement's size and hash, its architecture against the one this program
 * was built for and its version against the running one (strictly newer, in
 * strict X.Y.Z numbers), and copies a good one into its spool folder
 * (/var/lib/echowall/update) with a request file. The kiosk never installs:
 * the root helper systemd/libexec/echowall-update, started by a path unit on
 * the request, checks everything again with `echowallctl update verify`
 * against the town key it pinned itself, installs, and rolls back when the
 * new version does not report ready in time (systemd/README.md). It leaves
 * its outcome in a result file and the versions that failed in a list,
 * both in its own folder (/var/lib/echowall-update), which the kiosk reads.
 */
#ifndef EW_UPDATE_H
#define EW_UPDATE_H

#include <jansson.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdint.h>

#include "ew.h"
#include "stickio.h"

#define UPDATE_SIG_MAX 4096                       /* a .sig file's cap */
#define UPDATE_DEB_MAX (256ULL * 1024 * 1024)     /* a package's cap */
#define UPDATE_KIND "echowall/update/1"           /* the statement's kind */
#define UPDATE_PACKAGE "echowall"                 /* the only package accepted */
#define UPDATE_SPOOL_DEFAULT "/var/lib/echowall/update"
#define UPDATE_STATE_DEFAULT "/var/lib/echowall-update"

/* What a signed statement says about a package. */
typedef struct UpdateInfo {
    char package[32];     /* the Debian package's name: "echowall" */
    char version[24];     /* strict X.Y.Z */
    char arch[24];        /* Debian architecture: "arm64", "amd64" */
    uint64_t size;        /* the .deb's length in bytes */
    unsigned char hash[32]; /* the .deb's BLAKE2b-256 */
} UpdateInfo;

/* What a package must fit on this device. */
typedef struct UpdateTarget {
    const char *arch;     /* NULL: the architecture this program was built for */
    const char *running;  /* NULL: this program's own version */
} UpdateTarget;

/* Where the kiosk puts a package for the root helper, and where the helper
 * keeps its own state. */
typedef struct UpdatePaths {
    const char *spool;    /* the kiosk's spool folder (UPDATE_SPOOL_DEFAULT) */
    const char *state;    /* the helper's folder (UPDATE_STATE_DEFAULT): failed, result */
} UpdatePaths;

/* This program's version ("0.1.0", the project's) and the Debian
 * architecture it was built for ("arm64"); static strings. */
const char *update_running_version(void);
const char *update_build_arch(void);

/* Strict version numbers: X.Y.Z, each part 1 to 5 digits without leading
 * zeros. Sets *cmp to -1, 0 or 1 as a is older than, equal to or newer than
 * b; EW_EINPUT naming the one that is not X.Y.Z. */
int update_version_cmp(const char *a, const char *b, int *cmp, EwErr *err);

/* Package, Version and Architecture of a .deb file, as `dpkg-deb -f` reads
 * them; size and hash from its bytes. EW_EINPUT when it is not a Debian
 * package, not echowall's, or its version is not X.Y.Z; EW_EIO when it
 * cannot be read. */
int update_deb_info(const char *deb, UpdateInfo *out, EwErr *err);

/* The .sig file's bytes for u, signed with the town key; *out malloc'd
 * (caller frees). */
int update_statement_make(const UpdateInfo *u, const unsigned char town_sk[crypto_sign_SECRETKEYBYTES],
                          unsigned char **out, size_t *len);
/* Parses a .sig file's bytes and checks the town key's signature and every
 * field's form; EW_ECORRUPT with the reason. */
int update_statement_check(const unsigned char *bytes, size_t len,
                           const unsigned char town_pk[crypto_sign_PUBLICKEYBYTES],
                           UpdateInfo *out, EwErr *err);
/* The checks of a statement against a device: the package's name, the
 * architecture, a version strictly newer than the running one. EW_ESTATE
 * with the reason (for "not newer": *not_newer set, when not NULL). */
int update_fits(const UpdateInfo *u, const UpdateTarget *t, int *not_newer, EwErr *err);

/* Everything, for two local files (the root helper's check, through
 * `echowallctl update verify`): the statement, the package's length and
 * hash against it, then update_fits. */
int update_verify_files(const char *deb, const char *sig,
                        const unsigned char town_pk[crypto_sign_PUBLICKEYBYTES],
                        const UpdateTarget *t, UpdateInfo *out, EwErr *err);

/* Office: signs the package deb with the town key and writes it onto the
 * stick at dir (echowall/update-<version>.deb, then .sig, each atomically),
 * then removes the older update files there. EW_EDENIED off the office. */
int update_sign(sqlite3 *db, StickIO *io, const char *deb, const char *dir, UpdateInfo *out,
                EwErr *err);

/* Kiosk: after a sync, looks on the stick at dir for the newest update
 * newer than this program and, when it checks out, copies it into the
 * spool (pending.deb, pending.sig, town.pk, then request, each fsynced).
 * *report (caller decrefs) is NULL when the stick holds no update files,
 * else {"state": "requested"|"refused"|"failed_before"|"current",
 * "version", "file", "reason"}. A bad update is a report, not an error:
 * errors are the spool's (EW_EIO) and the database's. */
int update_take(sqlite3 *db, StickIO *io, const char *dir, const UpdatePaths *paths,
                const UpdateTarget *t, json_t **report, EwErr *err);

/* The root helper's last outcome, from state/result: {"id", "outcome":
 * "installed"|"rolled_back"|"refused"|"broken", "version", "from",
 * "message"}, or NULL when there is none or it is unreadable. Caller
 * decrefs. */
json_t *update_result_read(const char *state);
/* 1 when version failed to install here before (the helper's list). */
int update_failed_before(const char *state, const char *version);

#endif
