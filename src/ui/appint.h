/*
 * appint.h: what the App's own files (app.c and the screens home.c,
 * wall.c, detail.c, overlay.c) share. Not for anyone else.
 *
 * Sizes are physical: Metrics turns millimetres into pixels once per
 * screen size, so every layout reads in mm (body text 5 mm, targets 12 mm).
 */
#ifndef EW_APPINT_H
#define EW_APPINT_H

#include "app.h"
#include "draw.h"
#include "icons.h"
#include "linebreak.h"
#include "text.h"

#define MAX_CONTROLS 256
#define MAX_SHOWN 512
#define QUEUE_LEN 256
#define STEP_MS 16
#define RECENT_MAX 6  /* recently solved appeals on Home's attract panel */
#define FRICTION 0.95 /* fling velocity kept per 16 ms step */

/* Palette (UI.md). */
#define C_RED 0xB31B25
#define C_BG 0xEEF0F3
#define C_TEXT 0x222222
#define C_TEXT2 0x5F6368
#define C_GREEN 0x2E9B4F
#define C_BLUE 0x2F6FD1
#define C_ORANGE 0xE8862A
#define C_GREY 0x9AA0A6
#define C_OVERDUE 0xD32F2F
#define C_ANSWER 0xEAF5EC
#define C_YELLOW 0xFFD76A
#define C_CHIP 0xE8EBF0
#define C_WHITE 0xFFFFFF

typedef enum {
    SCR_HOME, SCR_WALL, SCR_DETAIL, SCR_SOON, SCR_BALLOT, SCR_THANKS, SCR_RESULTS,
    SCR_MEET_SETUP, /* staff: opening a meeting */
    SCR_TRACK,      /* 查询进度: typing a slip's code */
    SCR_APPEAL,     /* 我要反映: one step of the appeal (AppealState.step) */
    SCR_APPROVE,    /* staff: texts waiting for the wall */
    SCR_TOPIC,      /* staff: typing a meeting's topic */
    SCR_OFFICE,     /* the office: lists of appeals (its Home is the login) */
    SCR_OFFICE_CASE,   /* the office: one appeal and what can be done to it */
    SCR_OFFICE_ASSIGN, /* the office: choosing who handles it */
    SCR_OFFICE_PICK,   /* the office: the roster searched as staff type */
    SCR_OFFICE_TEXT,   /* the office: typing a note, an answer, a reason */
    SCR_FIGURES,       /* 数据图表: the town's figures as charts */
    SCR_OFFICE_DEVICES, /* the office: its kiosks, enrolling and retiring them */
    SCR_OFFICE_FORM,   /* the office: a roster entry, new or edited */
    SCR_OFFICE_SETTINGS, /* the office: the town's settings (镇里设置) */
    SCR_OFFICE_MEETINGS, /* the office: the evaluation meetings, to void one */
    SCR_OFFICE_PERSON,   /* the office: one person's evaluation results */
    SCR_OFFICE_ROUND,    /* the office: a quarter's evaluation results */
    SCR_RESTORE          /* a new station: 从备份恢复（U盘） (its Home is the first-run page) */
} ScreenId;
typedef enum {
    OV_NONE, OV_PICK_GRADE, OV_PICK_STATUS, OV_IDLE, OV_PIN, OV_STAFF, OV_STICK,
    OV_PICK_TOPIC, OV_CLOSE_MEETING,
    OV_OFFICE_GRADE, /* the office: a grade and its time limit */
    OV_OFFICE_EXPORT, /* the office: files onto the stick */
    OV_OFFICE_REVOKE, /* the office: retire this device? */
    OV_POWEROFF,      /* staff: shut the kiosk down? then how it goes */
    OV_OFFICE_IMPORT  /* the office: the ledger CSV from the stick */
} OverlayId;

/* What the number pad (OV_PIN) is typing. */
typedef enum {
    PAD_PIN,      /* the staff PIN, to enter staff mode */
    PAD_NEW_PIN,  /* a new PIN (App.new_pin_for says why) */
    PAD_NEW_PIN2, /* the new PIN again */
    PAD_CUR_PIN,  /* the office's PIN in use, before changing it */
    PAD_CAP,      /* a meeting's cap on ballots */
    PAD_TOKENS,   /* how many ballot tokens to print */
    PAD_TOKEN,    /* a villager's ballot token (or a scanner's QR text) */
    PAD_RATING    /* a slip's 6-digit rating code */
} PadFor;

/* Why the number pad asks for a new PIN (PAD_NEW_PIN, PAD_NEW_PIN2). */
typedef enum {
    NP_RESET,  /* a hall's kiosk: the office's temporary PIN was typed */
    NP_FIRST,  /* a new office station: its first PIN, then the login */
    NP_CHANGE  /* the office, logged in: 修改工作人员密码 */
} NewPinFor;

