/* s3_multipart.c - multipart uploads: Create, UploadPart (the body path of s3.c), Complete (the
 * object joins the parts' manifests: no bytes are copied), Abort, ListParts,
 * ListMultipartUploads. The Complete body is read with util/xmlpath. */
#include "s3.h"
#include "../service/buckets.h"
#include "../crypto/hash.h"
#include "s3_xml.h"
#include "../util/alloc.h"
#include "../util/base64.h"
#include "../util/err.h"
#include "../util/hex.h"
#include "../util/timeutil.h"
#include "../util/xmlpath.h"
#include <stdlib.h>
#include <ctype.h>
#include <jansson.h>
#include <string.h>

#define MAX_PARTS 10000
#define MIN_PART (5u << 20)

/* The upload must exist, belong to this bucket and key, and the caller may do a. */
static int check_upload(req_t *r, struct s3_req *q, enum authz_action a) {
  return svc_upload_check(((struct app *)r->app)->svc, &q->who, a, q->upload_id, q->bucket, q->key);
}

int s3_mpu_begin(req_t *r, struct s3_req *q) {
  if (q->op == S3_MPU_PART) {
    const char *pn = http_query(r, "partNumber");
    char *end;
    long n = pn ? strtol(pn, &end, 10) : 0;
    if (!pn || *end || n < 1 || n > MAX_PARTS) return http_fail(r, CAIRN_EINVAL, "partNumber must be 1 to 10000");
    q->part = (int)n;
    if (!q->w) {
      const char *why = NULL;
      int rc = s3_write_headers_check(r, &why);
      if (rc) return http_fail(r, rc, why);
      svc_t *svc = ((struct app *)r->app)->svc;
      struct meta_upload u;
      rc = svc_upload_get(svc, &q->who, AZ_PUT_OBJECT, q->upload_id, q->bucket, q->key, &u);
      if (!rc) {   /* a part is sealed as its upload says (SSE-C: with the same key) */
        rc = svc_sse_for_read(svc, u.headers, &q->sse, &q->sse);
        q->sse_headers = mempool_strdup(r->pool, u.headers ? u.headers : "{}");
        meta_upload_clear(&u);
      }
      if (!rc) rc = svc_object_write_check(svc, &q->who, q->bucket, q->key, &q->grant);
      if (rc) return http_fail(r, rc, rc == CAIRN_EINVALIDREQUEST ? "the upload is not encrypted with a customer key" : NULL);
    }
    if (http_header(r, "x-amz-copy-source")) { q->op = S3_MPU_PART_COPY; return 0; }
    return s3_start_body(r, q);
  }
  return 0;
}

/* ---- CompleteMultipartUpload body ---- */

struct part_ref { int number; char etag[48]; };
struct cparse { struct part_ref *v; int n, cap, bad; };

static void c_open(void *ctx, const char *path) {
  struct cparse *c = ctx;
  if (strcmp(path, "/CompleteMultipartUpload/Part")) return;
  if (c->n >= MAX_PARTS) { c->bad = 1; return; }
  if (c->n == c->cap) { c->cap = c->cap ? c->cap * 2 : 16; c->v = xrealloc(c->v, (size_t)c->cap * sizeof *c->v); }
  memset(&c->v[c->n++], 0, sizeof c->v[0]);
}

static void c_leaf(void *ctx, const char *path, const char *text) {
  struct cparse *c = ctx;
  if (!c->n || c->bad) return;
  struct part_ref *p = &c->v[c->n - 1];
  if (!strcmp(path, "/CompleteMultipartUpload/Part/PartNumber")) p->number = atoi(text);
  else if (!strcmp(path, "/CompleteMultipartUpload/Part/ETag")) {
    while (*text == '"' || *text == ' ') text++;   /* "etag" with or without quotes */
    snprintf(p->etag, sizeof p->etag, "%.*s", (int)strcspn(text, "\" "), text);
  }
}

