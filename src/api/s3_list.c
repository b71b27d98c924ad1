/* s3_list.c - ListObjects (v1), ListObjectsV2 and ListObjectVersions: prefix, delimiter with
 * CommonPrefixes, max-keys (at most 1000; 0 lists nothing), marker / start-after /
 * continuation-token / key-marker, encoding-type=url, owners (v1 and versions always, v2 with
 * fetch-owner=true), version-id-marker. Versions and delete markers come newest first per key. */
#include "s3.h"
#include "../service/buckets.h"
#include "../crypto/sigv4.h"
#include "s3_xml.h"
#include "../util/alloc.h"
#include "../util/base64.h"
#include "../util/err.h"
#include "../util/sbuf.h"
#include "../util/timeutil.h"
#include <stdlib.h>
#include <string.h>

#define MAX_KEYS 1000

struct lister {
  const char *prefix, *delim;
  int max, count, truncated, url, with_owner, versions;
  char owner[65];
  sbuf_t contents, prefixes;
  char *last;        /* last key or common prefix emitted: the next marker */
  char last_vid[40]; /* ... and the version last emitted (versions; "" after a common prefix) */
  char *skip;        /* keys starting with this common prefix are already counted */
};

static void add_text(struct lister *l, sbuf_t *b, const char *s) {
  if (!l->url) { xml_text(b, s); return; }
  static const char hx[] = "0123456789ABCDEF";
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
        strchr("-_.~/", *p)) sbuf_addc(b, (char)*p);
    else { char e[3] = {'%', hx[*p >> 4], hx[*p & 15]}; sbuf_add(b, e, 3); }
  }
}

static void set_str(char **dst, const char *s, size_t n) {
  xfree(*dst);
  *dst = xstrndup(s, n);
}

static int on_key(void *ctx, const struct meta_object *o) {
  struct lister *l = ctx;
  if (l->skip && !strncmp(o->key, l->skip, strlen(l->skip))) return 0;
  if (l->count >= l->max) { l->truncated = 1; return 1; }
  size_t pl = strlen(l->prefix);
  const char *d = *l->delim ? strstr(o->key + pl, l->delim) : NULL;
  if (d) {
    size_t cl = (size_t)(d - o->key) + strlen(l->delim);
    set_str(&l->skip, o->key, cl);
    set_str(&l->last, o->key, cl);
    *l->last_vid = 0;
    sbuf_adds(&l->prefixes, "<CommonPrefixes><Prefix>");
    add_text(l, &l->prefixes, l->skip);
    sbuf_adds(&l->prefixes, "</Prefix></CommonPrefixes>");
  } else {
    set_str(&l->last, o->key, strlen(o->key));
    snprintf(l->last_vid, sizeof l->last_vid, "%s", *o->version_id ? o->version_id : "null");
    char ts[40];
    time_format_iso8601_ms(o->created_ms, ts, sizeof ts);
    const char *tag = !l->versions ? "Contents" : o->delete_marker ? "DeleteMarker" : "Version";
    sbuf_printf(&l->contents, "<%s><Key>", tag);
    add_text(l, &l->contents, o->key);
    sbuf_adds(&l->contents, "</Key>");
    if (l->versions)
      sbuf_printf(&l->contents, "<VersionId>%s</VersionId><IsLatest>%s</IsLatest>", l->last_vid, o->is_latest ? "true" : "false");
    sbuf_printf(&l->contents, "<LastModified>%s</LastModified>", ts);
    if (!o->delete_marker)
      sbuf_printf(&l->contents, "<ETag>&quot;%s&quot;</ETag><Size>%llu</Size>", o->etag, (unsigned long long)o->size);
    if (l->with_owner) {
      sbuf_adds(&l->contents, "<Owner><ID>");
      xml_text(&l->contents, l->owner);
      sbuf_adds(&l->contents, "</ID><DisplayName>");
      xml_text(&l->contents, l->owner);
      sbuf_adds(&l->contents, "</DisplayName></Owner>");
    }
    if (!o->delete_marker) sbuf_adds(&l->contents, "<StorageClass>STANDARD</StorageClass>");
    sbuf_printf(&l->contents, "</%s>", tag);
  }
  l->count++;
  return 0;
}

static int stop_at_once(void *ctx, const struct meta_object *o) { (void)ctx; (void)o; return 1; }

/* Continuation tokens are the base64 of the last key or common prefix returned. */
static char *token_encode(const char *s) { return base64_encode(s, strlen(s)); }

static char *token_decode(const char *t) {
  size_t n;
  unsigned char *out = base64_decode(t, 4 * 1024, &n);
  if (out && memchr(out, 0, n)) { xfree(out); return NULL; }   /* keys have no NUL */
  return (char *)out;
}

