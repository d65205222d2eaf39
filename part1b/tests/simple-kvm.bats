# simple-kvm on its embedded guest, in every mode, and its command line.
load common

setup() { require_kvm; }

@test "-l prints the whole demonstration, stderr empty, status 0" {
	run_split "$SKVM" -l
	[ "$status" -eq 0 ]
	assert_demo_output "Testing 64-bit mode"
	assert_equal "$stderr" ""
}

@test "no flag means -l" {
	run_split "$SKVM"
	[ "$status" -eq 0 ]
	assert_demo_output "Testing 64-bit mode"
	assert_equal "$stderr" ""
}

@test "-s prints the whole demonstration in protected mode" {
	run_split "$SKVM" -s
	[ "$status" -eq 0 ]
	assert_demo_output "Testing protected mode"
	assert_equal "$stderr" ""
}

@test "-p prints the whole demonstration with 32-bit paging" {
	run_split "$SKVM" -p
	[ "$status" -eq 0 ]
	assert_demo_output "Testing 32-bit paging"
	assert_equal "$stderr" ""
}

@test "-p -v: the demonstration, run the way this KVM allows (real 32-bit paging on kvm_amd and kvm_intel)" {
	run_split "$SKVM" -p -v
	[ "$status" -eq 0 ]
	assert_demo_output "Testing 32-bit paging"
	assert_verbose_stderr -p
}

@test "-p: SIMPLE_KVM_PAGING32=compat runs compatibility mode on any KVM, with the same demonstration" {
	SIMPLE_KVM_PAGING32=compat run_split "$SKVM" -p -v
	[ "$status" -eq 0 ]
	assert_demo_output "Testing 32-bit paging"
	assert_equal "${stderr_lines[1]}" "simple-kvm: -p runs its 32-bit code in compatibility mode under long mode's page tables: forced by SIMPLE_KVM_PAGING32=compat"
	[ "${#stderr_lines[@]}" -eq 2 ]
}

@test "-p: the probe chooses real 32-bit paging exactly where forcing it runs the demonstration" {
	run_split "$SKVM" -p -v
	[ "$status" -eq 0 ]
	probed=${stderr_lines[1]}
	SIMPLE_KVM_PAGING32=real run_split "$SKVM" -p -v
	if [ "$probed" = "$PAGING32_REAL" ]; then
		[ "$status" -eq 0 ]
		assert_demo_output "Testing 32-bit paging"
		assert_equal "${stderr_lines[1]}" "simple-kvm: -p runs real 32-bit paging: forced by SIMPLE_KVM_PAGING32=real"
	else
		# Where the probe fell back, real 32-bit paging must really fail.
		assert_equal "$probed" "$PAGING32_COMPAT"
		[ "$status" -ne 0 ]
		[[ "$output" != *"IO out: 20"* ]]
	fi
}

@test "-p: SIMPLE_KVM_PAGING32 other than real or compat is refused, status 2" {
	SIMPLE_KVM_PAGING32=paged run_split "$SKVM" -p
	[ "$status" -eq 2 ]
	assert_equal "$output" ""
	assert_equal "$stderr" "simple-kvm: SIMPLE_KVM_PAGING32=paged: give real or compat"
}

@test "-r prints its banner and exits 0" {
	run_split "$SKVM" -r
	[ "$status" -eq 0 ]
	assert_equal "$output" "Testing real mode"
	assert_equal "$stderr" ""
}

@test "HC_gvaToHva(1024) is the host address of guest RAM plus 1024, in every paging mode" {
	for mode in -l -s -p; do
		run_split "$SKVM" "$mode" -v
		[ "$status" -eq 0 ]
		assert_verbose_stderr "$mode"
		base=$(printf '%s\n' "$stderr" | sed -n 's/^simple-kvm: guest RAM: [0-9]* bytes at host address \([0-9]*\)$/\1/p')
		[ -n "$base" ]
		assert_equal "$(printf '%s\n' "$output" | sed -n 8p)" "$((base + 1024))"
	done
}

