/*
 * curl_load: the libcurl contestant of benchmarks/run.sh. A closed-loop HTTP/1.1 load on one
 * thread with libcurl's multi_socket interface driven by epoll (CURLMOPT_SOCKETFUNCTION and
 * CURLMOPT_TIMERFUNCTION feed an epoll set and a one-shot timer; curl_multi_socket_action runs
 * the transfers; curl_multi_info_read collects the finished ones). It does what LoadDriver and
 * ClosedLoop do for the Java clients and prints the same JSON line, so Report puts its rows
 * beside theirs:
 *
 *   C chains each send a GET (keep-alive, HTTP/1.1), wait for the whole response and send the
 *   next, until N requests were sent or the time cap passed; a warm-up phase (capped in count and
 *   time) comes first and is not counted. Every response is checked (status 200 and the exact
 *   body length, the body itself is counted and dropped); a wrong one counts as failed. Latency
 *   is the time from curl_multi_add_handle to the message of curl_multi_info_read.
 *
 * Build (Debian: apt-get install gcc libcurl4-openssl-dev; run.sh does both):
 *
 *   gcc -O2 -o curl_load benchmarks/curl/curl_load.c -lcurl
 *
 * Run (the arguments run.sh gives LoadDriver; --client, --jfr and other unknown ones are ignored):
 *
 *   ./curl_load --url http://127.0.0.1:28080/1k --requests 200000 --warmup 50000 \
 *       --concurrency 64 --seconds 10 --warmup-seconds 5 --expect-bytes 1024 \
 *       [--per-host 2 --origins 100] [--scenario small --round 1] [--server-pids 12,13] \
 *       [--probe http://127.0.0.1:28090/stats] [--proxy http://127.0.0.1:28085]
 *
 * With --proxy every request goes through that HTTP proxy (CURLOPT_PROXY): plain http is
 * forwarded in absolute form over connections to the proxy, no CONNECT tunnel.
 *
 * Output on stdout: one JSON line (LoadDriver's fields: alloc_b_per_req is left out, as for wrk)
 * and one Markdown row; everything else goes to stderr. Linux only (epoll, /proc), glibc 2.33+
 * (mallinfo2, for the --probe measurement). No library but libcurl and libc.
 */
#define _GNU_SOURCE
#include <curl/curl.h>
#include <errno.h>
#include <malloc.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define GRACE_NS (30LL * 1000000000LL)   /* how long a phase waits past its cap for the requests in flight */
#define MAX_EVENTS 1024
#define SAMPLE_NS (100LL * 1000000LL)    /* how often the thread count is sampled */
#define PROBE_EVERY_NS (20LL * 1000000LL)
#define PROBE_FOR_NS (10LL * 1000000000LL)

/* ------------------------------------------------------------------ arguments */

static const char *url_arg, *scenario = "adhoc", *server_pids = "", *probe_url = "", *proxy_url = "";
static long requests = 100000, warmup = -1, concurrency = 64, seconds = 10, warmup_seconds = 5;
static long expect_bytes = -1, per_host = 0, origins = 1, round_no = 1;

static long number(const char *name, const char *v)
{
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (errno || *end || end == v) {
        fprintf(stderr, "curl_load: --%s is not a whole number: \"%s\"\n", name, v);
        exit(2);
    }
    return n;
}

