/* s3.c - the S3 API (path-style): buckets, PutObject / GetObject / HeadObject / DeleteObject over
 * deduplicated chunks. Listing lives in s3_list.c. Not yet here (answered 501 NotImplemented):
 * multipart, copy, tagging, lifecycle, aws-chunked bodies, virtual-host addressing. */
#include "s3.h"
#include "../service/blocks.h"
#include "../service/buckets.h"
#include "../crypto/hash.h"
#include "../http/async.h"
#include "../http/range.h"
#include "s3_xml.h"
#include "../util/alloc.h"
#include "../util/base64.h"
#include "../util/hex.h"
#include "../util/err.h"
#include "../util/timeutil.h"
#include <ctype.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define MAX_KEY 1024

static int has_header(void *ctx, const char *name) { return http_header(ctx, name) != NULL; }

/* Host "<bucket>.<domain>[:port]": copies the bucket name, returns it; NULL for path style. */
static const char *virtual_host_bucket(req_t *r, const char *domain, char *out, size_t cap) {
  const char *host = http_header(r, "Host");
  if (!host || !domain || !*domain) return NULL;
  size_t hl = strcspn(host, ":"), dl = strlen(domain);
  if (hl <= dl + 1 || host[hl - dl - 1] != '.' || strncasecmp(host + hl - dl, domain, dl)) return NULL;
  size_t bl = hl - dl - 1;
  if (bl >= cap) return NULL;
  memcpy(out, host, bl);
  out[bl] = 0;
  return out;
}

static void object_cleanup(void *p) {
  struct s3_req *q = p;
  hash_free(q->ck_hash);
  awschunk_free(&q->dec);
  if (q->w) obj_writer_abort(q->w);   /* disconnect or error: no object is committed */
  manifest_free(&q->m);
  sbuf_free(&q->xml);
}

static int s3_begin(req_t *r) {
  struct app *a = r->app;
  if (!api_ui_redirect(r)) return 0;
  struct s3_req *q = mempool_alloc(r->pool, sizeof *q);
  manifest_init(&q->m);
  mempool_on_cleanup(r->pool, object_cleanup, q);
  r->state = q;
  api_principal(r, &q->who);
  const char *vhost = virtual_host_bucket(r, a->cfg->virtual_host_domain, q->bucket, sizeof q->bucket);
  if (vhost) {
    q->key = r->tail;   /* virtual-host style: the whole path is the key */
  } else {
    const char *slash = strchr(r->tail, '/');
    size_t bl = slash ? (size_t)(slash - r->tail) : strlen(r->tail);
    if (bl >= sizeof q->bucket) return http_fail(r, CAIRN_EBUCKETNAME, NULL);
    memcpy(q->bucket, r->tail, bl);
    q->key = slash ? slash + 1 : "";
  }
  if (strlen(q->key) > MAX_KEY) return http_fail(r, CAIRN_EKEYTOOLONG, NULL);
  struct s3_class_in in = {r->method, *q->bucket != 0, *q->key != 0, r->raw_query,
                           http_header(r, "x-amz-copy-source") != NULL, has_header, r};
  const char *why;
  int rc = s3_classify(&in, &q->op, &why);
  if (rc) return http_fail(r, rc, why);
  s3_cors_headers(r, q);   /* on every answer to this request, errors too */
  q->vid = http_query(r, "versionId");
  if (q->vid && !svc_version_id_ok(q->vid)) return http_fail(r, CAIRN_EVERSIONID, NULL);
  if ((rc = s3_sse_parse(r, 0, &q->sse, &why))) return http_fail(r, rc, why);   /* what the request asks */
  const char *expected = http_header(r, "x-amz-expected-bucket-owner");
  if (expected && *q->bucket && (rc = svc_bucket_expected_owner(a->svc, q->bucket, expected)))
    return http_fail(r, rc, "the bucket's owner is not x-amz-expected-bucket-owner");
  const char *acl = http_header(r, "x-amz-acl");
  if (acl && q->op != S3_CREATE_BUCKET && q->op != S3_ACL_PUT && q->op != S3_OBJECT_ACL_PUT && strcmp(acl, "private"))
    return http_fail(r, CAIRN_ENOTIMPL, "object ACLs are not implemented: share the bucket instead");
  switch (q->op) {
  case S3_MPU_PART: case S3_MPU_COMPLETE: case S3_MPU_ABORT: case S3_MPU_LIST_PARTS:
    q->upload_id = http_query(r, "uploadId");
    if (!q->upload_id) q->upload_id = "";
    return s3_mpu_begin(r, q);
  case S3_POST_OBJECT: return s3_post_begin(r, q);   /* the form's fields decide, before the file is read */
  case S3_PUT_OBJECT:   /* refused before the body is read */
    if ((rc = s3_write_headers_check(r, &why))) return http_fail(r, rc, why);
    if ((rc = svc_object_write_check(a->svc, &q->who, q->bucket, q->key, &q->grant))) return http_fail(r, rc, NULL);
    if ((rc = svc_sse_for_write(a->svc, q->bucket, &q->sse, &q->sse))) return http_fail(r, rc, NULL);
    return s3_start_body(r, q);
  default: return 0;
  }
}

