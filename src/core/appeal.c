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
    if (strlen(contact) >= APPEAL_CONTACT_MAX)
        return ew_err(err, EW_EINPUT, "--contact is too long for a phone number");
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

/* The sealed box of an appeal's contact (malloc'd into *box, *n bytes), as
 * appeal_contact describes its refusals. */
static int sealed_contact(sqlite3 *db, const char *code, unsigned char **box, size_t *n,
                          EwErr *err)
{
    sqlite3_stmt *st = db_prep(db, err, "SELECT contact_hash, redacted FROM appeals WHERE code=?",
                               "t", code);
    if (!st)
        return EW_EDB;
    char hex[65] = "";
    int found = sqlite3_step(st) == SQLITE_ROW, redacted = 0;
    if (found) {
        const unsigned char *h = sqlite3_column_text(st, 0);
        snprintf(hex, sizeof hex, "%s", h ? (const char *)h : "");
        redacted = sqlite3_column_int(st, 1);
    }
    db_done(st);
    if (!found)
        return ew_err(err, EW_ENOTFOUND, "no appeal %s", code);
    if (redacted)
        return ew_err(err, EW_ENOTFOUND,
                      "appeal %s was redacted by the office: its contact is deleted everywhere",
                      code);
    unsigned char h[32];
    if (!hex[0])
        return ew_err(err, EW_ENOTFOUND, "appeal %s was taken without a contact", code);
    if (ew_unhex(hex, h, sizeof h) != 0)
        return ew_err(err, EW_ECORRUPT, "appeal %s names its contact by a malformed hash", code);
    st = db_prep(db, err, "SELECT data FROM blobs WHERE hash=?", "b", h, sizeof h);
    if (!st)
        return EW_EDB;
    int rc = EW_OK;
    if (sqlite3_step(st) == SQLITE_ROW) {
        *n = (size_t)sqlite3_column_bytes(st, 0);
        *box = ew_xmalloc(*n ? *n : 1);
        if (*n)
            memcpy(*box, sqlite3_column_blob(st, 0), *n);
    } else {
        rc = ew_err(err, EW_ENOTFOUND,
                    "the contact of appeal %s has not reached this station yet (sync again)",
                    code);
    }
    db_done(st);
    return rc;
}

int appeal_contact(sqlite3 *db, const char *code, char *out, size_t outlen, EwErr *err)
{
    unsigned char town_sk[crypto_sign_SECRETKEYBYTES], town_pk[crypto_sign_PUBLICKEYBYTES];
    unsigned char xsk[crypto_box_SECRETKEYBYTES], xpk[crypto_box_PUBLICKEYBYTES];
    unsigned char *box = NULL, *plain = NULL;
    size_t n = 0, len = 0;
    char canon[CODE_MAX];
    if (out && outlen)
        out[0] = '\0';
    if (!out || outlen == 0)
        return ew_err(err, EW_EINPUT, "no room for the contact");
    /* The role first: a kiosk learns nothing, not even which appeals have one. */
    int rc = device_town_sk(db, town_sk, err);
    if (rc == EW_EDENIED)
        rc = ew_err(err, EW_EDENIED,
                    "only the office station holds the town key that opens a contact");
    if (rc)
        return rc;
    rc = code_normalize(code ? code : "", canon, err);
    if (rc == EW_OK)
        rc = sealed_contact(db, canon, &box, &n, err);
    if (rc == EW_OK && n <= crypto_box_SEALBYTES)
        rc = ew_err(err, EW_ECORRUPT, "the sealed contact of appeal %s is truncated", canon);
    if (rc == EW_OK) {
        len = n - crypto_box_SEALBYTES;
        plain = ew_xmalloc(len + 1);
        crypto_sign_ed25519_sk_to_pk(town_pk, town_sk);
        if (crypto_sign_ed25519_sk_to_curve25519(xsk, town_sk) != 0 ||
            crypto_sign_ed25519_pk_to_curve25519(xpk, town_pk) != 0 ||
            crypto_box_seal_open(plain, box, n, xpk, xsk) != 0)
            rc = ew_err(err, EW_ECORRUPT,
                        "the contact of appeal %s does not open with the town key", canon);
    }
    if (rc == EW_OK) {
        /* Sealed by a kiosk: checked before it reaches a terminal or a form. */
        plain[len] = '\0';
        if (memchr(plain, '\0', len) || appeal_check_contact((const char *)plain, NULL) != EW_OK)
            rc = ew_err(err, EW_ECORRUPT, "the contact of appeal %s is not a phone number",
                        canon);
        else if (len >= outlen)
            rc = ew_err(err, EW_EINPUT, "no room for the contact of appeal %s", canon);
        else
            memcpy(out, plain, len + 1);
    }
    sodium_memzero(town_sk, sizeof town_sk);
    sodium_memzero(xsk, sizeof xsk);
    if (plain) {
        sodium_memzero(plain, len + 1);
        free(plain);
    }
    free(box);
    return rc;
}
