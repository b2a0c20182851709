/*
 * script.h: the kiosk's test script, parsed into steps.
 *
 * `echowall --headless --script FILE` walks the UI by a script: plain UTF-8
 * text, one step a line. This module only turns the text into an array of
 * Steps; running them (tapping, comparing, writing screenshots) is the
 * runner's job. No SDL and no database here.
 *
 *   tap X Y                 screen pixels as displayed (after any rotation)
 *   drag X1 Y1 X2 Y2 MS     from (X1,Y1) to (X2,Y2) over MS milliseconds
 *   press LABEL             taps the control labelled exactly LABEL
 *   press LABEL #N          ... the N-th such control in reading order
 *   expect TEXT             fails unless TEXT is visible
 *   type TEXT               key input to the focused field
 *   key NAME                Return BackSpace Escape Tab Left Right Up Down
 *                           Home End Delete Space F1 .. F12
 *   wait MS                 advances the app's clock by MS milliseconds
 *   screenshot NAME         writes NAME.png
 *
 * Lexical rules:
 *  - Lines end in "\n" or "\r\n"; line numbers are 1-based physical lines.
 *    A UTF-8 byte order mark at the start of the text is skipped.
 *  - Every line must be valid UTF-8 without control characters (tab is
 *    allowed; a "\r" only right before "\n" or at the end of the text).
 *  - Space and tab are whitespace. Leading and trailing whitespace is
 *    ignored; blank lines are ignored.
 *  - Comments: a '#' at the start of a line, or preceded by whitespace,
 *    starts a comment that runs to the end of the line. A '#' directly
 *    after another character ("C#", "A#1") is ordinary text. So
 *    `expect 第 #1 名` expects "第", and `type #` has no TEXT.
 *  - The one exception is the index of press: in a press line, a '#'
 *    preceded by whitespace and followed by one or more digits, then
 *    nothing but whitespace or a comment, is the index N. The first '#'
 *    after whitespace decides: `press 返回 #2 # note` is 返回, N = 2;
 *    `press A #2 B` is A (" #2 B" is a comment); `press A #x` is A.
 *  - Command names are lower case and separated from their arguments by
 *    whitespace. Numbers are plain decimal digits, no sign.
 *  - press LABEL and expect TEXT: the rest of the line, without the
 *    surrounding whitespace; inner whitespace is kept as written.
 *  - type TEXT: everything after the one space or tab that follows "type",
 *    so further leading spaces are typed too (trailing ones cannot be:
 *    the line is trimmed). TEXT must not be empty.
 *  - key NAME: exactly as listed (case matters; a wrong case gets a
 *    "did you mean" in the message).
 *  - screenshot NAME: 1..100 ASCII letters, digits, '-', '_', '.', without
 *    ".."; ".png" is added by the runner.
 *  - Anything extra on a line, an unknown command, a missing argument or a
 *    number out of range is an error naming the line and what was expected.
 *
 * Errors are returned as in the core (ew.h): 0 on success, EW_EINPUT (-1)
 * for a script that does not parse, EW_EIO for a file that cannot be read.
 * Messages are one line, no trailing newline, truncated to errlen bytes
 * and always NUL-terminated; err may be NULL or errlen 0. Out of memory
 * aborts (ew_xmalloc). No global state.
 */
#ifndef EW_SCRIPT_H
#define EW_SCRIPT_H

#include <stddef.h>

#define SCRIPT_MAX_COORD 32767    /* largest X or Y in tap and drag */
#define SCRIPT_MAX_MS 3600000     /* largest MS in drag and wait (one hour) */
#define SCRIPT_MAX_NTH 9999       /* largest N in press LABEL #N */
#define SCRIPT_MAX_NAME 100       /* longest screenshot NAME, in bytes */
#define SCRIPT_MAX_FILE (1 << 20) /* largest file script_load reads: 1 MiB */

typedef enum {
    STEP_TAP,
    STEP_DRAG,
    STEP_PRESS,
    STEP_EXPECT,
    STEP_TYPE,
    STEP_KEY,
    STEP_WAIT,
    STEP_SCREENSHOT
} StepKind;

/* One line of the script. Fields a kind does not use are 0 / NULL. */
typedef struct Step {
    StepKind kind;
    int line;           /* 1-based line in the script */
    int x1, y1, x2, y2; /* tap: x1,y1; drag: all four (screen pixels, 0..SCRIPT_MAX_COORD) */
    int ms;             /* drag duration, wait duration (0..SCRIPT_MAX_MS) */
    int nth;            /* press LABEL #N: N (1-based), 0 when not given */
    char *text;         /* press label / expect text / type text / key name /
                           screenshot name (malloc'd, owned by the Script);
                           NULL for tap, drag and wait */
} Step;

/* A parsed script: steps in order of their lines. */
typedef struct Script {
    Step *steps; /* n steps, malloc'd, owned; NULL when n == 0 */
    size_t n;    /* number of steps (0 for a script of comments only) */
} Script;

/*
 * Parses len bytes of text (need not be NUL-terminated) into *out.
 * On success returns 0 and fills *out (free with script_free()).
 * On failure returns EW_EINPUT, leaves *out zeroed (nothing to free) and
 * writes "line N: reason" into err for the first bad line.
 */
int script_parse(const char *text, size_t len, Script *out, char *err, size_t errlen);

/*
 * Reads the file at path (at most SCRIPT_MAX_FILE bytes) and parses it.
 * On failure leaves *out zeroed and returns EW_EIO with
 * "cannot open PATH: reason", "cannot read PATH: reason" or
 * "PATH is larger than 1 MiB", or EW_EINPUT with script_parse()'s
 * "line N: reason" unchanged (the caller may prefix the file name).
 */
int script_load(const char *path, Script *out, char *err, size_t errlen);

/* Frees everything owned by *s and leaves it zeroed. NULL-safe, and safe on
 * a zeroed or already freed Script. */
void script_free(Script *s);

/* The command word of a kind ("tap", "press", ...), for messages. */
const char *script_kind_name(StepKind kind);

#endif