/* PutObject and UploadPart: the body streams through the chunker into the block store. */
int s3_start_body(req_t *r, struct s3_req *q) {
  struct app *a = r->app;
  if (http_header(r, "x-amz-copy-source")) return http_fail(r, CAIRN_ENOTIMPL, "copying is not implemented yet");
  const char *ph0 = r->payload_hash;
  if (q->chunked) {   /* parked before: the decoder is set */
  } else if (ph0 && !strcmp(ph0, "STREAMING-UNSIGNED-PAYLOAD-TRAILER")) {
    q->chunked = 1;
  } else if (ph0 && r->chunk_signer) {   /* STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER] */
    q->chunked = 1;
    awschunk_sign(&q->dec, r->chunk_signer);
  } else if (ph0 && !strncmp(ph0, "STREAMING-", 10)) {
    return http_fail(r, CAIRN_ENOTIMPL, mempool_printf(r->pool, "x-amz-content-sha256 %s is not supported", ph0));
  }
  uint64_t max = a->cfg->max_object_size;
  const char *dl = http_header(r, "x-amz-decoded-content-length");
  if ((!q->chunked && r->content_length > 0 && (uint64_t)r->content_length > max) ||
      (dl && strtoull(dl, NULL, 10) > max))
    return http_fail(r, CAIRN_ETOOBIG, mempool_printf(r->pool, "the body is larger than max_object_size (%llu bytes)", (unsigned long long)max));
  q->max = max;
  uint64_t declared = q->chunked ? (dl ? strtoull(dl, NULL, 10) : UINT64_MAX)
                                 : (r->content_length >= 0 ? (uint64_t)r->content_length : UINT64_MAX);
  if (!q->part && !q->inl && declared <= a->cfg->inline_max && q->sse.mode == SSE_NONE) {   /* small: one row, no block files */
    q->inl_cap = declared;
    q->inl = mempool_alloc(r->pool, declared + 1);
  }
  if (!q->ck_hash && s3_checksum_begin(r, q)) return http_fail(r, CAIRN_ENOTIMPL, "unsupported checksum algorithm");
  if (q->w || q->inl) return 0;   /* parked before: the writer exists; or an inline body */
  struct cdc_params p = {CDC_DEFAULT_MIN, CDC_DEFAULT_AVG, CDC_DEFAULT_MAX};
  const char *ph = r->payload_hash;
  int rc = api_transfer_share(r);
  if (rc) return rc;   /* CAIRN_EBUSY: parked, begin runs again */
  rc = svc_obj_writer_begin(a->svc, &p, ph && strlen(ph) == 64, &q->sse, &q->w);
  if (rc) { q->w = NULL; return rc == CAIRN_EBUSY ? rc : http_fail(r, rc, NULL); }
  return 0;
}

/* Bytes of the object itself (after any aws-chunked decoding). */
static int decoded_body(void *ctx, const char *data, size_t n) {
  struct s3_req *q = ctx;
  if ((q->got += n) > q->max) return CAIRN_ETOOBIG;   /* chunked: no length up front */
  s3_checksum_update(q, data, n);
  if (q->inl) {
    if (q->got > q->inl_cap) return CAIRN_EINVAL;   /* longer than declared */
    memcpy(q->inl + q->got - n, data, n);
    return 0;
  }
  return obj_writer_write(q->w, data, n);
}

