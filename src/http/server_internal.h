/* server_internal.h - what server.c shares with response.c and nothing else. */
#ifndef CAIRN_SERVER_INTERNAL_H
#define CAIRN_SERVER_INTERNAL_H
#include "request.h"

int server_stopping(const struct req *r);   /* 1 once shutdown began: responses close the connection */
void server_waiting(struct req *r);   /* the server, not the client, makes r wait (until resumed) */
void server_waiting_over(struct req *r);   /* r was resumed: the client's clock runs again */
struct workq *server_workq(const struct req *r);   /* the server's worker pool (async.c) */

#endif
