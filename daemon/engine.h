/*
 * engine.h - radiod's JACK client: ports, the real-time chain, the command
 * ring that feeds it, and the statistics it records.
 *
 * The chain, once per JACK block, on JACK's real-time thread:
 *   timestamp -> pending commands -> input copied to the output buffers ->
 *   [tap: input] -> test signal or streamed audio (mixed into or replacing
 *   the selected channels) -> [tap: chain] -> EQ -> volume ramp -> meters ->
 *   spectrum -> [tap: output] -> timestamp -> histograms and counters ->
 *   liveness counter.
 * Everything it touches was allocated before activation; it never
 * allocates, locks, logs or blocks (checked by RealtimeSanitizer: every
 * function of the chain is DSP_RT).  Changes reach it as fixed-size commands
 * through a jack_ringbuffer_t: the control thread validates and designs them
 * (EQ coefficients, a ready struct siggen), the RT thread only installs them,
 * and the DSP ramps, so nothing steps.
 *
 * Settings (EQ, volume, mute, bypass) are kept on the control side too: the
 * engine remembers them while JACK is away and applies them when it connects
 * again.  A test signal needs a running engine (-ENOTCONN otherwise).
 *
 * Statistics (nanoseconds; libdsp/histogram.h, one writer: the RT thread):
 *   jitter      start-to-start interval of two callbacks minus the nominal
 *               period (the earlier block's frames / rate); signed: early is
 *               negative.  CLOCK_MONOTONIC at callback entry.
 *   processing  callback entry to exit, CLOCK_MONOTONIC.
 *   wakeup      JACK's cycle start to callback entry: jack_get_time() at
 *               entry minus the cycle's current_usecs from
 *               jack_get_cycle_times(), both JACK's microsecond clock - the
 *               same quantity as jack_frames_since_cycle_start(), at 1 us
 *               resolution instead of one frame (21 us at 48 kHz).
 * Counters: callbacks, frames, xruns (JACK's xrun callback), injected-audio
 * underruns, clipped samples per channel; the statistics survive reconnects.
 * "Reset" is the reader's business: take a snapshot as a baseline and
 * subtract it (engine_stats_delta); the RT thread is never stopped.
 *
 * Threads:
 *   control thread  every function below, unless noted.
 *   RT thread       only the process callback inside engine.c.
 *   JACK's notification thread runs the xrun, shutdown, sample-rate and
 *   buffer-size callbacks inside engine.c; they set atomics and write to an
 *   eventfd (engine_notify_fd) that the control loop watches.
 * Memory ordering: RT counters and histograms are written by one thread with
 * relaxed stores and read with relaxed loads - they are statistics, nothing
 * is published through them.  The liveness counter is stored with release
 * and read with acquire, so a reader that sees it advance also sees that
 * block's statistics.  The pending-event bits are set with release by the
 * notification callbacks and exchanged with acquire by engine_take_events,
 * which publishes the shutdown reason written before them.  The command
 * ring is JACK's single-reader single-writer ring buffer.
 *
 * Errors: negative errno, with a static message in *err where one helps.
 */
#ifndef RADIOD_DAEMON_ENGINE_H
#define RADIOD_DAEMON_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jack/types.h>

#include "daemon/config.h"
#include "daemon/log.h"
#include "libdsp/eq.h"
#include "libdsp/siggen.h"
#include "libdsp/spectrum.h"

#define ENGINE_MAX_CHANNELS CONFIG_MAX_CHANNELS
/* Commands the ring holds; a full ring makes a setter return -EAGAIN. */
#define ENGINE_RING_COMMANDS 32
/* The volume's ramp up from silence each time the engine joins JACK (ms,
 * linear in dB from -120 dB): longer than a volume change's ramp_ms, which
 * is tuned for a responsive knob, so switching on never thumps. */
#define ENGINE_FADE_IN_MS 500.0

/* Numbered as radio.proto's EngineState. */
enum engine_state {
	ENGINE_STARTING = 0,
	ENGINE_RUNNING = 1,
	ENGINE_DISCONNECTED = 2,	/* JACK is away; settings are kept */
	ENGINE_STOPPING = 3,
};

