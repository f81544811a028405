/*
 * wisdom.h - FFTW's wisdom kept in the state directory, so the spectrum's
 * transform is planned by measurement once per machine, not at every start.
 *
 * The spectrum plans its 2048-point transform with FFTW_MEASURE: FFTW
 * times candidate algorithms on this CPU and keeps the fastest (the bench,
 * bench/README.md, has the gain over an FFTW_ESTIMATE plan).  Measuring
 * takes about 200 ms on the control thread at the first join; what FFTW
 * learnt ("wisdom", its own text format) is then saved as
 * STATE_DIR/fftw-wisdom, in the state files' format (header with kind
 * "radiod-fftw-wisdom", version, CRC-32 and size; crash-safe writing: see
 * state.h), and imported at the next start, which makes the same plan in
 * well under a millisecond.
 *
 * A file that fails its checks is set aside like any state file; one that
 * passes them but that FFTW does not accept is set aside too; either way
 * radiod measures again and saves fresh wisdom.  Wisdom only guides the
 * planner: a plan made from it computes the same transform.
 *
 * Threads: the control thread, which is also the only one that plans.
 */
#ifndef RADIOD_DAEMON_WISDOM_H
#define RADIOD_DAEMON_WISDOM_H

#include "daemon/log.h"
#include "daemon/state.h"

#define WISDOM_FILE "fftw-wisdom"
#define WISDOM_KIND "radiod-fftw-wisdom"

struct wisdom;

/* Imports WISDOM_FILE from d if there is a usable one (logged either way).
 * NULL only when out of memory (logged; radiod then just measures). */
struct wisdom *wisdom_load(struct state_dir *d, const struct log *lg);

/* Saves FFTW's wisdom to d when it holds more than was loaded or last
 * saved (after a plan was measured); a failed save is logged and tried
 * again at the next call. */
void wisdom_save(struct wisdom *w);

/* NULL is a no-op. */
void wisdom_destroy(struct wisdom *w);

#endif