@test "stdout through a pipe is complete" {
	run_split bash -c 'set -o pipefail; "$0" -l | sed 8d' "$SKVM"
	[ "$status" -eq 0 ]
	direct=$output
	run_split bash -c 'set -o pipefail; "$0" -l | cat | sed 8d' "$SKVM"
	[ "$status" -eq 0 ]
	assert_equal "$output" "$direct"
	[ "$(printf '%s\n' "$output" | wc -l)" -eq 13 ]
}

@test "--help prints usage on stdout, status 0" {
	run_split "$SKVM" --help
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "usage: simple-kvm "* ]]
	assert_equal "$stderr" ""
}

@test "--version prints the version" {
	run_split "$SKVM" --version
	[ "$status" -eq 0 ]
	assert_equal "$output" "simple-kvm 1.0, hypercall ABI v1"
}

@test "an unknown option: one line naming it, usage on stderr, status 2" {
	run_split "$SKVM" --frobnicate
	[ "$status" -eq 2 ]
	assert_equal "$output" ""
	assert_equal "${stderr%%$'\n'*}" "simple-kvm: unknown option --frobnicate"
	[[ "$stderr" == *"usage: simple-kvm "* ]]
	run_split "$SKVM" -x
	[ "$status" -eq 2 ]
	assert_equal "${stderr%%$'\n'*}" "simple-kvm: unknown option -x"
}

@test "two different modes are refused, status 2" {
	run_split "$SKVM" -r -l
	[ "$status" -eq 2 ]
	assert_equal "${stderr%%$'\n'*}" "simple-kvm: give one mode: -r, -s, -p or -l"
}

@test "an argument that is not an option is refused, status 2" {
	run_split "$SKVM" extra
	[ "$status" -eq 2 ]
	assert_equal "${stderr%%$'\n'*}" "simple-kvm: unexpected argument extra"
}

@test "--guest without a value is refused, status 2" {
	run_split "$SKVM" --guest
	[ "$status" -eq 2 ]
	assert_equal "${stderr%%$'\n'*}" "simple-kvm: option --guest needs a value"
}

@test "--mem: 0, absurd, malformed and unaligned sizes are refused, status 2" {
	for size in 0 0M 1M 3M 1G 99999999999999999999M -2M 2Q 2MB "" M 4095K; do
		run_split "$SKVM" --mem "$size"
		[ "$status" -eq 2 ] || { echo "--mem '$size' gave $status"; return 1; }
		assert_equal "$output" ""
		assert_equal "${stderr%%$'\n'*}" "simple-kvm: --mem $size: give a multiple of 2M from 2M to 512M"
	done
}

@test "--mem accepts 2M, 64M, 512M and a byte count" {
	for size in 2M 64M 512M 4194304; do
		run_split "$SKVM" --mem "$size"
		[ "$status" -eq 0 ] || { echo "--mem $size: $stderr"; return 1; }
		assert_demo_output "Testing 64-bit mode"
	done
}

@test "a missing KVM device: says what to do, status 1, nothing on stdout" {
	SIMPLE_KVM_DEVICE=/nonexistent/kvm run_split "$SKVM"
	[ "$status" -eq 1 ]
	assert_equal "$output" ""
	assert_equal "$stderr" "simple-kvm: cannot open /nonexistent/kvm: load the KVM module (modprobe kvm_intel or kvm_amd), and get read-write access to it (the kvm group): No such file or directory"
}

@test "a KVM device that is not KVM: the API check fails, status 1" {
	SIMPLE_KVM_DEVICE=/dev/null run_split "$SKVM"
	[ "$status" -eq 1 ]
	assert_equal "$output" ""
	assert_equal "$stderr" "simple-kvm: /dev/null: KVM API version -1, need 12"
}
