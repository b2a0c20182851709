/*
 * model.h: what the kiosk shows, as plain data, and where it comes from.
 *
 * The screens are views of this model. They never see SQL: a Source (a
 * table of callbacks that src/kiosk wires to the core's queries) fills
 * Figures, CardLists and Details on request. Everything here is owned by
 * the struct that holds it and freed by the matching *_free function.
 * Strings are UTF-8; a NULL string means "none" and is drawn as such.
 */
#ifndef EW_MODEL_H
#define EW_MODEL_H

#include <stdint.h>

/* Grades as the screens order them. */
enum { GRADE_NONE = 0, GRADE_GREEN, GRADE_BLUE, GRADE_ORANGE, GRADE_COUNT };

/* One appeal on the wall. */
typedef struct Card {
    char code[16];       /* tracking code, H07-A3K9V */
    char hall[4];        /* hall code */
    char *hall_name;     /* the hall's village name */
    char *category;      /* category key (street_light ...) */
    char *text;          /* the appeal's text when approved for the wall, else NULL */
    int grade;           /* GRADE_* */
    char *status;        /* status key (received ... solved) */
    char *member;        /* leading party member's name, or NULL */
    char *unit;          /* responsible unit's name, or NULL */
    char due[11];        /* time limit YYYY-MM-DD, "" when none */
    int days_left;       /* days until due (0 = due today), while unsolved */
    int overdue_days;    /* days past due while unsolved, else 0 */
    int solved_late;     /* solved after its due day */
    int limit_days;      /* time limit in days from grading, 0 when none */
    char *answer;        /* the public answer once solved, or NULL */
    char created[11];    /* day raised, YYYY-MM-DD */
    /* The office's lists and cases only (NULL and 0 on the wall): */
    char *leader;        /* responsible leader's name, or NULL */
    int text_state;      /* TEXT_* */
} Card;

/* Where an appeal's text stands, for the office: on the wall, waiting for
 * approval, or hidden by the office (redacted) or gone (purged). */
enum { TEXT_PUBLIC = 0, TEXT_WAITING, TEXT_HIDDEN };

typedef struct CardList {
    Card *cards; /* n cards, newest first */
    int n;
} CardList;

/* One step of an appeal's timeline, as the public may see it. */
typedef struct TimeStep {
    char day[11];  /* YYYY-MM-DD */
    char *kind;    /* new grade assign progress escalate solve reopen publish redact rate */
    int by_office; /* 1 when the town office did it, 0 a hall */
    char *detail;  /* a grade key, "member / unit" names, a note, an answer, or NULL */
} TimeStep;

typedef struct Detail {
    Card card;     /* the appeal itself */
    char *grid;    /* micro-grid, or NULL */
    TimeStep *steps;  /* nsteps steps, oldest first */
    int nsteps;
    char *satisfaction; /* "satisfied" / "unsatisfied" once rated, else NULL */
    char *contact;      /* the office only: the villager's phone, or NULL */
    char *source;       /* the office only: kiosk, meeting or staff */
    char who[3][40];    /* the office only: roster ids of the leading member,
                         * the responsible leader and the unit ("" none) */
} Detail;

/* The town's running figures and who we are. */
typedef struct Figures {
    char *town;       /* town name */
    char *hall_name;  /* this kiosk's hall (village), or NULL on the office */
    char hall[4];     /* hall code, "" on the office */
    int meetings;     /* evaluation meetings held */
    int appeals;      /* appeals received */
    int solved;       /* appeals solved */
    int overdue;      /* unsolved past their time limit */
    char today[11];   /* the device's date, YYYY-MM-DD */
    char *last_sync;  /* "YYYY-MM-DD HH:MM" of the last office sync, or NULL */
    int enrolled;     /* 1 when this device holds the town's certificate */
    int held;         /* 1 while a database repair left this device without some
                       * of its own records: it writes nothing until a stick from
                       * the office brings them back (device_own_gap) */
    int blank;        /* 1: no certificate and no records (a new station's first
                       * start): a hall's kiosk to enrol, or an office to restore */
} Figures;

/* What the wall asks for. */
typedef struct WallQuery {
    const char *hall;   /* a hall code, or NULL for the whole town */
    int grade;          /* -1 any, else GRADE_* */
    const char *status; /* a status key, "overdue", or NULL for any */
    int limit;          /* at most this many (the newest), 0: all */
} WallQuery;

