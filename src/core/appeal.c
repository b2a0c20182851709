/*
 * appeal.c: appeal operations as records (see appeal.h).
 */
#include "appeal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "db.h"
#include "domain.h"

void appeal_rating_hash(const char *code, const char *proof, char out[65])
{
    static const char tag[] = "echowall/rating/1";
    unsigned char h[32];
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, sizeof h);
    crypto_generichash_update(&st, (const unsigned char *)tag, sizeof tag);
    crypto_generichash_update(&st, (const unsigned char *)code, strlen(code) + 1);
    crypto_generichash_update(&st, (const unsigned char *)proof, strlen(proof));
    crypto_generichash_final(&st, h, sizeof h);
    ew_hex(h, sizeof h, out);
}

int appeal_check_text(const char *what, const char *text, size_t max, EwErr *err)
{
    if (!text || ew_blank(text))
        return ew_err(err, EW_EINPUT, "%s is empty", what);
    if (!ew_text_ok(text, max))
        return ew_err(err, EW_EINPUT,
                      "%s must be UTF-8 text of at most %zu bytes without control characters",
                      what, max);
    return EW_OK;
}

int appeal_check_contact(const char *contact, EwErr *err)
{
    int digits = 0;
    for (const char *p = contact; *p; p++) {
        if (*p >= '0' && *p <= '9')
            digits++;
        else if (!(*p == '+' && p == contact) && *p != ' ' && *p != '-')
            return ew_err(err, EW_EINPUT, "--contact '%s' is not a phone number", contact);
    }
    if (digits < 5 || digits > 20)
        return ew_err(err, EW_EINPUT, "--contact '%s' is not a phone number", contact);
    return EW_OK;
}

/* Optional "day" member. */
static int add_day(json_t *body, const char *day, EwErr *err)
{
    int64_t d;
    if (!day)
        return EW_OK;
    if (clock_parse_day(day, &d) != 0)
        return ew_err(err, EW_EINPUT, "date '%s' is not a real YYYY-MM-DD date", day);
    json_object_set_new(body, "day", json_string(day));
    return EW_OK;
}

static int write(sqlite3 *db, Author *a, int64_t hlc, const char *kind, json_t *body, EwErr *err)
{
    int rc = device_author(db, a, hlc, kind, body, err);
    json_decref(body);
    return rc;
}

static int put_text(sqlite3 *db, json_t *body, const char *key, const char *text, EwErr *err)
{
    char hex[65];
    int rc = blob_put(db, text, strlen(text), hex, err);
    if (rc == EW_OK)
        json_object_set_new(body, key, json_string(hex));
    return rc;
}

/* Next free code in the author's slot: past every code that already exists
 * (a restored backup, an imported ledger). */
static int mint(sqlite3 *db, Author *a, const char *hall, char out[CODE_MAX], EwErr *err)
{
    for (int tries = 0; tries < 100000; tries++) {
        if (code_make(hall, a->slot, a->code_next, out) != 0)
            return ew_err(err, EW_EINPUT, "cannot make a tracking code for hall '%s'", hall);
        int64_t n = 0;
        int rc = db_int(db, err, &n, 0, "SELECT count(*) FROM appeals WHERE code=?", "t", out);
        if (rc)
            return rc;
        a->code_next++;
        if (!n)
            return EW_OK;
    }
    return ew_err(err, EW_ESTATE, "no free tracking code left in slot %c", a->slot);
}

