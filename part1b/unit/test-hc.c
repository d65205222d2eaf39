/*
 * Unit tests of the host side of hypercall ABI v1 (hc_host.c) and of the
 * checked guest memory view under it (guest_mem.c), with no KVM: guest
 * RAM is plain host memory below 4 GiB (as simple-kvm maps it), KVM_RUN's
 * exits are struct hc_io values handed to hc_handle_io(), and soft_mmu.c
 * walks the page tables where KVM_TRANSLATE would.
 *
 * Each case asserts the exact bytes the guest's calls put on stdout and
 * stderr, and for every violation of the ABI: exactly one stderr line, no
 * effect (stdout, guest RAM, the data of an `in`), and a guest that can
 * still make a legitimate call afterwards.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "check.h"
#include "hc_host.h"
#include "hypercall.h"
#include "pt_build.h"
#include "soft_mmu.h"

#define KIB (UINT64_C(1) << 10)
#define MIB (UINT64_C(1) << 20)

/* Where paged cases map their own 4 KiB pages: above the identity map. */
#define LONG_EXTRA_GVA    UINT64_C(0x40000000)
#define PAGING32_EXTRA_GVA UINT64_C(0x800000)

/* What the data of an `in` holds before the hypervisor fills it. */
#define UNTOUCHED_BYTE 0xa5

/* The guest of one case: its RAM, its MMU, and the host serving it. */
struct fixture {
	uint8_t *ram;
	uint64_t ram_size;
	struct soft_mmu mmu;
	struct pt_builder pt;      /* the tables of a paged case */
	struct hc_host hc;
	FILE *out, *err;           /* hc's stdout and stderr, in memory */
	char *out_text, *err_text;
	size_t out_len, err_len;
	uint8_t *ram_before;       /* snapshot for "no effect" checks */
};

static struct fixture fx;

/* ---- the fixture ---- */

static void open_streams(void)
{
	fx.out = open_memstream(&fx.out_text, &fx.out_len);
	fx.err = open_memstream(&fx.err_text, &fx.err_len);
	if (!fx.out || !fx.err)
		abort();
	fx.hc.out = fx.out;
	fx.hc.err = fx.err;
}

static void close_streams(void)
{
	fclose(fx.out);
	fclose(fx.err);
	free(fx.out_text);
	free(fx.err_text);
}

/*
 * MAP_32BIT, as simple-kvm does: host addresses of guest RAM fit in the
 * 32 bits HC_gvaToHva returns.
 */
