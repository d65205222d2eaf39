/*
 * The GDB remote serial protocol: framing and packets (see gdb_rsp.h).
 *
 * A packet is $payload#cs, cs being the two-digit hex sum of the payload
 * bytes modulo 256. In the payload, '}' escapes the next byte (xor 0x20)
 * and "X*N" repeats X N-29 more times. Each side acknowledges a packet
 * with '+' or asks for it again with '-', until QStartNoAckMode.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "gdb_rsp.h"

#define RLE_BASE  29            /* a run's count is sent as count + 29 */
#define RLE_MAX   (126 - RLE_BASE) /* the count byte stays printable */

/* ---- framing ---- */

void rsp_conn_init(struct rsp_conn *c, int fd)
{
	memset(c, 0, sizeof(*c));
	c->fd = fd;
}

/* The next byte from the client, -1 when it has gone. */
static int next_byte(struct rsp_conn *c)
{
	while (c->in_start == c->in_end) {
		ssize_t n = recv(c->fd, c->in, sizeof(c->in), 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		c->in_start = 0;
		c->in_end = (size_t)n;
	}
	return c->in[c->in_start++];
}

static bool send_all(int fd, const char *bytes, size_t len)
{
	while (len > 0) {
		ssize_t n = send(fd, bytes, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		bytes += n;
		len -= (size_t)n;
	}
	return true;
}

static void send_ack(struct rsp_conn *c, char ack)
{
	if (!c->no_ack)
		send_all(c->fd, &ack, 1);
}

static int hex_value(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Where a payload is decoded to, and whether it fitted and made sense. */
struct decoder {
	char *out;
	size_t max, len;
	bool overflow, malformed;
	bool escape, repeat;
	uint8_t sum;
};

static void put_byte(struct decoder *d, char ch)
{
	if (d->len + 1 < d->max)
		d->out[d->len++] = ch;
	else
		d->overflow = true;
}

static void decode_byte(struct decoder *d, int ch)
{
	d->sum += (uint8_t)ch;
	if (d->repeat) {
		int times = ch - RLE_BASE;

		d->repeat = false;
		if (d->len == 0 || times < 0)
			d->malformed = true;
		else
			while (times-- > 0 && !d->overflow)
				put_byte(d, d->out[d->len - 1]);
	} else if (d->escape) {
		d->escape = false;
		put_byte(d, (char)(ch ^ 0x20));
	} else if (ch == '}') {
		d->escape = true;
	} else if (ch == '*') {
		d->repeat = true;
	} else {
		put_byte(d, (char)ch);
	}
}

/* The two checksum digits after '#': the sum, or -1 if they are not hex. */
static int read_checksum(struct rsp_conn *c, bool *closed)
{
	int hi = next_byte(c), lo = hi < 0 ? -1 : next_byte(c);

	*closed = lo < 0;
	if (*closed || hex_value(hi) < 0 || hex_value(lo) < 0)
		return -1;
	return hex_value(hi) << 4 | hex_value(lo);
}

enum rsp_event rsp_recv(struct rsp_conn *c, char *pkt, size_t max,
			size_t *len)
{
	*len = 0;
	for (;;) {
		struct decoder d = { .out = pkt, .max = max };
		bool closed;
		int ch = next_byte(c), sum;

		if (ch < 0)
			return RSP_EV_CLOSED;
		if (ch == 0x03)
			return RSP_EV_INTERRUPT;
		if (ch == '-' && c->last_len)
			send_all(c->fd, c->last, c->last_len);
		if (ch != '$')
			continue;       /* '+', '-' and noise between packets */
		while ((ch = next_byte(c)) >= 0 && ch != '#') {
			if (ch == '$')  /* a packet cut short: take the new one */
				d = (struct decoder){ .out = pkt, .max = max };
			else
				decode_byte(&d, ch);
		}
		if (ch < 0)
			return RSP_EV_CLOSED;
		sum = read_checksum(c, &closed);
		if (closed)
			return RSP_EV_CLOSED;
		if (sum != d.sum) {
			send_ack(c, '-');
			continue;
		}
		send_ack(c, '+');
		pkt[d.len] = '\0';
		*len = d.len;
		if (d.overflow || d.malformed || d.escape || d.repeat)
			return RSP_EV_TOO_LONG;
		return RSP_EV_PACKET;
	}
}

/*
 * While the guest runs the client may send only Ctrl-C (gdb in all-stop
 * mode sends nothing else): other bytes are dropped.
 */
enum rsp_event rsp_poll(struct rsp_conn *c)
{
	enum rsp_event event = RSP_EV_NONE;
	uint8_t bytes[256];
	ssize_t n;

	while ((n = recv(c->fd, bytes, sizeof(bytes), MSG_DONTWAIT)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return event;
			return RSP_EV_CLOSED;
		}
		if (memchr(bytes, 0x03, (size_t)n))
			event = RSP_EV_INTERRUPT;
	}
	return RSP_EV_CLOSED;
}

/* How many times payload[i] repeats right after i, as one run may say. */
static size_t run_after(const char *payload, size_t len, size_t i)
{
	size_t run = 0;

	while (i + 1 + run < len && run < RLE_MAX &&
	       payload[i + 1 + run] == payload[i])
		run++;
	/* Counts 6 and 7 would be sent as '#' and '$'. */
	if (run == 6 || run == 7)
		run = 5;
	return run < 3 ? 0 : run;
}

size_t rsp_frame(const char *payload, size_t len, char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;
	uint8_t sum = 0;

	out[o++] = '$';
	for (size_t i = 0; i < len; i++) {
		char ch = payload[i];
		size_t run;

		if (ch && strchr("$#}*", ch)) {
			out[o++] = '}';
			out[o++] = (char)(ch ^ 0x20);
			sum += (uint8_t)'}' + (uint8_t)(ch ^ 0x20);
			continue;
		}
		out[o++] = ch;
		sum += (uint8_t)ch;
		run = run_after(payload, len, i);
		if (run) {
			out[o++] = '*';
			out[o++] = (char)(run + RLE_BASE);
			sum += (uint8_t)'*' + (uint8_t)(run + RLE_BASE);
			i += run;
		}
	}
	out[o++] = '#';
	out[o++] = hex[sum >> 4];
	out[o++] = hex[sum & 0xf];
	return o;
}

bool rsp_send(struct rsp_conn *c, const char *payload, size_t len)
{
	if (len > RSP_PACKET_MAX)
		len = RSP_PACKET_MAX;
	c->last_len = rsp_frame(payload, len, c->last);
	return send_all(c->fd, c->last, c->last_len);
}

/* ---- packets ---- */

void rsp_session_init(struct rsp_session *s, const struct rsp_target *t)
{
	memset(s, 0, sizeof(*s));
	s->target = *t;
	strcpy(s->stop_reply, "S05");
}

/* Reads one hex number of 1 to 16 digits at *p, before end. */
static bool parse_hex(const char **p, const char *end, uint64_t *value)
{
	const char *start = *p;

	*value = 0;
	while (*p < end && hex_value(**p) >= 0 && *p - start < 16)
		*value = *value << 4 | (uint64_t)hex_value(*(*p)++);
	return *p > start && (*p == end || hex_value(**p) < 0);
}

static bool expect(const char **p, const char *end, char ch)
{
	if (*p >= end || **p != ch)
		return false;
	(*p)++;
	return true;
}

/* "ADDR,LEN" then the byte sep (or the end of the packet if sep is 0). */
static bool parse_range(const char **p, const char *end, char sep,
			uint64_t *addr, uint64_t *len)
{
	return parse_hex(p, end, addr) && expect(p, end, ',') &&
	       parse_hex(p, end, len) && (sep ? expect(p, end, sep) : *p == end);
}

static size_t to_hex(const uint8_t *bytes, size_t len, char *out)
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		out[2 * i] = hex[bytes[i] >> 4];
		out[2 * i + 1] = hex[bytes[i] & 0xf];
	}
	return 2 * len;
}

/* Exactly 2 * len hex digits from text into bytes. */
static bool from_hex(const char *text, size_t text_len, uint8_t *bytes,
		     size_t len)
{
	if (text_len != 2 * len)
		return false;
	for (size_t i = 0; i < len; i++) {
		int hi = hex_value(text[2 * i]), lo = hex_value(text[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return false;
		bytes[i] = (uint8_t)(hi << 4 | lo);
	}
	return true;
}

/* The reply: text, or an error, into reply. */
static size_t say(char *reply, const char *text)
{
	size_t len = strlen(text);

	memcpy(reply, text, len);
	return len;
}

#define ERROR_REPLY "E01"

static size_t read_memory(struct rsp_session *s, const char *p,
			  const char *end, char *reply)
{
	uint8_t bytes[RSP_PACKET_MAX / 2];
	uint64_t addr, len;

	if (!parse_range(&p, end, 0, &addr, &len))
		return say(reply, ERROR_REPLY);
	if (len > sizeof(bytes))
		len = sizeof(bytes);    /* gdb asks for the rest next */
	if (!s->target.ops->read_mem(s->target.ctx, addr, bytes, len))
		return say(reply, ERROR_REPLY);
	return to_hex(bytes, len, reply);
}

static size_t write_memory(struct rsp_session *s, const char *p,
			   const char *end, char *reply)
{
	uint8_t bytes[RSP_PACKET_MAX / 2];
	uint64_t addr, len;

	if (!parse_range(&p, end, ':', &addr, &len) || len > sizeof(bytes) ||
	    !from_hex(p, (size_t)(end - p), bytes, len) ||
	    !s->target.ops->write_mem(s->target.ctx, addr, bytes, len))
		return say(reply, ERROR_REPLY);
	return say(reply, "OK");
}

static size_t read_registers(struct rsp_session *s, char *reply)
{
	uint8_t regs[RSP_REGS_MAX];

	s->target.ops->read_regs(s->target.ctx, regs);
	return to_hex(regs, s->target.regs_size, reply);
}

static size_t write_registers(struct rsp_session *s, const char *p,
			      const char *end, char *reply)
{
	uint8_t regs[RSP_REGS_MAX];

	if (!from_hex(p, (size_t)(end - p), regs, s->target.regs_size))
		return say(reply, ERROR_REPLY);
	s->target.ops->write_regs(s->target.ctx, regs);
	return say(reply, "OK");
}

/* Z and z: TYPE,ADDR,KIND. Watchpoints only where the KVM delivers them:
 * an empty reply makes gdb say it cannot set one. */
static size_t set_break(struct rsp_session *s, const char *p, const char *end,
			bool insert, char *reply)
{
	uint64_t type, addr, kind;

	if (!parse_hex(&p, end, &type) || !expect(&p, end, ',') ||
	    !parse_range(&p, end, 0, &addr, &kind))
		return say(reply, ERROR_REPLY);
	if (type > RSP_WATCH_ACCESS ||
	    (type >= RSP_WATCH_WRITE && !s->target.watchpoints))
		return 0;
	if (!s->target.ops->set_break(s->target.ctx, (enum rsp_break_type)type,
				      addr, kind, insert))
		return say(reply, ERROR_REPLY);
	return say(reply, "OK");
}

/* qXfer:features:read:target.xml:OFFSET,LENGTH */
static size_t read_features(struct rsp_session *s, const char *p,
			    const char *end, char *reply)
{
	static const char annex[] = "target.xml:";
	size_t xml_len = strlen(s->target.xml), chunk;
	uint64_t offset, len;

	if ((size_t)(end - p) < sizeof(annex) - 1 ||
	    memcmp(p, annex, sizeof(annex) - 1) != 0)
		return say(reply, "E00");
	p += sizeof(annex) - 1;
	if (!parse_range(&p, end, 0, &offset, &len))
		return say(reply, ERROR_REPLY);
	if (offset >= xml_len)
		return say(reply, "l");
	chunk = xml_len - offset;
	if (chunk > len)
		chunk = len;
	if (chunk > RSP_PACKET_MAX - 1)
		chunk = RSP_PACKET_MAX - 1;
	reply[0] = offset + chunk < xml_len ? 'm' : 'l';
	memcpy(reply + 1, s->target.xml + offset, chunk);
	return chunk + 1;
}

static bool starts(const char *p, const char *end, const char *word)
{
	size_t len = strlen(word);

	return (size_t)(end - p) >= len && memcmp(p, word, len) == 0;
}

static size_t query(struct rsp_session *s, const char *p, const char *end,
		    char *reply)
{
	static const char xfer[] = "qXfer:features:read:";
	char text[80];

	if (starts(p, end, "qSupported")) {
		snprintf(text, sizeof(text), "PacketSize=%x;qXfer:features:read+;"
			 "QStartNoAckMode+", RSP_PACKET_MAX);
		return say(reply, text);
	}
	if (starts(p, end, "qAttached"))
		return say(reply, "1");  /* the guest was there before gdb */
	if (starts(p, end, xfer))
		return read_features(s, p + sizeof(xfer) - 1, end, reply);
	return 0;
}

/*
 * c and s take no address (gdb writes pc instead); C and S name a signal to
 * deliver, which a bare machine has no use for: it is dropped, as when
 * gdb continues after a stop by Ctrl-C or a fault.
 */
static bool resume_args_ok(const char *pkt, size_t len)
{
	if (pkt[0] == 'c' || pkt[0] == 's')
		return len == 1;
	return len == 3 && hex_value(pkt[1]) >= 0 && hex_value(pkt[2]) >= 0;
}

enum rsp_action rsp_handle(struct rsp_session *s, const char *pkt,
			   size_t len, char *reply, size_t *reply_len)
{
	const char *end = pkt + len, *args = pkt + 1;

	*reply_len = 0;
	if (len == 0)
		return RSP_STAY;
	switch (pkt[0]) {
	case '?':
		*reply_len = say(reply, s->stop_reply);
		break;
	case 'g':
		*reply_len = read_registers(s, reply);
		break;
	case 'G':
		*reply_len = write_registers(s, args, end, reply);
		break;
	case 'm':
		*reply_len = read_memory(s, args, end, reply);
		break;
	case 'M':
		*reply_len = write_memory(s, args, end, reply);
		break;
	case 'c': case 's': case 'C': case 'S':
		if (!resume_args_ok(pkt, len)) {
			*reply_len = say(reply, ERROR_REPLY);
			break;
		}
		*reply_len = SIZE_MAX;
		return pkt[0] == 'c' || pkt[0] == 'C' ? RSP_CONTINUE : RSP_STEP;
	case 'D':
		*reply_len = say(reply, "OK");
		return RSP_DETACH;
	case 'k':
		*reply_len = SIZE_MAX;
		return RSP_KILL;
	case 'H': case 'T':     /* one thread: any thread is it */
		*reply_len = say(reply, "OK");
		break;
	case 'Z': case 'z':
		*reply_len = set_break(s, args, end, pkt[0] == 'Z', reply);
		break;
	case 'q':
		*reply_len = query(s, pkt, end, reply);
		break;
	case 'Q':
		if (starts(pkt, end, "QStartNoAckMode")) {
			s->no_ack_asked = true;
			*reply_len = say(reply, "OK");
		}
		break;
	}
	return RSP_STAY;
}