static int s3_body(req_t *r, const char *data, size_t n) {
  struct s3_req *q = r->state;
  if (q->op == S3_POST_OBJECT) return s3_post_body(r, q, data, n);
  if (q->op == S3_MPU_COMPLETE || q->op == S3_DELETE_OBJECTS || q->op == S3_TAGGING_PUT ||
      q->op == S3_LIFECYCLE_PUT || q->op == S3_CORS_PUT || q->op == S3_ACL_PUT || q->op == S3_OBJECT_ACL_PUT ||
      q->op == S3_POLICY_PUT || q->op == S3_BUCKET_TAGGING_PUT || q->op == S3_ACCESS_BLOCK_PUT || q->op == S3_OWNERSHIP_PUT ||
      q->op == S3_VERSIONING_PUT || q->op == S3_ENCRYPTION_PUT) {   /* XML or JSON, bounded like JSON bodies */
    if (q->xml.len + n > ((struct app *)r->app)->cfg->json_body_max) return CAIRN_ETOOBIG;
    sbuf_add(&q->xml, data, n);
    return 0;
  }
  if (!q->w && !q->inl) return 0;   /* e.g. CreateBucketConfiguration: ignored */
  int rc = q->chunked ? awschunk_feed(&q->dec, data, n, decoded_body, q) : decoded_body(q, data, n);
  if (rc && q->w) { obj_writer_abort(q->w); q->w = NULL; }
  return rc;
}

/* ---- PutObject: finish the chunks, check digests on a worker; the object row then goes to the
 * group commit, whose thread resumes the request (the worker does not wait for the fsync) ---- */

struct put_job {
  struct s3_req *q;
  svc_t *svc;
  const char *ctype, *content_md5, *sha256;   /* copied from the request before deferring */
  const char *headers, *tags;
  struct svc_write_cond cond;
  struct meta_object o;   /* the row, alive until the commit is done */
  char *enc;              /* its manifest */
  http_resume_t *resume;
};

/* Content-MD5 (base64) and a hex x-amz-content-sha256 must match the body. */
static int check_digests(const struct put_job *j) {
  if (j->content_md5) {
    size_t n;
    unsigned char *d = base64_decode(j->content_md5, 64, &n);
    char hex[33];
    if (d && n == 16) hex_encode(d, 16, hex);
    xfree(d);
    if (!d || n != 16 || strcmp(hex, j->q->md5)) return CAIRN_EBADDIGEST;
  }
  if (j->sha256 && strcmp(j->sha256, j->q->sha)) return CAIRN_ECONTENTSHA;
  return 0;
}

/* An inline body: the digests in one pass, no blocks. */
static int inline_finish(struct put_job *j) {
  struct s3_req *q = j->q;
  if (q->got != q->inl_cap) return CAIRN_EINVAL;   /* shorter than declared */
  uint8_t d[32];
  md5(q->inl, q->got, d);
  hex_encode(d, 16, q->md5);
  if (j->sha256) sha256_hex(q->inl, q->got, q->sha);
  else q->sha[0] = 0;
  q->m.total = q->got;
  return 0;
}

/* The group commit's answer (on its thread, or on the worker when known at once). */
static void put_committed(void *arg, int rc) {
  struct put_job *j = arg;
  struct s3_req *q = j->q;
  q->rc = rc;
  snprintf(q->version_id, sizeof q->version_id, "%s", j->o.version_id);
  if (rc) *q->expiration = 0;
  xfree(j->enc);
  j->enc = NULL;
  http_resume(j->resume);
}

static void put_commit_job(void *arg, http_resume_t *t) {
  struct put_job *j = arg;
  struct s3_req *q = j->q;
  j->resume = t;
  if (q->inl) q->rc = inline_finish(j);
  else q->rc = obj_writer_finish(q->w, &q->m, q->md5, q->sha);
  q->w = NULL;
  if (!q->rc) q->rc = check_digests(j);   /* on failure nothing is committed */
  if (q->rc) { http_resume(t); return; }
  char *enc = manifest_encode(&q->m);
  if (q->part) {
    struct meta_part p = {q->part, q->m.total, "", enc, time_now_ms(), ""};
    snprintf(p.etag, sizeof p.etag, "%s", q->md5);
    if (*q->ck_b64 && s3_checksum_name(q)) snprintf(p.checksum, sizeof p.checksum, "%s:%s", s3_checksum_name(q), q->ck_b64);
    q->rc = svc_part_commit(j->svc, &q->grant, q->upload_id, &p);
    xfree(enc);
    http_resume(t);
    return;
  }
  struct meta_object *o = &j->o;
  memset(o, 0, sizeof *o);
  snprintf(o->bucket, sizeof o->bucket, "%s", q->bucket);
  o->key = (char *)q->key;
  o->size = q->m.total;
  snprintf(o->etag, sizeof o->etag, "%s", q->md5);
  o->content_type = (char *)j->ctype;
  o->manifest = j->enc = enc;
  o->created_ms = time_now_ms();
  o->headers = (char *)j->headers;
  o->tags = (char *)j->tags;
  o->data = q->inl;
  o->is_inline = q->inl != NULL;
  if (q->grant.lifecycle) svc_object_expiration(j->svc, o, q->expiration, sizeof q->expiration);   /* before: it reads */
  svc_object_commit_async(j->svc, &q->grant, o, &j->cond, put_committed, j);
}

