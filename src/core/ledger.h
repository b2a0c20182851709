/*
 * ledger.h: the appeal ledger as town offices keep it in Excel/WPS (CSV).
 *
 * Columns, found by their Chinese header in any order (unknown ones are
 * ignored): 编号 支部 日期 诉求内容 类别 等级 包联党员 责任领导 责任单位 时限 进度
 * 办理结果 状态. Import checks every row first and writes nothing unless all
 * rows are good; a bad row is reported by its number (the first data row is
 * row 1) and column. It runs on the office, whose records it writes.
 * Export writes the same columns (UTF-8 with BOM) so that export -> import
 * round-trips; a cell Excel would run as a formula (a text, note or name
 * starting with = + - @ or a tab) is written with an apostrophe in front
 * (csv.h's formula guard), which import takes off again.
 */
#ifndef EW_LEDGER_H
#define EW_LEDGER_H

#include <jansson.h>
#include <sqlite3.h>

#include "device.h"

/* Imports path. On success *report (caller json_decref's) holds
 * {"imported": n, "people_added": [...], "units_added": [...],
 *  "guesses": ["row 3 包联党员 王伟: ..."]}. */
int ledger_import(sqlite3 *db, Author *a, const char *path, json_t **report, EwErr *err);
/* Writes every appeal to path (atomically: a temp file renamed over it). */
int ledger_export(sqlite3 *db, const char *path, int *count, EwErr *err);

#endif