/* What tapping a control does. */
typedef enum {
    ACT_NONE,
    ACT_TILE,        /* arg: 0 wall, 1 evaluate, 2 appeal, 3 track */
    ACT_BACK,
    ACT_CARD,        /* arg: index in the wall's cards */
    ACT_SCOPE,       /* arg: 0 hall, 1 town */
    ACT_PICK_GRADE,
    ACT_GRADE,       /* arg: -1 all, GRADE_* */
    ACT_PICK_STATUS,
    ACT_STATUS,      /* arg: index in STATUS_FILTERS */
    ACT_CLOSE_OVERLAY,
    ACT_IDLE_KEEP,
    ACT_STAFF_HOLD,  /* press and hold 3 s: the staff PIN */
    ACT_PIN_DIGIT,   /* arg: digit */
    ACT_PIN_DELETE,
    ACT_PIN_OK,
    ACT_STAFF_QUIT,
    ACT_STAFF_POWEROFF, /* the staff menu's 关机: asks first */
    ACT_POWEROFF_CONFIRM,
    ACT_STAFF_BACK,     /* back to the staff menu */
    ACT_HINT,        /* arg: a StrId to show: the control does nothing now, and says why */
    ACT_STICK_OK,    /* the stick's result has been read */
    ACT_RATE,        /* arg: index in DOMAIN_RATINGS, for the current subject */
    ACT_BALLOT_SUBMIT,
    ACT_BALLOT_CANCEL,
    ACT_THANKS_DONE,
    ACT_RESULTS,     /* the last meeting's results */
    ACT_STAFF_OPEN,  /* staff: the meeting setup screen */
    ACT_STAFF_CLOSE, /* staff: asks to close the open meeting */
    ACT_STAFF_LOG,   /* staff: log an appeal raised aloud at a meeting */
    ACT_STAFF_APPROVE, /* staff: texts waiting for the wall */
    ACT_APPROVE,     /* arg: 1 同意上墙, 0 not now */
    ACT_CLOSE_CONFIRM,
    ACT_PICK_TOPIC,
    ACT_TOPIC,       /* arg: index in the topic choices */
    ACT_SUBJECT,     /* arg: index in the candidates: chosen or not */
    ACT_PAD,         /* arg: a PadFor: opens the number pad for it */
    ACT_MEET_START,
    ACT_TOPIC_DONE,  /* the typed topic is finished */
    ACT_TRACK_KEY,   /* arg: the character */
    ACT_TRACK_DELETE,
    ACT_TRACK_GO,
    ACT_SATISFY,     /* arg: 1 satisfied, 0 not */
    ACT_AP_CATEGORY, /* arg: index in DOMAIN_CATEGORIES */
    ACT_AP_GRID,     /* arg: index in the grids, n: not sure */
    ACT_AP_NEXT,
    ACT_AP_PREV,
    ACT_AP_SUBMIT,
    ACT_AP_DONE,
    ACT_AP_NO_PHONE,
    ACT_PHONE_DIGIT, /* arg: digit */
    ACT_KB_MODE,     /* arg: a KbMode */
    ACT_KB_KEY,      /* arg: a letter (pinyin) */
    ACT_KB_CHAR,     /* arg: index in the mode's characters (digits, punctuation) */
    ACT_KB_CAND,     /* arg: candidate index */
    ACT_KB_RAW,      /* the letters typed, as Latin letters */
    ACT_KB_PAGE,     /* arg: -1 or +1 */
    ACT_KB_DELETE,
    ACT_KB_UNDO,     /* handwriting: the last stroke */
    ACT_KB_CLEAR,    /* handwriting: every stroke */
    ACT_HAND_PAD,    /* the handwriting pad (drawn on, not tapped) */
    ACT_OFF_LOGIN,   /* the office's login: the PIN pad */
    ACT_OFF_LOGOUT,
    ACT_OFF_LIST,    /* arg: an OL_* list */
    ACT_OFF_KEY,     /* OL_UNIT, OL_BRANCH: choose which */
    ACT_OFF_ROW,     /* arg: index in the list */
    ACT_OFF_DO,      /* arg: an OA_* for the open appeal */
    ACT_OFF_GRADE,   /* arg: GRADE_* chosen in the grade sheet */
    ACT_OFF_DAYS,    /* arg: -1 or +1 day of time limit */
    ACT_OFF_GRADE_OK,
    ACT_OFF_SLOT,    /* arg: 0 member, 1 leader, 2 unit: choose it */
    ACT_OFF_ASSIGN_OK,
    ACT_OFF_TEXT_OK,
    ACT_OFF_PICK,    /* arg: index in the matches */
    ACT_OFF_QKEY,    /* arg: a letter typed on the picker's keys */
    ACT_OFF_QDEL,
    ACT_OFF_QCLEAR,
    ACT_OFF_QPAGE,   /* the picker's next page of letters (a narrow screen) */
    ACT_OFF_EXPORTS, /* opens the export sheet */
    ACT_OFF_EXPORT,  /* arg: an EXPORT_* onto the stick */
    ACT_FIGURES,     /* 数据图表 (from Home's figures, the wall, the office) */
    ACT_OFF_DEVICES, /* the office's devices */
    ACT_OFF_ENROL,   /* enrol a hall's new kiosk: choose the hall */
    ACT_OFF_REVOKE,  /* arg: index in the devices: asks first */
    ACT_OFF_REVOKE_OK,
    ACT_OFF_PIN,     /* arg: index in the devices: a hall's PIN reset, asks first */
    ACT_OFF_CLOCK,   /* confirm the station's clock */
    ACT_OFF_MY_PIN,  /* change the station's own staff PIN (the number pad) */
    ACT_OFF_SIGN,    /* 签发升级: the package on the stick, for the halls */
    ACT_OFF_BACKUP,  /* back up to the stick: the passphrase first */
    ACT_OFF_ROSTER,  /* 花名册: the roster, searched, to edit */
    ACT_OFF_SETTINGS, /* 镇里设置 */
    ACT_OFF_MEETINGS, /* 评议会 */
    ACT_OFF_PERSON,   /* the person form's 评议结果 */
    ACT_OFF_ROUND,    /* arg: 0 the newest quarter, -1 the one before, +1 the one after */
    ACT_OFF_IMPORTS,  /* 导入台账: the sheet */
    ACT_OFF_IMPORT,   /* the sheet's 导入 */
    ACT_OFF_VOID,     /* arg: index in the meetings: type why */
    ACT_OFF_SET_EDIT, /* arg: index in the settings: type its new value */
    ACT_OFF_RKIND,   /* arg: PICK_PERSON, PICK_UNIT or PICK_BRANCH */
    ACT_OFF_RNEW,    /* a new person or unit */
    ACT_OFF_FNAME,   /* the form's name: typed */
    ACT_OFF_FROLE,   /* arg: index in DOMAIN_ROLES */
    ACT_OFF_FBRANCH, /* the person's branch: chosen */
    ACT_OFF_FGRIDS,  /* the branch's grids: typed */
    ACT_OFF_FSAVE,
    ACT_RESTORE_OPEN, /* the first-run page's 从备份恢复（U盘） */
    ACT_RESTORE_SCAN, /* look at the stick again */
    ACT_RESTORE_FILE, /* arg: index in the backups: its passphrase next */
    ACT_RESTORE_DONE  /* restored: on to the office's login */
} Action;

