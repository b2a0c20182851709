/*
 * report.h: the town's report for the office, as an Excel workbook or a CSV.
 *
 * report_town() writes, from one consistent read of the database:
 *
 *   民情台账    one row per appeal, oldest first. Its first 13 columns are the
 *              ledger's own (ledger.h: 编号 支部 日期 诉求内容 类别 等级 包联党员
 *              责任领导 责任单位 时限 进度 办理结果 状态, the same cells
 *              ledger_export writes), then 办结日期 满意度 超期天数, so the
 *              sheet saved as CSV imports back with ledger_import. 进度 is the
 *              latest progress (or reopening) note; 超期天数 is the days past
 *              the time limit of an appeal not yet solved, empty otherwise.
 *              The text is there (the office may read it); the villager's
 *              private contact never is.
 *   分村统计    per branch (every branch of the roster), and
 *   分单位统计  per responsible unit (every unit, then the appeals with none):
 *              受理 办结 未办结 超期 按期办结率 办结天数中位数, and a 合计 row;
 *              the figures are report_figures()'.
 *   评议结果    eval_round() of the current round (the quarter of the device's
 *              today), with the bottom-20 % early-warning list below it.
 *   图表        small tables and the charts drawn from them: appeals by grade
 *              (pie), by status (column), received per month by grade
 *              (stacked column), on-time rate by unit (bar) and the round's
 *              excellence rate by branch (bar).
 *
 * Every table sheet has Chinese headers, a frozen header row, column widths
 * measured from its longest cell (a CJK character counts as two), and its
 * dates as Excel dates (day numbers formatted yyyy-mm-dd), rates as
 * numbers formatted as percentages.
 *
 * A path ending in .csv (any case) gets only the 民情台账 sheet, as UTF-8
 * CSV with a BOM (so Excel opens the Chinese correctly) and dates written
 * YYYY-MM-DD; a cell a spreadsheet would run as a formula (= + - @ first)
 * gets csv_write_row()'s apostrophe, which import ledger takes off again.
 * The file is written under a temporary name and renamed over path, so a
 * failure leaves any earlier file whole.
 */
#ifndef EW_REPORT_H
#define EW_REPORT_H

#include <jansson.h>
#include <sqlite3.h>

#include "ew.h"

/* Writes the town's report to path: an .xlsx workbook or, for a .csv path,
 * the ledger sheet alone (see above). EW_EINPUT when path ends in neither;
 * EW_EIO when the file cannot be written (the message says why); EW_EDB. */
int report_town(sqlite3 *db, const char *path, EwErr *err);

/* The figures of the 分村统计 and 分单位统计 sheets, as of the device's today:
 * {"today": "YYYY-MM-DD",
 *  "by_branch": [{"hall", "name", figures...}] (every branch, by code),
 *  "by_unit": [{"unit" (ID, or null for appeals with no unit), "name",
 *               figures...}] (every unit by ID, then the null row when any
 *               appeal has no unit),
 *  "total": {figures...}}
 * where figures are "received", "solved", "open" (not solved), "overdue"
 * (not solved and past the time limit), "on_time" (solved by the time
 * limit), "due" (appeals with a time limit that are solved or past it),
 * "on_time_rate" (on_time / due, null when due is 0) and "median_days"
 * (median of the days from received to solved over the solved ones, null
 * when none). *out: caller json_decref's. */
int report_figures(sqlite3 *db, json_t **out, EwErr *err);

#endif
