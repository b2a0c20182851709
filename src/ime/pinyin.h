/*
 * pinyin.h: pinyin input through librime, for the kiosk's on-screen
 * keyboard. No SDL here: the UI sends letters and taps, and draws the
 * ImeState it reads back.
 *
 * A villager types letters (a-z, and ' between syllables); the engine keeps
 * a composition (preedit "ban jie") and a ranked list of candidates (办结,
 * 半截...), shown a page at a time. Picking a candidate that covers the
 * whole composition commits its text; picking one that covers only the
 * first syllables (办 for "banjie") keeps the rest composing ("办jie") with
 * new candidates for it, as Rime does. Backspace undoes the last pick or,
 * with none, the last letter.
 *
 * Data. Rime's schema (IME_PINYIN_SCHEMA, simplified characters through
 * OpenCC) must be deployed beforehand by echowall-rime-deploy (src/ime/
 * rime_deploy.c), which the build runs into <build>/rime and the package
 * installs into /usr/share/echowall/rime. ime_pinyin_open never compiles
 * anything and never writes into the shared or deployed folders.
 *
 * No learning. The deployed schema has translator/enable_user_dict: false
 * (ime_pinyin_open refuses data that does not), and Rime's user folder is a
 * fresh empty temporary folder removed at the last close, so no word picked
 * by one villager is ever ranked higher for the next.
 *
 * librime is one engine per process: every ImePinyin open at the same time
 * must name the same folders (each has its own session). Not thread-safe:
 * call from one thread (the kiosk's loop).
 */
#ifndef EW_IME_PINYIN_H
#define EW_IME_PINYIN_H

#include <stddef.h>

#include "ew.h"

#define IME_PINYIN_SCHEMA "luna_pinyin_simp" /* Rime schema (rime-data-luna-pinyin) */
#define IME_PINYIN_SHARED_DIR "/usr/share/rime-data" /* Debian's Rime data */
#define IME_PAGE_MAX 10     /* most candidates one page holds */
#define IME_PAGE_DEFAULT 6  /* candidates a page until ime_pinyin_set_page_size */
#define IME_TEXT_MAX 256    /* bytes for one candidate, the preedit or a commit, NUL included */
#define IME_INPUT_MAX 60    /* most letters one composition takes */

/* One pinyin input session. */
typedef struct ImePinyin ImePinyin;

/* What the keyboard shows, as ime_pinyin_state reads it. */
typedef struct ImeState {
    char preedit[IME_TEXT_MAX];          /* composition as shown ("ban jie", "办jie"); "" idle */
    char input[IME_INPUT_MAX + 1];       /* the letters typed so far ("banjie") */
    int ncand;                           /* candidates on this page, 0..page size */
    char cand[IME_PAGE_MAX][IME_TEXT_MAX]; /* their texts, best first */
    int page;                            /* this page, from 0 */
    int more;                            /* 1 when a later page exists */
} ImeState;

/* The deployed folder to use: $ECHOWALL_RIME_DIR when set, else the
 * installed one (/usr/share/echowall/rime, EW_IME_RIME_DIR at build time)
 * when it holds the schema, else this build tree's <build>/rime. Static
 * string. */
const char *ime_pinyin_data_dir(void);

/* Opens a session on the schema deployed in deployed_dir, with Debian's
 * shared Rime data in shared_dir (NULL for either: IME_PINYIN_SHARED_DIR,
 * ime_pinyin_data_dir()). Checks that the deployed files are there, that
 * the schema does not learn, and that a letter gives candidates. NULL with
 * err set (EW_ENOTFOUND: data missing or not deployed, naming the folder
 * and what to run or install; EW_ECORRUPT: data that does not load or
 * would learn; EW_ESTATE: another session is open on other folders; EW_EIO:
 * no temporary folder). Free with ime_pinyin_close. */
ImePinyin *ime_pinyin_open(const char *shared_dir, const char *deployed_dir, EwErr *err);
/* Ends the session (NULL is fine); the last one stops Rime and removes its
 * temporary user folder. */
void ime_pinyin_close(ImePinyin *ime);

/* Candidates on one page, 1..IME_PAGE_MAX; back to the first page.
 * EW_EINPUT when out of range. */
int ime_pinyin_set_page_size(ImePinyin *ime, int n);

/* Types one letter: 'a'..'z' ('A'..'Z' taken as lower case), or '\''
 * between syllables. Back to the first page. EW_EINPUT for any other
 * character, EW_ESTATE when the composition already has IME_INPUT_MAX
 * letters. */
int ime_pinyin_key(ImePinyin *ime, int ch);
/* Undoes the last pick, or else removes the last letter: 1. 0 when nothing
 * is composing (the UI then deletes from its own text). */
int ime_pinyin_backspace(ImePinyin *ime);
/* Drops the whole composition. */
void ime_pinyin_clear(ImePinyin *ime);

/* Fills *out with the composition and the current page of candidates. */
void ime_pinyin_state(ImePinyin *ime, ImeState *out);
/* Next (dir > 0) or previous (dir < 0) page: EW_OK, or EW_ESTATE when
 * there is none that way (the page stays). */
int ime_pinyin_page(ImePinyin *ime, int dir);

/* Picks candidate index (0-based, on the current page). 1 when that
 * completes the composition: its text, NUL-terminated, is in committed and
 * nothing is composing any more. 0 when the pick covered only the first
 * syllables: committed is "" and the rest is still composing. EW_EINPUT
 * (nothing changed) when index is not on the page or size < IME_TEXT_MAX. */
int ime_pinyin_pick(ImePinyin *ime, int index, char *committed, size_t size);

/* The temporary folder Rime has as its user folder while sessions are
 * open (for tests and diagnostics: it stays empty). */
const char *ime_pinyin_scratch_dir(const ImePinyin *ime);

#endif
