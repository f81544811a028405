/*
 * hold_client - one client that connects to radiod, asks once and then
 * stays connected, to show what radiod does to a client that is there
 * (max_clients, the idle timeout, a reload that changes them).
 *
 *   hold_client SOCKET
 *
 * Sends one GetInfo and prints "answered CODE" (the Status code name of the
 * reply: OK, RESOURCE_EXHAUSTED, ...) once it is in; then waits and prints
 * "closed after S s" (seconds since the answer) when radiod closes the
 * connection.  Lines are flushed as they are printed.  SIGTERM ends it.
 * Exit: 0 after "closed", 1 on a local error (cannot connect, no answer
 * within 5 s, an answer that does not decode), 2 usage.
 */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "proto/radio.pb-c.h"
#include "tests/sock_util.h"

#define ANSWER_TIMEOUT_MS 5000
#define MAX_REPLY (1u << 20)

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int ask(int fd)
{
	Radio__Request req = RADIO__REQUEST__INIT;
	Radio__GetInfo body = RADIO__GET_INFO__INIT;
	uint8_t buf[64];
	size_t n;

	req.has_id = 1;
	req.id = 1;
	req.body_case = RADIO__REQUEST__BODY_GET_INFO;
	req.get_info = &body;
	n = su_frame_request(&req, buf, sizeof buf);
	return su_send_all(fd, buf, n);
}

/* The Status code name of the reply, in name (64 bytes); -1 on failure. */
static int answer(int fd, char *name)
{
	uint8_t hdr[4], *buf;
	uint32_t len;
	Radio__ServerMessage *m;
	int r = -1;

	if (su_recv_all(fd, hdr, 4, ANSWER_TIMEOUT_MS))
		return -1;
	len = (uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 | (uint32_t)hdr[2] << 8 | hdr[3];
	if (len == 0 || len > MAX_REPLY || !(buf = malloc(len)))
		return -1;
	if (su_recv_all(fd, buf, len, ANSWER_TIMEOUT_MS) == 0 &&
	    (m = radio__server_message__unpack(NULL, len, buf))) {
		if (m->msg_case == RADIO__SERVER_MESSAGE__MSG_REPLY && m->reply->status) {
			const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value(
				&radio__status__code__descriptor, (int)m->reply->status->code);

			snprintf(name, 64, "%s", v ? v->name : "UNKNOWN");
			r = 0;
		}
		radio__server_message__free_unpacked(m, NULL);
	}
	free(buf);
	return r;
}

int main(int argc, char **argv)
{
	char code[64];
	uint8_t junk[4096];
	double t0;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: hold_client SOCKET\n");
		return 2;
	}
	fd = su_connect(argv[1]);
	if (fd < 0) {
		fprintf(stderr, "hold_client: cannot connect to %s: %s\n", argv[1],
			strerror(errno));
		return 1;
	}
	if (ask(fd) < 0 || answer(fd, code) < 0) {
		fprintf(stderr, "hold_client: no answer to GetInfo within %d ms\n",
			ANSWER_TIMEOUT_MS);
		return 1;
	}
	printf("answered %s\n", code);
	fflush(stdout);
	t0 = now_s();
	/* Anything more radiod sends is read and dropped until it closes. */
	for (;;) {
		ssize_t n = recv(fd, junk, sizeof junk, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
	}
	printf("closed after %.2f s\n", now_s() - t0);
	close(fd);
	return 0;
}
