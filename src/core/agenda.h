/*
 * agenda.h: the agenda of orange appeals for the next joint party–government
 * meeting (党政联席会议), as one printable HTML page for the office.
 *
 * Orange appeals are the hard ones (roads, bridges, housing sites) that the
 * joint meeting decides. The agenda lists every orange appeal not yet solved,
 * escalated to the meeting or not, oldest time limit first (then the oldest
 * received, then by code), numbered 1, 2, ... Each item gives the tracking
 * code, the branch (the hall's name and code) and micro-grid, the category in
 * Chinese, the status, the appeal's text (the office's own paper: shown
 * whether or not approved for the wall, but never once redacted, when the
 * office's reason shows instead), the day it was graded, its time limit and
 * the days past it in red, the leading party member, responsible leader and
 * unit, the latest note (progress, reopening or escalation) with its day, the
 * day received, and an empty box for what the meeting decides. The title is
 * "<town>党政联席会议 · 橙色诉求议程" (青石镇党政联席会议 · ...); the day the agenda was made (the
 * device's today, CST) heads and ends the page. With no such appeal the page
 * says so plainly. Never the contact or the rating code.
 *
 * The page is UTF-8 HTML5 with its style sheet inside: no script, no link
 * to anything, so the one file prints or travels on a stick as it is. Print
 * CSS: A4 portrait, an item never split across pages, colours kept. Every
 * text from the database goes through html_esc. The same database on the
 * same day gives the same bytes. It reads appeals through view.h
 * (view_appeals_each, view_appeal), inside one savepoint (one snapshot).
 */
#ifndef EW_AGENDA_H
#define EW_AGENDA_H

#include <sqlite3.h>
#include <stddef.h>

#include "ew.h"

/* The agenda's page: *out malloc'd, NUL-terminated (caller frees), *len its
 * bytes, *items how many appeals it lists (items may be NULL). EW_EDB. */
int agenda_html(sqlite3 *db, char **out, size_t *len, int *items, EwErr *err);

/* Writes the agenda's page to path, which must end in .html or .htm (any
 * case; else EW_EINPUT). Written under a temporary name in path's folder,
 * flushed, renamed over path and the folder flushed: a failure (EW_EIO,
 * saying why) leaves no partial file and any earlier file whole. *items as
 * for agenda_html. */
int agenda_write(sqlite3 *db, const char *path, int *items, EwErr *err);

#endif
