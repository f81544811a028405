#include "daemon/access.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* getpwuid_r's buffer grows up to this. */
#define PASSWD_BUF_MAX (1024 * 1024)
/* The first guess at a peer's group count; SO_PEERGROUPS says when it is more. */
#define GROUPS_GUESS 64

/* Copies n gids into a malloc'd list (NULL when n is 0). */
static int dup_groups(const gid_t *src, size_t n, gid_t **out)
{
	*out = NULL;
	if (n == 0)
		return 0;
	*out = malloc(n * sizeof **out);
	if (!*out)
		return -ENOMEM;
	memcpy(*out, src, n * sizeof **out);
	return 0;
}

int access_groups_of_uid(uid_t uid, gid_t gid, gid_t **groups, size_t *n)
{
	size_t len = 16384;
	struct passwd pw, *res = NULL;
	char *buf = NULL;
	gid_t guess[GROUPS_GUESS];
	gid_t *list = guess;
	int count = GROUPS_GUESS, r;

	*groups = NULL;
	*n = 0;
	do {
		char *bigger = len <= PASSWD_BUF_MAX ? realloc(buf, len) : NULL;

		if (!bigger) {
			free(buf);
			return -ENOMEM;
		}
		buf = bigger;
		r = getpwuid_r(uid, &pw, buf, len, &res);
		len *= 2;
	} while (r == ERANGE);
	if (!res) {
		free(buf);
		return 0;
	}
	while (getgrouplist(pw.pw_name, gid, list, &count) < 0) {
		/* count now holds the number needed. */
		gid_t *bigger = realloc(list == guess ? NULL : list, (size_t)count * sizeof *bigger);

		if (!bigger) {
			if (list != guess)
				free(list);
			free(buf);
			return -ENOMEM;
		}
		list = bigger;
	}
	free(buf);
	r = dup_groups(list, (size_t)count, groups);
	if (r == 0)
		*n = (size_t)count;
	if (list != guess)
		free(list);
	return r;
}

/* SO_PEERGROUPS into a malloc'd list; -ENOPROTOOPT on kernels before 4.13. */
static int peer_groups(int fd, gid_t **groups, size_t *n)
{
#ifdef SO_PEERGROUPS
	gid_t guess[GROUPS_GUESS];
	socklen_t len = sizeof guess;
	gid_t *list;
	int r;

	*groups = NULL;
	*n = 0;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, guess, &len) == 0) {
		r = dup_groups(guess, len / sizeof(gid_t), groups);
		if (r == 0)
			*n = len / sizeof(gid_t);
		return r;
	}
	if (errno != ERANGE)
		return -errno;
	/* len now holds the size needed; the peer's groups are fixed. */
	list = malloc(len);
	if (!list)
		return -ENOMEM;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, list, &len) < 0) {
		r = -errno;
		free(list);
		return r;
	}
	*groups = list;
	*n = len / sizeof(gid_t);
	return 0;
#else
	(void)fd;
	*groups = NULL;
	*n = 0;
	return -ENOPROTOOPT;
#endif
}

int access_cred_take(int fd, struct access_cred *c)
{
	struct ucred cred;
	socklen_t len = sizeof cred;
	int r;

	memset(c, 0, sizeof *c);
	c->uid = (uid_t)-1;
	c->gid = (gid_t)-1;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		return -errno;
	c->known = true;
	c->pid = cred.pid;
	c->uid = cred.uid;
	c->gid = cred.gid;
	r = peer_groups(fd, &c->groups, &c->n_groups);
	if (r == -ENOPROTOOPT || r == -EOPNOTSUPP) {
		c->groups_from_db = true;
		r = access_groups_of_uid(c->uid, c->gid, &c->groups, &c->n_groups);
	}
	return r;
}

void access_cred_clear(struct access_cred *c)
{
	if (!c)
		return;
	free(c->groups);
	c->groups = NULL;
	c->n_groups = 0;
}

void access_policy_init(struct access_policy *p, uid_t self_uid, const struct config *cfg)
{
	p->self_uid = self_uid;
	p->group = cfg->group;
}

bool access_is_write(Radio__Request__BodyCase body)
{
	switch (body) {
	case RADIO__REQUEST__BODY__NOT_SET:
	case RADIO__REQUEST__BODY_GET_INFO:
	case RADIO__REQUEST__BODY_GET_STATS:
	case RADIO__REQUEST__BODY_GET_EQ:
	case RADIO__REQUEST__BODY_GET_VOLUME:
	case RADIO__REQUEST__BODY_GET_SPECTRUM:
	case RADIO__REQUEST__BODY_LIST_PRESETS:
	case RADIO__REQUEST__BODY_SUBSCRIBE:
	case RADIO__REQUEST__BODY_UNSUBSCRIBE:
		return false;
	default:
		return true;
	}
}

static bool in_group(const struct access_cred *c, gid_t g)
{
	if (c->gid == g)
		return true;
	for (size_t i = 0; i < c->n_groups; i++)
		if (c->groups[i] == g)
			return true;
	return false;
}

int access_check(const struct access_policy *p, const struct access_cred *c,
		 const Radio__Request *req, char *msg, size_t msg_len)
{
	const ProtobufCFieldDescriptor *f;
	const char *name;
	bool has_group = p->group.name[0] != '\0';

	if (!access_is_write(req->body_case))
		return 0;
	if (c->known && (c->uid == 0 || c->uid == p->self_uid ||
			 (has_group && in_group(c, p->group.gid))))
		return 0;
	f = protobuf_c_message_descriptor_get_field(&radio__request__descriptor,
						    (unsigned)req->body_case);
	name = f ? f->name : "request";
	if (!c->known)
		snprintf(msg, msg_len, "%s: permission denied: the peer's credentials are unknown "
			 "(SO_PEERCRED failed)", name);
	else if (has_group)
		snprintf(msg, msg_len, "%s: permission denied: uid %u is not root, not radiod's "
			 "uid %u and not in group '%s'", name, (unsigned)c->uid,
			 (unsigned)p->self_uid, p->group.name);
	else
		snprintf(msg, msg_len, "%s: permission denied: uid %u is not root and not "
			 "radiod's uid %u, and no control group is configured ([control] group)",
			 name, (unsigned)c->uid, (unsigned)p->self_uid);
	return -EACCES;
}
