/*
 * test_daemon_access - who may change radiod (daemon/access.h): reads are
 * open, writes need root, radiod's uid or the control group (primary or
 * supplementary), refusals name the rule, and credentials come from the
 * kernel.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "daemon/access.h"

#define SELF 1000
#define OTHER 1234
#define AUDIO 29

static const char *const reads[] = {
	"get_info", "get_stats", "get_eq", "get_volume", "get_spectrum", "list_presets",
	"subscribe", "unsubscribe",
};

static bool is_read(const char *name)
{
	for (size_t i = 0; i < sizeof reads / sizeof reads[0]; i++)
		if (strcmp(reads[i], name) == 0)
			return true;
	return false;
}

/* A request with the body of field f (only body_case matters here). */
static Radio__Request request(const ProtobufCFieldDescriptor *f)
{
	Radio__Request req = RADIO__REQUEST__INIT;

	req.body_case = (Radio__Request__BodyCase)f->id;
	return req;
}

static const ProtobufCFieldDescriptor *field(const char *name)
{
	const ProtobufCFieldDescriptor *f =
		protobuf_c_message_descriptor_get_field_by_name(&radio__request__descriptor, name);

	assert_non_null(f);
	return f;
}

static struct access_policy policy(const char *group, gid_t gid)
{
	struct access_policy p = {.self_uid = SELF};

	snprintf(p.group.name, sizeof p.group.name, "%s", group);
	p.group.gid = gid;
	return p;
}

static struct access_cred peer(uid_t uid, gid_t gid, gid_t *groups, size_t n)
{
	struct access_cred c = {.known = true, .pid = 42, .uid = uid, .gid = gid};

	c.groups = groups;
	c.n_groups = n;
	return c;
}

/* Whether c may send a request named name under p. */
static bool may(const struct access_policy *p, const struct access_cred *c, const char *name)
{
	Radio__Request req = request(field(name));
	char msg[256] = "";
	int r = access_check(p, c, &req, msg, sizeof msg);

	assert_true(r == 0 || r == -EACCES);
	assert_true(r == 0 ? msg[0] == '\0' : msg[0] != '\0');
	return r == 0;
}

static void test_every_request_is_a_read_or_a_write(void **state)
{
	const ProtobufCMessageDescriptor *d = &radio__request__descriptor;
	unsigned n_reads = 0, n_writes = 0;

	(void)state;
	for (unsigned i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];

		if (!(f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF))
			continue;
		if (access_is_write((Radio__Request__BodyCase)f->id) == is_read(f->name))
			fail_msg("%s is classified as a %s", f->name,
				 is_read(f->name) ? "write" : "read");
		if (is_read(f->name))
			n_reads++;
		else
			n_writes++;
	}
	assert_int_equal(n_reads, sizeof reads / sizeof reads[0]);
	assert_true(n_writes >= 12);
}

static void test_reset_stats_and_reload_are_writes(void **state)
{
	(void)state;
	assert_true(access_is_write(RADIO__REQUEST__BODY_RESET_STATS));
	assert_true(access_is_write(RADIO__REQUEST__BODY_RELOAD_CONFIG));
}

static void test_a_request_without_a_body_is_left_to_the_dispatcher(void **state)
{
	struct access_policy p = policy("", 0);
	struct access_cred c = peer(OTHER, OTHER, NULL, 0);
	Radio__Request req = RADIO__REQUEST__INIT;
	char msg[256];

	(void)state;
	assert_false(access_is_write(RADIO__REQUEST__BODY__NOT_SET));
	assert_int_equal(access_check(&p, &c, &req, msg, sizeof msg), 0);
}

static void test_anyone_may_read(void **state)
{
	struct access_policy p = policy("audio", AUDIO);
	struct access_cred stranger = peer(OTHER, OTHER, NULL, 0);
	struct access_cred unknown = {.known = false, .uid = (uid_t)-1, .gid = (gid_t)-1};

	(void)state;
	for (size_t i = 0; i < sizeof reads / sizeof reads[0]; i++) {
		assert_true(may(&p, &stranger, reads[i]));
		assert_true(may(&p, &unknown, reads[i]));
	}
}

static void test_root_and_radiods_own_uid_may_write(void **state)
{
	struct access_policy p = policy("", 0);
	struct access_cred root = peer(0, 0, NULL, 0);
	struct access_cred self = peer(SELF, SELF, NULL, 0);

	(void)state;
	assert_true(may(&p, &root, "set_volume"));
	assert_true(may(&p, &self, "set_volume"));
	assert_true(may(&p, &self, "reload_config"));
}

static void test_the_control_group_may_write_as_primary_or_supplementary(void **state)
{
	struct access_policy p = policy("audio", AUDIO);
	gid_t supp[] = {100, AUDIO, 1001};
	struct access_cred primary = peer(OTHER, AUDIO, NULL, 0);
	struct access_cred supplementary = peer(OTHER, OTHER, supp, 3);

	(void)state;
	assert_true(may(&p, &primary, "set_eq"));
	assert_true(may(&p, &supplementary, "set_eq"));
}

