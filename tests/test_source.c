/*
 * test_source.c: the screens' data as src/kiosk reads it: the office's
 * Source (office.c) and the figures page's charts (source.c).
 *
 * On the demo town seen from the office (2026-11-28), with one new appeal
 * that carries a phone:
 *
 *  - every office list holds exactly the appeals its rule names (checked
 *    against plain SQL), in its order, and the counts of all lists agree;
 *  - the lists' kept pass: taps make no new pass until an action here, a
 *    commit on another connection or a new day, after each of which the
 *    lists and counts follow;
 *  - one appeal as the office sees it: the text before it is public, the
 *    phone opened; the hall's detail never has either;
 *  - the office's actions change the appeal as echowallctl would; a step
 *    the rules refuse returns 1 with the fold's reason and writes nothing;
 *    a time limit other than the grade's default lands as asked;
 *  - the roster search: initials, pinyin and Chinese find the person or
 *    unit, best first; leaders only where leaders are asked for;
 *  - the charts: each month's columns add up to the appeals received that
 *    month, by grade and by how they stand; the units' on-time rates and
 *    the branches' excellence rates are report_figures' and eval_round's,
 *    best first;
 *  - the roster: a person added then changed, a branch's grids however
 *    separated, a nameless entry refused;
 *  - the devices: the office first, a kiosk retired, an unknown one
 *    refused; exports and enrolments without a stick say so.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "appeal.h"
#include "clock.h"
#include "db.h"
#include "device.h"
#include "ew.h"
#include "evalres.h"
#include "office.h"
#include "report.h"
#include "source.h"
#include "testutil.h"

#define DAY "2026-11-28"
#define PHONE "13800001234"

typedef struct Fix {
    char *dir;
    sqlite3 *db;
    Office *of;
    Source src;
    char code[CODE_MAX]; /* the new appeal */
} Fix;

static int setup(void **state)
{
    Fix *f = calloc(1, sizeof *f);
    tu_pin_day(DAY);
    int64_t day;
    assert_int_equal(clock_parse_day(DAY, &day), 0);
    f->dir = tu_tmpdir();
    f->db = tu_demo_db(f->dir, "office.db", 0, NULL, day);
    Author self;
    EwErr e = {0};
    assert_int_equal(device_load_self(f->db, &self, &e), EW_OK);
    AppealNew in = {.hall = "H07", .category = "road_bridge", .text = "村东头的石桥裂了",
                    .source = "staff", .contact = PHONE};
    char rating[16];
    assert_int_equal(db_begin(f->db, &e), EW_OK);
    assert_int_equal(appeal_add(f->db, &self, &in, 0, f->code, rating, &e), EW_OK);
    assert_int_equal(db_commit(f->db, &e), EW_OK);
    f->of = office_new(f->db, NULL);
    source_init(&f->src, f->db);
    office_source_init(&f->src, f->of);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    Fix *f = *state;
    office_free(f->of);
    db_close(f->db);
    tu_rmdir(f->dir);
    free(f->dir);
    free(f);
    clock_set_fixed(0);
    return 0;
}

static int64_t count(sqlite3 *db, const char *sql)
{
    int64_t n = -1;
    assert_int_equal(db_int(db, NULL, &n, -1, sql, NULL), EW_OK);
    return n;
}

static int has(const CardList *l, const char *code)
{
    for (int i = 0; i < l->n; i++)
        if (strcmp(l->cards[i].code, code) == 0)
            return 1;
    return 0;
}

static void list(Fix *f, int which, const char *key, OfficeList *out)
{
    char msg[256] = "";
    OfficeQuery q = {which, key};
    int rc = f->src.office_list(f->src.office_ctx, &q, out, msg, sizeof msg);
    if (rc)
        print_error("office_list %d: %s\n", which, msg);
    assert_int_equal(rc, 0);
}