/* The hall's open evaluation meeting, for a ballot. */
typedef struct MeetingInfo {
    char id[32];    /* meeting id */
    char *topic;    /* what the meeting is about */
    int cap;        /* most ballots, 0: no cap */
    int ballots;    /* cast so far */
    int n;          /* subjects */
    char **names;   /* n names (the branch's own name for the branch) */
    char **roles;   /* n role keys: "branch" or a DOMAIN_ROLES key */
    int tokens;     /* 1: a ballot needs a one-time token */
} MeetingInfo;

void meeting_info_free(MeetingInfo *m);

/* The results of the hall's last closed meeting. */
typedef struct ResultRow {
    char *name;          /* the subject */
    char *role;          /* "branch" or a DOMAIN_ROLES key */
    int counts[5];       /* excellent good fair poor unknown */
    double rate;         /* excellence rate 0..1, or -1 for too few ratings */
    int rank;            /* 1 = best, 0 when not ranked */
} ResultRow;

typedef struct MeetingResult {
    char id[32];
    char *topic;
    char day[11];        /* the meeting's day */
    int ballots;
    int n;
    ResultRow *rows;     /* n rows, in the meeting's order */
} MeetingResult;

void meeting_result_free(MeetingResult *r);

/* Someone staff may choose to be evaluated at a meeting: the branch
 * itself, its secretary, its micro-grid leaders. */
typedef struct Candidate {
    char who[40];   /* "branch" or a roster id */
    char *name;
    char *role;     /* "branch" or a DOMAIN_ROLES key */
} Candidate;

typedef struct CandidateList {
    int n;
    Candidate *v;
} CandidateList;

void candidates_free(CandidateList *l);

/* What staff chose when opening a meeting. */
typedef struct MeetingSetup {
    const char *topic;
    const char *const *who; /* n subjects, in order */
    int n;
    int cap;                /* most ballots, 0: none */
    int tokens;             /* one-time tokens to print, 0: none */
} MeetingSetup;

/* A list of strings (a hall's micro-grids). */
typedef struct StrList {
    int n;
    char **v;
} StrList;

void strlist_free(StrList *l);

/* A villager's appeal as the kiosk collects it. */
typedef struct AppealDraft {
    const char *category; /* a DOMAIN_CATEGORIES key */
    const char *grid;     /* micro-grid, or NULL when not known */
    const char *text;
    const char *contact;  /* phone for a call back, or NULL: sealed for the office */
    int at_meeting;       /* 1: staff log it as raised aloud at a meeting */
} AppealDraft;

/* What the villager takes away. */
typedef struct Receipt {
    char code[24];        /* tracking code */
    char rating[8];       /* the private rating code (on the slip only) */
    char url[256];        /* the tracking URL, for the QR */
} Receipt;

/* How printing a slip went. */
enum {
    PRINT_DONE = 0,       /* the printer took it and said it is fine */
    PRINT_PAPER_LOW,      /* printed, and the roll is near its end */
    PRINT_SENT_UNKNOWN,   /* sent, but the printer does not say how it is */
    PRINT_NO_PRINTER,
    PRINT_PAPER_OUT,
    PRINT_COVER_OPEN,
    PRINT_OFFLINE,
    PRINT_FAILED          /* anything else: a write error, a pulled cable */
};

/* What an input method shows: the composition and a page of candidates. */
#define IME_CANDS 10
typedef struct ImeView {
    char preedit[256];    /* pinyin being composed ("" none) */
    char raw[64];         /* the letters typed for it, to commit as they are */
    int n;                /* candidates on this page */
    char cand[IME_CANDS][64];
    int page;             /* 0 the first */
    int more;             /* 1: there is a next page */
    int off;              /* 1: the engine cannot run (its data is missing) */
} ImeView;

/* Pinyin: what to do. */
enum { IME_KEY, IME_BACK, IME_CLEAR, IME_PAGE, IME_PICK };
/* Handwriting: what to do. */
enum { HAND_POINT, HAND_END, HAND_UNDO, HAND_CLEAR };

