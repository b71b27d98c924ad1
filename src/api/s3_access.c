/* s3_access.c - access control through the S3 API, over the trust model (owners, canned ACLs,
 * grants, bucket policies): Get/PutBucketAcl (canned x-amz-acl, x-amz-grant-* headers or an
 * AccessControlPolicy document), Get/PutObjectAcl (objects share their bucket's ACL), Get/Put/
 * DeleteBucketPolicy, GetBucketPolicyStatus, Get/Put/DeleteBucketTagging, Get/Put/Delete
 * PublicAccessBlock and BucketOwnershipControls. */
#include "s3.h"
#include "s3_xml.h"
#include "../service/bucket_settings.h"
#include "../service/buckets.h"
#include "../service/lifecycle.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include "../util/xmlpath.h"
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ALL_USERS "http://acs.amazonaws.com/groups/global/AllUsers"
#define AUTH_USERS "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"

static void grant_xml(sbuf_t *x, const char *type, const char *who, const char *perm) {
  sbuf_printf(x, "<Grant><Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"%s\">", type);
  if (!strcmp(type, "Group")) xml_elem(x, "URI", who);
  else { xml_elem(x, "ID", who); xml_elem(x, "DisplayName", who); }
  sbuf_adds(x, "</Grantee>");
  xml_elem(x, "Permission", perm);
  sbuf_adds(x, "</Grant>");
}

/* The bucket's ACL as S3 writes it: the owner's FULL_CONTROL, the canned ACL's groups, the grants. */
static int acl_get(req_t *r, struct s3_req *q, int object) {
  struct app *a = r->app;
  char *j = NULL;
  int rc;
  if (object) {   /* the object must exist and be readable; its ACL is its bucket's */
    struct meta_object o = {0};
    rc = svc_object_get_expiring(a->svc, &q->who, AZ_GET_OBJECT, q->bucket, q->key, q->vid, &o, NULL, 0);
    meta_object_clear(&o);
    if (rc) return http_fail(r, rc, NULL);
  }
  if ((rc = svc_bucket_access(a->svc, &q->who, q->bucket, &j))) return http_fail(r, rc, NULL);
  json_t *acc = json_loads(j, 0, NULL);
  xfree(j);
  const char *owner = json_string_value(json_object_get(acc, "owner")), *canned = json_string_value(json_object_get(acc, "acl"));
  if (!owner || !*owner) owner = "cairn";
  sbuf_t x = {0};
  sbuf_printf(&x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<AccessControlPolicy xmlns=\"%s\"><Owner>", S3_XMLNS);
  xml_elem(&x, "ID", owner);
  xml_elem(&x, "DisplayName", owner);
  sbuf_adds(&x, "</Owner><AccessControlList>");
  grant_xml(&x, "CanonicalUser", owner, "FULL_CONTROL");
  if (canned && !strcmp(canned, "public-read")) grant_xml(&x, "Group", ALL_USERS, "READ");
  if (canned && !strcmp(canned, "public-read-write")) { grant_xml(&x, "Group", ALL_USERS, "READ"); grant_xml(&x, "Group", ALL_USERS, "WRITE"); }
  if (canned && !strcmp(canned, "authenticated-read")) grant_xml(&x, "Group", AUTH_USERS, "READ");
  const char *user;
  json_t *perms, *p;
  json_object_foreach(json_object_get(acc, "grants"), user, perms) {
    size_t i;
    json_array_foreach(perms, i, p) grant_xml(&x, "CanonicalUser", user, json_string_value(p));
  }
  sbuf_adds(&x, "</AccessControlList></AccessControlPolicy>\n");
  json_decref(acc);
  return xml_respond(r, 200, &x);
}

/* Grants gathered from headers or a document: groups become a canned ACL, users grants. */
struct acl_in { json_t *users; unsigned all, authed; const char *why; char id[256], uri[256], email[8]; };
enum { P_READ = 1, P_WRITE = 2, P_OTHER = 4 };

