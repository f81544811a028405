/*
 * test_daemon_state - radiod's state files (daemon/state.h): what is saved
 * reads back exactly; every kind of damaged file is set aside with a
 * message naming the file and the reason, and the backup or the defaults
 * are used; saving never leaves a temp file; preset names and the preset
 * limit; the save debounce (daemon/persist.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon/persist.h"
#include "daemon/state.h"

struct fixture {
	char dir[256];
	int log_fd;
	struct log log;
	struct state_dir *sd;
	char log_text[16384];
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof *fx);
	const char *tmp = getenv("TMPDIR");
	char err[256];

	assert_non_null(fx);
	snprintf(fx->dir, sizeof fx->dir, "%s/radiod-state-test.XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
	assert_non_null(mkdtemp(fx->dir));
	fx->log_fd = memfd_create("radiod-log", MFD_CLOEXEC);
	assert_true(fx->log_fd >= 0);
	log_init(&fx->log, "radiod", fx->log_fd, true);
	if (state_dir_open(&fx->sd, fx->dir, &fx->log, err, sizeof err) < 0)
		fail_msg("state_dir_open: %s", err);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	DIR *d = opendir(fx->dir);
	struct dirent *e;

	state_dir_close(fx->sd);
	while (d && (e = readdir(d))) {
		char p[512];

		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof p, "%s/%s", fx->dir, e->d_name);
		if (unlink(p) < 0)
			rmdir(p);
	}
	if (d)
		closedir(d);
	rmdir(fx->dir);
	close(fx->log_fd);
	free(fx);
	return 0;
}

/* Everything logged so far. */
static const char *logged(struct fixture *fx)
{
	ssize_t n = pread(fx->log_fd, fx->log_text, sizeof fx->log_text - 1, 0);

	fx->log_text[n > 0 ? n : 0] = '\0';
	return fx->log_text;
}

static void assert_contains(const char *s, const char *want)
{
	if (!strstr(s, want))
		fail_msg("'%s' does not contain '%s'", s, want);
}

static char *path_of(struct fixture *fx, const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", fx->dir, name);
	return buf;
}

static bool exists(struct fixture *fx, const char *name)
{
	char p[512];
	struct stat st;

	return stat(path_of(fx, name, p, sizeof p), &st) == 0;
}