int s3_defer_commit(req_t *r, struct s3_req *q, const char *ctype, const char *headers, const char *tags) {
  q->committing = 1;
  struct put_job *j = mempool_alloc(r->pool, sizeof *j);
  *j = (struct put_job){.q = q, .svc = ((struct app *)r->app)->svc, .ctype = mempool_strdup(r->pool, ctype),
                        .headers = headers, .tags = tags};
  return http_defer_handoff(r, put_commit_job, j);
}

int s3_put_end(req_t *r, struct s3_req *q) {
  if (!q->committing) {
    if (q->chunked) {
      const char *dl = http_header(r, "x-amz-decoded-content-length");
      if (!awschunk_done(&q->dec)) return http_fail(r, CAIRN_EINVAL, "incomplete aws-chunked body");
      if (dl && strtoull(dl, NULL, 10) != q->dec.decoded)
        return http_fail(r, CAIRN_EINVAL, "x-amz-decoded-content-length does not match the body");
    }
    q->committing = 1;
    struct put_job *j = mempool_alloc(r->pool, sizeof *j);
    const char *ct = http_header(r, "Content-Type"), *cm = http_header(r, "Content-MD5");
    const char *ph = r->payload_hash;
    *j = (struct put_job){.q = q, .svc = ((struct app *)r->app)->svc,
                          .ctype = mempool_strdup(r->pool, ct ? ct : "binary/octet-stream"),
                          .content_md5 = cm ? mempool_strdup(r->pool, cm) : NULL,
                          .sha256 = ph && strlen(ph) == 64 ? mempool_strdup(r->pool, ph) : NULL,
                          .headers = s3_headers_from_request(r), .tags = s3_tags_from_request(r)};
    const char *im = http_header(r, "If-Match"), *inm = http_header(r, "If-None-Match");
    j->cond.if_match = im ? mempool_strdup(r->pool, im) : NULL;
    j->cond.if_none_match = inm ? mempool_strdup(r->pool, inm) : NULL;
    int rc = s3_checksum_finish(r, q, &j->headers);   /* nothing is committed on a mismatch */
    if (rc) return http_fail(r, rc, "the checksum does not match the body");
    if (q->sse.mode != SSE_NONE) {   /* how it is encrypted, kept with it */
      char *h = svc_sse_headers(((struct app *)r->app)->svc, &q->sse, j->headers);
      j->headers = q->sse_headers = mempool_strdup(r->pool, h);
      xfree(h);
    }
    return http_defer_handoff(r, put_commit_job, j);
  }
  if (q->rc) return http_fail(r, q->rc, NULL);
  char etag[40];
  snprintf(etag, sizeof etag, "\"%s\"", q->md5);
  http_add_header(r, "ETag", etag);
  if (*q->expiration) http_add_header(r, "x-amz-expiration", q->expiration);
  s3_version_headers(r, q->version_id, 0, 0);
  s3_sse_answer(r, q->sse_headers);
  if (*q->ck_b64 && s3_checksum_name(q)) http_add_header(r, s3_checksum_name(q), q->ck_b64);   /* S3 echoes it */
  return http_respond_buf(r, 200, NULL, "", 0);
}

void s3_version_headers(req_t *r, const char *version_id, int delete_marker, int asked) {
  if (*version_id && (asked || strcmp(version_id, "null"))) http_add_header(r, "x-amz-version-id", version_id);
  if (delete_marker) http_add_header(r, "x-amz-delete-marker", "true");
}

/* ---- GetObject / HeadObject ---- */

