/*
 * stress-ipc: sends one raw message to a local libqb IPC endpoint (for the
 * stress suite, src/test/stress): connect to NAME, send the bytes of FILE as
 * they are (libqb header included, made by src/test/stress/attacks.py), then
 * wait up to SECONDS for a reply or the server closing the connection.
 *
 *   stress-ipc NAME FILE [SECONDS]
 *
 * Findings as key=value lines: connect (ok or the error), send_rc, then
 * reply_bytes and reply (its text, printable bytes only) or end=disconnected /
 * end=timeout. Exit status 0 once the message was sent, 1 if connecting or
 * sending failed, 2 on a usage error.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <qb/qbipcc.h>

static long long
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

int
main(int argc, char **argv)
{
    struct stat st;
    char *msg, reply[256 * 1024];
    int fd, seconds = argc > 3 ? atoi(argv[3]) : 10;
    ssize_t rc;
    qb_ipcc_connection_t *c;
    long long deadline;

    if (argc < 3) {
        fprintf(stderr, "usage: stress-ipc NAME FILE [SECONDS]\n");
        return 2;
    }
    fd = open(argv[2], O_RDONLY);
    if (fd < 0 || fstat(fd, &st) != 0) {
        perror(argv[2]);
        return 2;
    }
    msg = malloc(st.st_size);
    if (msg == NULL || read(fd, msg, st.st_size) != st.st_size) {
        perror(argv[2]);
        return 2;
    }
    close(fd);

    c = qb_ipcc_connect(argv[1], sizeof(reply));
    if (c == NULL) {
        printf("connect=%s\n", strerror(errno));
        return 1;
    }
    printf("connect=ok\n");
    rc = qb_ipcc_send(c, msg, st.st_size);
    printf("send_rc=%zd\n", rc);
    if (rc < 0) {
        qb_ipcc_disconnect(c);
        return 1;
    }
    fflush(stdout);
    deadline = now_ms() + seconds * 1000LL;
    for (;;) {
        rc = qb_ipcc_recv(c, reply, sizeof(reply), 200);
        if (rc > 0) {
            printf("reply_bytes=%zd\nreply=", rc);
            for (ssize_t i = 40; i < rc && reply[i] != '\0' && i < 1000; i++) {
                putchar((reply[i] >= 0x20 && reply[i] < 0x7f) ? reply[i] : '.');
            }
            putchar('\n');
            break;
        }
        if (!qb_ipcc_is_connected(c) || (rc < 0 && rc != -EAGAIN && rc != -ETIMEDOUT)) {
            printf("end=disconnected\n");
            break;
        }
        if (now_ms() >= deadline) {
            printf("end=timeout\n");
            break;
        }
    }
    qb_ipcc_disconnect(c);
    return 0;
}
