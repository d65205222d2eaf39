#include <string.h>

#include "guest_mem.h"

const char *gm_status_text(enum gm_status status)
{
	switch (status) {
	case GM_OK:           return "ok";
	case GM_UNMAPPED:     return "not mapped";
	case GM_OUTSIDE_RAM:  return "outside guest RAM";
	case GM_WRAPS:        return "address + length wraps around";
	case GM_UNTERMINATED: return "no NUL within guest RAM and 1 MiB";
	}
	return "unknown";
}

void *gpa_ptr(const struct guest_mem *mem, uint64_t gpa, uint64_t len)
{
	/* Written so that no sum can overflow: gpa + len is never formed. */
	if (gpa > mem->ram_size || len > mem->ram_size - gpa)
		return NULL;
	return mem->ram + gpa;
}

enum gm_status gva_to_gpa(const struct guest_mem *mem, uint32_t gva,
			  uint64_t *gpa)
{
	if (!mem->translate(mem->translate_ctx, gva, gpa))
		return GM_UNMAPPED;
	if (!gpa_ptr(mem, *gpa, 1))
		return GM_OUTSIDE_RAM;
	return GM_OK;
}

/*
 * Calls visit() on each piece of [gva, gva + len) that lies in one guest
 * page, with the host address of that piece, until visit() returns false.
 */
typedef bool (*visit_fn)(void *ctx, uint8_t *host, size_t len);

static enum gm_status gva_walk(const struct guest_mem *mem, uint32_t gva,
			       size_t len, visit_fn visit, void *ctx)
{
	uint64_t next = gva;

	if (len > GVA_SPACE_END - next)
		return GM_WRAPS;
	while (len > 0) {
		size_t in_page = GUEST_PAGE_SIZE - (next % GUEST_PAGE_SIZE);
		size_t piece = len < in_page ? len : in_page;
		uint64_t gpa;
		uint8_t *host;

		if (!mem->translate(mem->translate_ctx, next, &gpa))
			return GM_UNMAPPED;
		host = gpa_ptr(mem, gpa, piece);
		if (!host)
			return GM_OUTSIDE_RAM;
		if (!visit(ctx, host, piece))
			return GM_OK;
		next += piece;
		len -= piece;
	}
	return GM_OK;
}

struct copy_cursor {
	uint8_t *buf;
	bool to_guest;
};

static bool copy_piece(void *ctx, uint8_t *host, size_t len)
{
	struct copy_cursor *c = ctx;

	if (c->to_guest)
		memcpy(host, c->buf, len);
	else
		memcpy(c->buf, host, len);
	c->buf += len;
	return true;
}

enum gm_status gva_read(const struct guest_mem *mem, uint32_t gva,
			void *buf, size_t len)
{
	struct copy_cursor c = { .buf = buf, .to_guest = false };

	return gva_walk(mem, gva, len, copy_piece, &c);
}

/*
 * A write must not land partly: every page is checked before any byte is
 * written, so a refused write leaves guest memory as it was.
 */
static bool check_piece(void *ctx, uint8_t *host, size_t len)
{
	(void)ctx, (void)host, (void)len;
	return true;
}

enum gm_status gva_write(const struct guest_mem *mem, uint32_t gva,
			 const void *buf, size_t len)
{
	struct copy_cursor c = { .buf = (uint8_t *)buf, .to_guest = true };
	enum gm_status status = gva_walk(mem, gva, len, check_piece, NULL);

	if (status != GM_OK)
		return status;
	return gva_walk(mem, gva, len, copy_piece, &c);
}

enum gm_status gva_read_wide(const struct guest_mem *mem, uint64_t gva,
			     void *buf, size_t len)
{
	if (gva >= GVA_SPACE_END)
		return GM_WRAPS;
	return gva_read(mem, (uint32_t)gva, buf, len);
}

enum gm_status gva_write_wide(const struct guest_mem *mem, uint64_t gva,
			      const void *buf, size_t len)
{
	if (gva >= GVA_SPACE_END)
		return GM_WRAPS;
	return gva_write(mem, (uint32_t)gva, buf, len);
}

struct str_cursor {
	char *buf;
	size_t len;
	bool terminated;
};

static bool copy_str_piece(void *ctx, uint8_t *host, size_t len)
{
	struct str_cursor *c = ctx;
	const uint8_t *nul = memchr(host, 0, len);
	size_t take = nul ? (size_t)(nul - host) : len;

	memcpy(c->buf + c->len, host, take);
	c->len += take;
	c->terminated = nul != NULL;
	return !c->terminated;
}

enum gm_status gva_read_str(const struct guest_mem *mem, uint32_t gva,
			    char *buf, size_t max, size_t *len)
{
	struct str_cursor c = { .buf = buf };
	uint64_t to_top = GVA_SPACE_END - gva;
	size_t span = max < to_top ? max : (size_t)to_top;
	enum gm_status status = gva_walk(mem, gva, span, copy_str_piece, &c);

	if (status == GM_OK && !c.terminated)
		status = span < max ? GM_WRAPS : GM_UNTERMINATED;
	/* Bytes were read, then guest RAM or its mapping ended before a NUL. */
	if ((status == GM_OUTSIDE_RAM || status == GM_UNMAPPED) && c.len > 0)
		status = GM_UNTERMINATED;
	*len = c.len;
	return status;
}
