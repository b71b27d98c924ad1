/* fs_page.c - the HTML shell of the browsable views (fs_page.h). */
#include "fs_page.h"
#include "fs_view.h"
#include "s3_xml.h"
#include <stdio.h>
#include <string.h>
#include <time.h>

static const char STYLE[] =
  "body{font:15px/1.5 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1b1f24;background:#fff;"
  "max-width:64rem;margin:0 auto;padding:1rem}"
  "nav{font-size:1.1rem;margin:.5rem 0 1rem;word-break:break-all}nav a{color:#0550ae}"
  "table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.35rem .5rem;"
  "border-bottom:1px solid #d0d7de;vertical-align:top}th{font-weight:600;background:#f6f8fa}"
  "td.n{text-align:right;white-space:nowrap}td a{color:#0550ae;word-break:break-all}"
  "article{border-top:1px solid #d0d7de;margin-top:1.5rem;padding-top:.5rem}"
  "article table{width:auto}pre,code{background:#f6f8fa;font-size:.9em}pre{padding:.75rem;overflow:auto}"
  "@media (max-width:40rem){th.h,td.h{display:none}body{padding:.5rem}}";

void fs_page_begin(sbuf_t *h, req_t *r, const char *const *columns) {
  sbuf_adds(h, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>");
  xml_text(h, r->path);
  sbuf_printf(h, "</title><style>%s</style></head><body>\n<nav aria-label=\"path\">", STYLE);
  /* one link per level: /fs/, /fs/NAME/, /fs/NAME/TAG/, ...; the last one is where we are */
  sbuf_t href = {0};
  sbuf_addc(&href, '/');
  const char *p = r->path + 1;
  int first = 1;
  while (*p) {
    const char *s = strchr(p, '/');
    size_t n = s ? (size_t)(s - p) : strlen(p);
    char seg[1024];
    snprintf(seg, sizeof seg, "%.*s", (int)(n < sizeof seg ? n : sizeof seg - 1), p);
    fs_url_part(&href, seg);
    sbuf_addc(&href, '/');
    if (!first) sbuf_adds(h, " / ");
    first = 0;
    if (!s || !s[1]) { sbuf_adds(h, "<strong>"); xml_text(h, seg); sbuf_adds(h, "</strong>"); break; }
    sbuf_adds(h, "<a href=\"");
    sbuf_adds(h, href.s);
    sbuf_adds(h, "\">");
    xml_text(h, seg);
    sbuf_adds(h, "</a>");
    p = s + 1;
  }
  sbuf_free(&href);
  sbuf_adds(h, "</nav>\n<table>\n<thead><tr>");
  for (int i = 0; columns[i]; i++)
    sbuf_printf(h, "<th%s>%s</th>", i > 1 ? " class=\"h\"" : "", columns[i]);
  sbuf_adds(h, "</tr></thead>\n<tbody>\n");
  if (strcmp(r->path, "/fs/") && strcmp(r->path, "/dav/")) sbuf_adds(h, "<tr><td><a href=\"../\">../</a> (up)</td></tr>\n");
}

void fs_page_table_end(sbuf_t *h) { sbuf_adds(h, "</tbody></table>\n"); }
void fs_page_end(sbuf_t *h) { sbuf_adds(h, "</body></html>\n"); }

void fs_page_size(sbuf_t *h, uint64_t bytes) {
  static const char *unit[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  double v = (double)bytes;
  int u = 0;
  while (v >= 1024 && u < 5) { v /= 1024; u++; }
  if (!u) sbuf_printf(h, "<td class=\"n\" title=\"%llu bytes\">%llu B</td>", (unsigned long long)bytes, (unsigned long long)bytes);
  else sbuf_printf(h, "<td class=\"n\" title=\"%llu bytes\">%.*f %s</td>", (unsigned long long)bytes, v < 10 ? 1 : 0, v, unit[u]);
}

void fs_page_date(sbuf_t *h, int64_t unix_s) {
  char d[40] = "";
  if (unix_s > 0) {
    time_t t = (time_t)unix_s;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(d, sizeof d, "%Y-%m-%d %H:%M UTC", &tm);
  }
  sbuf_printf(h, "<td class=\"h\">%s</td>", d);
}

void fs_page_link(sbuf_t *h, const char *href, const char *text) {
  sbuf_adds(h, "<td><a href=\"");
  xml_text(h, href);   /* a presigned link's '&' */
  sbuf_adds(h, "\">");
  xml_text(h, text);
  sbuf_adds(h, "</a></td>");
}

int fs_page_send(req_t *r, sbuf_t *h, int max_age) {
  char cc[40];
  snprintf(cc, sizeof cc, "max-age=%d", max_age);
  http_add_header(r, "Cache-Control", cc);
  http_add_header(r, "X-Content-Type-Options", "nosniff");
  int rc = http_respond_buf(r, 200, "text/html; charset=utf-8", h->s, h->len);
  sbuf_free(h);
  return rc;
}