/* The steps of an appeal at the kiosk. */
typedef enum { AP_CATEGORY, AP_GRID, AP_TEXT, AP_PHONE, AP_REVIEW, AP_DONE } AppealStep;
/* The keyboard's modes. */
typedef enum { KB_PINYIN, KB_HAND, KB_DIGITS } KbMode;

#define AP_TEXT_CHARS 500   /* characters of an appeal's text at most */
#define TOPIC_CHARS 60      /* characters of a meeting's topic at most */
#define HAND_POINTS 4096

/* The keyboard and the text it writes (an appeal's, a meeting's topic). */
typedef struct KbState {
    char text[AP_TEXT_CHARS * 4 + 1];
    int max_chars;          /* characters the text may have */
    StrId hint;             /* shown while the text is empty (kb_start: the appeal's) */
    int secret;             /* 1: shown as dots (a passphrase) */
    KbMode mode;
    ImeView view;           /* the input method's composition and candidates */
    int py_off, hand_off;   /* an engine said it cannot run */
    /* Handwriting strokes as drawn, in pad units (0..1000): x, y pairs; a
     * stroke ends where ends[] says. */
    short pts[HAND_POINTS][2];
    int npts;
    int ends[256];
    int nstrokes;
    int drawing;            /* 1 while a finger draws on the pad */
    SDL_Rect pad;           /* where the pad was drawn */
} KbState;

typedef struct AppealState {
    AppealStep step;
    int category;           /* index in DOMAIN_CATEGORIES, -1 not chosen */
    StrList grids;          /* the hall's micro-grids */
    int grid;               /* index in grids, grids.n: not sure, -1 not chosen */
    char phone[16];
    int at_meeting;         /* staff log one raised aloud at a meeting */
    Receipt receipt;
    int print_state;        /* a PRINT_*, or -1 while printing, -2 not yet */
} AppealState;

/* The town office's screens (officelist.c, officecase.c, officepick.c,
 * officedev.c). OT_BACKUP: the text screen types a backup's passphrase. */