static long obj_read(void *cls, uint64_t pos, char *buf, size_t max) {
  (void)pos;
  long n = obj_reader_read(cls, buf, max);
  return n < 0 ? -1 : n;   /* an error aborts the connection: never a complete wrong body */
}
static void obj_free(void *cls) { obj_reader_close(cls); }

static int get_object(req_t *r, struct s3_req *q) {
  struct app *a = r->app;
  struct meta_object o = {0};   /* a 404 may say the key's newest version is a delete marker */
  char expiration[400];
  int rc = svc_object_get_expiring(a->svc, &q->who, AZ_GET_OBJECT, q->bucket, q->key, q->vid, &o, expiration, sizeof expiration);
  if (rc) {
    if (o.delete_marker) s3_version_headers(r, o.version_id, 1, 1);
    return http_fail(r, rc, NULL);
  }
  if (*expiration) http_add_header(r, "x-amz-expiration", expiration);
  s3_version_headers(r, o.version_id, 0, q->vid != NULL);
  char etag[52], date[64];
  snprintf(etag, sizeof etag, "\"%s\"", o.etag);
  time_format_http((time_t)(o.created_ms / 1000), date, sizeof date);
  http_add_header(r, "ETag", etag);
  http_add_header(r, "Last-Modified", date);
  struct svc_sse sse;   /* an SSE-C object needs its key, even for HEAD */
  if ((rc = svc_sse_for_read(a->svc, o.headers, &q->sse, &sse))) {
    meta_object_clear(&o);
    return http_fail(r, rc, rc == CAIRN_EINVALIDREQUEST ? "the object is not encrypted with a customer key" : NULL);
  }
  rc = s3_preconditions(r, o.etag, o.created_ms);
  if (rc == CAIRN_ENOTMODIFIED) { meta_object_clear(&o); return http_respond_buf(r, 304, NULL, "", 0); }
  if (rc) { meta_object_clear(&o); return http_fail(r, rc, NULL); }
  const char *rct = http_query(r, "response-content-type");
  http_add_header(r, "Content-Type", rct ? rct : o.content_type);
  s3_headers_to_response(r, o.headers);
  if (o.tags && strcmp(o.tags, "{}")) {   /* most objects have none: no JSON parse on the hot path */
    json_t *tags = json_loads(o.tags, 0, NULL);
    if (json_object_size(tags)) http_add_header(r, "x-amz-tagging-count", mempool_printf(r->pool, "%zu", json_object_size(tags)));
    json_decref(tags);
  }
  http_add_header(r, "Accept-Ranges", "bytes");
  uint64_t off = 0, len = o.size;
  int status = 200;
  char cr[96];
  const char *rg = range_if_range_holds(http_header(r, "If-Range"), etag, (time_t)(o.created_ms / 1000)) ? http_header(r, "Range") : NULL;
  const char *pn = http_query(r, "partNumber");
  if (pn) {   /* one part of a multipart object, as a range */
    char *end;
    long n = strtol(pn, &end, 10);
    int count = 0;
    if (*end || n < 1 || n > 10000 || http_header(r, "Range")) rc = CAIRN_EINVAL;
    else rc = object_part(o.headers, o.size, (int)n, &off, &len, &count);
    if (rc) { meta_object_clear(&o); return http_fail(r, rc, rc == CAIRN_EINVAL ? "partNumber is 1 to 10000, without a Range" : NULL); }
    if (count) http_add_header(r, "x-amz-mp-parts-count", mempool_printf(r->pool, "%d", count));
    status = 206;
    snprintf(cr, sizeof cr, "bytes %llu-%llu/%llu", (unsigned long long)off, (unsigned long long)(off + len - 1),
             (unsigned long long)o.size);
    if (len) http_add_header(r, "Content-Range", cr);
    rg = NULL;
  }
  switch (range_parse(rg, o.size, &off, &len)) {
  case RANGE_UNSATISFIABLE:
    snprintf(cr, sizeof cr, "bytes */%llu", (unsigned long long)o.size);
    http_add_header(r, "Content-Range", cr);
    meta_object_clear(&o);
    return http_fail(r, CAIRN_ERANGE, NULL);
  case RANGE_OK:
    status = 206;
    snprintf(cr, sizeof cr, "bytes %llu-%llu/%llu", (unsigned long long)off,
             (unsigned long long)(off + len - 1), (unsigned long long)o.size);
    http_add_header(r, "Content-Range", cr);
    break;
  case RANGE_NONE:
    break;
  }
  if (!strcmp(r->method, "HEAD")) {
    meta_object_clear(&o);
    return http_respond_head(r, status, len);
  }
  if (o.is_inline) {
    rc = http_respond_buf(r, status, NULL, o.data + off, (size_t)len);
    meta_object_clear(&o);
    return rc;
  }
  rc = manifest_parse(o.manifest, strlen(o.manifest), SIZE_MAX, &q->m);
  meta_object_clear(&o);
  if (rc) return http_fail(r, CAIRN_EIO, "stored manifest is unreadable");
  if (q->m.n && len && svc_store_unavailable(a->svc)) { manifest_free(&q->m); return http_fail(r, CAIRN_EUNAVAIL, NULL); }
  /* a direct read: an object that is one whole plaintext block, from the store */
  char *url = status == 200 && q->m.n == 1 && !*q->m.b[0].wkey && sse.mode == SSE_NONE && q->m.b[0].size == len
              ? api_direct_url(r, q->m.b[0].id) : NULL;
  if (url) {
    manifest_free(&q->m);
    http_clear_headers(r);
    s3_cors_headers(r, q);
    return api_direct_redirect(r, url);
  }
  obj_reader_t *rd;
  rc = api_transfer_share(r);
  if (!rc) rc = svc_obj_reader_open(a->svc, &q->m, off, len, &sse, &rd);
  if (rc == CAIRN_EBUSY) {   /* parked; end runs again and adds the headers again */
    manifest_free(&q->m);
    http_clear_headers(r);
    s3_cors_headers(r, q);   /* s3_begin's, which end does not add again */
    return rc;
  }
  if (rc) return http_fail(r, rc, NULL);
  return http_respond_stream(r, status, len, obj_read, rd, obj_free);
}

