#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "hc_model.h"

#define PAGE_SIZE 4096u

/* What one exit must do, worked out before hc_handle_io() runs. */
struct effect {
	char *out;                 /* expected stdout bytes */
	size_t out_len;
	bool violation;            /* one stderr line; else none */
	bool warns;                /* unknown port, first time: one line */
	uint8_t in_fill;           /* an `in`'s data: all this byte... */
	bool in_is_value;          /* ...or this value */
	uint32_t in_value;
	size_t arg_len;            /* gvaToHva: bytes of arg_bytes that */
	uint64_t arg_gpa;          /* must be at arg_gpa afterwards */
	uint8_t arg_bytes[sizeof(struct hc_gva_to_hva)];
	uint64_t result_gpa;       /* numExitsByType: the string there */
	char result[HV_RESULT_SLOT_SIZE];
};

static char expected_out[HC_PRINTSTR_MAX + 64];

static void mismatch(const struct hc_io *io, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

static void mismatch(const struct hc_io *io, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fuzz-hc: port 0x%x %s size %u count %" PRIu32 ": ",
		io->port, io->is_out ? "out" : "in", io->size, io->count);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

bool hc_model_open(struct hc_model *m)
{
	memset(m, 0, sizeof(*m));
	m->out = open_memstream(&m->out_text, &m->out_len);
	m->err = open_memstream(&m->err_text, &m->err_len);
	return m->out && m->err;
}

/* A memstream's size is its position: rewinding empties it. */
static void empty_streams(struct hc_model *m)
{
	rewind(m->out);
	rewind(m->err);
	fflush(m->out);
	fflush(m->err);
}

void hc_model_reset(struct hc_model *m, const struct guest_mem *mem)
{
	m->mem = *mem;
	m->exits = m->io_in = m->io_out = 0;
	m->results_made = 0;
	memset(m->port_warned, 0, sizeof(m->port_warned));
	empty_streams(m);
}

void hc_model_other_exit(struct hc_model *m)
{
	m->exits++;
}

/* ---- guest memory, one byte at a time ---- */

/*
 * The page a byte was last found on: an exit reads without writing, so
 * the tables cannot change while one is judged (the write of gvaToHva
 * comes after its reads). Forgotten at each exit.
 */
static struct {
	bool valid, mapped;
	uint64_t gva_page, gpa_page;
} last_page;

/* The guest physical address of gva, which must be in RAM. */
static bool guest_gpa(const struct hc_model *m, uint64_t gva, uint64_t *gpa)
{
	uint64_t page = gva / PAGE_SIZE;

	if (gva >= GVA_SPACE_END)
		return false;
	if (!last_page.valid || last_page.gva_page != page) {
		last_page.valid = true;
		last_page.gva_page = page;
		last_page.mapped = m->mem.translate(m->mem.translate_ctx,
						    page * PAGE_SIZE,
						    &last_page.gpa_page);
	}
	*gpa = last_page.gpa_page + gva % PAGE_SIZE;
	return last_page.mapped && *gpa < m->mem.ram_size;
}

/* The byte the guest sees at gva. */
static bool guest_byte(const struct hc_model *m, uint64_t gva, uint8_t *byte)
{
	uint64_t gpa;

	if (!guest_gpa(m, gva, &gpa))
		return false;
	*byte = m->mem.ram[gpa];
	return true;
}

/* The string at gva: NUL within guest memory and HC_PRINTSTR_MAX bytes. */
static bool guest_string(const struct hc_model *m, uint32_t gva, char *buf,
			 size_t *len)
{
	for (size_t i = 0; i < HC_PRINTSTR_MAX; i++) {
		uint8_t byte;

		if (!guest_byte(m, (uint64_t)gva + i, &byte))
			return false;
		if (byte == 0) {
			*len = i;
			return true;
		}
		buf[i] = (char)byte;
	}
	return false;
}

/* ---- the hypercalls ---- */

struct call {
	uint16_t port;
	bool is_out;
	uint8_t size;
};

static const struct call calls[] = {
	{ HC_PORT_PRINT8BIT, true, 1 },
	{ HC_PORT_PRINT32BIT, true, 4 },
	{ HC_PORT_NUMEXITS, false, 4 },
	{ HC_PORT_PRINTSTR, true, 4 },
	{ HC_PORT_NUMEXITSBYTYPE, false, 4 },
	{ HC_PORT_GVATOHVA, true, 4 },
};

static const struct call *call_at(uint16_t port)
{
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++)
		if (calls[i].port == port)
			return &calls[i];
	return NULL;
}