static void parse_args(int argc, char **argv)
{
    for (int i = 1; i < argc; i += 2) {
        if (strncmp(argv[i], "--", 2) != 0 || i + 1 >= argc) {
            fprintf(stderr, "curl_load: expected --name value but got \"%s\"\n", argv[i]);
            exit(2);
        }
        const char *n = argv[i] + 2, *v = argv[i + 1];
        if (!strcmp(n, "url")) url_arg = v;
        else if (!strcmp(n, "scenario")) scenario = v;
        else if (!strcmp(n, "server-pids")) server_pids = v;
        else if (!strcmp(n, "probe")) probe_url = v;
        else if (!strcmp(n, "proxy")) proxy_url = v;
        else if (!strcmp(n, "requests")) requests = number(n, v);
        else if (!strcmp(n, "warmup")) warmup = number(n, v);
        else if (!strcmp(n, "concurrency")) concurrency = number(n, v);
        else if (!strcmp(n, "seconds")) seconds = number(n, v);
        else if (!strcmp(n, "warmup-seconds")) warmup_seconds = number(n, v);
        else if (!strcmp(n, "expect-bytes")) expect_bytes = number(n, v);
        else if (!strcmp(n, "per-host")) per_host = number(n, v);
        else if (!strcmp(n, "origins")) origins = number(n, v);
        else if (!strcmp(n, "round")) round_no = number(n, v);
        /* else: --client, --jfr, ...: LoadDriver's, meaningless here */
    }
    if (!url_arg) {
        fprintf(stderr, "curl_load: --url is required\n");
        exit(2);
    }
    if (warmup < 0) warmup = requests < 20000 ? requests : 20000;
    if (concurrency < 1 || requests < 0) {
        fprintf(stderr, "curl_load: --concurrency must be at least 1 and --requests not negative\n");
        exit(2);
    }
}

/* The URL itself, or the same URL on 127.0.0.1 .. 127.0.0.n (as LoadDriver.origins). */
static char **make_urls(long n)
{
    char **urls = calloc(n < 1 ? 1 : n, sizeof *urls);
    if (n <= 1) {
        urls[0] = strdup(url_arg);
        return urls;
    }
    const char *at = strstr(url_arg, "//127.0.0.1");
    if (!at || n > 254) {
        fprintf(stderr, "curl_load: --origins needs a URL on 127.0.0.1 and at most 254 origins\n");
        exit(2);
    }
    const char *rest = at + strlen("//127.0.0.1");
    for (long i = 0; i < n; i++) {
        if (asprintf(&urls[i], "%.*s//127.0.0.%ld%s", (int) (at - url_arg), url_arg, i + 1, rest) < 0) {
            perror("asprintf");
            exit(1);
        }
    }
    return urls;
}

/* ------------------------------------------------------------------ clocks and /proc */

static int64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t) t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* CPU time of this process (user + system, every thread), in nanoseconds. */
static int64_t cpu_ns(void)
{
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return ((int64_t) u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1000000000LL
           + ((int64_t) u.ru_utime.tv_usec + u.ru_stime.tv_usec) * 1000LL;
}

/* A "Name:   value kB" line of /proc/self/status, or -1. */
static long self_status(const char *name)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (!f) return -1;
    char line[256];
    long v = -1;
    size_t len = strlen(name);
    while (fgets(line, sizeof line, f)) {
        if (!strncmp(line, name, len) && line[len] == ':') {
            v = strtol(line + len + 1, NULL, 10);
            break;
        }
    }
    fclose(f);
    return v;
}

/* Busy ticks of all cores (user, nice, system, irq, softirq, steal), or -1. */
static long long machine_busy_ticks(void)
{
    FILE *f = fopen("/proc/stat", "r");
    if (!f) return -1;
    unsigned long long user, nice, sys, idle, iowait, irq, softirq, steal;
    int got = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu",
                     &user, &nice, &sys, &idle, &iowait, &irq, &softirq, &steal);
    fclose(f);
    return got == 8 ? (long long) (user + nice + sys + irq + softirq + steal) : -1;
}

/* User and system ticks of the comma-separated processes; an ended one counts 0. */
static long long server_ticks(const char *pids)
{
    long long sum = 0;
    const char *p = pids;
    while (*p) {
        char *end;
        long pid = strtol(p, &end, 10);
        if (end == p) { p++; continue; }
        p = end;
        char path[64], buf[1024];
        snprintf(path, sizeof path, "/proc/%ld/stat", pid);
        FILE *f = fopen(path, "r");
        if (!f) continue;
        size_t n = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[n] = 0;
        char *s = strrchr(buf, ')');
        unsigned long long utime, stime;
        /* after ") ": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime */
        if (s && sscanf(s + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime, &stime) == 2)
            sum += (long long) (utime + stime);
    }
    return sum;
}

