/*
 * tlstap: an LD_PRELOAD library that records the plaintext of every GnuTLS session of the process
 * it is loaded into, for recording traces of the C pacemaker-remoted (docs/traces.md).
 *
 *   LD_PRELOAD=tlstap.so TLSTAP_FILE=/some/file pacemaker-remoted
 *
 * It wraps gnutls_record_recv and gnutls_record_send (the only calls the daemon moves session data
 * with), hands each call on unchanged, and appends one record per call that moved bytes:
 *   u8 direction ('<' received by the process, '>' sent by it), u64 session (the gnutls_session_t),
 *   u64 CLOCK_REALTIME in ns, u32 length, then the bytes; all integers little-endian (x86-64).
 * One write(2) per record on an O_APPEND descriptor, so records never interleave.
 * scripts/trace-from-tap.py turns the file into the *.xml-log format of test-fixtures/traces.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <gnutls/gnutls.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int tap_fd = -2;

static void tap(char direction, gnutls_session_t session, const void *data, ssize_t len)
{
    if (len <= 0) {
        return;
    }
    if (tap_fd == -2) {
        const char *path = getenv("TLSTAP_FILE");
        tap_fd = path ? open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600) : -1;
    }
    if (tap_fd < 0) {
        return;
    }
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    uint64_t id = (uint64_t) (uintptr_t) session;
    uint64_t ns = (uint64_t) now.tv_sec * 1000000000u + (uint64_t) now.tv_nsec;
    uint32_t n = (uint32_t) len;
    size_t head = 1 + 8 + 8 + 4;
    char *rec = malloc(head + n);
    if (rec == NULL) {
        return;
    }
    rec[0] = direction;
    memcpy(rec + 1, &id, 8);
    memcpy(rec + 9, &ns, 8);
    memcpy(rec + 17, &n, 4);
    memcpy(rec + head, data, n);
    ssize_t ignored = write(tap_fd, rec, head + n);
    (void) ignored;
    free(rec);
}

ssize_t gnutls_record_recv(gnutls_session_t session, void *data, size_t data_size)
{
    static ssize_t (*real)(gnutls_session_t, void *, size_t);
    if (real == NULL) {
        real = (ssize_t (*)(gnutls_session_t, void *, size_t)) dlsym(RTLD_NEXT, "gnutls_record_recv");
    }
    ssize_t got = real(session, data, data_size);
    tap('<', session, data, got);
    return got;
}

ssize_t gnutls_record_send(gnutls_session_t session, const void *data, size_t data_size)
{
    static ssize_t (*real)(gnutls_session_t, const void *, size_t);
    if (real == NULL) {
        real = (ssize_t (*)(gnutls_session_t, const void *, size_t)) dlsym(RTLD_NEXT, "gnutls_record_send");
    }
    ssize_t sent = real(session, data, data_size);
    tap('>', session, data, sent);
    return sent;
}
