/* lifecycle.c - lifecycle rules and tags: parsed, rendered and evaluated (pure: no I/O; fuzzed).
 * XML through util/xmlpath, JSON through jansson. The janitor's sweep is lifecycle_sweep.c. */
#include "lifecycle.h"
#include "../crypto/sigv4.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include "../util/log.h"
#include "../util/sbuf.h"
#include "../util/timeutil.h"
#include "../util/xmlpath.h"
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- rules ---- */

struct rparse { json_t *rules, *cur; const char *why; int malformed, notimpl; char tagkey[256]; };

/* A positive whole number of days; else the reason. */
static const char *days_of(const char *text, json_int_t *out) {
  char *end;
  long long v = strtoll(text, &end, 10);
  if (!*text || *end) return "Days must be a whole number";
  if (v <= 0) return "Days must be a positive integer";
  *out = v;
  return NULL;
}

static void r_open(void *ctx, const char *path) {
  struct rparse *p = ctx;
  if (!strcmp(path, "/LifecycleConfiguration/Rule")) {
    p->cur = json_object();
    json_object_set_new(p->cur, "tags", json_object());
    json_array_append_new(p->rules, p->cur);
  }
}

static void r_leaf(void *ctx, const char *path, const char *text) {
  struct rparse *p = ctx;
  const char *r = "/LifecycleConfiguration/Rule/";
  if (!p->cur || strncmp(path, r, strlen(r))) return;
  const char *f = path + strlen(r);
  json_int_t d = 0;
  const char *bad;
  if (!strcmp(f, "ID")) {
    if (strlen(text) > 255) { p->why = "a rule ID is at most 255 characters"; return; }
    json_object_set_new(p->cur, "id", json_string(text));
  } else if (!strcmp(f, "Status")) {
    if (strcmp(text, "Enabled") && strcmp(text, "Disabled")) { p->why = "Status must be Enabled or Disabled"; p->malformed = 1; return; }
    json_object_set_new(p->cur, "enabled", json_boolean(!strcmp(text, "Enabled")));
  } else if (!strcmp(f, "Prefix")) {   /* the legacy rule form: kept as sent */
    json_object_set_new(p->cur, "prefix", json_string(text));
    json_object_set_new(p->cur, "legacy_prefix", json_true());
  } else if (!strcmp(f, "Filter/Prefix") || !strcmp(f, "Filter/And/Prefix"))
    json_object_set_new(p->cur, "prefix", json_string(text));
  else if (!strcmp(f, "Filter/Tag/Key") || !strcmp(f, "Filter/And/Tag/Key")) snprintf(p->tagkey, sizeof p->tagkey, "%s", text);
  else if (!strcmp(f, "Filter/Tag/Value") || !strcmp(f, "Filter/And/Tag/Value"))
    json_object_set_new(json_object_get(p->cur, "tags"), p->tagkey, json_string(text));
  else if (!strcmp(f, "Expiration/Days")) {
    if ((bad = days_of(text, &d))) { p->why = bad; return; }
    json_object_set_new(p->cur, "days", json_integer(d));
  } else if (!strcmp(f, "Expiration/Date")) {
    struct tm tm = {0};
    const char *end = strptime(text, "%Y-%m-%dT%H:%M:%S", &tm);
    if (!end || (strcmp(end, "Z") && strcmp(end, ".000Z") && strcmp(end, "+00:00") && *end)) {
      p->why = "Expiration Date must be ISO 8601";
      return;
    }
    if (tm.tm_hour || tm.tm_min || tm.tm_sec) { p->why = "Expiration Date must be at midnight UTC"; return; }
    json_object_set_new(p->cur, "date_ms", json_integer((json_int_t)timegm(&tm) * 1000));
  } else if (!strcmp(f, "AbortIncompleteMultipartUpload/DaysAfterInitiation")) {
    if ((bad = days_of(text, &d))) { p->why = bad; return; }
    json_object_set_new(p->cur, "abort_days", json_integer(d));
  } else if (!strcmp(f, "Expiration/ExpiredObjectDeleteMarker")) {
    if (strcmp(text, "true") && strcmp(text, "false")) { p->why = "ExpiredObjectDeleteMarker is true or false"; p->malformed = 1; return; }
    json_object_set_new(p->cur, "expired_delete_marker", json_boolean(!strcmp(text, "true")));
  } else if (!strcmp(f, "NoncurrentVersionExpiration/NoncurrentDays")) {
    if ((bad = days_of(text, &d))) { p->why = bad; return; }
    json_object_set_new(p->cur, "noncurrent_days", json_integer(d));
  } else if (!strncmp(f, "Transition", 10) || !strncmp(f, "NoncurrentVersionTransition", 27) ||
             !strncmp(f, "Filter/ObjectSize", 17) || !strncmp(f, "Filter/And/ObjectSize", 21) ||
             !strcmp(f, "NoncurrentVersionExpiration/NewerNoncurrentVersions")) {
    p->why = "storage-class transitions, object-size filters and NewerNoncurrentVersions are not implemented";
    p->notimpl = 1;
  } else if (strcmp(f, "Filter") && strcmp(f, "Filter/And") && strcmp(f, "Filter/Tag") && strcmp(f, "Filter/And/Tag") &&
             strcmp(f, "Expiration") && strcmp(f, "AbortIncompleteMultipartUpload") && strcmp(f, "NoncurrentVersionExpiration")) {
    p->why = "an element a lifecycle Rule does not have";   /* refused, never ignored */
    p->malformed = 1;
  }
}

