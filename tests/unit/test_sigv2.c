/* test_sigv2.c - Signature Version 2 against the AWS S3 documentation's examples ("Signing and
 * authenticating REST requests"), the canonicalized resource and x-amz- headers, and the parsing
 * of the Authorization header and presigned query (every malformed form refused). */
#include "test.h"
#include "crypto/sigv2.h"
#include "util/alloc.h"
#include "util/err.h"

#define SECRET "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

static void doc_examples(void) {
  char sig[64];
  char *sts = sigv2_string_to_sign("GET", NULL, NULL, "Tue, 27 Mar 2007 19:36:42 +0000", "",
                                   "/awsexamplebucket1/photos/puppy.jpg");
  ASSERT_STREQ(sts, "GET\n\n\nTue, 27 Mar 2007 19:36:42 +0000\n/awsexamplebucket1/photos/puppy.jpg");
  sigv2_sign(SECRET, sts, sig);
  ASSERT_STREQ(sig, "qgk2+6Sv9/oM7G3qLEjTH1a1l1g=");
  xfree(sts);
  /* the virtual-host request of the same object: the bucket comes from Host */
  char *res = sigv2_canonical_resource("/johnsmith", "/photos/puppy.jpg", "");
  ASSERT_STREQ(res, "/johnsmith/photos/puppy.jpg");
  sts = sigv2_string_to_sign("GET", NULL, NULL, "Tue, 27 Mar 2007 19:36:42 +0000", "", res);
  sigv2_sign(SECRET, sts, sig);
  ASSERT_STREQ(sig, "bWq2s1WEIj+Ydj0vQ697zp+IXMU=");
  xfree(sts);
  xfree(res);
}

static void canonical_parts(void) {
  char *r = sigv2_canonical_resource("", "/b/k%20x", "versionId=a%2Bb&acl&prefix=p&uploads&X-Amz-Foo=1");
  ASSERT_STREQ(r, "/b/k%20x?acl&uploads&versionId=a+b");   /* sorted, decoded, others left out */
  xfree(r);
  r = sigv2_canonical_resource("", "", "");
  ASSERT_STREQ(r, "/");
  xfree(r);
  ASSERT(sigv2_canonical_resource("", "/b", "versionId=%zz") == NULL);
  struct sigv2_header h[] = {{"X-Amz-Meta-B", " two  words "}, {"Content-Type", "x"}, {"x-amz-date", "d"},
                             {"x-amz-meta-b", "again"}, {"X-AMZ-ACL", "private"}};
  char *a = sigv2_canonical_amz_headers(h, 5);
  ASSERT_STREQ(a, "x-amz-acl:private\nx-amz-date:d\nx-amz-meta-b:two words,again\n");
  xfree(a);
  a = sigv2_canonical_amz_headers(h + 1, 1);
  ASSERT_STREQ(a, "");
  xfree(a);
}

static void parsing(void) {
  struct sigv2_auth v;
  ASSERT_EQ(sigv2_parse_authorization("AWS AKID:c2lnbmF0dXJl", &v), 0);
  ASSERT_STREQ(v.access_key, "AKID");
  ASSERT_STREQ(v.signature, "c2lnbmF0dXJl");
  ASSERT_EQ(v.presigned, 0);
  ASSERT_EQ(sigv2_parse_authorization("AWS4-HMAC-SHA256 Credential=x", &v), CAIRN_ENOENT);
  ASSERT_EQ(sigv2_parse_authorization(NULL, &v), CAIRN_ENOENT);
  ASSERT_EQ(sigv2_parse_authorization("AWS AKID", &v), CAIRN_EINVAL);
  ASSERT_EQ(sigv2_parse_authorization("AWS :sig", &v), CAIRN_EINVAL);
  ASSERT_EQ(sigv2_parse_authorization("AWS AKID:", &v), CAIRN_EINVAL);
  ASSERT_EQ(sigv2_parse_authorization("AWS AK ID:sig", &v), CAIRN_EINVAL);

  ASSERT_EQ(sigv2_parse_presigned("AWSAccessKeyId=AKID&Expires=1700000000&Signature=a%2Bb%3D", &v), 0);
  ASSERT_STREQ(v.access_key, "AKID");
  ASSERT_STREQ(v.signature, "a+b=");
  ASSERT_EQ(v.expires, 1700000000);
  ASSERT_STREQ(v.expires_text, "1700000000");
  ASSERT_EQ(v.presigned, 1);
  ASSERT_EQ(sigv2_parse_presigned("prefix=a&max-keys=3", &v), CAIRN_ENOENT);
  ASSERT_EQ(sigv2_parse_presigned("", &v), CAIRN_ENOENT);
  ASSERT_EQ(sigv2_parse_presigned("AWSAccessKeyId=AKID&Expires=1", &v), CAIRN_EINVAL);            /* no Signature */
  ASSERT_EQ(sigv2_parse_presigned("AWSAccessKeyId=AKID&Expires=x&Signature=s", &v), CAIRN_EINVAL);
  ASSERT_EQ(sigv2_parse_presigned("AWSAccessKeyId=AKID&Expires=-5&Signature=s", &v), CAIRN_EINVAL);
  ASSERT_EQ(sigv2_parse_presigned("AWSAccessKeyId=A&Expires=1&Signature=s&Signature=t", &v), CAIRN_EINVAL);
  ASSERT_EQ(sigv2_parse_presigned("AWSAccessKeyId=A&Expires=1&Signature=%zz", &v), CAIRN_EINVAL);
  ASSERT_EQ(sigv2_parse_presigned("AWSAccessKeyId=&Expires=1&Signature=s", &v), CAIRN_EINVAL);
}

void suite_sigv2(void) { RUN(doc_examples); RUN(canonical_parts); RUN(parsing); }
