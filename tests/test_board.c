/*
 * test_board.c: a kiosk's identity is bound to its board.
 *
 * A database copied to another board (a cloned SD card) may not write or
 * sync as the original device; `enroll` gives it a new identity and a new
 * request, and the original's records stay in its log.
 */
#include <stdlib.h>
#include <string.h>

#include "appeal.h"
#include "clock.h"
#include "db.h"
#include "demo.h"
#include "enroll.h"
#include "memfs.h"
#include "sync.h"
#include "testutil.h"

static void test_copied_card(void **state)
{
    (void)state;
    char *dir = tu_tmpdir(), *path = tu_path(dir, "hall.db");
    setenv("ECHOWALL_BOARD", "board-one", 1);
    tu_pin_day("2026-06-01");
    sqlite3 *db;
    EwErr e = {0};
    assert_int_equal(db_open(path, 1, &db, &e), EW_OK);
    DemoSpec spec = {.seed = 4, .hall = "H07"};
    assert_int_equal(demo_fill(db, &spec, &e), EW_OK);
    Author before;
    assert_int_equal(device_load_self(db, &before, &e), EW_OK);
    int64_t records = 0;
    db_int(db, NULL, &records, 0, "SELECT count(*) FROM records", NULL);

    /* On its own board it writes. */
    char code[CODE_MAX], rating[RATING_CODE_LEN + 1];
    AppealNew in = {.hall = "H07", .category = "water", .text = "井水浑浊", .source = "kiosk"};
    assert_int_equal(db_begin(db, &e), EW_OK);
    assert_int_equal(appeal_add(db, &before, &in, 0, code, rating, &e), EW_OK);
    assert_int_equal(db_commit(db, &e), EW_OK);

    /* The card in another board: no writing, no sync as the original. */
    setenv("ECHOWALL_BOARD", "board-two", 1);
    Author a;
    assert_int_equal(device_load_self(db, &a, &e), EW_OK);
    assert_int_equal(db_begin(db, &e), EW_OK);
    assert_int_equal(appeal_add(db, &a, &in, 0, code, rating, &e), EW_ESTATE);
    assert_non_null(strstr(e.msg, "another board"));
    db_rollback(db);
    StickIO *io = memfs_new();
    io->mkdir(io, "/stick");
    json_t *r = NULL;
    assert_int_equal(sync_stick(db, io, "/stick", &r, &e), EW_ESTATE);
    json_decref(r);
    /* enroll: a new identity, a request, the old records kept. */
    assert_int_equal(enroll_device(db, io, "/stick", &r, &e), EW_OK);
    assert_true(json_is_true(json_object_get(r, "new_identity")));
    assert_string_equal(json_string_value(json_object_get(r, "state")), "requested");
    json_decref(r);
    Author after;
    assert_int_equal(device_load_self(db, &after, &e), EW_OK);
    assert_memory_not_equal(before.id, after.id, EW_DEVICE_LEN);
    assert_int_equal(after.next_seq, 1);
    int64_t now = 0;
    db_int(db, NULL, &now, 0, "SELECT count(*) FROM records", NULL);
    assert_int_equal(now, records + 1);
    memfs_free(io);
    db_close(db);
    unsetenv("ECHOWALL_BOARD");
    clock_set_fixed(0);
    tu_rmdir(dir);
    free(path);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_copied_card)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