/* A USB stick being synced (or enrolled) in the background. */
enum { STICK_IDLE = 0, STICK_RUNNING, STICK_DONE, STICK_FAILED };
typedef struct StickStatus {
    int state;            /* STICK_* */
    int serial;           /* counts syncs started, so a new one is noticed */
    char phase[16];       /* "import", "fold", "export" while running */
    int done, total;      /* progress within the phase */
    int files_in;         /* bundles imported */
    int records_in;       /* records they added */
    int refused;          /* files refused */
    int records_out;      /* records this device wrote to the stick (-1: none) */
    int safe;             /* 1: safe to remove */
    int enrol;            /* 0 a sync; 1 an enrolment request written; 2 enrolled now */
    char hall[4];         /* the hall enrolled as */
    char fingerprint[80]; /* the town key's fingerprint, for staff to compare */
    char msg[256];        /* why it failed (technical, for staff) */
    char why[3][200];     /* the first refusals: "file: reason" */
    int nwhy;
    int update;           /* UPD_*: a new echowall version on the stick, or installed */
    int update_only;      /* 1: no stick; the update helper's outcome, shown once */
    char update_version[24]; /* the version it is about */
    char update_from[24];    /* the version before it (UPD_ROLLED_BACK) */
    char update_why[200];    /* why it was refused or not installed (technical) */
} StickStatus;

/* What became of a new version (src/core/update.h; systemd/README.md). */
enum {
    UPD_NONE = 0,
    UPD_REQUESTED,      /* found on the stick, checked, handed to the installer */
    UPD_REFUSED,        /* found on the stick and refused (update_why) */
    UPD_FAILED_BEFORE,  /* it failed to install here before: not again */
    UPD_INSTALLED,      /* the installer's outcome: installed and running */
    UPD_ROLLED_BACK,    /* did not come up: the version before is back */
    UPD_NOT_INSTALLED,  /* the installer refused it (update_why) */
    UPD_BROKEN          /* neither the new nor the old version came up */
};

/* The figures page's charts (the workbook's 图表 sheet draws the same). */
#define CHART_MONTHS 6
enum { CS_SOLVED, CS_OPEN, CS_OVERDUE, CS_COUNT }; /* a month's appeals as they stand now */

typedef struct ChartBar {
    char *label;
    double value;      /* a rate, 0 to 1 */
} ChartBar;

typedef struct Charts {
    int months;                              /* the last CHART_MONTHS months, oldest first */
    char month[CHART_MONTHS][12];            /* "2026-11" */
    int by_grade[CHART_MONTHS][GRADE_COUNT]; /* received that month, by grade (GRADE_*) */
    int by_status[CHART_MONTHS][CS_COUNT];   /* received that month: solved, open, overdue */
    int nunits;
    ChartBar *units;                         /* on-time rate by unit, best first */
    int nbranches;
    ChartBar *branches;                      /* excellence rate by branch in round, best first */
    char round[12];                          /* this quarter, "2026Q4" */
} Charts;

void charts_free(Charts *c);

/* ---- A new station's first start --------------------------------------- */

/* The office's backups found on the stick (at its top or in echowall/). */
#define BACKUP_FILES_MAX 16
typedef struct BackupFile {
    char name[80];      /* its path on the stick: "echowall/backup-2026-11-20.ewbak" */
    long long size;     /* bytes */
} BackupFile;

typedef struct BackupList {
    int n;                         /* files listed, newest name first */
    BackupFile v[BACKUP_FILES_MAX];
    int more;                      /* 1: more were there than fit */
} BackupList;

/* How restoring a backup went. */
enum {
    RESTORE_DONE = 0,   /* this station is the office now */
    RESTORE_NO_STICK,   /* no stick is in */
    RESTORE_PASSPHRASE, /* the passphrase is wrong (or the file's start damaged) */
    RESTORE_DAMAGED,    /* not a backup, damaged, tampered with or cut short */
    RESTORE_STICK,      /* the file could not be read off the stick (pulled?) */
    RESTORE_NO_ROOM,    /* this station's disk is full */
    RESTORE_NOT_BLANK,  /* this station already holds a town's data */
    RESTORE_FAILED      /* anything else (msg) */
};

typedef struct RestoreResult {
    int outcome;          /* RESTORE_* */
    long records;         /* records restored */
    char slot[4];         /* the office's new slot */
    char fingerprint[80]; /* the town key's fingerprint, for staff to compare */
    char msg[256];        /* technical detail, for the log and staff */
} RestoreResult;