/* Reads a whole file (malloc'ed, NUL-terminated). */
static char *slurp(struct fixture *fx, const char *name, size_t *len)
{
	char p[512];
	FILE *f = fopen(path_of(fx, name, p, sizeof p), "rb");
	char *buf = malloc(STATE_FILE_MAX_BYTES + 1);
	size_t n;

	assert_non_null(f);
	assert_non_null(buf);
	n = fread(buf, 1, STATE_FILE_MAX_BYTES, f);
	fclose(f);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

static void spew(struct fixture *fx, const char *name, const char *data, size_t len)
{
	char p[512];
	FILE *f = fopen(path_of(fx, name, p, sizeof p), "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* Names in the directory starting with prefix; the first one into first. */
static int count_files(struct fixture *fx, const char *prefix, char *first, size_t first_len)
{
	DIR *d = opendir(fx->dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, prefix, strlen(prefix)) != 0)
			continue;
		if (n++ == 0 && first)
			snprintf(first, first_len, "%s", e->d_name);
	}
	closedir(d);
	return n;
}

/* Settings unlike the defaults in every field. */
static void sample_settings(struct state_settings *s)
{
	state_settings_default(s, 10, 0.0);
	s->eq.band[0].type = BIQUAD_LOWSHELF;
	s->eq.band[0].gain_db = 4.5;
	s->eq.band[0].q = 0.7;
	s->eq.band[3].gain_db = 3.1;
	s->eq.band[5].type = BIQUAD_NOTCH;
	s->eq.band[5].freq = 2345.6;
	s->eq.band[7].enabled = false;
	s->eq.band[9].type = BIQUAD_HIGHSHELF;
	s->eq.band[9].gain_db = -6.25;
	s->eq.preamp_db = -2.5;
	s->eq.bypass = true;
	s->volume_db = -7.25;
	s->muted = true;
	snprintf(s->active_preset, sizeof s->active_preset, "jazz");
}

static void save_settings(struct fixture *fx, const struct state_settings *s)
{
	char err[512];

	if (state_save_settings(fx->sd, s, err, sizeof err) < 0)
		fail_msg("state_save_settings: %s", err);
}

/* A settings file around payload, with a valid header and checksum. */
static void write_payload(struct fixture *fx, const char *payload)
{
	char err[512];

	if (state_write_file(fx->sd, STATE_SETTINGS_FILE, "radiod-state", payload,
			     strlen(payload), err, sizeof err) < 0)
		fail_msg("state_write_file: %s", err);
}

/*
 * Loads state.json and checks it was refused: defaults (the output
 * untouched), the file moved to state.json.corrupt-T with its bytes
 * intact, and a warning naming the file, reason and new place.
 */
static void assert_set_aside(struct fixture *fx, const char *reason)
{
	struct state_settings s, untouched;
	char aside[256], p[512], want[800];
	size_t before_len, after_len;
	char *before = slurp(fx, STATE_SETTINGS_FILE, &before_len), *after;

	memset(&s, 0x5a, sizeof s);
	untouched = s;
	assert_int_equal(state_load_settings(fx->sd, &s), STATE_DEFAULTS);
	assert_memory_equal(&s, &untouched, sizeof s);
	assert_false(exists(fx, STATE_SETTINGS_FILE));
	assert_int_equal(count_files(fx, STATE_SETTINGS_FILE ".corrupt-", aside, sizeof aside), 1);
	after = slurp(fx, aside, &after_len);
	assert_int_equal(after_len, before_len);
	assert_memory_equal(after, before, before_len);
	snprintf(want, sizeof want, "state file %s is unusable (", path_of(fx,
		 STATE_SETTINGS_FILE, p, sizeof p));
	assert_contains(logged(fx), want);
	assert_contains(logged(fx), reason);
	snprintf(want, sizeof want, "moved it to %s/%s", fx->dir, aside);
	assert_contains(logged(fx), want);
	assert_contains(logged(fx), "no usable state.json");
	assert_contains(logged(fx), "using defaults");
	free(before);
	free(after);
}

/* --------------------------------------------------------------- format */

static void test_crc32_is_the_standard_one(void **state)
{
	(void)state;
	/* The check value of CRC-32/ISO-HDLC, the one zlib computes. */
	assert_int_equal(state_crc32("123456789", 9), 0xcbf43926u);
	assert_int_equal(state_crc32("", 0), 0);
}

static void test_settings_read_back_exactly(void **state)
{
	struct fixture *fx = *state;
	struct state_settings s, back;

	sample_settings(&s);
	save_settings(fx, &s);
	memset(&back, 0, sizeof back);
	assert_int_equal(state_load_settings(fx->sd, &back), STATE_FROM_FILE);
	assert_true(state_settings_equal(&back, &s));
	assert_int_equal(back.eq.n_bands, 10);
	assert_int_equal(back.eq.band[5].type, BIQUAD_NOTCH);
	assert_false(back.eq.band[7].enabled);
	assert_true(back.muted);
	assert_string_equal(back.active_preset, "jazz");
}

static void test_the_file_is_a_header_line_and_readable_json(void **state)
{
	struct fixture *fx = *state;
	struct state_settings s;
	unsigned long size;
	unsigned crc;
	char *text, *body;
	size_t len;

	sample_settings(&s);
	save_settings(fx, &s);
	text = slurp(fx, STATE_SETTINGS_FILE, &len);
	assert_int_equal(sscanf(text, "radiod-state 1 crc32=%8x size=%lu\n", &crc, &size), 2);
	body = strchr(text, '\n') + 1;
	assert_int_equal(size, len - (size_t)(body - text));
	assert_int_equal(crc, state_crc32(body, size));
	/* Values typed in decimal are written as typed, for a person. */
	assert_contains(body, "\"volume_db\": -7.25");
	assert_contains(body, "\"gain_db\": 3.1,");
	assert_contains(body, "\"type\": \"notch\"");
	assert_contains(body, "\"active_preset\": \"jazz\"");
	free(text);
}

static void test_a_value_needing_17_digits_reads_back_exactly(void **state)
{
	struct fixture *fx = *state;
	struct state_settings s, back;

	state_settings_default(&s, 8, -3.0);
	s.eq.band[2].gain_db = 0.1 + 0.2;	/* 0.30000000000000004 */
	save_settings(fx, &s);
	assert_int_equal(state_load_settings(fx->sd, &back), STATE_FROM_FILE);
	assert_true(back.eq.band[2].gain_db == 0.1 + 0.2);
	assert_true(state_settings_equal(&back, &s));
}

static void test_presets_read_back_sorted_without_bypass(void **state)
{
	struct fixture *fx = *state;
	struct state_presets *p = calloc(1, sizeof *p), *back = calloc(1, sizeof *back);
	struct state_settings a, b;
	char err[512];

	assert_non_null(p);
	assert_non_null(back);
	sample_settings(&a);
	state_settings_default(&b, 3, 0.0);
	b.eq.band[1].gain_db = -12.0;
	assert_int_equal(state_presets_put(p, "rock", &a.eq), 0);
	assert_int_equal(state_presets_put(p, "jazz", &b.eq), 0);
	assert_int_equal(state_presets_put(p, "Acoustic 2", &b.eq), 0);
	if (state_save_presets(fx->sd, p, err, sizeof err) < 0)
		fail_msg("%s", err);
	assert_int_equal(state_load_presets(fx->sd, back), STATE_FROM_FILE);
	assert_int_equal(back->n, 3);
	assert_string_equal(back->preset[0].name, "Acoustic 2");
	assert_string_equal(back->preset[1].name, "jazz");
	assert_string_equal(back->preset[2].name, "rock");
	assert_true(state_eq_same_preset(&back->preset[2].eq, &a.eq));
	assert_true(state_eq_same_preset(&back->preset[1].eq, &b.eq));
	assert_false(back->preset[2].eq.bypass);
	free(p);
	free(back);
}

/* ------------------------------------------------------ unusable files */

static void test_a_missing_file_gives_defaults_quietly(void **state)
{
	struct fixture *fx = *state;
	struct state_settings s;

	assert_int_equal(state_load_settings(fx->sd, &s), STATE_DEFAULTS);
	assert_contains(logged(fx), "no state.json in");
	assert_contains(logged(fx), "yet: using defaults");
	assert_int_equal(count_files(fx, STATE_SETTINGS_FILE ".corrupt", NULL, 0), 0);
}

static void test_an_empty_file_is_set_aside(void **state)
{
	struct fixture *fx = *state;

	spew(fx, STATE_SETTINGS_FILE, "", 0);
	assert_set_aside(fx, "the file is empty");
}

static void test_a_truncated_file_is_set_aside(void **state)
{
	struct fixture *fx = *state;
	struct state_settings s;
	char *text, p[512], want[64];
	size_t len;

	sample_settings(&s);
	save_settings(fx, &s);
	text = slurp(fx, STATE_SETTINGS_FILE, &len);
	assert_int_equal(truncate(path_of(fx, STATE_SETTINGS_FILE, p, sizeof p), (off_t)len - 100), 0);
	snprintf(want, sizeof want, "truncated: %zu of %zu payload bytes",
		 len - 100 - (size_t)(strchr(text, '\n') + 1 - text),
		 len - (size_t)(strchr(text, '\n') + 1 - text));
	assert_set_aside(fx, want);
	free(text);
}

static void test_a_flipped_byte_is_set_aside(void **state)
{
	struct fixture *fx = *state;
	struct state_settings s;
	char *text;
	size_t len;

	sample_settings(&s);
	save_settings(fx, &s);
	text = slurp(fx, STATE_SETTINGS_FILE, &len);
	/* "-7.25" becomes "-7.35": still valid JSON, in range, wrong. */
	*(strstr(text, "-7.25") + 3) = '3';
	spew(fx, STATE_SETTINGS_FILE, text, len);
	assert_set_aside(fx, "checksum mismatch: the header says");
	free(text);
}

static void test_a_wrong_checksum_is_set_aside(void **state)
{
	struct fixture *fx = *state;
	struct state_settings s;
	char *text, *crc;
	size_t len;

	sample_settings(&s);
	save_settings(fx, &s);
	text = slurp(fx, STATE_SETTINGS_FILE, &len);
	crc = strstr(text, "crc32=") + 6;
	crc[0] = crc[0] == '0' ? '1' : '0';
	spew(fx, STATE_SETTINGS_FILE, text, len);
	assert_set_aside(fx, "checksum mismatch");
	free(text);
}

static void test_another_format_version_is_set_aside(void **state)
{
	struct fixture *fx = *state;
	static const char text[] = "radiod-state 2 crc32=00000000 size=3\n{}\n";

	spew(fx, STATE_SETTINGS_FILE, text, strlen(text));
	assert_set_aside(fx, "format version 2; this radiod reads version 1");
}

static void test_a_file_of_something_else_is_set_aside(void **state)
{
	struct fixture *fx = *state;
	static const char text[] = "{\"volume_db\": 0}\n";

	spew(fx, STATE_SETTINGS_FILE, text, strlen(text));
	assert_set_aside(fx, "the header does not start with 'radiod-state'");
}

static void test_bytes_beyond_the_announced_size_are_set_aside(void **state)
{
	struct fixture *fx = *state;
	struct state_settings s;
	char *text;
	size_t len;

	sample_settings(&s);
	save_settings(fx, &s);
	text = slurp(fx, STATE_SETTINGS_FILE, &len);
	memcpy(text + len, "xx", 3);
	spew(fx, STATE_SETTINGS_FILE, text, len + 2);
	assert_set_aside(fx, "2 bytes beyond the");
	free(text);
}

/* Hand-edited files with a valid checksum: the values are checked too. */

static const char good_eq[] =
	"\"eq\": {\"preamp_db\": 0, \"bypass\": false, \"bands\": [{\"type\": \"peaking\", "
	"\"freq_hz\": 1000, \"q\": 1.0, \"gain_db\": 3, \"enabled\": true}]}";

static void test_a_volume_out_of_range_is_set_aside(void **state)
{
	struct fixture *fx = *state;
	char payload[512];

	snprintf(payload, sizeof payload, "{%s, \"volume_db\": 30, \"muted\": false, "
		 "\"active_preset\": \"\"}\n", good_eq);
	write_payload(fx, payload);
	assert_set_aside(fx, "volume_db 30 out of range -120 .. +12");
}

static void test_a_band_out_of_range_is_set_aside(void **state)
{
	struct fixture *fx = *state;
	static const char payload[] =
		"{\"eq\": {\"preamp_db\": 0, \"bypass\": false, \"bands\": [{\"type\": "
		"\"peaking\", \"freq_hz\": 1000, \"q\": 40, \"gain_db\": 3, \"enabled\": true}]}, "
		"\"volume_db\": 0, \"muted\": false, \"active_preset\": \"\"}\n";

	write_payload(fx, payload);
	assert_set_aside(fx, "eq: band 0 q must be 0.1 .. 20");
}

static void test_an_unknown_band_type_is_set_aside(void **state)
{
	struct fixture *fx = *state;
	static const char payload[] =
		"{\"eq\": {\"preamp_db\": 0, \"bypass\": false, \"bands\": [{\"type\": "
		"\"wobble\", \"freq_hz\": 1000, \"q\": 1, \"gain_db\": 3, \"enabled\": true}]}, "
		"\"volume_db\": 0, \"muted\": false, \"active_preset\": \"\"}\n";

	write_payload(fx, payload);
	assert_set_aside(fx, "eq: band 0: type 'wobble' unknown");
}

static void test_an_unknown_key_is_set_aside(void **state)
{
	struct fixture *fx = *state;
	char payload[512];

	snprintf(payload, sizeof payload, "{%s, \"volume_db\": 0, \"muted\": false, "
		 "\"active_preset\": \"\", \"loudness\": true}\n", good_eq);
	write_payload(fx, payload);
	assert_set_aside(fx, "left unpacked: loudness");
}

static void test_a_missing_key_is_set_aside(void **state)
{
	struct fixture *fx = *state;
	char payload[512];

	snprintf(payload, sizeof payload, "{%s, \"muted\": false, \"active_preset\": \"\"}\n",
		 good_eq);
	write_payload(fx, payload);
	assert_set_aside(fx, "volume_db");
}

static void test_a_bad_active_preset_name_is_set_aside(void **state)
{
	struct fixture *fx = *state;
	char payload[512];

	snprintf(payload, sizeof payload, "{%s, \"volume_db\": 0, \"muted\": false, "
		 "\"active_preset\": \"../etc\"}\n", good_eq);
	write_payload(fx, payload);
	assert_set_aside(fx, "active_preset: the name must not start with '.'");
}

static void test_json_that_does_not_parse_is_set_aside(void **state)
{
	struct fixture *fx = *state;

	write_payload(fx, "{\"eq\": \n");
	assert_set_aside(fx, "JSON error at line 3");
}

static void test_two_presets_of_one_name_are_set_aside(void **state)
{
	struct fixture *fx = *state;
	static const char one[] = "{\"name\": \"jazz\", \"preamp_db\": 0, \"bands\": [{\"type\": "
				  "\"peaking\", \"freq_hz\": 100, \"q\": 1, \"gain_db\": 1, "
				  "\"enabled\": true}]}";
	struct state_presets *p = calloc(1, sizeof *p);
	char payload[1024], err[512];

	assert_non_null(p);
	snprintf(payload, sizeof payload, "{\"presets\": [%s, %s]}\n", one, one);
	if (state_write_file(fx->sd, STATE_PRESETS_FILE, "radiod-presets", payload,
			     strlen(payload), err, sizeof err) < 0)
		fail_msg("%s", err);
	assert_int_equal(state_load_presets(fx->sd, p), STATE_DEFAULTS);
	assert_int_equal(p->n, 0);
	assert_contains(logged(fx), "(two presets are called 'jazz')");
	assert_int_equal(count_files(fx, STATE_PRESETS_FILE ".corrupt-", NULL, 0), 1);
	free(p);
}

/* ---------------------------------------------------------------- backup */

static void test_a_damaged_file_falls_back_to_the_save_before(void **state)
{
	struct fixture *fx = *state;
	struct state_settings first, second, back;

	state_settings_default(&first, 8, -20.0);
	sample_settings(&second);
	save_settings(fx, &first);
	save_settings(fx, &second);
	spew(fx, STATE_SETTINGS_FILE, "radiod-state 1 crc32=", 21);
	assert_int_equal(state_load_settings(fx->sd, &back), STATE_FROM_BACKUP);
	assert_true(state_settings_equal(&back, &first));
	assert_contains(logged(fx), "no header line");
	assert_contains(logged(fx), "state.json.bak, the save before the last one");
}

static void test_damaged_file_and_backup_give_defaults(void **state)
{
	struct fixture *fx = *state;
	struct state_settings s, back, untouched;

	sample_settings(&s);
	save_settings(fx, &s);
	save_settings(fx, &s);
	spew(fx, STATE_SETTINGS_FILE, "x", 1);
	spew(fx, STATE_SETTINGS_FILE ".bak", "", 0);
	memset(&back, 0x33, sizeof back);
	untouched = back;
	assert_int_equal(state_load_settings(fx->sd, &back), STATE_DEFAULTS);
	assert_memory_equal(&back, &untouched, sizeof back);
	assert_int_equal(count_files(fx, STATE_SETTINGS_FILE ".corrupt-", NULL, 0), 1);
	assert_int_equal(count_files(fx, STATE_SETTINGS_FILE ".bak.corrupt-", NULL, 0), 1);
	assert_contains(logged(fx), "no usable state.json");
}

/* ------------------------------------------------------------- writing */

static void test_a_save_leaves_no_temp_file(void **state)
{
	struct fixture *fx = *state;
	struct state_settings s;

	sample_settings(&s);
	save_settings(fx, &s);
	save_settings(fx, &s);
	assert_false(exists(fx, STATE_SETTINGS_FILE ".tmp"));
	assert_true(exists(fx, STATE_SETTINGS_FILE));
	assert_true(exists(fx, STATE_SETTINGS_FILE ".bak"));
}

static void test_a_failed_save_leaves_no_temp_file_and_says_why(void **state)
{
	struct fixture *fx = *state;
	struct state_settings s;
	char p[512], err[512];

	/* A directory where the file goes: the rename step fails. */
	assert_int_equal(mkdir(path_of(fx, STATE_SETTINGS_FILE, p, sizeof p), 0755), 0);
	sample_settings(&s);
	assert_true(state_save_settings(fx->sd, &s, err, sizeof err) < 0);
	assert_contains(err, "cannot save ");
	assert_contains(err, "/state.json: rename: ");
	assert_false(exists(fx, STATE_SETTINGS_FILE ".tmp"));
}

static void test_values_out_of_range_are_never_written(void **state)
{
	struct fixture *fx = *state;
	struct state_settings s;
	char err[512];

	sample_settings(&s);
	s.volume_db = 40.0;
	assert_int_equal(state_save_settings(fx->sd, &s, err, sizeof err), -EINVAL);
	assert_contains(err, "refusing to save state.json: volume_db 40 out of range");
	assert_false(exists(fx, STATE_SETTINGS_FILE));
	assert_false(exists(fx, STATE_SETTINGS_FILE ".tmp"));
}

static void test_a_temp_file_left_by_a_cut_save_is_removed_at_open(void **state)
{
	struct fixture *fx = *state;
	struct state_settings s, back;
	char err[512];

	sample_settings(&s);
	save_settings(fx, &s);
	state_dir_close(fx->sd);
	fx->sd = NULL;
	spew(fx, STATE_SETTINGS_FILE ".tmp", "radiod-state 1 crc32=1234", 25);
	if (state_dir_open(&fx->sd, fx->dir, &fx->log, err, sizeof err) < 0)
		fail_msg("%s", err);
	assert_false(exists(fx, STATE_SETTINGS_FILE ".tmp"));
	assert_contains(logged(fx), "state.json.tmp, left by a save that was cut short");
	assert_int_equal(state_load_settings(fx->sd, &back), STATE_FROM_FILE);
	assert_true(state_settings_equal(&back, &s));
}

static void test_a_directory_in_use_is_refused(void **state)
{
	struct fixture *fx = *state;
	struct state_dir *second = NULL;
	char err[512];

	assert_int_equal(state_dir_open(&second, fx->dir, &fx->log, err, sizeof err), -EBUSY);
	assert_null(second);
	assert_contains(err, "is in use by another radiod");
}

/* ------------------------------------------------------------- presets */

static void test_valid_preset_names(void **state)
{
	static const char *const ok[] = {"jazz", "Rock 2", "a.b_c-d", "0", "x.", "late night"};
	char longest[STATE_PRESET_NAME_MAX + 1];

	(void)state;
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
		if (state_preset_name_problem(ok[i]))
			fail_msg("'%s' refused: %s", ok[i], state_preset_name_problem(ok[i]));
	memset(longest, 'a', STATE_PRESET_NAME_MAX);
	longest[STATE_PRESET_NAME_MAX] = '\0';
	assert_null(state_preset_name_problem(longest));
}

static void test_invalid_preset_names_say_why(void **state)
{
	static const struct {
		const char *name, *why;
	} bad[] = {
		{"", "is empty"},
		{".hidden", "must not start with '.'"},
		{"..", "must not start with '.'"},
		{"a/b", "may hold only A-Z a-z 0-9, space, '.', '_' and '-'"},
		{"tab\there", "may hold only"},
		{"caf\xc3\xa9", "may hold only"},
		{"new\nline", "may hold only"},
	};
	char toolong[STATE_PRESET_NAME_MAX + 2];

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		const char *why = state_preset_name_problem(bad[i].name);

		if (!why || !strstr(why, bad[i].why))
			fail_msg("'%s': got '%s', want '%s'", bad[i].name, why ? why : "(accepted)",
				 bad[i].why);
	}
	assert_string_equal(state_preset_name_problem(NULL), "is empty");
	memset(toolong, 'a', sizeof toolong - 1);
	toolong[sizeof toolong - 1] = '\0';
	assert_string_equal(state_preset_name_problem(toolong), "is longer than 64 characters");
}