static void print_str(const struct hc_model *m, uint32_t gva, struct effect *e)
{
	if (!guest_string(m, gva, e->out, &e->out_len)) {
		e->out_len = 0;
		e->violation = true;
	}
}

static void gva_to_hva(const struct hc_model *m, uint32_t arg_gva,
		       struct effect *e)
{
	struct hc_gva_to_hva arg;
	uint8_t *bytes = (uint8_t *)&arg;
	uint64_t gpa;

	for (size_t i = 0; i < sizeof(arg); i++)
		if (!guest_byte(m, (uint64_t)arg_gva + i, &bytes[i])) {
			e->violation = true;
			return;
		}
	arg.hva = 0;
	if (guest_gpa(m, arg.gva, &gpa) &&
	    (uintptr_t)(m->mem.ram + gpa) <= UINT32_MAX)
		arg.hva = (uint32_t)(uintptr_t)(m->mem.ram + gpa);
	if (arg.hva == 0)
		e->out_len = (size_t)sprintf(e->out, "Invalid GVA\n");
	/*
	 * The write lands where the struct's page maps when the call is made.
	 * A struct across two pages: only the first page's part is judged, as
	 * the write of that part may remap the second page (tables in RAM).
	 */
	e->arg_len = PAGE_SIZE - arg_gva % PAGE_SIZE;
	if (e->arg_len > sizeof(arg))
		e->arg_len = sizeof(arg);
	guest_gpa(m, arg_gva, &e->arg_gpa);
	memcpy(e->arg_bytes, &arg, sizeof(arg));
}

static void num_exits_by_type(struct hc_model *m, struct effect *e)
{
	uint32_t slot = m->results_made++ % HV_RESULT_SLOTS;
	uint64_t gpa = HV_RESULT_AREA + slot * HV_RESULT_SLOT_SIZE;

	if (gpa + HV_RESULT_SLOT_SIZE > m->mem.ram_size) {
		e->violation = true;
		e->in_value = 0;
		return;
	}
	e->result_gpa = gpa;
	snprintf(e->result, sizeof(e->result), "IO in: %" PRIu64 "\nIO out: %"
		 PRIu64 "\n", m->io_in, m->io_out);
	e->in_value = (uint32_t)gpa;
}

/* A call that fits the ABI: its effect. */
static void serve(struct hc_model *m, const struct hc_io *io, struct effect *e)
{
	uint32_t arg = 0;

	if (io->is_out)
		memcpy(&arg, io->data, io->size);
	e->in_is_value = !io->is_out;
	switch (io->port) {
	case HC_PORT_PRINT8BIT:
		e->out[0] = (char)(arg & 0xff);
		e->out_len = 1;
		break;
	case HC_PORT_PRINT32BIT:
		e->out_len = (size_t)sprintf(e->out, "%" PRIu32 "\n", arg);
		break;
	case HC_PORT_NUMEXITS:
		e->in_value = (uint32_t)m->exits;
		break;
	case HC_PORT_PRINTSTR:
		print_str(m, arg, e);
		break;
	case HC_PORT_NUMEXITSBYTYPE:
		num_exits_by_type(m, e);
		break;
	case HC_PORT_GVATOHVA:
		gva_to_hva(m, arg, e);
		break;
	}
}