static void setup_ram(uint64_t ram_size)
{
	memset(&fx, 0, sizeof(fx));
	fx.ram_size = ram_size;
	fx.ram = mmap(NULL, ram_size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	fx.ram_before = malloc(ram_size);
	if (fx.ram == MAP_FAILED || !fx.ram_before)
		abort();
}

static void setup_host(void)
{
	struct guest_mem mem = {
		.ram = fx.ram, .ram_size = fx.ram_size,
		.translate = soft_mmu_translate, .translate_ctx = &fx.mmu,
	};

	if (!hc_host_init(&fx.hc, &mem, mem.translate, NULL, NULL))
		abort();
	open_streams();
}

/* Paging off: guest virtual addresses are guest physical ones. */
static void setup_flat(uint64_t ram_size)
{
	setup_ram(ram_size);
	soft_mmu_init(&fx.mmu, fx.ram, fx.ram_size, SOFT_MMU_IDENTITY, 0);
	setup_host();
}

/*
 * simple-kvm's page tables: all of RAM mapped at the same virtual
 * addresses with large pages (2 MiB in long mode, 4 MiB in 32-bit
 * paging), in the hypervisor area. Cases add 4 KiB pages of their own.
 */
static void setup_paged(enum soft_mmu_mode mode)
{
	uint64_t page = mode == SOFT_MMU_LONG ? PT_PAGE_2M : PT_PAGE_4M;
	uint64_t mapped = (GUEST_RAM_DEFAULT + page - 1) / page * page;

	setup_ram(GUEST_RAM_DEFAULT);
	if (!pt_init(&fx.pt, fx.ram, fx.ram_size, mode, HV_PAGE_TABLES,
		     HV_PAGE_TABLES_END) ||
	    !pt_map_identity(&fx.pt, 0, mapped, page))
		abort();
	soft_mmu_init(&fx.mmu, fx.ram, fx.ram_size, mode, fx.pt.cr3);
	setup_host();
}

static void teardown(void)
{
	hc_host_free(&fx.hc);
	close_streams();
	munmap(fx.ram, fx.ram_size);
	free(fx.ram_before);
}

/* A 4 KiB page of the paged case at gva, backed by guest physical gpa. */
static void map_page(uint64_t gva, uint64_t gpa)
{
	if (!pt_map(&fx.pt, gva, gpa, PT_PAGE_4K))
		abort();
}

static uint64_t extra_gva(void)
{
	return fx.mmu.mode == SOFT_MMU_LONG ? LONG_EXTRA_GVA : PAGING32_EXTRA_GVA;
}

/* ---- the guest's side: exits as KVM_RUN would return them ---- */

/* One KVM_EXIT_IO, served as the run loop does: count the exit, serve. */
static void exit_io(uint16_t port, bool is_out, uint8_t size, uint32_t count,
		    uint8_t *data)
{
	struct hc_io io = {
		.port = port, .is_out = is_out, .size = size, .count = count,
		.data = data,
	};

	hc_count_exit(&fx.hc);
	hc_handle_io(&fx.hc, &io);
}

/* Any other exit (KVM_EXIT_INTR, say): it counts, nothing is served. */
static void exit_other(void)
{
	hc_count_exit(&fx.hc);
}

static void exit_out(uint16_t port, uint8_t size, uint32_t value)
{
	uint8_t data[4];

	memcpy(data, &value, sizeof(data));
	exit_io(port, true, size, 1, data);
}

static uint32_t exit_in(uint16_t port, uint8_t size)
{
	uint8_t data[4];
	uint32_t value = 0;

	memset(data, UNTOUCHED_BYTE, sizeof(data));
	exit_io(port, false, size, 1, data);
	memcpy(&value, data, size <= 4 ? size : 4);
	return value;
}

static void put_bytes(uint64_t gpa, const void *bytes, size_t len)
{
	memcpy(fx.ram + gpa, bytes, len);
}

static void put_str(uint64_t gpa, const char *s)
{
	put_bytes(gpa, s, strlen(s) + 1);
}

static void put_arg(uint64_t gpa, uint32_t gva, uint32_t hva)
{
	struct hc_gva_to_hva arg = { .gva = gva, .hva = hva };

	put_bytes(gpa, &arg, sizeof(arg));
}

static struct hc_gva_to_hva get_arg(uint64_t gpa)
{
	struct hc_gva_to_hva arg;

	memcpy(&arg, fx.ram + gpa, sizeof(arg));
	return arg;
}

static uint32_t hva_of(uint64_t gpa)
{
	return (uint32_t)(uintptr_t)(fx.ram + gpa);
}

/* ---- expectations ---- */

/* What stdout and stderr got since the last call; then starts afresh. */
static void expect_output_bytes(const void *out, size_t out_len,
				const char *err)
{
	fflush(fx.out);
	fflush(fx.err);
	CHECK_BYTES("stdout", fx.out_text, fx.out_len, out, out_len);
	CHECK_TEXT("stderr", fx.err_text, fx.err_len, err);
	close_streams();
	open_streams();
}

static void expect_output(const char *out, const char *err)
{
	expect_output_bytes(out, strlen(out), err);
}

static void snapshot_ram(void)
{
	memcpy(fx.ram_before, fx.ram, fx.ram_size);
}

static void expect_ram_unchanged(void)
{
	for (uint64_t i = 0; i < fx.ram_size; i++)
		if (fx.ram[i] != fx.ram_before[i]) {
			CHECK(false, "guest RAM changed at 0x%" PRIx64, i);
			return;
		}
}

/* After a violation the guest goes on: a legitimate call still works. */
static void expect_guest_continues(void)
{
	uint32_t before = exit_in(HC_PORT_NUMEXITS, 4);

	exit_out(HC_PORT_PRINT8BIT, 1, '!');
	/* numExits, print8bit, numExits: 2 exits later than the first. */
	exit_out(HC_PORT_PRINT32BIT, 4, exit_in(HC_PORT_NUMEXITS, 4) - before);
	expect_output("!2\n", "");
}

static void expect_data_filled(const uint8_t *data, size_t len, uint8_t byte,
			       const char *what)
{
	for (size_t i = 0; i < len; i++)
		if (data[i] != byte) {
			CHECK(false, "%s: data byte %zu is 0x%02x, expected "
			      "0x%02x", what, i, data[i], byte);
			return;
		}
}

/* ---- each hypercall's effect ---- */

static void print8bit_writes_the_byte_as_is(void)
{
	static const uint8_t bytes[] = { 'H', 'i', 0, 0xff, '\n', 0x80 };

	setup_flat(GUEST_RAM_DEFAULT);
	for (size_t i = 0; i < sizeof(bytes); i++)
		exit_out(HC_PORT_PRINT8BIT, 1, bytes[i]);
	expect_output_bytes(bytes, sizeof(bytes), "");
	teardown();
}

static void print32bit_prints_decimal_and_one_newline(void)
{
	static const uint32_t values[] = { 0, 7, 2048, 2147483648u, 4294967295u };

	setup_flat(GUEST_RAM_DEFAULT);
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++)
		exit_out(HC_PORT_PRINT32BIT, 4, values[i]);
	expect_output("0\n7\n2048\n2147483648\n4294967295\n", "");
	teardown();
}

/* Every exit counts, I/O or not, and the count includes this call's. */
static void num_exits_counts_every_exit_and_this_one(void)
{
	uint32_t first, second;

	setup_flat(GUEST_RAM_DEFAULT);
	first = exit_in(HC_PORT_NUMEXITS, 4);
	exit_other();
	exit_other();
	exit_out(HC_PORT_PRINT8BIT, 1, 'x');
	second = exit_in(HC_PORT_NUMEXITS, 4);
	CHECK(first == 1, "first numExits returned %" PRIu32 ", expected 1", first);
	CHECK(second == 5, "second numExits returned %" PRIu32 ", expected 5",
	      second);
	expect_output("x", "");
	teardown();
}

