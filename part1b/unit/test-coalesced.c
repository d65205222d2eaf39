/*
 * Unit tests of --coalesce-print8's ring reader
 * (../hypercalls/coalesced.c) without KVM: the ring is a page of plain
 * memory, and a few lines below play KVM's part (append at last while
 * there is room, else "exit").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "coalesced.h"
#include "hypercall.h"

#define PAGE 4096

static struct coalesced_ring cr;
static FILE *out;
static char *out_text;
static size_t out_len;

static void fresh_ring(void)
{
	static void *page;

	if (!page && !(page = aligned_alloc(PAGE, PAGE)))
		abort();
	memset(page, 0, PAGE);
	cr = (struct coalesced_ring){
		.ring = page, .entries = coalesced_entries(PAGE),
		.port = HC_PORT_PRINT8BIT,
	};
	if (out)
		fclose(out);
	free(out_text);
	out_text = NULL;
	out = open_memstream(&out_text, &out_len);
	if (!out)
		abort();
}

static void put_entry(uint32_t slot, uint64_t addr, uint32_t len,
		      uint32_t pio, uint8_t byte)
{
	struct kvm_coalesced_mmio *e = &cr.ring->coalesced_mmio[slot];

	*e = (struct kvm_coalesced_mmio){ .phys_addr = addr, .len = len };
	e->pio = pio;
	memset(e->data, byte, sizeof(e->data));
}

/*
 * KVM's two ways of telling a full ring. Both leave one slot free; the
 * older one computes the free slots as (first - last - 1) % entries in
 * unsigned 32-bit arithmetic, which wraps when first <= last: with 170
 * entries it then says "full" at 85 queued bytes (Linux 6.1 does this).
 */
enum room_rule { ROOM_EXACT, ROOM_UNSIGNED_WRAP };
static enum room_rule room_rule;

static bool ring_full(uint32_t first, uint32_t last)
{
	if (room_rule == ROOM_UNSIGNED_WRAP)
		return (first - last - 1) % cr.entries == 0;
	return (last + 1) % cr.entries == first;
}

/* KVM's side: append a print8bit byte; false when the ring is full (KVM
 * then exits with KVM_EXIT_IO instead). */
static bool kvm_append(uint8_t byte)
{
	uint32_t last = cr.ring->last;

	if (ring_full(cr.ring->first, last))
		return false;
	put_entry(last, HC_PORT_PRINT8BIT, 1, 1, byte);
	cr.ring->last = (last + 1) % cr.entries;
	return true;
}

static void drain_ok(void)
{
	CHECK(coalesced_drain(&cr, out) == COALESCED_OK, "drain failed");
	fflush(out);
}

static void entries_from_page_size(void)
{
	CHECK(sizeof(struct kvm_coalesced_mmio_ring) == 8 &&
	      sizeof(struct kvm_coalesced_mmio) == 24, "struct sizes changed");
	CHECK(coalesced_entries(4096) == 170, "4 KiB: %u", coalesced_entries(4096));
	CHECK(coalesced_entries(65536) == 2730, "64 KiB: %u",
	      coalesced_entries(65536));
	CHECK(coalesced_entries(8) == 0 && coalesced_entries(0) == 0 &&
	      coalesced_entries(-1) == 0, "a page too small has no entries");
}

static void empty_ring(void)
{
	fresh_ring();
	cr.ring->first = cr.ring->last = 77;
	drain_ok();
	CHECK_TEXT("stdout", out_text, out_len, "");
	CHECK(cr.ring->first == 77 && cr.drains == 0 && cr.bytes == 0,
	      "an empty ring is left as it is");
}

static void bytes_in_order(void)
{
	fresh_ring();
	for (const char *s = "hello\n"; *s; s++)
		kvm_append((uint8_t)*s);
	drain_ok();
	CHECK_TEXT("stdout", out_text, out_len, "hello\n");
	CHECK(cr.ring->first == 6 && cr.ring->last == 6, "first %u last %u",
	      cr.ring->first, cr.ring->last);
	CHECK(cr.bytes == 6 && cr.drains == 1 && cr.most == 6,
	      "bytes %llu drains %llu most %u", (unsigned long long)cr.bytes,
	      (unsigned long long)cr.drains, cr.most);
}

static void wraps_around(void)
{
	fresh_ring();
	cr.ring->first = cr.ring->last = cr.entries - 3;
	for (const char *s = "abcdefg"; *s; s++)
		kvm_append((uint8_t)*s);
	CHECK(cr.ring->last == 4, "last %u", cr.ring->last);
	drain_ok();
	CHECK_TEXT("stdout", out_text, out_len, "abcdefg");
	CHECK(cr.ring->first == 4, "first %u", cr.ring->first);
}

static void full_ring(void)
{
	uint32_t queued = 0;

	fresh_ring();
	cr.ring->first = cr.ring->last = 100;
	while (kvm_append((uint8_t)('a' + queued % 26)))
		queued++;
	CHECK(queued == cr.entries - 1, "a full ring holds %u", queued);
	drain_ok();
	CHECK(out_len == queued && cr.most == queued, "printed %zu of %u",
	      out_len, queued);
	for (uint32_t i = 0; i < queued && i < out_len; i++)
		if (!CHECK(out_text[i] == (char)('a' + i % 26), "byte %u", i))
			break;
	CHECK(kvm_append('x'), "room again after the drain");
}

