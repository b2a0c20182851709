/*
 * site.h: the tracking site, a static export of the wall for the town's
 * government website (`echowallctl export site DIR`).
 *
 * The folder DIR stands for the root of the web host named by the setting
 * town.tracking_url (https://example.gov.cn/echowall/{code}): an appeal's
 * page lives at DIR/<the URL's path with {code} replaced>, so the town
 * copies DIR's contents onto its web root and the printed QR codes lead to
 * the pages. The rule for the file of a path (site_page_path):
 *
 *   .../{code}          .../C/index.html   (a static host serves the folder)
 *   .../{code}/         .../C/index.html
 *   .../{code}.html     .../C.html         (also .htm)
 *   anything after ? or # is left out: a static host ignores it.
 *
 * {code} must be in the path, before any ? or #, and the path's other
 * characters plain (letters, digits, - . _ ~ and UTF-8 text; no . or ..
 * segments, no % escapes); a last segment with another extension (.php) is
 * refused: a static host would not serve it as a page.
 *
 * The rest of the site lives in the folder of the segment that holds {code}
 * (DIR/echowall/ above), beside the appeals' pages:
 *   index.html, page-2.html ...  the whole town's wall, newest first, 100
 *                                appeals a page, with the town's figures
 *   halls.html                   every hall with its figures
 *   hall/H07.html, H07-p2.html   one hall's wall
 *   results.html                 evaluation results of the closed meetings
 *   style.css                    the one style sheet
 * and DIR/.echowall-site marks DIR as an export.
 *
 * What a page shows is what the kiosk's wall shows (view.h): status, grade
 * with its word, time limit, the leading member, leader and unit, the
 * answer, the public timeline, and the appeal's text only once approved for
 * the wall (a redacted appeal shows the office's note instead). Never the
 * contact, the rating code or its hash. Results: each closed meeting that
 * was not voided, its subjects with at least EVAL_MIN_RATINGS ratings with
 * their figures, the others named with "too few ballots" and nothing more.
 *
 * Pages are plain HTML5 and CSS (no JavaScript), UTF-8, Chinese, with
 * relative links only, so the folder works anywhere, even opened from a
 * disk. The same database on the same day gives byte-identical files.
 */
#ifndef EW_SITE_H
#define EW_SITE_H

#include <stddef.h>
#include <sqlite3.h>

#include "ew.h"

#define SITE_PER_PAGE 100       /* appeals on one page of a wall */
#define SITE_MARKER ".echowall-site"

/* Writes the site into dir. dir must not exist, or be an empty folder, or
 * hold a previous export (its SITE_MARKER file), which is replaced whole:
 * keep nothing else in it. Everything is written into a new sibling folder
 * dir.tmp-XXXXXX, flushed to disk, and then swapped in by rename, so dir is
 * at every moment either the previous export or the new one; on failure
 * dir is untouched and the temporary folder removed. EW_EINPUT when
 * town.tracking_url cannot be served by a static host (see above), EW_ESTATE
 * when dir is something else, EW_EIO on a file error, EW_EDB. Reads the
 * database only (no transaction needed; the caller may hold one). */
int site_export(sqlite3 *db, const char *dir, EwErr *err);

/* The file, relative to the export's folder, of code's page under the
 * tracking URL template tmpl, into out (n bytes), e.g. "echowall/H07-A3K9Q/
 * index.html". EW_EINPUT (with the reason) when tmpl cannot be served by a
 * static host, or the path does not fit. */
int site_page_path(const char *tmpl, const char *code, char *out, size_t n, EwErr *err);

#endif