/* Bits of engine_take_events(). */
#define ENGINE_EV_SHUTDOWN 0x1u	/* the server dropped us: disconnect, retry */
#define ENGINE_EV_RATE 0x2u	/* the sample rate differs from the DSP's */
#define ENGINE_EV_BUFSIZE 0x4u	/* the period changed (nothing depends on it) */

struct engine;
struct inject_stream;
struct capture;

struct engine_rt_thread {
	char policy[16];	/* "SCHED_FIFO", "SCHED_OTHER", ...; "" when unknown */
	int priority;
	bool realtime;		/* jack_is_realtime() */
};

struct engine_info {
	enum engine_state state;
	char server[CONFIG_NAME_MAX];		/* "default" when none was given */
	char client_name[CONFIG_NAME_MAX];	/* the name JACK gave us */
	const char *jack_version;
	uint32_t sample_rate;		/* 0 before the first connection */
	uint32_t period_frames;
	uint32_t channels;
	uint32_t eq_bands;
	struct engine_rt_thread rt;
	double dsp_load_percent;	/* jack_cpu_load(); 0 when not running */
};

struct engine_meter {
	float peak_dbfs, rms_dbfs;	/* maxima since the previous read */
	uint64_t clipped;		/* since the engine was created */
};

/* What the RT thread counted, as of one engine_stats_take(). */
struct engine_counters {
	uint64_t callbacks;
	uint64_t frames;
	uint64_t xruns;
	uint64_t inject_underruns;
	uint64_t clipped[ENGINE_MAX_CHANNELS];
};

/* A reader's copy of the statistics (owned by the reader). */
struct engine_stats {
	struct histogram_snapshot *jitter;	/* signed */
	struct histogram_snapshot *processing;
	struct histogram_snapshot *wakeup;
	struct engine_counters n;
	double time_s;		/* CLOCK_MONOTONIC when taken */
};

/*
 * Allocates everything that does not depend on JACK (ring, histograms,
 * eventfd) and takes the settings from cfg: channels, names, autoconnect,
 * eq_bands (flat EQ), volume_db, ramp_ms.  lg receives warnings the engine
 * cannot return (an autoconnection that failed).  Returns NULL with *err set.
 */
struct engine *engine_create(const struct config *cfg, const struct log *lg, const char **err);

/* Disconnects if needed and frees everything; NULL is a no-op. */
void engine_destroy(struct engine *e);

/*
 * Joining JACK takes two calls, so that the one that can block for long
 * runs off the control thread.
 *
 * The first opens a client called name on server (NULL or "" = the
 * default one), never starting a server.  libjack has no timeout here: a
 * server that accepts the connection but does not answer (stopped, wedged)
 * keeps the caller waiting until it answers or dies, so radiod runs this on
 * a helper thread (daemon/connector.h).  Uses no engine: any thread.
 * Having joined, it also plans the spectrum's transform ahead
 * (spectrum_plan_ahead()), so that engine_attach() on the control thread
 * does not spend the time measuring it.  Returns the client, or NULL with
 * a message in err and -ECONNREFUSED (no server) or -EIO in *r.
 */
jack_client_t *engine_open_client(const char *server, const char *name, char *err,
				  size_t err_len, int *r);

/*
 * Finishes joining with client from engine_open_client() (taken over,
 * closed on failure): builds the DSP for the server's rate, installs the
 * kept settings (EQ designed for that rate; the volume ramps up from
 * silence over ENGINE_FADE_IN_MS), registers in_1..in_N / out_1..out_N, activates and
 * autoconnects.  Returns 0, or a negative errno with a message in err;
 * -EISCONN when a client is already attached.  On failure the engine is
 * disconnected.
 */
int engine_attach(struct engine *e, jack_client_t *client, char *err, size_t err_len);

/* Deactivates and closes the JACK client (when there is one); the state
 * becomes DISCONNECTED.  Settings and statistics are kept. */
void engine_disconnect(struct engine *e);

/*
 * As engine_disconnect(), but the client is not closed: it is returned
 * (NULL when there is none) for the caller to close later, off the control
 * thread (connector_retire()).  Why: jack_client_close() cancels libjack's
 * notification thread asynchronously, and when that thread is handling a
 * notification (a client coming or going; the server's last ones as it
 * stops) it holds a libjack lock; cancelled there it leaves the lock taken,
 * and the close and every later jack_client_open() wait forever (seen
 * under AddressSanitizer's slower timing when jackd stops).  The RT thread
 * keeps its own copy of the client and ports (it may be finishing a block)
 * until that close is done.
 */
