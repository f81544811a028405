/*
 * measure.h - the arithmetic of `radioctl measure`, apart from talking to
 * radiod: finding a loop's delay in two captured signals, spacing the
 * frequencies of a response, and the response radiod's EQ was designed to
 * have (libdsp's eq_design and eq_response on the EQ radiod reports).
 * THD+N, SNR and the measured response are libdsp's analysis_thd and
 * analysis_response.
 *
 * Units: frames, Hz, dB.  Errors: 0 or a negative errno with a static
 * sentence in *err.  Pure functions: any thread.
 */
#ifndef RADIOD_CLIENTS_MEASURE_H
#define RADIOD_CLIENTS_MEASURE_H

#include <stddef.h>
#include <stdint.h>

#include "radio.pb-c.h"
#include "libdsp/eq.h"

/* A delay is trusted only when its correlation peak stands this far above
 * the correlation's RMS over all lags. */
#define MEASURE_MIN_CLARITY_DB 20.0

/*
 * The delay of in[] behind out[] (n frames each): the lag >= 0 where the
 * cross-correlation of out's significant samples (those within 40 dB of its
 * peak: an impulse and its ringing) with in is largest in magnitude.
 * *clarity_db: that peak over the correlation's RMS.  Returns 0, or -ERANGE
 * when out is silent, in is silent ("nothing came back") or the peak is not
 * clear (below MEASURE_MIN_CLARITY_DB), -EINVAL for n == 0, -ENOMEM.
 */
int measure_delay(const float *out, const float *in, size_t n, size_t *lag,
		  double *clarity_db, const char **err);

/*
 * Frequencies from `from` to `to` (0 < from < to), per_octave to an octave
 * (1 .. 48), on the grid of 1 kHz * 2^(k / per_octave), both ends included
 * when they are not on it.  Writes at most max; returns how many.
 */
size_t measure_log_freqs(double from, double to, unsigned per_octave, double *freqs, size_t max);

/*
 * The EQ radiod reports (GetEq) as libdsp parameters designed for rate: a
 * band above 0.49 x rate is pulled down to it, as radiod does when it runs
 * at a rate the band does not fit.  Returns 0, or -EINVAL / -ERANGE with
 * libdsp's message (a type or value radiod should never have sent).
 */
int measure_eq_design(const Radio__Eq *eq, double rate, struct eq_design *d, const char **err);

#endif
