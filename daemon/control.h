/*
 * control.h - the control socket: a Unix stream server on libevent, one
 * struct per peer, length-prefixed protobuf frames (daemon/frame.h).
 *
 * For each Request frame the handler builds a ServerMessage (the reply) and
 * the server sends it; subscribers also get periodic Events.  Everything is
 * bounded so that no client can stall the audio or the other clients:
 *   - frames: 1..64 KiB; an oversize length, an empty frame or one that does
 *     not decode gets a MALFORMED reply, then that connection is flushed and
 *     closed; a Request without a body gets UNKNOWN_REQUEST and stays.
 *   - slow frames: once the first byte of a frame is in, the whole frame
 *     must be in within CONTROL_FRAME_TIMEOUT_S (a fixed bound, not a
 *     configuration key); otherwise the client gets a MALFORMED reply
 *     saying how much came, is counted in clients_dropped and is closed.
 *   - clients: at most max_clients; one more gets a RESOURCE_EXHAUSTED reply
 *     and is closed.
 *   - output: replies are always queued, but a client whose queue is over
 *     out_limit bytes is not read from until it drains to half of it; an
 *     Event that would push the queue over out_limit is dropped and counted
 *     (the client sees the count in Event.dropped), and a client that
 *     misses CONTROL_MAX_CONSECUTIVE_DROPS events in a row is disconnected.
 *   - idle: a client with no subscription that sends nothing for
 *     idle_timeout_s is closed (0 = never).
 *   - stalled: a client that takes none of its queued output for
 *     CONTROL_STALL_TIMEOUT_S is dropped.
 *   - a closing client whose output does not drain within
 *     CONTROL_FLUSH_TIMEOUT_S is dropped anyway.
 *
 * Socket file: control_socket_open() creates the parent directory (0755),
 * refuses a path longer than a sockaddr_un holds (ENAMETOOLONG), refuses to
 * start when another process listens there, replaces a stale socket file
 * (nobody listening), binds with umask 0177 (owner only), then gives the
 * file its group and mode ([control] socket_group, socket_mode; 0660 by
 * default, so the owner and the group may connect) before it listens, so
 * nobody connects through a mode not yet narrowed.  control_destroy()
 * removes the file if it is still the one we bound.
 *
 * Peers: credentials are taken at accept (daemon/access.h) and kept for
 * the connection's life; the handler checks them.
 *
 * Threads: the control thread only (the one running the event base).
 */
#ifndef RADIOD_DAEMON_CONTROL_H
#define RADIOD_DAEMON_CONTROL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <event2/event.h>

#include "daemon/access.h"
#include "daemon/log.h"
#include "proto/radio.pb-c.h"

#define CONTROL_MAX_CONSECUTIVE_DROPS 64
#define CONTROL_FLUSH_TIMEOUT_S 2
#define CONTROL_FRAME_TIMEOUT_S 5
#define CONTROL_STALL_TIMEOUT_S 30
#define CONTROL_SOCKET_DIR_MODE 0755
#define CONTROL_SOCKET_MODE 0660

struct control;
struct control_peer;

struct control_limits {
	uint32_t max_clients;
	uint32_t idle_timeout_s;	/* 0 = never */
	size_t out_limit;		/* bytes queued per client */
};

/* What a subscription asks for. */
enum control_event_kind {
	CONTROL_EVENT_STATS,
	CONTROL_EVENT_METERS,
	CONTROL_EVENT_SPECTRUM,
};

struct control_handler {
	/*
	 * Answers req.  Returns a ServerMessage holding a Reply (with req's id)
	 * that stays valid until the next call into the handler.
	 */
	Radio__ServerMessage *(*request)(void *arg, struct control_peer *peer,
					 const Radio__Request *req);
	/* An Event of that kind, valid until the next call; NULL = none. */
	Radio__ServerMessage *(*event)(void *arg, enum control_event_kind kind);
	void *arg;
	/* peer is about to be freed (it disconnected, was dropped, or the
	 * server is going away); what it owned must be let go.  NULL = none. */
	void (*closed)(void *arg, struct control_peer *peer);
};

/* Counted since start; Stats reports them. */
struct control_counters {
	uint64_t events_dropped;	/* to slow subscribers */
	uint64_t clients_dropped;	/* too slow to read or to send a frame, stalled,
					 * or refused (max_clients) */
	uint64_t client_errors;		/* malformed frames */
	uint32_t clients;		/* connected now */
};

/*
 * Creates, binds and listens on a Unix socket at path (see above), with
 * file mode mode (0..0777) and group group ((gid_t)-1: radiod's own).
 * Returns the descriptor, or a negative errno with a message in err.
 */
int control_socket_open(const char *path, mode_t mode, gid_t group, char *err,
			size_t err_len);

/*
 * Serves listen_fd (which it takes over) on base.  path is the socket file
 * to remove at destroy (NULL: leave it alone, e.g. a socket from systemd).
 * handler is copied; lg receives one line per client event at debug level.
 * Returns NULL with *err set.
 */
struct control *control_create(struct event_base *base, int listen_fd, const char *path,
			       const struct control_limits *limits,
			       const struct control_handler *handler, const struct log *lg,
			       const char **err);

/* Closes every client and the listener, removes the socket file; NULL is a
 * no-op. */
void control_destroy(struct control *c);

void control_get_counters(const struct control *c, struct control_counters *out);

/*
 * New limits for every client from now on, the connected ones included
 * (their idle timeout restarts).  Fewer max_clients closes nobody: new
 * clients are refused until fewer remain.
 */
void control_set_limits(struct control *c, const struct control_limits *limits);

/*
 * Replaces peer's subscription: events of the kinds set, every interval_ms
 * (20..60000; checked by the caller).  Nothing set = unsubscribe.  A
 * subscriber is never closed for being idle.
 */
void control_subscribe(struct control_peer *peer, bool stats, bool meters, bool spectrum,
		       uint32_t interval_ms);

/* Peer credentials (SO_PEERCRED, SO_PEERGROUPS), recorded at accept. */
const struct access_cred *control_peer_cred(const struct control_peer *peer);
uint64_t control_peer_id(const struct control_peer *peer);

#endif