/* ---- buckets ---- */

static int bucket_xml(void *ctx, const char *name, int64_t created_ms) {
  sbuf_t *x = ctx;
  char ts[40];
  time_format_iso8601_ms(created_ms, ts, sizeof ts);
  sbuf_adds(x, "<Bucket>");
  xml_elem(x, "Name", name);
  xml_elem(x, "CreationDate", ts);
  sbuf_adds(x, "</Bucket>");
  return 0;
}

static int list_buckets(req_t *r, struct s3_req *q) {
  struct app *a = r->app;
  sbuf_t x = {0};
  sbuf_printf(&x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListAllMyBucketsResult xmlns=\"%s\"><Owner>", S3_XMLNS);
  xml_elem(&x, "ID", q->who.name);
  xml_elem(&x, "DisplayName", q->who.name);
  sbuf_adds(&x, "</Owner><Buckets>");
  int rc = svc_bucket_list(a->svc, &q->who, bucket_xml, &x);
  sbuf_adds(&x, "</Buckets></ListAllMyBucketsResult>\n");
  if (rc) { sbuf_free(&x); return http_fail(r, rc, NULL); }
  return xml_respond(r, 200, &x);
}

static int bucket_op(req_t *r, struct s3_req *q) {
  struct app *a = r->app;
  int rc;
  sbuf_t x = {0};
  switch (q->op) {
  case S3_CREATE_BUCKET:
    rc = svc_bucket_create(a->svc, &q->who, q->bucket, http_header(r, "x-amz-acl"));
    if (rc == CAIRN_EBUCKETEXISTS && !strcmp(a->cfg->region, "us-east-1")) rc = 0;   /* S3 in us-east-1: 200 again */
    if (rc) return http_fail(r, rc, rc == CAIRN_EINVAL ? "x-amz-acl must be a canned ACL" : NULL);
    http_add_header(r, "Location", mempool_printf(r->pool, "/%s", q->bucket));
    return http_respond_buf(r, 200, NULL, "", 0);
  case S3_HEAD_BUCKET:
    if ((rc = svc_bucket_check(a->svc, &q->who, q->bucket, AZ_LIST_BUCKET, NULL, NULL))) return http_fail(r, rc, NULL);
    http_add_header(r, "x-amz-bucket-region", a->cfg->region);
    return http_respond_buf(r, 200, NULL, "", 0);
  case S3_DELETE_BUCKET:
    if ((rc = svc_bucket_delete(a->svc, &q->who, q->bucket))) return http_fail(r, rc, NULL);
    return http_respond_buf(r, 204, NULL, "", 0);
  case S3_LOCATION:
  case S3_VERSIONING:
  {
    char state[16] = "";
    rc = q->op == S3_LOCATION ? svc_bucket_check(a->svc, &q->who, q->bucket, AZ_GET_LOCATION, NULL, NULL)
                              : svc_bucket_versioning_get(a->svc, &q->who, q->bucket, state);
    if (rc) return http_fail(r, rc, NULL);
    sbuf_adds(&x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    if (q->op == S3_VERSIONING && *state)
      sbuf_printf(&x, "<VersioningConfiguration xmlns=\"%s\"><Status>%s</Status></VersioningConfiguration>\n", S3_XMLNS, state);
    else if (q->op == S3_VERSIONING) sbuf_printf(&x, "<VersioningConfiguration xmlns=\"%s\"/>\n", S3_XMLNS);
    else {
      sbuf_printf(&x, "<LocationConstraint xmlns=\"%s\">", S3_XMLNS);
      if (strcmp(a->cfg->region, "us-east-1")) xml_text(&x, a->cfg->region);
      sbuf_adds(&x, "</LocationConstraint>\n");
    }
    return xml_respond(r, 200, &x);
  }
  default:
    return http_fail(r, CAIRN_EIO, NULL);
  }
}

static int s3_end(req_t *r) {
  struct app *a = r->app;
  struct s3_req *q = r->state;
  switch (q->op) {
  case S3_LIST_BUCKETS: return list_buckets(r, q);
  case S3_LIST_OBJECTS: case S3_LIST_VERSIONS: return s3_list_objects(r, q);
  case S3_PUT_OBJECT: return s3_put_end(r, q);
  case S3_POST_OBJECT: return s3_post_end(r, q);
  case S3_COPY_OBJECT: return s3_copy_object(r, q);
  case S3_DELETE_OBJECTS: return s3_delete_objects(r, q);
  case S3_TAGGING_GET: case S3_TAGGING_PUT: case S3_TAGGING_DELETE:
  case S3_LIFECYCLE_GET: case S3_LIFECYCLE_PUT: case S3_LIFECYCLE_DELETE: return s3_subresource_end(r, q);
  case S3_CORS_GET: case S3_CORS_PUT: case S3_CORS_DELETE: case S3_CORS_PREFLIGHT: return s3_cors_end(r, q);
  case S3_ACL_GET: case S3_ACL_PUT: case S3_OBJECT_ACL_GET: case S3_OBJECT_ACL_PUT: case S3_POLICY_GET:
  case S3_POLICY_PUT: case S3_POLICY_DELETE: case S3_POLICY_STATUS: case S3_BUCKET_TAGGING_GET:
  case S3_BUCKET_TAGGING_PUT: case S3_BUCKET_TAGGING_DELETE: case S3_ACCESS_BLOCK_GET: case S3_ACCESS_BLOCK_PUT:
  case S3_ACCESS_BLOCK_DELETE: case S3_OWNERSHIP_GET: case S3_OWNERSHIP_PUT: case S3_OWNERSHIP_DELETE:
  case S3_VERSIONING_PUT: return s3_access_end(r, q);
  case S3_ENCRYPTION_GET: case S3_ENCRYPTION_PUT: case S3_ENCRYPTION_DELETE: return s3_encryption_end(r, q);
  case S3_MPU_CREATE: case S3_MPU_PART: case S3_MPU_PART_COPY: case S3_MPU_COMPLETE: case S3_MPU_ABORT:
  case S3_MPU_LIST_PARTS: case S3_MPU_LIST_UPLOADS: return s3_mpu_end(r, q);
  case S3_GET_OBJECT: return get_object(r, q);
  case S3_OBJECT_ATTRIBUTES: return s3_object_attributes(r, q);
  case S3_DELETE_OBJECT: {
    struct svc_deleted d;
    int rc = svc_object_delete(a->svc, &q->who, q->bucket, q->key, q->vid, &d);
    if (rc) return http_fail(r, rc, NULL);
    s3_version_headers(r, d.version_id, d.delete_marker, 0);
    return http_respond_buf(r, 204, NULL, "", 0);   /* S3 answers 204 whether or not it existed */
  }
  default: return bucket_op(r, q);
  }
}

const struct handler h_s3 = {s3_begin, s3_body, s3_end};
