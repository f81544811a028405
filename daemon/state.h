/*
 * state.h - radiod's persistent state: the live settings (EQ, volume, mute,
 * active preset) and the named presets, kept as crash-safe files in the
 * state directory.
 *
 * Files (in the state directory, -S):
 *   state.json      the live settings; rewritten after changes (debounced by
 *                   daemon/persist.c), so it is small and changes often.
 *   presets.json    every preset; rewritten only when one is saved or
 *                   deleted.  Kept apart from state.json so that the file
 *                   written all the time never carries the presets: a
 *                   damaged state.json costs the volume and EQ, never the
 *                   user's presets.  One file rather than one per preset,
 *                   so that the set is replaced as a whole (a listing never
 *                   sees half of a change) and validated in one place; at
 *                   STATE_MAX_PRESETS presets it stays under 200 KiB.
 *   NAME.bak        the previous good NAME: a hard link to the file each
 *                   save replaces (no data is written twice).  Used when
 *                   NAME is unusable.  None on a file system without hard
 *                   links.
 *   NAME.tmp        exists only while a save runs (or after a save was cut
 *                   short by a crash or power loss: removed at the next
 *                   start, the file it was to replace being intact).
 *   NAME.corrupt-T  an unusable NAME set aside at start, T = Unix time
 *                   (NAME.corrupt-T.1, ... for more in the same second);
 *                   kept for a person to look at, never read or removed.
 *
 * Format: one header line, then the payload, a JSON document:
 *
 *   radiod-state 1 crc32=5d7e4c1a size=1234
 *   {
 *     "eq": {"preamp_db": 0.0, "bypass": false, "bands": [
 *       {"type": "peaking", "freq_hz": 1000.0, "q": 1.4, "gain_db": 6.0,
 *        "enabled": true}, ...]},
 *     "volume_db": -12.0, "muted": false, "active_preset": "jazz"
 *   }
 *
 * (presets.json: "radiod-presets 1 ...", payload {"presets": [{"name":
 * "jazz", "preamp_db": 0.0, "bands": [...]}, ...]}.)  The header names the
 * file kind, the format version, the CRC-32 (IEEE 802.3, as zlib's crc32)
 * of the payload bytes and their count.  A file is used only when all of it
 * holds: the header, the exact size (a truncated file is told apart from a
 * damaged one), the checksum, the JSON with exactly the keys above, and
 * every value in its range (libdsp/eq.h; volume -120 .. +12 dB; names as
 * below) - so a hand-edited file with a valid checksum but a value out of
 * range is refused like a damaged one.  Numbers are written with 15
 * significant digits when that reads back to the same double (any value
 * typed in decimal does), else 17: what is read is exactly what was saved.
 *
 * Writing: NAME.tmp is written and fsync'ed, the old NAME becomes NAME.bak
 * (link), NAME.tmp is renamed over NAME and the directory is fsync'ed.  At
 * every instant NAME is the old file or the new one, never a torn one.
 * Before writing, the payload is read back by the loader's own decoder, so
 * radiod never writes a file it would refuse.
 *
 * Loading: an unusable NAME (unreadable, empty, torn, damaged, another
 * version, a value out of range) is renamed to NAME.corrupt-T with a
 * warning naming the file, the reason and the new name; then NAME.bak is
 * tried the same way; then the caller keeps its defaults.
 *
 * Preset names: 1 .. STATE_PRESET_NAME_MAX characters of A-Z a-z 0-9,
 * space, '.', '_', '-', not starting with '.' (radio.proto).  At most
 * STATE_MAX_PRESETS presets.  A preset holds the bands and the preamp; the
 * bypass switch is not part of it (it is an A/B switch the listener flips
 * to compare with the preset).
 *
 * Logging: what happens to files at open and load (leftover temp files
 * removed, files set aside, the backup used) is logged to the struct log
 * given at open, since it is not an error of any call; everything else is
 * returned (negative errno and a message in err).
 *
 * Threads: the control thread (file I/O, may block on fsync: a few ms on
 * a local disk); never the RT thread.  No process-wide state.
 */
#ifndef RADIOD_DAEMON_STATE_H
#define RADIOD_DAEMON_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "daemon/log.h"
#include "libdsp/eq.h"

#define STATE_FORMAT_VERSION 1
#define STATE_SETTINGS_FILE "state.json"
#define STATE_PRESETS_FILE "presets.json"
#define STATE_MAX_PRESETS 64
#define STATE_PRESET_NAME_MAX 64	/* characters, terminator excluded */
#define STATE_FILE_MAX_BYTES (1024 * 1024)	/* a larger file is refused unread */
#define STATE_VOLUME_MIN_DB (-120.0)	/* libdsp/gain.h's range */
#define STATE_VOLUME_MAX_DB 12.0