/* The effect of io on the model: counts advance, the rest is predicted. */
static void predict(struct hc_model *m, const struct hc_io *io,
		    struct effect *e)
{
	const struct call *call = call_at(io->port);
	uint8_t bit = (uint8_t)(1u << (io->port % 8));

	m->exits++;
	if (io->is_out)
		m->io_out++;
	else
		m->io_in++;
	if (!call) {
		e->warns = !(m->port_warned[io->port / 8] & bit);
		m->port_warned[io->port / 8] |= bit;
		e->in_fill = 0xff;
		return;
	}
	if (io->is_out != call->is_out || io->size != call->size ||
	    io->count != 1) {
		e->violation = true;
		return;
	}
	serve(m, io, e);
}

/* ---- judging ---- */

static void check_streams(struct hc_model *m, const struct hc_io *io,
			  const struct effect *e)
{
	size_t lines = 0;
	bool one_line = e->violation || e->warns;

	fflush(m->out);
	fflush(m->err);
	if (m->echo) {
		fwrite(m->out_text, 1, m->out_len, stdout);
		fwrite(m->err_text, 1, m->err_len, stderr);
	}
	if (m->out_len != e->out_len ||
	    memcmp(m->out_text, e->out, m->out_len) != 0)
		mismatch(io, "stdout got %zu bytes \"%.*s\", the model %zu \"%.*s\"",
			 m->out_len, (int)(m->out_len < 80 ? m->out_len : 80),
			 m->out_text, e->out_len,
			 (int)(e->out_len < 80 ? e->out_len : 80), e->out);
	for (size_t i = 0; i < m->err_len; i++)
		lines += m->err_text[i] == '\n';
	if (lines != (one_line ? 1u : 0u) ||
	    (m->err_len > 0 && m->err_text[m->err_len - 1] != '\n'))
		mismatch(io, "stderr got \"%.*s\", the model expects %s",
			 (int)m->err_len, m->err_text,
			 one_line ? "one line" : "nothing");
	empty_streams(m);
}

static void check_in_data(const struct hc_io *io, const struct effect *e)
{
	size_t len = (size_t)io->size * io->count;

	if (io->is_out)
		return;
	if (e->in_is_value && !e->violation) {
		uint32_t value = 0;

		memcpy(&value, io->data, io->size);
		if (value != e->in_value)
			mismatch(io, "in returned 0x%" PRIx32 ", the model 0x%"
				 PRIx32, value, e->in_value);
		return;
	}
	for (size_t i = 0; i < len; i++)
		if (io->data[i] != e->in_fill)
			mismatch(io, "in data byte %zu is 0x%02x, the model 0x%02x",
				 i, io->data[i], e->in_fill);
}

static void check_guest_ram(const struct hc_model *m, const struct hc_io *io,
			    const struct effect *e)
{
	if (e->violation)
		return;
	if (e->arg_len &&
	    memcmp(m->mem.ram + e->arg_gpa, e->arg_bytes, e->arg_len) != 0)
		mismatch(io, "gvaToHva wrote another struct than the model");
	if (e->result_gpa &&
	    memcmp(m->mem.ram + e->result_gpa, e->result, strlen(e->result) + 1))
		mismatch(io, "numExitsByType result \"%.*s\", the model \"%s\"",
			 HV_RESULT_SLOT_SIZE, m->mem.ram + e->result_gpa,
			 e->result);
}

void hc_model_serve_and_check(struct hc_model *m, struct hc_host *hc,
			      const struct hc_io *io)
{
	struct effect e = { .out = expected_out };

	last_page.valid = false;
	predict(m, io, &e);
	if (hc->exits != m->exits)
		mismatch(io, "the host counts %" PRIu64 " exits, the model %"
			 PRIu64, hc->exits, m->exits);
	hc_handle_io(hc, io);
	check_streams(m, io, &e);
	check_in_data(io, &e);
	check_guest_ram(m, io, &e);
}
