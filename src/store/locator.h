/* locator.h - block locators: "<sha256>[+<size>][+A<hmac>@<expiry-hex>]". The +A hint is a
 * permission signature (Arvados style): HMAC-SHA256 over "<id>+<size>@<expiry-hex>" with the
 * server's blob-signing key; the bearer may read the block until the expiry (unix seconds). */
#ifndef CAIRN_LOCATOR_H
#define CAIRN_LOCATOR_H
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define LOCATOR_MAX 200

struct locator {
  char id[65];
  int64_t size;        /* -1 when absent */
  int is_signed;
  char sig[65];
  uint64_t expiry;     /* unix seconds */
};

int locator_parse(const char *s, struct locator *out);      /* 0 or CAIRN_EINVAL */
/* Writes "<id>+<size>+A<sig>@<expiry>" into out (LOCATOR_MAX bytes). */
void locator_sign(const uint8_t key[32], const char *id, uint64_t size, uint64_t expiry,
                  char out[LOCATOR_MAX]);
/* 0 when the signature is valid and unexpired; CAIRN_EAUTH when wrong; CAIRN_EEXPIRED. */
int locator_verify(const uint8_t key[32], const struct locator *l, time_t now);

#endif
