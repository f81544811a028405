/*
 * config_hash.c - SHA-256 of the configuration file, with nettle.
 */
#include "daemon/config_hash.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <nettle/sha2.h>

int config_hash_file(const char *path, char hex[CONFIG_HASH_HEX_SIZE], char *err,
		     size_t err_len)
{
	uint8_t buf[4096], digest[SHA256_DIGEST_SIZE];
	struct sha256_ctx ctx;
	FILE *f = fopen(path, "re");
	size_t n;
	int r = 0;

	hex[0] = '\0';
	if (!f) {
		r = -errno;
		snprintf(err, err_len, "%s: %s", path, strerror(errno));
		return r;
	}
	sha256_init(&ctx);
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		sha256_update(&ctx, n, buf);
	if (ferror(f)) {
		r = -EIO;
		snprintf(err, err_len, "%s: read error", path);
	}
	fclose(f);
	if (r < 0)
		return r;
	sha256_digest(&ctx, sizeof digest, digest);
	for (size_t i = 0; i < sizeof digest; i++)
		snprintf(hex + 2 * i, 3, "%02x", digest[i]);
	return 0;
}