/* Every rule: a Status, an action, an ID unique in the configuration. */
static const char *rules_check(json_t *rules, int *malformed) {
  size_t i, j;
  json_t *a, *b;
  json_array_foreach(rules, i, a) {
    if (!json_object_get(a, "enabled")) { *malformed = 1; return "every Rule needs a Status"; }
    if (!json_object_get(a, "days") && !json_object_get(a, "date_ms") && !json_object_get(a, "abort_days") &&
        !json_object_get(a, "expired_delete_marker") && !json_object_get(a, "noncurrent_days"))
      return "a Rule needs an action (Expiration, NoncurrentVersionExpiration or AbortIncompleteMultipartUpload)";
    const char *id = json_string_value(json_object_get(a, "id"));
    json_array_foreach(rules, j, b)
      if (j < i && id && json_string_value(json_object_get(b, "id")) && !strcmp(id, json_string_value(json_object_get(b, "id"))))
        return "rule IDs must be unique";
  }
  return NULL;
}

int lifecycle_parse(const char *xml, size_t len, char **rules, const char **why) {
  struct rparse p = {json_array(), NULL, NULL, 0, 0, ""};
  int rc = xmlpath_parse(xml, len, r_open, r_leaf, &p);
  if (!rc && !json_array_size(p.rules)) { rc = CAIRN_EMALFORMEDXML; p.why = "no Rule"; }
  if (!rc && !p.why) p.why = rules_check(p.rules, &p.malformed);
  if (!rc && p.why) rc = p.notimpl ? CAIRN_ENOTIMPL : p.malformed ? CAIRN_EMALFORMEDXML : CAIRN_EINVAL;
  *why = p.why;
  *rules = rc ? NULL : json_dumps(p.rules, JSON_COMPACT);
  json_decref(p.rules);
  if (*rules) { char *c = xstrdup(*rules); free(*rules); *rules = c; }
  return rc;
}

static int rule_matches(json_t *rule, const char *key, json_t *tags) {
  if (!json_is_true(json_object_get(rule, "enabled"))) return 0;
  const char *prefix = json_string_value(json_object_get(rule, "prefix"));
  if (prefix && strncmp(key, prefix, strlen(prefix))) return 0;
  const char *k;
  json_t *v;
  json_object_foreach(json_object_get(rule, "tags"), k, v) {
    json_t *have = tags ? json_object_get(tags, k) : NULL;
    if (!have || strcmp(json_string_value(have), json_string_value(v))) return 0;
  }
  return 1;
}

/* A day count from `from`, as S3 rounds it: to the next midnight UTC (unless tests shrank the day). */
static int64_t days_after(int64_t from, json_int_t days, int64_t day_ms) {
  int64_t when = from + days * day_ms;
  return day_ms == 86400000 ? (when + day_ms - 1) / day_ms * day_ms : when;
}

int lifecycle_expiration(const char *rules, const char *key, const char *tags, int64_t created_ms, int64_t day_ms,
                         int64_t *at_ms, char rule_id[256]) {
  if (!rules) return 0;
  json_t *rs = json_loads(rules, 0, NULL), *ts = json_loads(tags ? tags : "{}", 0, NULL), *rule;
  size_t i;
  int found = 0;
  json_array_foreach(rs, i, rule) {
    if (!rule_matches(rule, key, ts)) continue;
    json_int_t days = json_integer_value(json_object_get(rule, "days"));
    json_int_t date = json_integer_value(json_object_get(rule, "date_ms"));
    int64_t when = 0;
    if (days > 0) {
      when = days_after(created_ms, days, day_ms);   /* S3: the next midnight UTC */
    } else if (date > 0) {
      when = date;
    }
    if (when && (!found || when < *at_ms)) {
      found = 1;
      *at_ms = when;
      const char *id = json_string_value(json_object_get(rule, "id"));
      snprintf(rule_id, 256, "%s", id ? id : "");
    }
  }
  json_decref(rs);
  json_decref(ts);
  return found;
}