/* Malloc heap in use (small blocks and mmapped ones), in bytes. */
static long long heap_in_use(void)
{
    struct mallinfo2 m = mallinfo2();
    return (long long) (m.uordblks + m.hblkhd);
}

/* ------------------------------------------------------------------ the event loop */

struct chain {
    CURL *easy;
    int64_t start;
    curl_off_t bytes;
    int busy;
};

struct phase {
    long requests, chains;
    int64_t start, deadline, last_end;
    long issued, ok, errors, chains_done;
    uint32_t *latencies_us;     /* NULL: not recorded (warm-up) */
};

static CURLM *multi;
static int epfd;
static int64_t timer_at = -1;   /* when libcurl wants curl_multi_socket_action(CURL_SOCKET_TIMEOUT); -1: never */
static struct chain *chains;
static long chains_made;
static char **urls;
static long peak_threads;
static int64_t next_sample;
static int first_error_shown;

static int on_socket(CURL *easy, curl_socket_t s, int what, void *userp, void *socketp)
{
    (void) easy; (void) userp; (void) socketp;
    if (what == CURL_POLL_REMOVE) {
        epoll_ctl(epfd, EPOLL_CTL_DEL, s, NULL);   /* may be gone already: nothing to do then */
        return 0;
    }
    struct epoll_event ev = {0};
    ev.events = (what & CURL_POLL_IN ? EPOLLIN : 0) | (what & CURL_POLL_OUT ? EPOLLOUT : 0);
    ev.data.fd = s;
    if (epoll_ctl(epfd, EPOLL_CTL_MOD, s, &ev) != 0) {
        if (errno != ENOENT || epoll_ctl(epfd, EPOLL_CTL_ADD, s, &ev) != 0) {
            perror("curl_load: epoll_ctl");
            return -1;
        }
    }
    return 0;
}

static int on_timer(CURLM *m, long timeout_ms, void *userp)
{
    (void) m; (void) userp;
    timer_at = timeout_ms < 0 ? -1 : now_ns() + (int64_t) timeout_ms * 1000000LL;
    return 0;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *userp)
{
    (void) data;
    struct chain *c = userp;
    c->bytes += (curl_off_t) (size * nmemb);
    return size * nmemb;
}

static struct chain *chain_at(long i)
{
    while (chains_made <= i) {
        struct chain *c = &chains[chains_made++];
        c->easy = curl_easy_init();
        if (!c->easy) {
            fprintf(stderr, "curl_load: curl_easy_init failed\n");
            exit(1);
        }
        curl_easy_setopt(c->easy, CURLOPT_URL, urls[0]);
        curl_easy_setopt(c->easy, CURLOPT_HTTP_VERSION, (long) CURL_HTTP_VERSION_1_1);
        curl_easy_setopt(c->easy, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(c->easy, CURLOPT_WRITEDATA, c);
        curl_easy_setopt(c->easy, CURLOPT_PRIVATE, c);
        curl_easy_setopt(c->easy, CURLOPT_NOSIGNAL, 1L);
        if (proxy_url[0]) curl_easy_setopt(c->easy, CURLOPT_PROXY, proxy_url);
    }
    return &chains[i];
}

/* Sends the chain's next request, or ends the chain when the phase has sent all or is out of time. */
static void next(struct phase *ph, struct chain *c)
{
    long i = ph->issued;
    int64_t now = now_ns();
    if (i >= ph->requests || now - ph->deadline > 0) {
        ph->chains_done++;
        return;
    }
    ph->issued++;
    if (origins > 1) curl_easy_setopt(c->easy, CURLOPT_URL, urls[i % origins]);
    c->bytes = 0;
    c->busy = 1;
    c->start = now;
    CURLMcode rc = curl_multi_add_handle(multi, c->easy);
    if (rc != CURLM_OK) {
        fprintf(stderr, "curl_load: curl_multi_add_handle: %s\n", curl_multi_strerror(rc));
        exit(1);
    }
}

static void ended(struct phase *ph, CURL *easy, CURLcode result)
{
    int64_t end = now_ns();
    struct chain *c;
    long status = 0;
    curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **) &c);
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    curl_multi_remove_handle(multi, easy);
    c->busy = 0;
    if (result == CURLE_OK && status == 200 && (expect_bytes < 0 || c->bytes == expect_bytes)) {
        if (ph->latencies_us && ph->ok < ph->requests) {
            int64_t us = (end - c->start + 500) / 1000;
            ph->latencies_us[ph->ok] = us > UINT32_MAX ? UINT32_MAX : (uint32_t) us;
        }
        ph->ok++;
    } else {
        ph->errors++;
        if (!first_error_shown++)
            fprintf(stderr, "first failed request: status %ld, %lld bytes, %s\n", status,
                    (long long) c->bytes, curl_easy_strerror(result));
    }
    if (end > ph->last_end) ph->last_end = end;
    next(ph, c);
}

