/*
 * transfer.h - the requests that move audio over the control socket:
 * InjectStream and InjectAudio (a client streams a file into radiod,
 * daemon/inject_stream.h) and StartCapture and ReadCapture (a client reads
 * back what the chain did, daemon/capture.h).  radio.proto describes the
 * protocol; this module checks every field, keeps who owns the stream and
 * the capture, and builds the replies.
 *
 * Ownership: the stream and the capture belong to the client that started
 * them.  Another client's InjectStream or StartCapture is refused
 * (RESOURCE_EXHAUSTED, naming the owner) while the owner's stream is
 * active or its capture is kept; InjectAudio and ReadCapture from anyone
 * but the owner are refused (INVALID_ARGUMENT).  When the owner
 * disconnects (transfer_peer_closed) its stream drains and ends as if it
 * had sent end, and its capture is dropped.
 *
 * Messages name the request and the field: "inject_stream: channels 3 out
 * of range 1..2", "read_capture: the capture was lost: JACK went away".
 *
 * Control thread only.
 */
#ifndef RADIOD_DAEMON_TRANSFER_H
#define RADIOD_DAEMON_TRANSFER_H

#include <stdbool.h>
#include <stddef.h>

#include "daemon/control.h"
#include "daemon/engine.h"
#include "proto/radio.pb-c.h"

/* InjectStream's prefill_ms when the request leaves it out, and its limit. */
#define TRANSFER_DEFAULT_PREFILL_MS 100u
#define TRANSFER_MAX_PREFILL_MS 1000u
/* Frames per signal one ReadCapture returns at most (4 signals of 32768
 * float samples: 512 KiB, inside radiod's 1 MiB frames). */
#define TRANSFER_MAX_READ_FRAMES 32768u
/* The largest skip StartCapture takes, in seconds of audio. */
#define TRANSFER_MAX_SKIP_S 10u
/* A sample InjectAudio takes: finite and within +-TRANSFER_MAX_SAMPLE. */
#define TRANSFER_MAX_SAMPLE 8.0f

struct transfer;

/* NULL with *err when out of memory. */
struct transfer *transfer_create(struct engine *e, const char **err);
/* NULL is a no-op. */
void transfer_destroy(struct transfer *t);

/* Whether this module answers requests with that body. */
bool transfer_handles(Radio__Request__BodyCase body);

/*
 * Answers req (one transfer_handles() accepts) from peer: sets reply's
 * body (pointing into storage of t, valid until the next call) and returns
 * the Status code, with a sentence in msg when it is not OK.
 */
Radio__Status__Code transfer_handle(struct transfer *t, struct control_peer *peer,
				    const Radio__Request *req, Radio__Reply *reply, char *msg,
				    size_t msg_len);

/* peer is going away: its stream drains, its capture is dropped. */
void transfer_peer_closed(struct transfer *t, struct control_peer *peer);

#endif
