/*
 * test_daemon_config - radiod.conf (daemon/config.h): every key's default
 * and range, errors that name the file and line and leave the
 * configuration untouched, command-line overrides, what a reload may apply,
 * and the example file saying what the code does.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/config.h"

/* Parses text as file "test.conf" over the defaults. */
static int parse(const char *text, struct config *cfg, char *err, size_t err_len)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int r;

	assert_non_null(f);
	config_defaults(cfg);
	err[0] = '\0';
	r = config_load_stream(cfg, f, "test.conf", err, err_len);
	fclose(f);
	return r;
}

static void assert_contains(const char *s, const char *want)
{
	if (!strstr(s, want))
		fail_msg("'%s' does not contain '%s'", s, want);
}

static void assert_error(const char *text, const char *want)
{
	struct config cfg, def;
	char err[512];

	config_defaults(&def);
	assert_int_equal(parse(text, &cfg, err, sizeof err), -EINVAL);
	assert_contains(err, want);
	/* Nothing of a bad file is applied. */
	assert_memory_equal(&cfg, &def, sizeof cfg);
}

static void assert_parses(const char *text, struct config *cfg)
{
	char err[512];

	if (parse(text, cfg, err, sizeof err) != 0)
		fail_msg("'%s' was refused: %s", text, err);
}

/* ------------------------------------------------------------ defaults */

static void test_every_key_has_its_documented_default(void **state)
{
	struct config c;

	(void)state;
	config_defaults(&c);
	assert_string_equal(c.server, "");
	assert_string_equal(c.client_name, "radiod");
	assert_int_equal(c.channels, 2);
	assert_false(c.autoconnect);
	assert_int_equal(c.n_connect_in, 0);
	assert_int_equal(c.n_connect_out, 0);
	assert_string_equal(c.socket, "");
	assert_int_equal(c.socket_mode, 0660);
	assert_string_equal(c.socket_group.name, "");
	assert_string_equal(c.group.name, "");
	assert_int_equal(c.max_clients, 32);
	assert_int_equal(c.idle_timeout_s, 300);
	assert_int_equal(c.client_buffer_kib, 1024);
	assert_int_equal(c.eq_bands, 8);
	assert_true(c.ramp_ms == 50.0);
	assert_true(c.volume_db == 0.0);
	assert_false(c.metrics_enabled);
	assert_string_equal(c.metrics_listen.text, "127.0.0.1:9469");
	assert_string_equal(c.metrics_listen.host, "127.0.0.1");
	assert_int_equal(c.metrics_listen.port, 9469);
}

static void test_a_good_file_sets_every_key(void **state)
{
	static const char text[] =
		"; radiod.conf\n"
		"[jack]\n"
		"server = car\n"
		"client_name = headunit\n"
		"channels = 4\n"
		"autoconnect = yes\n"
		"connect_in = system:capture_1, system:capture_2\n"
		"connect_out = a:x b:y c:z\n"
		"\n"
		"# comments both ways\n"
		"[control]\n"
		"socket = /run/x/control.sock\n"
		"socket_mode = 0640\n"
		"socket_group = 0\n"
		"group = root\n"
		"max_clients = 5\n"
		"idle_timeout_s = 0\n"
		"client_buffer_kib = 64\n"
		"[audio]\n"
		"eq_bands = 16\n"
		"ramp_ms = 12.5\n"
		"volume_db = -20\n";
	struct config c;

	(void)state;
	assert_parses(text, &c);
	assert_string_equal(c.server, "car");
	assert_string_equal(c.client_name, "headunit");
	assert_int_equal(c.channels, 4);
	assert_true(c.autoconnect);
	assert_int_equal(c.n_connect_in, 2);
	assert_string_equal(c.connect_in[0], "system:capture_1");
	assert_string_equal(c.connect_in[1], "system:capture_2");
	assert_int_equal(c.n_connect_out, 3);
	assert_string_equal(c.connect_out[2], "c:z");
	assert_string_equal(c.socket, "/run/x/control.sock");
	assert_int_equal(c.socket_mode, 0640);
	assert_string_equal(c.socket_group.name, "0");
	assert_int_equal(c.socket_group.gid, 0);
	assert_string_equal(c.group.name, "root");
	assert_int_equal(c.group.gid, 0);
	assert_int_equal(c.max_clients, 5);
	assert_int_equal(c.idle_timeout_s, 0);
	assert_int_equal(c.client_buffer_kib, 64);
	assert_int_equal(c.eq_bands, 16);
	assert_true(c.ramp_ms == 12.5);
	assert_true(c.volume_db == -20.0);
}

