'use strict';
// The operator's dashboard: plain browser JS over the REST API, no build step. It reads by polling (the API
// pushes nothing), writes through the same routes as curl, and puts API data into the page only as text.

const POLL_MS = 5000;
const TOKEN_KEY = 'ooda-bot.apiToken';
/** Cycles drawn in the charts: one page of the API (PAGE_MAX). */
const CHART_CYCLES = 200;
const TABLE_ROWS = 20;

const $ = (id) => document.getElementById(id);
const path = (...parts) => parts.map(encodeURIComponent).join('/');
// Times in UTC, as everywhere in the bot (the ledger, the journal, the Temporal UI's default).
const clock = (iso) => (iso ? `${new Date(iso).toISOString().slice(11, 19)} UTC` : '—');

/** An element with attributes and children; strings become text nodes, never HTML. */
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) node.setAttribute(name, value);
  node.append(...children.map((c) => (c instanceof Node ? c : String(c ?? '—'))));
  return node;
}

// --- API client: the bearer token, asked for once, and the API's error shape --------------------------------

class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** One pending request for the token, shared by every call that met a 401 meanwhile. */
let tokenRequest = null;

function askForToken() {
  tokenRequest ??= new Promise((resolve) => {
    const form = $('token-form');
    form.hidden = false;
    form.elements.token.focus();
    form.addEventListener(
      'submit',
      (event) => {
        event.preventDefault();
        sessionStorage.setItem(TOKEN_KEY, form.elements.token.value.trim());
        form.reset();
        form.hidden = true;
        tokenRequest = null;
        resolve();
      },
      { once: true },
    );
  });
  return tokenRequest;
}

/** Calls the API; on a 401 asks for the token (a stored one was wrong: forget it) and tries once more. */
async function api(method, route, body) {
  for (let attempt = 1; ; attempt++) {
    const token = sessionStorage.getItem(TOKEN_KEY);
    const headers = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(route, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const payload = await res.json().catch(() => null);
    if (res.ok) return payload;
    if (res.status === 401 && attempt === 1) {
      if (token) sessionStorage.removeItem(TOKEN_KEY);
      showError(new ApiError(401, 'unauthorized', 'this API needs its token (API_TOKEN): enter it above'));
      await askForToken();
      clearError();
      continue;
    }
    throw new ApiError(
      res.status,
      payload?.error?.code ?? `http_${res.status}`,
      payload?.error?.message ?? res.statusText,
    );
  }
}

function showError(err) {
  const box = $('error');
  box.textContent = err instanceof ApiError ? `${err.code}: ${err.message}` : `API unreachable: ${err.message}`;
  box.hidden = false;
}
function clearError() {
  $('error').hidden = true;
}

// --- Polling: one refresh at a time, the next POLL_MS after the last ----------------------------------------

let selected = decodeURIComponent(location.hash.slice(1)) || null;
let queue = Promise.resolve();
let timer;
/** Set while the banner shows a failed refresh, which the next good refresh clears (an action's error stays). */
let refreshFailed = false;

function refreshSoon() {
  clearTimeout(timer);
  queue = queue.then(refreshOnce);
  return queue;
}

async function refreshOnce() {
  // A hidden tab costs the API nothing; it catches up when shown again.
  if (!document.hidden) {
    try {
      const { bots } = await api('GET', 'api/bots');
      renderFleet(bots);
      if (selected) await renderBot(selected);
      $('updated').textContent = `updated ${clock(new Date().toISOString())}`;
      if (refreshFailed) clearError();
      refreshFailed = false;
    } catch (err) {
      showError(err);
      refreshFailed = true;
    }
  }
  clearTimeout(timer);
  timer = setTimeout(refreshSoon, POLL_MS);
}

document.addEventListener('visibilitychange', () => document.hidden || refreshSoon());

function select(botId) {
  selected = botId;
  history.replaceState(null, '', botId ? `#${encodeURIComponent(botId)}` : location.pathname);
  $('bot').hidden = !botId;
  $('explanation').hidden = true;
  delete $('config-form').elements.intervalSeconds.dataset.edited;
  return refreshSoon();
}

// --- The fleet ------------------------------------------------------------------------------------------------

function stateOf(bot) {
  if (bot.unavailable) return 'unavailable';
  if (bot.halted) return 'halted';
  return bot.running ? 'running' : 'stopped';
}

function lastCycleText(c) {
  if (!c) return '—';
  const verdict = c.approved ? 'approved' : 'refused';
  return `#${c.cycle} ${c.action.toUpperCase()} ${verdict} · ${c.dataSource} ${c.price} · ${clock(c.completedAt)}`;
}

function renderFleet(bots) {
  const rows = bots.map((bot) => {
    const state = stateOf(bot);
    const row = el(
      'tr',
      { 'data-bot': bot.id, class: bot.id === selected ? 'selected' : '' },
      el('td', {}, el('button', { type: 'button', class: 'link' }, bot.id)),
      el('td', {}, bot.symbol),
      el('td', {}, bot.strategy),
      el('td', { class: `state ${state}`, title: bot.unavailable ?? '' }, state),
      el('td', { class: 'num' }, bot.equity),
      el('td', { class: 'num cycles' }, bot.cyclesCompleted),
      el('td', {}, lastCycleText(bot.lastCycle)),
    );
    row.addEventListener('click', () => select(bot.id));
    return row;
  });
  $('bots').tBodies[0].replaceChildren(...rows);
  $('no-bots').hidden = bots.length > 0;
}

// --- One bot --------------------------------------------------------------------------------------------------

let charts = null;

function createCharts() {
  const { createChart, createSeriesMarkers, LineSeries } = window.LightweightCharts;
  // The x axis counts cycles, the bot's own clock: one point each, and a trade sits on the cycle that booked it.
  // The charts always show the last CHART_CYCLES cycles whole, so scrolling and zooming are off.
  const options = {
    autoSize: true,
    handleScroll: false,
    handleScale: false,
    layout: { textColor: '#333', background: { color: '#fff' } },
    grid: { vertLines: { visible: false }, horzLines: { color: '#eee' } },
    timeScale: { tickMarkFormatter: (cycle) => `#${cycle}` },
    localization: { timeFormatter: (cycle) => `cycle ${cycle}` },
  };
  const equityChart = createChart($('equity-chart'), options);
  const priceChart = createChart($('price-chart'), options);
  const equity = equityChart.addSeries(LineSeries, { color: '#2962ff', lineWidth: 2 });
  const price = priceChart.addSeries(LineSeries, { color: '#555', lineWidth: 2 });
  return { equityChart, priceChart, equity, price, markers: createSeriesMarkers(price, []) };
}

async function renderBot(botId) {
  const bot = path('api', 'bots', botId);
  let status, equity, cycles, trades;
  try {
    [status, equity, { cycles }, { trades }] = await Promise.all([
      api('GET', bot),
      api('GET', `${bot}/equity?limit=${CHART_CYCLES}`),
      api('GET', `${bot}/cycles?limit=${CHART_CYCLES}`),
      api('GET', `${bot}/trades?limit=${CHART_CYCLES}`),
    ]);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) void select(null);
    throw err;
  }
  renderStatus(status);
  renderCharts(equity.points, cycles, trades);
  renderTrades(trades.slice(0, TABLE_ROWS));
  renderCycles(cycles.slice(0, TABLE_ROWS));
}