/* The result string at gva; a note instead when gva is not in a slot of
 * the result area (a wrong answer must fail the case, not crash it). */
static bool in_result_area(uint32_t gva)
{
	return gva >= HV_RESULT_AREA &&
	       gva <= HV_RESULT_AREA + (HV_RESULT_SLOTS - 1) * HV_RESULT_SLOT_SIZE &&
	       gva + HV_RESULT_SLOT_SIZE <= fx.ram_size;
}

static const char *result_at(uint32_t gva)
{
	return in_result_area(gva) ? (const char *)fx.ram + gva :
	       "(not in the result area)";
}

static size_t result_len(uint32_t gva)
{
	return strnlen(result_at(gva), HV_RESULT_SLOT_SIZE);
}

/* KVM_EXIT_IO exits by direction, this call included; others not. */
static void num_exits_by_type_counts_io_by_direction(void)
{
	uint32_t result;

	setup_flat(GUEST_RAM_DEFAULT);
	exit_out(HC_PORT_PRINT8BIT, 1, 'a');
	exit_out(HC_PORT_PRINT8BIT, 1, 'b');
	exit_out(HC_PORT_PRINT32BIT, 4, 1);
	exit_in(HC_PORT_NUMEXITS, 4);
	exit_other();
	result = exit_in(HC_PORT_NUMEXITSBYTYPE, 4);
	CHECK(result == HV_RESULT_AREA, "result at 0x%" PRIx32 ", expected "
	      "the result area 0x%x", result, HV_RESULT_AREA);
	CHECK_TEXT("result", result_at(result), result_len(result),
		   "IO in: 2\nIO out: 3\n");
	expect_output("ab1\n", "");
	teardown();
}

/* Refused calls and unknown ports are KVM_EXIT_IO exits too. */
static void num_exits_by_type_counts_refused_and_unknown_io(void)
{
	uint32_t result;

	setup_flat(GUEST_RAM_DEFAULT);
	exit_out(HC_PORT_PRINT32BIT, 1, 1);     /* wrong size */
	exit_in(HC_PORT_PRINTSTR, 4);           /* wrong direction */
	exit_in(0x60, 1);                       /* no hypercall there */
	result = exit_in(HC_PORT_NUMEXITSBYTYPE, 4);
	CHECK_TEXT("result", result_at(result), result_len(result),
		   "IO in: 3\nIO out: 1\n");
	teardown();
}

#define RESULTS_KEPT HV_RESULT_SLOTS

struct taken_result {
	uint32_t gva;
	char text[HV_RESULT_SLOT_SIZE];
};

/* Takes a result after i + 1 more outs; remembers what it said. */
static void take_result(struct taken_result *taken, unsigned i)
{
	size_t len;

	for (unsigned j = 0; j <= i; j++)
		exit_out(HC_PORT_PRINT8BIT, 1, '.');
	taken->gva = exit_in(HC_PORT_NUMEXITSBYTYPE, 4);
	CHECK(in_result_area(taken->gva), "result %u at 0x%" PRIx32 ", not in "
	      "the result area", i, taken->gva);
	len = result_len(taken->gva);
	CHECK(len < HV_RESULT_SLOT_SIZE, "result %u is not terminated", i);
	if (len == HV_RESULT_SLOT_SIZE)
		len--;
	memcpy(taken->text, result_at(taken->gva), len);
	taken->text[len] = '\0';
}

static void expect_results_kept(const struct taken_result *taken,
				unsigned count)
{
	for (unsigned i = 0; i < count; i++) {
		const char *now = result_at(taken[i].gva);

		CHECK_TEXT("an earlier result", now, result_len(taken[i].gva),
			   taken[i].text);
		for (unsigned j = 0; j < i; j++)
			CHECK(taken[i].gva != taken[j].gva, "results %u and %u "
			      "share address 0x%" PRIx32, j, i, taken[i].gva);
	}
}

/* The last 16 results stay valid, each with the counts of its moment. */
static void num_exits_by_type_keeps_the_last_16_results(void)
{
	struct taken_result taken[RESULTS_KEPT];
	char first[HV_RESULT_SLOT_SIZE];

	setup_flat(GUEST_RAM_DEFAULT);
	for (unsigned i = 0; i < RESULTS_KEPT; i++)
		take_result(&taken[i], i);
	expect_results_kept(taken, RESULTS_KEPT);
	snprintf(first, sizeof(first), "IO in: 1\nIO out: 1\n");
	CHECK_TEXT("the first result", taken[0].text, strlen(taken[0].text), first);
	/* Ring wrapped around more than once: the latest 16 still hold. */
	for (unsigned round = 0; round < 3; round++)
		for (unsigned i = 0; i < RESULTS_KEPT; i++)
			take_result(&taken[(i + 5) % RESULTS_KEPT], i);
	expect_results_kept(taken, RESULTS_KEPT);
	teardown();
}