static void add_grant(struct acl_in *in, const char *id, const char *uri, const char *perm) {
  unsigned bit = !strcmp(perm, "READ") ? P_READ : !strcmp(perm, "WRITE") ? P_WRITE : P_OTHER;
  if (uri && *uri) {
    if (!strcmp(uri, ALL_USERS)) in->all |= bit;
    else if (!strcmp(uri, AUTH_USERS)) in->authed |= bit;
    else in->why = "the only groups are AllUsers and AuthenticatedUsers";
    return;
  }
  if (!id || !*id) { in->why = "a grantee is an id=\"user\" or a group uri"; return; }
  json_t *list = json_object_get(in->users, id);
  if (!list) json_object_set_new(in->users, id, list = json_array());
  json_array_append_new(list, json_string(perm));
}

static void a_open(void *ctx, const char *path) {
  struct acl_in *in = ctx;
  if (!strcmp(path, "/AccessControlPolicy/AccessControlList/Grant")) in->id[0] = in->uri[0] = 0;
}

static void a_leaf(void *ctx, const char *path, const char *text) {
  struct acl_in *in = ctx;
  const char *g = "/AccessControlPolicy/AccessControlList/Grant/";
  if (strncmp(path, g, strlen(g))) return;
  const char *f = path + strlen(g);
  if (!strcmp(f, "Grantee/ID")) snprintf(in->id, sizeof in->id, "%s", text);
  else if (!strcmp(f, "Grantee/URI")) snprintf(in->uri, sizeof in->uri, "%s", text);
  else if (!strcmp(f, "Grantee/EmailAddress")) in->why = "grants by e-mail address are not supported: use id=\"user\"", in->email[0] = 1;
  else if (!strcmp(f, "Permission")) add_grant(in, in->id, in->uri, text);
}

/* x-amz-grant-read: id="alice", uri="http://acs.amazonaws.com/groups/global/AllUsers" */
static void header_grants(req_t *r, struct acl_in *in) {
  static const struct { const char *h, *perm; } hs[] = {
    {"x-amz-grant-read", "READ"}, {"x-amz-grant-write", "WRITE"}, {"x-amz-grant-read-acp", "READ_ACP"},
    {"x-amz-grant-write-acp", "WRITE_ACP"}, {"x-amz-grant-full-control", "FULL_CONTROL"}};
  for (size_t i = 0; i < sizeof hs / sizeof *hs; i++) {
    const char *v = http_header(r, hs[i].h);
    for (const char *p = v; p && *p;) {
      while (*p == ' ' || *p == ',') p++;
      const char *eq = strchr(p, '=');
      if (!eq || eq[1] != '"' || !strchr(eq + 2, '"')) { if (*p) in->why = "a grant is type=\"value\""; break; }
      const char *end = strchr(eq + 2, '"');
      char val[256];
      snprintf(val, sizeof val, "%.*s", (int)(end - eq - 2), eq + 2);
      size_t tl = (size_t)(eq - p);
      if (tl == 2 && !strncmp(p, "id", 2)) add_grant(in, val, NULL, hs[i].perm);
      else if (tl == 3 && !strncmp(p, "uri", 3)) add_grant(in, NULL, val, hs[i].perm);
      else in->why = "grants by e-mail address are not supported: use id=\"user\"", in->email[0] = 1;
      p = end + 1;
    }
  }
}

