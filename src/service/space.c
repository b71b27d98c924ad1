/* space.c - the free-space reserve and the metadata ballast (space.h). */
#include "space.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include "../util/log.h"
#include "../util/timeutil.h"
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/statvfs.h>
#include <unistd.h>

struct space {
  pthread_mutex_t mu;
  store_t *store;
  char *dir, *ballast_path;
  uint64_t reserve, ballast;
  int has_ballast;
  int64_t checked_ms;   /* space_writes_ok's last answer, reused for CHECK_EVERY_MS */
  uint64_t headroom;    /* the last check's smallest free space above reserve_space */
  int last_rc;
  const char *last_why;
};

#define CHECK_EVERY_MS 100   /* statvfs per write would cost more than the write's metadata */
/* ... but only while the disk is far from reserve_space: nearer, every write looks again, so a
 * burst of writes cannot run past the reserve (and into the ballast) on a stale answer */
#define CACHE_HEADROOM (256ull << 20)

static uint64_t free_bytes(const char *dir) {
  struct statvfs st;
  if (statvfs(dir, &st)) return UINT64_MAX;   /* cannot tell: do not refuse */
  return (uint64_t)st.f_bavail * st.f_frsize;
}

/* Called with mu held. Writes the ballast (temp + fsync + rename, so a crash leaves no half). */
static void put_ballast(space_t *s) {
  if (!s->ballast || s->has_ballast) return;
  char *tmp = xasprintf("%s.tmp", s->ballast_path);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  int ok = fd >= 0 && !posix_fallocate(fd, 0, (off_t)s->ballast) && !fsync(fd);
  if (fd >= 0) close(fd);
  if (ok && !rename(tmp, s->ballast_path)) s->has_ballast = 1;
  else unlink(tmp);
  xfree(tmp);
}

static int space_check(space_t *s, const char **why);

space_t *space_create(const char *data_dir, store_t *store, uint64_t reserve, uint64_t ballast) {
  space_t *s = xcalloc(1, sizeof *s);
  pthread_mutex_init(&s->mu, NULL);
  s->store = store;
  s->dir = xstrdup(data_dir);
  s->ballast_path = xasprintf("%s/space.ballast", data_dir);
  s->reserve = reserve;
  s->ballast = ballast;
  s->has_ballast = !access(s->ballast_path, F_OK);
  if (!s->has_ballast && free_bytes(s->dir) >= reserve + ballast) put_ballast(s);
  return s;
}

void space_destroy(space_t *s) {
  if (!s) return;
  pthread_mutex_destroy(&s->mu);
  xfree(s->dir);
  xfree(s->ballast_path);
  xfree(s);
}

void space_guard(space_t *s) {
  pthread_mutex_lock(&s->mu);
  if (s->has_ballast && free_bytes(s->dir) < s->ballast) {
    unlink(s->ballast_path);
    s->has_ballast = 0;
    LOGW("disk nearly full: released the %llu-byte metadata ballast so deletes keep working",
         (unsigned long long)s->ballast);
  }
  pthread_mutex_unlock(&s->mu);
}

int space_writes_ok(space_t *s, const char **why) {
  int64_t now = time_mono_ms();
  pthread_mutex_lock(&s->mu);
  int fresh = s->checked_ms && now - s->checked_ms < CHECK_EVERY_MS && s->headroom >= CACHE_HEADROOM,
      rc = s->last_rc;
  *why = s->last_why;
  pthread_mutex_unlock(&s->mu);
  if (fresh) return rc;
  rc = space_check(s, why);
  pthread_mutex_lock(&s->mu);
  s->checked_ms = now;
  s->last_rc = rc;
  s->last_why = *why;
  pthread_mutex_unlock(&s->mu);
  return rc;
}

static int space_check(space_t *s, const char **why) {
  space_guard(s);
  uint64_t meta_free = free_bytes(s->dir);
  uint64_t headroom = meta_free > s->reserve ? meta_free - s->reserve : 0;
  pthread_mutex_lock(&s->mu);
  s->headroom = headroom;
  pthread_mutex_unlock(&s->mu);
  if (meta_free < s->reserve) { *why = "free space on the data directory is below reserve_space"; return CAIRN_ENOSPC; }
  int writable = 0, roomy = 0;
  for (int i = 0; i < store_nvols(s->store); i++) {
    vol_t *v = store_vol(s->store, i);
    if (vol_is_read_only(v)) continue;
    writable++;
    uint64_t f = free_bytes(vol_path(v));
    if (f >= s->reserve) roomy++;
    pthread_mutex_lock(&s->mu);
    if (f < s->reserve + s->headroom) s->headroom = f > s->reserve ? f - s->reserve : 0;
    pthread_mutex_unlock(&s->mu);
  }
  if (writable && !roomy) { *why = "free space on every writable volume is below reserve_space"; return CAIRN_ENOSPC; }
  pthread_mutex_lock(&s->mu);
  if (!s->has_ballast && meta_free >= s->reserve + s->ballast) put_ballast(s);   /* room again */
  pthread_mutex_unlock(&s->mu);
  return 0;
}