static void drain_messages(struct phase *ph)
{
    CURLMsg *msg;
    int left;
    while ((msg = curl_multi_info_read(multi, &left))) {
        if (msg->msg == CURLMSG_DONE) {
            CURL *easy = msg->easy_handle;      /* msg is invalid once the handle is removed */
            CURLcode result = msg->data.result;
            ended(ph, easy, result);
        }
    }
}

static void sample_threads(int64_t now)
{
    if (now - next_sample < 0) return;
    next_sample = now + SAMPLE_NS;
    long t = self_status("Threads");
    if (t > peak_threads) peak_threads = t;
}

/* The slow server's count of held requests (GET <probe path>), over a plain blocking socket; -1 if unavailable. */
static long server_held(void)
{
    char host[64], path[256] = "/";
    int port = 80;
    if (sscanf(probe_url, "http://%63[^:/]:%d%255s", host, &port, path) < 2) return -1;
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t) port);
    if (inet_pton(AF_INET, host, &a.sin_addr) != 1) return -1;
    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0) return -1;
    struct timeval tv = {2, 0};
    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    long held = -1;
    char buf[4096];
    int n = snprintf(buf, sizeof buf, "GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", path);
    if (connect(s, (struct sockaddr *) &a, sizeof a) == 0 && write(s, buf, (size_t) n) == n) {
        size_t got = 0;
        ssize_t r;
        while (got < sizeof buf - 1 && (r = read(s, buf + got, sizeof buf - 1 - got)) > 0) got += (size_t) r;
        buf[got] = 0;
        char *body = strstr(buf, "\r\n\r\n");
        if (body) held = strtol(body + 4, NULL, 10);
    }
    close(s);
    return held;
}

struct probe {
    int active;
    int64_t until, next_at;
    long long baseline;
    long held, in_flight;
    long long heap;
    int done;
};

/* As LoadDriver.probeHeap: once the server holds (nearly) every request, or one has been answered,
   or 10 s passed, the malloc heap the requests in flight take. */
static void probe_step(struct probe *p, struct phase *ph, int64_t now)
{
    if (!p->active || p->done || now - p->next_at < 0) return;
    p->next_at = now + PROBE_EVERY_NS;
    p->held = server_held();
    if (p->held < ph->requests * 0.99 && ph->ok + ph->errors == 0 && now - p->until < 0) return;
    p->in_flight = ph->issued - (ph->ok + ph->errors);
    p->heap = heap_in_use();
    p->done = 1;
}

/*
 * Runs one phase to its end: every chain ended, or GRACE_NS past the time cap (then the requests
 * still in flight are taken off the multi handle and counted as unfinished).
 */