static void test_lists(void **state)
{
    Fix *f = *state;
    int64_t today = db_today(f->db);
    char sql[512];
    /* Each list against its rule in SQL, and its count in every answer. */
    for (int l = 0; l < OL_COUNT; l++) {
        OfficeList ol;
        list(f, l, l == OL_UNIT ? "U01" : l == OL_BRANCH ? "H07" : NULL, &ol);
        const char *open = "status<>'solved' AND due_day IS NOT NULL";
        switch (l) {
        case OL_INBOX:
            snprintf(sql, sizeof sql, "status='received' OR (status<>'solved' AND published=0 "
                                      "AND redacted=0)");
            break;
        case OL_OVERDUE:
            snprintf(sql, sizeof sql, "%s AND due_day < %lld", open, (long long)today);
            break;
        case OL_WEEK:
            snprintf(sql, sizeof sql, "%s AND due_day >= %lld AND due_day < %lld", open,
                     (long long)today, (long long)today + 7);
            break;
        case OL_ORANGE:
            snprintf(sql, sizeof sql, "status<>'solved' AND grade='orange'");
            break;
        case OL_UNIT:
            snprintf(sql, sizeof sql, "unit='U01'");
            break;
        case OL_BRANCH:
            snprintf(sql, sizeof sql, "hall='H07'");
            break;
        default:
            snprintf(sql, sizeof sql, "1");
        }
        char *q = ew_xasprintf("SELECT count(*) FROM appeals WHERE %s", sql);
        snprintf(sql, sizeof sql, "%s", q);
        free(q);
        int64_t want = count(f->db, sql);
        if (ol.cards.n != want)
            print_error("list %d: %d appeals, SQL says %lld (%s)\n", l, ol.cards.n,
                        (long long)want, sql);
        assert_int_equal(ol.cards.n, want);
        assert_int_equal(ol.counts[l], want);
        assert_true(ol.limit_days[GRADE_GREEN] > 0 && ol.limit_days[GRADE_ORANGE] > 0);
        /* Orders: the inbox oldest first, overdue most first, due soonest. */
        for (int i = 1; i < ol.cards.n; i++) {
            const Card *p = &ol.cards.cards[i - 1], *c = &ol.cards.cards[i];
            if (l == OL_INBOX)
                assert_true(strcmp(p->created, c->created) <= 0);
            if (l == OL_OVERDUE)
                assert_true(p->overdue_days >= c->overdue_days);
            if (l == OL_WEEK || l == OL_ORANGE)
                assert_true(strcmp(p->due, c->due) <= 0);
        }
        if (l == OL_INBOX) {
            assert_true(has(&ol.cards, f->code));
            /* The office reads the text before it is public. */
            for (int i = 0; i < ol.cards.n; i++)
                if (strcmp(ol.cards.cards[i].code, f->code) == 0) {
                    assert_string_equal(ol.cards.cards[i].text, "村东头的石桥裂了");
                    assert_int_equal(ol.cards.cards[i].text_state, TEXT_WAITING);
                }
        }
        office_list_free(&ol);
    }
}

static void test_case_and_contact(void **state)
{
    Fix *f = *state;
    Detail d;
    char msg[256];
    assert_int_equal(f->src.office_case(f->src.office_ctx, f->code, &d, msg, sizeof msg), 0);
    assert_string_equal(d.card.text, "村东头的石桥裂了");
    assert_non_null(d.contact);
    assert_string_equal(d.contact, PHONE);
    assert_string_equal(d.source, "staff");
    detail_free(&d);
    /* The hall's (public) detail: no text yet, never a phone. */
    assert_int_equal(f->src.detail(f->src.ctx, f->code, &d, msg, sizeof msg), 0);
    assert_null(d.card.text);
    assert_null(d.contact);
    detail_free(&d);
    assert_int_equal(f->src.office_case(f->src.office_ctx, "H07-ZZZZZ", &d, msg, sizeof msg), 1);
}

static int act(Fix *f, OfficeAction a, char *msg)
{
    a.code = f->code;
    msg[0] = 0;
    return f->src.office_do(f->src.office_ctx, &a, msg, 256);
}

static char *field(Fix *f, const char *col)
{
    char *v = NULL;
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT %s FROM appeals WHERE code=?", col);
    assert_int_equal(db_text(f->db, NULL, &v, sql, "t", f->code), EW_OK);
    return v;
}

/* The card of code in list which (NULL when it is not on it), and the
 * list's count, which must agree with its length. */
static int on_list(Fix *f, int which, const char *code, Card *out)
{
    OfficeList ol;
    list(f, which, NULL, &ol);
    assert_int_equal(ol.counts[which], ol.cards.n);
    int found = 0;
    for (int i = 0; i < ol.cards.n; i++)
        if (strcmp(ol.cards.cards[i].code, code) == 0) {
            found = 1;
            if (out)
                *out = ol.cards.cards[i], ol.cards.cards[i] = (Card){0}; /* taken */
        }
    office_list_free(&ol);
    return found;
}