static int acl_put(req_t *r, struct s3_req *q, int object) {
  struct app *a = r->app;
  const char *canned = http_header(r, "x-amz-acl");
  if (object) {   /* objects share their bucket's ACL: only what changes nothing is accepted */
    struct meta_object o = {0};
    int rc = svc_object_get_expiring(a->svc, &q->who, AZ_GET_OBJECT, q->bucket, q->key, q->vid, &o, NULL, 0);
    meta_object_clear(&o);
    if (!rc) rc = svc_bucket_check(a->svc, &q->who, q->bucket, AZ_PUT_ACL, NULL, NULL);
    if (rc) return http_fail(r, rc, NULL);
    if (canned && (!strcmp(canned, "private") || !strcmp(canned, "bucket-owner-full-control")) && !q->xml.len)
      return http_respond_buf(r, 200, NULL, "", 0);
    return http_fail(r, CAIRN_ENOTIMPL, "objects share their bucket's ACL: change the bucket's");
  }
  struct acl_in in = {json_object(), 0, 0, NULL, "", "", ""};
  static const char *const g[] = {"x-amz-grant-read", "x-amz-grant-write", "x-amz-grant-read-acp", "x-amz-grant-write-acp",
                                  "x-amz-grant-full-control"};
  int has_grants = 0;
  for (size_t i = 0; i < sizeof g / sizeof *g; i++) has_grants |= http_header(r, g[i]) != NULL;
  int rc = 0;
  if ((canned != NULL) + has_grants + (q->xml.len > 0) != 1) {
    rc = CAIRN_EINVALIDREQUEST;
    in.why = "give one of x-amz-acl, x-amz-grant-* headers or an AccessControlPolicy document";
  } else if (has_grants) {
    header_grants(r, &in);
  } else if (q->xml.len) {
    rc = xmlpath_parse(q->xml.s, q->xml.len, a_open, a_leaf, &in);
  }
  const char *acl = canned;
  if (!rc && !canned) {   /* the owner's own grant is dropped by svc_bucket_replace_acl */
    if (in.all & P_OTHER || in.authed & (P_WRITE | P_OTHER) || (in.all && in.authed)) in.why = in.why ? in.why : "this group grant has no canned ACL in cairn";
    acl = in.all == (P_READ | P_WRITE) ? "public-read-write" : in.all == P_READ ? "public-read" : in.authed == P_READ ? "authenticated-read"
        : in.all ? NULL : "private";
    if (!acl && !in.why) in.why = "AllUsers WRITE needs READ too (public-read-write)";
  }
  if (!rc && in.why) rc = in.email[0] ? CAIRN_ENOTIMPL : CAIRN_EINVAL;
  char *grants = NULL;
  if (!rc && !canned && json_object_size(in.users)) grants = json_dumps(in.users, JSON_COMPACT | JSON_SORT_KEYS);
  if (!rc) rc = svc_bucket_replace_acl(a->svc, &q->who, q->bucket, acl, grants);
  free(grants);
  json_decref(in.users);
  if (rc) return http_fail(r, rc, rc == CAIRN_EINVAL ? (in.why ? in.why : "x-amz-acl must be a canned ACL") : in.why);
  return http_respond_buf(r, 200, NULL, "", 0);
}

/* <VersioningConfiguration><Status>..</Status><MfaDelete>..</MfaDelete> */
struct vparse { char status[32]; int mfa, other; };
static void v_leaf(void *ctx, const char *path, const char *text) {
  struct vparse *v = ctx;
  if (!strcmp(path, "/VersioningConfiguration/Status")) snprintf(v->status, sizeof v->status, "%s", text);
  else if (!strcmp(path, "/VersioningConfiguration/MfaDelete")) v->mfa = strcmp(text, "Disabled") != 0;
  else if (strcmp(path, "/VersioningConfiguration")) v->other = 1;
}