/* More bytes than the ring holds between two exits: KVM exits each time
 * the ring is full, and the loop drains before it serves that exit. */
static uint32_t send_through_ring(char *sent, size_t len)
{
	uint32_t exits = 0;

	fresh_ring();
	for (size_t i = 0; i < len; i++) {
		sent[i] = (char)(' ' + i * 7 % 95);
		if (kvm_append((uint8_t)sent[i]))
			continue;
		exits++;                 /* KVM_EXIT_IO with this byte */
		drain_ok();              /* the run loop: drain first, */
		putc(sent[i], out);      /* then serve the exit */
	}
	drain_ok();                      /* the halt */
	CHECK_BYTES("stdout", out_text, out_len, sent, len);
	CHECK(cr.bytes == len - exits, "ring bytes %llu",
	      (unsigned long long)cr.bytes);
	return exits;
}

static void more_than_the_ring_holds(void)
{
	static char sent[10000];
	uint32_t exits;

	room_rule = ROOM_EXACT;
	exits = send_through_ring(sent, sizeof(sent));
	CHECK(exits == sizeof(sent) / cr.entries, "%u exits", exits);
	/* The figures of coalesced.bats's 4000-byte guest, and of 64 KiB. */
	CHECK(send_through_ring(sent, 4000) == 23, "4000 bytes");
}

/* The older rule: a full ring of 169 bytes, or of 85 when first <= last;
 * nothing lost, nothing out of order, just more exits. */
static void older_kernels_room_rule(void)
{
	static char sent[10000];
	uint32_t exits;

	room_rule = ROOM_UNSIGNED_WRAP;
	exits = send_through_ring(sent, 4000);
	CHECK(exits == 24, "4000 bytes: %u exits (svm-host's Linux 6.1: 24)",
	      exits);
	CHECK(cr.most == cr.entries - 1, "a full ring is 169 bytes there too");
	exits = send_through_ring(sent, sizeof(sent));
	CHECK(exits > sizeof(sent) / cr.entries &&
	      exits <= sizeof(sent) / 85, "%u exits", exits);
	room_rule = ROOM_EXACT;
}

static void foreign_entries_skipped(void)
{
	fresh_ring();
	put_entry(0, HC_PORT_PRINT8BIT, 1, 1, 'a');
	put_entry(1, HC_PORT_PRINT8BIT, 1, 0, 'M');      /* MMIO, not PIO */
	put_entry(2, HC_PORT_PRINT32BIT, 1, 1, 'P');     /* another port */
	put_entry(3, HC_PORT_PRINT8BIT, 2, 1, 'W');      /* a word */
	put_entry(4, HC_PORT_PRINT8BIT | 0x10000, 1, 1, 'H');
	put_entry(5, HC_PORT_PRINT8BIT, 1, 1, 'b');
	cr.ring->last = 6;
	drain_ok();
	CHECK_TEXT("stdout", out_text, out_len, "ab");
	CHECK(cr.foreign == 4 && cr.bytes == 2 && cr.ring->first == 6,
	      "foreign %llu bytes %llu first %u",
	      (unsigned long long)cr.foreign, (unsigned long long)cr.bytes,
	      cr.ring->first);
}

static void bad_indices_left_alone(void)
{
	const uint32_t bad[][2] = {
		{ 170, 0 }, { 0, 170 }, { UINT32_MAX, 3 }, { 3, UINT32_MAX },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		fresh_ring();
		put_entry(0, HC_PORT_PRINT8BIT, 1, 1, 'x');
		cr.ring->first = bad[i][0];
		cr.ring->last = bad[i][1];
		CHECK(coalesced_drain(&cr, out) == COALESCED_BAD_INDEX,
		      "first %u last %u accepted", bad[i][0], bad[i][1]);
		fflush(out);
		CHECK(out_len == 0 && cr.ring->first == bad[i][0] &&
		      cr.ring->last == bad[i][1], "a bad ring was touched");
	}
}

static void no_ring_no_drain(void)
{
	fresh_ring();
	cr.ring = NULL;
	drain_ok();
	CHECK(out_len == 0, "printed without a ring");
}

int main(int argc, char **argv)
{
	static const struct check_case cases[] = {
		{ "entries_from_page_size", entries_from_page_size },
		{ "empty_ring", empty_ring },
		{ "bytes_in_order", bytes_in_order },
		{ "wraps_around", wraps_around },
		{ "full_ring", full_ring },
		{ "more_than_the_ring_holds", more_than_the_ring_holds },
		{ "older_kernels_room_rule", older_kernels_room_rule },
		{ "foreign_entries_skipped", foreign_entries_skipped },
		{ "bad_indices_left_alone", bad_indices_left_alone },
		{ "no_ring_no_drain", no_ring_no_drain },
	};

	return check_main(cases, sizeof(cases) / sizeof(cases[0]), argc, argv);
}