static void test_a_metrics_address_is_numeric_with_an_optional_port(void **state)
{
	struct config c;

	(void)state;
	assert_parses("[metrics]\nenabled = yes\nlisten = 0.0.0.0:9100\n", &c);
	assert_true(c.metrics_enabled);
	assert_string_equal(c.metrics_listen.host, "0.0.0.0");
	assert_int_equal(c.metrics_listen.port, 9100);
	assert_parses("[metrics]\nlisten = [::1]:0\n", &c);
	assert_string_equal(c.metrics_listen.host, "::1");
	assert_int_equal(c.metrics_listen.port, 0);
	assert_parses("[metrics]\nlisten = 127.0.0.2\n", &c);
	assert_int_equal(c.metrics_listen.port, 9469);
	assert_parses("[metrics]\nlisten = [fe80::1]\n", &c);
	assert_string_equal(c.metrics_listen.host, "fe80::1");
	assert_error("[metrics]\nlisten = localhost:9469\n",
		     "test.conf:2: listen: 'localhost' is not a numeric IPv4 address");
	assert_error("[metrics]\nlisten = ::1:9469\n", "test.conf:2: listen: '::1:9469': an "
		     "IPv6 address goes in brackets");
	assert_error("[metrics]\nlisten = [::1:9469\n", "no ']' closing the IPv6 address");
	assert_error("[metrics]\nlisten = 127.0.0.1:65536\n",
		     "listen: port '65536' is not a number in 0..65535");
	assert_error("[metrics]\nlisten = 127.0.0.1:\n", "listen: port '' is not a number");
	assert_error("[metrics]\nlisten = 127.0.0.1:-1\n", "listen: port '-1' is not a number");
	assert_error("[metrics]\nlisten =\n", "listen: empty");
}

static void test_an_empty_file_keeps_the_defaults(void **state)
{
	struct config c, def;

	(void)state;
	config_defaults(&def);
	assert_parses("", &c);
	assert_memory_equal(&c, &def, sizeof c);
	assert_parses("; only\n# comments\n\n[jack]\n[audio]\n", &c);
	assert_memory_equal(&c, &def, sizeof c);
}

/* --------------------------------------------------------------- ranges */

struct range {
	const char *section, *key;
	const char *min, *max;		/* accepted */
	const char *below, *above;	/* refused */
	const char *range;		/* as the message states it */
};

static const struct range ranges[] = {
	{"jack", "channels", "1", "8", "0", "9", "1..8"},
	{"control", "max_clients", "1", "1024", "0", "1025", "1..1024"},
	{"control", "idle_timeout_s", "0", "86400", "-1", "86401", "0..86400"},
	{"control", "client_buffer_kib", "64", "65536", "63", "65537", "64..65536"},
	{"control", "socket_mode", "0000", "0777", "-1", "01000", "0000..0777"},
	{"audio", "eq_bands", "1", "16", "0", "17", "1..16"},
	{"audio", "ramp_ms", "0", "10000", "-1", "10001", "0..10000"},
	{"audio", "volume_db", "-120", "12", "-121", "13", "-120..12"},
};

static void test_every_number_takes_its_range_edges_and_refuses_one_beyond(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++) {
		const struct range *r = &ranges[i];
		const char *ok[] = {r->min, r->max};
		const char *bad[] = {r->below, r->above};
		char text[128], want[128];
		struct config c;

		for (int j = 0; j < 2; j++) {
			snprintf(text, sizeof text, "[%s]\n%s = %s\n", r->section, r->key, ok[j]);
			assert_parses(text, &c);
		}
		for (int j = 0; j < 2; j++) {
			snprintf(text, sizeof text, "[%s]\n\n%s = %s\n", r->section, r->key, bad[j]);
			snprintf(want, sizeof want, "test.conf:3: %s: '%s' is not ", r->key, bad[j]);
			assert_error(text, want);
			snprintf(want, sizeof want, " in %s", r->range);
			assert_error(text, want);
		}
	}
}

