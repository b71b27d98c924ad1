/* test_cors.c - CORS rules without a server: what S3 refuses in a CORSConfiguration, the XML
 * round trip, and which browser requests a rule allows (origins and headers with one '*'). */
#include "test.h"
#include "service/cors.h"
#include "util/alloc.h"
#include "util/err.h"
#include <string.h>

#define CONF(rules) "<CORSConfiguration>" rules "</CORSConfiguration>"

static int parse(const char *xml, char **rules) {
  const char *why;
  char *r = NULL;
  int rc = cors_parse(xml, strlen(xml), &r, &why);
  if (rules) *rules = r; else xfree(r);
  return rc;
}

static void config_refused(void) {
  ASSERT_EQ(parse(CONF("<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule>"), NULL), 0);
  ASSERT_EQ(parse(CONF("<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>PATCH</AllowedMethod></CORSRule>"), NULL), CAIRN_EINVALIDREQUEST);
  ASSERT_EQ(parse(CONF("<CORSRule><AllowedOrigin>https://*.*.x</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule>"), NULL), CAIRN_EINVALIDREQUEST);
  ASSERT_EQ(parse(CONF("<CORSRule><AllowedMethod>GET</AllowedMethod></CORSRule>"), NULL), CAIRN_EINVALIDREQUEST);
  ASSERT_EQ(parse(CONF("<CORSRule><AllowedOrigin>*</AllowedOrigin></CORSRule>"), NULL), CAIRN_EINVALIDREQUEST);
  ASSERT_EQ(parse(CONF("<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><MaxAgeSeconds>-1</MaxAgeSeconds></CORSRule>"), NULL), CAIRN_EINVALIDREQUEST);
  ASSERT_EQ(parse(CONF(""), NULL), CAIRN_EMALFORMEDXML);
  ASSERT_EQ(parse("<CORSConfiguration><CORSRule>", NULL), CAIRN_EMALFORMEDXML);
}

static void matching(void) {
  char *rules = NULL;
  ASSERT_EQ(parse(CONF("<CORSRule><ID>app</ID><AllowedOrigin>https://*.example.org</AllowedOrigin><AllowedMethod>PUT</AllowedMethod>"
                       "<AllowedHeader>x-amz-*</AllowedHeader><AllowedHeader>content-type</AllowedHeader>"
                       "<ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>60</MaxAgeSeconds></CORSRule>"
                       "<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule>"), &rules), 0);
  struct cors_answer a;
  ASSERT_EQ(cors_match(rules, "https://app.example.org", "PUT", "Content-Type, X-Amz-Date", &a), 1);
  ASSERT_STREQ(a.allow_origin, "https://app.example.org");
  ASSERT_EQ(a.credentials, 1);
  ASSERT_STREQ(a.allow_headers, "content-type, x-amz-date");
  ASSERT_STREQ(a.expose_headers, "ETag");
  ASSERT_EQ(a.max_age, 60);
  cors_answer_free(&a);
  ASSERT_EQ(cors_match(rules, "https://app.example.org", "PUT", "Authorization", &a), 0);   /* a header no rule allows */
  ASSERT_EQ(cors_match(rules, "https://example.org.evil", "PUT", NULL, &a), 0);
  ASSERT_EQ(cors_match(rules, "http://app.example.org", "PUT", NULL, &a), 0);            /* another scheme */
  ASSERT_EQ(cors_match(rules, "https://anyone.test", "GET", NULL, &a), 1);                /* the second rule */
  ASSERT_STREQ(a.allow_origin, "*");
  ASSERT_EQ(a.credentials, 0);
  cors_answer_free(&a);
  ASSERT_EQ(cors_match(rules, "https://anyone.test", "DELETE", NULL, &a), 0);
  ASSERT_EQ(cors_match(NULL, "https://anyone.test", "GET", NULL, &a), 0);
  char *x = cors_to_xml(rules);
  char *again = NULL;
  ASSERT_EQ(parse(x, &again), 0);
  ASSERT_STREQ(again, rules);   /* the XML round trip keeps every rule */
  xfree(x);
  xfree(again);
  xfree(rules);
}

void suite_cors(void) { RUN(config_refused); RUN(matching); }