int appeal_add(sqlite3 *db, Author *a, const AppealNew *in, int64_t hlc, char code_out[CODE_MAX],
               char rating_out[RATING_CODE_LEN + 1], EwErr *err)
{
    const Term *cat = domain_find(DOMAIN_CATEGORIES, in->category);
    const Term *src = domain_find(DOMAIN_SOURCES, in->source ? in->source : "staff");
    if (!code_hall_valid(in->hall))
        return ew_err(err, EW_EINPUT, "--hall '%s' is not a hall code like H07",
                      in->hall ? in->hall : "");
    if (!cat)
        return ew_err(err, EW_EINPUT,
                      "--category '%s' is not one of street_light 路灯, garbage 垃圾, road_bridge "
                      "道路桥梁, water 水利, housing_site 宅基地, insurance 两险, traffic_safety "
                      "交通安全, other 其他",
                      in->category ? in->category : "");
    if (!src)
        return ew_err(err, EW_EINPUT, "--source '%s' is not kiosk, meeting or staff", in->source);
    int rc = appeal_check_text("--text", in->text, APPEAL_TEXT_MAX, err);
    if (rc)
        return rc;
    if (in->grid && (rc = appeal_check_text("--grid", in->grid, 100, err)))
        return rc;
    if (in->contact && (rc = appeal_check_contact(in->contact, err)))
        return rc;
    json_t *body = json_object();
    if ((rc = add_day(body, in->day, err)))
        goto fail;
    if (in->code) {
        if ((rc = code_normalize(in->code, code_out, err)))
            goto fail;
    } else if ((rc = mint(db, a, in->hall, code_out, err))) {
        goto fail;
    }
    if (in->rating_code)
        snprintf(rating_out, RATING_CODE_LEN + 1, "%s", in->rating_code);
    else
        snprintf(rating_out, RATING_CODE_LEN + 1, "%06u", randombytes_uniform(1000000));
    char rhash[65];
    appeal_rating_hash(code_out, rating_out, rhash);
    json_object_set_new(body, "code", json_string(code_out));
    json_object_set_new(body, "hall", json_string(in->hall));
    json_object_set_new(body, "category", json_string(cat->key));
    json_object_set_new(body, "source", json_string(src->key));
    json_object_set_new(body, "rating", json_string(rhash));
    if (in->grid)
        json_object_set_new(body, "grid", json_string(in->grid));
    if (in->ledger_no && *in->ledger_no)
        json_object_set_new(body, "ledger_no", json_string(in->ledger_no));
    if ((rc = put_text(db, body, "text", in->text, err)))
        goto fail;
    if (in->contact) {
        unsigned char town_pk[crypto_sign_PUBLICKEYBYTES], xpk[crypto_box_PUBLICKEYBYTES];
        if (device_town_pk(db, town_pk) != 0 ||
            crypto_sign_ed25519_pk_to_curve25519(xpk, town_pk) != 0) {
            rc = ew_err(err, EW_ESTATE, "this device does not know the town's key yet (enrol it "
                                        "first), so it cannot keep a contact privately");
            goto fail;
        }
        size_t n = strlen(in->contact);
        unsigned char *sealed = ew_xmalloc(n + crypto_box_SEALBYTES);
        char hex[65];
        crypto_box_seal(sealed, (const unsigned char *)in->contact, n, xpk);
        rc = blob_put(db, sealed, n + crypto_box_SEALBYTES, hex, err);
        free(sealed);
        if (rc)
            goto fail;
        json_object_set_new(body, "contact", json_string(hex));
    }
    return write(db, a, hlc, "appeal.new", body, err);
fail:
    json_decref(body);
    return rc;
}

