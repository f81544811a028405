/*
 * test_daemon_config - radiod.conf parsing (daemon/config.h): defaults, a
 * good file, and errors that name the file and line, leaving the
 * configuration untouched.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

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

static void assert_error(const char *text, const char *want)
{
	struct config cfg, def;
	char err[256];

	config_defaults(&def);
	assert_int_equal(parse(text, &cfg, err, sizeof err), -EINVAL);
	if (!strstr(err, want))
		fail_msg("error '%s' does not contain '%s'", err, want);
	/* Nothing of a bad file is applied. */
	assert_memory_equal(&cfg, &def, sizeof cfg);
}

static void test_defaults(void **state)
{
	struct config c;

	(void)state;
	config_defaults(&c);
	assert_string_equal(c.server, "");
	assert_string_equal(c.client_name, "radiod");
	assert_int_equal(c.channels, 2);
	assert_false(c.autoconnect);
	assert_string_equal(c.socket, "");
	assert_int_equal(c.max_clients, 32);
	assert_int_equal(c.idle_timeout_s, 300);
	assert_int_equal(c.client_buffer_kib, 1024);
	assert_int_equal(c.eq_bands, 8);
	assert_true(c.ramp_ms == 50.0);
	assert_true(c.volume_db == 0.0);
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
		"max_clients = 5\n"
		"idle_timeout_s = 0\n"
		"client_buffer_kib = 64\n"
		"[audio]\n"
		"eq_bands = 16\n"
		"ramp_ms = 12.5\n"
		"volume_db = -20\n";
	struct config c;
	char err[256];

	(void)state;
	assert_int_equal(parse(text, &c, err, sizeof err), 0);
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
	assert_int_equal(c.max_clients, 5);
	assert_int_equal(c.idle_timeout_s, 0);
	assert_int_equal(c.client_buffer_kib, 64);
	assert_int_equal(c.eq_bands, 16);
	assert_true(c.ramp_ms == 12.5);
	assert_true(c.volume_db == -20.0);
}

static void test_an_empty_file_keeps_the_defaults(void **state)
{
	struct config c, def;
	char err[256];

	(void)state;
	config_defaults(&def);
	assert_int_equal(parse("", &c, err, sizeof err), 0);
	assert_memory_equal(&c, &def, sizeof c);
}

static void test_an_unknown_key_names_its_line(void **state)
{
	(void)state;
	assert_error("[jack]\nchannels = 2\n\nchanels = 3\n",
		     "test.conf:4: unknown key 'chanels' in [jack]");
}

static void test_an_unknown_section_names_its_line(void **state)
{
	(void)state;
	assert_error("[jack]\nchannels = 2\n[video]\nfps = 30\n",
		     "test.conf:4: unknown section [video]");
}

static void test_a_bad_number_names_key_range_and_line(void **state)
{
	(void)state;
	assert_error("[jack]\nchannels = 9\n", "test.conf:2: channels: '9' is not a number in 1..8");
	assert_error("[jack]\nchannels = two\n", "test.conf:2: channels:");
	assert_error("[jack]\nchannels = -1\n", "test.conf:2: channels:");
	assert_error("[jack]\nchannels = 2x\n", "test.conf:2: channels:");
	assert_error("[control]\nmax_clients = 99999999999999999999\n",
		     "test.conf:2: max_clients:");
	assert_error("[audio]\nvolume_db = 13\n", "test.conf:2: volume_db: '13' is not a number");
	assert_error("[audio]\nramp_ms = nan\n", "test.conf:2: ramp_ms:");
	assert_error("[audio]\neq_bands = 0\n", "test.conf:2: eq_bands:");
}

static void test_a_bad_boolean_is_refused(void **state)
{
	(void)state;
	assert_error("[jack]\nautoconnect = maybe\n", "test.conf:2: autoconnect: 'maybe' is not");
}

static void test_a_relative_socket_is_refused(void **state)
{
	(void)state;
	assert_error("[control]\nsocket = run/sock\n", "test.conf:2: socket: 'run/sock' is not an "
		     "absolute path");
}

static void test_a_line_without_equals_is_a_syntax_error(void **state)
{
	(void)state;
	assert_error("[jack]\nchannels 2\n", "test.conf:2: syntax error");
}

static void test_the_first_error_wins(void **state)
{
	(void)state;
	assert_error("[jack]\nbogus\nchannels = 0\n", "test.conf:2: syntax error");
	assert_error("[jack]\nchannels = 0\nbogus\n", "test.conf:2: channels:");
}

static void test_more_ports_than_channels_is_refused(void **state)
{
	(void)state;
	assert_error("[jack]\nconnect_in = a:1 a:2 a:3\nchannels = 2\n",
		     "test.conf:2: connect_in: 3 ports for 2 channels");
}

static void test_a_line_of_198_characters_is_the_longest(void **state)
{
	char text[400], err[256];
	struct config c;

	(void)state;
	snprintf(text, sizeof text, "[jack]\n;%0197d\nchannels = 3\n", 0);
	assert_int_equal(parse(text, &c, err, sizeof err), 0);
	assert_int_equal(c.channels, 3);
	snprintf(text, sizeof text, "[jack]\n;%0198d\nchannels = 3\n", 0);
	assert_error(text, "test.conf:2: line longer than 198 characters");
}

static void test_a_missing_file_says_why(void **state)
{
	struct config c;
	char err[256];

	(void)state;
	config_defaults(&c);
	assert_int_equal(config_load(&c, "/nonexistent/radiod.conf", err, sizeof err), -ENOENT);
	assert_non_null(strstr(err, "/nonexistent/radiod.conf: No such file"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_a_good_file_sets_every_key),
		cmocka_unit_test(test_an_empty_file_keeps_the_defaults),
		cmocka_unit_test(test_an_unknown_key_names_its_line),
		cmocka_unit_test(test_an_unknown_section_names_its_line),
		cmocka_unit_test(test_a_bad_number_names_key_range_and_line),
		cmocka_unit_test(test_a_bad_boolean_is_refused),
		cmocka_unit_test(test_a_relative_socket_is_refused),
		cmocka_unit_test(test_a_line_without_equals_is_a_syntax_error),
		cmocka_unit_test(test_the_first_error_wins),
		cmocka_unit_test(test_more_ports_than_channels_is_refused),
		cmocka_unit_test(test_a_line_of_198_characters_is_the_longest),
		cmocka_unit_test(test_a_missing_file_says_why),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
