/*
 * radioclient.h - talk to radiod over its control socket.
 *
 * libradioclient connects to radiod's Unix stream socket, frames requests
 * (a 4-byte big-endian length, then one protobuf-encoded radio.Request),
 * waits for the matching reply and keeps the events of a subscription.
 * The messages are the protobuf-c structs generated from radio.proto, whose
 * header is installed beside this one; see radiod-protocol(7) for their
 * meaning.
 *
 *   #include <radioclient/radioclient.h>     cc ... $(pkg-config --cflags --libs radioclient)
 *
 *   struct radioclient *rc = radioclient_create();
 *   Radio__Reply *reply = NULL;
 *   if (!rc || radioclient_connect(rc, NULL) < 0 ||
 *       radioclient_get_stats(rc, false, &reply) < 0)
 *       fprintf(stderr, "%s\n", rc ? radioclient_error(rc) : "out of memory");
 *   else
 *       printf("%llu xruns\n", (unsigned long long)reply->stats->xruns);
 *   radioclient_reply_free(reply);     (NULL when the call failed: allowed)
 *   radioclient_close(rc);
 *
 * API conventions
 * - Errors: every call that can fail returns 0 or a negative errno and then
 *   leaves a sentence naming the cause in radioclient_error(), e.g.
 *   "cannot connect to /run/radiod/control.sock: No such file or directory
 *   (is radiod running?)" or "get_stats: timed out after 2000 ms waiting for
 *   reply". The library never prints. The errno values that matter:
 *     -EREMOTEIO   radiod answered with a Status other than OK: the request
 *                  was refused; radioclient_status() gives its code and
 *                  radioclient_error() radiod's message as it is ("set_band:
 *                  band 9 out of range 0..7"), or "REQUEST: radiod refused
 *                  it (CODE)" when radiod gave none.
 *     -ETIMEDOUT   no reply within the timeout. The connection stays usable:
 *                  a late reply is recognised by its id and dropped.
 *     -EMSGSIZE    a reply longer than RADIOCLIENT_MAX_REPLY (refused before
 *                  anything is allocated for it), or a request longer than
 *                  RADIOCLIENT_MAX_REQUEST.
 *     -EPROTO      radiod sent something that does not decode, or a reply
 *                  without the body the call needs.
 *     -ECONNRESET  radiod closed the connection (maybe in the middle of a
 *                  frame: the message says so).
 *     -ENOTCONN    the handle is not connected.
 *     connect(2)'s errors (-ENOENT, -ECONNREFUSED, -EACCES, ...) and
 *     -ENAMETOOLONG from radioclient_connect(), -ENOMEM anywhere.
 *   After -EMSGSIZE, -EPROTO, -ECONNRESET or a failed send the connection is
 *   closed and every later call returns -ENOTCONN until radioclient_connect()
 *   is called again.
 * - Ownership: a Radio__Reply or Radio__Event handed out belongs to the
 *   caller, who frees it with radioclient_reply_free() / radioclient_event_free()
 *   (never with free()). Messages passed in (a Radio__Eq, a
 *   Radio__InjectSignal, ...) stay the caller's; they may live on the stack,
 *   built with the generated RADIO__..._INIT macros. On failure *reply is
 *   set to NULL. Passing reply == NULL discards the reply.
 * - Units are in the protobuf field names (_hz, _db, _ms, _ns); timeouts
 *   are milliseconds, a negative one waits for ever.
 * - Blocking: every call blocks for at most the handle's timeout (default
 *   RADIOCLIENT_DEFAULT_TIMEOUT_MS; radioclient_next_event() takes its own),
 *   using poll(2); EINTR is retried within the same deadline. SIGPIPE is
 *   never raised (MSG_NOSIGNAL); the socket is close-on-exec.
 * - Threads: a handle belongs to one thread at a time; use one handle per
 *   thread. Distinct handles share nothing. Not async-signal-safe.
 */
#ifndef RADIOCLIENT_H
#define RADIOCLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "radio.pb-c.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The library's own version; RADIO__VERSION__PROTOCOL_VERSION (in
 * radio.pb-c.h) is the protocol version it was built against. */
#define RADIOCLIENT_VERSION_MAJOR 0
#define RADIOCLIENT_VERSION_MINOR 1

