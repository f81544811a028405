/*
 * frame.h - the control protocol's framing: a 4-byte big-endian length N,
 * then N bytes of one encoded message (proto/radio.proto).
 *
 * A request (client to radiod) holds 1 .. FRAME_MAX_PAYLOAD (64 KiB); what
 * radiod sends holds up to FRAME_MAX_SERVER_PAYLOAD (1 MiB), room for stats
 * with every raw histogram however spread its values are.  The reader takes bytes as they
 * arrive, in pieces of any size, and hands back whole frames; the length is
 * compared with the limit as soon as its four bytes are in, before it is used
 * in any arithmetic, so a hostile length costs nothing.  A reader that has
 * reported an error stays in it: the connection is to be closed.
 *
 * Pure code (no I/O): any thread, one reader per connection.  init allocates
 * the payload buffer once; push never allocates.
 */
#ifndef RADIOD_DAEMON_FRAME_H
#define RADIOD_DAEMON_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FRAME_HEADER_SIZE 4
#define FRAME_MAX_PAYLOAD 65536u
#define FRAME_MAX_SERVER_PAYLOAD (1024u * 1024u)

enum frame_result {
	FRAME_NEED_MORE,	/* every byte was taken; no whole frame yet */
	FRAME_READY,		/* a whole frame: frame_reader_payload() */
	FRAME_ERR_EMPTY,	/* the length was 0 */
	FRAME_ERR_TOO_LARGE,	/* the length was over the limit */
};

struct frame_reader {
	uint8_t header[FRAME_HEADER_SIZE];
	uint32_t header_have;
	uint32_t length;	/* declared payload length, once the header is in */
	uint32_t have;		/* payload bytes held so far */
	uint32_t max;
	uint8_t *payload;	/* max bytes */
	enum frame_result state;
};

/* max: 1 .. FRAME_MAX_PAYLOAD.  Returns 0, -EINVAL or -ENOMEM. */
int frame_reader_init(struct frame_reader *r, uint32_t max);
/* Frees the buffer; a zeroed or already freed reader is fine. */
void frame_reader_free(struct frame_reader *r);

/*
 * Takes up to len bytes of data; *used says how many it took.  Returns
 * FRAME_READY as soon as a frame is whole (the rest of data is left for the
 * next call), FRAME_NEED_MORE when every byte was taken without completing
 * one, or an error (sticky).  The payload of a READY frame stays valid until
 * the next push.
 */
enum frame_result frame_reader_push(struct frame_reader *r, const void *data, size_t len,
				    size_t *used);

/* The payload of the frame push just reported READY. */
const uint8_t *frame_reader_payload(const struct frame_reader *r, uint32_t *len);

/* The declared length a reader refused (FRAME_ERR_*), for the error message. */
uint32_t frame_reader_declared_length(const struct frame_reader *r);

/* A human word for a result: "frame length 0", ... */
const char *frame_result_str(enum frame_result res);

/* Writes the header for a payload of len bytes.  0, or -EMSGSIZE when len
 * is 0 or over FRAME_MAX_SERVER_PAYLOAD. */
int frame_write_header(uint8_t out[FRAME_HEADER_SIZE], size_t len);

/* Reads a header: the declared length (no check). */
uint32_t frame_read_header(const uint8_t in[FRAME_HEADER_SIZE]);

#endif
