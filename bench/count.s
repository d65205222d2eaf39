# The bench's counting guest (real mode, loaded at 0): a 64-bit loop count
# in edx:eax, read back at the end by matrix --print-count. Its share of
# all the guests' counts is its share of the CPU, measured by the work
# done, not by the clock matrix charges with.
	.code16
	xor %eax, %eax
	xor %edx, %edx
1:	add $1, %eax
	adc $0, %edx
	jmp 1b