/* The longest reply accepted, in bytes after the length prefix. radiod's
 * statistics with raw histograms can exceed the 64 KiB it accepts from
 * clients, so replies get more room. */
#define RADIOCLIENT_MAX_REPLY (1024u * 1024u)
/* The longest request radiod accepts (radio.proto). */
#define RADIOCLIENT_MAX_REQUEST 65536u
/* The longest socket path a sockaddr_un holds, terminator excluded. */
#define RADIOCLIENT_SOCKET_PATH_MAX 107
/* The timeout a new handle starts with, ms. */
#define RADIOCLIENT_DEFAULT_TIMEOUT_MS 5000
/* Events kept while nobody calls radioclient_next_event(); past this the
 * oldest is dropped and counted (radioclient_events_dropped()). */
#define RADIOCLIENT_EVENT_QUEUE_MAX 1024u

struct radioclient;

/* ------------------------------------------------------------ the handle */

/* A new, unconnected handle with the default timeout, or NULL when out of
 * memory. */
struct radioclient *radioclient_create(void);

/* Closes the connection, frees queued events and the handle. NULL is a
 * no-op. */
void radioclient_close(struct radioclient *rc);

/* Connects to radiod's socket at path; NULL means radioclient_socket_path().
 * A connected handle is first disconnected (queued events are dropped).
 * Returns 0 or a negative errno. */
int radioclient_connect(struct radioclient *rc, const char *path);

/* Uses fd, an already connected stream socket (from socketpair(2), systemd,
 * a test), instead of connecting. The handle owns fd from now on, and
 * closes it even when this fails. Returns 0 or a negative errno. */
int radioclient_adopt_fd(struct radioclient *rc, int fd);

/* Sets the timeout of the calls that wait for a reply, ms; < 0: for ever. */
void radioclient_set_timeout(struct radioclient *rc, int timeout_ms);

/* The socket path the handle connected to ("" for an adopted fd or when
 * unconnected). Valid until the next radioclient_connect() or close. */
const char *radioclient_path(const struct radioclient *rc);

/* Writes the socket path radioclient_connect(rc, NULL) uses into buf:
 * $RADIOD_SOCKET when set and not empty, else /run/radiod/control.sock for
 * root and $XDG_RUNTIME_DIR/radiod/control.sock (or /tmp/radiod-UID/...)
 * for anybody else. Returns 0 or -ENAMETOOLONG. */
int radioclient_socket_path(char *buf, size_t len);

/* ---------------------------------------------------------------- errors */

/* The sentence describing the last failure on this handle; "" when the last
 * call succeeded. Valid until the next call on the handle. NULL rc gives
 * "". */
const char *radioclient_error(const struct radioclient *rc);

/* After -EREMOTEIO: the Status code radiod answered with; else
 * RADIO__STATUS__CODE__OK. */
Radio__Status__Code radioclient_status(const struct radioclient *rc);

/* A static description of a negative errno returned by this library (a
 * generic one; radioclient_error() says more). */
const char *radioclient_strerror(int err);

/* The name of a Status code ("INVALID_ARGUMENT"), or "UNKNOWN". */
const char *radioclient_status_name(Radio__Status__Code code);

/* --------------------------------------------------------- request/reply */

/* Sends req and waits for its reply. The library sets req->id (the caller's
 * value is overwritten). Events arriving meanwhile are queued for
 * radioclient_next_event(); replies to earlier, timed-out requests are
 * dropped. Returns 0 with *reply set when radiod answered OK, -EREMOTEIO when
 * it refused (see radioclient_status()), or another negative errno. */
int radioclient_request(struct radioclient *rc, Radio__Request *req, Radio__Reply **reply);

/* Frees a reply; NULL is a no-op. */
void radioclient_reply_free(Radio__Reply *reply);

/* The name of a request's body as in radio.proto ("set_band"), "request"
 * when none is set. */
const char *radioclient_request_name(const Radio__Request *req);

/* ------------------------------------------------------ the common calls
 * Each builds the request, calls radioclient_request() and checks that the
 * reply carries the body named; so on 0, (*reply)->info etc. is not NULL. */

/* GetInfo; reply->info. */
int radioclient_get_info(struct radioclient *rc, Radio__Reply **reply);

/* GetStats, with the raw histograms when histograms is true; reply->stats. */
int radioclient_get_stats(struct radioclient *rc, bool histograms, Radio__Reply **reply);