static void test_at_most_64_presets_but_one_may_be_replaced(void **state)
{
	struct state_presets *p = calloc(1, sizeof *p);
	struct eq_params eq;
	char name[16];

	(void)state;
	assert_non_null(p);
	eq_params_default(&eq, 8);
	for (int i = 0; i < STATE_MAX_PRESETS; i++) {
		snprintf(name, sizeof name, "p%02d", i);
		assert_int_equal(state_presets_put(p, name, &eq), 0);
	}
	assert_int_equal(state_presets_put(p, "one more", &eq), -ENOSPC);
	eq.band[0].gain_db = 5.0;
	assert_int_equal(state_presets_put(p, "p07", &eq), 0);
	assert_int_equal(p->n, STATE_MAX_PRESETS);
	assert_true(p->preset[7].eq.band[0].gain_db == 5.0);
	free(p);
}

static void test_presets_stay_sorted_through_puts_and_removes(void **state)
{
	struct state_presets *p = calloc(1, sizeof *p);
	struct eq_params eq;

	(void)state;
	assert_non_null(p);
	eq_params_default(&eq, 4);
	eq.bypass = true;
	assert_int_equal(state_presets_put(p, "m", &eq), 0);
	assert_int_equal(state_presets_put(p, "z", &eq), 0);
	assert_int_equal(state_presets_put(p, "a", &eq), 0);
	assert_int_equal(state_presets_put(p, "bad/name", &eq), -EINVAL);
	assert_int_equal(p->n, 3);
	assert_string_equal(p->preset[0].name, "a");
	assert_string_equal(p->preset[1].name, "m");
	assert_string_equal(p->preset[2].name, "z");
	assert_false(p->preset[0].eq.bypass);
	assert_int_equal(state_presets_remove(p, "m"), 0);
	assert_int_equal(state_presets_remove(p, "m"), -ENOENT);
	assert_int_equal(p->n, 2);
	assert_string_equal(p->preset[1].name, "z");
	assert_int_equal(state_presets_find(p, "z"), 1);
	assert_int_equal(state_presets_find(p, "q"), -1);
	free(p);
}