/* ---- The town office station ---------------------------------------- */

/* The office's lists of appeals. */
enum {
    OL_INBOX,   /* new: not yet assigned, or unsolved with a text waiting for approval */
    OL_OVERDUE, /* unsolved past their time limit, most overdue first */
    OL_WEEK,    /* unsolved, due within the next 7 days, soonest first */
    OL_ORANGE,  /* orange and unsolved: for the joint party-government meeting */
    OL_UNIT,    /* one responsible unit's (OfficeQuery.key: its roster id) */
    OL_BRANCH,  /* one branch's (key: its hall code) */
    OL_ALL,     /* every appeal, newest first */
    OL_COUNT
};

typedef struct OfficeQuery {
    int list;        /* OL_* */
    const char *key; /* OL_UNIT: a unit's id; OL_BRANCH: a hall code; else NULL */
} OfficeQuery;

typedef struct OfficeList {
    CardList cards;            /* the list asked for, with texts and leaders */
    int counts[OL_COUNT];      /* how many each list holds now (UNIT, BRANCH: for key) */
    int limit_days[GRADE_COUNT]; /* the town's default time limit of each grade */
} OfficeList;

void office_list_free(OfficeList *l);

/* What the office does to an appeal. */
enum { OA_PUBLISH, OA_REDACT, OA_GRADE, OA_ASSIGN, OA_PROGRESS, OA_ESCALATE, OA_SOLVE, OA_REOPEN };
#define BACKUP_PASS_MIN 10 /* characters of a backup's passphrase at least */

typedef struct OfficeAction {
    int what;            /* OA_* */
    const char *code;
    const char *text;    /* REDACT: the reason; PROGRESS, ESCALATE, REOPEN: a note;
                          * SOLVE: the public answer */
    int grade;           /* GRADE: GRADE_GREEN .. GRADE_ORANGE */
    int limit_days;      /* GRADE, ASSIGN: days from today; 0 the grade's default */
    const char *due;     /* GRADE: this due day (YYYY-MM-DD) instead: a regrade keeping it */
    const char *member;  /* ASSIGN: roster ids of the leading member, the */
    const char *leader;  /* responsible leader and the unit */
    const char *unit;
} OfficeAction;

/* What the office writes onto a stick for the town's other computers. */
enum {
    EXPORT_LEDGER, /* the workbook (民情台账, figures, evaluation, charts), .xlsx */
    EXPORT_AGENDA, /* the joint meeting's agenda of orange appeals, printable .html */
    EXPORT_SITE,   /* the tracking site for the town's web server */
    EXPORT_COUNT
};

/* A device the office knows: itself and the halls' kiosks. */
typedef struct DeviceRow {
    char id[33];     /* hex */
    char hall[4];    /* "" for the office */
    char *hall_name; /* or NULL */
    char slot[4];
    long records;    /* the highest record number held from it */
    int office;      /* 1: an office station */
    int certified, revoked, self;
} DeviceRow;

typedef struct DeviceList {
    int n;
    DeviceRow *v;
} DeviceList;

void devicelist_free(DeviceList *l);

/* One line of a person's evaluation results: a meeting or a quarter. */
typedef struct EvalLine {
    char *label;   /* a meeting: day, hall and topic; a round: "2026Q3" */
    double rate;   /* the excellence rate, 0..1; -1 too few ratings */
    int rank, of;  /* place among the ranked subjects (of them); 0 unranked */
    long ballots;
    int warning;   /* a round: on the bottom-20 % warning list */
} EvalLine;

/* One person's results over time (eval_person), oldest first. */
typedef struct PersonEval {
    int nm, nr;
    EvalLine *m;    /* the meetings that rated them */
    EvalLine *r;    /* the quarters of those meetings */
} PersonEval;

void personeval_free(PersonEval *p);

/* An evaluation meeting, as the office lists them. */
typedef struct MeetingRow {
    char id[40];
    char hall[4];
    char *hall_name;   /* or NULL */
    char *topic;
    char opened[11];   /* YYYY-MM-DD */
    char status[8];    /* open, closed, void */
    long ballots;      /* -1 while open */
    char *void_reason; /* or NULL */
} MeetingRow;

typedef struct MeetingList {
    int n;
    MeetingRow *v; /* newest first */
} MeetingList;

void meetinglist_free(MeetingList *l);

