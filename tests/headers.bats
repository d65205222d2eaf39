# The supported kernel headers (README.md: Linux 5.4 on): every host C file
# compiles against linux/kvm.h as 5.4 has it and against Debian 11's real
# 5.10 headers. tests/headers/ says how; `make check-headers` runs the same.
load lib

ROOT="$(cd "$BATS_TEST_DIRNAME/.." && pwd)"
WRAPPER="$ROOT/tests/headers/5.4"

@test "headers: every host C file compiles without the KVM names newer than Linux 5.4" {
	run "$ROOT/tests/headers/check" -isystem "$WRAPPER"
	printf '%s\n' "$output"
	assert_equal "$status" 0
}

@test "headers: the 5.4 check fails on a post-5.4 name used bare, not under #ifdef" {
	src="$BATS_TEST_TMPDIR/names.c"
	printf '#include <linux/kvm.h>\nint bare = KVM_EXIT_DIRTY_RING_FULL;\n' >"$src"
	run "${CC:-cc}" -fsyntax-only -isystem "$WRAPPER" "$src"
	assert_equal "$status" 1
	# gcc: 'X' undeclared; clang: use of undeclared identifier 'X'.
	[[ "$output" == *undeclared* && "$output" == *KVM_EXIT_DIRTY_RING_FULL* ]]
	# Under #ifdef it compiles, and the names 5.4 has stay.
	printf '#include <linux/kvm.h>\nint old = KVM_EXIT_HYPERV + KVM_CAP_HYPERV_DIRECT_TLBFLUSH;\n#ifdef KVM_EXIT_DIRTY_RING_FULL\nint bare = KVM_EXIT_DIRTY_RING_FULL;\n#endif\n' >"$src"
	run "${CC:-cc}" -fsyntax-only -isystem "$WRAPPER" "$src"
	printf '%s\n' "$output"
	assert_equal "$status" 0
}

@test "headers: the list names every exit reason and capability the host's headers add after 5.4" {
	# 5.4's last ones: KVM_EXIT_HYPERV 27, KVM_CAP_HYPERV_DIRECT_TLBFLUSH 175.
	missing=$(printf '#include <linux/kvm.h>\n' | "${CC:-cc}" -E -dM - |
		awk '($2 ~ /^KVM_EXIT_/ && $3 ~ /^[0-9]+$/ && $3 > 27) ||
		     ($2 ~ /^KVM_CAP_/ && $3 ~ /^[0-9]+$/ && $3 > 175) { print $2 }' |
		while read -r name; do
			grep -qx "#undef $name" "$ROOT/tests/headers/post-5.4.h" || echo "$name"
		done)
	if [ -n "$missing" ]; then
		echo "not in tests/headers/post-5.4.h (rerun tests/headers/make-post-5.4-list):" $missing
		return 1
	fi
}

@test "headers: every host C file compiles against Debian 11's linux-libc-dev (Linux 5.10)" {
	run "$ROOT/tests/headers/debian11"
	if [ "$status" -eq 2 ]; then
		skip "HEADERS TEST SKIPPED: cannot fetch Debian 11's headers here: $output"
	fi
	assert_equal "$status" 0
	dir=${lines[${#lines[@]} - 1]}
	run "$ROOT/tests/headers/check" -isystem "$dir/usr/include" \
		-isystem "$dir/usr/include/x86_64-linux-gnu"
	printf '%s\n' "$output"
	assert_equal "$status" 0
}