#define OT_BACKUP 100
#define OT_NAME 101   /* a roster entry's name */
#define OT_GRIDS 102  /* a branch's micro-grids */
#define OT_SETTING 103 /* a town setting's value (OfficeState.set_i) */
#define OT_VOID 104    /* why a meeting is set aside (OfficeState.meet_i) */
#define OT_RESTORE 105 /* a new station: the passphrase of the backup to restore */
#define OFFICE_SETTINGS 6 /* the town settings on 镇里设置 (officeset.c's table) */
typedef struct OfficeState {
    int list;               /* the OL_* list showing */
    char key[40];           /* OL_UNIT, OL_BRANCH: the unit's id or hall code */
    char key_name[64];      /* and its name */
    OfficeList ol;          /* what the source returned */
    int loaded, failed;
    double scroll, vel;     /* the list's scroll (px) and fling */
    int top;                /* y where the rows start (as last drawn) */
    int sel;                /* the row the keyboard is on */
    Detail d;               /* the appeal open */
    int case_failed;
    double case_scroll, case_vel;
    int case_h;             /* height of its laid out content */
    int text_for;           /* SCR_OFFICE_TEXT types for this OA_*, or OT_BACKUP */
    int grade, days;        /* the grade sheet's choice and time limit */
    int keep_due;           /* 1: a regrade keeps the appeal's due day (days untouched) */
    char who[3][40];        /* assigning: member, leader, unit ids ("" none) */
    char who_name[3][64];
    int pick_kind;          /* PICK_* searched for */
    int pick_back;          /* the picker returns to: SCR_OFFICE_ASSIGN or SCR_OFFICE */
    char query[64];         /* typed in the picker */
    int kpage;              /* its page of letters on a narrow screen */
    PickList picks;
    int picks_failed;
    char why[256];          /* why the last action was refused, "" none */
    /* The roster form: which kind, its id ("" new), what it says. */
    int form_kind;          /* PICK_PERSON, PICK_UNIT or PICK_BRANCH */
    int form_branch_pick;   /* 1 while the picker chooses the person's branch */
    char form_id[40];
    char form_name[200];
    int form_role;          /* index in DOMAIN_ROLES, -1 none */
    char form_branch[4];
    char form_branch_name[64];
    char form_grids[600];
    DeviceList devs;        /* the devices screen */
    int devs_failed;
    int revoke_i;           /* the device the revoke or PIN sheet asks about */
    int ask_pin;            /* 1: that sheet asks about a PIN reset, 0: retiring */
    char clock_today[11];   /* the station's date, "" when it could not be read */
    int clock_ok;           /* its clock is confirmed */
    double dev_scroll, dev_vel;
    int dev_top, dev_h;     /* where the rows start, and their height, as last drawn */
    int dev_state;          /* the last enrolment or retirement: 0 none, 1 done, 2 not */
    char dev_msg[400];      /* what was enrolled, the temporary PIN, or why not */
    char set_vals[OFFICE_SETTINGS][400]; /* 镇里设置: each setting's value as read */
    int set_i;              /* the one being typed */
    double set_scroll, set_vel; /* the rows scrolled (a low screen), and a fling */
    int set_top, set_h;     /* where the rows start, and their height, as last drawn */
    int set_state;          /* the last change: 0 none, 1 saved, 2 refused */
    char set_msg[400];      /* what was saved, or why not */
    char round[8];          /* the quarter SCR_OFFICE_ROUND shows, "2026Q3" */
    PersonEval pe;          /* 评议结果 of the person in the form, or the quarter's (in m) */
    int pe_failed;          /* 0, 1 not evaluated, -1 could not read */
    char pe_msg[256];
    double pe_scroll, pe_vel;
    int pe_top, pe_h;
    MeetingList meets;      /* 评议会: the town's meetings */
    int meets_failed;
    int meet_i;             /* the one being voided */
    double meet_scroll, meet_vel;
    int meet_top, meet_h;   /* where the rows start, and their height, as last drawn */
    int meet_state;         /* the last void: 0 none, 1 done, 2 refused */
    char meet_msg[400];
    int import_state;       /* the import sheet: 0 nothing yet, 1 imported, 2 not */
    char import_msg[600];   /* how many from which file, or why not */
    int export_state;       /* the export sheet: 0 nothing yet, 1 written, 2 no stick, 3 failed */
    char export_msg[256];   /* where it was written, or why not */
} OfficeState;

/* A new station's restore (restore.c). */
typedef struct RestoreState {
    BackupList files;   /* the stick's backups as last listed */
    int listed;         /* 0 not yet, 1 listed, 2 no stick, 3 could not list (list_msg) */
    char list_msg[256];
    int chosen;         /* index in files whose passphrase is being typed */
    int tried;          /* 1: res is the last try's outcome, shown on the page */
    RestoreResult res;
    int held;           /* 1 while the stick is held back from syncing */
} RestoreState;

