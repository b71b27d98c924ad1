/* shares.c - per-address and anonymous limits on concurrent buffer-holding transfers (shares.h):
 * one mutex over a small open-addressed table of addresses in use. */
#include "shares.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define SLOTS 1024   /* addresses with transfers in flight at once; past that, an address shares the
                        count of the slot it hashes to (stricter, never looser) */

struct slot { char addr[48]; unsigned n; };
struct share { unsigned slot; int anonymous; };

struct shares {
  pthread_mutex_t mu;
  unsigned per_client, anonymous, anon_in_use;
  struct slot slots[SLOTS];
  void (*on_release)(void *);
  void *arg;
};

shares_t *shares_create(unsigned per_client, unsigned anonymous) {
  shares_t *s = xcalloc(1, sizeof *s);
  pthread_mutex_init(&s->mu, NULL);
  s->per_client = per_client ? per_client : 1;
  s->anonymous = anonymous;
  return s;
}

void shares_destroy(shares_t *s) {
  if (!s) return;
  pthread_mutex_destroy(&s->mu);
  xfree(s);
}

void shares_on_release(shares_t *s, void (*fn)(void *), void *arg) {
  pthread_mutex_lock(&s->mu);
  s->on_release = fn;
  s->arg = arg;
  pthread_mutex_unlock(&s->mu);
}

static unsigned hash(const char *a) {
  unsigned h = 2166136261u;
  for (; *a; a++) h = (h ^ (unsigned char)*a) * 16777619u;
  return h;
}

/* The slot of addr (called with mu held): its own, or a free one; the last probed when full. */
static unsigned find(shares_t *s, const char *addr) {
  unsigned h = hash(addr) % SLOTS, free_slot = SLOTS;
  for (unsigned i = 0; i < SLOTS; i++) {
    unsigned k = (h + i) % SLOTS;
    if (s->slots[k].n && !strcmp(s->slots[k].addr, addr)) return k;
    if (!s->slots[k].n && free_slot == SLOTS) free_slot = k;
  }
  return free_slot == SLOTS ? h : free_slot;
}

int shares_take(shares_t *s, const struct principal *p, share_t **out) {
  const char *addr = p->source_ip ? p->source_ip : "";
  int anonymous = p->kind == PRINCIPAL_ANONYMOUS;
  pthread_mutex_lock(&s->mu);
  unsigned k = find(s, addr);
  int rc = 0;
  if (s->slots[k].n >= s->per_client) rc = CAIRN_EBUSY;
  else if (anonymous && s->anon_in_use >= s->anonymous) rc = CAIRN_EBUSY;
  if (!rc) {
    if (!s->slots[k].n) snprintf(s->slots[k].addr, sizeof s->slots[k].addr, "%s", addr);
    s->slots[k].n++;
    s->anon_in_use += anonymous;
  }
  pthread_mutex_unlock(&s->mu);
  if (rc) return rc;
  share_t *sh = xmalloc(sizeof *sh);
  *sh = (share_t){k, anonymous};
  *out = sh;
  return 0;
}

void shares_release(shares_t *s, share_t *sh) {
  if (!sh) return;
  pthread_mutex_lock(&s->mu);
  if (s->slots[sh->slot].n) s->slots[sh->slot].n--;
  s->anon_in_use -= (unsigned)sh->anonymous;
  void (*fn)(void *) = s->on_release;
  void *arg = s->arg;
  pthread_mutex_unlock(&s->mu);
  xfree(sh);
  if (fn) fn(arg);
}