/* ResetStats: later statistics count from now. */
int radioclient_reset_stats(struct radioclient *rc);

/* GetEq; reply->eq. */
int radioclient_get_eq(struct radioclient *rc, Radio__Reply **reply);

/* SetEq: replaces the whole EQ; reply->eq holds what radiod applied when it
 * sends it. */
int radioclient_set_eq(struct radioclient *rc, const Radio__Eq *eq, Radio__Reply **reply);

/* SetBand: changes the fields of band->index that are present
 * (has_freq_hz, ...); reply->eq when radiod sends it. */
int radioclient_set_band(struct radioclient *rc, const Radio__SetBand *band, Radio__Reply **reply);

/* SetBypass; reply->eq when radiod sends it. */
int radioclient_set_bypass(struct radioclient *rc, bool bypass, Radio__Reply **reply);

/* GetVolume; reply->volume. */
int radioclient_get_volume(struct radioclient *rc, Radio__Reply **reply);

/* SetVolume to db, ramping over ramp_ms (< 0: radiod's default ramp);
 * reply->volume when radiod sends it. */
int radioclient_set_volume(struct radioclient *rc, double db, double ramp_ms,
			   Radio__Reply **reply);

/* SetMute; reply->volume when radiod sends it. */
int radioclient_set_mute(struct radioclient *rc, bool mute, Radio__Reply **reply);

/* InjectSignal: starts a test signal. */
int radioclient_inject(struct radioclient *rc, const Radio__InjectSignal *signal,
		       Radio__Reply **reply);

/* StopSignal: ends the test signal, if any. */
int radioclient_stop_signal(struct radioclient *rc);

/* GetSpectrum; reply->spectrum. */
int radioclient_get_spectrum(struct radioclient *rc, Radio__Reply **reply);

/* ReloadConfig: radiod reads its configuration file again.  A file with an
 * error is refused (-EREMOTEIO; the message names file:line); on success
 * reply->status->message names the keys that wait for a restart, if any. */
int radioclient_reload_config(struct radioclient *rc, Radio__Reply **reply);

/* ------------------------------------------------------------ presets
 * A preset is a named EQ (bands and preamp) kept by radiod; a name is 1..64
 * characters of A-Z a-z 0-9, space, '.', '_', '-', not starting with '.'.
 * radiod keeps at most 64. */

/* SavePreset: the current EQ under name, replacing a preset of that name;
 * on disk when this returns 0.  It becomes the active preset. */
int radioclient_save_preset(struct radioclient *rc, const char *name, Radio__Reply **reply);

/* LoadPreset: applies the preset (click-free) and makes it the active one;
 * reply->eq is the EQ now in use.  An unknown name is refused (-EREMOTEIO,
 * "load_preset: no preset named ..."). */
int radioclient_load_preset(struct radioclient *rc, const char *name, Radio__Reply **reply);

/* ListPresets; reply->presets: every preset sorted by name, and the active
 * one's name ("" when none). */
int radioclient_list_presets(struct radioclient *rc, Radio__Reply **reply);

/* DeletePreset. */
int radioclient_delete_preset(struct radioclient *rc, const char *name, Radio__Reply **reply);

/* ------------------------------------------------------------- events */

/* Subscribe: radiod pushes Events with what is asked for every interval_ms
 * (20 .. 60000). Replaces an earlier subscription. */
int radioclient_subscribe(struct radioclient *rc, bool stats, bool meters, bool spectrum,
			  uint32_t interval_ms);

/* Unsubscribe: no more events (some may still be on their way). */
int radioclient_unsubscribe(struct radioclient *rc);

/* The oldest queued event, else the next one to arrive within timeout_ms
 * (0: only what is already there; < 0: wait for ever). Returns 0 with *event
 * set, -ETIMEDOUT when none came, or another negative errno. Replies that
 * arrive meanwhile (late answers to timed-out requests) are dropped. */
int radioclient_next_event(struct radioclient *rc, Radio__Event **event, int timeout_ms);

/* Frees an event; NULL is a no-op. */
void radioclient_event_free(Radio__Event *event);

/* Events this handle dropped because its queue was full. radiod counts the
 * ones it could not send in Event.dropped. */
uint64_t radioclient_events_dropped(const struct radioclient *rc);

#ifdef __cplusplus
}
#endif

#endif
