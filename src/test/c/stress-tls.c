/*
 * stress-tls: a raw Pacemaker Remote peer for the stress suite (src/test/stress).
 *
 * It does what Pacemaker's client library never would: after the TLS-PSK
 * handshake it sends the bytes of a file exactly as they are (frames made by
 * src/test/stress/attacks.py, valid or not), and then either reads what comes
 * back or stops reading altogether. Everything is bounded by -t.
 *
 *   stress-tls [-H HOST] [-p PORT] [-s SRC_ADDR] -k KEYFILE [-I FIRST] [-i FILE]
 *              [-n REPEAT] [-m read|noread|none] [-t SECONDS] [-P PRIORITY] [-x CHARS]
 *
 *   -I FIRST   bytes to send once, before FILE (e.g. a registration)
 *   -d MS      wait MS milliseconds between the handshake and the first byte
 *   -i FILE    bytes to send after the handshake (none without -i)
 *   -n REPEAT  send the file REPEAT times (0: again and again until -t)
 *   -m read    (default) afterwards read frames until the peer closes or -t;
 *              each payload is printed as "recv=TEXT" (at most -x chars, 300)
 *   -m noread  never read: keep sending the file (-n 0) or just wait
 *   -m none    close right after sending
 *
 * Findings as key=value lines on stdout: handshake (ok / the GnuTLS error),
 * sent_bytes, recv_bytes, recv_msgs, end (eof, reset, timeout, done,
 * send_error, recv_error) and elapsed_ms. Exit status 0 when the handshake
 * succeeded, 1 when it failed, 2 on a usage or setup error.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/gnutls.h>

#define DEFAULT_PRIORITY "NORMAL:+ECDHE-PSK:+DHE-PSK:+PSK"

static long long
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static unsigned char *
read_file(const char *path, size_t *len)
{
    struct stat st;
    unsigned char *buf;
    size_t got = 0;
    int fd = open(path, O_RDONLY);

    if (fd < 0 || fstat(fd, &st) != 0) {
        perror(path);
        exit(2);
    }
    buf = malloc(st.st_size > 0 ? st.st_size : 1);
    while (buf != NULL && got < (size_t) st.st_size) {
        ssize_t n = read(fd, buf + got, st.st_size - got);

        if (n <= 0) {
            perror(path);
            exit(2);
        }
        got += n;
    }
    close(fd);
    *len = got;
    return buf;
}

static void
usage(void)
{
    fprintf(stderr, "usage: stress-tls [-H HOST] [-p PORT] [-s SRC_ADDR] -k KEYFILE [-i FILE]"
            " [-I FIRST] [-d MS] [-n REPEAT] [-m read|noread|none] [-t SECONDS] [-P PRIORITY] [-x CHARS]\n");
    exit(2);
}

/* Prints a payload on one line, non-printable bytes as '.'. */
static void
print_payload(const unsigned char *p, size_t len, size_t max)
{
    fputs("recv=", stdout);
    for (size_t i = 0; i < len && i < max && p[i] != '\0'; i++) {
        putchar((p[i] >= 0x20 && p[i] < 0x7f) ? p[i] : '.');
    }
    putchar('\n');
}

static uint32_t
le32(const unsigned char *p)
{
    return p[0] | (p[1] << 8) | (p[2] << 16) | ((uint32_t) p[3] << 24);
}

