/*
 * client_fakeserver.h - a stand-in for radiod in the client tests: a thread
 * that serves one connection (one end of a socketpair, or one accepted on a
 * Unix socket path) by running a script of reads and writes.
 *
 * Scripts run on the server thread, so they use no cmocka assertions; they
 * keep what they received (fake_read_request stores every request) and the
 * test checks it after fake_join().
 */
#ifndef RADIOD_TESTS_CLIENT_FAKESERVER_H
#define RADIOD_TESTS_CLIENT_FAKESERVER_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "radio.pb-c.h"

#define FAKE_MAX_REQUESTS 16

struct fake_server {
	int fd;		/* the server's end */
	int listen_fd;	/* -1 for a socketpair */
	void (*script)(struct fake_server *fs);
	void *arg;
	Radio__Request *requests[FAKE_MAX_REQUESTS];
	int n_requests;
	pthread_t thread;
};

/* Starts script on one end of a socketpair; *client_fd gets the other. */
struct fake_server *fake_start_pair(void (*script)(struct fake_server *), void *arg,
				    int *client_fd);
/* Listens on path, accepts one connection and runs script on it. */
struct fake_server *fake_start_listen(const char *path, void (*script)(struct fake_server *),
				      void *arg);
/* Waits for the script to end; the requests stay readable until fake_free. */
void fake_join(struct fake_server *fs);
void fake_free(struct fake_server *fs);

/* For scripts. */
Radio__Request *fake_read_request(struct fake_server *fs);	/* NULL at EOF */
void fake_send_raw(struct fake_server *fs, const void *buf, size_t len);
void fake_send_frame_header(struct fake_server *fs, uint32_t len);
void fake_send_reply(struct fake_server *fs, Radio__Reply *reply);
void fake_send_event(struct fake_server *fs, Radio__Event *event);
/* A Reply with the given id and status OK and no body. */
void fake_send_ok(struct fake_server *fs, uint32_t id);
/* A Reply refusing request id with code and message. */
void fake_send_refusal(struct fake_server *fs, uint32_t id, Radio__Status__Code code,
		       const char *message);
/* Reads until the client closes the connection. */
void fake_wait_eof(struct fake_server *fs);
void fake_sleep_ms(int ms);

#endif