/* The lists' pass is kept between taps and never outlives what it was
 * made from: a change on this connection (an office action), a commit on
 * another (a stick's sync thread) and a new day each bring the lists up to
 * date, and counts follow; taps in between make no new pass. */
static void test_list_cache(void **state)
{
    Fix *f = *state;
    char msg[256];
    Card c;
    assert_true(on_list(f, OL_INBOX, f->code, NULL));
    long passes = office_list_passes(f->of);
    assert_true(passes >= 1);
    OfficeList ol;
    for (int l = 0; l < OL_COUNT; l++) { /* every tab, and a branch: the same pass */
        list(f, l, l == OL_BRANCH ? "H07" : NULL, &ol);
        office_list_free(&ol);
    }
    assert_int_equal(office_list_passes(f->of), passes);
    list(f, OL_ALL, NULL, &ol);
    int all = ol.cards.n, orange = ol.counts[OL_ORANGE], week = ol.counts[OL_WEEK],
        overdue = ol.counts[OL_OVERDUE];
    office_list_free(&ol);
    assert_false(on_list(f, OL_ORANGE, f->code, NULL));

    /* An office action on this connection: graded orange, due in 3 days. */
    assert_int_equal(act(f, (OfficeAction){.what = OA_GRADE, .grade = GRADE_ORANGE,
                                           .limit_days = 3}, msg), 0);
    assert_true(on_list(f, OL_ORANGE, f->code, &c));
    assert_int_equal(c.grade, GRADE_ORANGE);
    assert_int_equal(c.days_left, 3);
    card_clear(&c);
    assert_true(on_list(f, OL_WEEK, f->code, NULL));
    list(f, OL_ALL, NULL, &ol);
    assert_int_equal(ol.counts[OL_ORANGE], orange + 1);
    assert_int_equal(ol.counts[OL_WEEK], week + 1);
    office_list_free(&ol);
    assert_true(office_list_passes(f->of) > passes);

    /* A commit on another connection (as the stick's thread syncs): the
     * appeal assigned and its text approved there leaves the inbox here. */
    passes = office_list_passes(f->of);
    sqlite3 *other = NULL;
    EwErr e = {0};
    assert_int_equal(db_open(sqlite3_db_filename(f->db, "main"), 0, &other, &e), EW_OK);
    Author self;
    assert_int_equal(device_load_self(other, &self, &e), EW_OK);
    assert_int_equal(db_begin(other, &e), EW_OK);
    assert_int_equal(appeal_publish(other, &self, f->code, NULL, 0, &e), EW_OK);
    assert_int_equal(appeal_assign(other, &self, f->code, "P0007", "L01", "U01", NULL, NULL, 0, &e),
                     EW_OK);
    assert_int_equal(db_commit(other, &e), EW_OK);
    db_close(other);
    assert_false(on_list(f, OL_INBOX, f->code, NULL));
    assert_true(on_list(f, OL_ALL, f->code, &c));
    assert_int_equal(c.text_state, TEXT_PUBLIC);
    card_clear(&c);
    assert_int_equal(office_list_passes(f->of), passes + 1);

    /* Four days on: due three days after grading, it is one day overdue,
     * no longer due this week; the counts follow, as SQL has them. */
    int64_t today = db_today(f->db);
    clock_set_fixed((today + 4) * 86400000LL + 10 * 3600000LL);
    assert_int_equal(db_today(f->db), today + 4);
    assert_false(on_list(f, OL_WEEK, f->code, NULL));
    assert_true(on_list(f, OL_OVERDUE, f->code, &c));
    assert_int_equal(c.overdue_days, 1);
    card_clear(&c);
    list(f, OL_ALL, NULL, &ol);
    assert_int_equal(ol.cards.n, all);
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM appeals WHERE status<>'solved' AND "
                              "due_day IS NOT NULL AND due_day < %lld", (long long)today + 4);
    assert_int_equal(ol.counts[OL_OVERDUE], count(f->db, sql));
    assert_true(ol.counts[OL_OVERDUE] > overdue);
    office_list_free(&ol);
    passes = office_list_passes(f->of);
    assert_true(on_list(f, OL_OVERDUE, f->code, NULL)); /* nothing moved since: no new pass */
    assert_int_equal(office_list_passes(f->of), passes);
}