/* RAM too small for the result area: refused, returns 0. */
static void num_exits_by_type_without_result_area(void)
{
	uint32_t result;

	setup_flat(1 * MIB);
	snapshot_ram();
	result = exit_in(HC_PORT_NUMEXITSBYTYPE, 4);
	CHECK(result == 0, "returned 0x%" PRIx32 ", expected 0", result);
	expect_output("", "simple-kvm: HC_numExitsByType: result area outside "
		      "guest RAM\n");
	expect_ram_unchanged();
	expect_guest_continues();
	teardown();
}

static void gva_to_hva_returns_the_host_address(void)
{
	enum soft_mmu_mode modes[] = { SOFT_MMU_LONG, SOFT_MMU_PAGING32 };
	struct hc_gva_to_hva arg;

	setup_flat(GUEST_RAM_DEFAULT);
	CHECK((uintptr_t)fx.ram + fx.ram_size <= UINT32_MAX,
	      "guest RAM is not below 4 GiB");
	put_arg(0x3000, 1024, 0xdeadbeef);
	exit_out(HC_PORT_GVATOHVA, 4, 0x3000);
	arg = get_arg(0x3000);
	CHECK(arg.gva == 1024 && arg.hva == hva_of(1024), "flat: {0x%" PRIx32
	      ", 0x%" PRIx32 "}, expected {0x400, 0x%" PRIx32 "}", arg.gva,
	      arg.hva, hva_of(1024));
	put_arg(0x3000, GUEST_RAM_DEFAULT - 1, 0);
	exit_out(HC_PORT_GVATOHVA, 4, 0x3000);
	CHECK(get_arg(0x3000).hva == hva_of(GUEST_RAM_DEFAULT - 1),
	      "flat: the last byte of RAM");
	expect_output("", "");
	teardown();

	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		setup_paged(modes[i]);
		map_page(extra_gva(), 0x5000);
		put_arg(0x3000, (uint32_t)extra_gva() + 0x123, 0);
		exit_out(HC_PORT_GVATOHVA, 4, 0x3000);
		arg = get_arg(0x3000);
		CHECK(arg.hva == hva_of(0x5123), "%s: hva 0x%" PRIx32 ", "
		      "expected 0x%" PRIx32, soft_mmu_mode_name(modes[i]),
		      arg.hva, hva_of(0x5123));
		expect_output("", "");
		teardown();
	}
}

/* Not mapped, or mapped outside RAM: "Invalid GVA" and hva 0. */
static void gva_to_hva_of_an_invalid_gva(void)
{
	static const uint32_t flat_invalid[] = {
		GUEST_RAM_DEFAULT, 0x7fffffff, 0xffffffff,
	};

	setup_flat(GUEST_RAM_DEFAULT);
	for (size_t i = 0; i < sizeof(flat_invalid) / sizeof(flat_invalid[0]); i++) {
		put_arg(0x3000, flat_invalid[i], 0x12345678);
		exit_out(HC_PORT_GVATOHVA, 4, 0x3000);
		CHECK(get_arg(0x3000).hva == 0 &&
		      get_arg(0x3000).gva == flat_invalid[i],
		      "GVA 0x%" PRIx32 ": hva 0x%" PRIx32 ", expected 0",
		      flat_invalid[i], get_arg(0x3000).hva);
		expect_output("Invalid GVA\n", "");
	}
	teardown();

	setup_paged(SOFT_MMU_LONG);
	map_page(LONG_EXTRA_GVA, 64 * MIB);     /* a frame beyond RAM */
	put_arg(0x3000, (uint32_t)LONG_EXTRA_GVA, 1);
	exit_out(HC_PORT_GVATOHVA, 4, 0x3000);
	CHECK(get_arg(0x3000).hva == 0, "mapped outside RAM: hva not 0");
	put_arg(0x3000, (uint32_t)LONG_EXTRA_GVA + 0x1000, 1);
	exit_out(HC_PORT_GVATOHVA, 4, 0x3000);
	CHECK(get_arg(0x3000).hva == 0, "not mapped: hva not 0");
	expect_output("Invalid GVA\nInvalid GVA\n", "");
	teardown();
}

static void print_str_prints_exactly_the_string(void)
{
	setup_flat(GUEST_RAM_DEFAULT);
	put_str(0x2000, "CS695 Assignment 2\n");
	put_str(0x2100, "");
	put_str(0x2200, "no newline");
	exit_out(HC_PORT_PRINTSTR, 4, 0x2000);
	exit_out(HC_PORT_PRINTSTR, 4, 0x2100);
	exit_out(HC_PORT_PRINTSTR, 4, 0x2200);
	expect_output("CS695 Assignment 2\nno newline", "");
	teardown();
}

/*
 * Two virtual pages in a row backed by physical pages in reverse order,
 * not adjacent: the string must be read page by page through the tables.
 * The physical page after the first one holds a decoy.
 */