static long run_phase(struct phase *ph, long requests_n, long cap_seconds, uint32_t *latencies, struct probe *probe)
{
    memset(ph, 0, sizeof *ph);
    ph->requests = requests_n;
    ph->chains = requests_n < concurrency ? requests_n : concurrency;
    if (ph->chains < 1) ph->chains = 1;
    ph->latencies_us = latencies;
    ph->start = ph->last_end = now_ns();
    ph->deadline = ph->start + cap_seconds * 1000000000LL;
    for (long i = 0; i < ph->chains; i++) next(ph, chain_at(i));
    if (probe && probe->active) {
        probe->until = now_ns() + PROBE_FOR_NS;
        probe->next_at = now_ns();
    }

    struct epoll_event events[MAX_EVENTS];
    int running;
    while (ph->chains_done < ph->chains) {
        int64_t now = now_ns();
        if (now - (ph->deadline + GRACE_NS) > 0) break;
        sample_threads(now);
        if (probe) probe_step(probe, ph, now);
        int wait_ms = 100;
        if (probe && probe->active && !probe->done) wait_ms = 20;
        if (timer_at >= 0) {
            int64_t ms = (timer_at - now + 999999) / 1000000;
            if (ms < wait_ms) wait_ms = ms < 0 ? 0 : (int) ms;
        }
        int n = epoll_wait(epfd, events, MAX_EVENTS, wait_ms);
        if (n < 0 && errno != EINTR) {
            perror("curl_load: epoll_wait");
            exit(1);
        }
        for (int i = 0; i < n; i++) {
            int flags = (events[i].events & EPOLLIN ? CURL_CSELECT_IN : 0)
                        | (events[i].events & EPOLLOUT ? CURL_CSELECT_OUT : 0)
                        | (events[i].events & (EPOLLERR | EPOLLHUP) ? CURL_CSELECT_ERR : 0);
            curl_multi_socket_action(multi, events[i].data.fd, flags, &running);
        }
        if (timer_at >= 0 && now_ns() - timer_at >= 0) {
            timer_at = -1;      /* libcurl sets the next one from inside the call */
            curl_multi_socket_action(multi, CURL_SOCKET_TIMEOUT, 0, &running);
        }
        drain_messages(ph);
    }
    long unfinished = 0;
    for (long i = 0; i < chains_made; i++) {
        if (chains[i].busy) {
            curl_multi_remove_handle(multi, chains[i].easy);
            chains[i].busy = 0;
            unfinished++;
        }
    }
    return unfinished;
}

/* ------------------------------------------------------------------ results */

static int by_value(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *) a, y = *(const uint32_t *) b;
    return x < y ? -1 : x > y;
}

/* The smallest recorded value that at least p percent of the values do not exceed, in ms. */
static double percentile_ms(const uint32_t *sorted, long n, double p)
{
    if (n <= 0) return 0;
    long rank = (long) ((p / 100.0) * n + 0.999999999);
    if (rank < 1) rank = 1;
    if (rank > n) rank = n;
    return sorted[rank - 1] / 1000.0;
}