static void test_actions(void **state)
{
    Fix *f = *state;
    char msg[256];
    /* Not graded: no assignment, with the fold's reason. */
    int64_t before = count(f->db, "SELECT count(*) FROM records");
    assert_int_equal(act(f, (OfficeAction){.what = OA_ASSIGN, .member = "P0007", .leader = "L01",
                                           .unit = "U01"}, msg), 1);
    assert_non_null(strstr(msg, "grade"));
    assert_int_equal(count(f->db, "SELECT count(*) FROM records"), before);
    assert_int_equal(act(f, (OfficeAction){.what = OA_PUBLISH}, msg), 0);
    /* Orange, 31 days rather than its default. */
    assert_int_equal(act(f, (OfficeAction){.what = OA_GRADE, .grade = GRADE_ORANGE,
                                           .limit_days = 31}, msg), 0);
    char *due = field(f, "due_day");
    int64_t today = db_today(f->db);
    assert_int_equal(atoll(due), today + 31);
    free(due);
    /* A regrade that keeps its due day (the sheet untouched) keeps it. */
    char kept[11];
    clock_format_day(today + 31, kept);
    assert_int_equal(act(f, (OfficeAction){.what = OA_GRADE, .grade = GRADE_ORANGE, .due = kept},
                         msg), 0);
    due = field(f, "due_day");
    assert_int_equal(atoll(due), today + 31);
    free(due);
    assert_int_equal(act(f, (OfficeAction){.what = OA_ASSIGN, .member = "P0007", .leader = "L01",
                                           .unit = "U01"}, msg), 0);
    assert_int_equal(act(f, (OfficeAction){.what = OA_PROGRESS, .text = "已经派员"}, msg), 0);
    assert_int_equal(act(f, (OfficeAction){.what = OA_ESCALATE}, msg), 0);
    assert_int_equal(act(f, (OfficeAction){.what = OA_SOLVE, .text = "桥已修好"}, msg), 0);
    char *status = field(f, "status");
    assert_string_equal(status, "solved");
    free(status);
    /* Solved: no more progress; reopening works, then a redaction. */
    assert_int_equal(act(f, (OfficeAction){.what = OA_PROGRESS, .text = "又一条"}, msg), 1);
    assert_non_null(strstr(msg, "solved"));
    assert_int_equal(act(f, (OfficeAction){.what = OA_REOPEN, .text = "没修好"}, msg), 0);
    assert_int_equal(act(f, (OfficeAction){.what = OA_REDACT, .text = "含个人信息"}, msg), 0);
    Detail d;
    assert_int_equal(f->src.office_case(f->src.office_ctx, f->code, &d, msg, sizeof msg), 0);
    assert_int_equal(d.card.text_state, TEXT_HIDDEN);
    assert_null(d.contact); /* a redaction deletes the phone everywhere */
    assert_string_equal(d.who[0], "P0007");
    assert_string_equal(d.who[2], "U01");
    detail_free(&d);
    /* A redaction needs its reason. */
    assert_int_equal(act(f, (OfficeAction){.what = OA_REDACT, .text = ""}, msg), 1);
}

static void pick(Fix *f, int kind, const char *q, PickList *out)
{
    char msg[256];
    assert_int_equal(f->src.office_pick(f->src.office_ctx, kind, q, 40, out, msg, sizeof msg), 0);
}

static void test_pick(void **state)
{
    Fix *f = *state;
    PickList l;
    pick(f, PICK_MEMBER, "lyj", &l);
    assert_true(l.n >= 1);
    assert_string_equal(l.v[0].name, "林跃进");
    assert_string_equal(l.v[0].id, "P0007");
    assert_non_null(strstr(l.v[0].sub, "白沙村")); /* namesakes told apart by branch */
    picklist_free(&l);
    pick(f, PICK_MEMBER, "zhoujg", &l); /* a leader is no leading member */
    for (int i = 0; i < l.n; i++)
        assert_string_not_equal(l.v[i].id, "L01");
    picklist_free(&l);
    pick(f, PICK_LEADER, "zhoujg", &l);
    assert_true(l.n >= 1);
    assert_string_equal(l.v[0].id, "L01");
    for (int i = 0; i < l.n; i++)
        assert_true(l.v[i].id[0] == 'L');
    picklist_free(&l);
    pick(f, PICK_UNIT, "供电", &l);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.v[0].id, "U01");
    picklist_free(&l);
    pick(f, PICK_BRANCH, "liushu", &l);
    assert_true(l.n >= 1);
    assert_string_equal(l.v[0].name, "柳树湾村");
    picklist_free(&l);
    pick(f, PICK_UNIT, "", &l); /* nothing typed: every unit */
    assert_int_equal(l.n, count(f->db, "SELECT count(*) FROM units"));
    picklist_free(&l);
    pick(f, PICK_MEMBER, "xqzv", &l);
    assert_int_equal(l.n, 0);
    picklist_free(&l);
}

