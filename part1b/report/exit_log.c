#include <inttypes.h>
#include <string.h>

#include "exit_log.h"
#include "kvm_names.h"

void exit_log_init(struct exit_log *log, bool stats, bool trace, FILE *to)
{
	memset(log, 0, sizeof(*log));
	log->stats = stats;
	log->trace = trace;
	log->to = to;
}

static void count_port(struct exit_log *log, uint16_t port, bool is_out)
{
	for (unsigned i = 0; i < log->nports; i++) {
		if (log->ports[i].port == port && log->ports[i].is_out == is_out) {
			log->ports[i].exits++;
			return;
		}
	}
	if (log->nports == EXIT_LOG_PORTS) {
		log->other_port_exits++;
		return;
	}
	log->ports[log->nports++] = (struct port_count){ port, is_out, 1 };
}

static void count(struct exit_log *log, const struct kvm_run *run)
{
	uint32_t reason = run->exit_reason;

	log->by_reason[reason < EXIT_LOG_REASONS ? reason : EXIT_LOG_REASONS]++;
	if (reason == KVM_EXIT_IO)
		count_port(log, run->io.port,
			   run->io.direction == KVM_EXIT_IO_OUT);
}

static void trace(struct exit_log *log, const struct vcpu *vcpu)
{
	const struct kvm_run *run = vcpu->run;
	struct kvm_regs regs = { .rip = 0 };
	const uint8_t *data = (const uint8_t *)run + run->io.data_offset;
	uint32_t value = 0;

	vcpu_try_get_regs(vcpu, &regs); /* rip stays 0 if it fails */
	fprintf(log->to, "simple-kvm: exit %" PRIu64 ": %s", log->exits,
		kvm_exit_name(run->exit_reason));
	if (run->exit_reason == KVM_EXIT_IO) {
		memcpy(&value, data, run->io.size <= 4 ? run->io.size : 4);
		fprintf(log->to, " port 0x%x %s size %u count %u data 0x%" PRIx32,
			run->io.port,
			run->io.direction == KVM_EXIT_IO_OUT ? "out" : "in",
			run->io.size, run->io.count, value);
	}
	fprintf(log->to, " rip 0x%llx\n", regs.rip);
}

void exit_log_record(struct exit_log *log, const struct vcpu *vcpu)
{
	log->exits++;
	if (log->stats)
		count(log, vcpu->run);
	if (log->trace)
		trace(log, vcpu);
}

/* What went through the ring instead of exiting (not counted above). */
static void print_coalesced(const struct exit_log *log)
{
	const struct coalesced_ring *cr = log->coalesced;

	fprintf(log->to, "simple-kvm: coalesced PIO (no exits), ring of %u "
		"entries:\n", cr->entries);
	fprintf(log->to, "  port 0x%04x out bytes      %12" PRIu64 "\n",
		cr->port, cr->bytes);
	fprintf(log->to, "  %-24s %12" PRIu64 "\n", "drains with bytes",
		cr->drains);
	fprintf(log->to, "  %-24s %12" PRIu32 "\n", "most in one drain",
		cr->most);
	if (cr->foreign)
		fprintf(log->to, "  %-24s %12" PRIu64 "\n", "other entries, skipped",
			cr->foreign);
}

void exit_log_finish(struct exit_log *log)
{
	if (!log->stats)
		return;
	log->stats = false;
	fprintf(log->to, "simple-kvm: %" PRIu64 " exits by reason:\n", log->exits);
	for (uint32_t r = 0; r < EXIT_LOG_REASONS; r++)
		if (log->by_reason[r])
			fprintf(log->to, "  %-24s %12" PRIu64 "\n",
				kvm_exit_name(r), log->by_reason[r]);
	if (log->by_reason[EXIT_LOG_REASONS])
		fprintf(log->to, "  %-24s %12" PRIu64 "\n", "other",
			log->by_reason[EXIT_LOG_REASONS]);
	fprintf(log->to, "simple-kvm: KVM_EXIT_IO by port:\n");
	for (unsigned i = 0; i < log->nports; i++)
		fprintf(log->to, "  port 0x%04x %-3s          %12" PRIu64 "\n",
			log->ports[i].port, log->ports[i].is_out ? "out" : "in",
			log->ports[i].exits);
	if (log->other_port_exits)
		fprintf(log->to, "  %-24s %12" PRIu64 "\n", "other ports",
			log->other_port_exits);
	if (log->coalesced)
		print_coalesced(log);
}