static void test_range_edges_land_in_the_configuration(void **state)
{
	struct config c;

	(void)state;
	assert_parses("[jack]\nchannels = 8\n[control]\nmax_clients = 1024\n"
		      "idle_timeout_s = 86400\nclient_buffer_kib = 65536\nsocket_mode = 0777\n"
		      "[audio]\neq_bands = 1\nramp_ms = 10000\nvolume_db = -120\n", &c);
	assert_int_equal(c.channels, 8);
	assert_int_equal(c.max_clients, 1024);
	assert_int_equal(c.idle_timeout_s, 86400);
	assert_int_equal(c.client_buffer_kib, 65536);
	assert_int_equal(c.socket_mode, 0777);
	assert_int_equal(c.eq_bands, 1);
	assert_true(c.ramp_ms == 10000.0);
	assert_true(c.volume_db == -120.0);
}

static void test_bad_numbers_are_refused_naming_key_and_line(void **state)
{
	(void)state;
	assert_error("[jack]\nchannels = two\n", "test.conf:2: channels: 'two' is not a number");
	assert_error("[jack]\nchannels = 2x\n", "test.conf:2: channels: '2x'");
	assert_error("[jack]\nchannels = +2\n", "test.conf:2: channels: '+2'");
	assert_error("[jack]\nchannels = 0x2\n", "test.conf:2: channels: '0x2'");
	assert_error("[jack]\nchannels =\n", "test.conf:2: channels: ''");
	assert_error("[control]\nmax_clients = 99999999999999999999\n",
		     "test.conf:2: max_clients:");
	assert_error("[audio]\nramp_ms = nan\n", "test.conf:2: ramp_ms: 'nan'");
	assert_error("[audio]\nvolume_db = -inf\n", "test.conf:2: volume_db: '-inf'");
	assert_error("[audio]\nvolume_db = 1e999\n", "test.conf:2: volume_db: '1e999'");
	assert_error("[audio]\nramp_ms = 5 ms\n", "test.conf:2: ramp_ms: '5 ms'");
}

static void test_a_socket_mode_is_octal(void **state)
{
	struct config c;

	(void)state;
	assert_parses("[control]\nsocket_mode = 666\n", &c);
	assert_int_equal(c.socket_mode, 0666);
	assert_error("[control]\nsocket_mode = 0668\n",
		     "test.conf:2: socket_mode: '0668' is not an octal mode in 0000..0777");
	assert_error("[control]\nsocket_mode = rw-rw----\n", "test.conf:2: socket_mode:");
	assert_error("[control]\nsocket_mode = 00660\n", "test.conf:2: socket_mode:");
}

static void test_a_bad_boolean_is_refused(void **state)
{
	struct config c;

	(void)state;
	assert_parses("[jack]\nautoconnect = On\n", &c);
	assert_true(c.autoconnect);
	assert_error("[jack]\nautoconnect = maybe\n",
		     "test.conf:2: autoconnect: 'maybe' is not yes/no, true/false, on/off or 1/0");
}

static void test_strings_have_their_limits(void **state)
{
	char text[512];

	(void)state;
	assert_error("[jack]\nclient_name =\n", "test.conf:2: client_name: empty");
	snprintf(text, sizeof text, "[jack]\nserver = %064d\n", 0);
	assert_error(text, "test.conf:2: server: longer than 63 characters");
	assert_error("[control]\nsocket = run/sock\n",
		     "test.conf:2: socket: 'run/sock' is not an absolute path");
	snprintf(text, sizeof text, "[control]\nsocket = /%0107d\n", 0);
	assert_error(text, "test.conf:2: socket: longer than 107 characters");
}