function renderStatus(s) {
  const state = stateOf(s);
  $('bot-title').textContent = `${s.botId} · ${s.symbol} · ${s.config.strategy.name}`;
  $('bot-state').textContent = state;
  $('bot-state').className = `state ${state}`;
  $('start').disabled = s.running && !s.halted;
  $('stop').disabled = !s.running;
  const interval = $('config-form').elements.intervalSeconds;
  if (!interval.dataset.edited) interval.value = s.config.intervalSeconds;
  const p = s.portfolio;
  $('portfolio').textContent = [
    p ? `equity ${p.equity}` : 'no cycle yet',
    p && `cash ${p.cash}`,
    p && `position ${p.position.quantity} at ${p.position.averageCost}`,
    p && `realized ${p.realizedPnl}`,
    `phase ${s.phase}`,
    s.running && `next cycle ${clock(s.nextCycleAt)}`,
  ]
    .filter(Boolean)
    .join(' · ');
}

function renderCharts(equityPoints, cycles, trades) {
  charts ??= createCharts();
  // Numbers only to draw: the tables show the API's exact decimal strings.
  charts.equity.setData(equityPoints.map((p) => ({ time: p.cycle, value: Number(p.equity) })));
  const oldestFirst = [...cycles].reverse();
  charts.price.setData(oldestFirst.map((c) => ({ time: c.cycle, value: Number(c.price) })));
  const drawn = new Set(oldestFirst.map((c) => c.cycle));
  const markers = trades
    .filter((t) => drawn.has(t.cycle))
    .sort((a, b) => a.cycle - b.cycle)
    .map((t) =>
      t.side === 'buy'
        ? { time: t.cycle, position: 'belowBar', shape: 'arrowUp', color: '#26a69a', text: 'buy' }
        : { time: t.cycle, position: 'aboveBar', shape: 'arrowDown', color: '#ef5350', text: 'sell' },
    );
  charts.markers.setMarkers(markers);
  charts.equityChart.timeScale().fitContent();
  charts.priceChart.timeScale().fitContent();
}