/* 数据图表 (figures.c). */
typedef struct FigState {
    Charts c;
    int failed;
    double scroll, vel;
    int content_h;
    ScreenId back;          /* where 返回 leads */
} FigState;

typedef struct Control {
    SDL_Rect r;
    char label[64];
    Action act;
    int arg;
    int enabled;
    int layer; /* 0 screen, 1 overlay */
    int clipped; /* partly scrolled out of its area */
} Control;

typedef struct Shown {
    SDL_Rect r;
    char *text; /* in App.shown_buf */
} Shown;

typedef struct Metrics {
    double pxmm;
    int body, small, heading, title, figure, code, codebig; /* font pixel sizes */
    int pad, gap, target, radius, bar;                      /* lengths in pixels */
} Metrics;

/* A laid-out wall card: line breaks and height, computed once. */
typedef struct CardLayout {
    int h;               /* card height in px (0 = not measured yet) */
    LineSpan text[3];    /* lines of the text (or of the pending note) */
    int ntext;
    LineSpan ans[2];     /* lines of the answer */
    int nans;
} CardLayout;

typedef struct WallState {
    CardList list;        /* what the source returned */
    CardLayout *lay;      /* list.n layouts */
    int *row_y;           /* top of each row, measured rows only */
    int *row_h;
    int rows, measured;   /* rows in all, rows measured so far */
    int cols, col_w;      /* columns and their width */
    int scope_town;       /* 0 this hall's appeals, 1 the whole town */
    int grade;            /* -1 all, GRADE_* */
    int status;           /* index in STATUS_FILTERS */
    int loaded, failed;
    double scroll;        /* px scrolled from the top */
    double vel;           /* fling velocity, px per ms */
    int top;              /* y where the cards area starts */
} WallState;

typedef struct DetailState {
    Detail d;
    int loaded, failed;
    double scroll, vel;
    int content_h;        /* height of the laid out content */
    int from_track;       /* opened from 查询进度: 返回 leads there, rating offered */
} DetailState;

struct App {
    SDL_Renderer *r;
    Text *text;
    int w, h;                 /* logical screen size */
    AppConfig cfg;
    Lang lang;
    const Source *src;
    Metrics m;
    SDL_Texture *icons[ICON_COUNT]; /* category icons by DOMAIN_CATEGORIES index, NULL if missing */

    int64_t now;              /* the app's clock, ms (advances in 16 ms steps) */
    int64_t acc;              /* ms given to app_advance not yet stepped */
    int64_t last_input;       /* app time of the last touch or key */
    int dirty;                /* a frame is wanted */
    int quit;
    int64_t wall_base;        /* epoch ms at app time 0: wall time is wall_base + now */
    int64_t poweroff_at;      /* app time the shutdown was asked for; 0: not asked */
    char poweroff_msg[200];   /* why it was refused ("" when it was not) */
    int asleep;               /* night: the screen is dark until a touch or the morning */

    AppEvent queue[QUEUE_LEN];
    int qhead, qlen;
    long dropped;

    ScreenId screen;
    OverlayId overlay;
    int soon_tile;            /* which tile the coming-soon page is for */

    /* Pointer state. */
    int down;                 /* a finger is down */
    int down_x, down_y, last_x, last_y;
    int64_t down_at;
    int pressed;              /* 1 while a control is held down */
    Control pc;               /* that control (as drawn when it was pressed) */
    int drawing_overlay;      /* 1 while overlay_draw runs: controls are layer 1 */
    int dragging;             /* the finger moved past the slop: scrolling */
    double drag_vel;          /* px per ms, smoothed */
    int64_t last_move_at;

    /* Hint toast. */
    StrId toast;
    int64_t toast_until;

    /* The number pad: the staff PIN, numbers, a ballot token. */
    PadFor pad_for;
    char pin[80];             /* what was typed (a scanner may type a URL) */
    char new_pin[16];         /* the new PIN's first entry */
    NewPinFor new_pin_for;    /* why a new PIN is asked for */
    int pin_msg;              /* 0 none, or a StrId */
    int64_t pin_wait_s;

    /* Staff: the meeting open now (its id "" when none), read when the
     * staff menu opens, and the setup of a new one. */
    MeetingInfo staff_meeting;
    CandidateList cands;
    int cand_chosen[64];      /* order of choosing, 1-based; 0 not chosen */
    int cands_state;          /* 0 not loaded, 1 loaded, 2 failed */
    int topic_choice;         /* index in the topic choices */
    char topics[4][256];      /* this quarter's report, this month's, the year-end, typed */
    int setup_cap, setup_tokens;

