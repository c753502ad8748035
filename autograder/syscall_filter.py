"""The grading kernel's system-call filter: a small seccomp program, written as classic BPF by hand.

bubblewrap installs it (``--seccomp FD``) right before it runs the kernel, so the
kernel and every process it starts are bound by it. It refuses what a notebook
never needs and what reaches outside the sandbox or widens the kernel's attack
surface:

* kernel keyrings (``add_key``, ``keyctl``, ``request_key``): a key stored by uid
  65534 outlives the sandbox, so one submission could hand code to the next;
* new namespaces (``unshare``, ``setns``, ``clone`` with a ``CLONE_NEW*`` flag),
  mounts of every kind, ``pivot_root``, ``chroot``;
* ``ptrace`` and ``process_vm_readv/writev``, ``bpf``, ``userfaultfd``,
  ``perf_event_open``, ``io_uring_*``, ``open_by_handle_at``, loading kernel
  modules or kernels, and ``personality`` changes (only the query and the default
  persona are allowed: no ``ADDR_NO_RANDOMIZE``, no ``READ_IMPLIES_EXEC``);
* any other ABI than the native one (i386 on x86_64, x32, arm32 on aarch64).

A refused call fails with ``EPERM`` instead of killing the process: libraries
probe for some of these calls (io_uring, perf counters, ``personality``) and fall
back when they are refused, so honest code keeps working and hostile code gets an
ordinary ``OSError``. ``clone3`` fails with ``ENOSYS``: its flags live in a struct
that a filter cannot read, and ``ENOSYS`` makes glibc fall back to ``clone``,
whose flags it can. Only x86_64 and aarch64 are known here; elsewhere
:func:`filter_program` returns None and the isolation report says there is no filter.
"""

from __future__ import annotations

import platform
import struct

__all__ = ["DENIED", "filter_program", "syscall_numbers"]

# -- classic BPF and seccomp constants (linux/filter.h, linux/seccomp.h, linux/audit.h) ----------------------
_LD_W_ABS, _JEQ, _JGE, _JSET, _RET = 0x20, 0x15, 0x35, 0x45, 0x06
_ALLOW = 0x7FFF0000
_ERRNO = 0x00050000
_EPERM, _ENOSYS = 1, 38
_NR, _ARCH, _ARG0 = 0, 4, 16  # offsets in struct seccomp_data (args are 64-bit; the low word comes first here)
_X32_BIT = 0x40000000
#: the namespace flags of clone(2): NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET
_CLONE_NEW = 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000
#: personality(2) values allowed: the default persona (PER_LINUX) and the query (0xffffffff)
_PERSONAS = (0x0, 0xFFFFFFFF)

#: refused outright (EPERM), by name
DENIED = (
    "add_key", "keyctl", "request_key",
    "io_uring_setup", "io_uring_enter", "io_uring_register",
    "unshare", "setns",
    "ptrace", "process_vm_readv", "process_vm_writev",
    "bpf", "userfaultfd", "perf_event_open",
    "mount", "umount2", "pivot_root", "chroot",
    "open_tree", "move_mount", "fsopen", "fsconfig", "fsmount", "fspick", "mount_setattr",
    "kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module",
    "open_by_handle_at",
)

# System-call numbers per architecture: (AUDIT_ARCH_*, name -> number), from the kernel's syscall tables
# (arch/x86/entry/syscalls/syscall_64.tbl, include/uapi/asm-generic/unistd.h); checked against libseccomp
# in the tests. Numbers from 424 on are the same on every architecture.
_COMMON = {"io_uring_setup": 425, "io_uring_enter": 426, "io_uring_register": 427, "open_tree": 428,
           "move_mount": 429, "fsopen": 430, "fsconfig": 431, "fsmount": 432, "fspick": 433, "clone3": 435,
           "mount_setattr": 442}
_TABLES = {
    "x86_64": (0xC000003E, {
        "clone": 56, "ptrace": 101, "personality": 135, "pivot_root": 155, "chroot": 161, "mount": 165,
        "umount2": 166, "init_module": 175, "delete_module": 176, "kexec_load": 246, "add_key": 248,
        "request_key": 249, "keyctl": 250, "unshare": 272, "perf_event_open": 298, "open_by_handle_at": 304,
        "setns": 308, "process_vm_readv": 310, "process_vm_writev": 311, "finit_module": 313,
        "kexec_file_load": 320, "bpf": 321, "userfaultfd": 323, **_COMMON}),
    "aarch64": (0xC00000B7, {
        "umount2": 39, "mount": 40, "pivot_root": 41, "chroot": 51, "personality": 92, "unshare": 97,
        "kexec_load": 104, "init_module": 105, "delete_module": 106, "ptrace": 117, "add_key": 217,
        "request_key": 218, "keyctl": 219, "clone": 220, "perf_event_open": 241, "open_by_handle_at": 265,
        "setns": 268, "process_vm_readv": 270, "process_vm_writev": 271, "finit_module": 273, "bpf": 280,
        "userfaultfd": 282, "kexec_file_load": 294, **_COMMON}),
}


def syscall_numbers(machine: str | None = None) -> tuple[int, dict[str, int]] | None:
    """(AUDIT_ARCH value, system-call numbers by name) for ``machine`` (default: this one), or None."""
    return _TABLES.get(machine or platform.machine())


def _assemble(program: list[tuple]) -> bytes:
    """``(code, k)`` statements, ``(code, k, true_label, false_label)`` jumps and ``("label", name)``
    markers -> the packed ``struct sock_filter`` array (jump offsets count the instructions skipped)."""
    labels, position = {}, 0
    for item in program:
        if item[0] == "label":
            labels[item[1]] = position
        else:
            position += 1
    packed, position = [], 0
    for item in program:
        if item[0] == "label":
            continue
        code, k, *targets = item
        jt, jf = (0 if t is None else labels[t] - position - 1 for t in (targets or (None, None)))
        packed.append(struct.pack("=HBBI", code, jt, jf, k))
        position += 1
    return b"".join(packed)


def filter_program(machine: str | None = None) -> bytes | None:
    """The compiled filter for ``machine`` (default: this one), or None when its numbers are not known."""
    table = syscall_numbers(machine)
    if table is None:
        return None
    arch, numbers = table
    program: list[tuple] = [(_LD_W_ABS, _ARCH), (_JEQ, arch, None, "deny"), (_LD_W_ABS, _NR)]
    if arch == _TABLES["x86_64"][0]:
        program.append((_JGE, _X32_BIT, "deny", None))
    program += [(_JEQ, numbers[name], "deny", None) for name in DENIED]
    program += [(_JEQ, numbers["clone3"], "enosys", None), (_JEQ, numbers["clone"], "clone", None),
                (_JEQ, numbers["personality"], "personality", None), (_RET, _ALLOW),
                ("label", "clone"), (_LD_W_ABS, _ARG0), (_JSET, _CLONE_NEW, "deny", "allow"),
                ("label", "personality"), (_LD_W_ABS, _ARG0)]
    program += [(_JEQ, persona, "allow", None) for persona in _PERSONAS]
    program += [("label", "deny"), (_RET, _ERRNO | _EPERM), ("label", "enosys"), (_RET, _ERRNO | _ENOSYS),
                ("label", "allow"), (_RET, _ALLOW)]
    return _assemble(program)
