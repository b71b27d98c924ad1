/* s3_attributes.c - GetObjectAttributes (GET ?attributes): the attributes named in
 * x-amz-object-attributes (ETag, Checksum, ObjectParts, StorageClass, ObjectSize) without the
 * body; ObjectParts pages with x-amz-max-parts and x-amz-part-number-marker. */
#include "s3.h"
#include "s3_xml.h"
#include "../service/objects.h"
#include "../util/err.h"
#include "../util/timeutil.h"
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int wants(const char *list, const char *name) {
  size_t n = strlen(name);
  for (const char *p = list; p && *p;) {
    while (*p == ' ' || *p == ',') p++;
    size_t l = strcspn(p, ",");
    size_t t = l;
    while (t && p[t - 1] == ' ') t--;
    if (t == n && !strncasecmp(p, name, n)) return 1;
    p += l;
  }
  return 0;
}

int s3_object_attributes(req_t *r, struct s3_req *q) {
  struct app *a = r->app;
  const char *list = http_header(r, "x-amz-object-attributes");
  static const char *const known[] = {"ETag", "Checksum", "ObjectParts", "StorageClass", "ObjectSize"};
  int any = 0;
  for (size_t i = 0; i < sizeof known / sizeof *known; i++) any |= wants(list, known[i]);
  if (!list || !any) return http_fail(r, CAIRN_EINVALIDREQUEST, "x-amz-object-attributes names ETag, Checksum, ObjectParts, StorageClass or ObjectSize");
  const char *mp = http_header(r, "x-amz-max-parts"), *pm = http_header(r, "x-amz-part-number-marker");
  long max = mp ? strtol(mp, NULL, 10) : 1000, marker = pm ? strtol(pm, NULL, 10) : 0;
  if (max < 0 || max > 1000 || marker < 0) return http_fail(r, CAIRN_EINVAL, "x-amz-max-parts is 0 to 1000, x-amz-part-number-marker >= 0");
  struct meta_object o = {0};
  int rc = svc_object_get_expiring(a->svc, &q->who, AZ_GET_OBJECT, q->bucket, q->key, q->vid, &o, NULL, 0);
  if (rc) { meta_object_clear(&o); return http_fail(r, rc, NULL); }
  s3_version_headers(r, o.version_id, 0, q->vid != NULL);
  char date[64];
  time_format_http((time_t)(o.created_ms / 1000), date, sizeof date);
  http_add_header(r, "Last-Modified", date);
  sbuf_t x = {0};
  sbuf_printf(&x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<GetObjectAttributesResponse xmlns=\"%s\">", S3_XMLNS);
  if (wants(list, "ETag")) xml_elem(&x, "ETag", o.etag);
  if (wants(list, "Checksum")) {
    static const struct { const char *header, *elem; } ck[] = {
      {"x-amz-checksum-crc32", "ChecksumCRC32"}, {"x-amz-checksum-crc32c", "ChecksumCRC32C"},
      {"x-amz-checksum-sha1", "ChecksumSHA1"}, {"x-amz-checksum-sha256", "ChecksumSHA256"},
      {"x-amz-checksum-crc64nvme", "ChecksumCRC64NVME"}};
    json_t *h = json_loads(o.headers ? o.headers : "{}", 0, NULL);
    sbuf_t c = {0};
    for (size_t i = 0; i < sizeof ck / sizeof *ck; i++) {
      const char *v = json_string_value(json_object_get(h, ck[i].header));
      if (v) xml_elem(&c, ck[i].elem, v);
    }
    if (c.len) { sbuf_adds(&x, "<Checksum>"); sbuf_add(&x, c.s, c.len); sbuf_adds(&x, "</Checksum>"); }
    sbuf_free(&c);
    json_decref(h);
  }
  if (wants(list, "ObjectParts")) {
    uint64_t off, len;
    int count = 0;
    object_part(o.headers, o.size, 1, &off, &len, &count);
    if (count) {   /* only objects made by multipart have parts */
      sbuf_printf(&x, "<ObjectParts><PartsCount>%d</PartsCount><PartNumberMarker>%ld</PartNumberMarker>", count, marker);
      long shown = 0, last = marker;
      for (long n = marker + 1; n <= count && shown < max; n++, shown++) {
        if (object_part(o.headers, o.size, (int)n, &off, &len, &count)) break;
        sbuf_printf(&x, "<Part><PartNumber>%ld</PartNumber><Size>%llu</Size></Part>", n, (unsigned long long)len);
        last = n;
      }
      sbuf_printf(&x, "<NextPartNumberMarker>%ld</NextPartNumberMarker><MaxParts>%ld</MaxParts><IsTruncated>%s</IsTruncated></ObjectParts>",
                  last, max, last < count ? "true" : "false");
    }
  }
  if (wants(list, "StorageClass")) xml_elem(&x, "StorageClass", "STANDARD");
  if (wants(list, "ObjectSize")) sbuf_printf(&x, "<ObjectSize>%llu</ObjectSize>", (unsigned long long)o.size);
  sbuf_adds(&x, "</GetObjectAttributesResponse>\n");
  meta_object_clear(&o);
  return xml_respond(r, 200, &x);
}