    /* Home: figures and the attract loop. */
    Figures fig;
    int fig_loaded, fig_failed;
    CardList recent;          /* recently solved, for the attract loop */
    int attract_page;

    WallState wall;
    DetailState detail;

    /* A villager's ballot, kept in memory only until it is submitted whole. */
    MeetingInfo meeting;
    int ballot_page;          /* 0..n-1 a subject, n the review */
    int ballot_rating[64];    /* per subject: index in DOMAIN_RATINGS, -1 not yet */
    int64_t thanks_until;     /* the thank-you page's end (app clock) */
    int64_t cooldown_until;   /* no new ballot before (app clock) */
    char ballot_token[80];    /* the token this ballot spends (token mode) */

    AppealState ap;
    KbState kb;               /* the keyboard: the appeal's text, a typed topic */
    CardList pending;         /* staff: appeals whose text waits for approval */
    int pending_at, pending_failed;

    /* 查询进度, a scanner's line on Home, rating a solved appeal. */
    char track_code[24];      /* typed, without the dash */
    int track_msg;            /* 0, or a StrId: why the code was not looked up */
    char scan[80];            /* typed on Home so far (a barcode scanner) */
    int rate_choice;          /* 1 satisfied, 0 not */
    int rate_fails;           /* wrong rating codes in a row */
    int64_t rate_locked_until;
    MeetingResult results;    /* the results page's data */
    int results_state;        /* 0 not loaded, 1 shown, 2 none yet, 3 failed */

    /* The USB stick (background sync). */
    StickStatus stick;
    int stick_acked;          /* serial of the last result staff confirmed */
    int stick_reloaded;       /* serial whose results were reloaded into the screens */
    OverlayId under_stick;    /* the overlay the stick's covered (restored after) */

    OfficeState off;          /* the town office's screens */
    RestoreState rs;          /* a new station's restore from a backup */
    FigState figs;            /* 数据图表 */

    /* The last frame's controls and visible texts. */
    Control ctl[MAX_CONTROLS];
    int nctl;
    Shown shown[MAX_SHOWN];
    int nshown;
    char *shown_buf;
    size_t shown_len, shown_cap;
};

/* app.c: drawing helpers that also record what was shown. */
void ui_text(App *a, Face f, int px, uint32_t colour, int x, int y, const char *s);
/* Draws s centred in rc (one line, cut with an ellipsis when too wide). */
void ui_text_center(App *a, Face f, int px, uint32_t colour, SDL_Rect rc, const char *s);
/* One line cut to max_w with an ellipsis; returns the width drawn. */
int ui_text_fit(App *a, Face f, int px, uint32_t colour, int x, int y, int max_w, const char *s);
int ui_width(App *a, Face f, int px, const char *s);
int ui_line_h(App *a, Face f, int px);
/* Draws lines of text laid out by linebreak(). */
void ui_lines(App *a, Face f, int px, uint32_t colour, int x, int y, int lh, const char *s,
              const LineSpan *lines, int n);
/* Breaks s into at most max_lines lines of max_w pixels. */
int ui_break(App *a, Face f, int px, const char *s, int max_w, int max_lines, LineSpan *out, int cap);
/* Records a control drawn this frame; returns its index. */
int ui_control(App *a, SDL_Rect r, const char *label, Action act, int arg, int enabled);
/* A button: rounded, filled, label centred, pressed look while held. */
void ui_button(App *a, SDL_Rect r, const char *label, Action act, int arg, uint32_t bg,
               uint32_t fg, int enabled);
/* A chip: small rounded label; selected ones are filled. */
int ui_chip_w(App *a, const char *label);
void ui_chip(App *a, SDL_Rect r, const char *label, Action act, int arg, int selected);
int ui_is_pressed(const App *a, Action act, int arg);
/* Scrolls *scroll by dy within 0..most (a fling in *vel stops at an end). */
void ui_scroll(App *a, double *scroll, double *vel, double most, double dy);
/* One 16 ms step of a fling: scrolls by *vel (px per ms) with scroll_by,
 * then slows it. 1 while it moves. */
int ui_fling(App *a, double *vel, void (*scroll)(App *, double));
void ui_icon(App *a, const char *category, SDL_Rect r, uint32_t colour);
const char *grade_word(App *a, int grade);
uint32_t grade_colour(int grade);
const char *status_word(App *a, const char *key);
uint32_t status_colour(const char *key);
void ui_header(App *a, SDL_Rect band, int with_back, const char *title, const char *subtitle);
/* The page's column: the screen less its margins, at most mm millimetres
 * wide and then centred (a line stays within one glance on a wide screen). */
