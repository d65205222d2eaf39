# The real-mode guest tests/gdb.bats debugs: the same output and labels as
# gdbtest.c ("123456\n", twice `value`, the greeting, "!\n" from at_out),
# in 16-bit code at cs = 0. Assembled with --defsym SPIN=1 it spins until
# gdb sets spin_until_set; with TRIPLE_FAULT=1 it raises an exception
# through an empty IVT limit. Its IVT at guest address 0 has an entry of
# its own for that exception, vector 3: on a KVM that ignores the IDT limit
# in real mode (kvm-pvm, kvm_intel's vm86 path) the int $3 goes there, and
# the guest says so and halts, instead of running whatever the table held.
	.code16
	.section .start, "ax"
	.globl _start
_start:
	jmp	gdb_main
	.org	4 * 3                   # IVT entry 3: offset, segment
	.word	bp_through_ivt, 0

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

# IVT entry 3: the int $3 went through the table despite its limit 0.
bp_through_ivt:
	movl	$ivt_report, %eax
	outl	%eax, $0xEC
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
ivt_report:
	.asciz	"exception 3 (#BP) went through the IVT at guest address 0 despite its limit 0: this KVM ignores the IDT limit in real mode, no triple fault\n"
empty_idt:
	.word	0
	.long	0
