/* fs_page.h - the HTML of the browsable views (/fs and /dav in a browser, no JavaScript): one
 * small stylesheet that reads well at phone width, a breadcrumb of links up from every level,
 * sizes in human units with the exact byte count on hover, dates in UTC. */
#ifndef CAIRN_FS_PAGE_H
#define CAIRN_FS_PAGE_H
#include "app.h"
#include "../util/sbuf.h"
#include <stdint.h>

/* <!DOCTYPE ...><body>, the title and the breadcrumb of r->path ("/fs/NAME/TAG/dir/"), then a
 * table head with the given column names (NULL-terminated). */
void fs_page_begin(sbuf_t *h, req_t *r, const char *const *columns);
/* Closes the table; the caller may add more (a README) before fs_page_end. */
void fs_page_table_end(sbuf_t *h);
void fs_page_end(sbuf_t *h);
/* One table cell: "12.3 MiB" with title="12901123 bytes". */
void fs_page_size(sbuf_t *h, uint64_t bytes);
/* One table cell: "2026-11-29 20:41 UTC" (empty for 0). */
void fs_page_date(sbuf_t *h, int64_t unix_s);
/* One table cell: a link to href (already encoded) showing text (escaped here). */
void fs_page_link(sbuf_t *h, const char *href, const char *text);
/* Answers the page: 200 text/html, no sniffing, cached for max_age seconds. */
int fs_page_send(req_t *r, sbuf_t *h, int max_age);

#endif
