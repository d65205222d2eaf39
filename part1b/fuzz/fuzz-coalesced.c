/*
 * fuzz-coalesced: libFuzzer target for --coalesce-print8's ring reader
 * (coalesced.c). Each input is a ring page as a broken or hostile kernel
 * could leave it:
 *
 *   offset 0   first      32 bits, little-endian, as the ring holds it
 *   offset 4   last       32 bits
 *   offset 8   size       byte: the ring's slots, 1 + size % 170
 *   offset 9   the entries, copied over the page from the first slot on
 *
 * coalesced_drain() must stay within the page, refuse indices outside
 * the ring without touching it, and print exactly what a plain model
 * says: the data byte of each one-byte PIO write to 0xE9 from first up to
 * last, in order; a second drain then prints nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "coalesced.h"
#include "hypercall.h"

#define PAGE 4096

static uint32_t read_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* The model: what the drain should print, into expected; its length. */
static size_t model(const struct kvm_coalesced_mmio_ring *ring, uint32_t n,
		    uint32_t first, uint32_t last, char *expected)
{
	size_t len = 0;

	for (uint32_t i = first; i != last; i = i + 1 == n ? 0 : i + 1) {
		const struct kvm_coalesced_mmio *e = &ring->coalesced_mmio[i];

		if (e->pio == 1 && e->phys_addr == HC_PORT_PRINT8BIT && e->len == 1)
			expected[len++] = (char)e->data[0];
	}
	return len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char expected[PAGE];
	struct kvm_coalesced_mmio_ring *ring;
	struct coalesced_ring cr;
	uint32_t first, last;
	size_t want;
	char *text = NULL;
	size_t text_len = 0;
	FILE *out;
	enum coalesced_status status;

	if (size < 9)
		return 0;
	ring = aligned_alloc(PAGE, PAGE);
	out = open_memstream(&text, &text_len);
	if (!ring || !out)
		abort();
	memset(ring, 0, PAGE);
	first = read_le32(data);
	last = read_le32(data + 4);
	cr = (struct coalesced_ring){
		.ring = ring, .entries = 1 + data[8] % coalesced_entries(PAGE),
		.port = HC_PORT_PRINT8BIT,
	};
	memcpy(ring->coalesced_mmio, data + 9,
	       size - 9 < PAGE - sizeof(*ring) ? size - 9 : PAGE - sizeof(*ring));
	ring->first = first;
	ring->last = last;

	status = coalesced_drain(&cr, out);
	fflush(out);
	if (first >= cr.entries || last >= cr.entries) {
		if (status != COALESCED_BAD_INDEX || text_len != 0 ||
		    ring->first != first || ring->last != last)
			abort();
	} else {
		want = model(ring, cr.entries, first, last, expected);
		if (status != COALESCED_OK || text_len != want ||
		    memcmp(text, expected, want) != 0 || ring->first != last ||
		    cr.bytes != want)
			abort();
		if (coalesced_drain(&cr, out) != COALESCED_OK)
			abort();
		fflush(out);
		if (text_len != want)
			abort();
	}
	fclose(out);
	free(text);
	free(ring);
	return 0;
}
