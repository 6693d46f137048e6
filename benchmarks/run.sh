#!/usr/bin/env bash
# Benchmarks multifetch against its Java peers, libcurl (the C library it ports) and wrk (the
# ceiling) on loopback, and prints a Markdown table of medians with each client's throughput ratio
# to wrk and to multifetch.
#
#   benchmarks/run.sh                  3 interleaved rounds of every HTTP/1.1 scenario (30-35 minutes)
#   benchmarks/run.sh --quick          1 short round (about 7 minutes)
#   benchmarks/run.sh --rounds 5 --scenarios "small large" --clients "multifetch apache"
#   benchmarks/run.sh --jfr            also: multifetch in "small" under JFR, summarised
#                                      (JFR_SCENARIOS="small large" for more; JFR_CLIENT=multifetch-stream
#                                      to profile another contestant)
#   benchmarks/run.sh --jmh            also: the response parser microbenchmarks (JMH, -prof gc)
#   benchmarks/run.sh --pause-impact   also: what one paused download costs 99 others on one h2c
#                                      connection (--only-pause-impact: just that)
#   benchmarks/run.sh --only-jmh       just the microbenchmarks (--only-jfr: just the profile)
#   benchmarks/run.sh --scenarios h2   the HTTP/2 and TLS scenarios (h2c-small h2c-small-4x32
#                                      h2-tls-small https-small)
#   benchmarks/run.sh --scenarios proxy  proxy-small (small through a local tinyproxy) beside small
#                                      (direct); "all": every scenario, these included
#   benchmarks/run.sh --scenarios observe  small and remote (each response held 20 ms) with multifetch
#                                      bare, observed (Micrometer, Prometheus, Brave at Boot's 10%
#                                      sampling) and traced (every fetch sampled), and Spring's
#                                      WebClient bare and observed: what observation costs
#
# Installs nginx and wrk from Debian when missing (as root), h2load and openssl for the HTTP/2
# and TLS scenarios, tinyproxy (tinyproxy-bin) for the proxy scenario, and gcc and
# libcurl4-openssl-dev for the libcurl contestant (benchmarks/curl/curl_load.c). Every load is
# bounded in requests and in seconds; nginx, tinyproxy and the slow server run from a temporary
# directory and stop with the script.
# nginx runs ONE worker process: on a 2-core machine that leaves the other core to the client
# under test, so a client's cost shows up as lost throughput instead of being hidden by a second
# nginx worker competing for the same cores. Set NGINX_WORKERS=auto to change it.
# Before each run it waits (up to QUIET_WAIT=30 s) for other work on the machine to calm down, and
# each result records "other cores": how much CPU the rest of the machine took during the run.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
ROUNDS=3
QUICK=0
JFR=0
JMH=0
PAUSE_IMPACT=0
LOADS=1
H1_SCENARIOS="small medium large wide origins scale"
H2_SCENARIOS="h2c-small h2c-small-4x32 h2-tls-small https-small"
PROXY_SCENARIOS="proxy-small"
# what observing each fetch costs: at loopback speed, and where each response takes 20 ms
OBSERVE_SCENARIOS="small remote"
SCENARIOS="$H1_SCENARIOS"
# the clients of each kind of scenario unless --clients names them; a client that cannot run a
# scenario sits it out (see sits_out)
H1_CLIENTS="multifetch libcurl jdk apache jetty reactor-netty"
H2_CLIENTS="multifetch multifetch-h1 jdk apache jetty reactor-netty okhttp"
OBSERVE_CLIENTS="multifetch multifetch-observed multifetch-traced webclient webclient-observed"
CLIENTS=""
# HTTP/1.1 connections of multifetch-h1, the contestant that h2 over one connection must beat
H1_CONNECTIONS=10
HEAP="-Xms512m -Xmx512m"
PORT="${PORT:-28080}"
ORIGINS_PORT="${ORIGINS_PORT:-28081}"
SLOW_PORT="${SLOW_PORT:-28090}"
REMOTE_PORT="${REMOTE_PORT:-28091}"
H2C_PORT="${H2C_PORT:-28082}"
H2C32_PORT="${H2C32_PORT:-28083}"
H2_TLS_PORT="${H2_TLS_PORT:-28443}"
TLS_PORT="${TLS_PORT:-28444}"
PROXY_PORT="${PROXY_PORT:-28085}"
NGINX_WORKERS="${NGINX_WORKERS:-1}"
OUT=""

usage() {
    # the comment block at the top of this file, up to its first line of code
    awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$0"
    exit 2
}