static void print_str_across_pages_on_nonadjacent_frames(void)
{
	enum soft_mmu_mode modes[] = { SOFT_MMU_LONG, SOFT_MMU_PAGING32 };

	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		uint32_t gva;

		setup_paged(modes[i]);
		gva = (uint32_t)extra_gva() + 0x1000 - 9;
		map_page(extra_gva(), 0x9000);
		map_page(extra_gva() + 0x1000, 0x5000);
		put_bytes(0x9000 + 0x1000 - 9, "page one|", 9);
		put_str(0xa000, "DECOY: physically next\n");
		put_str(0x5000, "page two\n");
		exit_out(HC_PORT_PRINTSTR, 4, gva);
		expect_output("page one|page two\n", "");
		teardown();
	}
}

/* Fills RAM from gpa with len printable bytes that vary; NUL after. */
static void put_long_string(uint64_t gpa, size_t len)
{
	for (size_t i = 0; i < len; i++)
		fx.ram[gpa + i] = (uint8_t)('a' + i % 26);
	fx.ram[gpa + len] = '\0';
}

/* The longest string allowed: 1 MiB with its NUL. One exit prints it. */
static void print_str_of_1mib_minus_1_bytes(void)
{
	size_t len = HC_PRINTSTR_MAX - 1;
	uint32_t before, after;

	setup_flat(GUEST_RAM_DEFAULT);
	put_long_string(0x1000, len);
	before = exit_in(HC_PORT_NUMEXITS, 4);
	exit_out(HC_PORT_PRINTSTR, 4, 0x1000);
	after = exit_in(HC_PORT_NUMEXITS, 4);
	CHECK(after - before == 2, "numExits went from %" PRIu32 " to %" PRIu32
	      ", expected a difference of 2", before, after);
	expect_output_bytes(fx.ram + 0x1000, len, "");
	teardown();
}

static void print_str_without_nul_in_1mib_is_refused(void)
{
	setup_flat(GUEST_RAM_DEFAULT);
	put_long_string(0x1000, HC_PRINTSTR_MAX);
	snapshot_ram();
	exit_out(HC_PORT_PRINTSTR, 4, 0x1000);
	expect_output("", "simple-kvm: HC_printStr: string at GVA 0x1000: no NUL "
		      "within guest RAM and 1 MiB\n");
	expect_ram_unchanged();
	expect_guest_continues();
	teardown();
}

/* ---- violations: one stderr line each, no effect, the guest goes on ---- */

/* One refused out whose argument is a guest address. */
static void expect_refused_out(uint16_t port, uint32_t gva, const char *line)
{
	snapshot_ram();
	exit_out(port, 4, gva);
	expect_output("", line);
	expect_ram_unchanged();
	expect_guest_continues();
}

static void print_str_outside_ram(void)
{
	setup_flat(GUEST_RAM_DEFAULT);
	expect_refused_out(HC_PORT_PRINTSTR, GUEST_RAM_DEFAULT,
			   "simple-kvm: HC_printStr: string at GVA 0x200000: "
			   "outside guest RAM\n");
	expect_refused_out(HC_PORT_PRINTSTR, 0xffffffff,
			   "simple-kvm: HC_printStr: string at GVA 0xffffffff: "
			   "outside guest RAM\n");
	teardown();
}

/* Bytes up to the last byte of RAM, no NUL: refused, nothing printed. */
static void print_str_unterminated_before_ram_end(void)
{
	setup_flat(GUEST_RAM_DEFAULT);
	memset(fx.ram + GUEST_RAM_DEFAULT - 0x20, 'z', 0x20);
	expect_refused_out(HC_PORT_PRINTSTR, GUEST_RAM_DEFAULT - 0x20,
			   "simple-kvm: HC_printStr: string at GVA 0x1fffe0: no "
			   "NUL within guest RAM and 1 MiB\n");
	teardown();
}

/*
 * The top virtual page mapped and full: the string would wrap at 4 GiB.
 * In long mode the page at 4 GiB is mapped too, and starts with a NUL:
 * only the 32-bit address space of the ABI can refuse the string.
 */
static void print_str_wrapping_at_4gib(void)
{
	enum soft_mmu_mode modes[] = { SOFT_MMU_LONG, SOFT_MMU_PAGING32 };

	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		setup_paged(modes[i]);
		map_page(0xfffff000, 0x6000);
		memset(fx.ram + 0x6000, 'w', 0x1000);
		if (modes[i] == SOFT_MMU_LONG)
			map_page(GVA_SPACE_END, 0x7000);
		expect_refused_out(HC_PORT_PRINTSTR, 0xfffffff0,
				   "simple-kvm: HC_printStr: string at GVA "
				   "0xfffffff0: address + length wraps around\n");
		teardown();
	}
}

static void print_str_not_mapped(void)
{
	setup_paged(SOFT_MMU_LONG);
	expect_refused_out(HC_PORT_PRINTSTR, 0x50000000,
			   "simple-kvm: HC_printStr: string at GVA 0x50000000: "
			   "not mapped\n");
	/* Starts on a mapped page, runs into an unmapped one: the mapping
	 * ended before a NUL. */
	map_page(LONG_EXTRA_GVA, 0x6000);
	memset(fx.ram + 0x6000, 'm', 0x1000);
	expect_refused_out(HC_PORT_PRINTSTR, (uint32_t)LONG_EXTRA_GVA + 0xff0,
			   "simple-kvm: HC_printStr: string at GVA 0x40000ff0: "
			   "no NUL within guest RAM and 1 MiB\n");
	teardown();
}