static void test_ports_are_counted_against_the_channels(void **state)
{
	(void)state;
	assert_error("[jack]\nconnect_in = a:1 a:2 a:3\nchannels = 2\n",
		     "test.conf:2: connect_in: 3 ports for 2 channels");
	assert_error("[jack]\nconnect_out = 1 2 3 4 5 6 7 8 9\n",
		     "test.conf:2: connect_out: more than 8 ports");
}

/* --------------------------------------------------------------- groups */

static void test_a_group_is_a_name_or_a_gid(void **state)
{
	struct config c;

	(void)state;
	assert_parses("[control]\ngroup = root\nsocket_group = 4242\n", &c);
	assert_string_equal(c.group.name, "root");
	assert_int_equal(c.group.gid, 0);
	assert_string_equal(c.socket_group.name, "4242");
	assert_int_equal(c.socket_group.gid, 4242);
	assert_parses("[control]\ngroup =\n", &c);
	assert_string_equal(c.group.name, "");
}

static void test_an_unknown_group_is_refused(void **state)
{
	(void)state;
	assert_error("[control]\n\ngroup = no-such-group-radiod\n",
		     "test.conf:3: group: no group named 'no-such-group-radiod'");
	assert_error("[control]\nsocket_group = no-such-group-radiod\n",
		     "test.conf:2: socket_group: no group named 'no-such-group-radiod'");
	assert_error("[control]\ngroup = 4294967295\n", "test.conf:2: group: gid 4294967295 out of "
		     "range");
}

/* -------------------------------------------------------------- syntax */

static void test_an_unknown_key_names_its_line(void **state)
{
	(void)state;
	assert_error("[jack]\nchannels = 2\n\nchanels = 3\n",
		     "test.conf:4: unknown key 'chanels' in [jack]");
}

static void test_an_unknown_section_is_named_at_its_header(void **state)
{
	(void)state;
	assert_error("[jack]\nchannels = 2\n[video]\nfps = 30\n",
		     "test.conf:3: unknown section [video]");
	/* Even without keys in it. */
	assert_error("[jack]\n[Audio]\n", "test.conf:2: unknown section [Audio]");
}

static void test_a_key_outside_any_section_is_refused(void **state)
{
	(void)state;
	assert_error("channels = 2\n", "test.conf:1: key 'channels' outside any section");
}

static void test_a_duplicate_key_is_refused_naming_both_lines(void **state)
{
	(void)state;
	assert_error("[jack]\nchannels = 2\n[audio]\neq_bands = 4\n[jack]\nchannels = 3\n",
		     "test.conf:6: duplicate key 'channels' in [jack] (first set on line 2)");
}

static void test_a_section_may_be_opened_twice(void **state)
{
	struct config c;

	(void)state;
	assert_parses("[jack]\nchannels = 3\n[audio]\neq_bands = 4\n[jack]\nserver = x\n", &c);
	assert_int_equal(c.channels, 3);
	assert_string_equal(c.server, "x");
}

static void test_indented_keys_are_keys_not_continuations(void **state)
{
	struct config c;

	(void)state;
	assert_parses("[jack]\n  channels = 3\n\tserver = x\n  ; comment\n", &c);
	assert_int_equal(c.channels, 3);
	assert_string_equal(c.server, "x");
}

static void test_a_line_without_equals_is_a_syntax_error(void **state)
{
	(void)state;
	assert_error("[jack]\nchannels 2\n", "test.conf:2: syntax error");
	assert_error("[jack\nchannels = 2\n", "test.conf:1: syntax error");
}

static void test_the_first_error_wins(void **state)
{
	(void)state;
	assert_error("[jack]\nbogus\nchannels = 0\n", "test.conf:2: syntax error");
	assert_error("[jack]\nchannels = 0\nbogus\n", "test.conf:2: channels:");
	assert_error("[jack]\nchannels = 0\n[video]\n", "test.conf:2: channels:");
}

static void test_a_line_of_198_characters_is_the_longest(void **state)
{
	char text[400];
	struct config c;

	(void)state;
	snprintf(text, sizeof text, "[jack]\n;%0197d\nchannels = 3\n", 0);
	assert_parses(text, &c);
	assert_int_equal(c.channels, 3);
	snprintf(text, sizeof text, "[jack]\n;%0198d\nchannels = 3\n", 0);
	assert_error(text, "test.conf:2: line longer than 198 characters");
}

