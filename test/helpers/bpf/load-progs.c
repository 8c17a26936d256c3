// Loads minimal eBPF programs named like Cilium's through the raw bpf() syscall, pins them under a
// directory in a BPF filesystem, prints one JSON line per program and exits (the pins keep them alive).
// Usage: load-progs PIN_DIR TYPE:NAME...   TYPE is sched_cls, xdp or sock4_connect/sock6_connect/...
// Self-contained on purpose (no libbpf, no kernel headers): the struct layouts below are the prefixes
// of union bpf_attr and struct bpf_prog_info from include/uapi/linux/bpf.h that these commands read.
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef __NR_bpf
#error "this architecture has no __NR_bpf"
#endif

enum { CMD_PROG_LOAD = 5, CMD_OBJ_PIN = 6, CMD_OBJ_GET_INFO_BY_FD = 15 };
enum { TYPE_SCHED_CLS = 3, TYPE_XDP = 6, TYPE_CGROUP_SOCK_ADDR = 18 };
/* enum bpf_attach_type */
enum {
  ATTACH_INET4_CONNECT = 10, ATTACH_INET6_CONNECT = 11,
  ATTACH_UDP4_SENDMSG = 14, ATTACH_UDP6_SENDMSG = 15,
  ATTACH_UDP4_RECVMSG = 19, ATTACH_UDP6_RECVMSG = 20,
  ATTACH_INET4_GETPEERNAME = 29, ATTACH_INET6_GETPEERNAME = 30,
};
#define OBJ_NAME_LEN 16 /* BPF_OBJ_NAME_LEN, including the NUL */

struct insn { uint8_t code; uint8_t regs; int16_t off; int32_t imm; };

struct prog_load_attr {
  uint32_t prog_type, insn_cnt;
  uint64_t insns, license;
  uint32_t log_level, log_size;
  uint64_t log_buf;
  uint32_t kern_version, prog_flags;
  char prog_name[OBJ_NAME_LEN];
  uint32_t prog_ifindex, expected_attach_type;
};
struct obj_pin_attr { uint64_t pathname; uint32_t bpf_fd, file_flags; };
struct info_attr { uint32_t bpf_fd, info_len; uint64_t info; };
struct prog_info_prefix { uint32_t type, id; uint8_t tag[8]; };

/* The kernel takes the full union; pad so it never reads past our buffer. */
union attr { struct prog_load_attr load; struct obj_pin_attr pin; struct info_attr info; char pad[256]; };

static long sys_bpf(int cmd, union attr *a) { return syscall(__NR_bpf, cmd, a, sizeof(*a)); }

static int sock_hook(const char *t, uint32_t *attach) {
  static const struct { const char *n; uint32_t a; } hooks[] = {
    {"sock4_connect", ATTACH_INET4_CONNECT}, {"sock6_connect", ATTACH_INET6_CONNECT},
    {"sock4_sendmsg", ATTACH_UDP4_SENDMSG}, {"sock6_sendmsg", ATTACH_UDP6_SENDMSG},
    {"sock4_recvmsg", ATTACH_UDP4_RECVMSG}, {"sock6_recvmsg", ATTACH_UDP6_RECVMSG},
    {"sock4_getpeername", ATTACH_INET4_GETPEERNAME}, {"sock6_getpeername", ATTACH_INET6_GETPEERNAME},
  };
  for (size_t i = 0; i < sizeof(hooks) / sizeof(hooks[0]); i++)
    if (strcmp(t, hooks[i].n) == 0) { *attach = hooks[i].a; return 1; }
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 3) { fprintf(stderr, "usage: %s PIN_DIR TYPE:NAME...\n", argv[0]); return 2; }
  static char log[65536];
  for (int i = 2; i < argc; i++) {
    char spec[256];
    snprintf(spec, sizeof(spec), "%s", argv[i]);
    char *colon = strchr(spec, ':');
    if (!colon) { fprintf(stderr, "bad spec %s (want TYPE:NAME)\n", argv[i]); return 2; }
    *colon = '\0';
    const char *type = spec, *name = colon + 1;

    union attr a;
    memset(&a, 0, sizeof(a));
    int32_t ret;
    if (strcmp(type, "sched_cls") == 0) { a.load.prog_type = TYPE_SCHED_CLS; ret = 0; /* TC_ACT_OK */ }
    else if (strcmp(type, "xdp") == 0) { a.load.prog_type = TYPE_XDP; ret = 2; /* XDP_PASS */ }
    else if (sock_hook(type, &a.load.expected_attach_type)) { a.load.prog_type = TYPE_CGROUP_SOCK_ADDR; ret = 1; /* allow */ }
    else { fprintf(stderr, "unknown type %s\n", type); return 2; }

    /* r0 = ret; exit */
    struct insn prog[2] = { {0xb7, 0, 0, ret}, {0x95, 0, 0, 0} };
    a.load.insn_cnt = 2;
    a.load.insns = (uint64_t)(uintptr_t)prog;
    a.load.license = (uint64_t)(uintptr_t)"GPL";
    a.load.log_level = 1;
    a.load.log_size = sizeof(log);
    a.load.log_buf = (uint64_t)(uintptr_t)log;
    /* The name must be NUL-terminated within 16 bytes; like libbpf, keep the first 15 characters. */
    strncpy(a.load.prog_name, name, OBJ_NAME_LEN - 1);
    int fd = (int)sys_bpf(CMD_PROG_LOAD, &a);
    if (fd < 0) { fprintf(stderr, "BPF_PROG_LOAD %s: %s\n%s\n", name, strerror(errno), log); return 1; }

    struct prog_info_prefix info;
    memset(&info, 0, sizeof(info));
    memset(&a, 0, sizeof(a));
    a.info.bpf_fd = (uint32_t)fd;
    a.info.info_len = sizeof(info);
    a.info.info = (uint64_t)(uintptr_t)&info;
    if (sys_bpf(CMD_OBJ_GET_INFO_BY_FD, &a) < 0) { fprintf(stderr, "BPF_OBJ_GET_INFO_BY_FD %s: %s\n", name, strerror(errno)); return 1; }

    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", argv[1], name);
    memset(&a, 0, sizeof(a));
    a.pin.pathname = (uint64_t)(uintptr_t)path;
    a.pin.bpf_fd = (uint32_t)fd;
    if (sys_bpf(CMD_OBJ_PIN, &a) < 0) { fprintf(stderr, "BPF_OBJ_PIN %s: %s\n", path, strerror(errno)); return 1; }
    printf("{\"name\":\"%s\",\"id\":%u,\"pin\":\"%s\"}\n", name, info.id, path);
    close(fd);
  }
  return 0;
}
