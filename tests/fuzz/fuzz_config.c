/*
 * fuzz_config - libFuzzer target: the radiod.conf parser (daemon/config.c,
 * on inih).  The input is the file's text, read through
 * config_load_stream() from a memory stream (fmemopen), exactly as
 * config_load() reads a file; a configuration that loads is then compared
 * with the defaults (config_diff, both kinds, with values) and taken over
 * as a reload would (config_take_reloadable), which walks every key it set.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "daemon/config.h"

#define INPUT_MAX 16384

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config def, cfg, running;
	char err[512], diff[1024];
	FILE *f;

	if (size > INPUT_MAX)
		return -1;
	config_defaults(&def);
	cfg = def;
	/* fmemopen refuses a zero-sized buffer: an empty file is one blank line. */
	f = fmemopen(size ? (void *)data : (void *)"\n", size ? size : 1, "r");
	if (!f)
		abort();
	if (config_load_stream(&cfg, f, "fuzz.conf", err, sizeof err) == 0) {
		config_diff(&def, &cfg, CONFIG_AT_RELOAD, true, diff, sizeof diff);
		config_diff(&def, &cfg, CONFIG_AT_RESTART, true, diff, sizeof diff);
		running = def;
		config_take_reloadable(&running, &cfg);
	}
	fclose(f);
	return 0;
}
