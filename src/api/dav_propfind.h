/* dav_propfind.h - the body of a WebDAV PROPFIND (RFC 4918 9.1), parsed with namespaces: allprop
 * (also an empty body), propname, or prop with the properties asked for. Anything else, or XML
 * that is not well-formed, is refused: the caller answers 400. */
#ifndef CAIRN_DAV_PROPFIND_H
#define CAIRN_DAV_PROPFIND_H
#include <stddef.h>

#define DAV_PROPS_MAX 32
#define DAV_BODY_MAX (64 * 1024)

enum dav_pf_mode { DAV_ALLPROP, DAV_PROPNAME, DAV_PROP };
struct dav_prop { char ns[256]; char name[128]; };
struct dav_propfind { enum dav_pf_mode mode; int n; struct dav_prop p[DAV_PROPS_MAX]; };

/* 0, or CAIRN_EMALFORMEDXML (not well-formed, not a DAV: propfind, no or two modes, a property
 * name or namespace too long, more than DAV_PROPS_MAX properties, a body over DAV_BODY_MAX). */
int dav_propfind_parse(const char *body, size_t len, struct dav_propfind *out);

#endif
