# The real-mode guest tests/gdb.bats debugs: the same output and labels as
# gdbtest.c ("123456\n", twice `value`, the greeting, "!\n" from at_out),
# in 16-bit code at cs = 0. Assembled with --defsym SPIN=1 it spins until
# gdb sets spin_until_set; with TRIPLE_FAULT=1 it raises an exception
# through an empty IVT limit.
	.code16
	.section .start, "ax"
	.globl _start
_start:
	jmp	gdb_main

	.text
	.macro STEP n
	.globl	step\n
	.type	step\n, @function
step\n:
	movb	$('0' + \n), %al
	outb	%al, $0xE9
	ret
	.endm
	STEP 1
	STEP 2
	STEP 3
	STEP 4
	STEP 5
	STEP 6

	.globl	gdb_main
	.type	gdb_main, @function
gdb_main:
	call	step1
	call	step2
	call	step3
	call	step4
	call	step5
	call	step6
	movl	$0x695, watched
	movb	$'\n', %al
	outb	%al, $0xE9
	movl	value, %eax
	addl	%eax, %eax
	outl	%eax, $0xEA
	movl	$greeting, %eax
	outl	%eax, $0xEC
	movw	$0x695, %bx
	.globl	registers_marked
registers_marked:
	nop
	movb	$'!', %al
	.globl	at_out, after_out
at_out:
	outb	%al, $0xE9
after_out:
	nop
	movb	$'\n', %al
	outb	%al, $0xE9
.ifdef SPIN
spin:
	cmpl	$0, spin_until_set
	je	spin
.endif
.ifdef TRIPLE_FAULT
	lidt	empty_idt
	int	$3
.endif
	xorl	%eax, %eax
	hlt

	.data
	.globl	value, spin_until_set, watched, greeting
value:	.long	7
spin_until_set:
	.long	0
watched:
	.long	0
greeting:
	.asciz	"debugged by gdb\n"
empty_idt:
	.word	0
	.long	0