/* A body naming an appeal, with the optional day. */
static int appeal_body(const char *code, const char *day, json_t **out, char canon[CODE_MAX],
                       EwErr *err)
{
    int rc = code_normalize(code ? code : "", canon, err);
    if (rc)
        return rc;
    *out = json_pack("{s:s}", "code", canon);
    rc = add_day(*out, day, err);
    if (rc) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

int appeal_grade(sqlite3 *db, Author *a, const char *code, const char *grade, const char *due,
                 const char *day, int64_t hlc, EwErr *err)
{
    const Term *g = domain_find(DOMAIN_GRADES, grade);
    int64_t d;
    if (!g)
        return ew_err(err, EW_EINPUT, "grade '%s' is not green, blue or orange",
                      grade ? grade : "");
    if (due && clock_parse_day(due, &d) != 0)
        return ew_err(err, EW_EINPUT, "--due '%s' is not a real YYYY-MM-DD date", due);
    json_t *body;
    char canon[CODE_MAX];
    int rc = appeal_body(code, day, &body, canon, err);
    if (rc)
        return rc;
    json_object_set_new(body, "grade", json_string(g->key));
    if (due)
        json_object_set_new(body, "due", json_string(due));
    return write(db, a, hlc, "appeal.grade", body, err);
}

int appeal_assign(sqlite3 *db, Author *a, const char *code, const char *member,
                  const char *leader, const char *unit, const char *due, const char *day,
                  int64_t hlc, EwErr *err)
{
    int64_t d;
    if (due && clock_parse_day(due, &d) != 0)
        return ew_err(err, EW_EINPUT, "--due '%s' is not a real YYYY-MM-DD date", due);
    json_t *body;
    char canon[CODE_MAX];
    int rc = appeal_body(code, day, &body, canon, err);
    if (rc)
        return rc;
    json_object_set_new(body, "member", json_string(member));
    json_object_set_new(body, "leader", json_string(leader));
    json_object_set_new(body, "unit", json_string(unit));
    if (due)
        json_object_set_new(body, "due", json_string(due));
    return write(db, a, hlc, "appeal.assign", body, err);
}

int appeal_step(sqlite3 *db, Author *a, const char *action, const char *code, const char *text,
                const char *day, int64_t hlc, EwErr *err)
{
    static const struct {
        const char *action, *kind, *field, *what;
        int required;
    } steps[] = {
        {"progress", "appeal.progress", "note", "--note", 1},
        {"escalate", "appeal.escalate", "note", "--note", 0},
        {"solve", "appeal.solve", "answer", "--answer", 1},
        {"reopen", "appeal.reopen", "note", "--note", 1},
    };
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        if (strcmp(steps[i].action, action) != 0)
            continue;
        int rc = EW_OK;
        if (text || steps[i].required)
            rc = appeal_check_text(steps[i].what, text, APPEAL_TEXT_MAX, err);
        if (rc)
            return rc;
        json_t *body;
        char canon[CODE_MAX];
        if ((rc = appeal_body(code, day, &body, canon, err)))
            return rc;
        if (text && (rc = put_text(db, body, steps[i].field, text, err))) {
            json_decref(body);
            return rc;
        }
        return write(db, a, hlc, steps[i].kind, body, err);
    }
    return ew_err(err, EW_EINPUT, "unknown appeal action '%s'", action);
}

int appeal_publish(sqlite3 *db, Author *a, const char *code, const char *day, int64_t hlc,
                   EwErr *err)
{
    json_t *body;
    char canon[CODE_MAX];
    int rc = appeal_body(code, day, &body, canon, err);
    return rc ? rc : write(db, a, hlc, "appeal.publish", body, err);
}

int appeal_redact(sqlite3 *db, Author *a, const char *code, const char *reason, EwErr *err)
{
    int rc = appeal_check_text("--reason", reason, 400, err);
    if (rc)
        return rc;
    json_t *body;
    char canon[CODE_MAX];
    if ((rc = appeal_body(code, NULL, &body, canon, err)))
        return rc;
    json_object_set_new(body, "reason", json_string(reason));
    return write(db, a, 0, "appeal.redact", body, err);
}

int appeal_rate(sqlite3 *db, Author *a, const char *code, const char *proof, const char *rating,
                const char *day, int64_t hlc, EwErr *err)
{
    if (!rating || (strcmp(rating, "satisfied") != 0 && strcmp(rating, "unsatisfied") != 0))
        return ew_err(err, EW_EINPUT, "rating '%s' is not satisfied or unsatisfied",
                      rating ? rating : "");
    if (!proof || strlen(proof) != RATING_CODE_LEN || strspn(proof, "0123456789") != RATING_CODE_LEN)
        return ew_err(err, EW_EINPUT, "--rating-code must be the %d digits printed on the slip",
                      RATING_CODE_LEN);
    json_t *body;
    char canon[CODE_MAX];
    int rc = appeal_body(code, day, &body, canon, err);
    if (rc)
        return rc;
    json_object_set_new(body, "rating", json_string(rating));
    json_object_set_new(body, "proof", json_string(proof));
    return write(db, a, hlc, "appeal.rate", body, err);
}