/* A string whose second page is mapped to a frame beyond RAM. */
static void print_str_running_into_a_frame_outside_ram(void)
{
	setup_paged(SOFT_MMU_LONG);
	map_page(LONG_EXTRA_GVA, 0x6000);
	map_page(LONG_EXTRA_GVA + 0x1000, 64 * MIB);
	memset(fx.ram + 0x6000, 'o', 0x1000);
	expect_refused_out(HC_PORT_PRINTSTR, (uint32_t)LONG_EXTRA_GVA + 0xff0,
			   "simple-kvm: HC_printStr: string at GVA 0x40000ff0: "
			   "no NUL within guest RAM and 1 MiB\n");
	teardown();
}

static void gva_to_hva_argument_outside_ram(void)
{
	setup_flat(GUEST_RAM_DEFAULT);
	expect_refused_out(HC_PORT_GVATOHVA, GUEST_RAM_DEFAULT,
			   "simple-kvm: HC_gvaToHva: argument at GVA 0x200000: "
			   "outside guest RAM\n");
	expect_refused_out(HC_PORT_GVATOHVA, 0xfffffff8,
			   "simple-kvm: HC_gvaToHva: argument at GVA 0xfffffff8: "
			   "outside guest RAM\n");
	teardown();
}

/* The 8-byte struct with its first 4 bytes in RAM: nothing is written. */
static void gva_to_hva_argument_straddling_ram_end(void)
{
	setup_flat(GUEST_RAM_DEFAULT);
	put_bytes(GUEST_RAM_DEFAULT - 4, "\x00\x04\x00\x00", 4); /* gva 1024 */
	expect_refused_out(HC_PORT_GVATOHVA, GUEST_RAM_DEFAULT - 4,
			   "simple-kvm: HC_gvaToHva: argument at GVA 0x1ffffc: "
			   "outside guest RAM\n");
	teardown();
}

/* As for printStr: the page at 4 GiB is mapped, the struct still wraps,
 * by 4 bytes and by 1. */
static void gva_to_hva_argument_wrapping_at_4gib(void)
{
	setup_paged(SOFT_MMU_LONG);
	map_page(0xfffff000, 0x6000);
	map_page(GVA_SPACE_END, 0x7000);
	expect_refused_out(HC_PORT_GVATOHVA, 0xfffffffc,
			   "simple-kvm: HC_gvaToHva: argument at GVA 0xfffffffc: "
			   "address + length wraps around\n");
	expect_refused_out(HC_PORT_GVATOHVA, 0xfffffff9,
			   "simple-kvm: HC_gvaToHva: argument at GVA 0xfffffff9: "
			   "address + length wraps around\n");
	teardown();
}

/* Straddling into an unmapped page: no half-written struct. */
static void gva_to_hva_argument_not_mapped(void)
{
	setup_paged(SOFT_MMU_PAGING32);
	expect_refused_out(HC_PORT_GVATOHVA, 0x50000000,
			   "simple-kvm: HC_gvaToHva: argument at GVA 0x50000000: "
			   "not mapped\n");
	map_page(PAGING32_EXTRA_GVA, 0x6000);
	put_arg(0x6ffc, 1024, 0);
	expect_refused_out(HC_PORT_GVATOHVA, (uint32_t)PAGING32_EXTRA_GVA + 0xffc,
			   "simple-kvm: HC_gvaToHva: argument at GVA 0x800ffc: "
			   "not mapped\n");
	teardown();
}

/* An I/O exit that breaks the ABI's instruction, and its one line. */
struct bad_io {
	uint16_t port;
	bool is_out;
	uint8_t size;
	uint32_t count;
	const char *line;
};

/* Each is refused with its line; an `in` gets zeros, RAM stays as is. */
static void expect_bad_io_refused(const struct bad_io *bad, size_t n)
{
	setup_flat(GUEST_RAM_DEFAULT);
	put_str(0x10, "should not print");
	put_arg(0x20, 0x10, 0);
	for (size_t i = 0; i < n; i++) {
		uint8_t data[64];
		uint32_t value = bad[i].port == HC_PORT_PRINT8BIT ? 'X' :
				 bad[i].port == HC_PORT_PRINT32BIT ? 77 :
				 bad[i].port == HC_PORT_GVATOHVA ? 0x20 : 0x10;

		memset(data, UNTOUCHED_BYTE, sizeof(data));
		memcpy(data, &value, sizeof(value));
		snapshot_ram();
		exit_io(bad[i].port, bad[i].is_out, bad[i].size, bad[i].count,
			data);
		if (!bad[i].is_out)
			expect_data_filled(data, (size_t)bad[i].size * bad[i].count,
					   0, bad[i].line);
		expect_output("", bad[i].line);
		expect_ram_unchanged();
		expect_guest_continues();
	}
	teardown();
}

