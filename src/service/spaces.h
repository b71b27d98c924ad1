/* spaces.h - project and home spaces with quota and member roles (the Donders filer-gateway's
 * model, made native): a space lives on a storage system through a driver (space_cairn.c: a bucket
 * in cairn's own store whose members become grants and whose quota every write path enforces);
 * every change runs as a "space" task. JSON in and out is the filer-gateway's shapes. */
#ifndef CAIRN_SERVICE_SPACES_H
#define CAIRN_SERVICE_SPACES_H
#include "svc.h"
#include <jansson.h>

#define SPACE_PROJECT "project"
#define SPACE_HOME "home"

/* Creates (create 1: POST) or changes (PATCH) a space from the filer-gateway body (projects:
 * projectID, storage {system, quotaGb}, members [{userID, role}], recursion; homes: userID,
 * storage). Admins create; a project's managers (and admins) change it. 0 with the task's id, or
 * CAIRN_ENOENT (PATCH: nothing to change, *why NULL: answer 204), CAIRN_EINVAL with *why. */
int svc_space_submit(svc_t *s, const struct principal *p, const char *kind, const char *id, int create,
                     const json_t *body, char task_id[33], const char **why);
/* {"projectID"|"userID", "storage": {"system", "quotaGb", "usageMb", "usageLogicalMb"}, "members"}
 * (new reference); CAIRN_ENOENT. Reads need a user (or projects_anonymous_read). */
int svc_space_get(svc_t *s, const struct principal *p, const char *kind, const char *id, json_t **out);
int svc_space_list(svc_t *s, const struct principal *p, const char *kind, json_t **out);   /* {"projects": [...]} */
/* A user as the filer-gateway shows one: {"userID", "memberOf": [{projectID, role}], "storage"}. */
int svc_space_user(svc_t *s, const struct principal *p, const char *user, json_t **out);
/* Removes a space and its bucket (admins): CAIRN_ECONFLICT while it holds objects. */
int svc_space_delete(svc_t *s, const struct principal *p, const char *kind, const char *id);
/* user's role in the space ("" when not a member). */
void svc_space_role(svc_t *s, const char *kind, const char *id, const char *user, char role[16]);
/* A space task as the filer-gateway shows it: {"taskID", "taskStatus": {status, error, result}}. */
int svc_space_task(svc_t *s, const struct principal *p, const char *kind, const char *task_id, json_t **out);
/* The usage samples of a space since since_ms: {"projectID"|"userID", "samples": [{at, usageMb,
 * usageBytes, usageLogicalBytes}]}, oldest first (taken every usage_interval). */
int svc_space_usage_history(svc_t *s, const struct principal *p, const char *kind, const char *id, int64_t since_ms, json_t **out);
void spaces_register(svc_t *s);   /* the "space" and "space-usage" task kinds */
void spaces_refresh(svc_t *s);    /* queues a "space-usage" task (the scheduler, every projects_refresh) */

#endif