/* Someone or something chosen from the roster. */
enum { PICK_MEMBER, PICK_LEADER, PICK_UNIT, PICK_BRANCH, PICK_PERSON /* anyone */ };
typedef struct PickItem {
    char id[40];   /* roster id, or a hall code */
    char *name;
    char *sub;     /* what tells namesakes apart: role and branch */
    char role[24]; /* a person's DOMAIN_ROLES key, else "" */
    char branch[4]; /* a person's hall code, else "" */
    char *grids;   /* a branch's micro-grids joined by "、", else NULL */
} PickItem;

/* A roster entry as the office writes it (roster.* records). */
typedef struct RosterEdit {
    int kind;            /* PICK_PERSON, PICK_UNIT or PICK_BRANCH */
    const char *id;      /* the entry's id or hall code; NULL: a new person or unit */
    const char *name;
    const char *role;    /* a person's DOMAIN_ROLES key */
    const char *branch;  /* a person's hall code, or NULL (the town's leaders) */
    const char *grids;   /* a branch's micro-grids, separated by 、，, or spaces */
} RosterEdit;

typedef struct PickList {
    int n;
    PickItem *v;
} PickList;

void picklist_free(PickList *l);

/* The data behind the screens. Each call returns 0, or -1 with a one-line
 * message in msg (msglen bytes) for the staff screen; the screens then say
 * so in plain words and keep what they had. */