/* The live settings. */
struct state_settings {
	struct eq_params eq;
	double volume_db;
	bool muted;
	char active_preset[STATE_PRESET_NAME_MAX + 1];	/* "" = none */
};

struct state_preset {
	char name[STATE_PRESET_NAME_MAX + 1];
	struct eq_params eq;	/* bands and preamp; bypass is always false */
};

/* Sorted by name (byte order), names unique. */
struct state_presets {
	uint32_t n;
	struct state_preset preset[STATE_MAX_PRESETS];
};

/* What a load found. */
enum state_source {
	STATE_DEFAULTS,		/* nothing usable: the caller keeps its defaults */
	STATE_FROM_FILE,	/* NAME */
	STATE_FROM_BACKUP,	/* NAME.bak, NAME being missing or unusable */
};

struct state_dir;

/*
 * Opens the state directory at path (which must exist) and locks it
 * (flock on the directory), so that two radiods never write the same
 * files; removes temp files left by a save that was cut short (logged).
 * Returns 0 with *out set, or a negative errno with a message in err:
 * -EBUSY when another process holds the lock.
 */
int state_dir_open(struct state_dir **out, const char *path, const struct log *lg, char *err,
		   size_t err_len);

/* Unlocks and frees; NULL is a no-op. */
void state_dir_close(struct state_dir *d);

/* The path given at open. */
const char *state_dir_path(const struct state_dir *d);

/*
 * Loads state.json (or its backup) into *out, which is left untouched when
 * the source is STATE_DEFAULTS.  Unusable files are set aside and logged.
 */
enum state_source state_load_settings(struct state_dir *d, struct state_settings *out);

/* The same for presets.json; with STATE_DEFAULTS *out is left untouched. */
enum state_source state_load_presets(struct state_dir *d, struct state_presets *out);

/*
 * Replaces state.json / presets.json (see "Writing").  Returns 0, or a
 * negative errno with a message in err naming the file and the step that
 * failed; the old file is then intact and no temp file is left.
 * -EINVAL: the values themselves are out of range (nothing written).
 */
int state_save_settings(struct state_dir *d, const struct state_settings *s, char *err,
			size_t err_len);
int state_save_presets(struct state_dir *d, const struct state_presets *p, char *err,
		       size_t err_len);

/*
 * The writing step alone: replaces file name with a header for kind
 * ("radiod-state", "radiod-presets"), version STATE_FORMAT_VERSION and the
 * checksum of payload, which is written as it is, unchecked.  For the
 * tests (a file with a valid checksum around any payload).
 */
int state_write_file(struct state_dir *d, const char *name, const char *kind,
		     const char *payload, size_t len, char *err, size_t err_len);

/*
 * The reading step alone, for files other than state.json and presets.json
 * kept in the same format: reads name, checks its header for kind and its
 * checksum, and returns its payload (malloc'ed, NUL-terminated, len bytes
 * before the terminator) in *payload.  0; -ENOENT when there is no such
 * file; -EBADMSG when it is unusable: it is then set aside (logged).
 */
int state_read_file(struct state_dir *d, const char *name, const char *kind, char **payload,
		    size_t *len);

/* Renames name to name.corrupt-TIME (logged with why): for a file whose
 * payload its reader found unusable. */
void state_set_aside(struct state_dir *d, const char *name, const char *why);

/* CRC-32 (IEEE 802.3), computed by zlib. */
uint32_t state_crc32(const void *data, size_t len);

/* NULL when name is a valid preset name, else why not ("must not start
 * with '.'"); a static string. */
const char *state_preset_name_problem(const char *name);

/* Defaults for every field: eq_params_default(eq_bands), volume_db, not
 * muted, no active preset. */
void state_settings_default(struct state_settings *s, uint32_t eq_bands, double volume_db);

/* True when a and b hold the same values (bands beyond n_bands ignored). */
bool state_settings_equal(const struct state_settings *a, const struct state_settings *b);
/* The same for the parts a preset holds: bands and preamp. */
bool state_eq_same_preset(const struct eq_params *a, const struct eq_params *b);

/* Index of the preset called name, or -1. */
int state_presets_find(const struct state_presets *p, const char *name);
/* Adds a preset, or replaces the one of that name (eq's bypass is not
 * kept).  -EINVAL for a bad name, -ENOSPC when STATE_MAX_PRESETS are
 * there already. */
int state_presets_put(struct state_presets *p, const char *name, const struct eq_params *eq);
/* -ENOENT when there is none of that name. */
int state_presets_remove(struct state_presets *p, const char *name);

#endif