jack_client_t *engine_detach(struct engine *e);

/* For a clean stop: the state becomes STOPPING, then as disconnect. */
void engine_stop(struct engine *e);

enum engine_state engine_state(const struct engine *e);
uint32_t engine_channels(const struct engine *e);
const char *engine_state_name(enum engine_state s);

/* The eventfd the control loop watches (readable when events are pending). */
int engine_notify_fd(const struct engine *e);

/* Clears the eventfd and returns the ENGINE_EV_* bits that arrived; with
 * ENGINE_EV_SHUTDOWN, JACK's reason is copied into reason (may be NULL). */
unsigned engine_take_events(struct engine *e, char *reason, size_t reason_len);

/* Advances once per processed block; read with acquire ordering.  The
 * watchdog feeds only while it moves. */
uint64_t engine_liveness(const struct engine *e);

/* xruns JACK reported since the engine was created (across reconnects). */
uint64_t engine_xruns(const struct engine *e);

void engine_get_info(struct engine *e, struct engine_info *info);

/* The rate settings are validated against: the current one, else the last
 * one seen, else 48 kHz. */
double engine_validation_rate(const struct engine *e);

/* ---- settings: the setters validate, then queue a command; when not
 * running they only store.  -EAGAIN: the command ring is full, nothing
 * changed. */

void engine_get_eq(const struct engine *e, struct eq_params *p);
/* Validated as a whole at engine_validation_rate(); -EINVAL/-ERANGE with the
 * libdsp message in *err. */
int engine_set_eq(struct engine *e, const struct eq_params *p, const char **err);

void engine_get_volume(const struct engine *e, double *db, bool *muted);
/* db -120..+12, ramp_ms 0..10000 (a negative ramp_ms means the default);
 * -ERANGE otherwise. */
int engine_set_volume(struct engine *e, double db, double ramp_ms, const char **err);
int engine_set_mute(struct engine *e, bool mute, const char **err);

/* The default volume ramp (ms), from the configuration. */
double engine_default_ramp_ms(const struct engine *e);
/* Replaces it (a reloaded configuration): 0..10000 ms, checked by the
 * caller; for the next SetVolume without a ramp, and mute. */
void engine_set_default_ramp_ms(struct engine *e, double ramp_ms);

/* Starts a test signal on the channels of mask (bit n = channel n, 0 =
 * all), added to the input or replacing it.  -ENOTCONN when not running;
 * -EINVAL/-ERANGE with *err for bad parameters. */
int engine_inject(struct engine *e, const struct siggen_params *p, uint32_t mask,
		  bool replace, const char **err);
int engine_stop_signal(struct engine *e, const char **err);

/* ---- readings */

/* Peak and RMS since the previous read (by anyone), clipped counts.
 * Returns the channel count; readings of a never-connected engine are at
 * the floor. */
uint32_t engine_read_meters(struct engine *e, struct engine_meter *m, uint32_t n);

/* The stream a client injects (daemon/inject_stream.h) and the measurement
 * tap (daemon/capture.h): made with the engine, reset each time it joins
 * JACK; the engine's RT thread plays the one and feeds the other.  A test
 * signal started or stopped ends the stream. */
struct inject_stream *engine_inject_stream(struct engine *e);
struct capture *engine_capture(struct engine *e);

/* The latest spectrum frame; false when nothing new since the last read.
 * All-floor before the first transform. */
bool engine_read_spectrum(struct engine *e, struct spectrum_frame *out);

/* ---- statistics */

int engine_stats_init(struct engine_stats *s, const char **err);
void engine_stats_free(struct engine_stats *s);
/* Copies the live statistics into s (no allocation).  The clipped counts
 * are those of the latest engine_read_meters(): read the meters first. */
void engine_stats_take(struct engine *e, struct engine_stats *s);
/* out = newer - older (out may be newer). */
int engine_stats_delta(struct engine_stats *out, const struct engine_stats *newer,
		       const struct engine_stats *older);

#endif
