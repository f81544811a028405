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
 * baseline is subtracted here.
 *
 * Defaults for fields a request leaves out: SetVolume.ramp_ms the
 * configured ramp; InjectSignal: kind SINE, freq_hz 1000, freq_end_hz 20000,
 * level_dbfs -20, duration_s 0 (until StopSignal), every channel, MIX, seed
 * 1; Subscribe.interval_ms 1000; GetStats.histograms true.  SetEq: fields a
 * band leaves out keep that band's current value (or the default for a new
 * band), a missing preamp or bypass keeps the current one; the band count
 * may change (1..16).
 *
 * Events carry no raw histograms (GetStats has them) and do not read the
 * meters except the meters event; events of one kind built within
 * REQUESTS_EVENT_REUSE_MS are shared between subscribers.
 *
 * Control thread only.
 */
#ifndef RADIOD_DAEMON_REQUESTS_H
#define RADIOD_DAEMON_REQUESTS_H

#include "daemon/control.h"
#include "daemon/engine.h"

#define REQUESTS_EVENT_REUSE_MS 5.0

struct requests;

struct requests *requests_create(struct engine *e, const char **err);
void requests_destroy(struct requests *rq);

/* The control server whose counters Stats reports (set once it exists). */
void requests_set_control(struct requests *rq, struct control *c);

/* For struct control_handler: arg is the struct requests. */
Radio__ServerMessage *requests_handle(void *arg, struct control_peer *peer,
				      const Radio__Request *req);
Radio__ServerMessage *requests_event(void *arg, enum control_event_kind kind);

#endif
