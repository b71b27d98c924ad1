/* client.c - libcurl requests signed with SigV4 for the CLI. */
#include "client.h"
#include "../util/err.h"
#include <curl/curl.h>
#include <ini.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cred_cb(void *user, const char *section, const char *name, const char *value) {
  struct client *c = user;
  if (strcmp(section, "default") && *section) return 1;
  if (!strcmp(name, "access_key")) snprintf(c->access_key, sizeof c->access_key, "%s", value);
  else if (!strcmp(name, "secret_key")) snprintf(c->secret, sizeof c->secret, "%s", value);
  else if (!strcmp(name, "url")) snprintf(c->url, sizeof c->url, "%s", value);
  return 1;
}

int client_init(struct client *c) {
  memset(c, 0, sizeof *c);
  snprintf(c->url, sizeof c->url, "http://127.0.0.1:9000");
  const char *home = getenv("HOME");
  if (home) {
    char path[1024];
    snprintf(path, sizeof path, "%s/.config/cairn/credentials", home);
    ini_parse(path, cred_cb, c);
  }
  const char *e;
  if ((e = getenv("CAIRN_CREDENTIALS"))) ini_parse(e, cred_cb, c);
  if ((e = getenv("CAIRN_URL"))) snprintf(c->url, sizeof c->url, "%s", e);
  if ((e = getenv("CAIRN_ACCESS_KEY"))) snprintf(c->access_key, sizeof c->access_key, "%s", e);
  if ((e = getenv("CAIRN_SECRET_KEY"))) snprintf(c->secret, sizeof c->secret, "%s", e);
  snprintf(c->region, sizeof c->region, "%s", (e = getenv("CAIRN_REGION")) ? e : "us-east-1");
  size_t n = strlen(c->url);
  while (n && c->url[n - 1] == '/') c->url[--n] = 0;
  c->have_creds = c->access_key[0] && c->secret[0];
  return 0;
}

struct sink { sbuf_t *b; size_t max; int overflow; };

static size_t on_data(char *p, size_t sz, size_t n, void *ud) {
  struct sink *s = ud;
  if (s->b->len + sz * n > s->max) { s->overflow = 1; return 0; }
  sbuf_add(s->b, p, sz * n);
  return sz * n;
}

int client_do(struct client *c, const char *method, const char *path, const void *body, size_t len,
              const char *payload_hash, size_t max_body, struct client_resp *resp) {
  memset(resp, 0, sizeof *resp);
  CURL *h = c->curl ? c->curl : curl_easy_init();
  if (c->curl) curl_easy_reset(h);   /* options off, connection kept */
  if (!h) { snprintf(resp->error, sizeof resp->error, "cannot initialise libcurl"); return CAIRN_EIO; }
  char url[2048], sigv4[128], userpwd[300], hash_hdr[128];
  snprintf(url, sizeof url, "%s%s", c->url, path);
  struct curl_slist *hdrs = NULL;
  struct sink s = {&resp->body, max_body, 0};
  curl_easy_setopt(h, CURLOPT_URL, url);
  curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
  if (!strcmp(method, "HEAD")) curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
  if (body || !strcmp(method, "PUT") || !strcmp(method, "POST")) {
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body ? body : "");
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    hdrs = curl_slist_append(hdrs, "Content-Type: application/octet-stream");
  }
  if (c->have_creds) {
    snprintf(sigv4, sizeof sigv4, "aws:amz:%s:s3", c->region);
    snprintf(userpwd, sizeof userpwd, "%s:%s", c->access_key, c->secret);
    curl_easy_setopt(h, CURLOPT_AWS_SIGV4, sigv4);
    curl_easy_setopt(h, CURLOPT_USERPWD, userpwd);
    snprintf(hash_hdr, sizeof hash_hdr, "x-amz-content-sha256: %s", payload_hash ? payload_hash : "UNSIGNED-PAYLOAD");
    hdrs = curl_slist_append(hdrs, hash_hdr);
  }
  int direct = c->direct && !strcmp(method, "GET");
  if (direct) hdrs = curl_slist_append(hdrs, "X-Cairn-Redirect: allow");
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &s);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  CURLcode cc = curl_easy_perform(h);
  int rc = 0;
  if (cc != CURLE_OK) {
    if (s.overflow) snprintf(resp->error, sizeof resp->error, "response larger than %zu bytes", max_body);
    else snprintf(resp->error, sizeof resp->error, "%.300s: %.200s", c->url, curl_easy_strerror(cc));
    rc = CAIRN_EIO;
  }
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &resp->status);
  char *loc = NULL;
  if (!rc && direct && resp->status == 307) {
    curl_easy_getinfo(h, CURLINFO_REDIRECT_URL, &loc);
    loc = loc && (!strncmp(loc, "http://", 7) || !strncmp(loc, "https://", 8)) ? strdup(loc) : NULL;
  }
  curl_slist_free_all(hdrs);
  if (!c->curl) curl_easy_cleanup(h);
  if (loc) {   /* the store's presigned URL: its own signature, none of ours */
    sbuf_free(&resp->body);
    memset(&resp->body, 0, sizeof resp->body);
    CURL *d = curl_easy_init();
    struct sink ds = {&resp->body, max_body, 0};
    curl_easy_setopt(d, CURLOPT_URL, loc);
    curl_easy_setopt(d, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(d, CURLOPT_WRITEDATA, &ds);
    curl_easy_setopt(d, CURLOPT_NOSIGNAL, 1L);
    CURLcode dc = curl_easy_perform(d);
    if (dc != CURLE_OK) {
      snprintf(resp->error, sizeof resp->error, "direct read: %.200s", ds.overflow ? "response too large" : curl_easy_strerror(dc));
      rc = CAIRN_EIO;
    }
    curl_easy_getinfo(d, CURLINFO_RESPONSE_CODE, &resp->status);
    curl_easy_cleanup(d);
    free(loc);
    c->directs++;
  }
  if (!resp->body.s) sbuf_add(&resp->body, "", 0);
  return rc;
}

void client_error_text(const struct client_resp *resp, char *out, size_t cap) {
  json_error_t e;
  json_t *j = json_loadb(resp->body.s, resp->body.len, 0, &e);
  const char *code = NULL, *msg = NULL;
  if (j) json_unpack(j, "{s:{s?s,s?s}}", "error", "code", &code, "message", &msg);
  const char *fg = json_string_value(json_object_get(j, "errorMessage"));   /* the filer-gateway routes' */
  if (msg) snprintf(out, cap, "%s (%s, HTTP %ld)", msg, code ? code : "?", resp->status);
  else if (fg) snprintf(out, cap, "%s (HTTP %ld)", fg, resp->status);
  else snprintf(out, cap, "HTTP %ld", resp->status);
  json_decref(j);
}

void client_resp_free(struct client_resp *resp) { sbuf_free(&resp->body); }

void client_keep(struct client *c) { if (!c->curl) c->curl = curl_easy_init(); }

void client_close(struct client *c) {
  if (c->curl) curl_easy_cleanup(c->curl);
  c->curl = NULL;
}
