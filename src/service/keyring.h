/* keyring.h - the server's secret key (data_dir/server.key, 32 random bytes, mode 0600, made on
 * first start) and the purpose-specific keys derived from it. */
#ifndef CAIRN_KEYRING_H
#define CAIRN_KEYRING_H
#include <stdint.h>

struct keyring {
  uint8_t seal[32];       /* encrypts user secrets at rest */
  uint8_t blob_sign[32];  /* signs block locators */
  uint8_t sse[32];        /* SSE-S3: the root key of encrypted chunks; SSE-C: checks customer keys */
};

/* Loads data_dir/server.key, creating it when absent (create=1). 0 or CAIRN_E*. */
int keyring_load(const char *data_dir, int create, struct keyring *out);

#endif