typedef struct Source {
    void *ctx;
    int (*figures)(void *ctx, Figures *out, char *msg, int msglen);
    int (*cards)(void *ctx, const WallQuery *q, CardList *out, char *msg, int msglen);
    /* One appeal: 0 filled, 1 no such appeal here, -1 an error (msg). */
    int (*detail)(void *ctx, const char *code, Detail *out, char *msg, int msglen);
    /* Rates a solved appeal with its slip's rating code: 0 recorded, 1 the
     * code is wrong, 2 it cannot be rated (not solved, rated already), -1
     * an error (msg). May be NULL. */
    int (*rate)(void *ctx, const char *code, const char *proof, int satisfied, char *msg,
                int msglen);
    /* Checks a staff PIN at app time now_ms: 0 right, 1 wrong, 2 locked
     * (*wait_ms set), 3 no PIN set, 4 right but it is the office's reset
     * PIN, to be replaced now, -1 error. May be NULL (no staff mode). */
    int (*check_pin)(void *ctx, const char *pin, int64_t now_ms, int64_t *wait_ms);
    /* The hall's open meeting: 0 and *out filled, 1 when none is open, -1
     * on an error (msg). May be NULL (no evaluation). */
    int (*meeting)(void *ctx, MeetingInfo *out, char *msg, int msglen);
    /* Casts a whole ballot (ratings: DOMAIN_RATINGS keys, one per
     * subject): 0 counted, 1 the cap is reached, -1 an error (msg). */
    int (*cast)(void *ctx, const char *meeting, const char *token, const char *const *ratings,
                int n, char *msg, int msglen);
    /* A one-time ballot token typed or scanned (token mode): 0 unused, 1
     * used or not of this meeting, -1 an error (msg). Not spent yet: cast
     * spends it with the ballot. */
    int (*check_token)(void *ctx, const char *meeting, const char *token, char *msg, int msglen);
    /* Staff: who may be evaluated here (0, or -1 and msg). */
    int (*candidates)(void *ctx, CandidateList *out, char *msg, int msglen);
    /* Staff: opens the hall's meeting and prints its tokens: 0 opened (and
     * printed), 1 refused: a meeting is open already, 2 opened but the
     * tokens did not print, 3 refused: the printer cannot print the tokens
     * (msg says why, for staff), -1 an error (msg). */
    int (*open_meeting)(void *ctx, const MeetingSetup *s, char *msg, int msglen);
    /* Staff: closes the meeting: 0 closed, -1 an error (msg). */
    int (*close_meeting)(void *ctx, const char *meeting, char *msg, int msglen);
    /* Staff: sets a new PIN (after an office reset): 0, 1 not 4 to 8
     * digits, -1 an error (msg). */
    int (*set_pin)(void *ctx, const char *pin, char *msg, int msglen);
    /* A new office station's first PIN (staff_pin_set_first): 1 when its
     * screen may set it, else 0. May be NULL (never). */
    int (*first_pin_allowed)(void *ctx);
    /* Sets it: 0, 1 not 4 to 8 digits, 2 not allowed (a PIN is set), -1
     * an error (msg). */
    int (*set_first_pin)(void *ctx, const char *pin, char *msg, int msglen);
    /* Staff: asks the system to shut the kiosk down (the appliance's
     * echowall-poweroff.path does it as root): 0 asked, -1 refused (msg).
     * May be NULL: no 关机 in the staff menu. */
    int (*poweroff)(void *ctx, char *msg, int msglen);
    /* The hall's last closed meeting's results: 0 filled, 1 none yet, -1
     * an error (msg). May be NULL. */
    int (*results)(void *ctx, MeetingResult *out, char *msg, int msglen);
    /* The figures page's charts (0, or -1 and msg). May be NULL. */
    int (*charts)(void *ctx, Charts *out, char *msg, int msglen);
    /* The stick: looks for one about once a second and syncs it in the
     * background; fills *out with where that stands. May be NULL. Called
     * with stick_ctx. */
    void (*stick)(void *stick_ctx, StickStatus *out);
    void *stick_ctx;
    /* Holds the stick back (on 1: no sync or enrolment starts, while a
     * backup is being restored from it) and lets it go (0: a stick in by
     * then counts as already synced). May be NULL. Called with stick_ctx. */
    void (*stick_hold)(void *stick_ctx, int on);
    /* A new station (Figures.blank): the office's backups on the stick (0
     * and *out, 1 no stick, -1 and msg); restoring one of them with its
     * passphrase (fills *out; 0 done, and this Source is the office's from
     * then on: its office_* callbacks are set; -1 not, out->outcome says
     * why). May be NULL. Called with restore_ctx. */
    int (*restore_list)(void *restore_ctx, BackupList *out, char *msg, int msglen);
    int (*restore_run)(void *restore_ctx, const char *name, const char *passphrase,
                       RestoreResult *out);
    void *restore_ctx;
    /* Staff: this hall's appeals whose text waits for approval, oldest
     * first, with their texts (0, or -1 and msg); publishing one (0, or -1
     * and msg). May be NULL. */
    int (*pending)(void *ctx, CardList *out, char *msg, int msglen);
    int (*publish)(void *ctx, const char *code, char *msg, int msglen);
    /* The hall's micro-grids (0, or -1 and msg). May be NULL. */
    int (*grids)(void *ctx, StrList *out, char *msg, int msglen);
    /* Takes the appeal: 0 and *out filled, -1 an error (msg). May be NULL. */
    int (*submit)(void *ctx, const AppealDraft *d, Receipt *out, char *msg, int msglen);
    /* Prints its slip in the background: print_start lays it out and sends
     * it off; print_poll says -1 while it prints, then a PRINT_* (msg says
     * more, for the log). Called with print_ctx; NULL: no printing. */
    void (*print_start)(void *print_ctx, const AppealDraft *d, const Receipt *r);
    int (*print_poll)(void *print_ctx, char *msg, int msglen);
    void *print_ctx;
    /* Pinyin (op IME_*; arg: the letter, the page step or the candidate):
     * fills *view; a pick that completes the composition writes the text
     * to commit (commitlen bytes), else commit is "". Handwriting (op
     * HAND_*; x, y from 0 to 1000 across the pad): fills *view with the
     * candidates for the strokes so far. Called with ime_ctx; NULL when
     * there is no input method. */
    void (*pinyin)(void *ime_ctx, int op, int arg, ImeView *view, char *commit, int commitlen);
    void (*hand)(void *ime_ctx, int op, int x, int y, ImeView *view);
    void *ime_ctx;
    /* The town office station (all NULL on a hall kiosk; called with
     * office_ctx): its lists (0, or
     * -1 and msg); one appeal with its text and contact (0, 1 none such,
     * -1 and msg); doing something to it (0 done, 1 the rules refuse it:
     * msg says why in plain words, -1 an error and msg); the roster's
     * people, units or branches matching a typed query (names, pinyin or
     * its initials), best first, at most max (0, or -1 and msg). */
    int (*office_list)(void *ctx, const OfficeQuery *q, OfficeList *out, char *msg, int msglen);
    int (*office_case)(void *ctx, const char *code, Detail *out, char *msg, int msglen);
    int (*office_do)(void *ctx, const OfficeAction *act, char *msg, int msglen);
    int (*office_pick)(void *ctx, int kind, const char *query, int max, PickList *out, char *msg,
                       int msglen);
    /* Writes an export (EXPORT_*) onto the stick: 0 written (msg: where,
     * for staff), 1 no stick is in (msg), -1 an error (msg). */
    int (*office_export)(void *ctx, int what, char *msg, int msglen);
    /* The devices (0, or -1 and msg); retiring one (0, 1 refused: msg,
     * -1 and msg); answering the enrolment requests of hall's new kiosks
     * on the stick (0 and msg: which were enrolled, 1 no stick or no
     * request of that hall on it: msg, -1 and msg). */
    int (*office_devices)(void *ctx, DeviceList *out, char *msg, int msglen);
    int (*office_revoke)(void *ctx, const char *id, char *msg, int msglen);
    int (*office_enrol)(void *ctx, const char *hall, char *msg, int msglen);
    /* The whole database, encrypted with passphrase, onto the stick (0 and
     * msg: the file, 1 no stick: msg, -1 and msg). */
    int (*office_backup)(void *ctx, const char *passphrase, char *msg, int msglen);
    /* Signs the one echowall_*.deb on the stick for the halls (update_sign):
     * 0 and msg its version; 1 no stick, 2 no package, 3 several (msg:
     * their names), -1 refused or failed (msg). */
    int (*office_sign_update)(void *ctx, char *msg, int msglen);
    /* Imports the ledger CSV on the stick (the only .csv at its top or in
     * echowall-office/): 0 and *imported, msg its file name; 1 no stick,
     * 2 no .csv, 3 several (msg: their names), -1 refused or failed (msg:
     * the row and column, nothing imported). */
    int (*office_import)(void *ctx, long *imported, char *msg, int msglen);
    /* The roster person who's evaluation results (eval_person): 0, 1 not
     * a subject of evaluation (msg), -1 and msg. */
    int (*office_person)(void *ctx, const char *who, PersonEval *out, char *msg, int msglen);
    /* A round's results (eval_round) into out->m, subjects in rank order
     * by role; round "" is the newest round with a closed meeting, and is
     * filled in (8 bytes): 0, 1 no closed meeting yet, -1 and msg. */
    int (*office_round)(void *ctx, char *round, PersonEval *out, char *msg, int msglen);
    /* Every evaluation meeting of the town, newest first: 0, or -1 and msg. */
    int (*office_meetings)(void *ctx, MeetingList *out, char *msg, int msglen);
    /* Sets a meeting aside (meeting.void) with reason: 0, 1 refused (msg),
     * -1 and msg. */
    int (*office_void)(void *ctx, const char *id, const char *reason, char *msg, int msglen);
    /* A town setting (config.h): its value into out (outlen bytes): 0, or
     * -1 and msg. */
    int (*office_config_get)(void *ctx, const char *key, char *out, int outlen, char *msg,
                             int msglen);
    /* Sets a town setting (a config.set record that travels to every
     * hall): 0, 1 refused (msg says why: the value's rule), -1 and msg. */
    int (*office_config_set)(void *ctx, const char *key, const char *value, char *msg, int msglen);
    /* A temporary staff PIN for hall's kiosk (staff.pin_reset): 0 and the
     * PIN in pin_out (9 bytes; the caller wipes it), 1 refused (msg), -1
     * and msg. */
    int (*office_pin_reset)(void *ctx, const char *hall, char *pin_out, char *msg, int msglen);
    /* The station's date (today: 11 bytes) and whether its clock is
     * confirmed (SYNC.md "Clock"): 0, or -1 and msg. */
    int (*office_clock)(void *ctx, char *today, int *confirmed, char *msg, int msglen);
    /* Staff confirm the clock: 0, or -1 and msg. */
    int (*office_clock_confirm)(void *ctx, char *msg, int msglen);
    /* Writes a roster entry: 0 and its id in id_out (40 bytes), 1 refused
     * (msg), -1 and msg. */
    int (*office_roster)(void *ctx, const RosterEdit *r, char *id_out, char *msg, int msglen);
    void *office_ctx;
} Source;

void card_clear(Card *c);
void cardlist_free(CardList *l);
void detail_free(Detail *d);
void figures_free(Figures *f);

#endif
