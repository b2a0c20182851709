/*
 * enroll.h: enrolling kiosks, and retiring them.
 *
 * The device key never leaves the device. A blank kiosk makes its key and
 * writes STICK/echowall/request-<device>.req (its id and public key, signed
 * with that key). At the office, provisioning signs each pending request
 * into a certificate for the hall named by staff, with a slot letter of its
 * own, and writes cert-<device>.pack (the certificate, the town's public key
 * and name) next to the office's bundle, which carries the roster. Back at
 * the hall, the kiosk installs the pack, pins the town key and imports the
 * stick. Staff compare the town key's fingerprint shown on both screens.
 * The hall code comes from the certificate only.
 */
#ifndef EW_ENROLL_H
#define EW_ENROLL_H

#include <jansson.h>
#include <sqlite3.h>

#include "device.h"
#include "stickio.h"

/* The hall side: installs a waiting answer from the office, or else writes
 * a request. *report: {"state": "requested"|"enrolled"|"already", "device",
 * "hall", "slot", "fingerprint", "sync": {...}}. */
int enroll_device(sqlite3 *db, StickIO *io, const char *dir, json_t **report, EwErr *err);
/* The office side: answers every request on the stick for `hall`.
 * *report: {"provisioned": [{device, hall, slot}], "refused": [...], "sync": {...}}. */
int enroll_provision(sqlite3 *db, StickIO *io, const char *dir, const char *hall,
                     json_t **report, EwErr *err);
/* Office: retires a device (hex id or a unique prefix of at least 6); its
 * records after after_seq (default: the last one held) are refused. */
int enroll_revoke(sqlite3 *db, Author *self, const char *device, int64_t after_seq,
                  char hex_out[33], EwErr *err);

#endif
