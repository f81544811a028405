/*
 * ctl_json.c - any protobuf-c message as JSON, walked through its
 * descriptor: a field added to radio.proto shows up in `radioctl --json`
 * without a change here.
 *
 * The walk builds a jansson tree; jansson escapes the strings and writes the
 * numbers. Two choices of ours shape the numbers it writes:
 * - Reals are written with 15 significant digits (DBL_DIG): every decimal
 *   of up to 15 digits (a Q of 0.707, a frequency of 997.3) comes back as
 *   typed, where 17 digits would show binary noise (0.70699999999999996);
 *   a computed value loses at most half a unit in its 15th digit.
 * - A float field is first turned into the double nearest its shortest
 *   decimal (-6.02f becomes -6.02, not -6.0199999809265137), which the 15
 *   digits then write back exactly.
 */
#include "clients/ctl.h"

#include <errno.h>
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define JSON_FLAGS (JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(DBL_DIG))

/* "NaN" and the infinities as strings, as protobuf's JSON mapping has them
 * (JSON has no such numbers). */
static json_t *non_finite(double v)
{
	if (isnan(v))
		return json_string("NaN");
	return json_string(v > 0 ? "Infinity" : "-Infinity");
}

json_t *ctl_json_real(double v)
{
	return isfinite(v) ? json_real(v) : non_finite(v);
}

static json_t *json_float(float f)
{
	char buf[32];

	if (!isfinite(f))
		return non_finite(f);
	for (int prec = FLT_DIG; prec <= 9; prec++) {
		snprintf(buf, sizeof buf, "%.*g", prec, (double)f);
		if (strtof(buf, NULL) == f)
			break;
	}
	return json_real(strtod(buf, NULL));
}

/* Length of the valid UTF-8 sequence at s, 0 when it is not one. */
static size_t utf8_len(const unsigned char *s)
{
	uint32_t cp;
	size_t n;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* jansson takes only valid UTF-8; a string from radiod (a JACK server name,
 * a path) is not promised to be. */
json_t *ctl_json_text(const char *s)
{
	static const char replacement[] = "\xef\xbf\xbd"; /* U+FFFD */
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), bad = 0;
	char *clean, *q;
	json_t *v;

	for (size_t i = 0; i < len;) {
		size_t n = utf8_len(p + i);

		bad += n == 0;
		i += n ? n : 1;
	}
	if (!bad)
		return json_stringn(s, len);
	clean = malloc(len + 2 * bad + 1);
	if (!clean)
		return NULL;
	q = clean;
	for (size_t i = 0; i < len;) {
		size_t n = utf8_len(p + i);

		if (n) {
			memcpy(q, p + i, n);
			q += n;
			i += n;
		} else {
			memcpy(q, replacement, 3);
			q += 3;
			i++;
		}
	}
	v = json_stringn(clean, (size_t)(q - clean));
	free(clean);
	return v;
}

static json_t *json_base64(const ProtobufCBinaryData *b)
{
	static const char digits[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char *text = malloc((b->len + 2) / 3 * 4 + 1), *q = text;
	json_t *v;

	if (!text)
		return NULL;
	for (size_t i = 0; i < b->len; i += 3) {
		uint32_t w = (uint32_t)b->data[i] << 16;
		size_t left = b->len - i;

		if (left > 1)
			w |= (uint32_t)b->data[i + 1] << 8;
		if (left > 2)
			w |= b->data[i + 2];
		*q++ = digits[w >> 18 & 63];
		*q++ = digits[w >> 12 & 63];
		*q++ = left > 1 ? digits[w >> 6 & 63] : '=';
		*q++ = left > 2 ? digits[w & 63] : '=';
	}
	*q = '\0';
	v = json_string(text);
	free(text);
	return v;
}

/* jansson's integers are long long: a uint64 above INT64_MAX (no counter of
 * radiod gets there: 2^63 ns is 292 years) is written as a decimal string,
 * as protobuf's JSON mapping writes every 64-bit integer. */
json_t *ctl_json_u64(uint64_t v)
{
	char buf[24];

	if (v <= (uint64_t)INT64_MAX)
		return json_integer((json_int_t)v);
	snprintf(buf, sizeof buf, "%" PRIu64, v);
	return json_string(buf);
}

/* One value of field f stored at p; NULL when out of memory. */
static json_t *json_value(const ProtobufCFieldDescriptor *f, const void *p)
{
	switch (f->type) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
		return json_integer(*(const int32_t *)p);
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
		return json_integer(*(const uint32_t *)p);
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
		return json_integer(*(const int64_t *)p);
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		return ctl_json_u64(*(const uint64_t *)p);
	case PROTOBUF_C_TYPE_FLOAT:
		return json_float(*(const float *)p);
	case PROTOBUF_C_TYPE_DOUBLE:
		return ctl_json_real(*(const double *)p);
	case PROTOBUF_C_TYPE_BOOL:
		return json_boolean(*(const protobuf_c_boolean *)p);
	case PROTOBUF_C_TYPE_ENUM: {
		int v = *(const int *)p;
		const ProtobufCEnumValue *ev = protobuf_c_enum_descriptor_get_value(
			(const ProtobufCEnumDescriptor *)f->descriptor, v);

		/* A value newer than this build: the number, as the mapping allows. */
		return ev ? json_string(ev->name) : json_integer(v);
	}
	case PROTOBUF_C_TYPE_STRING: {
		const char *s = *(char *const *)p;

		return s ? ctl_json_text(s) : json_null();
	}
	case PROTOBUF_C_TYPE_BYTES:
		return json_base64((const ProtobufCBinaryData *)p);
	case PROTOBUF_C_TYPE_MESSAGE: {
		const ProtobufCMessage *m = *(ProtobufCMessage *const *)p;

		return m ? ctl_json_from_message(m) : json_null();
	}
	}
	return json_null();
}