/* ------------------------------------------------------------- debounce */

static void test_a_single_change_is_saved_one_delay_later(void **state)
{
	(void)state;
	assert_int_equal(persist_save_due(1000, 1000, 500), 1500);
}

static void test_each_change_pushes_the_save_back(void **state)
{
	(void)state;
	assert_int_equal(persist_save_due(0, 300, 500), 800);
}

static void test_a_stream_of_changes_is_saved_within_four_delays(void **state)
{
	(void)state;
	/* Changes every 100 ms since t = 0: the save is due at 2000 ms at
	 * the latest, however long the stream goes on. */
	assert_int_equal(persist_save_due(0, 1900, 500), 2000);
	assert_int_equal(persist_save_due(0, 1600, 500), 2000);
	assert_int_equal(persist_save_due(0, 0, 0), 0);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_crc32_is_the_standard_one),
		T(test_settings_read_back_exactly),
		T(test_the_file_is_a_header_line_and_readable_json),
		T(test_a_value_needing_17_digits_reads_back_exactly),
		T(test_presets_read_back_sorted_without_bypass),
		T(test_a_missing_file_gives_defaults_quietly),
		T(test_an_empty_file_is_set_aside),
		T(test_a_truncated_file_is_set_aside),
		T(test_a_flipped_byte_is_set_aside),
		T(test_a_wrong_checksum_is_set_aside),
		T(test_another_format_version_is_set_aside),
		T(test_a_file_of_something_else_is_set_aside),
		T(test_bytes_beyond_the_announced_size_are_set_aside),
		T(test_a_volume_out_of_range_is_set_aside),
		T(test_a_band_out_of_range_is_set_aside),
		T(test_an_unknown_band_type_is_set_aside),
		T(test_an_unknown_key_is_set_aside),
		T(test_a_missing_key_is_set_aside),
		T(test_a_bad_active_preset_name_is_set_aside),
		T(test_json_that_does_not_parse_is_set_aside),
		T(test_two_presets_of_one_name_are_set_aside),
		T(test_a_damaged_file_falls_back_to_the_save_before),
		T(test_damaged_file_and_backup_give_defaults),
		T(test_a_save_leaves_no_temp_file),
		T(test_a_failed_save_leaves_no_temp_file_and_says_why),
		T(test_values_out_of_range_are_never_written),
		T(test_a_temp_file_left_by_a_cut_save_is_removed_at_open),
		T(test_a_directory_in_use_is_refused),
		T(test_valid_preset_names),
		T(test_invalid_preset_names_say_why),
		T(test_at_most_64_presets_but_one_may_be_replaced),
		T(test_presets_stay_sorted_through_puts_and_removes),
		T(test_a_single_change_is_saved_one_delay_later),
		T(test_each_change_pushes_the_save_back),
		T(test_a_stream_of_changes_is_saved_within_four_delays),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
