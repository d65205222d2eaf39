# step.bash: sourced by run-bench and matrix-scale. Every benchmark step has
# a time limit, and a step that fails or hangs says so by name while the
# run goes on to the next step.

# BENCH_TIME_SCALE multiplies every limit (e.g. 20 under an emulated KVM,
# where VMs run 10-50 times slower; default 1).
BENCH_TIME_SCALE=${BENCH_TIME_SCALE:-1}

# step NAME SECONDS COMMAND...: runs the program COMMAND for at most
# SECONDS × BENCH_TIME_SCALE. Returns its status; on a failure or a timeout
# prints one line naming the step to stderr.
step() {
	local name=$1 limit status=0
	limit=$(($2 * BENCH_TIME_SCALE))
	shift 2
	timeout -k 5 "$limit" "$@" || status=$?
	case $status in
	0) ;;
	124|137) echo "  STEP FAILED: $name did not end in $limit s and was killed" >&2 ;;
	*) echo "  STEP FAILED: $name exited with status $status" >&2 ;;
	esac
	return "$status"
}