while [ $# -gt 0 ]; do
    case "$1" in
        --quick) QUICK=1; ROUNDS=1 ;;
        --rounds) ROUNDS="$2"; shift ;;
        --scenarios) SCENARIOS="$2"; shift ;;
        --clients) CLIENTS="$2"; shift ;;
        --out) OUT="$2"; shift ;;
        --jfr) JFR=1 ;;
        --jmh) JMH=1 ;;
        --only-jmh) JMH=1; LOADS=0 ;;
        --only-jfr) JFR=1; LOADS=0 ;;
        --pause-impact) PAUSE_IMPACT=1 ;;
        --only-pause-impact) PAUSE_IMPACT=1; LOADS=0; SCENARIOS=h2c-small ;;
        -h|--help) usage ;;
        *) echo "unknown option: $1" >&2; usage ;;
    esac
    shift
done

case "$SCENARIOS" in
    h2) SCENARIOS="$H2_SCENARIOS" ;;
    # the direct figure beside the proxied one, measured in the same rounds
    proxy) SCENARIOS="small $PROXY_SCENARIOS" ;;
    # observed contestants beside bare ones and Spring's own observed WebClient (--clients overrides)
    observe) SCENARIOS="$OBSERVE_SCENARIOS"; CLIENTS="${CLIENTS:-$OBSERVE_CLIENTS}" ;;
    all) SCENARIOS="$H1_SCENARIOS $H2_SCENARIOS $PROXY_SCENARIOS" ;;
esac

OUT="${OUT:-$ROOT/benchmarks/target/bench-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$OUT"
RESULTS="$OUT/results.jsonl"
: > "$RESULTS"

log() { echo "[bench $(date +%H:%M:%S)] $*" >&2; }

is_h2_scenario() {
    case " $H2_SCENARIOS " in *" $1 "*) return 0 ;; *) return 1 ;; esac
}

wants_h2() {
    local name
    [ "$PAUSE_IMPACT" = 1 ] && return 0
    for name in $SCENARIOS; do
        is_h2_scenario "$name" && return 0
    done
    return 1
}

# Whether a scenario to run (or to profile with --jfr) goes through the proxy.
wants_proxy() {
    local names="$SCENARIOS"
    [ "$JFR" = 1 ] && names+=" ${JFR_SCENARIOS:-small}"
    case " $names " in *" proxy-"*) return 0 ;; *) return 1 ;; esac
}

# The forward proxy a scenario's requests go through, or nothing for a direct one.
proxy_url() {
    case "$1" in proxy-*) echo "http://127.0.0.1:$PROXY_PORT" ;; esac
}

# The contestants of a scenario: --clients, else the default list of its kind.
clients_for() {
    if [ -n "$CLIENTS" ]; then
        echo "$CLIENTS"
    elif is_h2_scenario "$1"; then
        echo "$H2_CLIENTS"
    else
        echo "$H1_CLIENTS"
    fi
}

wants_curl() {
    local name
    [ "$LOADS" = 1 ] || return 1
    for name in $SCENARIOS; do
        case " $(clients_for "$name") " in *" libcurl "*) sits_out libcurl "$name" || return 0 ;; esac
    done
    return 1
}

# Whether a client cannot run a scenario: libcurl's driver speaks cleartext HTTP/1.1 only, the
# JDK's client has no h2c with prior knowledge, multifetch-h1 is the baseline of the two
# one-connection h2 scenarios only, and wrk (HTTP/1.1) and h2load (HTTP/2) are each the ceiling
# of their own kind; wrk cannot spread over origins. Reactor Netty's HTTP proxy always tunnels
# (CONNECT), even for http://: not comparable with forwarding, so it sits out the proxy scenario.
sits_out() {
    case "$1:$2" in
        reactor-netty:proxy-*) return 0 ;;
        libcurl:h2*|libcurl:https*) return 0 ;;
        jdk:h2c-*) return 0 ;;
        multifetch-h1:h2c-small|multifetch-h1:h2-tls-small) return 1 ;;
        multifetch-h1:*) return 0 ;;
        wrk:origins|wrk:h2*) return 0 ;;
        h2load:*) is_h2_scenario "$2" && [ "$2" != https-small ] && return 1; return 0 ;;
    esac
    return 1
}