static void wrong_size_is_refused(void)
{
	static const struct bad_io bad[] = {
		{ 0xe9, true, 2, 1, "simple-kvm: HC_print8bit: outw on port 0xe9, "
		  "the ABI says outb\n" },
		{ 0xe9, true, 4, 1, "simple-kvm: HC_print8bit: outl on port 0xe9, "
		  "the ABI says outb\n" },
		{ 0xea, true, 1, 1, "simple-kvm: HC_print32bit: outb on port 0xea, "
		  "the ABI says outl\n" },
		{ 0xeb, false, 1, 1, "simple-kvm: HC_numExits: inb on port 0xeb, "
		  "the ABI says inl\n" },
		{ 0xec, true, 2, 1, "simple-kvm: HC_printStr: outw on port 0xec, "
		  "the ABI says outl\n" },
		{ 0xed, false, 2, 1, "simple-kvm: HC_numExitsByType: inw on port "
		  "0xed, the ABI says inl\n" },
		{ 0xee, true, 1, 1, "simple-kvm: HC_gvaToHva: outb on port 0xee, "
		  "the ABI says outl\n" },
	};

	expect_bad_io_refused(bad, sizeof(bad) / sizeof(bad[0]));
}

static void wrong_direction_is_refused(void)
{
	static const struct bad_io bad[] = {
		{ 0xe9, false, 1, 1, "simple-kvm: HC_print8bit: inb on port 0xe9, "
		  "the ABI says outb\n" },
		{ 0xea, false, 4, 1, "simple-kvm: HC_print32bit: inl on port 0xea, "
		  "the ABI says outl\n" },
		{ 0xeb, true, 4, 1, "simple-kvm: HC_numExits: outl on port 0xeb, "
		  "the ABI says inl\n" },
		{ 0xec, false, 4, 1, "simple-kvm: HC_printStr: inl on port 0xec, "
		  "the ABI says outl\n" },
		{ 0xed, true, 4, 1, "simple-kvm: HC_numExitsByType: outl on port "
		  "0xed, the ABI says inl\n" },
		{ 0xee, false, 4, 1, "simple-kvm: HC_gvaToHva: inl on port 0xee, "
		  "the ABI says outl\n" },
	};

	expect_bad_io_refused(bad, sizeof(bad) / sizeof(bad[0]));
}

/* rep outs/ins: one exit carrying several transfers. */
static void rep_count_above_1_is_refused(void)
{
	static const struct bad_io bad[] = {
		{ 0xe9, true, 1, 3, "simple-kvm: HC_print8bit: rep outb (count 3) "
		  "on port 0xe9, the ABI says one outb\n" },
		{ 0xea, true, 4, 2, "simple-kvm: HC_print32bit: rep outl (count 2) "
		  "on port 0xea, the ABI says one outl\n" },
		{ 0xeb, false, 4, 2, "simple-kvm: HC_numExits: rep inl (count 2) "
		  "on port 0xeb, the ABI says one inl\n" },
		{ 0xec, true, 4, 16, "simple-kvm: HC_printStr: rep outl (count 16) "
		  "on port 0xec, the ABI says one outl\n" },
		{ 0xed, false, 4, 4, "simple-kvm: HC_numExitsByType: rep inl "
		  "(count 4) on port 0xed, the ABI says one inl\n" },
		{ 0xee, true, 4, 2, "simple-kvm: HC_gvaToHva: rep outl (count 2) "
		  "on port 0xee, the ABI says one outl\n" },
	};

	expect_bad_io_refused(bad, sizeof(bad) / sizeof(bad[0]));
}

/* Just outside the hypercall ports and far from them. */
static void unknown_port_warns_once_and_reads_all_ones(void)
{
	static const uint16_t ports[] = { 0xe8, 0xef, 0x80, 0xffff, 0 };
	char expected[128];

	setup_flat(GUEST_RAM_DEFAULT);
	snapshot_ram();
	for (size_t i = 0; i < sizeof(ports) / sizeof(ports[0]); i++) {
		uint8_t data[12];

		exit_out(ports[i], 1, 'X');
		snprintf(expected, sizeof(expected), "simple-kvm: port 0x%x: no "
			 "hypercall here; reads give all ones, writes are "
			 "ignored\n", ports[i]);
		expect_output("", expected);
		CHECK(exit_in(ports[i], 1) == 0xff, "port 0x%x: inb", ports[i]);
		CHECK(exit_in(ports[i], 2) == 0xffff, "port 0x%x: inw", ports[i]);
		CHECK(exit_in(ports[i], 4) == 0xffffffff, "port 0x%x: inl", ports[i]);
		memset(data, UNTOUCHED_BYTE, sizeof(data));
		exit_io(ports[i], false, 2, 6, data);   /* rep insw */
		expect_data_filled(data, sizeof(data), 0xff, "rep insw");
		exit_out(ports[i], 4, 0x10);
		expect_output("", "");    /* warned once per port */
	}
	expect_ram_unchanged();
	expect_guest_continues();
	teardown();
}

/*
 * The demonstration of SPEC §1.2 in long mode, as the embedded guest runs
 * it: the numbers the README explains (14, 16, IO in: 3 / IO out: 16,
 * IO in: 4 / IO out: 20) follow from the exit counting alone.
 */
