/* mirror_fetch.c - safe upstream fetches for the regional mirror (mirror_fetch.h). */
#include "mirror_fetch.h"
#include "../util/alloc.h"
#include "../util/err.h"
#include <arpa/inet.h>
#include <curl/curl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <regex.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#define MAX_HOPS 30
#define MAX_ERROR_BODY (64 * 1024)

/* The pattern (anchored) that url matches, copied into out (backslashes dropped), or 0. */
static int matching_pattern(const char *allow, const char *url, char *out, size_t cap) {
  char *list = xstrdup(allow ? allow : ""), *save = NULL;
  int found = 0;
  for (char *p = strtok_r(list, " \t,", &save); p && !found; p = strtok_r(NULL, " \t,", &save)) {
    if (p[0] != '^') continue;   /* only anchored patterns count */
    regex_t re;
    if (regcomp(&re, p, REG_EXTENDED | REG_NOSUB)) continue;
    if (!regexec(&re, url, 0, NULL, 0)) {
      found = 1;
      size_t j = 0;
      for (const char *c = p; *c && j + 1 < cap; c++) if (*c != '\\') out[j++] = *c;
      out[j] = 0;
    }
    regfree(&re);
  }
  xfree(list);
  return found;
}

int mirror_url_allowed(const struct mirror_rules *r, const char *url, const char **why) {
  size_t n = strlen(url);
  if (n < 8 || n > 2000) { *why = "the URL is empty or too long"; return CAIRN_EAUTH; }
  for (const unsigned char *c = (const unsigned char *)url; *c; c++)
    if (*c <= ' ' || *c >= 0x7f) { *why = "the URL has spaces, control or non-ASCII characters"; return CAIRN_EAUTH; }
  int https = !strncmp(url, "https://", 8);
  if (!https && strncmp(url, "http://", 7)) { *why = "only http and https URLs are mirrored"; return CAIRN_EAUTH; }
  if (r->require_https && !https) { *why = "the URL is not https"; return CAIRN_EAUTH; }
  char pat[1024];
  if (!matching_pattern(r->allow, url, pat, sizeof pat)) { *why = "the URL is not in mirror_allow"; return CAIRN_EAUTH; }
  return 0;
}

static int private_v4(uint32_t a) {
  uint8_t b0 = (uint8_t)(a >> 24), b1 = (uint8_t)(a >> 16);
  return b0 == 0 || b0 == 10 || b0 == 127 || (b0 == 169 && b1 == 254) || (b0 == 172 && (b1 & 0xf0) == 16) ||
         (b0 == 192 && b1 == 168) || (b0 == 100 && (b1 & 0xc0) == 64) || b0 >= 224;
}

static int private_addr(const struct sockaddr *sa) {
  if (sa->sa_family == AF_INET) return private_v4(ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr));
  const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
  if (IN6_IS_ADDR_V4MAPPED(a)) {
    uint32_t v4;
    memcpy(&v4, a->s6_addr + 12, 4);
    return private_v4(ntohl(v4));
  }
  return IN6_IS_ADDR_LOOPBACK(a) || IN6_IS_ADDR_UNSPECIFIED(a) || IN6_IS_ADDR_LINKLOCAL(a) ||
         (a->s6_addr[0] & 0xfe) == 0xfc || a->s6_addr[0] == 0xff;
}

