/*
 * metrics_text.h - a Stats message (radio.proto) in the Prometheus text
 * exposition format, version 0.0.4.
 *
 * radiod serves this on /metrics (daemon/metrics.h) and `radioctl stats
 * --prometheus` prints it for node_exporter's textfile collector: one
 * function, so the two can never differ.  It should be given a Stats asked
 * for with since_start and histograms (GetStats), so that every counter
 * counts from radiod's start and never goes down when somebody runs
 * `radioctl reset`.
 *
 * Names are radiod_*, with the unit in the name: _seconds, _hertz,
 * _decibels, _ratio (0..1), _frames; counters end in _total.  A field the
 * message lacks (an older radiod, no budget before the first block) is
 * left out rather than shown as 0.  Per-channel counters carry a label
 * channel="1".."8", numbered as the JACK ports out_1..out_8.
 *
 * Timing histograms: each Histogram of the message becomes a Prometheus
 * histogram radiod_NAME_seconds with a fixed set of `le` bounds,
 * metrics_text_bounds(): 1, 2, 5 us ... 50 ms, 100 ms (1-2-5 steps) and
 * +Inf; a signed one (jitter) also has the mirror images -100 ms .. -1 us
 * and 0.  Prometheus allows negative bounds; the buckets stay cumulative in
 * ascending `le` order.  Its _sum may then go down, so for jitter
 * rate(_sum) means nothing, while _count and the buckets stay counters.
 *
 * How a bound meets the log-linear buckets (libdsp/histogram.h): a bound b
 * usually falls inside one log-linear bucket [lo, hi] rather than on its
 * edge (1 us = 1000 ns is the lowest value of [1000, 1007]; 5 us lies in
 * [4992, 5055]).  The counts below b inside that bucket are not known, so
 * one rule is applied everywhere, to negative bounds too: the log-linear
 * bucket holding b counts as at or below b.  Hence:
 *   - every value <= b is counted in le=b, exactly (no interpolation: the
 *     counts are integer sums of log-linear buckets, so they are monotonic
 *     and the +Inf bucket equals _count);
 *   - values in (b, hi] are counted too: less than one bucket width above
 *     b, which is at most |b| / 64 (1.6 %) - far below the 2x step between
 *     bounds.  A value at a bound, such as a wake-up latency of exactly
 *     5 us (JACK's clock has 1 us steps), is always in le=b, which is what
 *     Prometheus' "less than or equal" promises; the other rule (count a
 *     bucket only when all of it is <= b) would leave it out.
 *
 * Threads: any; the functions only read their arguments.
 * Errors: negative errno (-EBADMSG: a histogram whose pairs do not follow
 * the bucket scheme; -EIO: the stream failed).
 */
#ifndef RADIOD_PROTO_METRICS_TEXT_H
#define RADIOD_PROTO_METRICS_TEXT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "proto/radio.pb-c.h"

/* The HTTP Content-Type of the format. */
#define METRICS_TEXT_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/* Bounds of a histogram: 16 positive ones, for a signed one 16 negative and 0. */
#define METRICS_TEXT_MAX_BOUNDS 33

/*
 * The finite `le` bounds of a histogram, in ns, ascending; +Inf follows
 * them.  Returns how many (at most METRICS_TEXT_MAX_BOUNDS).
 */
size_t metrics_text_bounds(int is_signed, int64_t *bounds_ns);

/*
 * Checks h's sparse pairs: as many indices as counts, strictly ascending,
 * inside the scheme's range (not below 0 for an unsigned one), counts that
 * sum without overflow.  Returns 0 or -EBADMSG.
 */
int metrics_text_check_histogram(const Radio__Histogram *h);

/*
 * The count Prometheus' bucket le=bound_ns shows for h (checked): the sum
 * of the log-linear buckets up to and including the one holding bound_ns.
 */
uint64_t metrics_text_cumulative(const Radio__Histogram *h, int64_t bound_ns);

/*
 * Writes s as the exposition to out.  Every histogram is checked before
 * anything is written.  Returns 0, -EBADMSG, or -EIO.
 */
int metrics_text_write(FILE *out, const Radio__Stats *s);

#endif