install_tools() {
    local missing=()
    command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
    command -v wrk >/dev/null 2>&1 || missing+=(wrk)
    [ -x /usr/bin/time ] || missing+=(time)
    if wants_h2; then
        command -v h2load >/dev/null 2>&1 || missing+=(nghttp2-client)
        command -v openssl >/dev/null 2>&1 || missing+=(openssl)
    fi
    if wants_proxy; then
        command -v tinyproxy >/dev/null 2>&1 || missing+=(tinyproxy-bin)
    fi
    if wants_curl; then
        command -v gcc >/dev/null 2>&1 || missing+=(gcc libc6-dev)
        echo '#include <curl/curl.h>' | gcc -E - >/dev/null 2>&1 || missing+=(libcurl4-openssl-dev)
    fi
    if [ ${#missing[@]} -gt 0 ]; then
        log "installing ${missing[*]} from Debian"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
}

build() {
    log "building the benchmarks module"
    (cd "$ROOT" && mvn -B -q -pl benchmarks -am package dependency:build-classpath \
        -DskipTests -Dmdep.outputFile=target/classpath.txt)
    # run from a copy: a rebuild in the work tree during a long run must not swap classes under it
    local lib="$OUT/lib" entry cp="$OUT/lib/benchmarks-classes"
    mkdir -p "$lib"
    cp -r "$ROOT/benchmarks/target/classes" "$lib/benchmarks-classes"
    IFS=: read -r -a entries < "$ROOT/benchmarks/target/classpath.txt" || true  # no final newline
    for entry in "${entries[@]}"; do
        case "$entry" in
            "$ROOT"/*) cp -r "$entry" "$lib/" ; cp="$cp:$lib/$(basename "$entry")" ;;
            *) cp="$cp:$entry" ;;
        esac
    done
    CP="$cp"
    (cd "$ROOT" && echo "tree: $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- core 2>/dev/null || echo ' + uncommitted changes in core')") > "$OUT/tree.txt"
}

# The libcurl contestant: a C closed-loop driver on libcurl's multi_socket interface and epoll.
build_curl() {
    log "building the libcurl driver ($(curl-config --version 2>/dev/null || echo libcurl))"
    gcc -O2 -Wall -o "$OUT/curl_load" "$ROOT/benchmarks/curl/curl_load.c" -lcurl
}

# Scenario parameters: path, port, body bytes, concurrency, requests, warm-up requests,
# measured seconds (cap), warm-up seconds (cap), extra driver arguments. In the h2 scenarios
# --per-host is the number of connections and --streams the streams in flight on each.
scenario() {
    local q=$QUICK
    local n="$((q ? 60000 : 300000)) 50000 $((q ? 4 : 10)) $((q ? 3 : 5))"
    case "$1" in
        small)   echo "/1k $PORT 1024 64 $((q ? 60000 : 300000)) 50000 $((q ? 4 : 10)) $((q ? 3 : 5))" ;;
        medium)  echo "/16k $PORT 16384 64 $((q ? 60000 : 300000)) 50000 $((q ? 4 : 10)) $((q ? 3 : 5))" ;;
        large)   echo "/1m $PORT 1048576 8 $((q ? 6000 : 30000)) $((q ? 1000 : 3000)) $((q ? 4 : 10)) $((q ? 3 : 5))" ;;
        wide)    echo "/1k $PORT 1024 10000 $((q ? 100000 : 300000)) 50000 $((q ? 6 : 12)) $((q ? 5 : 8))" ;;
        origins) echo "/1k $ORIGINS_PORT 1024 400 $((q ? 60000 : 300000)) 50000 $((q ? 4 : 10)) $((q ? 3 : 5)) --origins 100 --per-host 2" ;;
        scale)   echo "/x $SLOW_PORT 1024 10000 10000 1000 30 10 --probe http://127.0.0.1:$SLOW_PORT/stats" ;;
        remote)  echo "/1k $REMOTE_PORT 1024 128 $((q ? 30000 : 150000)) 20000 $((q ? 4 : 10)) $((q ? 3 : 5))" ;;
        h2c-small)      echo "/1k $H2C_PORT 1024 100 $n --protocol h2 --per-host 1 --streams 100" ;;
        h2c-small-4x32) echo "/1k $H2C32_PORT 1024 128 $n --protocol h2 --per-host 4 --streams 32" ;;
        h2-tls-small)   echo "/1k $H2_TLS_PORT 1024 100 $n --protocol h2 --per-host 1 --streams 100 --trust-pem $WORK/cert.pem" ;;
        https-small)    echo "/1k $TLS_PORT 1024 64 $n --protocol h1 --trust-pem $WORK/cert.pem" ;;
        proxy-small)    echo "/1k $PORT 1024 64 $n --proxy $(proxy_url "$1")" ;;
        *) echo "unknown scenario: $1" >&2; exit 2 ;;
    esac
}

scheme() {
    case "$1" in
        h2-tls-small|https-small) echo https ;;
        *) echo http ;;
    esac
}

# Driver arguments that change a scenario for one client, after the scenario's own (the last
# value of an argument wins): multifetch-h1 runs the one-connection h2 scenarios over HTTP/1.1 on
# $H1_CONNECTIONS connections, against nginx's HTTP/1.1 listener of the same scheme. tinyproxy
# closes every connection after one response without a "Connection: close": Apache, Jetty and
# OkHttp (retries off) would send their next request on the closed connection and fail it, so
# through the proxy they send "Connection: close" themselves, as their users would have to.
# multifetch, libcurl and the JDK notice the closed connection, or retry on a new one, unaided.
client_args() {
    case "$1:$2" in
        apache:proxy-*|jetty:proxy-*|okhttp:proxy-*) echo "--connection-close 1" ;;
        multifetch-h1:h2c-small) echo "--url http://127.0.0.1:$PORT/1k --protocol h1 --per-host $H1_CONNECTIONS" ;;
        multifetch-h1:h2-tls-small) echo "--url https://127.0.0.1:$TLS_PORT/1k --protocol h1 --per-host $H1_CONNECTIONS" ;;
    esac
}

require_free_port() {
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
        echo "127.0.0.1:$1 is already taken by another process; set PORT, ORIGINS_PORT, SLOW_PORT or PROXY_PORT (see the README)" >&2
        exit 1
    fi
}

wait_for_port() {
    for _ in $(seq 1 100); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
            return 0
        fi
        sleep 0.1
    done
    echo "nothing listens on 127.0.0.1:$1" >&2
    exit 1
}

start_nginx() {
    require_free_port "$PORT"
    require_free_port "$ORIGINS_PORT"
    local h2_servers=""
    if wants_h2; then
        require_free_port "$H2C_PORT"
        require_free_port "$H2C32_PORT"
        require_free_port "$H2_TLS_PORT"
        require_free_port "$TLS_PORT"
    fi
    WORK="$(mktemp -d /tmp/multifetch-bench.XXXXXX)"
    chmod 755 "$WORK"
    mkdir -p "$WORK/www" "$WORK/tmp"
    head -c 1024 /dev/zero | tr '\0' x > "$WORK/www/1k"
    head -c 16384 /dev/zero | tr '\0' x > "$WORK/www/16k"
    head -c 1048576 /dev/zero | tr '\0' x > "$WORK/www/1m"
    [ "$PAUSE_IMPACT" = 1 ] && head -c 10485760 /dev/zero | tr '\0' x > "$WORK/www/10m"
    chmod -R a+rX "$WORK/www"
    if wants_h2; then
        # a self-signed certificate for 127.0.0.1 made for this run; the clients trust it alone
        openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
            -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
            -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>>"$OUT/nginx.log"
        chmod 644 "$WORK/cert.pem" "$WORK/key.pem"
        # h2c with prior knowledge (nginx 1.22: "listen ... http2" on cleartext): 128 streams, and
        # 32 for the 4 x 32 scenario so that every client spreads 128 requests over 4 connections;
        # h2 and HTTP/1.1 over TLS. keepalive_requests also bounds the requests of an h2
        # connection in 1.22 (http2_max_requests is obsolete there): set high, no GOAWAY churn.
        # No sendfile for h2c: with it nginx 1.22 holds each response ~40 ms (a delayed ACK)
        # whenever few streams are open, h2load included.
        h2_servers="    server {
        listen 127.0.0.1:$H2C_PORT http2;
        http2_max_concurrent_streams 128;
        sendfile off;
        root $WORK/www;
    }
    server {
        listen 127.0.0.1:$H2C32_PORT http2;
        http2_max_concurrent_streams 32;
        sendfile off;
        root $WORK/www;
    }
    server {
        listen 127.0.0.1:$H2_TLS_PORT ssl http2;
        ssl_certificate $WORK/cert.pem;
        ssl_certificate_key $WORK/key.pem;
        http2_max_concurrent_streams 128;
        root $WORK/www;
    }
    server {
        listen 127.0.0.1:$TLS_PORT ssl;
        ssl_certificate $WORK/cert.pem;
        ssl_certificate_key $WORK/key.pem;
        root $WORK/www;
    }
"
    fi
    local listens=""
    for i in $(seq 1 100); do
        listens+="        listen 127.0.0.$i:$ORIGINS_PORT;"$'\n'
    done
    cat > "$WORK/nginx.conf" <<EOF
worker_processes $NGINX_WORKERS;
worker_rlimit_nofile 65536;
error_log $WORK/error.log warn;
pid $WORK/nginx.pid;
events {
    worker_connections 20000;
    multi_accept on;
}
http {
    access_log off;
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_timeout 300s;
    keepalive_requests 100000000;
    ssl_session_cache shared:bench:1m;
    open_file_cache max=16 inactive=300s;
    client_body_temp_path $WORK/tmp/body;
    proxy_temp_path $WORK/tmp/proxy;
    fastcgi_temp_path $WORK/tmp/fastcgi;
    uwsgi_temp_path $WORK/tmp/uwsgi;
    scgi_temp_path $WORK/tmp/scgi;
    server {
        listen 127.0.0.1:$PORT;
        root $WORK/www;
    }
    server {
$listens        root $WORK/www;
    }
$h2_servers}
EOF
    local nginx_bin
    nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"
    "$nginx_bin" -p "$WORK" -c "$WORK/nginx.conf" -g 'daemon off;' 2>>"$OUT/nginx.log" &
    NGINX_PID=$!
    wait_for_port "$PORT"
    kill -0 "$NGINX_PID" 2>/dev/null || { echo "nginx did not start; see $OUT/nginx.log" >&2; exit 1; }
    log "nginx $NGINX_WORKERS worker(s) on 127.0.0.1:$PORT and 127.0.0.1-100:$ORIGINS_PORT (pid $NGINX_PID)"
    if wants_h2; then
        wait_for_port "$TLS_PORT"
        log "nginx h2c on :$H2C_PORT (128 streams) and :$H2C32_PORT (32 streams), h2+TLS on :$H2_TLS_PORT, HTTP/1.1+TLS on :$TLS_PORT"
    fi
}

# tinyproxy 1.11, one process (a thread per connection), forwarding plain http. It serves one
# request per client connection and opens a new connection to nginx for each: through it every
# request costs two TCP connects, whatever the client does.
start_tinyproxy() {
    require_free_port "$PROXY_PORT"
    {
        echo "Port $PROXY_PORT"
        echo "Listen 127.0.0.1"
        echo "Allow 127.0.0.1"
        echo "MaxClients 1000"
        echo "Timeout 60"
        echo "DisableViaHeader Yes"
        echo "LogLevel Critical"
        # as root it needs an account to drop to; as another user it stays that user
        if [ "$(id -u)" = 0 ]; then
            echo "User nobody"
            echo "Group nogroup"
        fi
    } > "$WORK/tinyproxy.conf"
    tinyproxy -d -c "$WORK/tinyproxy.conf" > "$OUT/tinyproxy.log" 2>&1 &
    TINYPROXY_PID=$!
    wait_for_port "$PROXY_PORT"
    kill -0 "$TINYPROXY_PID" 2>/dev/null || { echo "tinyproxy did not start; see $OUT/tinyproxy.log" >&2; exit 1; }
    log "$(tinyproxy -v 2>&1 | head -1) on 127.0.0.1:$PROXY_PORT (pid $TINYPROXY_PID)"
}

# A SlowServer on 127.0.0.1:$1 answering 1 KiB after holding each request $2 ms, its log named
# after $3; prints its pid. The scale scenario's holds 1 s, the remote scenario's 20 ms (as if
# each response came over a network).
start_held_server() {
    require_free_port "$1"
    java -Xms1g -Xmx1g -cp "$CP" dev.multifetch.bench.SlowServer --port "$1" --hold-ms "$2" \
        --body 1024 --max-seconds 7200 > "$OUT/$3.out" 2> "$OUT/$3.log" &
    local pid=$!
    wait_for_port "$1"
    log "$3 (holds $2 ms) on 127.0.0.1:$1 (pid $pid)"
    echo "$pid"
}

cleanup() {
    [ -n "${NGINX_PID:-}" ] && kill "$NGINX_PID" 2>/dev/null || true
    [ -n "${SLOW_PID:-}" ] && kill "$SLOW_PID" 2>/dev/null || true
    [ -n "${REMOTE_PID:-}" ] && kill "$REMOTE_PID" 2>/dev/null || true
    [ -n "${TINYPROXY_PID:-}" ] && kill "$TINYPROXY_PID" 2>/dev/null || true
    wait 2>/dev/null || true
    [ -n "${WORK:-}" ] && rm -rf "$WORK"
}
trap cleanup EXIT

# Process ids of the servers (nginx master and workers, slow server, tinyproxy), comma-separated.
server_pids() {
    local pids="${NGINX_PID:-}"
    [ -n "${NGINX_PID:-}" ] && pids+=",$(pgrep -P "$NGINX_PID" | paste -sd, -)"
    [ -n "${SLOW_PID:-}" ] && pids+=",$SLOW_PID"
    [ -n "${REMOTE_PID:-}" ] && pids+=",$REMOTE_PID"
    [ -n "${TINYPROXY_PID:-}" ] && pids+=",$TINYPROXY_PID"
    echo "${pids#,}"
}

# Busy ticks of the machine, then of the servers: "machine servers".
busy_ticks() {
    local machine servers=0 pid
    machine="$(awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat)"
    for pid in ${1//,/ }; do
        servers=$((servers + $(awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$pid/stat" 2>/dev/null || echo 0)))
    done
    echo "$machine $servers"
}

# Waits (at most QUIET_WAIT seconds, default 30) until work outside this benchmark uses less
# than a fifth of a core over one second, so runs start on a quiet machine where they can.
wait_quiet() {
    local waited=0 pids before after
    pids="$(server_pids)"
    while [ "$waited" -lt "${QUIET_WAIT:-30}" ]; do
        before="$(busy_ticks "$pids")"
        sleep 1
        after="$(busy_ticks "$pids")"
        if awk -v b="$before" -v a="$after" 'BEGIN { split(b, x, " "); split(a, y, " "); exit !((y[1] - x[1]) - (y[2] - x[2]) < 20) }'; then
            return 0
        fi
        waited=$((waited + 1))
    done
    log "the machine stayed busy for ${QUIET_WAIT:-30} s; running anyway (see the other-cores column)"
}

# Runs a C load tool ("$@") capped at $3 seconds, after wait_quiet, its output into $1 and its
# CPU and peak RSS (/usr/bin/time) into $2; keeps the machine's and servers' busy ticks around it
# and its wall time for tool_costs. Fails when the tool does.
run_tool() {
    local out=$1 timing=$2 cap=$3 pids t0 t1
    shift 3
    wait_quiet
    pids="$(server_pids)"
    TOOL_TICKS_BEFORE="$(busy_ticks "$pids")"
    t0="$(date +%s%N)"
    /usr/bin/time -f '%U %S %M' -o "$timing" timeout "$cap" "$@" > "$out" 2>&1 || return 1
    t1="$(date +%s%N)"
    TOOL_TICKS_AFTER="$(busy_ticks "$pids")"
    TOOL_WALL_MS=$(((t1 - t0) / 1000000))
}

# The cost fields of the JSON line of the tool run_tool ran last, for $1 requests and its timing
# file $2: CPU per 1,000 requests, peak RSS, one thread, and the cores others used meanwhile.
tool_costs() {
    local user sys maxrss
    read -r user sys maxrss < <(tail -1 "$2")
    awk -v u="$user" -v s="$sys" -v r="$1" -v m="$maxrss" \
        -v b="$TOOL_TICKS_BEFORE" -v a="$TOOL_TICKS_AFTER" -v w="$TOOL_WALL_MS" 'BEGIN {
            split(b, x, " "); split(a, y, " ")
            other = ((y[1] - x[1]) - (y[2] - x[2])) / 100 - (u + s)
            if (r < 1) r = 1
            if (other < 0) other = 0
            printf "\"cpu_s_per_1k\":%.4f,\"rss_mb\":%.1f,\"threads\":1,\"other_cores\":%.2f",
                (u + s) / r * 1000, m / 1024, other / (w / 1000) }'
}

# wrk, one thread, the scenario's connections, for its measured seconds. Through a proxy it sends
# the absolute URL to the proxy (forwarding); tinyproxy closes each connection after its response
# and wrk meets that close on its next read, counted as a read error: not a failure there.
run_wrk() {
    local name=$1 round=$2 path port bytes conc requests warm secs wsecs
    read -r path port bytes conc requests warm secs wsecs _ <<<"$(scenario "$name")"
    local lua="$OUT/report.lua" timing="$OUT/wrk-time.txt" json
    local url proxy
    url="$(scheme "$name")://127.0.0.1:$port$path"
    proxy="$(proxy_url "$name")"
    {
        if [ -n "$proxy" ]; then
            echo "wrk.path = \"$url\""
            echo "wrk.headers[\"Host\"] = \"127.0.0.1:$port\""
            echo "closes_are_errors = false"
            url="$proxy/"
        else
            echo "closes_are_errors = true"
        fi
        cat <<'EOF'
done = function(summary, latency, requests)
  local e = summary.errors
  local failed = e.connect + (closes_are_errors and e.read or 0) + e.write + e.status + e.timeout
  local s = summary.duration / 1e6
  io.write(string.format('{"requests":%d,"ok":%d,"errors":%d,"seconds":%.3f,"rps":%.0f,"p50_ms":%.3f,"p99_ms":%.3f,"p999_ms":%.3f,"max_ms":%.3f}\n',
    summary.requests, summary.requests - failed, failed, s, (summary.requests - failed) / s,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency:percentile(99.9) / 1000, latency.max / 1000))
end
EOF
    } > "$lua"
    [ "$name" = scale ] && secs=3
    if ! run_tool "$OUT/wrk-$name-$round.out" "$timing" $((secs + 30)) \
            wrk -t1 -c"$conc" -d"${secs}s" --timeout 5s -s "$lua" "$url"; then
        log "wrk $name round $round failed; see $OUT/wrk-$name-$round.out"
        return 0
    fi
    json="$(grep '^{' "$OUT/wrk-$name-$round.out" | tail -1)"
    [ -n "$json" ] || { log "wrk $name round $round printed no result"; return 0; }
    local extra
    extra="$(tool_costs "$(sed 's/.*"requests":\([0-9]*\).*/\1/' <<<"$json")" "$timing")"
    echo "{\"scenario\":\"$name\",\"client\":\"wrk\",\"round\":$round,\"concurrency\":$conc,${json#\{}" \
        | sed "s/}\$/,$extra}/" >> "$RESULTS"
    log "wrk $name round $round: $(tail -1 "$RESULTS")"
}

# The HTTP/2 ceiling: h2load, one thread, the scenario's connections (-c) and streams on each (-m),
# for the scenario's measured seconds (-D); no warm-up, as wrk. Latencies from its per-request log;
# CPU and peak RSS from /usr/bin/time. The same JSON line as wrk.
run_h2load() {
    local name=$1 round=$2 path port bytes conc requests warm secs wsecs extra
    read -r path port bytes conc requests warm secs wsecs extra <<<"$(scenario "$name")"
    local conns streams
    conns="$(sed -n 's/.*--per-host \([0-9]*\).*/\1/p' <<<"$extra")"
    streams="$(sed -n 's/.*--streams \([0-9]*\).*/\1/p' <<<"$extra")"
    local out="$OUT/h2load-$name-$round.out" tsv="$OUT/h2load-$name-$round.tsv" timing="$OUT/h2load-time.txt"
    if ! run_tool "$out" "$timing" $((secs + 30)) \
            h2load -t1 -c"$conns" -m"$streams" -D"$secs" --log-file "$tsv" "$(scheme "$name")://127.0.0.1:$port$path"; then
        log "h2load $name round $round failed; see $out"
        return 0
    fi
    grep -q '^requests:' "$out" || { log "h2load $name round $round printed no result"; return 0; }
    # log lines: start (us since the epoch), status, duration (us); only 200 with the whole body counts
    local percentiles
    percentiles="$(awk '$2 == 200 { print $3 }' "$tsv" | sort -n | awk '{ v[NR] = $1 } END {
        if (NR == 0) { print "0 0 0 0"; exit }
        i50 = int(NR * 0.5); i99 = int(NR * 0.99); i999 = int(NR * 0.999)
        if (i50 < 1) i50 = 1
        if (i99 < 1) i99 = 1
        if (i999 < 1) i999 = 1
        printf "%.3f %.3f %.3f %.3f", v[i50] / 1000, v[i99] / 1000, v[i999] / 1000, v[NR] / 1000 }')"
    rm -f "$tsv"
    # "requests: T total, S started, D done, OK succeeded, F failed, E errored, X timeout"
    local fields
    fields="$(awk -v name="$name" -v round="$round" -v conc="$((conns * streams))" -v conns="$conns" \
        -v streams="$streams" -v secs="$secs" -v pct="$percentiles" '
        /^requests:/ { total = $2; ok = $8 }
        /^status codes:/ { ok2xx = $3 }
        END {
            split(pct, p, " ")
            good = ok
            if (ok2xx < ok) good = ok2xx
            printf "\"scenario\":\"%s\",\"client\":\"h2load\",\"round\":%d,\"concurrency\":%d,\"per_host\":%d,\"streams\":%d,", name, round, conc, conns, streams
            printf "\"requests\":%d,\"ok\":%d,\"errors\":%d,\"seconds\":%.3f,\"rps\":%.0f,", total, good, total - good, secs, good / secs
            printf "\"p50_ms\":%s,\"p99_ms\":%s,\"p999_ms\":%s,\"max_ms\":%s", p[1], p[2], p[3], p[4]
        }' "$out")"
    echo "{$fields,$(tool_costs "$(awk '/^requests:/ { print $2 }' "$out")" "$timing")}" >> "$RESULTS"
    log "h2load $name round $round: $(tail -1 "$RESULTS")"
}

run_java() {
    local client=$1 name=$2 round=$3 jvm_extra=${4:-} driver_extra=${5:-} path port bytes conc requests warm secs wsecs extra
    read -r path port bytes conc requests warm secs wsecs extra <<<"$(scenario "$name")"
    local log_file="$OUT/$client-$name-$round.log"
    wait_quiet
    # shellcheck disable=SC2086
    if ! timeout $((secs + wsecs + 180)) java $HEAP $jvm_extra -cp "$CP" dev.multifetch.bench.LoadDriver \
            --client "$client" --scenario "$name" --round "$round" --url "$(scheme "$name")://127.0.0.1:$port$path" \
            --requests "$requests" --warmup "$warm" --concurrency "$conc" --seconds "$secs" \
            --warmup-seconds "$wsecs" --expect-bytes "$bytes" --server-pids "$(server_pids)" $extra \
            $(client_args "$client" "$name") $driver_extra > "$log_file.out" 2> "$log_file"; then
        log "$client $name round $round failed; see $log_file"
        echo "{\"scenario\":\"$name\",\"client\":\"$client\",\"round\":$round,\"failed_run\":1}" >> "$OUT/failed.jsonl"
        return 0
    fi
    grep '^{' "$log_file.out" >> "$RESULTS"
    log "$client $name round $round: $(grep '^|' "$log_file.out")"
}

# The libcurl contestant: the same arguments, checks, JSON line and log files as run_java.
run_curl() {
    local name=$1 round=$2 path port bytes conc requests warm secs wsecs extra
    read -r path port bytes conc requests warm secs wsecs extra <<<"$(scenario "$name")"
    local log_file="$OUT/libcurl-$name-$round.log"
    wait_quiet
    # shellcheck disable=SC2086
    if ! timeout $((secs + wsecs + 180)) "$OUT/curl_load" \
            --scenario "$name" --round "$round" --url "http://127.0.0.1:$port$path" \
            --requests "$requests" --warmup "$warm" --concurrency "$conc" --seconds "$secs" \
            --warmup-seconds "$wsecs" --expect-bytes "$bytes" --server-pids "$(server_pids)" $extra > "$log_file.out" 2> "$log_file"; then
        log "libcurl $name round $round failed; see $log_file"
        echo "{\"scenario\":\"$name\",\"client\":\"libcurl\",\"round\":$round,\"failed_run\":1}" >> "$OUT/failed.jsonl"
        return 0
    fi
    grep '^{' "$log_file.out" >> "$RESULTS"
    log "libcurl $name round $round: $(grep '^|' "$log_file.out")"
}

run_loads() {
    ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
    start_nginx
    case " $SCENARIOS " in *" scale "*) SLOW_PID=$(start_held_server "$SLOW_PORT" 1000 slow-server) || exit 1 ;; esac
    case " $SCENARIOS " in *" remote "*) REMOTE_PID=$(start_held_server "$REMOTE_PORT" 20 remote-server) || exit 1 ;; esac
    wants_proxy && start_tinyproxy
    for round in $(seq 1 "$ROUNDS"); do
        for name in $SCENARIOS; do
            # the ceiling first in the list; rotate the order every round so no client always runs
            # first (or right after the ceiling)
            local contestants=(wrk h2load $(clients_for "$name"))
            local n=${#contestants[@]} i
            for ((i = 0; i < n; i++)); do
                local c=${contestants[$(((i + round - 1) % n))]}
                if sits_out "$c" "$name"; then
                    continue
                elif [ "$c" = wrk ]; then
                    run_wrk "$name" "$round"
                elif [ "$c" = h2load ]; then
                    run_h2load "$name" "$round"
                elif [ "$c" = libcurl ]; then
                    run_curl "$name" "$round"
                else
                    run_java "$c" "$name" "$round"
                fi
            done
        done
    done
    java -cp "$CP" dev.multifetch.bench.Report "$RESULTS" | tee "$OUT/report.md"
}