int s3_access_end(req_t *r, struct s3_req *q) {
  struct app *a = r->app;
  int rc;
  switch (q->op) {
  case S3_VERSIONING_PUT: {
    struct vparse v = {"", 0, 0};
    if ((rc = xmlpath_parse(q->xml.s ? q->xml.s : "", q->xml.len, NULL, v_leaf, &v)) || v.other || !*v.status)
      return http_fail(r, CAIRN_EMALFORMEDXML, "a VersioningConfiguration with a Status");
    if (v.mfa) return http_fail(r, CAIRN_ENOTIMPL, "MFA delete is not implemented");
    rc = svc_bucket_versioning_set(a->svc, &q->who, q->bucket, v.status);
    return rc ? http_fail(r, rc, rc == CAIRN_ENOTIMPL ? "buckets keep one version of each object: Enabled is not implemented" : NULL)
              : http_respond_buf(r, 200, NULL, "", 0);
  }
  case S3_ACL_GET: return acl_get(r, q, 0);
  case S3_OBJECT_ACL_GET: return acl_get(r, q, 1);
  case S3_ACL_PUT: return acl_put(r, q, 0);
  case S3_OBJECT_ACL_PUT: return acl_put(r, q, 1);
  case S3_POLICY_GET: {
    char *j = NULL;
    if ((rc = svc_bucket_policy_get(a->svc, &q->who, q->bucket, &j))) return http_fail(r, rc, NULL);
    rc = http_respond_buf(r, 200, "application/json", j, strlen(j));
    xfree(j);
    return rc;
  }
  case S3_POLICY_PUT: {
    const char *why = NULL;
    char *doc = mempool_strdup(r->pool, q->xml.s ? q->xml.s : "");
    if (strlen(doc) != q->xml.len) return http_fail(r, CAIRN_EMALFORMEDPOLICY, "the policy holds a NUL byte");
    rc = svc_bucket_set_policy(a->svc, &q->who, q->bucket, doc, &why);
    return rc ? http_fail(r, rc, why) : http_respond_buf(r, 204, NULL, "", 0);
  }
  case S3_POLICY_DELETE: {
    const char *why = NULL;
    rc = svc_bucket_set_policy(a->svc, &q->who, q->bucket, NULL, &why);
    return rc ? http_fail(r, rc, why) : http_respond_buf(r, 204, NULL, "", 0);
  }
  case S3_POLICY_STATUS: {
    int pub = 0;
    if ((rc = svc_bucket_policy_public(a->svc, &q->who, q->bucket, &pub))) return http_fail(r, rc, NULL);
    sbuf_t x = {0};
    sbuf_printf(&x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<PolicyStatus xmlns=\"%s\"><IsPublic>%s</IsPublic></PolicyStatus>\n",
                S3_XMLNS, pub ? "true" : "false");
    return xml_respond(r, 200, &x);
  }
  case S3_BUCKET_TAGGING_GET: {
    char *tags = NULL;
    if ((rc = svc_bucket_tags_get(a->svc, &q->who, q->bucket, &tags))) return http_fail(r, rc, NULL);
    char *x = tags_to_xml(tags);
    xfree(tags);
    sbuf_t b = {x, strlen(x), strlen(x) + 1};
    return xml_respond(r, 200, &b);
  }
  case S3_BUCKET_TAGGING_PUT: {
    char *tags = NULL;
    if ((rc = tags_from_xml_max(q->xml.s ? q->xml.s : "", q->xml.len, 50, &tags))) return http_fail(r, rc, NULL);   /* S3: 50 on a bucket */
    rc = svc_bucket_tags_set(a->svc, &q->who, q->bucket, tags);
    xfree(tags);
    return rc ? http_fail(r, rc, NULL) : http_respond_buf(r, 204, NULL, "", 0);
  }
  case S3_BUCKET_TAGGING_DELETE:
    rc = svc_bucket_tags_set(a->svc, &q->who, q->bucket, NULL);
    return rc ? http_fail(r, rc, NULL) : http_respond_buf(r, 204, NULL, "", 0);
  case S3_ACCESS_BLOCK_GET: case S3_OWNERSHIP_GET: {
    char *x = NULL;
    rc = q->op == S3_ACCESS_BLOCK_GET ? svc_access_block_get(a->svc, &q->who, q->bucket, &x)
                                      : svc_ownership_get(a->svc, &q->who, q->bucket, &x);
    if (rc) return http_fail(r, rc, NULL);
    sbuf_t b = {x, strlen(x), strlen(x) + 1};
    return xml_respond(r, 200, &b);
  }
  case S3_ACCESS_BLOCK_PUT: case S3_ACCESS_BLOCK_DELETE: case S3_OWNERSHIP_PUT: case S3_OWNERSHIP_DELETE: {
    const char *why = NULL;
    int del = q->op == S3_ACCESS_BLOCK_DELETE || q->op == S3_OWNERSHIP_DELETE;
    const char *xml = del ? NULL : q->xml.s ? q->xml.s : "";
    rc = q->op == S3_ACCESS_BLOCK_PUT || q->op == S3_ACCESS_BLOCK_DELETE
             ? svc_access_block_put(a->svc, &q->who, q->bucket, xml, q->xml.len, &why)
             : svc_ownership_put(a->svc, &q->who, q->bucket, xml, q->xml.len, &why);
    return rc ? http_fail(r, rc, why) : http_respond_buf(r, del ? 204 : 200, NULL, "", 0);
  }
  default:
    return http_fail(r, CAIRN_EIO, NULL);
  }
}
