#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "hc_host.h"
#include "hypercall.h"

#define HC_PORT_FIRST HC_PORT_PRINT8BIT
#define HC_PORT_LAST  HC_PORT_GVATOHVA

struct hypercall {
	const char *name;
	bool is_out;
	uint8_t size;
	/* arg: the data of an `out`; the return value: the data of an `in`. */
	uint32_t (*serve)(struct hc_host *hc, uint32_t arg);
};

/* One line on err about the hypercall being served. */
static void violation(struct hc_host *hc, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void violation(struct hc_host *hc, const char *fmt, ...)
{
	va_list ap;

	fprintf(hc->err, "simple-kvm: %s: ", hc->serving);
	va_start(ap, fmt);
	vfprintf(hc->err, fmt, ap);
	va_end(ap);
	fputc('\n', hc->err);
}

static uint32_t serve_print8bit(struct hc_host *hc, uint32_t arg)
{
	putc((int)(arg & 0xff), hc->out);
	return 0;
}

static uint32_t serve_print32bit(struct hc_host *hc, uint32_t arg)
{
	fprintf(hc->out, "%" PRIu32 "\n", arg);
	return 0;
}

static uint32_t serve_num_exits(struct hc_host *hc, uint32_t arg)
{
	(void)arg;
	return (uint32_t)hc->exits;
}

static uint32_t serve_print_str(struct hc_host *hc, uint32_t gva)
{
	size_t len;
	enum gm_status status = gva_read_str(&hc->mem, gva, hc->str_buf,
					     HC_PRINTSTR_MAX, &len);

	if (status != GM_OK)
		violation(hc, "string at GVA 0x%" PRIx32 ": %s", gva,
			  gm_status_text(status));
	else
		fwrite(hc->str_buf, 1, len, hc->out);
	return 0;
}

/* Real mode addresses up to 0xFFFF * 16 + 0xFFFF: the result area too. */
#define REAL_MODE_END 0x10FFF0
_Static_assert(HV_RESULT_AREA + HV_RESULT_SLOTS * HV_RESULT_SLOT_SIZE <=
	       REAL_MODE_END, "a real-mode guest must reach every result");

/*
 * The result area is identity-mapped by the hypervisor's page tables, so a
 * slot's guest physical address is also the guest virtual one returned.
 */
static uint32_t serve_num_exits_by_type(struct hc_host *hc, uint32_t arg)
{
	uint32_t slot = hc->results_made++ % HV_RESULT_SLOTS;
	uint32_t gpa = HV_RESULT_AREA + slot * HV_RESULT_SLOT_SIZE;
	char *result = gpa_ptr(&hc->mem, gpa, HV_RESULT_SLOT_SIZE);

	(void)arg;
	if (!result) {
		violation(hc, "result area outside guest RAM");
		return 0;
	}
	snprintf(result, HV_RESULT_SLOT_SIZE, "IO in: %" PRIu64 "\nIO out: %" PRIu64 "\n",
		 hc->io_in, hc->io_out);
	return gpa;
}

/* The host address of a guest physical one; 0 when it does not fit 32 bits. */
static uint32_t host_address32(const struct guest_mem *mem, uint64_t gpa)
{
	uintptr_t hva = (uintptr_t)gpa_ptr(mem, gpa, 1);

	return hva <= UINT32_MAX ? (uint32_t)hva : 0;
}

static uint32_t serve_gva_to_hva(struct hc_host *hc, uint32_t arg_gva)
{
	struct hc_gva_to_hva arg;
	enum gm_status status = gva_read(&hc->mem, arg_gva, &arg, sizeof(arg));
	struct guest_mem asked = hc->mem;
	uint64_t gpa;

	if (status != GM_OK) {
		violation(hc, "argument at GVA 0x%" PRIx32 ": %s",
			  arg_gva, gm_status_text(status));
		return 0;
	}
	arg.hva = 0;
	asked.translate = hc->gva_to_hva_translate;
	if (gva_to_gpa(&asked, arg.gva, &gpa) == GM_OK)
		arg.hva = host_address32(&hc->mem, gpa);
	if (arg.hva == 0)
		fputs("Invalid GVA\n", hc->out);
	/* Cannot fail: the read above walked the same range, unchanged since. */
	(void)gva_write(&hc->mem, arg_gva, &arg, sizeof(arg));
	return 0;
}

static const struct hypercall hypercalls[] = {
	[HC_PORT_PRINT8BIT - HC_PORT_FIRST] =
		{ "HC_print8bit", true, 1, serve_print8bit },
	[HC_PORT_PRINT32BIT - HC_PORT_FIRST] =
		{ "HC_print32bit", true, 4, serve_print32bit },
	[HC_PORT_NUMEXITS - HC_PORT_FIRST] =
		{ "HC_numExits", false, 4, serve_num_exits },
	[HC_PORT_PRINTSTR - HC_PORT_FIRST] =
		{ "HC_printStr", true, 4, serve_print_str },
	[HC_PORT_NUMEXITSBYTYPE - HC_PORT_FIRST] =
		{ "HC_numExitsByType", false, 4, serve_num_exits_by_type },
	[HC_PORT_GVATOHVA - HC_PORT_FIRST] =
		{ "HC_gvaToHva", true, 4, serve_gva_to_hva },
};

static const struct hypercall *hypercall_at(uint16_t port)
{
	if (port < HC_PORT_FIRST || port > HC_PORT_LAST)
		return NULL;
	return &hypercalls[port - HC_PORT_FIRST];
}

/* "outb", "inl": how the ABI and the messages name an I/O instruction. */
static const char *insn_name(bool is_out, uint8_t size)
{
	static const char *const names[2][5] = {
		{ "in?", "inb", "inw", "in?", "inl" },
		{ "out?", "outb", "outw", "out?", "outl" },
	};

	return names[is_out][size <= 4 ? size : 0];
}

static void unknown_port(struct hc_host *hc, const struct hc_io *io)
{
	uint8_t bit = (uint8_t)(1u << (io->port % 8));

	if (!(hc->port_warned[io->port / 8] & bit)) {
		hc->port_warned[io->port / 8] |= bit;
		fprintf(hc->err, "simple-kvm: port 0x%x: no hypercall here; "
			"reads give all ones, writes are ignored\n", io->port);
	}
	if (!io->is_out)
		memset(io->data, 0xff, (size_t)io->size * io->count);
}

static bool fits_abi(struct hc_host *hc, const struct hypercall *call,
		     const struct hc_io *io)
{
	const char *expected = insn_name(call->is_out, call->size);

	if (io->is_out != call->is_out || io->size != call->size) {
		violation(hc, "%s on port 0x%x, the ABI says %s",
			  insn_name(io->is_out, io->size), io->port, expected);
		return false;
	}
	if (io->count != 1) {
		violation(hc, "rep %s (count %" PRIu32 ") on port "
			  "0x%x, the ABI says one %s", expected, io->count,
			  io->port, expected);
		return false;
	}
	return true;
}

/*
 * Keeps the reason of the first write to out that failed: stdio sets the
 * error flag, and errno still holds the write's error (ENOSPC, EPIPE) here,
 * right after the call that printed.
 */
static void note_output_error(struct hc_host *hc)
{
	if (!hc->out_errno && ferror(hc->out))
		hc->out_errno = errno ? errno : EIO;
}

void hc_handle_io(struct hc_host *hc, const struct hc_io *io)
{
	const struct hypercall *call = hypercall_at(io->port);
	uint32_t value = 0;

	if (io->is_out)
		hc->io_out++;
	else
		hc->io_in++;

	if (!call) {
		unknown_port(hc, io);
		return;
	}
	hc->serving = call->name;
	if (!fits_abi(hc, call, io)) {
		if (!io->is_out)
			memset(io->data, 0, (size_t)io->size * io->count);
		return;
	}
	if (io->is_out) {
		memcpy(&value, io->data, io->size);
		call->serve(hc, value);
		note_output_error(hc);
	} else {
		value = call->serve(hc, 0);
		memcpy(io->data, &value, io->size);
	}
}

bool hc_host_init(struct hc_host *hc, const struct guest_mem *mem,
		  translate_fn gva_to_hva_translate, FILE *out, FILE *err)
{
	memset(hc, 0, sizeof(*hc));
	hc->mem = *mem;
	hc->gva_to_hva_translate = gva_to_hva_translate;
	hc->out = out;
	hc->err = err;
	hc->str_buf = malloc(HC_PRINTSTR_MAX);
	return hc->str_buf != NULL;
}

void hc_host_free(struct hc_host *hc)
{
	free(hc->str_buf);
	hc->str_buf = NULL;
}