void ui_column(const App *a, int mm, int *x, int *w);
/* Returns the width drawn. */
int ui_figures(App *a, int right, int y, int digits_px, int label_px);
void app_go(App *a, ScreenId s);
/* Loads the town's figures and the recently solved appeals, once per visit
 * of Home (Home and the wall both need the figures). */
void app_load_figures(App *a);
/* Shows a short message at the bottom for a moment. */
void ui_toast(App *a, StrId id);

/* The status filters the wall offers: NULL (all), status keys, "overdue". */
extern const char *const STATUS_FILTERS[];
extern const int N_STATUS_FILTERS;

/* home.c */
void home_draw(App *a);
/* wall.c */
void wall_reset(App *a);
void wall_draw(App *a);
void wall_scroll_by(App *a, double dy);
void wall_open_card(App *a, int index);
/* detail.c */
void detail_open(App *a, const char *code);
void detail_draw(App *a);
void detail_scroll_by(App *a, double dy);
void detail_reset(App *a);
/* A timeline step's words: its kind, and in *detail what it says besides
 * (a grade in words; NULL when nothing). */
const char *ui_step_words(App *a, const TimeStep *s, const char **detail);
/* evaluate.c: the ballot */
/* 我要评议 (scanned 0), or a scanner typing a token on Home (1: starts
 * only in token mode, silently otherwise). */
void ballot_start(App *a, int scanned);
void ballot_draw(App *a);
void thanks_draw(App *a);
void results_open(App *a);
void results_draw(App *a);
void ballot_discard(App *a);
void ballot_rate(App *a, int rating);
void ballot_submit(App *a);
void ballot_back(App *a);
void ballot_token_entered(App *a);
/* staffmeet.c: staff open and close meetings */
void staff_menu_open(App *a);
void meet_setup_open(App *a);
void meet_setup_draw(App *a);
void meet_toggle(App *a, int i);
void meet_start(App *a);
void meet_close(App *a);
void topic_draw(App *a);
void topic_done(App *a);
/* The number pad's title, and whether it shows dots (a PIN) or digits. */
StrId pad_title(const App *a);
int pad_secret(const App *a);
/* Opens the number pad for what (what was typed before is wiped). */
void pad_open(App *a, PadFor what);
/* Opens the number pad for a new PIN, for why (NP_*). */
void pad_new_pin(App *a, NewPinFor why);
/* Wipes what the pad holds (typed digits, a new PIN's first entry). */
void pad_wipe(App *a);
/* The office's 工作人员登录: the PIN, or a new station's first PIN. */
void office_login(App *a);
/* Typed on the number pad (keys, a keyboard, a scanner): what fits. */
void pad_type(App *a, const char *text);
/* 确认 on the number pad (or Return). */
void pad_ok(App *a);
/* track.c: 查询进度 and rating */
void track_open(App *a);
void track_type(App *a, const char *text);
void track_delete(App *a);
void track_go(App *a);
void track_draw(App *a);
void scan_done(App *a);
void rate_ask(App *a, int satisfied);
void rate_entered(App *a);
/* appeal.c: 我要反映 */
void appeal_open(App *a, int at_meeting);
void appeal_reset(App *a);
void appeal_draw(App *a);
void appeal_act(App *a, const Control *c);
void appeal_print(App *a); /* prints the slip once its page has been shown */
/* restore.c: a new station's first start */
void firstrun_draw(App *a);          /* Home while Figures.blank */
void restore_open(App *a);           /* 从备份恢复（U盘）: the stick held back, its backups listed */
void restore_rescan(App *a);
void restore_choose(App *a, int i);  /* a backup tapped: its passphrase next */
void restore_run(App *a, const char *passphrase);
void restore_done(App *a);           /* 继续: the office's login */
void restore_release(App *a);        /* the stick let go (leaving the restore) */
void restore_draw(App *a);
int restore_pass_ready(const App *a);
/* keyboard.c: the text step's keyboard, pinyin and handwriting */
void kb_draw(App *a, SDL_Rect area);
/* 1 when the mode can be offered (its engine is there, its keys fit). */
int kb_mode_ok(const App *a, KbMode mode);
void kb_set_mode(App *a, KbMode mode);
/* A fresh keyboard for a text of at most max_chars, starting from text
 * (NULL: empty), in the best mode there is room and an engine for. */