/* The size of one element of a repeated field of type t. */
static size_t element_size(ProtobufCType t)
{
	switch (t) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
		return sizeof(int32_t);
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		return sizeof(int64_t);
	case PROTOBUF_C_TYPE_FLOAT:
		return sizeof(float);
	case PROTOBUF_C_TYPE_DOUBLE:
		return sizeof(double);
	case PROTOBUF_C_TYPE_BOOL:
		return sizeof(protobuf_c_boolean);
	case PROTOBUF_C_TYPE_ENUM:
		return sizeof(int);
	case PROTOBUF_C_TYPE_BYTES:
		return sizeof(ProtobufCBinaryData);
	case PROTOBUF_C_TYPE_STRING:
	case PROTOBUF_C_TYPE_MESSAGE:
	default:
		return sizeof(void *);
	}
}

/* A member of msg by its offset; the generated struct layout aligns it. */
static const void *member_at(const ProtobufCMessage *msg, unsigned offset)
{
	return (const char *)msg + offset;
}

static bool present(const ProtobufCMessage *msg, const ProtobufCFieldDescriptor *f)
{
	const void *member = member_at(msg, f->offset);
	const void *quantifier = member_at(msg, f->quantifier_offset);

	if (f->label == PROTOBUF_C_LABEL_REPEATED)
		return *(const size_t *)quantifier > 0;
	if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
		if (*(const uint32_t *)quantifier != f->id)
			return false;
	} else if (f->type != PROTOBUF_C_TYPE_MESSAGE && f->type != PROTOBUF_C_TYPE_STRING &&
		   f->label == PROTOBUF_C_LABEL_OPTIONAL) {
		return *(const protobuf_c_boolean *)quantifier;
	}
	if (f->type == PROTOBUF_C_TYPE_MESSAGE)
		return *(void *const *)member != NULL;
	if (f->type == PROTOBUF_C_TYPE_STRING) {
		const char *s = *(char *const *)member;

		/* An absent proto2 string with a default points at the default. */
		return s && (f->label != PROTOBUF_C_LABEL_OPTIONAL ||
			     (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) || s != f->default_value);
	}
	return true;
}

static json_t *repeated_value(const ProtobufCMessage *msg, const ProtobufCFieldDescriptor *f)
{
	size_t n = *(const size_t *)member_at(msg, f->quantifier_offset);
	const char *arr = *(const char *const *)member_at(msg, f->offset);
	size_t size = element_size(f->type);
	json_t *a = json_array();

	for (size_t k = 0; a && k < n; k++) {
		if (json_array_append_new(a, json_value(f, arr + k * size)) < 0) {
			json_decref(a);
			a = NULL;
		}
	}
	return a;
}

json_t *ctl_json_from_message(const ProtobufCMessage *msg)
{
	const ProtobufCMessageDescriptor *d = msg->descriptor;
	json_t *o = json_object();

	for (unsigned i = 0; o && i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		json_t *v;

		if (!present(msg, f))
			continue;
		if (f->label == PROTOBUF_C_LABEL_REPEATED)
			v = repeated_value(msg, f);
		else
			v = json_value(f, member_at(msg, f->offset));
		/* set_new takes v even when it fails, and refuses a NULL v. */
		if (json_object_set_new(o, f->name, v) < 0) {
			json_decref(o);
			o = NULL;
		}
	}
	return o;
}

int ctl_json_print(FILE *out, const json_t *v)
{
	if (!v)
		return -ENOMEM;
	if (json_dumpf(v, out, JSON_FLAGS) < 0 || fputc('\n', out) == EOF)
		return -EIO;
	return 0;
}

int ctl_json_message(FILE *out, const ProtobufCMessage *msg)
{
	json_t *v = ctl_json_from_message(msg);
	int r = ctl_json_print(out, v);

	json_decref(v);
	return r;
}

void ctl_json_string(FILE *out, const char *s)
{
	json_t *v = ctl_json_text(s);

	if (v)
		json_dumpf(v, out, JSON_FLAGS);
	json_decref(v);
}
