/*
 * metrics.h - radiod's Prometheus endpoint: an HTTP server (libevent's
 * evhttp) on the control thread's event loop that answers GET /metrics
 * with the statistics in the text exposition format
 * (proto/metrics_text.h), built at each scrape from the Stats the stats
 * callback returns.  `radioctl stats --prometheus` prints the same text.
 *
 * Off unless [metrics] enabled = yes (daemon/config.h); it listens where
 * [metrics] listen says, 127.0.0.1:9469 by default.  Both keys take effect
 * at the next start (a reload names them as waiting for a restart): a
 * scraper's target must not move under it.  It serves GET and HEAD of
 * /metrics only: 404 for other paths, 405 for POST, PUT and DELETE (and
 * libevent's own 501 for methods it does not take at all); a request with
 * a body is refused unread (413), and a connection idle for
 * METRICS_TIMEOUT_S is dropped.
 * Nothing is written through it: what it shows is what any local user who
 * may connect to the control socket can read anyway.
 *
 * Cost: a scrape copies the three histograms and formats them on the
 * control thread (a few hundred microseconds); the RT thread is never
 * involved.  Like GetStats, a scrape reads the level meters (the clipped
 * counts are refreshed only by a read), so it also restarts their "maximum
 * since the last read".
 *
 * Threads: the control thread only (the one running the event base).
 */
#ifndef RADIOD_DAEMON_METRICS_H
#define RADIOD_DAEMON_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include <event2/event.h>

#include "daemon/log.h"
#include "proto/radio.pb-c.h"

#define METRICS_TIMEOUT_S 10
#define METRICS_MAX_HEADERS_SIZE 8192

struct metrics;

/* The statistics to serve: a Stats with histograms, since radiod started,
 * valid until the next call.  NULL: answer 503. */
typedef const Radio__Stats *(*metrics_stats_fn)(void *arg);

/*
 * Listens on host (a numeric IPv4 or IPv6 address) and port (0: any free
 * port, see metrics_port) and serves /metrics on base.  lg gets a line per
 * refused request at debug level.  Returns NULL with the reason in err
 * ("metrics: cannot listen on 127.0.0.1:9469: Address already in use").
 */
struct metrics *metrics_create(struct event_base *base, const char *host, uint16_t port,
			       metrics_stats_fn stats, void *arg, const struct log *lg, char *err,
			       size_t err_len);

/* Closes the listener and every connection; NULL is a no-op. */
void metrics_destroy(struct metrics *m);

/* The port it listens on (the one the system chose for port 0). */
uint16_t metrics_port(const struct metrics *m);

#endif