function explainButton(route, title) {
  const button = el('button', { type: 'button', class: 'explain' }, 'Explain');
  button.addEventListener('click', () => explain(route, title));
  return button;
}

function renderTrades(trades) {
  const rows = trades.map((t) =>
    el(
      'tr',
      { 'data-trade': t.tradeId },
      el('td', {}, t.tradeId),
      el('td', {}, t.cycle),
      el('td', { class: t.side }, t.side),
      el('td', { class: 'num' }, t.quantity),
      el('td', { class: 'num' }, t.price),
      el('td', { class: 'num' }, t.fee),
      el('td', { class: 'num' }, t.side === 'sell' ? t.realizedPnl : ''),
      el('td', {}, explainButton(path('api', 'trades', t.tradeId), `Trade ${t.tradeId}`)),
    ),
  );
  $('trades').tBodies[0].replaceChildren(...rows);
}

function riskText(v) {
  return v.approved ? `approved (${v.rule})` : `refused (${v.rule}: ${v.reason})`;
}

function renderCycles(cycles) {
  const rows = cycles.map((c) =>
    el(
      'tr',
      { 'data-cycle': c.cycle },
      el('td', {}, c.cycle),
      el('td', {}, clock(c.recordedAt)),
      el('td', {}, `${c.dataSource} (${c.dataAgeSeconds} s)`),
      el('td', { class: 'num' }, c.price),
      el('td', { title: c.decision.rationale }, `${c.decision.action.toUpperCase()} ${c.decision.quantity}`),
      el('td', { class: `risk ${c.verdict.approved ? 'approved' : 'refused'}` }, riskText(c.verdict)),
      el('td', {}, explainButton(`${path('api', 'bots', selected)}/cycles/${c.cycle}`, `Cycle ${c.cycle}`)),
    ),
  );
  $('cycles').tBodies[0].replaceChildren(...rows);
}

// --- Explanations: why a cycle or a trade did what it did -----------------------------------------------------

/** One line per field; nested values stay JSON, as the API sent them. */
function fieldText(value) {
  if (value === null || typeof value !== 'object') return String(value ?? '—');
  return Object.entries(value)
    .map(([k, v]) =>
      k === 'rules' && Array.isArray(v)
        ? rulesText(v)
        : `${k}: ${v !== null && typeof v === 'object' ? JSON.stringify(v) : v}`,
    )
    .join('\n');
}

/** Every risk rule's verdict, one line each: "stop-loss: passed", "max-position: resized (why)". */
function rulesText(rules) {
  return ['rules:', ...rules.map((r) => `  ${r.rule}: ${r.outcome}${r.reason ? ` (${r.reason})` : ''}`)].join('\n');
}

async function explain(route, title) {
  try {
    const x = await api('GET', route);
    $('explanation-title').textContent = title;
    $('explanation-summary').textContent = x.summary;
    $('explanation-link').href = x.temporalUi;
    const fields = ['observation', 'decision', 'risk', 'order', 'fill', 'effect'];
    $('explanation-fields').replaceChildren(...fields.flatMap((f) => [el('dt', {}, f), el('dd', {}, fieldText(x[f]))]));
    $('explanation').hidden = false;
    $('explanation').scrollIntoView({ block: 'nearest' });
  } catch (err) {
    showError(err);
  }
}

// --- Actions --------------------------------------------------------------------------------------------------

/** A mutation: its error (the API's code and message) stays shown until the next action; then a refresh. */
async function act(mutation) {
  clearError();
  refreshFailed = false;
  try {
    await mutation();
  } catch (err) {
    showError(err);
  }
  await refreshSoon();
}

$('start').addEventListener('click', () => act(() => api('POST', `${path('api', 'bots', selected)}/start`)));
$('stop').addEventListener('click', () => act(() => api('POST', `${path('api', 'bots', selected)}/stop`)));

const intervalInput = $('config-form').elements.intervalSeconds;
intervalInput.addEventListener('input', () => (intervalInput.dataset.edited = 'yes'));
$('config-form').addEventListener('submit', (event) => {
  event.preventDefault();
  void act(async () => {
    await api('PATCH', `${path('api', 'bots', selected)}/config`, { intervalSeconds: Number(intervalInput.value) });
    delete intervalInput.dataset.edited;
  });
});

$('create-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  const { id, symbol, marketDataMode, intervalSeconds } = form.elements;
  const config = { id: id.value.trim(), symbol: symbol.value.trim() };
  if (marketDataMode.value) config.marketDataMode = marketDataMode.value;
  if (intervalSeconds.value) config.intervalSeconds = Number(intervalSeconds.value);
  void act(async () => {
    const created = await api('POST', 'api/bots', config);
    form.reset();
    await select(created.id);
  });
});

$('error').addEventListener('click', clearError);
$('bot').hidden = !selected;
void refreshSoon();