struct gather {
  sbuf_t manifest; hash_ctx_t *md5; uint64_t size; int idx, n, err; struct part_ref *want; sbuf_t sizes;
  const char *ck_header;   /* the upload's checksum algorithm (x-amz-checksum-*), or NULL */
  sbuf_t ck_raw;           /* the parts' raw checksums, for the object's */
  uint64_t *part_sizes;    /* g.n of them (a FULL_OBJECT checksum combines the parts' CRCs) */
};

#define UPLOAD_CHECKSUM "cairn:checksum-algorithm"
#define UPLOAD_CHECKSUM_TYPE "cairn:checksum-type"   /* COMPOSITE or FULL_OBJECT */

/* A part's stored checksum of the upload's algorithm, decoded onto g->ck_raw. */
static int gather_checksum(struct gather *g, const struct meta_part *p) {
  size_t hl = strlen(g->ck_header);
  if (strncmp(p->checksum, g->ck_header, hl) || p->checksum[hl] != ':') return CAIRN_EINVALIDPART;
  size_t n = 0;
  unsigned char *raw = base64_decode(p->checksum + hl + 1, 64, &n);
  if (!raw) return CAIRN_EINVALIDPART;
  sbuf_add(&g->ck_raw, raw, n);
  xfree(raw);
  return 0;
}

static int gather_part(void *ctx, const struct meta_part *p) {
  struct gather *g = ctx;
  if (g->idx >= g->n || g->err) return 0;
  if (p->number != g->want[g->idx].number) return 0;   /* not asked for: dropped with the upload */
  if (strcmp(p->etag, g->want[g->idx].etag)) { g->err = CAIRN_EINVALIDPART; return 1; }
  if (g->idx < g->n - 1 && p->size < MIN_PART) { g->err = CAIRN_ETOOSMALL; return 1; }
  uint8_t d[16];
  if (hex_decode(p->etag, 32, d)) { g->err = CAIRN_EINVALIDPART; return 1; }
  hash_update(g->md5, d, 16);
  if (g->ck_header && (g->err = gather_checksum(g, p))) return 1;   /* the upload asked every part for one */
  sbuf_adds(&g->manifest, p->manifest);   /* manifests concatenate: no bytes are copied */
  sbuf_printf(&g->sizes, "%s%llu", g->idx ? "," : "", (unsigned long long)p->size);
  g->size += p->size;
  g->part_sizes[g->idx] = p->size;
  g->idx++;
  return 0;
}

static int complete_answer(req_t *r, struct s3_req *q, const char *etag, const char *ck_header, const char *ck,
                           const char *ck_type) {
  sbuf_t x = {0};
  sbuf_printf(&x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CompleteMultipartUploadResult xmlns=\"%s\">", S3_XMLNS);
  xml_elem(&x, "Location", mempool_printf(r->pool, "/%s/%s", q->bucket, q->key));
  xml_elem(&x, "Bucket", q->bucket);
  xml_elem(&x, "Key", q->key);
  sbuf_printf(&x, "<ETag>&quot;%s&quot;</ETag>", etag);
  if (ck_header && ck && *ck) {   /* x-amz-checksum-crc32 -> ChecksumCRC32 */
    char elem[40] = "Checksum";
    for (const char *c = ck_header + 15; *c && strlen(elem) < sizeof elem - 1; c++) elem[strlen(elem)] = (char)toupper((unsigned char)*c);
    xml_elem(&x, elem, ck);
    http_add_header(r, ck_header, ck);
    if (ck_type) { xml_elem(&x, "ChecksumType", ck_type); http_add_header(r, "x-amz-checksum-type", ck_type); }
  }
  sbuf_adds(&x, "</CompleteMultipartUploadResult>\n");
  return xml_respond(r, 200, &x);
}