static void test_a_missing_file_says_why(void **state)
{
	struct config c, def;
	char err[256];

	(void)state;
	config_defaults(&c);
	config_defaults(&def);
	assert_int_equal(config_load(&c, "/nonexistent/radiod.conf", err, sizeof err), -ENOENT);
	assert_contains(err, "/nonexistent/radiod.conf: No such file or directory");
	assert_memory_equal(&c, &def, sizeof c);
}

/* ----------------------------------------------------- overrides, reload */

static void test_options_override_the_file_with_the_same_checks(void **state)
{
	static const struct config_override ov[] = {
		{"jack.server", "from-n", "-n"},
		{"control.socket", "/tmp/from-s.sock", "-s"},
	};
	static const struct config_override bad[] = {{"control.socket", "rel.sock", "-s"}};
	char path[] = "/tmp/test_daemon_config.XXXXXX";
	struct config c;
	char err[512];
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");

	(void)state;
	assert_non_null(f);
	fputs("[jack]\nserver = from-file\nchannels = 3\n", f);
	fclose(f);
	assert_int_equal(config_read(&c, path, ov, 2, err, sizeof err), 0);
	assert_string_equal(c.server, "from-n");
	assert_string_equal(c.socket, "/tmp/from-s.sock");
	assert_int_equal(c.channels, 3);

	config_defaults(&c);
	assert_int_equal(config_read(&c, path, bad, 1, err, sizeof err), -EINVAL);
	assert_string_equal(err, "-s: socket: 'rel.sock' is not an absolute path");
	assert_int_equal(config_read(&c, NULL, ov, 1, err, sizeof err), 0);
	assert_string_equal(c.server, "from-n");
	assert_int_equal(c.channels, 2);
	unlink(path);
}

static void test_config_set_refuses_an_unknown_key(void **state)
{
	struct config c;
	char err[128];

	(void)state;
	config_defaults(&c);
	assert_int_equal(config_set(&c, "jack.nothing", "1", err, sizeof err), -EINVAL);
	assert_string_equal(err, "jack.nothing: no such key");
	assert_int_equal(config_set(&c, "channels", "1", err, sizeof err), -EINVAL);
}

static void test_a_diff_separates_reloadable_and_restart_keys(void **state)
{
	struct config a, b;
	char out[512];

	(void)state;
	assert_parses("[jack]\nchannels = 2\n[control]\nmax_clients = 1\n", &a);
	assert_parses("[jack]\nchannels = 4\nconnect_in = x:1\n[control]\nmax_clients = 2\n"
		      "group = root\nsocket_mode = 0666\n[audio]\nramp_ms = 200\n", &b);
	assert_int_equal(config_diff(&a, &b, CONFIG_AT_RELOAD, true, out, sizeof out), 3);
	assert_string_equal(out, "control.group '' -> 'root', control.max_clients 1 -> 2, "
			    "audio.ramp_ms 50 -> 200");
	assert_int_equal(config_diff(&a, &b, CONFIG_AT_RESTART, false, out, sizeof out), 3);
	assert_string_equal(out, "jack.channels, jack.connect_in, control.socket_mode");
	assert_int_equal(config_diff(&a, &a, CONFIG_AT_RESTART, false, out, sizeof out), 0);
	assert_string_equal(out, "");
}

static void test_a_diff_that_does_not_fit_ends_in_dots(void **state)
{
	struct config a, b;
	char out[24];

	(void)state;
	config_defaults(&a);
	assert_parses("[jack]\nchannels = 4\nserver = x\nclient_name = y\n", &b);
	assert_int_equal(config_diff(&a, &b, CONFIG_AT_RESTART, false, out, sizeof out), 3);
	assert_string_equal(out, "jack.server...");
}

