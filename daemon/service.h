/*
 * service.h - radiod as a systemd service (libsystemd's sd-daemon):
 * readiness, status line, watchdog, socket activation.
 *
 * Without systemd every call here is harmless: sd_notify() does nothing
 * when NOTIFY_SOCKET is unset, the watchdog is off without WATCHDOG_USEC,
 * and no socket is adopted without LISTEN_FDS.  Under systemd radiod runs
 * with -f (Type=notify): a forked daemon's notifications would come from a
 * pid systemd does not watch.
 *
 * What the service manager is told (NOTIFY_SOCKET):
 *   READY=1     once audio runs: the control socket listens and the engine
 *               is joined to JACK and active.  When JACK is not there at
 *               start, READY=1 waits for it (the STATUS= line says so), so
 *               units ordered after radiod start once audio really flows;
 *               TimeoutStartSec= bounds that wait.
 *   STATUS=     one line: state, JACK server, rate, period, xruns:
 *                 "starting: joining JACK server 'default'"
 *                 "running: JACK server 'default', 48000 Hz,
 *                  256 frames/period, 2 channels, 0 xruns"
 *                 "stalled: no audio block from JACK server 'default'
 *                  for 3 s, 0 xruns"
 *                 "disconnected: JACK server 'default' is away, retrying;
 *                  0 xruns"
 *                 "stopping"
 *               Sent with READY=1, at every change of the engine's state,
 *               and whenever a SERVICE_CHECK_MS check finds it changed
 *               (xruns, a stall).
 *   WATCHDOG=1  every WATCHDOG_USEC / 2 (sd_watchdog_enabled(), which also
 *               honours WATCHDOG_PID), and only when it says something:
 *                 running       only if JACK's real-time thread ran since
 *                               the previous ping (engine_liveness()
 *                               advanced).  A real-time thread that no
 *                               longer runs - the server stopped or wedged
 *                               while radiod is still a member - is the
 *                               failure radiod cannot see otherwise, so
 *                               the pings stop and systemd restarts it.
 *                 disconnected  fed: radiod is then doing its job - it has
 *                 / starting    seen JACK go (or not come yet), says so in
 *                               GetInfo, GetStats and STATUS=, and retries
 *                               with backoff.  A restart cannot bring JACK
 *                               back, and restarting in a loop would
 *                               exhaust StartLimitBurst= and leave the unit
 *                               failed for good when JACK returns.
 *                               Except when one attempt to join has been
 *                               going for CONNECTOR_STUCK_S: joining runs
 *                               off the loop (daemon/connector.h), but a
 *                               server that accepts and never answers, or
 *                               a libjack stuck on its own lock, never lets
 *                               it end - the same wedge as a stalled RT
 *                               thread, and a restart is the way out.
 *               The loop itself running is the rest of the proof of life.
 *   STOPPING=1  when a clean stop begins.
 *
 * Log lines: a warning when JACK has processed no block for
 * SERVICE_STALL_MS while radiod is a member (and that the watchdog is no
 * longer fed, when there is one), an info line when blocks flow again; a
 * warning when the watchdog goes hungry because joining is stuck; a
 * warning if the notification socket refuses a message (once).
 *
 * Threads: the control thread only.
 * Errors: negative errno with a message in err.
 */
#ifndef RADIOD_DAEMON_SERVICE_H
#define RADIOD_DAEMON_SERVICE_H

#include <stdbool.h>
#include <stddef.h>

#include <event2/event.h>

#include "daemon/connector.h"
#include "daemon/engine.h"
#include "daemon/log.h"

/* How often the real-time thread's progress and the status line are
 * checked: a stall is seen, and its end timed, to within this. */
#define SERVICE_CHECK_MS 250
/* No block for this long while joined: the real-time thread is stalled. */
#define SERVICE_STALL_MS 1000

struct service;

/*
 * Socket activation: takes the socket the service manager passed
 * (LISTEN_FDS, LISTEN_PID; unset from the environment afterwards).  It must
 * be exactly one listening Unix stream socket.  It is made non-blocking and
 * close-on-exec, and its path (or "@name" for an abstract one) is copied to
 * path.  Call before forking: LISTEN_PID names the process that was
 * started.  Returns 1 with *fd set, 0 when nothing was passed, or a
 * negative errno with a message in err.
 */
int service_listen_fd(int *fd, char *path, size_t path_len, char *err, size_t err_len);

/*
 * Reads the watchdog settings (WATCHDOG_USEC, WATCHDOG_PID) and starts the
 * timers on base; engine is read for state, liveness and figures, connector
 * for how long the attempt to join has been going.  Returns NULL with a
 * message in err (a malformed WATCHDOG_USEC, out of memory).
 */
struct service *service_create(struct event_base *base, struct engine *engine,
			       const struct connector *connector, const struct log *lg,
			       char *err, size_t err_len);

void service_destroy(struct service *s);

/* The control socket listens: READY=1 goes out as soon as audio runs. */
void service_listening(struct service *s);

/* The engine joined, lost or left JACK: STATUS= now, READY=1 if due. */
void service_engine_changed(struct service *s);

/* A clean stop begins: STOPPING=1; no more pings. */
void service_stopping(struct service *s);

#endif
