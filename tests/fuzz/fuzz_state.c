/*
 * fuzz_state - libFuzzer target: the state-file loader (daemon/state.c).
 *
 * Input: one mode byte, then the file's bytes.  Mode bit 0: presets.json
 * rather than state.json; bit 1: the bytes are the payload and the harness
 * writes a valid header (kind, version, CRC-32, size) in front, so that the
 * JSON decoder and the range checks are reached past the checksum; bit 2:
 * the file is written as NAME.bak with no NAME (the fallback path).
 * Without bit 1 the bytes are the whole file (the header parser).
 *
 * Oracle beyond the sanitizers: whatever loads must save (the saver
 * refuses to write what the loader would refuse) and, for the settings,
 * read back equal.  The state directory lives in /dev/shm when it exists
 * (the loader fsyncs the directory when it sets a file aside) and is
 * emptied after every input; everything allocated is freed.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/log.h"
#include "daemon/state.h"

#define INPUT_MAX 65536

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The harness's process state: the directory, opened once. */
static char dir_path[64];
static struct log quiet = {.threshold = LOG_LEVEL_ERROR, .fd = -1, .ident = "radiod"};

static void empty_dir(void)
{
	DIR *d = opendir(dir_path);
	struct dirent *de;

	if (!d)
		abort();
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			unlinkat(dirfd(d), de->d_name, 0);
	closedir(d);
}

static void remove_dir(void)
{
	empty_dir();
	rmdir(dir_path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	snprintf(dir_path, sizeof dir_path, "%s/radiod-fuzz-state-XXXXXX",
		 access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
	if (!mkdtemp(dir_path)) {
		perror("fuzz_state: mkdtemp");
		abort();
	}
	quiet.fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	atexit(remove_dir);
	return 0;
}

static void write_file(const char *name, const char *kind, bool wrap, const uint8_t *p,
		       size_t n)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir_path, name);
	f = fopen(path, "we");
	if (!f)
		abort();
	if (wrap) {
		fprintf(f, "%s %d crc32=%08x size=%zu\n", kind, STATE_FORMAT_VERSION,
			(unsigned)state_crc32(p, n), n);
	}
	if (n && fwrite(p, 1, n, f) != n)
		abort();
	if (fclose(f) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct state_presets presets, again;	/* large: not on the stack */
	struct state_settings s, back;
	struct state_dir *d;
	char err[512], name[64];
	bool want_presets, wrap;
	int r;

	if (size < 1 || size > INPUT_MAX)
		return -1;
	want_presets = data[0] & 1;
	wrap = data[0] & 2;
	snprintf(name, sizeof name, "%s%s", want_presets ? STATE_PRESETS_FILE : STATE_SETTINGS_FILE,
		 data[0] & 4 ? ".bak" : "");
	write_file(name, want_presets ? "radiod-presets" : "radiod-state", wrap, data + 1,
		   size - 1);

	r = state_dir_open(&d, dir_path, &quiet, err, sizeof err);
	if (r < 0) {
		fprintf(stderr, "fuzz_state: %s\n", err);
		abort();
	}
	if (want_presets) {
		memset(&presets, 0, sizeof presets);
		if (state_load_presets(d, &presets) != STATE_DEFAULTS) {
			if (state_save_presets(d, &presets, err, sizeof err) < 0) {
				fprintf(stderr, "fuzz_state: loaded presets do not save: %s\n", err);
				abort();
			}
			if (state_load_presets(d, &again) == STATE_DEFAULTS || again.n != presets.n) {
				fprintf(stderr, "fuzz_state: saved presets do not read back\n");
				abort();
			}
		}
	} else {
		state_settings_default(&s, 8, 0.0);
		if (state_load_settings(d, &s) != STATE_DEFAULTS) {
			if (state_save_settings(d, &s, err, sizeof err) < 0) {
				fprintf(stderr, "fuzz_state: loaded settings do not save: %s\n", err);
				abort();
			}
			if (state_load_settings(d, &back) == STATE_DEFAULTS ||
			    !state_settings_equal(&s, &back)) {
				fprintf(stderr, "fuzz_state: saved settings do not read back equal\n");
				abort();
			}
		}
	}
	state_dir_close(d);
	empty_dir();
	return 0;
}