static int complete(req_t *r, struct s3_req *q) {
  struct app *a = r->app;
  struct meta_upload u;
  int rc = svc_upload_get(a->svc, &q->who, AZ_PUT_OBJECT, q->upload_id, q->bucket, q->key, &u);
  if (rc == CAIRN_ENOSUCHUPLOAD) {   /* completed before? S3 answers the same result again */
    char done[48];
    if (!svc_upload_completed(a->svc, &q->who, q->upload_id, q->bucket, q->key, done)) return complete_answer(r, q, done, NULL, NULL, NULL);
  }
  if (rc) return http_fail(r, rc, NULL);
  struct cparse c = {0};
  int ok = !xmlpath_parse(q->xml.s ? q->xml.s : "", q->xml.len, c_open, c_leaf, &c) && !c.bad && c.n > 0;
  rc = ok ? 0 : CAIRN_EMALFORMEDXML;
  for (int i = 1; !rc && i < c.n; i++) if (c.v[i].number <= c.v[i - 1].number) rc = CAIRN_EPARTORDER;
  struct gather g = {{0}, hash_new(HASH_MD5), 0, 0, c.n, 0, c.v, {0}, NULL, {0}, NULL};
  g.part_sizes = mempool_alloc(r->pool, (size_t)(c.n > 0 ? c.n : 1) * sizeof *g.part_sizes);
  json_t *uh = json_loads(u.headers ? u.headers : "{}", 0, NULL);
  const char *alg = json_string_value(json_object_get(uh, UPLOAD_CHECKSUM));
  const char *ck_type = json_string_value(json_object_get(uh, UPLOAD_CHECKSUM_TYPE));
  g.ck_header = alg ? mempool_strdup(r->pool, alg) : NULL;
  int full = ck_type && !strcmp(ck_type, "FULL_OBJECT");
  json_decref(uh);
  char ck[96] = "";
  if (!rc && (rc = svc_part_list(a->svc, &q->who, q->upload_id, q->bucket, q->key, 1, gather_part, &g)) > 0) rc = 0;   /* >0: stopped */
  if (!rc) rc = g.err ? g.err : g.idx < c.n ? CAIRN_EINVALIDPART : 0;
  char etag[40] = "";   /* 32 hex digits, "-", up to 5 digits */
  if (!rc) {
    uint8_t d[16];
    char hex[33];
    hash_final(g.md5, d);
    hex_encode(d, 16, hex);
    snprintf(etag, sizeof etag, "%s-%d", hex, c.n);
    struct meta_object o = {0};
    snprintf(o.bucket, sizeof o.bucket, "%s", q->bucket);
    o.key = (char *)q->key;
    o.size = g.size;
    snprintf(o.etag, sizeof o.etag, "%s", etag);
    o.content_type = u.content_type;
    o.manifest = g.manifest.s ? g.manifest.s : "";
    o.headers = s3_headers_add(r, s3_headers_add(r, u.headers, OBJECT_UPLOAD_ID, q->upload_id), OBJECT_PARTS,
                               g.sizes.s ? g.sizes.s : "");
    int ckalg = g.ck_header ? s3_checksum_alg(g.ck_header + 15) : 0;
    int ckrc = !ckalg ? -1 : full ? s3_checksum_full(ckalg, (const unsigned char *)g.ck_raw.s, g.part_sizes, c.n, ck, sizeof ck)
                                  : s3_checksum_composite(ckalg, (const unsigned char *)g.ck_raw.s, g.ck_raw.len, c.n, ck, sizeof ck);
    if (!ckrc) {
      const char *sent = http_header(r, g.ck_header);   /* the client's own, of the whole object */
      if (full && sent && strcmp(sent, ck)) rc = CAIRN_EBADDIGEST;
      o.headers = s3_headers_add(r, s3_headers_add(r, o.headers, g.ck_header, ck), "x-amz-checksum-type", full ? "FULL_OBJECT" : "COMPOSITE");
    }
    o.tags = u.tags;
    o.created_ms = time_now_ms();
    struct svc_write_cond cond = {http_header(r, "If-Match"), http_header(r, "If-None-Match")};
    if (!rc) rc = svc_upload_complete(a->svc, &q->who, q->upload_id, &o, &cond);
    if (!rc) s3_version_headers(r, o.version_id, 0, 0);
    if (!rc) s3_sse_answer(r, u.headers);
  }
  hash_free(g.md5);
  sbuf_free(&g.manifest);
  sbuf_free(&g.sizes);
  sbuf_free(&g.ck_raw);
  xfree(c.v);
  meta_upload_clear(&u);
  if (rc) return http_fail(r, rc, rc == CAIRN_EINVALIDPART && g.ck_header ? "every part needs the upload's checksum" : NULL);
  return complete_answer(r, q, etag, g.ck_header, ck, full ? "FULL_OBJECT" : "COMPOSITE");
}