static void test_a_reload_takes_only_the_reloadable_keys(void **state)
{
	struct config running, next, want;

	(void)state;
	assert_parses("[jack]\nchannels = 2\n", &running);
	assert_parses("[jack]\nchannels = 4\n[control]\nmax_clients = 7\nidle_timeout_s = 1\n"
		      "client_buffer_kib = 64\ngroup = root\nsocket_mode = 0600\n"
		      "[audio]\nramp_ms = 9\nvolume_db = -3\neq_bands = 3\n", &next);
	want = running;
	want.max_clients = 7;
	want.idle_timeout_s = 1;
	want.client_buffer_kib = 64;
	want.group = next.group;
	want.ramp_ms = 9;
	config_take_reloadable(&running, &next);
	assert_memory_equal(&running, &want, sizeof want);
}

/* ------------------------------------------------------ the example file */

/* The example with every "; key = value" line made live. */
static char *example_uncommented(void)
{
	const char *top = getenv("top_srcdir");
	char path[4096], line[256];
	char *text = NULL;
	size_t len = 0;
	FILE *in, *out;

	snprintf(path, sizeof path, "%s/daemon/radiod.conf.example", top ? top : ".");
	in = fopen(path, "r");
	if (!in)
		fail_msg("cannot open %s", path);
	out = open_memstream(&text, &len);
	assert_non_null(out);
	while (fgets(line, sizeof line, in))
		fputs(line[0] == ';' ? line + 1 : line, out);
	fclose(in);
	fclose(out);
	return text;
}

static void test_the_example_file_shows_every_key_at_its_default(void **state)
{
	static const char *const keys[] = {
		"server", "client_name", "channels", "autoconnect", "connect_in",
		"connect_out", "socket", "socket_mode", "socket_group", "group",
		"max_clients", "idle_timeout_s", "client_buffer_kib", "eq_bands", "ramp_ms",
		"volume_db", "enabled", "listen",
	};
	char *text = example_uncommented();
	struct config c, def;
	char want[64];

	(void)state;
	config_defaults(&def);
	assert_parses(text, &c);
	assert_memory_equal(&c, &def, sizeof c);
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		snprintf(want, sizeof want, "\n%s =", keys[i]);
		assert_contains(text, want);
	}
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_key_has_its_documented_default),
		cmocka_unit_test(test_a_good_file_sets_every_key),
		cmocka_unit_test(test_a_metrics_address_is_numeric_with_an_optional_port),
		cmocka_unit_test(test_an_empty_file_keeps_the_defaults),
		cmocka_unit_test(test_every_number_takes_its_range_edges_and_refuses_one_beyond),
		cmocka_unit_test(test_range_edges_land_in_the_configuration),
		cmocka_unit_test(test_bad_numbers_are_refused_naming_key_and_line),
		cmocka_unit_test(test_a_socket_mode_is_octal),
		cmocka_unit_test(test_a_bad_boolean_is_refused),
		cmocka_unit_test(test_strings_have_their_limits),
		cmocka_unit_test(test_ports_are_counted_against_the_channels),
		cmocka_unit_test(test_a_group_is_a_name_or_a_gid),
		cmocka_unit_test(test_an_unknown_group_is_refused),
		cmocka_unit_test(test_an_unknown_key_names_its_line),
		cmocka_unit_test(test_an_unknown_section_is_named_at_its_header),
		cmocka_unit_test(test_a_key_outside_any_section_is_refused),
		cmocka_unit_test(test_a_duplicate_key_is_refused_naming_both_lines),
		cmocka_unit_test(test_a_section_may_be_opened_twice),
		cmocka_unit_test(test_indented_keys_are_keys_not_continuations),
		cmocka_unit_test(test_a_line_without_equals_is_a_syntax_error),
		cmocka_unit_test(test_the_first_error_wins),
		cmocka_unit_test(test_a_line_of_198_characters_is_the_longest),
		cmocka_unit_test(test_a_missing_file_says_why),
		cmocka_unit_test(test_options_override_the_file_with_the_same_checks),
		cmocka_unit_test(test_config_set_refuses_an_unknown_key),
		cmocka_unit_test(test_a_diff_separates_reloadable_and_restart_keys),
		cmocka_unit_test(test_a_diff_that_does_not_fit_ends_in_dots),
		cmocka_unit_test(test_a_reload_takes_only_the_reloadable_keys),
		cmocka_unit_test(test_the_example_file_shows_every_key_at_its_default),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