int
main(int argc, char **argv)
{
    const char *host = "127.0.0.1", *src = NULL, *keyfile = NULL, *input = NULL, *first = NULL;
    const char *mode = "read", *priority = DEFAULT_PRIORITY;
    int port = 3121, repeat = 1, seconds = 30, delay_ms = 0, c, rc, fd;
    size_t max_print = 300, key_len = 0, in_len = 0, first_len = 0;
    unsigned char *key, *in = NULL, *first_bytes = NULL;
    long long start = now_ms(), deadline;
    unsigned long long sent = 0, recvd = 0, msgs = 0;
    const char *end = "done";
    gnutls_session_t session;
    gnutls_psk_client_credentials_t cred;
    gnutls_datum_t k;
    struct sockaddr_in sa = { .sin_family = AF_INET };
    struct timeval tv = { .tv_sec = 0, .tv_usec = 200000 };

    while ((c = getopt(argc, argv, "H:p:s:k:I:i:n:m:t:P:x:d:")) != -1) {
        switch (c) {
            case 'H': host = optarg; break;
            case 'p': port = atoi(optarg); break;
            case 's': src = optarg; break;
            case 'k': keyfile = optarg; break;
            case 'I': first = optarg; break;
            case 'i': input = optarg; break;
            case 'n': repeat = atoi(optarg); break;
            case 'm': mode = optarg; break;
            case 't': seconds = atoi(optarg); break;
            case 'P': priority = optarg; break;
            case 'x': max_print = (size_t) atol(optarg); break;
            case 'd': delay_ms = atoi(optarg); break;
            default: usage();
        }
    }
    if (keyfile == NULL || (strcmp(mode, "read") && strcmp(mode, "noread") && strcmp(mode, "none"))) {
        usage();
    }
    deadline = start + seconds * 1000LL;
    signal(SIGPIPE, SIG_IGN);
    key = read_file(keyfile, &key_len);
    if (input != NULL) {
        in = read_file(input, &in_len);
    }
    if (first != NULL) {
        first_bytes = read_file(first, &first_len);
    }

    fd = socket(AF_INET, SOCK_STREAM, 0);
    if (src != NULL) {
        struct sockaddr_in ss = { .sin_family = AF_INET };

        inet_pton(AF_INET, src, &ss.sin_addr);
        if (bind(fd, (struct sockaddr *) &ss, sizeof(ss)) != 0) {
            perror("bind");
            return 2;
        }
    }
    sa.sin_port = htons(port);
    if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
        fprintf(stderr, "not an IPv4 address: %s\n", host);
        return 2;
    }
    if (connect(fd, (struct sockaddr *) &sa, sizeof(sa)) != 0) {
        printf("handshake=connect: %s\nelapsed_ms=%lld\n", strerror(errno), now_ms() - start);
        return 1;
    }
    /* Short socket timeouts: every blocking call comes back to check the deadline. */
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));

    gnutls_global_init();
    gnutls_psk_allocate_client_credentials(&cred);
    k.data = key;
    k.size = (unsigned int) key_len;
    gnutls_psk_set_client_credentials(cred, "lrmd", &k, GNUTLS_PSK_KEY_RAW);
    gnutls_init(&session, GNUTLS_CLIENT);
    if (gnutls_priority_set_direct(session, priority, NULL) != GNUTLS_E_SUCCESS) {
        fprintf(stderr, "bad priority string: %s\n", priority);
        return 2;
    }
    gnutls_credentials_set(session, GNUTLS_CRD_PSK, cred);
    gnutls_transport_set_int(session, fd);
    do {
        rc = gnutls_handshake(session);
    } while ((rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED || (rc < 0 && !gnutls_error_is_fatal(rc)))
             && now_ms() < deadline);
    if (rc != GNUTLS_E_SUCCESS) {
        printf("handshake=%s\nelapsed_ms=%lld\n", gnutls_strerror(rc), now_ms() - start);
        return 1;
    }
    printf("handshake=ok\n");
    fflush(stdout);
    if (delay_ms > 0) {
        usleep(delay_ms * 1000);
    }

    /* Send: the file REPEAT times (0 = until the deadline), record by record. */
    for (int round = (first_bytes != NULL) ? -1 : 0;
         round < 0 || (in != NULL && (repeat == 0 || round < repeat)); round++) {
        const unsigned char *data = round < 0 ? first_bytes : in;
        size_t len = round < 0 ? first_len : in_len;
        size_t off = 0;

        size_t frame_end = 0;

        while (off < len) {
            size_t chunk;
            ssize_t n;

            /* Each frame's header in a record of its own, then its payload, as Pacemaker's
             * library does (a 2.1.5 daemon reads a message whose header arrives in the same
             * record as its payload only once more data follows). */
            if (off >= frame_end && len - off >= 40 && le32(data + off) == 0xBADADBBD) {
                uint32_t total = le32(data + off + 24);

                frame_end = off + (total >= 40 ? total : 40);
                chunk = 40;
            } else {
                size_t limit = (off < frame_end ? frame_end : len) - off;

                chunk = limit > 16384 ? 16384 : limit;
            }
            n = gnutls_record_send(session, data + off, chunk);

            if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED) {
                if (now_ms() >= deadline) {
                    end = "timeout";
                    goto finish;
                }
                /* GnuTLS wants the same call again with nothing new */
                continue;
            }
            if (n < 0) {
                end = (n == GNUTLS_E_PUSH_ERROR || n == GNUTLS_E_PREMATURE_TERMINATION) ? "reset" : "send_error";
                fprintf(stderr, "send: %s\n", gnutls_strerror((int) n));
                goto finish;
            }
            off += (size_t) n;
            sent += (unsigned long long) n;
        }
        if (now_ms() >= deadline) {
            end = "timeout";
            goto finish;
        }
    }

    if (strcmp(mode, "none") == 0) {
        goto finish;
    }
    if (strcmp(mode, "noread") == 0) {
        /* Never read: notice a close only through the socket's state. */
        while (now_ms() < deadline) {
            struct tcp_info ti;
            socklen_t len = sizeof(ti);

            if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) == 0
                && ti.tcpi_state != 1 /* TCP_ESTABLISHED */) {
                end = "eof";
                goto finish;
            }
            usleep(100000);
        }
        end = "timeout";
        goto finish;
    }

    /* Read frames until the peer closes or the deadline passes. */
    {
        size_t cap = 1 << 20, have = 0;
        unsigned char *buf = malloc(cap);

        end = "timeout";
        while (now_ms() < deadline) {
            ssize_t n;

            if (have == cap) {
                cap *= 2;
                buf = realloc(buf, cap);
            }
            n = gnutls_record_recv(session, buf + have, cap - have);
            if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED) {
                continue;
            }
            if (n == 0) {
                end = "eof";
                break;
            }
            if (n < 0) {
                end = (n == GNUTLS_E_PULL_ERROR || n == GNUTLS_E_PREMATURE_TERMINATION) ? "reset" : "recv_error";
                fprintf(stderr, "recv: %s\n", gnutls_strerror((int) n));
                break;
            }
            have += (size_t) n;
            recvd += (unsigned long long) n;
            while (have >= 40) {
                uint32_t total = le32(buf + 24), off = le32(buf + 28), comp = le32(buf + 32);

                if (total < 40 || off > total) {
                    printf("recv_malformed=1\n");
                    have = 0;
                    break;
                }
                if (have < total) {
                    break;
                }
                msgs++;
                if (comp != 0) {
                    printf("recv_compressed=%u\n", comp);
                } else {
                    print_payload(buf + off, total - off, max_print);
                }
                fflush(stdout);
                memmove(buf, buf + total, have - total);
                have -= total;
            }
        }
        free(buf);
    }

finish:
    printf("sent_bytes=%llu\nrecv_bytes=%llu\nrecv_msgs=%llu\nend=%s\nelapsed_ms=%lld\n",
           sent, recvd, msgs, end, now_ms() - start);
    fflush(stdout);
    if (strcmp(end, "eof") != 0 && strcmp(end, "reset") != 0) {
        gnutls_bye(session, GNUTLS_SHUT_WR);
    }
    close(fd);
    return 0;
}