/* ---- the rest ---- */

static int part_xml(void *ctx, const struct meta_part *p) {
  char ts[40];
  time_format_iso8601_ms(p->created_ms, ts, sizeof ts);
  sbuf_printf(ctx, "<Part><PartNumber>%d</PartNumber><LastModified>%s</LastModified>"
              "<ETag>&quot;%s&quot;</ETag><Size>%llu</Size></Part>", p->number, ts, p->etag,
              (unsigned long long)p->size);
  return 0;
}

static int upload_xml(void *ctx, const struct meta_upload *u) {
  char ts[40];
  time_format_iso8601_ms(u->created_ms, ts, sizeof ts);
  sbuf_adds(ctx, "<Upload>");
  xml_elem(ctx, "Key", u->key);
  xml_elem(ctx, "UploadId", u->id);
  sbuf_printf(ctx, "<Initiated>%s</Initiated><StorageClass>STANDARD</StorageClass></Upload>", ts);
  return 0;
}

int s3_mpu_end(req_t *r, struct s3_req *q) {
  struct app *a = r->app;
  sbuf_t x = {0};
  int rc;
  switch (q->op) {
  case S3_MPU_CREATE: {
    const char *why = NULL;
    if ((rc = s3_write_headers_check(r, &why))) return http_fail(r, rc, why);
    uint8_t rnd[16];
    struct meta_upload u = {0};
    crypto_random(rnd, sizeof rnd);
    hex_encode(rnd, sizeof rnd, u.id);
    snprintf(u.bucket, sizeof u.bucket, "%s", q->bucket);
    u.key = (char *)q->key;
    const char *ct = http_header(r, "Content-Type");
    u.content_type = (char *)(ct ? ct : "binary/octet-stream");
    u.created_ms = time_now_ms();
    u.headers = s3_headers_from_request(r);
    u.tags = s3_tags_from_request(r);
    const char *ca = http_header(r, "x-amz-checksum-algorithm"), *ct_type = http_header(r, "x-amz-checksum-type");
    if (ct_type && strcmp(ct_type, "COMPOSITE") && strcmp(ct_type, "FULL_OBJECT"))
      return http_fail(r, CAIRN_EINVALIDREQUEST, "x-amz-checksum-type is COMPOSITE or FULL_OBJECT");
    if (ct_type && !ca) return http_fail(r, CAIRN_EINVALIDREQUEST, "x-amz-checksum-type needs x-amz-checksum-algorithm");
    if (ca) {   /* every part must then carry that checksum; the object gets a composite or full one */
      int alg = s3_checksum_alg(ca);
      if (!alg) return http_fail(r, CAIRN_EINVALIDREQUEST, "x-amz-checksum-algorithm is CRC32, CRC32C, CRC64NVME, SHA1 or SHA256");
      int sha = alg == 3 || alg == 4, crc64 = alg == 5;
      const char *type = ct_type ? ct_type : crc64 ? "FULL_OBJECT" : "COMPOSITE";   /* S3's defaults */
      if ((sha && !strcmp(type, "FULL_OBJECT")) || (crc64 && !strcmp(type, "COMPOSITE")))
        return http_fail(r, CAIRN_EINVALIDREQUEST, "SHA checksums are COMPOSITE only, CRC64NVME is FULL_OBJECT only");
      u.headers = s3_headers_add(r, s3_headers_add(r, u.headers, UPLOAD_CHECKSUM, s3_checksum_header(alg)), UPLOAD_CHECKSUM_TYPE, type);
      http_add_header(r, "x-amz-checksum-algorithm", ca);
      http_add_header(r, "x-amz-checksum-type", type);
    }
    struct svc_sse sse;
    if ((rc = svc_sse_for_write(a->svc, q->bucket, &q->sse, &sse))) return http_fail(r, rc, NULL);
    if (sse.mode != SSE_NONE) {   /* every part is sealed so, and the object records it */
      char *h = svc_sse_headers(a->svc, &sse, u.headers);
      u.headers = mempool_strdup(r->pool, h);
      xfree(h);
      s3_sse_answer(r, u.headers);
    }
    if ((rc = svc_upload_create(a->svc, &q->who, &u))) return http_fail(r, rc, NULL);
    sbuf_printf(&x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<InitiateMultipartUploadResult xmlns=\"%s\">", S3_XMLNS);
    xml_elem(&x, "Bucket", q->bucket);
    xml_elem(&x, "Key", q->key);
    xml_elem(&x, "UploadId", u.id);
    sbuf_adds(&x, "</InitiateMultipartUploadResult>\n");
    return xml_respond(r, 200, &x);
  }
  case S3_MPU_PART:
    return s3_put_end(r, q);
  case S3_MPU_PART_COPY:
    return s3_upload_part_copy(r, q);
  case S3_MPU_COMPLETE:
    return complete(r, q);
  case S3_MPU_ABORT:
    if ((rc = svc_upload_abort(a->svc, &q->who, q->upload_id, q->bucket, q->key))) return http_fail(r, rc, NULL);
    return http_respond_buf(r, 204, NULL, "", 0);
  case S3_MPU_LIST_PARTS:
    if ((rc = check_upload(r, q, AZ_LIST_PARTS))) return http_fail(r, rc, NULL);
    sbuf_printf(&x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListPartsResult xmlns=\"%s\">", S3_XMLNS);
    xml_elem(&x, "Bucket", q->bucket);
    xml_elem(&x, "Key", q->key);
    xml_elem(&x, "UploadId", q->upload_id);
    sbuf_adds(&x, "<PartNumberMarker>0</PartNumberMarker><MaxParts>10000</MaxParts><IsTruncated>false</IsTruncated>");
    rc = svc_part_list(a->svc, &q->who, q->upload_id, q->bucket, q->key, 0, part_xml, &x);
    sbuf_adds(&x, "</ListPartsResult>\n");
    if (rc) { sbuf_free(&x); return http_fail(r, rc, NULL); }
    return xml_respond(r, 200, &x);
  case S3_MPU_LIST_UPLOADS: {
    if ((rc = svc_bucket_check(a->svc, &q->who, q->bucket, AZ_LIST_UPLOADS, NULL, NULL))) return http_fail(r, rc, NULL);
    sbuf_printf(&x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListMultipartUploadsResult xmlns=\"%s\">", S3_XMLNS);
    xml_elem(&x, "Bucket", q->bucket);
    sbuf_adds(&x, "<KeyMarker></KeyMarker><UploadIdMarker></UploadIdMarker><MaxUploads>1000</MaxUploads>"
                  "<IsTruncated>false</IsTruncated>");
    rc = svc_upload_list(a->svc, &q->who, q->bucket, upload_xml, &x);
    sbuf_adds(&x, "</ListMultipartUploadsResult>\n");
    if (rc) { sbuf_free(&x); return http_fail(r, rc, NULL); }
    return xml_respond(r, 200, &x);
  }
  default:
    return http_fail(r, CAIRN_EIO, NULL);
  }
}