int main(int argc, char **argv)
{
    parse_args(argc, argv);
    urls = make_urls(origins);
    long perhost_cap = per_host > 0 ? per_host : concurrency;
    long connections_total = perhost_cap * origins > concurrency ? perhost_cap * origins : concurrency;

    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        fprintf(stderr, "curl_load: curl_global_init failed\n");
        return 1;
    }
    epfd = epoll_create1(EPOLL_CLOEXEC);
    multi = curl_multi_init();
    if (epfd < 0 || !multi) {
        fprintf(stderr, "curl_load: cannot create the epoll set or the multi handle\n");
        return 1;
    }
    curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, on_socket);
    curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, on_timer);
    curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, connections_total);
    if (per_host > 0) curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS, per_host);
    chains = calloc((size_t) concurrency, sizeof *chains);
    uint32_t *latencies = calloc(requests > 0 ? (size_t) requests : 1, sizeof *latencies);
    if (!chains || !latencies) {
        fprintf(stderr, "curl_load: out of memory\n");
        return 1;
    }
    fprintf(stderr, "%s; %s, %ld in flight, per host %ld, origins %ld%s%s\n", curl_version(), url_arg,
            concurrency, per_host, origins, proxy_url[0] ? ", through " : "", proxy_url);
    peak_threads = self_status("Threads");

    struct phase ph;
    if (warmup > 0) {
        long left = run_phase(&ph, warmup, warmup_seconds, NULL, NULL);
        fprintf(stderr, "libcurl warm-up: %ld ok, %ld failed%s\n", ph.ok, ph.errors, left ? " (some unfinished)" : "");
    }
    first_error_shown = 0;

    struct probe probe = {0};
    probe.active = probe_url[0] != 0;
    probe.baseline = probe.active ? heap_in_use() : 0;
    int64_t cpu0 = cpu_ns(), wall0 = now_ns();
    long long busy0 = machine_busy_ticks(), servers0 = server_ticks(server_pids);
    long unfinished = run_phase(&ph, requests, seconds, latencies, &probe);
    long long busy1 = machine_busy_ticks(), servers1 = server_ticks(server_pids);
    int64_t cpu = cpu_ns() - cpu0, wall = now_ns() - wall0;
    double other_cores = -1;
    if (busy0 >= 0 && busy1 >= 0) {
        double tick_ns = 1e9 / (double) sysconf(_SC_CLK_TCK);
        other_cores = ((busy1 - busy0) * tick_ns - (servers1 - servers0) * tick_ns - (double) cpu) / (double) wall;
        if (other_cores < 0) other_cores = 0;
    }
    sample_threads(now_ns() + SAMPLE_NS);

    long recorded = ph.ok < requests ? ph.ok : requests;
    qsort(latencies, (size_t) recorded, sizeof *latencies, by_value);
    long ended_n = ph.ok + ph.errors;
    double secs = (ph.last_end - ph.start) / 1e9;
    double rps = ph.ok / (secs > 1e-9 ? secs : 1e-9);
    double cpu_per_1k = cpu / 1e9 / (ended_n > 0 ? ended_n : 1) * 1000;
    long hwm_kb = self_status("VmHWM");

    char extra[512] = "";
    if (probe.active && probe.done) {
        snprintf(extra, sizeof extra,
                 ",\"held_at_probe\":%ld,\"in_flight_at_probe\":%ld,\"heap_mb_at_probe\":%.1f,\"heap_b_per_inflight\":%lld",
                 probe.held, probe.in_flight, probe.heap / 1048576.0,
                 probe.in_flight == 0 ? -1LL : (probe.heap - probe.baseline) / probe.in_flight);
    }
    if (proxy_url[0]) {
        size_t len = strlen(extra);
        snprintf(extra + len, sizeof extra - len, ",\"proxy\":\"%.200s\"", proxy_url);
    }
    if (unfinished) {
        size_t len = strlen(extra);
        snprintf(extra + len, sizeof extra - len, ",\"unfinished\":%ld", unfinished);
    }
    printf("{\"scenario\":\"%s\",\"client\":\"libcurl\",\"round\":%ld,\"concurrency\":%ld,\"per_host\":%ld,"
           "\"origins\":%ld,\"requests\":%ld,\"ok\":%ld,\"errors\":%ld,\"seconds\":%.3f,\"rps\":%.0f,"
           "\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"p999_ms\":%.3f,\"max_ms\":%.3f,\"cpu_s_per_1k\":%.4f,"
           "\"rss_mb\":%.1f,\"threads\":%ld,\"other_cores\":%.2f%s}\n",
           scenario, round_no, concurrency, per_host, origins, ended_n, ph.ok, ph.errors, secs, rps,
           percentile_ms(latencies, recorded, 50), percentile_ms(latencies, recorded, 99),
           percentile_ms(latencies, recorded, 99.9), recorded ? latencies[recorded - 1] / 1000.0 : 0.0,
           cpu_per_1k, hwm_kb / 1024.0, peak_threads, other_cores, extra);
    printf("| %s | libcurl | %.0f | %.3f | %.3f | %.3f | %.4f | – | %.1f | %ld | %ld |\n", scenario, rps,
           percentile_ms(latencies, recorded, 50), percentile_ms(latencies, recorded, 99),
           percentile_ms(latencies, recorded, 99.9), cpu_per_1k, hwm_kb / 1024.0, peak_threads, ph.errors);
    fflush(stdout);

    for (long i = 0; i < chains_made; i++) curl_easy_cleanup(chains[i].easy);
    curl_multi_cleanup(multi);
    curl_global_cleanup();
    return 0;
}