static void test_charts(void **state)
{
    Fix *f = *state;
    Charts c;
    char msg[256];
    assert_int_equal(f->src.charts(f->src.ctx, &c, msg, sizeof msg), 0);
    assert_int_equal(c.months, CHART_MONTHS);
    assert_string_equal(c.month[CHART_MONTHS - 1], "2026-11");
    assert_string_equal(c.round, "2026Q4");
    for (int i = 0; i < c.months; i++) {
        int y, mo;
        assert_int_equal(sscanf(c.month[i], "%d-%d", &y, &mo), 2);
        int64_t from = clock_days_from_civil(y, mo, 1);
        int64_t to = mo == 12 ? clock_days_from_civil(y + 1, 1, 1) : clock_days_from_civil(y, mo + 1, 1);
        char sql[256];
        snprintf(sql, sizeof sql,
                 "SELECT count(*) FROM appeals WHERE created_day >= %lld AND created_day < %lld",
                 (long long)from, (long long)to);
        int64_t want = count(f->db, sql);
        int g = 0, s = 0;
        for (int k = 0; k < GRADE_COUNT; k++)
            g += c.by_grade[i][k];
        for (int k = 0; k < CS_COUNT; k++)
            s += c.by_status[i][k];
        assert_int_equal(g, want);
        assert_int_equal(s, want);
        snprintf(sql, sizeof sql,
                 "SELECT count(*) FROM appeals WHERE created_day >= %lld AND created_day < %lld "
                 "AND status='solved'",
                 (long long)from, (long long)to);
        assert_int_equal(c.by_status[i][CS_SOLVED], count(f->db, sql));
    }
    /* The units' rates are the workbook's, best first; no row without a unit. */
    json_t *fig = NULL;
    assert_int_equal(report_figures(f->db, &fig, NULL), EW_OK);
    int rated = 0;
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(fig, "by_unit"), i, e)
        rated += json_is_number(json_object_get(e, "on_time_rate")) &&
                 json_is_string(json_object_get(e, "unit"));
    assert_int_equal(c.nunits, rated);
    for (int k = 1; k < c.nunits; k++)
        assert_true(c.units[k - 1].value >= c.units[k].value);
    json_decref(fig);
    json_t *eval = NULL;
    assert_int_equal(eval_round(f->db, "2026Q4", EVAL_MIN_RATINGS, &eval, NULL), EW_OK);
    int branches = 0;
    json_array_foreach(eval, i, e) {
        const char *role = json_string_value(json_object_get(e, "role"));
        if (role && strcmp(role, "branch") == 0 && json_is_number(json_object_get(e, "excellence_rate"))) {
            branches++;
            const char *name = json_string_value(json_object_get(e, "name"));
            int found = 0;
            for (int k = 0; k < c.nbranches; k++)
                if (strcmp(c.branches[k].label, name) == 0) {
                    found = 1;
                    assert_true(c.branches[k].value ==
                                json_number_value(json_object_get(e, "excellence_rate")));
                }
            assert_true(found);
        }
    }
    assert_int_equal(c.nbranches, branches);
    assert_true(branches > 0);
    json_decref(eval);
    charts_free(&c);
}