int s3_list_objects(req_t *r, struct s3_req *q) {
  struct app *a = r->app;
  int rc;
  const char *lt = http_query(r, "list-type");
  int v2 = lt && !strcmp(lt, "2");
  int vers = q->op == S3_LIST_VERSIONS;
  const char *mk = http_query(r, "max-keys"), *enc = http_query(r, "encoding-type");
  struct lister l = {0};
  l.prefix = http_query(r, "prefix") ? http_query(r, "prefix") : "";
  l.delim = http_query(r, "delimiter") ? http_query(r, "delimiter") : "";
  l.max = MAX_KEYS;
  if (mk) {
    char *end;
    long v = strtol(mk, &end, 10);
    if (!*mk || *end || v < 0) return http_fail(r, CAIRN_EINVAL, "max-keys must be a non-negative integer");
    if (v < l.max) l.max = (int)v;
  }
  if (enc && strcmp(enc, "url")) return http_fail(r, CAIRN_EINVAL, "encoding-type must be url");
  const char *fo = v2 ? http_query(r, "fetch-owner") : NULL;
  if (fo && strcmp(fo, "true") && strcmp(fo, "false")) return http_fail(r, CAIRN_EINVAL, "fetch-owner must be true or false");
  l.with_owner = v2 ? fo && !strcmp(fo, "true") : 1;   /* v1 always shows owners */
  l.versions = vers;
  const char *vm = vers ? http_query(r, "version-id-marker") : NULL;
  if (vm && *vm && !http_query(r, "key-marker")) return http_fail(r, CAIRN_EINVAL, "version-id-marker needs key-marker");
  l.url = enc != NULL;
  const char *token = v2 ? http_query(r, "continuation-token") : NULL;
  const char *start = v2 ? http_query(r, "start-after") : http_query(r, vers ? "key-marker" : "marker");
  char *from = NULL;
  if (token) {
    from = token_decode(token);
    if (!from) return http_fail(r, CAIRN_EINVAL, "the continuation token is not valid");
  } else {
    from = xstrdup(start ? start : "");
  }
  /* a marker that is a common prefix skips everything under it */
  if (*l.delim && strlen(from) > strlen(l.delim) && !strcmp(from + strlen(from) - strlen(l.delim), l.delim))
    l.skip = xstrdup(from);
  /* max-keys=0: nothing, and nothing more to fetch (S3 answers IsTruncated false) */
  if (vers)
    rc = svc_object_versions_list(a->svc, &q->who, q->bucket, l.prefix, l.delim, from, vm, l.max ? on_key : stop_at_once, &l, l.owner);
  else
    rc = svc_object_list(a->svc, &q->who, q->bucket, l.prefix, l.delim, from, l.max ? on_key : stop_at_once, &l, l.owner);
  xfree(from);
  if (rc < 0) {
    sbuf_free(&l.contents); sbuf_free(&l.prefixes); xfree(l.last); xfree(l.skip);
    return http_fail(r, rc, NULL);
  }
  sbuf_t x = {0};
  sbuf_printf(&x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<%s xmlns=\"%s\">", vers ? "ListVersionsResult" : "ListBucketResult", S3_XMLNS);
  xml_elem(&x, "Name", q->bucket);
  /* v1 echoes the request's Prefix as sent; v2 encodes it with the keys */
  sbuf_adds(&x, "<Prefix>");
  if (v2) add_text(&l, &x, l.prefix); else xml_text(&x, l.prefix);
  sbuf_adds(&x, "</Prefix>");
  if (*l.delim) { sbuf_adds(&x, "<Delimiter>"); add_text(&l, &x, l.delim); sbuf_adds(&x, "</Delimiter>"); }
  sbuf_printf(&x, "<MaxKeys>%d</MaxKeys>", l.max);
  if (l.url) sbuf_adds(&x, "<EncodingType>url</EncodingType>");
  sbuf_printf(&x, "<IsTruncated>%s</IsTruncated>", l.truncated ? "true" : "false");
  if (v2) {
    sbuf_printf(&x, "<KeyCount>%d</KeyCount>", l.count);
    if (token) xml_elem(&x, "ContinuationToken", token);
    if (start) { sbuf_adds(&x, "<StartAfter>"); add_text(&l, &x, start); sbuf_adds(&x, "</StartAfter>"); }
    if (l.truncated && l.last) {
      char *t = token_encode(l.last);
      xml_elem(&x, "NextContinuationToken", t);
      xfree(t);
    }
  } else if (vers) {
    sbuf_adds(&x, "<KeyMarker>"); add_text(&l, &x, start ? start : ""); sbuf_adds(&x, "</KeyMarker>");
    sbuf_adds(&x, "<VersionIdMarker>");
    xml_text(&x, vm ? vm : "");
    sbuf_adds(&x, "</VersionIdMarker>");
    if (l.truncated && l.last) {
      sbuf_adds(&x, "<NextKeyMarker>"); add_text(&l, &x, l.last); sbuf_adds(&x, "</NextKeyMarker>");
      if (*l.last_vid) xml_elem(&x, "NextVersionIdMarker", l.last_vid);
    }
  } else {
    sbuf_adds(&x, "<Marker>"); add_text(&l, &x, start ? start : ""); sbuf_adds(&x, "</Marker>");
    if (l.truncated && l.last && *l.delim) { sbuf_adds(&x, "<NextMarker>"); add_text(&l, &x, l.last); sbuf_adds(&x, "</NextMarker>"); }
  }
  if (l.contents.s) sbuf_add(&x, l.contents.s, l.contents.len);
  if (l.prefixes.s) sbuf_add(&x, l.prefixes.s, l.prefixes.len);
  sbuf_adds(&x, vers ? "</ListVersionsResult>\n" : "</ListBucketResult>\n");
  sbuf_free(&l.contents); sbuf_free(&l.prefixes); xfree(l.last); xfree(l.skip);
  return xml_respond(r, 200, &x);
}
