/*
 * sock_util.h - blocking Unix-socket helpers for the test clients that speak
 * to radiod byte by byte (raw_frames, replay_frames, hold_client).
 */
#ifndef RADIOD_TESTS_SOCK_UTIL_H
#define RADIOD_TESTS_SOCK_UTIL_H

#include <stddef.h>

/* A stream socket connected to path, or -1 (errno set). */
int su_connect(const char *path);

/* Sends all len bytes (no SIGPIPE): 0, or -1 when the peer is gone. */
int su_send_all(int fd, const void *buf, size_t len);

/* Receives exactly len bytes: 0; -1 closed, reset or failed; -2 nothing
 * arrived for timeout_ms. */
int su_recv_all(int fd, void *buf, size_t len, int timeout_ms);

#endif