/* Checks one hop (rules, then the address its host resolves to) and pins curl to that address. */
static int check_hop(const struct mirror_rules *r, CURL *c, const char *url, struct curl_slist **resolve,
                     char *why, size_t whylen) {
  const char *w;
  if (mirror_url_allowed(r, url, &w)) { snprintf(why, whylen, "%s: %.200s", w, url); return CAIRN_EAUTH; }
  CURLU *u = curl_url();
  char *host = NULL, *port = NULL, *scheme = NULL;
  int rc = 0;
  if (curl_url_set(u, CURLUPART_URL, url, 0) || curl_url_get(u, CURLUPART_HOST, &host, 0) ||
      curl_url_get(u, CURLUPART_SCHEME, &scheme, 0)) {
    snprintf(why, whylen, "the URL cannot be parsed: %.200s", url);
    rc = CAIRN_EAUTH;
    goto out;
  }
  curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT);
  char bare[256];   /* [::1] -> ::1 */
  snprintf(bare, sizeof bare, "%s", host);
  if (bare[0] == '[') { memmove(bare, bare + 1, strlen(bare)); char *e = strchr(bare, ']'); if (e) *e = 0; }
  struct addrinfo hints = {0}, *ai = NULL;
  hints.ai_socktype = SOCK_STREAM;
  if (getaddrinfo(bare, port, &hints, &ai) || !ai) {
    snprintf(why, whylen, "cannot resolve %s", bare);
    rc = CAIRN_EIO;
    goto out;
  }
  char pat[1024], named[300];
  matching_pattern(r->allow, url, pat, sizeof pat);
  snprintf(named, sizeof named, "://%s", host);
  if (private_addr(ai->ai_addr) && !strstr(pat, named)) {
    snprintf(why, whylen, "%s resolves to a private or loopback address that no mirror_allow pattern names", bare);
    rc = CAIRN_EAUTH;
  } else {
    char addr[INET6_ADDRSTRLEN + 2] = "", entry[600];
    if (ai->ai_family == AF_INET)
      inet_ntop(AF_INET, &((struct sockaddr_in *)ai->ai_addr)->sin_addr, addr, sizeof addr);
    else {
      char a6[INET6_ADDRSTRLEN];
      inet_ntop(AF_INET6, &((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr, a6, sizeof a6);
      snprintf(addr, sizeof addr, "[%s]", a6);
    }
    snprintf(entry, sizeof entry, "%s:%s:%s", bare, port, addr);
    *resolve = curl_slist_append(*resolve, entry);
    curl_easy_setopt(c, CURLOPT_RESOLVE, *resolve);
  }
  freeaddrinfo(ai);
out:
  curl_free(host);
  curl_free(port);
  curl_free(scheme);
  curl_url_cleanup(u);
  return rc;
}

struct xfer {
  CURL *c;
  const struct mirror_fetch *f;
  struct mirror_response *resp;
  int started, rc;
  uint64_t discarded;
};

static void header_value(char *dst, size_t cap, const char *v, size_t n) {
  while (n && (v[n - 1] == '\r' || v[n - 1] == '\n' || v[n - 1] == ' ')) n--;
  while (n && *v == ' ') { v++; n--; }
  snprintf(dst, cap, "%.*s", (int)n, v);
}

static size_t on_header(char *buf, size_t size, size_t nitems, void *ctx) {
  struct xfer *x = ctx;
  size_t n = size * nitems;
  struct mirror_response *r = x->resp;
  if (n >= 5 && !strncmp(buf, "HTTP/", 5)) {   /* a new answer (also after 100 Continue): forget the old one */
    char url[sizeof r->final_url];
    memcpy(url, r->final_url, sizeof url);
    memset(r, 0, sizeof *r);
    memcpy(r->final_url, url, sizeof url);
    r->content_length = -1;
    const char *sp = memchr(buf, ' ', n);
    if (sp) r->status = atoi(sp + 1);
    return n;
  }
  const char *colon = memchr(buf, ':', n);
  if (!colon) return n;
  size_t kl = (size_t)(colon - buf);
  const char *v = colon + 1;
  size_t vl = n - kl - 1;
  static const struct { const char *name; size_t off, cap; } keep[] = {
#define K(h, f) {h, offsetof(struct mirror_response, f), sizeof ((struct mirror_response *)0)->f}
    K("content-type", content_type), K("content-encoding", content_encoding),
    K("content-disposition", content_disposition), K("etag", etag), K("last-modified", last_modified),
    K("content-md5", content_md5), K("cache-control", cache_control), K("expires", expires),
#undef K
  };
  for (size_t i = 0; i < sizeof keep / sizeof *keep; i++)
    if (kl == strlen(keep[i].name) && !strncasecmp(buf, keep[i].name, kl))
      header_value((char *)r + keep[i].off, keep[i].cap, v, vl);
  if (kl == 14 && !strncasecmp(buf, "content-length", 14)) {
    char tmp[32];
    header_value(tmp, sizeof tmp, v, vl);
    char *end;
    long long len = strtoll(tmp, &end, 10);
    r->content_length = (*tmp && !*end && len >= 0) ? len : -1;
  }
  return n;
}

static size_t on_data(char *buf, size_t size, size_t nmemb, void *ctx) {
  struct xfer *x = ctx;
  size_t n = size * nmemb;
  struct mirror_response *r = x->resp;
  if (r->status < 200 || r->status > 299) {   /* an error or redirect body: read a little, keep nothing */
    x->discarded += n;
    return x->discarded > MAX_ERROR_BODY ? 0 : n;
  }
  if (!x->started) {
    x->started = 1;
    if (x->f->on_start && (x->rc = x->f->on_start(x->f->ctx, r))) return 0;
  }
  if (x->f->on_body && (x->rc = x->f->on_body(x->f->ctx, buf, n))) return 0;
  return n;
}

int mirror_fetch_url(const struct mirror_rules *r, const char *url, const struct mirror_fetch *f,
                     struct mirror_response *resp, char *why, size_t whylen) {
  char cur[2048];
  snprintf(cur, sizeof cur, "%s", url);
  int rc = CAIRN_EIO;
  for (int hop = 0; hop <= MAX_HOPS; hop++) {
    CURL *c = curl_easy_init();
    if (!c) { snprintf(why, whylen, "curl init failed"); return CAIRN_EIO; }
    struct curl_slist *resolve = NULL, *hdrs = NULL;
    memset(resp, 0, sizeof *resp);
    resp->content_length = -1;
    snprintf(resp->final_url, sizeof resp->final_url, "%s", cur);
    if ((rc = check_hop(r, c, cur, &resolve, why, whylen))) {
      curl_easy_cleanup(c);
      curl_slist_free_all(resolve);
      return rc;
    }
    char line[256];
    if (f->if_none_match && *f->if_none_match) {
      snprintf(line, sizeof line, "If-None-Match: %s", f->if_none_match);
      hdrs = curl_slist_append(hdrs, line);
    }
    if (f->if_modified_since && *f->if_modified_since) {
      snprintf(line, sizeof line, "If-Modified-Since: %s", f->if_modified_since);
      hdrs = curl_slist_append(hdrs, line);
    }
    struct xfer x = {c, f, resp, 0, 0, 0};
    curl_easy_setopt(c, CURLOPT_URL, cur);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &x);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &x);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);     /* a stalled upstream ends the attempt */
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 60L);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "cairn-mirror");
    CURLcode cc = curl_easy_perform(c);
    char *next = NULL;
    curl_easy_getinfo(c, CURLINFO_REDIRECT_URL, &next);
    char nexturl[2048] = "";
    if (next) snprintf(nexturl, sizeof nexturl, "%s", next);
    curl_easy_cleanup(c);
    curl_slist_free_all(resolve);
    curl_slist_free_all(hdrs);
    if (x.rc) { snprintf(why, whylen, "the copy stopped: %s", cairn_strerror(x.rc)); return x.rc; }
    if (cc != CURLE_OK) { snprintf(why, whylen, "upstream %s: %s", cur, curl_easy_strerror(cc)); return CAIRN_EIO; }
    int st = resp->status;
    if ((st == 301 || st == 302 || st == 303 || st == 307 || st == 308) && *nexturl) {
      snprintf(cur, sizeof cur, "%s", nexturl);
      continue;
    }
    if (st >= 200 && st <= 299 && !x.started && f->on_start) {   /* an empty body: still a copy */
      if ((rc = f->on_start(f->ctx, resp))) { snprintf(why, whylen, "the copy stopped: %s", cairn_strerror(rc)); return rc; }
    }
    return 0;
  }
  snprintf(why, whylen, "more than %d redirects", MAX_HOPS);
  return CAIRN_EAUTH;
}