static void demo_sequence_prints_the_graded_output(void)
{
	static const char hello[] = "Hello 695!\n";
	uint32_t a, b, first, second;
	char expected[512];

	setup_paged(SOFT_MMU_LONG);
	put_str(0x2000, "CS695 Assignment 2\n");
	for (const char *c = hello; *c; c++)
		exit_out(HC_PORT_PRINT8BIT, 1, (uint8_t)*c);
	exit_out(HC_PORT_PRINT32BIT, 4, 2048);
	exit_out(HC_PORT_PRINT32BIT, 4, 4294967295u);
	a = exit_in(HC_PORT_NUMEXITS, 4);
	exit_out(HC_PORT_PRINTSTR, 4, 0x2000);
	b = exit_in(HC_PORT_NUMEXITS, 4);
	exit_out(HC_PORT_PRINT32BIT, 4, a);
	exit_out(HC_PORT_PRINT32BIT, 4, b);
	first = exit_in(HC_PORT_NUMEXITSBYTYPE, 4);
	put_arg(0x3000, 1024, 0);
	exit_out(HC_PORT_GVATOHVA, 4, 0x3000);
	exit_out(HC_PORT_PRINT32BIT, 4, get_arg(0x3000).hva);
	put_arg(0x3000, 4294967295u, 0);
	exit_out(HC_PORT_GVATOHVA, 4, 0x3000);
	exit_out(HC_PORT_PRINT32BIT, 4, get_arg(0x3000).hva);
	second = exit_in(HC_PORT_NUMEXITSBYTYPE, 4);
	exit_out(HC_PORT_PRINTSTR, 4, first);
	exit_out(HC_PORT_PRINTSTR, 4, second);

	snprintf(expected, sizeof(expected),
		 "Hello 695!\n2048\n4294967295\nCS695 Assignment 2\n14\n16\n"
		 "%" PRIu32 "\nInvalid GVA\n0\nIO in: 3\nIO out: 16\n"
		 "IO in: 4\nIO out: 20\n", hva_of(1024));
	expect_output(expected, "");
	teardown();
}

/*
 * A write to stdout that fails is kept, with its errno, at the call that
 * made it: the run loop stops there (SPEC §4.7). stdout is /dev/full,
 * line-buffered as in simple-kvm, so print8bit's bytes fail at the '\n'.
 */
static void output_error_is_noted_at_the_failing_call(void)
{
	FILE *full = fopen("/dev/full", "w");

	setup_flat(GUEST_RAM_DEFAULT);
	if (!full || setvbuf(full, NULL, _IOLBF, 0) != 0)
		abort();
	fx.hc.out = full;
	exit_out(HC_PORT_PRINT8BIT, 1, 'A');
	CHECK(fx.hc.out_errno == 0, "out_errno %d after a buffered byte",
	      fx.hc.out_errno);
	exit_in(HC_PORT_NUMEXITS, 4);
	exit_out(HC_PORT_PRINT8BIT, 1, '\n');
	CHECK(fx.hc.out_errno == ENOSPC, "out_errno %d at the newline, "
	      "expected ENOSPC (%d)", fx.hc.out_errno, ENOSPC);
	put_str(0x2000, "more\n");
	exit_out(HC_PORT_PRINTSTR, 4, 0x2000);
	CHECK(fx.hc.out_errno == ENOSPC, "out_errno %d: the first error "
	      "is kept", fx.hc.out_errno);
	fclose(full);
	expect_output("", "");
	teardown();
}

static const struct check_case cases[] = {
#define CASE(name) { #name, name }
	CASE(print8bit_writes_the_byte_as_is),
	CASE(print32bit_prints_decimal_and_one_newline),
	CASE(num_exits_counts_every_exit_and_this_one),
	CASE(num_exits_by_type_counts_io_by_direction),
	CASE(num_exits_by_type_counts_refused_and_unknown_io),
	CASE(num_exits_by_type_keeps_the_last_16_results),
	CASE(num_exits_by_type_without_result_area),
	CASE(gva_to_hva_returns_the_host_address),
	CASE(gva_to_hva_of_an_invalid_gva),
	CASE(print_str_prints_exactly_the_string),
	CASE(print_str_across_pages_on_nonadjacent_frames),
	CASE(print_str_of_1mib_minus_1_bytes),
	CASE(print_str_without_nul_in_1mib_is_refused),
	CASE(print_str_outside_ram),
	CASE(print_str_unterminated_before_ram_end),
	CASE(print_str_wrapping_at_4gib),
	CASE(print_str_not_mapped),
	CASE(print_str_running_into_a_frame_outside_ram),
	CASE(gva_to_hva_argument_outside_ram),
	CASE(gva_to_hva_argument_straddling_ram_end),
	CASE(gva_to_hva_argument_wrapping_at_4gib),
	CASE(gva_to_hva_argument_not_mapped),
	CASE(wrong_size_is_refused),
	CASE(wrong_direction_is_refused),
	CASE(rep_count_above_1_is_refused),
	CASE(unknown_port_warns_once_and_reads_all_ones),
	CASE(demo_sequence_prints_the_graded_output),
	CASE(output_error_is_noted_at_the_failing_call),
#undef CASE
};

int main(int argc, char **argv)
{
	return check_main(cases, sizeof(cases) / sizeof(cases[0]), argc, argv);
}
