# tests/emulated/amd (make test-amd) counts what did not run as failed,
# checked without an emulator: tests/fixtures/svm-host/run stands in for
# svm-host, each bats file name saying what its boots do.
load lib

AMD="$BATS_TEST_DIRNAME/emulated/amd"
FAKE_TOOLS="$BATS_TEST_DIRNAME/fixtures"

setup() {
	export FAKE_SVM_LOG="$BATS_TEST_TMPDIR/boots"
	: >"$FAKE_SVM_LOG"
}

# test_amd FILE...: make test-amd's runner on these files, with the fake
# svm-host; $summary is its last line, $boots the boots it made.
test_amd() {
	run_split "$AMD" --tools "$FAKE_TOOLS" "$@"
	printf '%s\n' "$output" "$stderr" # shown when the test fails
	summary=${lines[${#lines[@]} - 1]}
	boots=$(cut -d' ' -f2 "$FAKE_SVM_LOG" | tr '\n' ' ')
}

@test "test-amd: passing files add up, status 0; TEST_TIMEOUT reaches the tests" {
	test_amd pass.bats pass.bats
	assert_equal "$summary" "4 passed, 0 failed, 2 skipped"
	assert_equal "$status" 0
	assert_equal "$boots" "pass.bats pass.bats "
	grep -q ' env TEST_TIMEOUT=600 tests/run pass.bats$' "$FAKE_SVM_LOG"
	EMULATED_TEST_TIMEOUT=42 test_amd pass.bats
	grep -q ' env TEST_TIMEOUT=42 tests/run pass.bats$' "$FAKE_SVM_LOG"
}

@test "test-amd: failed tests fail it" {
	test_amd pass.bats fail.bats
	assert_equal "$summary" "3 passed, 1 failed, 1 skipped"
	assert_equal "$status" 1
}

@test "test-amd: a boot that timed out keeps its results, fails the file, and is not retried" {
	test_amd timeout.bats pass.bats
	assert_equal "$summary" "3 passed, 2 failed, 1 skipped"
	assert_equal "$status" 1
	assert_equal "$boots" "timeout.bats pass.bats "
	printf '%s\n' "$output" | grep -qx "not ok timeout.bats: TIMEOUT: its boot did not end in 900 s"
}

@test "test-amd: a stall is retried once, and said; its failures count" {
	test_amd stall-once.bats
	assert_equal "$summary" "2 passed, 0 failed, 0 skipped"
	assert_equal "$status" 0
	assert_equal "$boots" "stall-once.bats stall-once.bats "
	printf '%s\n' "$output" | grep -qx "# test-amd: boots retried (svm-host failed or stalled): stall-once.bats"
	test_amd stall.bats
	# each boot's "not ok", and the file
	assert_equal "$summary" "0 passed, 3 failed, 0 skipped"
	assert_equal "$status" 1
	printf '%s\n' "$output" | grep -qx "not ok stall.bats: svm-host stalled in both boots"
}

@test "test-amd: svm-host failing twice fails the file" {
	test_amd broken.bats pass.bats
	assert_equal "$summary" "2 passed, 1 failed, 1 skipped"
	assert_equal "$status" 1
	assert_equal "$boots" "broken.bats broken.bats pass.bats "
}

@test "test-amd: a boot without kvm_amd fails the file (its tests only skipped)" {
	test_amd nokvm.bats
	assert_equal "$summary" "0 passed, 1 failed, 0 skipped"
	assert_equal "$status" 1
}

@test "test-amd: a file past the budget fails, and no boot outlives the budget" {
	TEST_AMD_BUDGET=100 test_amd pass.bats
	assert_equal "$summary" "0 passed, 1 failed, 0 skipped"
	printf '%s\n' "$output" | grep -qx "not ok pass.bats: NOT RUN: past test-amd's budget of 100 s"
	assert_equal "$boots" ""
	TEST_AMD_BUDGET=300 test_amd pass.bats
	assert_equal "$summary" "2 passed, 0 failed, 1 skipped"
	# the boot's timeout is cut to what is left of the budget
	timeout=$(cut -d' ' -f3 "$FAKE_SVM_LOG")
	[ "$timeout" -le 300 ] && [ "$timeout" -gt 200 ]
}

@test "test-amd: no svm-host: one failure, said loudly" {
	test_amd --tools "$BATS_TEST_TMPDIR" pass.bats
	assert_equal "$summary" "0 passed, 1 failed, 0 skipped"
	assert_equal "$status" 1
}