static void test_a_stranger_is_refused_every_write_naming_the_rule(void **state)
{
	const ProtobufCMessageDescriptor *d = &radio__request__descriptor;
	struct access_policy p = policy("audio", AUDIO);
	gid_t supp[] = {100, 1001};
	struct access_cred c = peer(OTHER, OTHER, supp, 2);

	(void)state;
	for (unsigned i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		Radio__Request req = request(f);
		char msg[256], want[256];

		if (!(f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) || is_read(f->name))
			continue;
		assert_int_equal(access_check(&p, &c, &req, msg, sizeof msg), -EACCES);
		snprintf(want, sizeof want, "%s: permission denied: uid 1234 is not root, not "
			 "radiod's uid 1000 and not in group 'audio'", f->name);
		assert_string_equal(msg, want);
	}
}

static void test_without_a_control_group_the_refusal_says_so(void **state)
{
	struct access_policy p = policy("", 0);
	/* gid 0 is no key without a configured group. */
	struct access_cred c = peer(OTHER, 0, NULL, 0);
	Radio__Request req = request(field("set_mute"));
	char msg[256];

	(void)state;
	assert_int_equal(access_check(&p, &c, &req, msg, sizeof msg), -EACCES);
	assert_string_equal(msg, "set_mute: permission denied: uid 1234 is not root and not "
			    "radiod's uid 1000, and no control group is configured ([control] "
			    "group)");
}

static void test_a_peer_of_unknown_credentials_may_not_write(void **state)
{
	struct access_policy p = policy("audio", AUDIO);
	/* uid 0 in a struct nobody filled in must not pass for root. */
	struct access_cred c = {.known = false};
	Radio__Request req = request(field("inject_signal"));
	char msg[256];

	(void)state;
	assert_int_equal(access_check(&p, &c, &req, msg, sizeof msg), -EACCES);
	assert_string_equal(msg, "inject_signal: permission denied: the peer's credentials are "
			    "unknown (SO_PEERCRED failed)");
}

static void test_the_policy_follows_the_configuration(void **state)
{
	struct config cfg;
	struct access_policy p;

	(void)state;
	memset(&cfg, 0, sizeof cfg);
	snprintf(cfg.group.name, sizeof cfg.group.name, "audio");
	cfg.group.gid = AUDIO;
	access_policy_init(&p, SELF, &cfg);
	assert_int_equal(p.self_uid, SELF);
	assert_string_equal(p.group.name, "audio");
	assert_int_equal(p.group.gid, AUDIO);
}

static bool same_set(const gid_t *a, size_t na, const gid_t *b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++) {
		size_t j = 0;

		while (j < nb && b[j] != a[i])
			j++;
		if (j == nb)
			return false;
	}
	return true;
}

static void test_credentials_come_from_the_kernel(void **state)
{
	int sv[2];
	struct access_cred c;
	gid_t mine[256];
	int n = getgroups(256, mine);

	(void)state;
	assert_true(n >= 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(access_cred_take(sv[0], &c), 0);
	assert_true(c.known);
	assert_int_equal(c.pid, getpid());
	assert_int_equal(c.uid, geteuid());
	assert_int_equal(c.gid, getegid());
	/* Linux >= 4.13 answers SO_PEERGROUPS; the database is the fallback. */
	if (!c.groups_from_db)
		assert_true(same_set(c.groups, c.n_groups, mine, (size_t)n));
	access_cred_clear(&c);
	assert_null(c.groups);
	access_cred_clear(NULL);
	close(sv[0]);
	close(sv[1]);
}

static void test_credentials_of_a_socket_that_is_not_one_are_unknown(void **state)
{
	int fd[2];
	struct access_cred c;

	(void)state;
	assert_int_equal(pipe(fd), 0);
	assert_int_equal(access_cred_take(fd[0], &c), -ENOTSOCK);
	assert_false(c.known);
	close(fd[0]);
	close(fd[1]);
}

static void test_the_group_database_fallback_lists_the_primary_group(void **state)
{
	gid_t *g = NULL;
	size_t n = 0, i;

	(void)state;
	/* root exists everywhere and is in group 0. */
	assert_int_equal(access_groups_of_uid(0, 0, &g, &n), 0);
	for (i = 0; i < n && g[i] != 0; i++)
		;
	assert_true(i < n);
	free(g);
	/* A uid without a user has no groups. */
	assert_int_equal(access_groups_of_uid(3999999999u, 3999999999u, &g, &n), 0);
	assert_int_equal(n, 0);
	assert_null(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_request_is_a_read_or_a_write),
		cmocka_unit_test(test_reset_stats_and_reload_are_writes),
		cmocka_unit_test(test_a_request_without_a_body_is_left_to_the_dispatcher),
		cmocka_unit_test(test_anyone_may_read),
		cmocka_unit_test(test_root_and_radiods_own_uid_may_write),
		cmocka_unit_test(test_the_control_group_may_write_as_primary_or_supplementary),
		cmocka_unit_test(test_a_stranger_is_refused_every_write_naming_the_rule),
		cmocka_unit_test(test_without_a_control_group_the_refusal_says_so),
		cmocka_unit_test(test_a_peer_of_unknown_credentials_may_not_write),
		cmocka_unit_test(test_the_policy_follows_the_configuration),
		cmocka_unit_test(test_credentials_come_from_the_kernel),
		cmocka_unit_test(test_credentials_of_a_socket_that_is_not_one_are_unknown),
		cmocka_unit_test(test_the_group_database_fallback_lists_the_primary_group),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
