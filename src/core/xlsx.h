/*
 * xlsx.h: libxlsxwriter, opened (dlopen) at the first workbook, not linked.
 *
 * Linked, it and what it brings (libcrypto, whose 4,000 symbols are all
 * bound at load, and minizip) were a third of the dynamic loader's work at
 * every start of the kiosk, which writes a workbook only when the office
 * asks for one: 1.7 ms of the 13 ms `echowall --help` took (x86_64 VM).
 *
 * Include after <xlsxwriter.h>, and only in the file that writes workbooks
 * (report.c): the functions it calls are named below, and their names are
 * made to go through the table that xlsx_load() fills, so the calls read as
 * libxlsxwriter's own. A function added to the workbook goes in EW_XLSX_FUNCS.
 */
#ifndef EW_XLSX_H
#define EW_XLSX_H

#include <xlsxwriter.h>

#include "ew.h"

#ifndef EW_XLSX_SONAME
#define EW_XLSX_SONAME "libxlsxwriter.so.4"
#endif

/* Every libxlsxwriter function report.c calls. */
#define EW_XLSX_FUNCS(X)                                                                           \
    X(workbook_new) X(workbook_close) X(workbook_set_properties) X(workbook_add_worksheet)         \
    X(workbook_add_format) X(workbook_add_chart) X(lxw_strerror)                                    \
    X(worksheet_write_string) X(worksheet_write_number) X(worksheet_write_blank)                   \
    X(worksheet_set_column) X(worksheet_set_row) X(worksheet_freeze_panes)                         \
    X(worksheet_set_paper) X(worksheet_set_landscape) X(worksheet_set_print_scale)                 \
    X(worksheet_set_h_pagebreaks) X(worksheet_repeat_rows) X(worksheet_fit_to_pages)               \
    X(worksheet_autofilter) X(worksheet_insert_chart_opt)                                          \
    X(format_set_bold) X(format_set_bg_color) X(format_set_align) X(format_set_num_format)         \
    X(format_set_text_wrap) X(format_set_font_size) X(format_set_font_color) X(format_set_border)  \
    X(chart_add_series) X(chart_title_set_name) X(chart_legend_set_position)                       \
    X(chart_series_set_values) X(chart_series_set_categories) X(chart_series_set_points)           \
    X(chart_series_set_name) X(chart_series_set_name_range) X(chart_series_set_labels)             \
    X(chart_series_set_labels_options) X(chart_series_set_labels_num_format)                       \
    X(chart_series_set_fill) X(chart_axis_set_reverse) X(chart_axis_set_num_format)                \
    X(chart_axis_set_min) X(chart_axis_set_max)

/* The functions, once xlsx_load() has succeeded. */
typedef struct XlsxApi {
#define EW_XLSX_PTR(name) __typeof__(name) *name;
    EW_XLSX_FUNCS(EW_XLSX_PTR)
#undef EW_XLSX_PTR
} XlsxApi;
extern XlsxApi ew_xlsx;

/* Opens the library unless it is open (thread-safe; $ECHOWALL_XLSX_LIBRARY
 * names another file, for tests). EW_ENOTFOUND with a message naming the
 * Debian package when it is missing or is not libxlsxwriter; the next call
 * tries again. */
int xlsx_load(EwErr *err);

#ifndef EW_XLSX_NO_REDIRECT
#define workbook_new (*ew_xlsx.workbook_new)
#define workbook_close (*ew_xlsx.workbook_close)
#define workbook_set_properties (*ew_xlsx.workbook_set_properties)
#define workbook_add_worksheet (*ew_xlsx.workbook_add_worksheet)
#define workbook_add_format (*ew_xlsx.workbook_add_format)
#define workbook_add_chart (*ew_xlsx.workbook_add_chart)
#define lxw_strerror (*ew_xlsx.lxw_strerror)
#define worksheet_write_string (*ew_xlsx.worksheet_write_string)
#define worksheet_write_number (*ew_xlsx.worksheet_write_number)
#define worksheet_write_blank (*ew_xlsx.worksheet_write_blank)
#define worksheet_set_column (*ew_xlsx.worksheet_set_column)
#define worksheet_set_row (*ew_xlsx.worksheet_set_row)
#define worksheet_freeze_panes (*ew_xlsx.worksheet_freeze_panes)
#define worksheet_set_paper (*ew_xlsx.worksheet_set_paper)
#define worksheet_set_landscape (*ew_xlsx.worksheet_set_landscape)
#define worksheet_set_print_scale (*ew_xlsx.worksheet_set_print_scale)
#define worksheet_set_h_pagebreaks (*ew_xlsx.worksheet_set_h_pagebreaks)
#define worksheet_repeat_rows (*ew_xlsx.worksheet_repeat_rows)
#define worksheet_fit_to_pages (*ew_xlsx.worksheet_fit_to_pages)
#define worksheet_autofilter (*ew_xlsx.worksheet_autofilter)
#define worksheet_insert_chart_opt (*ew_xlsx.worksheet_insert_chart_opt)
#define format_set_bold (*ew_xlsx.format_set_bold)
#define format_set_bg_color (*ew_xlsx.format_set_bg_color)
#define format_set_align (*ew_xlsx.format_set_align)
#define format_set_num_format (*ew_xlsx.format_set_num_format)
#define format_set_text_wrap (*ew_xlsx.format_set_text_wrap)
#define format_set_font_size (*ew_xlsx.format_set_font_size)
#define format_set_font_color (*ew_xlsx.format_set_font_color)
#define format_set_border (*ew_xlsx.format_set_border)
#define chart_add_series (*ew_xlsx.chart_add_series)
#define chart_title_set_name (*ew_xlsx.chart_title_set_name)
#define chart_legend_set_position (*ew_xlsx.chart_legend_set_position)
#define chart_series_set_values (*ew_xlsx.chart_series_set_values)
#define chart_series_set_categories (*ew_xlsx.chart_series_set_categories)
#define chart_series_set_points (*ew_xlsx.chart_series_set_points)
#define chart_series_set_name (*ew_xlsx.chart_series_set_name)
#define chart_series_set_name_range (*ew_xlsx.chart_series_set_name_range)
#define chart_series_set_labels (*ew_xlsx.chart_series_set_labels)
#define chart_series_set_labels_options (*ew_xlsx.chart_series_set_labels_options)
#define chart_series_set_labels_num_format (*ew_xlsx.chart_series_set_labels_num_format)
#define chart_series_set_fill (*ew_xlsx.chart_series_set_fill)
#define chart_axis_set_reverse (*ew_xlsx.chart_axis_set_reverse)
#define chart_axis_set_num_format (*ew_xlsx.chart_axis_set_num_format)
#define chart_axis_set_min (*ew_xlsx.chart_axis_set_min)
#define chart_axis_set_max (*ew_xlsx.chart_axis_set_max)
#endif

#endif
