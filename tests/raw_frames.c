/*
 * raw_frames - sends radiod what a broken or hostile client would, frame by
 * frame on raw sockets, and reports how radiod answered.  A bystander
 * connection stays open the whole time and must be answered after every case.
 *
 *   raw_frames SOCKET
 *
 * One line per case:  CASE status=CODE closed=yes|no bystander=ok|FAILED
 * where CODE is the Status code name of the reply (or "none").
 * Exit: 0 when every line was printed, 1 on a local error, 2 usage.
 */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "proto/radio.pb-c.h"
#include "tests/sock_util.h"

#define TIMEOUT_MS 3000

static int send_frame(int fd, const void *msg, uint32_t len)
{
	uint8_t hdr[4] = { len >> 24, len >> 16, len >> 8, len };
	return su_send_all(fd, hdr, 4) || su_send_all(fd, msg, len) ? -1 : 0;
}

static int send_request(int fd, Radio__Request *req)
{
	uint8_t buf[4096];
	size_t n = radio__request__get_packed_size(req);
	if (n > sizeof buf)
		return -1;
	radio__request__pack(req, buf);
	return send_frame(fd, buf, (uint32_t)n);
}

/* Reads one ServerMessage; returns the reply's status code name (in name,
 * 64 bytes) or "none". */
static const char *read_status(int fd, uint32_t *id, char *name)
{
	uint8_t hdr[4];
	snprintf(name, 64, "none");
	if (su_recv_all(fd, hdr, 4, TIMEOUT_MS))
		return name;
	uint32_t len = (uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 | (uint32_t)hdr[2] << 8 | hdr[3];
	if (len > (1u << 20))
		return name;
	uint8_t *buf = malloc(len ? len : 1);
	if (!buf || su_recv_all(fd, buf, len, TIMEOUT_MS)) {
		free(buf);
		return name;
	}
	Radio__ServerMessage *m = radio__server_message__unpack(NULL, len, buf);
	free(buf);
	snprintf(name, 64, "none");
	if (m && m->msg_case == RADIO__SERVER_MESSAGE__MSG_REPLY && m->reply->status) {
		const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value(
			&radio__status__code__descriptor, (int)m->reply->status->code);
		snprintf(name, 64, "%s", v ? v->name : "?");
		if (id)
			*id = m->reply->id;
	}
	if (m)
		radio__server_message__free_unpacked(m, NULL);
	return name;
}

/* After the reply: did radiod close the connection (EOF within the timeout)? */
static const char *closed(int fd)
{
	uint8_t b;
	struct pollfd pf = { .fd = fd, .events = POLLIN };
	if (poll(&pf, 1, TIMEOUT_MS) <= 0)
		return "no";
	return recv(fd, &b, 1, 0) == 0 ? "yes" : "no";
}

static const char *bystander_ok(int fd, uint32_t id)
{
	Radio__Request req = RADIO__REQUEST__INIT;
	Radio__GetInfo gi = RADIO__GET_INFO__INIT;
	req.has_id = 1;
	req.id = id;
	req.body_case = RADIO__REQUEST__BODY_GET_INFO;
	req.get_info = &gi;
	uint32_t got = 0;
	char st[64];
	if (send_request(fd, &req))
		return "FAILED";
	return strcmp(read_status(fd, &got, st), "OK") == 0 && got == id ? "ok" : "FAILED";
}

static void report(const char *name, int fd, int bystander, uint32_t n)
{
	char st[64];
	read_status(fd, NULL, st);
	printf("%s status=%s closed=%s bystander=%s\n", name, st, closed(fd), bystander_ok(bystander, n));
	fflush(stdout);
	close(fd);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: raw_frames SOCKET\n");
		return 2;
	}
	const char *path = argv[1];
	int by = su_connect(path);
	if (by < 0) {
		fprintf(stderr, "raw_frames: cannot connect to %s: %s\n", path, strerror(errno));
		return 1;
	}
	uint32_t n = 1;
	int fd;

#define OPEN()                                                                   \
	do {                                                                     \
		if ((fd = su_connect(path)) < 0) {                               \
			fprintf(stderr, "raw_frames: cannot connect to %s\n", path); \
			return 1;                                                \
		}                                                                \
	} while (0)

	/* A length over the 64 KiB limit, with no payload behind it. */
	OPEN();
	uint8_t big[4] = { 0x00, 0x01, 0x00, 0x01 };
	su_send_all(fd, big, 4);
	report("oversize_length", fd, by, n++);

	/* The largest length there is. */
	OPEN();
	uint8_t huge[4] = { 0xff, 0xff, 0xff, 0xff };
	su_send_all(fd, huge, 4);
	report("max_length", fd, by, n++);

	/* Bytes that are not a protobuf message. */
	OPEN();
	uint8_t junk[16] = { 0xff, 0xfe, 0xfd, 0x07, 0x00, 0x11, 0x88, 0x99, 0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0x02 };
	send_frame(fd, junk, sizeof junk);
	report("garbage_payload", fd, by, n++);

	/* A zero-length frame. */
	OPEN();
	uint8_t zero[4] = { 0, 0, 0, 0 };
	su_send_all(fd, zero, 4);
	report("zero_length", fd, by, n++);

	/* A valid frame holding a Request with no body. */
	OPEN();
	Radio__Request empty = RADIO__REQUEST__INIT;
	empty.has_id = 1;
	empty.id = 77;
	send_request(fd, &empty);
	report("no_body", fd, by, n++);

	/* A valid request with a value out of range. */
	OPEN();
	Radio__Request req = RADIO__REQUEST__INIT;
	Radio__SetVolume sv = RADIO__SET_VOLUME__INIT;
	sv.has_db = 1;
	sv.db = 500;
	req.has_id = 1;
	req.id = 78;
	req.body_case = RADIO__REQUEST__BODY_SET_VOLUME;
	req.set_volume = &sv;
	send_request(fd, &req);
	report("volume_out_of_range", fd, by, n++);

	/* A band index past the end. */
	OPEN();
	Radio__Request rb = RADIO__REQUEST__INIT;
	Radio__SetBand sb = RADIO__SET_BAND__INIT;
	sb.has_index = 1;
	sb.index = 1000;
	sb.has_gain_db = 1;
	sb.gain_db = 3;
	rb.body_case = RADIO__REQUEST__BODY_SET_BAND;
	rb.set_band = &sb;
	send_request(fd, &rb);
	report("band_out_of_range", fd, by, n++);

	/* A frame cut short: the header promises more than ever arrives. */
	OPEN();
	uint8_t cut[6] = { 0, 0, 0, 100, 0x08, 0x01 };
	su_send_all(fd, cut, sizeof cut);
	shutdown(fd, SHUT_WR);
	char st[64];
	read_status(fd, NULL, st);
	printf("truncated_frame status=%s closed=%s bystander=%s\n", st, closed(fd), bystander_ok(by, n++));
	close(fd);

	close(by);
	return 0;
}
