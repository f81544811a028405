/*
 * persist.h - keeps radiod's settings across restarts and power cuts: the
 * glue between the engine's settings and the files of daemon/state.h.
 *
 * Start: persist_create() loads state.json and presets.json and installs
 * the saved EQ, volume and mute in the engine before it first joins JACK,
 * so the first block already runs with them (the engine fades the volume
 * in from silence, see engine.h).  The saved values win over the
 * configuration's eq_bands and volume_db, which are what a state directory
 * with nothing saved starts from.
 *
 * Saving (the live settings): save_delay_ms after the last change, and at
 * least every PERSIST_STREAM_FACTOR x save_delay_ms while changes keep
 * coming (a knob turned for a minute is still saved every 2 s with the
 * default delay); persist_flush() at a clean stop.  Saves run on the
 * control thread from a libevent timer; one costs a few milliseconds, most
 * of it the two fsyncs.  A change that leaves the settings as they were
 * last saved writes nothing.  A failed save is logged once and retried
 * every PERSIST_RETRY_MS until one succeeds (logged too).
 *
 * Presets are written at once: SavePreset's and DeletePreset's OK means the
 * change is on disk.
 *
 * Active preset: LoadPreset and SavePreset make a preset the active one.
 * It stays active exactly as long as the EQ's bands and preamp equal the
 * preset's: a hand-made change to a band or the preamp clears it, as does
 * deleting the preset; bypass and volume do not (a preset does not hold
 * them).  So Info.active_preset never names a preset other than the one
 * playing.
 *
 * Logs (info): the restored settings at start, each preset saved, loaded
 * or deleted; (warning) a save that failed, a saved EQ the engine refuses;
 * (debug) each save with its duration, and the save figures at destroy.
 * daemon/state.h logs what it does to files.
 *
 * Threads: the control thread only (the one running the event base).
 */
#ifndef RADIOD_DAEMON_PERSIST_H
#define RADIOD_DAEMON_PERSIST_H

#include <stddef.h>
#include <stdint.h>

#include <event2/event.h>

#include "daemon/engine.h"
#include "daemon/log.h"
#include "daemon/state.h"

#define PERSIST_DEFAULT_SAVE_DELAY_MS 500
#define PERSIST_MAX_SAVE_DELAY_MS 60000
#define PERSIST_STREAM_FACTOR 4
#define PERSIST_RETRY_MS 5000

struct persist;

/*
 * When a debounced save is due: delay_ms after the last change, but no
 * later than PERSIST_STREAM_FACTOR x delay_ms after the first change not
 * yet saved.  Milliseconds on any one clock.
 */
static inline int64_t persist_save_due(int64_t first_change_ms, int64_t last_change_ms,
				       uint32_t delay_ms)
{
	int64_t quiet = last_change_ms + delay_ms;
	int64_t bound = first_change_ms + (int64_t)PERSIST_STREAM_FACTOR * delay_ms;

	return quiet < bound ? quiet : bound;
}

/*
 * Opens (and locks) the state directory state_dir, which must exist,
 * loads the saved settings and presets and installs the settings in e,
 * which must not be connected yet.  save_delay_ms: 0 .. PERSIST_MAX_SAVE_DELAY_MS
 * (0 saves at the next turn of the event loop).  Returns NULL with a
 * message in err when the directory cannot be opened or locked (another
 * radiod uses it), or out of memory.
 */
struct persist *persist_create(struct event_base *base, struct engine *e, const char *state_dir,
			       uint32_t save_delay_ms, const struct log *lg, char *err,
			       size_t err_len);

/* Frees everything without saving (see persist_flush); NULL is a no-op. */
void persist_destroy(struct persist *p);

/* After every successful change of the EQ, volume or mute: updates the
 * active preset and schedules a save. */
void persist_changed(struct persist *p);

/* Saves now if anything changed since the last save (a clean stop).
 * Returns 0, or a negative errno with a message in err. */
int persist_flush(struct persist *p, char *err, size_t err_len);

/* The active preset's name; "" when none. */
const char *persist_active_preset(const struct persist *p);

/* The state directory, open and locked while p lives. */
struct state_dir *persist_state_dir(struct persist *p);

/* The presets, sorted by name; valid until the next preset call. */
const struct state_presets *persist_presets(const struct persist *p);

/*
 * The preset requests.  Each returns 0, or a negative errno with a
 * sentence in err (without the request's name):
 *   -EINVAL   name missing or not a valid preset name;
 *   -ENOENT   no preset of that name (load, delete);
 *   -ENOSPC   STATE_MAX_PRESETS presets already (save of a new name);
 *   the engine's errors (load: the preset does not fit the rate, -EAGAIN);
 *   a file error (save, delete): the presets are then as before.
 * save: the current EQ's bands and preamp under name (replacing a preset
 * of that name), which becomes active.  load: the preset's bands and
 * preamp, click-free (the bypass switch stays as it is); it becomes active.
 */
int persist_save_preset(struct persist *p, const char *name, char *err, size_t err_len);
int persist_load_preset(struct persist *p, const char *name, char *err, size_t err_len);
int persist_delete_preset(struct persist *p, const char *name, char *err, size_t err_len);

#endif
