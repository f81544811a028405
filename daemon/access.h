/*
 * access.h - who may change radiod: peer credentials and the write rule.
 *
 * Reads are open to any peer that can connect; the control socket's file
 * mode and group ([control] socket_mode, socket_group) decide who that is.
 * The reads: GetInfo, GetStats, GetEq, GetVolume, GetSpectrum, ListPresets,
 * Subscribe and Unsubscribe (a subscription is the peer's own).  Every other
 * request is a write - ResetStats too, because the statistics baseline is
 * shared: a reset moves what every other reader sees, a soak test's figures
 * included - and so is any request added to the protocol later until it is
 * listed here, so a new request starts out closed.  A write needs one of:
 *   - uid 0,
 *   - radiod's own effective uid,
 *   - membership of the control group ([control] group): the peer's
 *     primary gid or one of its supplementary groups.
 * A refusal names the rule: "set_volume: permission denied: uid 1234 is not
 * root, not radiod's uid 0 and not in group 'audio'".
 *
 * Credentials are taken once, at accept: SO_PEERCRED gives the pid, uid and
 * gid of the process that connected, as they were at connect(2);
 * SO_PEERGROUPS (Linux >= 4.13) its supplementary groups.  Where the kernel
 * lacks SO_PEERGROUPS the groups come from the group database for the
 * uid's user name (getgrouplist), which may differ from what the process
 * holds (setgroups, newgrp) and may block in NSS.
 *
 * Threads: the control thread.  Errors: negative errno.
 */
#ifndef RADIOD_DAEMON_ACCESS_H
#define RADIOD_DAEMON_ACCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "daemon/config.h"
#include "proto/radio.pb-c.h"

/* A peer's credentials. */
struct access_cred {
	bool known;		/* false: SO_PEERCRED failed; such a peer may only read */
	pid_t pid;
	uid_t uid;
	gid_t gid;
	gid_t *groups;		/* supplementary groups (malloc'd), n_groups of them */
	size_t n_groups;
	bool groups_from_db;	/* from getgrouplist, not from the kernel */
};

/* Who may write, besides root. */
struct access_policy {
	uid_t self_uid;			/* radiod's effective uid */
	struct config_group group;	/* name "" = no control group */
};

/*
 * Reads the credentials of the peer on connected Unix socket fd into c.
 * Returns 0, or a negative errno when SO_PEERCRED fails (then c->known is
 * false) or the group list cannot be had (-ENOMEM; c has no groups).
 */
int access_cred_take(int fd, struct access_cred *c);

/* Frees the group list; c may be reused.  NULL is a no-op. */
void access_cred_clear(struct access_cred *c);

/*
 * The fallback for kernels without SO_PEERGROUPS: the groups of uid's user
 * in the group database, its primary group gid included.  A uid without a
 * user name has none.  Returns 0 with a malloc'd list (NULL when empty) or
 * a negative errno.
 */
int access_groups_of_uid(uid_t uid, gid_t gid, gid_t **groups, size_t *n);

/* A policy from the configuration's [control] group. */
void access_policy_init(struct access_policy *p, uid_t self_uid, const struct config *cfg);

/* Whether a request with this body changes something (see above).  A
 * request without a body is none: the dispatcher calls it unknown. */
bool access_is_write(Radio__Request__BodyCase body);

/*
 * Whether the peer may send req.  Returns 0, or -EACCES with the refusal
 * ("NAME: permission denied: ...") in msg.
 */
int access_check(const struct access_policy *p, const struct access_cred *c,
		 const Radio__Request *req, char *msg, size_t msg_len);

#endif