void kb_start(App *a, const char *text, int max_chars);
/* 1 while the keyboard is the screen's (the appeal's text, a topic). */
int kb_showing(const App *a);
/* Drops the text and any composition or strokes. */
void kb_clear(App *a);
void kb_act(App *a, const Control *c);
void kb_type(App *a, const char *text); /* a physical keyboard's letters */
void kb_key(App *a, int key);           /* its Backspace, Return */
int kb_pointer(App *a, const AppEvent *ev); /* 1 when the pad took it */
void ui_qr(App *a, SDL_Rect r, const char *text);
/* approve.c: 审核上墙 */
void approve_open(App *a);
void approve_answer(App *a, int yes);
void approve_draw(App *a);
/* officelist.c: the office's login (its Home) and lists */
int office_mode(const App *a);      /* 1 on the town office's station */
void office_login_draw(App *a);
void office_open(App *a);           /* after the login: the lists */
void office_logout(App *a);
void office_list_draw(App *a);
void office_show_list(App *a, int list);
void office_scroll_by(App *a, double dy);
void office_key(App *a, int key);   /* the lists' keys: arrows, Return */
void office_reset(App *a);          /* drops what the office screens hold */
void office_export_draw(App *a);    /* the OV_OFFICE_EXPORT sheet */
void office_export(App *a, int what);
/* officedev.c: the devices */
void office_devices_open(App *a);
void office_devices_draw(App *a);
void office_devices_scroll_by(App *a, double dy);
void office_revoke_draw(App *a);
void office_pin_reset(App *a);      /* the sheet's hall gets a temporary PIN */
void office_clock_confirm(App *a);  /* staff confirm the station's clock */
void office_sign_update(App *a);    /* the stick's package signed for the halls */    /* the OV_OFFICE_REVOKE sheet */
void office_revoke(App *a);
void office_enrol(App *a, const char *hall, const char *name);
void office_backup_open(App *a);    /* the passphrase, on the text screen */
/* A passphrase for text_for (OT_BACKUP, OT_RESTORE) on the text screen:
 * shown as dots, digits on screen, a desk keyboard's letters as typed. */
void office_secret_open(App *a, int text_for, StrId hint);
void office_backup(App *a, const char *passphrase);
/* officeform.c: the roster, edited */
void office_roster_open(App *a, int kind);
void office_form_open(App *a, const PickItem *p); /* NULL: a new one of form_kind */
void office_form_draw(App *a);
void office_person_open(App *a);     /* the form's person's results (officemeet.c) */
void office_round_open(App *a, int step); /* a quarter's results: 0 newest, -1/+1 */
void office_round_draw(App *a);
void office_person_draw(App *a);
void office_person_scroll_by(App *a, double dy);
void office_meetings_open(App *a);   /* 评议会 (officemeet.c) */
void office_meetings_draw(App *a);
void office_meetings_scroll_by(App *a, double dy);
void office_void_edit(App *a, int i); /* the text screen, for the reason */
void office_void_typed(App *a);      /* the text screen's 确认: voided */
/* An office page's top (officeset.c): the header with 返回 and title, a
 * note of up to two lines, and the last action's outcome (state 1 green,
 * 2 red, 0 none); the column's x and w, and where the page goes on. */
int office_page_top(App *a, StrId title, StrId note, int state, const char *msg, int *x, int *w);
void office_import(App *a);          /* the ledger from the stick (officeset.c) */
void office_import_draw(App *a);     /* the OV_OFFICE_IMPORT sheet */
void office_settings_open(App *a);   /* 镇里设置 (officeset.c) */
void office_settings_draw(App *a);
void office_settings_scroll_by(App *a, double dy);
void office_setting_edit(App *a, int i); /* the text screen, with its value */
void office_setting_typed(App *a);   /* the text screen's 确认: saved */
StrId office_setting_label(int i);
void office_form_text(App *a, int what);          /* OT_NAME or OT_GRIDS */
void office_form_typed(App *a);                   /* the text screen's 确认 for them */
void office_form_save(App *a);
void office_roster_bar(App *a, int y);            /* the picker's kinds and 新增 */
/* officecase.c: one appeal, the grade sheet, assigning, typing */
void office_case_open(App *a, const char *code);
void office_case_draw(App *a);
void office_case_scroll_by(App *a, double dy);
void office_do(App *a, int what);   /* a button of the case: OA_* */
void office_grade_draw(App *a);     /* the OV_OFFICE_GRADE sheet */
void office_grade_ok(App *a);
void office_assign_draw(App *a);
void office_assign_ok(App *a);
void office_text_draw(App *a);
void office_text_ok(App *a);
/* officepick.c: the roster searched as staff type */
void office_pick_open(App *a, int kind, int back);
void office_pick_draw(App *a);
void office_pick_type(App *a, const char *text);
void office_pick_key(App *a, int key);
void office_pick_choose(App *a, int i);
/* figures.c: 数据图表 */
void figures_open(App *a, ScreenId back);
void figures_reset(App *a);
void figures_draw(App *a);
void figures_scroll_by(App *a, double dy);
/* overlay.c */
void overlay_draw(App *a);
void ui_dim(App *a);                   /* darkens the screen under a sheet */
SDL_Rect ui_sheet(App *a, int w, int h); /* a white sheet, centred, at most w x h */
void soon_draw(App *a);

#endif
