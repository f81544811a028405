/*
 * sock_util.h - blocking Unix-socket helpers for the test clients that speak
 * to radiod byte by byte (raw_frames, replay_frames, hold_client, crowd).
 */
#ifndef RADIOD_TESTS_SOCK_UTIL_H
#define RADIOD_TESTS_SOCK_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "proto/radio.pb-c.h"

/* A stream socket connected to path, or -1 (errno set). */
int su_connect(const char *path);

/* The same with the connect's wait bounded by timeout_s (a full listen
 * backlog makes connect wait; SO_SNDTIMEO bounds it on a Unix socket):
 * -1 with EAGAIN then.  0 = no bound. */
int su_connect_bounded(const char *path, int timeout_s);

/* Packs req behind its 4-byte length into out (size bytes): the frame's
 * length.  Aborts when it does not fit or is empty (a test's own bug). */
size_t su_frame_request(const Radio__Request *req, uint8_t *out, size_t size);

/* Sends all len bytes (no SIGPIPE): 0, or -1 when the peer is gone. */
int su_send_all(int fd, const void *buf, size_t len);

/* Receives exactly len bytes: 0; -1 closed, reset or failed; -2 nothing
 * arrived for timeout_ms. */
int su_recv_all(int fd, void *buf, size_t len, int timeout_ms);

#endif