static void test_devices(void **state)
{
    Fix *f = *state;
    DeviceList l;
    char msg[256];
    assert_int_equal(f->src.office_devices(f->src.office_ctx, &l, msg, sizeof msg), 0);
    assert_int_equal(l.n, count(f->db, "SELECT count(*) FROM devices"));
    assert_true(l.v[0].office && l.v[0].self); /* the office first */
    int h07 = -1;
    for (int i = 0; i < l.n; i++)
        if (strcmp(l.v[i].hall, "H07") == 0)
            h07 = i;
    assert_true(h07 > 0);
    assert_string_equal(l.v[h07].hall_name, "白沙村");
    assert_false(l.v[h07].revoked);
    char id[33];
    snprintf(id, sizeof id, "%s", l.v[h07].id);
    devicelist_free(&l);
    assert_int_equal(f->src.office_revoke(f->src.office_ctx, id, msg, sizeof msg), 0);
    assert_int_equal(f->src.office_devices(f->src.office_ctx, &l, msg, sizeof msg), 0);
    for (int i = 0; i < l.n; i++)
        if (strcmp(l.v[i].id, id) == 0)
            assert_true(l.v[i].revoked);
    devicelist_free(&l);
    /* An unknown device is refused with a reason; enrolling needs a stick. */
    assert_int_equal(f->src.office_revoke(f->src.office_ctx, "abcdef012345", msg, sizeof msg), 1);
    assert_true(msg[0] != 0);
    assert_int_equal(f->src.office_enrol(f->src.office_ctx, "H07", msg, sizeof msg), 1);
}

static void test_roster(void **state)
{
    Fix *f = *state;
    char id[40], msg[256];
    RosterEdit p = {.kind = PICK_PERSON, .name = "张晓明", .role = "grid_leader", .branch = "H07"};
    assert_int_equal(f->src.office_roster(f->src.office_ctx, &p, id, msg, sizeof msg), 0);
    assert_true(id[0] == 'P');
    char *v = NULL;
    assert_int_equal(db_text(f->db, NULL, &v, "SELECT name||'|'||role||'|'||branch FROM people WHERE id=?",
                             "t", id), EW_OK);
    assert_string_equal(v, "张晓明|grid_leader|H07");
    free(v);
    /* The same id again: the entry changes (a new role). */
    p.id = id;
    p.role = "member";
    char id2[40];
    assert_int_equal(f->src.office_roster(f->src.office_ctx, &p, id2, msg, sizeof msg), 0);
    assert_string_equal(id2, id);
    assert_int_equal(db_text(f->db, NULL, &v, "SELECT role FROM people WHERE id=?", "t", id), EW_OK);
    assert_string_equal(v, "member");
    free(v);
    /* A branch's grids, however they were separated. */
    RosterEdit b = {.kind = PICK_BRANCH, .id = "H07", .name = "白沙村", .grids = "东片、西片，南片 北片,,"};
    assert_int_equal(f->src.office_roster(f->src.office_ctx, &b, id, msg, sizeof msg), 0);
    assert_int_equal(db_text(f->db, NULL, &v, "SELECT grids FROM branches WHERE code='H07'", NULL),
                     EW_OK);
    assert_string_equal(v, "[\"东片\",\"西片\",\"南片\",\"北片\"]");
    free(v);
    /* No name: refused with a reason, nothing written. */
    int64_t before = count(f->db, "SELECT count(*) FROM records");
    RosterEdit u = {.kind = PICK_UNIT, .name = "  "};
    assert_int_equal(f->src.office_roster(f->src.office_ctx, &u, id, msg, sizeof msg), 1);
    assert_true(msg[0] != 0);
    assert_int_equal(count(f->db, "SELECT count(*) FROM records"), before);
    /* The picker's people include the town's leaders when anyone is asked for. */
    PickList l;
    pick(f, PICK_PERSON, "zhoujg", &l);
    assert_true(l.n >= 1);
    assert_string_equal(l.v[0].id, "L01");
    assert_string_equal(l.v[0].role, "leader");
    picklist_free(&l);
}

static void test_export_without_stick(void **state)
{
    Fix *f = *state;
    char msg[256];
    assert_int_equal(f->src.office_export(f->src.office_ctx, EXPORT_LEDGER, msg, sizeof msg), 1);
    Office *of = office_new(f->db, "/nonexistent/stick");
    Source s;
    source_init(&s, f->db);
    office_source_init(&s, of);
    assert_int_equal(s.office_export(s.office_ctx, EXPORT_AGENDA, msg, sizeof msg), 1);
    assert_non_null(strstr(msg, "no stick"));
    office_free(of);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_lists, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list_cache, setup, teardown),
        cmocka_unit_test_setup_teardown(test_case_and_contact, setup, teardown),
        cmocka_unit_test_setup_teardown(test_actions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pick, setup, teardown),
        cmocka_unit_test_setup_teardown(test_charts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_devices, setup, teardown),
        cmocka_unit_test_setup_teardown(test_roster, setup, teardown),
        cmocka_unit_test_setup_teardown(test_export_without_stick, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
