/*
 * connector.h - joins a JACK server on a helper thread, so that a server
 * which does not answer never blocks radiod's control loop.
 *
 * libjack's jack_client_open() has no timeout: a server that accepts the
 * connection but does not answer (stopped with SIGSTOP, wedged) keeps the
 * caller waiting until it answers or dies - jack_lsp against a stopped
 * jackd was still waiting after 60 s.  Meanwhile radiod must go on serving
 * clients, feeding the systemd watchdog and handling signals, so each
 * attempt runs engine_open_client() on a thread of its own, and the result
 * comes back through a pipe the event loop watches: the done callback runs
 * on the control thread, which then attaches the client to the engine.
 * At most one attempt is in flight.
 *
 * A client radiod is done with (the server dropped it, or the rate
 * changed) is handed over here (connector_retire) and closed on the helper
 * thread at the start of the next attempt - after the reconnection backoff
 * for a dropped one, when libjack's own threads for it have ended (see
 * engine_detach() for why it is not closed at once on the control thread).
 *
 * Log lines: an attempt still going after CONNECTOR_SLOW_S gets one
 * warning, and one more line when it finally ends.
 *
 * Threads: every function here on the control thread (the one running the
 * event base).  The helper thread only calls engine_open_client() and
 * writes one byte to the pipe; thread creation and pthread_join() order
 * its accesses to the attempt's fields.
 */
#ifndef RADIOD_DAEMON_CONNECTOR_H
#define RADIOD_DAEMON_CONNECTOR_H

#include <stdbool.h>

#include <event2/event.h>
#include <jack/types.h>

#include "daemon/log.h"

#define CONNECTOR_SLOW_S 5
/* The helper thread's stack: libjack's client setup and FFTW's planner
 * use some tens of KiB of it. */
#define CONNECTOR_STACK_BYTES (512 * 1024)
/* An attempt going on this long is stuck, in the server or in libjack
 * itself: radiod will not get out of it alone (daemon/service.h). */
#define CONNECTOR_STUCK_S 10

struct connector;

/*
 * An attempt ended: client is the new client (the callee owns it), or NULL
 * with r a negative errno and err a message.  Runs on the control thread.
 */
typedef void connector_done_fn(void *arg, jack_client_t *client, int r, const char *err);

/* Returns NULL with *err set. */
struct connector *connector_create(struct event_base *base, const struct log *lg,
				   connector_done_fn *done, void *arg, const char **err);

/*
 * Starts joining server (NULL or "" = the default server) as client name.
 * 0; -EBUSY when an attempt is in flight; -ENAMETOOLONG; or the
 * pthread_create error.  done is called later, never from here.
 */
int connector_start(struct connector *c, const char *server, const char *name);

/* Seconds the attempt in flight has been going; < 0 when none is. */
double connector_busy_s(const struct connector *c);

/*
 * Takes over client, detached from the engine (NULL is a no-op): the next
 * attempt closes it first, or connector_destroy() does.  The engine holds
 * one client at a time, so at most one waits here.
 */
void connector_retire(struct connector *c, jack_client_t *client);

/*
 * Waits at most timeout_ms for the attempt in flight to end and, if it
 * did, calls done before returning.  A signal cuts the wait short.
 * Returns true when no attempt is in flight any more.
 */
bool connector_wait(struct connector *c, int timeout_ms);

/*
 * Gives the attempt in flight timeout_ms to end (and a retired client as
 * long to close); a client it got is closed.  Returns false when the helper
 * thread is still inside libjack:
 * the connector is then left allocated (the thread still writes to it) and
 * the process must leave without running exit handlers.  NULL is a no-op
 * (true).
 */
bool connector_destroy(struct connector *c, int timeout_ms);

#endif