int lifecycle_expired(const char *rules, const char *key, const char *tags, int64_t created_ms,
                      int64_t now_ms, int64_t day_ms) {
  int64_t at = 0;
  char id[256];
  return lifecycle_expiration(rules, key, tags, created_ms, day_ms, &at, id) && now_ms >= at;
}

int lifecycle_noncurrent_due(const char *rules, const char *key, const char *tags, int64_t noncurrent_ms,
                             int64_t now_ms, int64_t day_ms) {
  if (!rules) return 0;
  json_t *rs = json_loads(rules, 0, NULL), *ts = json_loads(tags ? tags : "{}", 0, NULL), *rule;
  size_t i;
  int due = 0;
  json_array_foreach(rs, i, rule) {
    json_int_t d = json_integer_value(json_object_get(rule, "noncurrent_days"));
    if (d > 0 && rule_matches(rule, key, ts) && now_ms >= days_after(noncurrent_ms, d, day_ms)) due = 1;
  }
  json_decref(rs);
  json_decref(ts);
  return due;
}

int lifecycle_marker_rule(const char *rules, const char *key) {
  if (!rules) return 0;
  json_t *rs = json_loads(rules, 0, NULL), *rule, *none = json_object();
  size_t i;
  int on = 0;
  json_array_foreach(rs, i, rule)
    if (json_is_true(json_object_get(rule, "expired_delete_marker")) && rule_matches(rule, key, none)) on = 1;
  json_decref(rs);
  json_decref(none);
  return on;
}

int lifecycle_abort_due(const char *rules, const char *key, int64_t created_ms, int64_t now_ms, int64_t day_ms) {
  if (!rules) return 0;
  json_error_t e;
  json_t *rs = json_loads(rules, 0, &e), *rule;
  size_t i;
  int due = 0;
  json_array_foreach(rs, i, rule) {
    json_int_t d = json_integer_value(json_object_get(rule, "abort_days"));
    const char *prefix = json_string_value(json_object_get(rule, "prefix"));
    if (json_is_true(json_object_get(rule, "enabled")) && d > 0 && (!prefix || !strncmp(key, prefix, strlen(prefix))) &&
        created_ms + d * day_ms <= now_ms)
      due = 1;
  }
  json_decref(rs);
  return due;
}

char *lifecycle_to_xml(const char *rules) {
  json_error_t e;
  json_t *rs = json_loads(rules, 0, &e), *rule;
  sbuf_t b = {0};
  sbuf_adds(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<LifecycleConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">");
  size_t i;
  json_array_foreach(rs, i, rule) {
    sbuf_adds(&b, "<Rule>");
    const char *id = json_string_value(json_object_get(rule, "id"));
    if (id) sbuf_xml(&b, "ID", id);
    json_t *tags = json_object_get(rule, "tags");
    const char *prefix = json_string_value(json_object_get(rule, "prefix"));
    size_t nt = json_object_size(tags);
    if (json_is_true(json_object_get(rule, "legacy_prefix"))) {   /* as it was sent */
      sbuf_xml(&b, "Prefix", prefix ? prefix : "");
    } else {
      sbuf_adds(&b, "<Filter>");
      if ((prefix ? 1 : 0) + nt > 1) sbuf_adds(&b, "<And>");
      if (prefix) sbuf_xml(&b, "Prefix", prefix);
      const char *k;
      json_t *v;
      json_object_foreach(tags, k, v) { sbuf_adds(&b, "<Tag>"); sbuf_xml(&b, "Key", k); sbuf_xml(&b, "Value", json_string_value(v)); sbuf_adds(&b, "</Tag>"); }
      if ((prefix ? 1 : 0) + nt > 1) sbuf_adds(&b, "</And>");
      sbuf_adds(&b, "</Filter>");
    }
    sbuf_printf(&b, "<Status>%s</Status>", json_is_true(json_object_get(rule, "enabled")) ? "Enabled" : "Disabled");
    json_int_t days = json_integer_value(json_object_get(rule, "days")), date = json_integer_value(json_object_get(rule, "date_ms"));
    json_t *edm = json_object_get(rule, "expired_delete_marker");
    if (days) sbuf_printf(&b, "<Expiration><Days>%lld</Days></Expiration>", (long long)days);
    if (edm) sbuf_printf(&b, "<Expiration><ExpiredObjectDeleteMarker>%s</ExpiredObjectDeleteMarker></Expiration>",
                         json_is_true(edm) ? "true" : "false");
    json_int_t nd = json_integer_value(json_object_get(rule, "noncurrent_days"));
    if (nd) sbuf_printf(&b, "<NoncurrentVersionExpiration><NoncurrentDays>%lld</NoncurrentDays></NoncurrentVersionExpiration>", (long long)nd);
    if (date) {
      time_t t = (time_t)(date / 1000);
      struct tm tm;
      gmtime_r(&t, &tm);
      char ts[40];
      strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
      sbuf_printf(&b, "<Expiration><Date>%s</Date></Expiration>", ts);
    }
    json_int_t ad = json_integer_value(json_object_get(rule, "abort_days"));
    if (ad) sbuf_printf(&b, "<AbortIncompleteMultipartUpload><DaysAfterInitiation>%lld</DaysAfterInitiation></AbortIncompleteMultipartUpload>", (long long)ad);
    sbuf_adds(&b, "</Rule>");
  }
  sbuf_adds(&b, "</LifecycleConfiguration>\n");
  json_decref(rs);
  return sbuf_steal(&b);
}

