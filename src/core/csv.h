/*
 * csv.h - reading and writing the appeal ledgers (信访台账) that town
 * offices keep in Excel/WPS and save as CSV.
 *
 * Such files come in UTF-8 (with or without a BOM), in GB18030/GBK (the
 * "ANSI" encoding of Chinese Windows), or in a mix of both when exports
 * have been concatenated.  csv_decode() turns the raw bytes into UTF-8
 * line by line, csv_parse() splits RFC 4180 text into a CsvTable, and
 * csv_read_file() does both for a file on disk.  csv_write_row() writes
 * rows back in a form Excel and csv_parse() both read, and
 * csv_parse_date() normalises the date spellings found in such ledgers.
 *
 * Conventions: functions return 0 on success and a negative value on
 * error.  Functions taking (err, errlen) write a one-line, human-readable
 * message (no trailing newline, truncated to errlen bytes, always
 * NUL-terminated) on failure; err may be NULL or errlen 0 to discard it.
 * Line numbers in messages are 1-based physical lines.  There is no
 * global state; all functions are reentrant.  Memory allocation failure
 * aborts the process.
 */
#ifndef ECHOWALL_CSV_H
#define ECHOWALL_CSV_H

#include <stddef.h>
#include <stdio.h>

typedef struct CsvTable {
    size_t nrows;        /* rows, header included */
    size_t *ncols;       /* fields in each row */
    char ***cells;       /* cells[r][c]: NUL-terminated UTF-8, owned by the table */
    size_t *line;        /* physical line number (1-based) where each row starts */
} CsvTable;

/*
 * Decodes the raw bytes of a file (in, len) to UTF-8.  A leading UTF-8
 * BOM is stripped.  Then each physical line (split on '\n') that is
 * valid UTF-8 is kept as is and any line that is not is converted from
 * GB18030, so files mixing both encodings work.  Line ends are kept.
 *
 * On success returns 0, *out is a malloc'd NUL-terminated string that
 * the caller frees, and *outlen its length (without the NUL).
 * On failure returns -1, leaves *out NULL and *outlen 0, and writes
 * "line N: not valid UTF-8 or GB18030 text" or
 * "line N: contains a NUL byte" into err.
 */
int csv_decode(const unsigned char *in, size_t len, char **out, size_t *outlen,
               char *err, size_t errlen);

/*
 * Parses RFC 4180 CSV text (UTF-8, len bytes, need not be NUL-terminated)
 * into *t.  Separator is ',', line ends are "\n" or "\r\n".  A field is
 * quoted only if '"' is its first character; inside quotes "" stands for
 * one quote and commas and line breaks are data.  A '"' elsewhere in an
 * unquoted field is kept literally (as Excel does).  Unquoted fields are
 * trimmed of surrounding ASCII spaces and tabs; quoted fields are kept
 * exactly.  Then a field that starts with an apostrophe followed by more
 * apostrophes and one of = + - @ TAB CR loses its first apostrophe: the
 * formula guard csv_write_row() adds (and the text prefix a person may have
 * typed in Excel).  Rows with no characters at all (blank lines, the final
 * line end) are skipped.  Rows may have different numbers of fields.
 *
 * On success returns 0 and fills *t (free it with csv_table_free(); an
 * empty text gives nrows == 0).  On failure returns -1, leaves *t zeroed
 * (nothing to free), and writes into err one of
 * "line N: unterminated quoted field" (N = line where the field starts),
 * "line N: unexpected character after closing quote",
 * "line N: contains a NUL byte".
 */
int csv_parse(const char *text, size_t len, CsvTable *t, char *err, size_t errlen);

/* Frees everything owned by *t and leaves it zeroed.  NULL-safe, and safe
 * to call on an already freed or zero-initialised table. */
void csv_table_free(CsvTable *t);

/*
 * Convenience: reads the whole file at path, csv_decode()s and
 * csv_parse()s it into *t (free with csv_table_free()).
 * On failure returns -1, leaves *t zeroed and writes into err
 * "cannot open PATH: reason", "cannot read PATH: reason",
 * "file is larger than 64 MiB", or the csv_decode()/csv_parse() message
 * unchanged ("line N: ...", so the caller may prefix the file name).
 */
int csv_read_file(const char *path, CsvTable *t, char *err, size_t errlen);

/*
 * Writes one row to f: the n fields joined by ',' and ended by "\r\n".
 * Formula guard: a field that Excel, WPS or LibreOffice would run as a
 * formula - one starting with '=', '+', '-', '@', a tab or a CR, also
 * after apostrophes - is written with one more apostrophe in front, so
 * that a spreadsheet shows it as text ("'=1+2", not 3; LibreOffice shows
 * the apostrophe, Excel may take it as its text prefix).  A field is put in double quotes
 * (inner quotes doubled) when it contains a comma, quote, CR or LF, and
 * also when it begins or ends with a space or tab or is the only, empty
 * field of the row - so that csv_parse(), which takes the guard off again,
 * gives back exactly the same fields.  A NULL field is written as empty.
 * fields is not modified and stays owned by the caller.
 * Returns 0 on success, -1 on a write error (or fields NULL with n > 0).
 * Output is buffered by stdio: check fflush()/fclose() as well.
 */
int csv_write_row(FILE *f, const char *const *fields, size_t n);

/*
 * Parses a civil date written as 2026-03-05, 2026/3/5, 2026.3.5 or
 * 2026年3月5日 (4-digit year, 1- or 2-digit month and day, the same
 * separator twice; ASCII spaces/tabs or U+3000 allowed around the date
 * and around separators).  Validates the calendar (leap years, month
 * lengths, years 1900..2999).  On success writes "YYYY-MM-DD" (NUL-
 * terminated) into out and returns 0; otherwise returns -1 and leaves
 * out untouched.
 */
int csv_parse_date(const char *s, char out[11]);

#endif /* ECHOWALL_CSV_H */
