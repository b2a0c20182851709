/*
 * script.c: parsing the kiosk's test script (see script.h for the syntax).
 *
 * The text is split into physical lines. Each line is first checked
 * (UTF-8, no control characters), then cut at its comment, trimmed, and
 * handed to the parser of its command. Every error names the line and
 * says what the command expects; tokens quoted in messages are shortened
 * to a few dozen bytes on a character boundary.
 */
#include "script.h"

#include "ew.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Longest token quoted in an error message, in bytes. */
#define QUOTE_MAX 40

typedef struct Command {
    const char *name; /* the command word */
    StepKind kind;
    const char *usage; /* how it is written, for messages */
} Command;

static const Command commands[] = {
    {"tap", STEP_TAP, "tap X Y"},
    {"drag", STEP_DRAG, "drag X1 Y1 X2 Y2 MS"},
    {"press", STEP_PRESS, "press LABEL or press LABEL #N"},
    {"expect", STEP_EXPECT, "expect TEXT"},
    {"type", STEP_TYPE, "type TEXT"},
    {"key", STEP_KEY, "key NAME"},
    {"wait", STEP_WAIT, "wait MS"},
    {"screenshot", STEP_SCREENSHOT, "screenshot NAME"},
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static const char *const key_names[] = {
    "Return", "BackSpace", "Escape", "Tab", "Left", "Right", "Up", "Down", "Home", "End",
    "Delete", "Space", "F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8", "F9", "F10", "F11", "F12",
};
#define NKEYS (sizeof key_names / sizeof key_names[0])
#define KEY_LIST "Return, BackSpace, Escape, Tab, Left, Right, Up, Down, Home, End, Delete, Space, F1..F12"

/* A piece of the line being parsed: len bytes at s, not NUL-terminated. */
typedef struct Span {
    const char *s;
    size_t len;
} Span;

/* Writes "line N: <message>" into err (when there is room). Returns EW_EINPUT. */
static int fail(char *err, size_t errlen, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int fail(char *err, size_t errlen, int line, const char *fmt, ...)
{
    if (err && errlen > 0) {
        char msg[512];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        snprintf(err, errlen, "line %d: %s", line, msg);
    }
    return EW_EINPUT;
}

static int is_ws(char c)
{
    return c == ' ' || c == '\t';
}

static int span_eq(Span a, const char *lit)
{
    return a.len == strlen(lit) && memcmp(a.s, lit, a.len) == 0;
}

static int span_ieq(Span a, const char *lit)
{
    if (a.len != strlen(lit))
        return 0;
    for (size_t i = 0; i < a.len; i++) {
        char c = a.s[i], d = lit[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (d >= 'A' && d <= 'Z')
            d = (char)(d - 'A' + 'a');
        if (c != d)
            return 0;
    }
    return 1;
}

/* A malloc'd NUL-terminated copy of a span (caller frees). */
static char *span_dup(Span a)
{
    char *p = ew_xmalloc(a.len + 1);
    memcpy(p, a.s, a.len);
    p[a.len] = '\0';
    return p;
}

/* The span as a quotable string in buf: at most QUOTE_MAX bytes, cut on a
 * UTF-8 character boundary and marked with "..." when shortened. The line
 * has been checked to be UTF-8 before any token is quoted. */
static const char *quote(Span a, char buf[QUOTE_MAX + 4])
{
    size_t n = a.len;
    int cut = 0;
    if (n > QUOTE_MAX) {
        n = QUOTE_MAX;
        while (n > 0 && ((unsigned char)a.s[n] & 0xc0) == 0x80)
            n--;
        cut = 1;
    }
    memcpy(buf, a.s, n);
    if (cut)
        memcpy(buf + n, "...", 3), n += 3;
    buf[n] = '\0';
    return buf;
}

/* Checks that a line (without its line end) is UTF-8 with no control
 * characters other than tab. Returns 0, or EW_EINPUT with a message
 * giving the character column (1-based). */
static int check_line(Span ln, int line, char *err, size_t errlen)
{
    const unsigned char *s = (const unsigned char *)ln.s;
    size_t i = 0;
    int col = 1;
    while (i < ln.len) {
        uint32_t cp;
        size_t k = ew_utf8_next(s + i, ln.len - i, &cp);
        if (k == 0)
            return fail(err, errlen, line, "not valid UTF-8 (byte 0x%02X at column %d)", s[i], col);
        if (k == 1 && s[i] == '\r')
            return fail(err, errlen, line, "stray carriage return at column %d (lines end in LF or CRLF)",
                        col);
        if (k == 1 && ((s[i] < 0x20 && s[i] != '\t') || s[i] == 0x7f))
            return fail(err, errlen, line, "control character 0x%02X at column %d", s[i], col);
        i += k;
        col++;
    }
    return 0;
}

/* Splits the next whitespace-separated token off *rest; 0 when none is left. */
static int next_token(Span *rest, Span *tok)
{
    const char *p = rest->s, *end = rest->s + rest->len;
    while (p < end && is_ws(*p))
        p++;
    const char *q = p;
    while (q < end && !is_ws(*q))
        q++;
    tok->s = p;
    tok->len = (size_t)(q - p);
    rest->s = q;
    rest->len = (size_t)(end - q);
    return tok->len > 0;
}

/* Parses a plain decimal number in 0..max. Returns 0, or -1 when tok is
 * not all digits or the value is above max. */
static int parse_num(Span tok, long max, int *out)
{
    long v = 0;
    if (tok.len == 0)
        return -1;
    for (size_t i = 0; i < tok.len; i++) {
        if (tok.s[i] < '0' || tok.s[i] > '9')
            return -1;
        v = v * 10 + (tok.s[i] - '0');
        if (v > max)
            return -1;
    }
    *out = (int)v;
    return 0;
}

/* Fails with "unexpected 'x' (expected USAGE)" when rest has a token. */
static int no_more(Span rest, const Command *cmd, int line, char *err, size_t errlen)
{
    Span tok;
    char q[QUOTE_MAX + 4];
    if (next_token(&rest, &tok))
        return fail(err, errlen, line, "unexpected '%s' (expected %s)", quote(tok, q), cmd->usage);
    return 0;
}

/* tap X Y, drag X1 Y1 X2 Y2 MS, wait MS: whitespace-separated numbers. */
static int parse_numbers(Span args, const Command *cmd, Step *st, int line, char *err, size_t errlen)
{
    static const char *const tap_names[] = {"X", "Y"};
    static const char *const drag_names[] = {"X1", "Y1", "X2", "Y2", "MS"};
    static const char *const wait_names[] = {"MS"};
    const char *const *names = cmd->kind == STEP_TAP ? tap_names : cmd->kind == STEP_DRAG ? drag_names : wait_names;
    size_t n = cmd->kind == STEP_TAP ? 2 : cmd->kind == STEP_DRAG ? 5 : 1;
    int *dest_tap[] = {&st->x1, &st->y1};
    int *dest_drag[] = {&st->x1, &st->y1, &st->x2, &st->y2, &st->ms};
    int *dest_wait[] = {&st->ms};
    int **dest = cmd->kind == STEP_TAP ? dest_tap : cmd->kind == STEP_DRAG ? dest_drag : dest_wait;
    char q[QUOTE_MAX + 4];

    for (size_t i = 0; i < n; i++) {
        Span tok;
        int is_ms = strcmp(names[i], "MS") == 0;
        long max = is_ms ? SCRIPT_MAX_MS : SCRIPT_MAX_COORD;
        if (!next_token(&args, &tok))
            return fail(err, errlen, line, "%s is missing (expected %s)", names[i], cmd->usage);
        if (parse_num(tok, max, dest[i]) != 0)
            return fail(err, errlen, line, "%s %s must be a whole number from 0 to %ld%s, got '%s'",
                        cmd->name, names[i], max, is_ms ? " (milliseconds)" : " (screen pixels)",
                        quote(tok, q));
    }
    return no_more(args, cmd, line, err, errlen);
}

static int parse_key(Span args, const Command *cmd, Step *st, int line, char *err, size_t errlen)
{
    Span tok;
    char q[QUOTE_MAX + 4];
    if (!next_token(&args, &tok))
        return fail(err, errlen, line, "key NAME is missing (one of " KEY_LIST ")");
    for (size_t i = 0; i < NKEYS; i++) {
        if (span_eq(tok, key_names[i])) {
            int rc = no_more(args, cmd, line, err, errlen);
            if (rc == 0)
                st->text = ew_xstrdup(key_names[i]);
            return rc;
        }
    }
    for (size_t i = 0; i < NKEYS; i++)
        if (span_ieq(tok, key_names[i]))
            return fail(err, errlen, line, "unknown key '%s' (did you mean '%s'? names are case-sensitive)",
                        quote(tok, q), key_names[i]);
    return fail(err, errlen, line, "unknown key '%s' (expected one of " KEY_LIST ")", quote(tok, q));
}

static int parse_screenshot(Span args, const Command *cmd, Step *st, int line, char *err, size_t errlen)
{
    Span tok;
    char q[QUOTE_MAX + 4];
    if (!next_token(&args, &tok))
        return fail(err, errlen, line, "screenshot NAME is missing (the file is NAME.png)");
    for (size_t i = 0; i < tok.len; i++) {
        char c = tok.s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
              c == '_' || c == '.'))
            return fail(err, errlen, line,
                        "screenshot NAME '%s' may contain only letters, digits, '-', '_' and '.'",
                        quote(tok, q));
    }
    if (tok.len > SCRIPT_MAX_NAME)
        return fail(err, errlen, line, "screenshot NAME '%s' is longer than %d characters", quote(tok, q),
                    SCRIPT_MAX_NAME);
    for (size_t i = 0; i + 1 < tok.len; i++)
        if (tok.s[i] == '.' && tok.s[i + 1] == '.')
            return fail(err, errlen, line, "screenshot NAME '%s' must not contain '..'", quote(tok, q));
    int rc = no_more(args, cmd, line, err, errlen);
    if (rc == 0)
        st->text = span_dup(tok);
    return rc;
}

/* Parses one line (without its line end) into *st. Returns 1 for a step,
 * 0 for a blank or comment-only line, EW_EINPUT on error. */
static int parse_line(Span ln, int line, Step *st, char *err, size_t errlen)
{
    const char *p = ln.s, *end = ln.s + ln.len;
    char q[QUOTE_MAX + 4];

    int rc = check_line(ln, line, err, errlen);
    if (rc != 0)
        return rc;
    while (p < end && is_ws(*p))
        p++;
    if (p == end || *p == '#')
        return 0;

    Span word = {p, 0};
    while (p < end && !is_ws(*p))
        p++;
    word.len = (size_t)(p - word.s);
    const Command *cmd = NULL;
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (span_eq(word, commands[i].name))
            cmd = &commands[i];
    if (!cmd) {
        for (size_t i = 0; i < NCOMMANDS; i++)
            if (span_ieq(word, commands[i].name))
                return fail(err, errlen, line, "unknown command '%s' (did you mean '%s'? commands are lower case)",
                            quote(word, q), commands[i].name);
        return fail(err, errlen, line,
                    "unknown command '%s' (expected tap, drag, press, expect, type, key, wait or screenshot)",
                    quote(word, q));
    }

    /* Cut at the comment: the first '#' after whitespace. In press, such a
     * '#' followed by digits and then only whitespace or a comment is the
     * index instead (what follows it is then the comment). */
    const char *cend = end;
    Span index = {NULL, 0};
    for (const char *h = p; h < end; h++) {
        if (*h != '#' || !is_ws(h[-1]))
            continue;
        if (cmd->kind == STEP_PRESS) {
            const char *d = h + 1;
            while (d < end && *d >= '0' && *d <= '9')
                d++;
            const char *k = d;
            while (k < end && is_ws(*k))
                k++;
            if (d > h + 1 && (k == end || (k > d && *k == '#'))) {
                index.s = h + 1;
                index.len = (size_t)(d - (h + 1));
            }
        }
        cend = h;
        break;
    }
    while (cend > p && is_ws(cend[-1]))
        cend--;
    Span args = {p, (size_t)(cend - p)};

    memset(st, 0, sizeof *st);
    st->kind = cmd->kind;
    st->line = line;
    switch (cmd->kind) {
    case STEP_TAP:
    case STEP_DRAG:
    case STEP_WAIT:
        return parse_numbers(args, cmd, st, line, err, errlen) == 0 ? 1 : EW_EINPUT;
    case STEP_KEY:
        return parse_key(args, cmd, st, line, err, errlen) == 0 ? 1 : EW_EINPUT;
    case STEP_SCREENSHOT:
        return parse_screenshot(args, cmd, st, line, err, errlen) == 0 ? 1 : EW_EINPUT;
    case STEP_TYPE:
        /* Everything after the one separating space or tab. */
        if (args.len == 0)
            return fail(err, errlen, line, "type TEXT is missing (the keys to type)");
        args.s++, args.len--;
        st->text = span_dup(args);
        return 1;
    case STEP_EXPECT:
    case STEP_PRESS:
        while (args.len > 0 && is_ws(args.s[0]))
            args.s++, args.len--;
        if (args.len == 0 && cmd->kind == STEP_EXPECT)
            return fail(err, errlen, line, "expect TEXT is missing (the text that must be visible)");
        if (args.len == 0 && index.s)
            return fail(err, errlen, line, "press LABEL is missing before '#%s' (expected %s)",
                        quote(index, q), cmd->usage);
        if (args.len == 0)
            return fail(err, errlen, line, "press LABEL is missing (expected %s)", cmd->usage);
        if (index.s && (parse_num(index, SCRIPT_MAX_NTH, &st->nth) != 0 || st->nth == 0))
            return fail(err, errlen, line, "press index #N must be a whole number from 1 to %d, got '#%s'",
                        SCRIPT_MAX_NTH, quote(index, q));
        st->text = span_dup(args);
        return 1;
    }
    return fail(err, errlen, line, "internal error: unhandled command");
}

int script_parse(const char *text, size_t len, Script *out, char *err, size_t errlen)
{
    size_t cap = 0;
    int line = 0;
    const char *p = text, *end = text + len;

    memset(out, 0, sizeof *out);
    if (err && errlen > 0)
        err[0] = '\0';
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *next = nl ? nl + 1 : end;
        Span ln = {p, (size_t)((nl ? nl : end) - p)};
        if (ln.len > 0 && ln.s[ln.len - 1] == '\r')
            ln.len--;
        p = next;
        if (line == INT_MAX) {
            script_free(out);
            return fail(err, errlen, line, "too many lines");
        }
        line++;

        Step st;
        int rc = parse_line(ln, line, &st, err, errlen);
        if (rc < 0) {
            script_free(out);
            return rc;
        }
        if (rc == 0)
            continue;
        if (out->n == cap) {
            cap = cap ? cap * 2 : 16;
            out->steps = ew_xrealloc(out->steps, cap * sizeof *out->steps);
        }
        out->steps[out->n++] = st;
    }
    return 0;
}

