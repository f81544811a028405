#include "daemon/frame.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int frame_reader_init(struct frame_reader *r, uint32_t max)
{
	memset(r, 0, sizeof *r);
	if (max == 0 || max > FRAME_MAX_PAYLOAD)
		return -EINVAL;
	r->payload = malloc(max);
	if (!r->payload)
		return -ENOMEM;
	r->max = max;
	r->state = FRAME_NEED_MORE;
	return 0;
}

void frame_reader_free(struct frame_reader *r)
{
	free(r->payload);
	r->payload = NULL;
	r->max = 0;
}

uint32_t frame_read_header(const uint8_t in[FRAME_HEADER_SIZE])
{
	return (uint32_t)in[0] << 24 | (uint32_t)in[1] << 16 | (uint32_t)in[2] << 8 | in[3];
}

int frame_write_header(uint8_t out[FRAME_HEADER_SIZE], size_t len)
{
	if (len == 0 || len > FRAME_MAX_SERVER_PAYLOAD)
		return -EMSGSIZE;
	out[0] = (uint8_t)(len >> 24);
	out[1] = (uint8_t)(len >> 16);
	out[2] = (uint8_t)(len >> 8);
	out[3] = (uint8_t)len;
	return 0;
}

enum frame_result frame_reader_push(struct frame_reader *r, const void *data, size_t len,
				    size_t *used)
{
	const uint8_t *p = data;
	size_t taken = 0;

	*used = 0;
	if (r->state == FRAME_ERR_EMPTY || r->state == FRAME_ERR_TOO_LARGE)
		return r->state;
	if (r->state == FRAME_READY) {
		r->header_have = 0;
		r->have = 0;
		r->state = FRAME_NEED_MORE;
	}
	while (r->header_have < FRAME_HEADER_SIZE) {
		if (taken == len) {
			*used = taken;
			return FRAME_NEED_MORE;
		}
		r->header[r->header_have++] = p[taken++];
		if (r->header_have == FRAME_HEADER_SIZE) {
			r->length = frame_read_header(r->header);
			if (r->length == 0 || r->length > r->max) {
				r->state = r->length == 0 ? FRAME_ERR_EMPTY : FRAME_ERR_TOO_LARGE;
				*used = taken;
				return r->state;
			}
		}
	}
	/* From here on length <= max, so length - have cannot wrap. */
	size_t want = r->length - r->have;
	size_t n = len - taken < want ? len - taken : want;
	if (n)
		memcpy(r->payload + r->have, p + taken, n);
	r->have += (uint32_t)n;
	taken += n;
	*used = taken;
	if (r->have < r->length)
		return FRAME_NEED_MORE;
	r->state = FRAME_READY;
	return FRAME_READY;
}

const uint8_t *frame_reader_payload(const struct frame_reader *r, uint32_t *len)
{
	if (r->state != FRAME_READY) {
		*len = 0;
		return NULL;
	}
	*len = r->length;
	return r->payload;
}

uint32_t frame_reader_declared_length(const struct frame_reader *r)
{
	return r->length;
}

const char *frame_result_str(enum frame_result res)
{
	switch (res) {
	case FRAME_NEED_MORE:
		return "incomplete frame";
	case FRAME_READY:
		return "frame complete";
	case FRAME_ERR_EMPTY:
		return "frame length 0 (must be 1..65536)";
	case FRAME_ERR_TOO_LARGE:
		return "frame length over the 65536-byte limit";
	}
	return "unknown frame state";
}
