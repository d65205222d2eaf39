# Neo, preempted: the loop of guest1-a.s with its `out` commented out, so
# it never exits on its own; only the host's timer takes the CPU back.
	.code16
	xor	%ax, %ax
1:
#	out	%ax, $0x10
	inc	%ax
	jmp	1b