int script_load(const char *path, Script *out, char *err, size_t errlen)
{
    int rc = EW_EIO;
    char *buf = NULL;
    size_t len = 0;
    FILE *f;

    memset(out, 0, sizeof *out);
    f = fopen(path, "rb");
    if (!f) {
        if (err && errlen > 0)
            snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
        return EW_EIO;
    }
    /* Read one byte past the cap, so an oversized file is noticed without
     * trusting its size (pipes and /proc files have none). */
    buf = ew_xmalloc((size_t)SCRIPT_MAX_FILE + 1);
    len = fread(buf, 1, (size_t)SCRIPT_MAX_FILE + 1, f);
    if (ferror(f)) {
        if (err && errlen > 0)
            snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
        goto done;
    }
    if (len > SCRIPT_MAX_FILE) {
        if (err && errlen > 0)
            snprintf(err, errlen, "%s is larger than 1 MiB", path);
        goto done;
    }
    rc = script_parse(buf, len, out, err, errlen);
done:
    free(buf);
    fclose(f);
    return rc;
}

void script_free(Script *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++)
        free(s->steps[i].text);
    free(s->steps);
    s->steps = NULL;
    s->n = 0;
}

const char *script_kind_name(StepKind kind)
{
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (commands[i].kind == kind)
            return commands[i].name;
    return "?";
}