/* ---- tags ---- */

static char *dump(json_t *o) {
  char *s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
  json_decref(o);
  char *c = xstrdup(s ? s : "{}");
  free(s);
  return c;
}

/* S3's limits: at most 10 tags, keys of 1 to 128 and values of at most 256 characters (UTF-8). */
static size_t chars(const char *u) { size_t n = 0; for (; *u; u++) n += ((unsigned char)*u & 0xc0) != 0x80; return n; }
static int tag_ok(const char *k, const char *v) { return *k && chars(k) <= 128 && chars(v) <= 256; }

int tags_from_query(const char *q, char **json) {
  json_t *o = json_object();
  int rc = 0;
  for (const char *p = q; p && *p && !rc;) {
    const char *amp = strchr(p, '&');
    size_t len = amp ? (size_t)(amp - p) : strlen(p);
    const char *eq = memchr(p, '=', len);
    size_t kl = eq ? (size_t)(eq - p) : len;
    char *k = sigv4_uri_decode(p, kl), *v = eq ? sigv4_uri_decode(eq + 1, len - kl - 1) : xstrdup("");
    if (!k || !v || !tag_ok(k, v) || json_object_get(o, k)) rc = CAIRN_EINVALIDTAG;
    else json_object_set_new(o, k, json_string(v));
    xfree(k);
    xfree(v);
    p = amp ? amp + 1 : NULL;
  }
  if (!rc && json_object_size(o) > 10) rc = CAIRN_EINVALIDTAG;
  if (rc) { json_decref(o); *json = NULL; return rc; }
  *json = dump(o);
  return 0;
}

struct tparse { json_t *o; char key[1024]; int bad, keylong; };
static void t_leaf(void *ctx, const char *path, const char *text) {
  struct tparse *t = ctx;
  if (!strcmp(path, "/Tagging/TagSet/Tag/Key")) {
    t->keylong = strlen(text) >= sizeof t->key;
    snprintf(t->key, sizeof t->key, "%s", text);
  } else if (!strcmp(path, "/Tagging/TagSet/Tag/Value")) {
    if (t->keylong || !tag_ok(t->key, text) || json_object_get(t->o, t->key)) t->bad = 1;
    else json_object_set_new(t->o, t->key, json_string(text));
  }
}

int tags_from_xml_max(const char *xml, size_t len, size_t max, char **json) {
  struct tparse t = {json_object(), "", 0, 0};
  int rc = xmlpath_parse(xml, len, NULL, t_leaf, &t);
  if (!rc && (t.bad || json_object_size(t.o) > max)) rc = CAIRN_EINVALIDTAG;
  if (rc) { json_decref(t.o); return rc; }
  *json = dump(t.o);
  return 0;
}

int tags_from_xml(const char *xml, size_t len, char **json) { return tags_from_xml_max(xml, len, 10, json); }

char *tags_to_xml(const char *json) {
  json_error_t e;
  json_t *o = json_loads(json ? json : "{}", 0, &e);
  sbuf_t b = {0};
  sbuf_adds(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Tagging xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><TagSet>");
  const char *k;
  json_t *v;
  json_object_foreach(o, k, v) { sbuf_adds(&b, "<Tag>"); sbuf_xml(&b, "Key", k); sbuf_xml(&b, "Value", json_string_value(v)); sbuf_adds(&b, "</Tag>"); }
  sbuf_adds(&b, "</TagSet></Tagging>\n");
  json_decref(o);
  return sbuf_steal(&b);
}
