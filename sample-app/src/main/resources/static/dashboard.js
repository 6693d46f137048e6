// The live dashboard: one server-sent event stream (api/events) feeds the tiles, two SVG charts
// and the table of recent transfers; the forms call the REST API. No build step, no library.
'use strict';

(function () {
  const SVG = 'http://www.w3.org/2000/svg';
  const CHART = { width: 600, height: 170, left: 34, right: 6, top: 8, bottom: 20 };

  const state = { history: [], recent: [], hosts: [], worker: null, tickMs: 1000, source: null };

  const $ = (id) => document.getElementById(id);

  // ---- API key: asked for only when the service answers 401 ----

  function apiKey() {
    return sessionStorage.getItem('multifetch.apiKey') || '';
  }

  function headers(extra) {
    const h = Object.assign({}, extra);
    if (apiKey()) {
      h['X-API-Key'] = apiKey();
    }
    return h;
  }

  $('key-save').addEventListener('click', () => {
    sessionStorage.setItem('multifetch.apiKey', $('api-key').value);
    $('key-box').classList.add('hidden');
    connect();
  });

  // ---- the event stream ----

  function setStatus(text, cls) {
    const status = $('status');
    status.textContent = text;
    status.className = 'status ' + cls;
  }

  function connect() {
    if (state.source) {
      state.source.close();
    }
    const query = apiKey() ? '?apiKey=' + encodeURIComponent(apiKey()) : '';
    const source = new EventSource('api/events' + query);
    state.source = source;
    source.addEventListener('hello', (event) => {
      const hello = JSON.parse(event.data);
      state.tickMs = hello.tickMs;
      // the engine's proxy as scheme://host:port: the server never sends its credentials
      $('proxy').textContent = hello.proxy ? 'via proxy ' + hello.proxy : 'direct (no proxy)';
      state.history = hello.history;
      state.recent = hello.recent.slice().reverse();
      state.hosts = hello.hosts;
      state.worker = hello.worker;
      setStatus('live', 'live');
      render();
    });
    source.addEventListener('tick', (event) => {
      const tick = JSON.parse(event.data);
      state.history.push(tick.sample);
      const keep = Math.max(1, Math.round(300000 / state.tickMs));
      if (state.history.length > keep) {
        state.history.splice(0, state.history.length - keep);
      }
      // one row per transfer, whatever the server sends twice
      const shown = new Set(state.recent.map((t) => t.id));
      for (const finished of tick.finished) {
        if (!shown.has(finished.id)) {
          state.recent.unshift(finished);
          shown.add(finished.id);
        }
      }
      state.recent.length = Math.min(state.recent.length, 50);
      state.hosts = tick.hosts;
      state.worker = tick.worker;
      setStatus('live', 'live');
      render();
    });
    source.onerror = () => {
      setStatus('reconnecting…', 'down');
      fetch('api/transfers', { headers: headers() }).then((response) => {
        if (response.status === 401) {
          source.close();
          setStatus('API key needed', 'down');
          $('key-box').classList.remove('hidden');
        }
      }).catch(() => {});
    };
  }

  // ---- rendering ----

  function render() {
    const last = state.history[state.history.length - 1];
    if (last) {
      $('running').textContent = last.running;
      $('pending').textContent = last.pending;
      $('connections').textContent = last.activeConnections + ' / ' + last.idleConnections;
      $('http2').textContent = last.http2Connections + ' / ' + last.http2Streams;
    }
    const window10 = state.history.slice(-Math.max(1, Math.round(10000 / state.tickMs)));
    const done10 = window10.reduce((sum, s) => sum + s.succeeded + s.failed, 0);
    $('rate').textContent = window10.length ? (done10 / (window10.length * state.tickMs / 1000)).toFixed(1) : '–';
    $('errors').textContent = state.history.reduce((sum, s) => sum + s.failed, 0);
    drawHandles();
    drawRates();
    drawTable();
    drawHeld();
    drawWorker();
  }

  function el(name, attrs, text) {
    const node = document.createElementNS(SVG, name);
    for (const [key, value] of Object.entries(attrs)) {
      node.setAttribute(key, value);
    }
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  /** A y-axis maximum that is 1, 2 or 5 times a power of ten. */
  function niceMax(value) {
    if (value <= 1) {
      return 1;
    }
    const power = Math.pow(10, Math.floor(Math.log10(value)));
    for (const step of [1, 2, 5, 10]) {
      if (value <= step * power) {
        return step * power;
      }
    }
    return 10 * power;
  }

  function frame(svg, max) {
    svg.replaceChildren();
    const plotHeight = CHART.height - CHART.top - CHART.bottom;
    for (const fraction of [0, 0.5, 1]) {
      const y = CHART.top + plotHeight * (1 - fraction);
      svg.appendChild(el('line', { x1: CHART.left, x2: CHART.width - CHART.right, y1: y, y2: y, class: 'grid' }));
      const label = max * fraction;
      svg.appendChild(el('text', { x: CHART.left - 4, y: y + 4, 'text-anchor': 'end', class: 'axis' },
          Number.isInteger(label) ? label : label.toFixed(1)));
    }
    const minutes = Math.round(300000 / 60000);
    svg.appendChild(el('text', { x: CHART.left, y: CHART.height - 4, class: 'axis' }, '−' + minutes + ' min'));
    svg.appendChild(el('text', { x: CHART.width - CHART.right, y: CHART.height - 4, 'text-anchor': 'end', class: 'axis' }, 'now'));
  }

  function scales(max) {
    const slots = Math.max(1, Math.round(300000 / state.tickMs));
    const plotWidth = CHART.width - CHART.left - CHART.right;
    const plotHeight = CHART.height - CHART.top - CHART.bottom;
    const offset = slots - state.history.length;
    return {
      slot: plotWidth / slots,
      x: (i) => CHART.left + plotWidth * (offset + i + 1) / slots,
      y: (v) => CHART.top + plotHeight * (1 - v / max),
    };
  }

  function drawHandles() {
    const svg = $('handles-chart');
    const max = niceMax(Math.max(1, ...state.history.map((s) => Math.max(s.running, s.pending))));
    frame(svg, max);
    const { x, y } = scales(max);
    for (const series of ['pending', 'running']) {
      const points = state.history.map((s, i) => x(i).toFixed(1) + ',' + y(s[series]).toFixed(1)).join(' ');
      svg.appendChild(el('polyline', { points, class: series }));
    }
  }

  function drawRates() {
    const svg = $('rate-chart');
    const perSecond = state.tickMs / 1000;
    const max = niceMax(Math.max(1, ...state.history.map((s) => (s.succeeded + s.failed) / perSecond)));
    frame(svg, max);
    const { slot, x, y } = scales(max);
    const width = Math.max(1, slot - 1);
    state.history.forEach((s, i) => {
      const ok = s.succeeded / perSecond;
      const bad = s.failed / perSecond;
      if (ok > 0) {
        svg.appendChild(el('rect', { x: x(i) - width, y: y(ok), width, height: y(0) - y(ok), class: 'ok' }));
      }
      if (bad > 0) {
        svg.appendChild(el('rect', { x: x(i) - width, y: y(ok + bad), width, height: y(ok) - y(ok + bad), class: 'error' }));
      }
    });
  }

  function cell(text, cls) {
    const td = document.createElement('td');
    td.textContent = text;
    if (cls) {
      td.className = cls;
    }
    return td;
  }

  function ms(value) {
    return value === null || value === undefined ? '' : value.toFixed(1);
  }

  function drawTable() {
    const body = document.querySelector('#recent tbody');
    body.replaceChildren();
    for (const t of state.recent) {
      const row = document.createElement('tr');
      const timings = t.timings || {};
      const result = t.error ? t.error : String(t.status);
      const url = cell(t.url, 'url');
      url.title = t.url;
      row.append(
        cell(new Date(t.finishedAt).toLocaleTimeString()),
        cell(t.id, 'num'),
        cell(t.method),
        url,
        cell(result, t.error || t.status >= 400 ? 'bad' : 'good'),
        cell(t.attempts === null || t.attempts === undefined ? '' : t.attempts, 'num tries'),
        cell(t.httpVersion || '', 'protocol'),
        cell(t.bodyBytes === null ? '' : t.bodyBytes, 'num'),
        cell(ms(timings.namelookupMs), 'num'),
        cell(ms(timings.connectMs), 'num'),
        cell(ms(timings.appconnectMs), 'num'),
        cell(ms(timings.starttransferMs), 'num'),
        cell(ms(timings.totalMs), 'num'));
      body.appendChild(row);
    }
    $('recent-empty').classList.toggle('hidden', state.recent.length > 0);
  }

  // the hosts the engine holds back now: blocked by a Retry-After, or with transfers waiting to start
  function drawHeld() {
    const body = document.querySelector('#held tbody');
    body.replaceChildren();
    for (const h of state.hosts) {
      const row = document.createElement('tr');
      row.append(
        cell(h.host, 'url'),
        cell(h.waiting, 'num waiting'),
        cell(h.blockedMs > 0 ? (h.blockedMs / 1000).toFixed(1) : '', h.blockedMs > 0 ? 'num blocked bad' : 'num blocked'));
      body.appendChild(row);
    }
    $('held-empty').classList.toggle('hidden', state.hosts.length > 0);
  }

  // the Kafka worker of an app that runs jobs: the panel stays hidden on one that does not (worker null)
  function drawWorker() {
    const worker = state.worker;
    $('worker').classList.toggle('hidden', !worker);
    if (!worker) {
      return;
    }
    $('worker-id').textContent = worker.id;
    $('worker-inflight').textContent = worker.inFlight;
    $('worker-uncommitted').textContent = worker.uncommitted;
    const paused = $('worker-paused');
    paused.textContent = worker.paused ? 'paused (back-pressure)' : 'consuming';
    paused.classList.toggle('bad', worker.paused);
    const hosts = document.querySelector('#worker-hosts tbody');
    hosts.replaceChildren();
    for (const h of worker.busiest) {
      const row = document.createElement('tr');
      row.append(cell(h.host, 'url'), cell(h.jobs, 'num jobs'));
      hosts.appendChild(row);
    }
    $('worker-hosts-empty').classList.toggle('hidden', worker.busiest.length > 0);
    const lag = document.querySelector('#worker-lag tbody');
    lag.replaceChildren();
    for (const p of worker.lag) {
      const row = document.createElement('tr');
      row.append(cell(p.topic + '-' + p.partition, 'partition'), cell(p.lag, 'num lag'));
      lag.appendChild(row);
    }
    $('worker-lag-empty').classList.toggle('hidden', worker.lag.length > 0);
  }

  // ---- the forms ----

  function describe(result) {
    const prefix = result.index !== undefined ? '#' + result.index + ' ' : '';
    const tries = result.attempts > 1 ? ', ' + result.attempts + ' attempts' : '';
    if (result.error) {
      return prefix + result.error.code + ': ' + result.error.message + tries + ' — ' + result.url;
    }
    const total = result.timings ? ' in ' + result.timings.totalMs.toFixed(1) + ' ms' : '';
    const stopped = result.retryStopped ? ' (not retried: ' + result.retryStopped + ')' : '';
    return prefix + result.status + ' ' + result.httpVersion + ', ' + result.bodyBytes + ' bytes' + total + tries + stopped
        + ' — ' + result.url;
  }

  function problemText(problem) {
    const lines = [problem.title + ': ' + (problem.detail || '')];
    for (const error of problem.errors || []) {
      lines.push('  ' + error.field + ' [' + error.rule + '] ' + error.message);
    }
    return lines.join('\n');
  }

  async function showProblem(response, target) {
    const type = response.headers.get('Content-Type') || '';
    const text = type.includes('json') ? problemText(await response.json()) : await response.text();
    target.textContent = response.status + ' ' + text;
    target.classList.add('bad');
    if (response.status === 401) {
      $('key-box').classList.remove('hidden');
    }
  }

  $('fetch-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const out = $('fetch-result');
    const button = event.target.querySelector('button');
    out.className = 'result';
    out.textContent = 'fetching…';
    button.disabled = true;
    try {
      const response = await fetch('api/fetch', {
        method: 'POST',
        headers: headers({ 'Content-Type': 'application/json' }),
        body: JSON.stringify({
          url: $('fetch-url').value.trim(),
          httpVersion: $('fetch-version').value || undefined,
          retries: Number($('fetch-retries').value) || undefined,
        }),
      });
      if (!response.ok) {
        await showProblem(response, out);
        return;
      }
      const result = await response.json();
      out.classList.add(result.error ? 'bad' : 'good');
      const body = result.body !== undefined ? result.body : (result.bodyBase64 ? '(binary, base64) ' + result.bodyBase64 : '');
      out.textContent = describe(result) + (body ? '\n\n' + body.slice(0, 2000) : '');
    } catch (failure) {
      out.textContent = String(failure);
    } finally {
      button.disabled = false;
    }
  });

  function batchRequests(text) {
    const trimmed = text.trim();
    if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
      const parsed = JSON.parse(trimmed);
      return Array.isArray(parsed) ? parsed : parsed.requests;
    }
    return trimmed.split('\n').map((line) => line.trim()).filter((line) => line).map((url) => ({ url }));
  }

  $('batch-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const out = $('batch-result');
    const button = event.target.querySelector('button');
    out.replaceChildren();
    out.className = 'result lines';
    let requests;
    try {
      requests = batchRequests($('batch-input').value);
    } catch (failure) {
      out.textContent = 'not valid JSON: ' + failure.message;
      return;
    }
    button.disabled = true;
    try {
      const response = await fetch('api/batch', {
        method: 'POST',
        headers: headers({ 'Content-Type': 'application/json', Accept: 'application/x-ndjson' }),
        body: JSON.stringify({
          requests,
          concurrency: Number($('batch-concurrency').value) || undefined,
          minIntervalMs: Number($('batch-interval').value) || undefined,
        }),
      });
      if (!response.ok) {
        await showProblem(response, out);
        return;
      }
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let buffered = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) {
          break;
        }
        buffered += decoder.decode(value, { stream: true });
        let newline;
        while ((newline = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, newline);
          buffered = buffered.slice(newline + 1);
          if (line.trim()) {
            const result = JSON.parse(line);
            const item = document.createElement('li');
            item.textContent = describe(result);
            item.className = result.error ? 'bad' : 'good';
            out.appendChild(item);
          }
        }
      }
    } catch (failure) {
      out.textContent = String(failure);
    } finally {
      button.disabled = false;
    }
  });

  connect();
})();
