# The unit tests of part1b's host-side code, which need no KVM: hypercall
# handling (test-hc), image loading (test-loader) and the software MMU the
# first one stands on (test-soft-mmu), and the GDB remote protocol layer
# of --gdb (test-gdb-rsp), the report of a KVM internal error with its
# x87/MMX/SSE decoder (test-internal-error) and the ring reader of
# --coalesce-print8 (test-coalesced). `make test-programs` builds them in
# part1b/unit; each prints `ok NAME` or `FAIL NAME: why` per case.
load ../../tests/lib

UNIT="$BATS_TEST_DIRNAME/../unit"

# run_unit PROGRAM: status 0, and every case reported ok.
run_unit() {
	[ -x "$UNIT/$1" ] || { echo "$UNIT/$1 is not built: make -C part1b test-programs"; return 1; }
	run_split "$UNIT/$1" --list
	local cases=${#lines[@]}
	run_split "$UNIT/$1"
	printf '%s\n' "$output" "$stderr" | grep -v '^ok ' || true
	assert_equal "$status" 0
	[ "$cases" -gt 0 ]
	assert_equal "$(printf '%s\n' "$output" | grep -c '^ok ')" "$cases"
}

@test "unit: test-hc, every hypercall and every ABI violation, without KVM" {
	run_unit test-hc
}

@test "unit: test-loader, every image refusal with its message, without KVM" {
	run_unit test-loader
}

@test "unit: test-soft-mmu, the page-table walk standing in for KVM_TRANSLATE" {
	run_unit test-soft-mmu
}

@test "unit: test-gdb-rsp, framing and packets of the gdb stub, a hostile client, without KVM" {
	run_unit test-gdb-rsp
}

@test "unit: test-internal-error, the emulation-failure report and its x87/SSE decoder, a hostile rip, without KVM" {
	run_unit test-internal-error
}

@test "unit: test-coalesced, the coalesced PIO ring reader of --coalesce-print8, without KVM" {
	run_unit test-coalesced
}
