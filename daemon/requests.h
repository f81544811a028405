/*
 * requests.h - the control protocol's requests, answered from the engine.
 *
 * Turns each Request into engine calls and a Reply; builds the Events of
 * subscriptions.  Every value is checked here before it reaches the engine,
 * and every refusal is a Status with a message a person can read, naming
 * the request, the field and the legal range ("set_band: band 9 out of range
 * 0..7").  Replies are built in storage owned by struct requests and stay
 * valid until the next call (the control server packs them at once).
 *
 * Statistics are reported against a baseline (the start, or the last
 * ResetStats): the engine's counters and histograms are never reset, the
 * baseline is subtracted here.  GetStats.since_start subtracts the figures
 * at the start instead, which ResetStats never moves (monitoring).
 *
 * Defaults for fields a request leaves out: SetVolume.ramp_ms the
 * configured ramp; InjectSignal: kind SINE, freq_hz 1000, freq_end_hz 20000,
 * level_dbfs -20, duration_s 0 (until StopSignal), every channel, MIX, seed
 * 1; Subscribe.interval_ms 1000; GetStats.histograms true.  SetEq: fields a
 * band leaves out keep that band's current value (or the default for a new
 * band), a missing preamp or bypass keeps the current one; the band count
 * may change (1..16).
 *
 * Access: every request passes one check (daemon/access.h) before it is
 * dispatched; a write from a peer the policy does not allow gets
 * PERMISSION_DENIED naming the rule, and an info line in the log.  Until
 * requests_set_access() only root and radiod's own uid may write.
 *
 * ReloadConfig calls the reload hook (requests_set_reload); a refusal is
 * INVALID_ARGUMENT with the hook's reason ("reload_config: FILE:LINE:
 * ..."), a success is OK with the hook's note as the Status message (the
 * keys that change at the next restart; empty when none).  Without a hook:
 * INVALID_ARGUMENT, radiod runs without a configuration file.
 *
 * InjectStream, InjectAudio, StartCapture and ReadCapture - audio moving
 * over the socket - are answered by daemon/transfer.h, which keeps who owns
 * the stream and the capture; requests_peer_closed() lets go of them.
 *
 * Events carry no raw histograms (GetStats has them) and do not read the
 * meters except the meters event; events of one kind built within
 * REQUESTS_EVENT_REUSE_MS are shared between subscribers.
 *
 * Control thread only.
 */
#ifndef RADIOD_DAEMON_REQUESTS_H
#define RADIOD_DAEMON_REQUESTS_H

#include "daemon/access.h"
#include "daemon/control.h"
#include "daemon/engine.h"
#include "daemon/log.h"

#define REQUESTS_EVENT_REUSE_MS 5.0

struct requests;

struct requests *requests_create(struct engine *e, const char **err);
void requests_destroy(struct requests *rq);

/*
 * Reloads the configuration for ReloadConfig from peer.  Returns 0 with a
 * note in msg ("" or the keys that wait for a restart), or a negative errno
 * with the reason in msg.
 */
typedef int (*requests_reload_fn)(void *arg, struct control_peer *peer, char *msg,
				  size_t msg_len);

/* The policy writes are checked against (kept by the caller, who may change
 * it between requests); refusals are logged to lg (may be NULL). */
void requests_set_access(struct requests *rq, const struct access_policy *p,
			 const struct log *lg);

/* The configuration file GetInfo names (kept by the caller; NULL or "" =
 * none) and the ReloadConfig hook (NULL: none). */
void requests_set_reload(struct requests *rq, const char *config_file, requests_reload_fn fn,
			 void *arg);

/* The SHA-256 of the configuration file GetInfo reports (kept by the
 * caller, who updates it at each reload; NULL or "" = none). */
void requests_set_config_hash(struct requests *rq, const char *sha256_hex);

/* The control server whose counters Stats reports (set once it exists). */
void requests_set_control(struct requests *rq, struct control *c);

/*
 * Where the settings are saved and the presets kept (daemon/persist.h):
 * every successful change of the EQ, volume or mute is reported to it, the
 * preset requests are answered from it, GetInfo names its active preset.
 * Without one the preset requests get UNAVAILABLE.
 */
struct persist;
void requests_set_persist(struct requests *rq, struct persist *p);

/*
 * The GetStats reply's Stats with histograms and meters, since the baseline
 * or (since_start) since radiod started: what the Prometheus endpoint
 * (daemon/metrics.h) serves.  Reads the meters as GetStats does.  Valid
 * until the next call into requests.
 */
const Radio__Stats *requests_stats(struct requests *rq, bool since_start);

/* For struct control_handler: arg is the struct requests. */
Radio__ServerMessage *requests_handle(void *arg, struct control_peer *peer,
				      const Radio__Request *req);
Radio__ServerMessage *requests_event(void *arg, enum control_event_kind kind);
/* For struct control_handler's closed: lets go of what peer owned (the
 * stream and capture of daemon/transfer.h). */
void requests_peer_closed(void *arg, struct control_peer *peer);

#endif