# multifetch under JFR in each of $JFR_SCENARIOS (default: small), measured phase only, 15 s.
run_jfr() {
    local name jfr
    for name in ${JFR_SCENARIOS:-small}; do
        jfr="$OUT/${JFR_CLIENT:-multifetch}-$name.jfr"
        log "profiling ${JFR_CLIENT:-multifetch} in '$name' with JFR"
        # DebugNonSafepoints: without it JFR pins samples on the nearest safepoint and blames the wrong method
        RESULTS="$OUT/jfr-run.jsonl" run_java "${JFR_CLIENT:-multifetch}" "$name" 0 "-XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints" \
            "--jfr $jfr --requests 2000000 --seconds 15"
        java -cp "$CP" dev.multifetch.bench.JfrTop "$jfr" 25 | tee "$OUT/jfr-$name.txt"
    done
}

run_jmh() {
    local opts=()
    [ "$QUICK" = 1 ] && opts=(-wi 2 -i 3 -w 1s -r 1s)
    log "JMH: response parser, observation of one fetch"
    java -cp "$CP" org.openjdk.jmh.Main 'ResponseParserBenchmark|ObservationBenchmark' -prof gc "${opts[@]}" \
        -rf text -rff "$OUT/jmh.txt" > "$OUT/jmh.log" 2>&1
    cat "$OUT/jmh.txt"
}

install_tools
build
wants_curl && build_curl
log "results in $OUT"
if [ "$LOADS" = 1 ]; then
    run_loads
fi
if [ "$JFR" = 1 ]; then
    [ -n "${NGINX_PID:-}" ] || { ulimit -n 65536 2>/dev/null || true; start_nginx; }
    if wants_proxy && [ -z "${TINYPROXY_PID:-}" ]; then
        start_tinyproxy
    fi
    run_jfr
fi
[ "$JMH" = 1 ] && run_jmh
if [ "$PAUSE_IMPACT" = 1 ]; then
    [ -n "${NGINX_PID:-}" ] || { ulimit -n 65536 2>/dev/null || true; start_nginx; }
    log "pause impact: 100 downloads of 10 MiB over one h2c connection, one of them paused"
    java -Xms512m -Xmx512m -cp "$CP" dev.multifetch.bench.PauseImpact "http://127.0.0.1:$H2C_PORT/10m" 100 $((QUICK ? 3 : 5)) \
        | tee "$OUT/pause-impact.json"
fi
log "done: $OUT"
