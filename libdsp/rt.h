/*
 * rt.h - annotations shared by every real-time-safe function in libdsp.
 *
 * DSP_RT marks a function that runs on the audio thread: it never allocates,
 * frees, locks, logs or makes a blocking system call.  Under clang with
 * -fsanitize=realtime (configure --enable-rtsan) the attribute turns the
 * function into a real-time context and RealtimeSanitizer aborts on any
 * violation, so the promise is checked, not assumed.  Elsewhere it expands to
 * nothing.
 *
 * DSP_RT goes on the declaration in the header, so callers see the contract.
 */
#ifndef RADIOD_LIBDSP_RT_H
#define RADIOD_LIBDSP_RT_H

#if defined(__clang__) && defined(__has_attribute)
#if __has_attribute(nonblocking)
#define DSP_RT __attribute__((nonblocking))
#endif
#endif
#ifndef DSP_RT
#define DSP_RT
#endif

#endif
