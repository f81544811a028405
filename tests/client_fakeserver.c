/* client_fakeserver.c - see client_fakeserver.h. */
#include "tests/client_fakeserver.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static void *run(void *p)
{
	struct fake_server *fs = p;

	if (fs->listen_fd >= 0) {
		fs->fd = accept(fs->listen_fd, NULL, NULL);
		if (fs->fd < 0)
			return NULL;
	}
	fs->script(fs);
	return NULL;
}

static struct fake_server *start(struct fake_server *fs)
{
	if (pthread_create(&fs->thread, NULL, run, fs) != 0)
		abort();
	return fs;
}

struct fake_server *fake_start_pair(void (*script)(struct fake_server *), void *arg,
				    int *client_fd)
{
	struct fake_server *fs = calloc(1, sizeof *fs);
	int sv[2];

	if (!fs || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		abort();
	fs->fd = sv[0];
	fs->listen_fd = -1;
	fs->script = script;
	fs->arg = arg;
	*client_fd = sv[1];
	return start(fs);
}

struct fake_server *fake_start_listen(const char *path, void (*script)(struct fake_server *),
				      void *arg)
{
	struct fake_server *fs = calloc(1, sizeof *fs);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	if (!fs || strlen(path) >= sizeof sa.sun_path)
		abort();
	strcpy(sa.sun_path, path);
	fs->fd = -1;
	fs->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fs->listen_fd < 0 || bind(fs->listen_fd, (struct sockaddr *)&sa, sizeof sa) < 0 ||
	    listen(fs->listen_fd, 4) < 0)
		abort();
	fs->script = script;
	fs->arg = arg;
	return start(fs);
}

void fake_join(struct fake_server *fs)
{
	pthread_join(fs->thread, NULL);
	if (fs->fd >= 0)
		close(fs->fd);
	fs->fd = -1;
	if (fs->listen_fd >= 0)
		close(fs->listen_fd);
	fs->listen_fd = -1;
}

void fake_free(struct fake_server *fs)
{
	for (int i = 0; i < fs->n_requests; i++)
		radio__request__free_unpacked(fs->requests[i], NULL);
	free(fs);
}

static int read_all(int fd, void *buf, size_t len)
{
	size_t off = 0;

	while (off < len) {
		ssize_t n = read(fd, (char *)buf + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		off += (size_t)n;
	}
	return 0;
}

Radio__Request *fake_read_request(struct fake_server *fs)
{
	uint8_t hdr[4], *body;
	uint32_t len;
	Radio__Request *req;

	if (read_all(fs->fd, hdr, 4) < 0)
		return NULL;
	len = (uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 | (uint32_t)hdr[2] << 8 | hdr[3];
	body = malloc(len ? len : 1);
	if (!body || read_all(fs->fd, body, len) < 0) {
		free(body);
		return NULL;
	}
	req = radio__request__unpack(NULL, len, body);
	free(body);
	if (req && fs->n_requests < FAKE_MAX_REQUESTS)
		fs->requests[fs->n_requests++] = req;
	else if (req)
		abort();
	return req;
}

void fake_send_raw(struct fake_server *fs, const void *buf, size_t len)
{
	size_t off = 0;

	while (off < len) {
		ssize_t n = send(fs->fd, (const char *)buf + off, len - off, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;	/* the client went away: the test sees it */
		off += (size_t)n;
	}
}

void fake_send_frame_header(struct fake_server *fs, uint32_t len)
{
	uint8_t hdr[4] = { (uint8_t)(len >> 24), (uint8_t)(len >> 16), (uint8_t)(len >> 8),
			   (uint8_t)len };

	fake_send_raw(fs, hdr, 4);
}

static void send_message(struct fake_server *fs, Radio__ServerMessage *m)
{
	size_t len = radio__server_message__get_packed_size(m);
	uint8_t *buf = malloc(len + 4);

	if (!buf)
		abort();
	buf[0] = (uint8_t)(len >> 24);
	buf[1] = (uint8_t)(len >> 16);
	buf[2] = (uint8_t)(len >> 8);
	buf[3] = (uint8_t)len;
	radio__server_message__pack(m, buf + 4);
	fake_send_raw(fs, buf, len + 4);
	free(buf);
}

void fake_send_reply(struct fake_server *fs, Radio__Reply *reply)
{
	Radio__ServerMessage m = RADIO__SERVER_MESSAGE__INIT;

	m.msg_case = RADIO__SERVER_MESSAGE__MSG_REPLY;
	m.reply = reply;
	send_message(fs, &m);
}

void fake_send_event(struct fake_server *fs, Radio__Event *event)
{
	Radio__ServerMessage m = RADIO__SERVER_MESSAGE__INIT;

	m.msg_case = RADIO__SERVER_MESSAGE__MSG_EVENT;
	m.event = event;
	send_message(fs, &m);
}

void fake_send_ok(struct fake_server *fs, uint32_t id)
{
	Radio__Reply r = RADIO__REPLY__INIT;
	Radio__Status st = RADIO__STATUS__INIT;

	st.has_code = 1;
	st.code = RADIO__STATUS__CODE__OK;
	r.has_id = 1;
	r.id = id;
	r.status = &st;
	fake_send_reply(fs, &r);
}

void fake_send_refusal(struct fake_server *fs, uint32_t id, Radio__Status__Code code,
		       const char *message)
{
	Radio__Reply r = RADIO__REPLY__INIT;
	Radio__Status st = RADIO__STATUS__INIT;

	st.has_code = 1;
	st.code = code;
	st.message = (char *)message;
	r.has_id = 1;
	r.id = id;
	r.status = &st;
	fake_send_reply(fs, &r);
}

void fake_wait_eof(struct fake_server *fs)
{
	char buf[256];

	for (;;) {
		ssize_t n = read(fs->fd, buf, sizeof buf);

		if (n == 0 || (n < 0 && errno != EINTR))
			return;
	}
}

void fake_sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}
