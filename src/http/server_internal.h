/* server_internal.h - what server.c shares with response.c and nothing else. */
#ifndef CAIRN_SERVER_INTERNAL_H
#define CAIRN_SERVER_INTERNAL_H
#include "request.h"

int server_stopping(const struct req *r);
void server_waiting(struct req *r);   /* the server, not the client, makes r wait (until resumed) */
struct workq *server_workq(const struct req *r);   /* the server's worker pool (async.c) */   /* 1 once shutdown began: responses close the connection */

#endif
