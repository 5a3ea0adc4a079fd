// Agent console: live visitor list with segment badges, alert pop-ups with a chime, mutes.
// Plain browser JavaScript, no build step. Talks only to the notifier that serves it.
(function () {
  'use strict';
  const $ = (id) => document.getElementById(id);
  let agent = sessionStorage.getItem('vp-agent');
  let token = sessionStorage.getItem('vp-token');
  let rows = [];
  let audio;

  const el = (tag, props, ...children) => {
    const e = Object.assign(document.createElement(tag), props || {});
    children.forEach((c) => e.append(c));
    return e;
  };
  const api = (path, init) =>
    fetch(path, Object.assign({ headers: { Authorization: 'Bearer ' + token, 'Content-Type': 'application/json' } }, init || {}));

  function badge(b) {
    const span = el('span', { className: 'badge', textContent: b.label, title: b.name });
    span.style.background = b.color;
    return span;
  }

  function minutesSince(iso) {
    const s = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
    return Math.floor(s / 60) + ':' + String(Math.floor(s % 60)).padStart(2, '0');
  }

  function render() {
    const filter = $('filter').value;
    const body = $('visitors');
    body.replaceChildren();
    const segments = new Map();
    rows.forEach((r) => r.badges.forEach((b) => segments.set(b.segmentId, b.name)));
    const select = $('filter');
    segments.forEach((name, id) => {
      if (![...select.options].some((o) => o.value === id)) select.append(el('option', { value: id, textContent: name }));
      const hs = $('history-segment');
      if (![...hs.options].some((o) => o.value === id)) hs.append(el('option', { value: id, textContent: name }));
    });
    rows.filter((r) => !filter || r.badges.some((b) => b.segmentId === filter)).forEach((r) => {
      const tr = el('tr', { className: 'visitor', tabIndex: 0 },
        el('td', { textContent: r.label }),
        el('td', {}, ...r.badges.slice(0, 3).map(badge)),
        el('td', { textContent: r.currentUrl || '' }),
        el('td', { textContent: minutesSince(r.firstSeen) }),
        el('td', { textContent: r.city || '' }),
        el('td', { textContent: r.cartValue == null ? '' : r.cartValue.toFixed(2) }));
      tr.dataset.visitor = r.visitorId;
      const show = () => detail(r);
      tr.addEventListener('click', show);
      tr.addEventListener('keydown', (e) => { if (e.key === 'Enter') show(); });
      body.append(tr);
    });
  }

  function detail(r) {
    $('detail').replaceChildren(
      el('h2', { textContent: r.label }),
      el('p', {}, ...r.badges.map(badge)),
      el('p', { textContent: [r.city, r.country].filter(Boolean).join(', ') }),
      el('p', { textContent: 'Page: ' + (r.currentUrl || '—') }),
      el('p', { textContent: 'Cart: ' + (r.cartValue == null ? '—' : r.cartValue.toFixed(2)) }),
      ...r.badges.map((b) => {
        const button = el('button', { type: 'button', textContent: 'Mute pop-ups of ' + b.label });
        button.addEventListener('click', () =>
          api('/v1/agents/' + agent + '/mutes/' + encodeURIComponent(b.segmentId),
            { method: 'PUT', body: JSON.stringify({ popupMuted: true, soundMuted: true }) }));
        return button;
      }));
  }

  async function refresh() {
    const response = await api('/v1/agents/' + agent + '/visitors');
    if (response.status === 401) return signOut();
    rows = await response.json();
    render();
  }

  function chime() {
    try {
      audio = audio || new AudioContext();
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = 880;
      gain.gain.setValueAtTime(0.2, audio.currentTime);
      gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.6);
      osc.connect(gain).connect(audio.destination);
      osc.start();
      osc.stop(audio.currentTime + 0.6);
    } catch (e) { /* no audio */ }
  }

  function onAlert(alert) {
    if (alert.sound) chime();
    if (alert.popup) {
      const toast = el('div', { className: 'toast' },
        el('strong', { textContent: alert.visitorLabel }), ' entered ', badge(alert),
        el('div', { textContent: [alert.city, alert.cartValue == null ? '' : 'cart ' + alert.cartValue.toFixed(2)].filter(Boolean).join(' · ') }));
      toast.style.borderLeftColor = alert.color;
      toast.dataset.segment = alert.segmentId;
      $('alerts').append(toast);
      setTimeout(() => toast.remove(), 15000);
    }
    refresh();
  }

  // History (segment-sink, through the notifier): entered per minute and transcripts by segment.
  async function history() {
    const segment = $('history-segment').value;
    if (!segment) return;
    const to = new Date();
    const from = new Date(to.getTime() - 24 * 3600 * 1000);
    const range = '&from=' + from.toISOString() + '&to=' + to.toISOString();
    const site = (rows[0] && rows[0].siteId) || 'demo';
    const base = '/v1/agents/' + encodeURIComponent(agent) + '/history/';
    const counts = await (await api(base + 'counts?siteId=' + site + '&segmentId=' + encodeURIComponent(segment) + range)).json();
    const chart = $('history-chart');
    chart.replaceChildren();
    const max = Math.max(1, ...counts.map((c) => c.entered));
    const width = 720 / Math.max(1, counts.length);
    counts.forEach((c, i) => {
      const bar = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
      const h = Math.round((c.entered / max) * 76);
      bar.setAttribute('x', String(i * width));
      bar.setAttribute('y', String(78 - h));
      bar.setAttribute('width', String(Math.max(1, width - 1)));
      bar.setAttribute('height', String(h));
      bar.append(Object.assign(document.createElementNS('http://www.w3.org/2000/svg', 'title'), { textContent: c.minute + ': ' + c.entered }));
      chart.append(bar);
    });
    const page = await (await api(base + 'transcripts?siteId=' + site + '&segmentId=' + encodeURIComponent(segment) + range)).json();
    $('history-transcripts').replaceChildren(...(page.items || []).map((t) =>
      el('li', {}, el('strong', { textContent: t.chatId + ' · ' + new Date(t.startedAt).toLocaleString() }),
        el('ul', {}, ...t.events.filter((e) => e.text).map((e) => el('li', { textContent: (e.sender || '') + ': ' + e.text }))))));
  }

  function start() {
    $('login').hidden = true;
    $('app').hidden = false;
    $('who').textContent = agent;
    $('filter').addEventListener('change', render);
    $('history-show').addEventListener('click', history);
    const stream = new EventSource('/v1/agents/' + encodeURIComponent(agent) + '/alerts?token=' + encodeURIComponent(token));
    stream.addEventListener('alert', (e) => onAlert(JSON.parse(e.data)));
    refresh();
    setInterval(refresh, 3000);
  }

  function signOut() {
    sessionStorage.clear();
    location.reload();
  }

  $('login').addEventListener('submit', (e) => {
    e.preventDefault();
    agent = $('agent').value.trim();
    token = $('token').value;
    sessionStorage.setItem('vp-agent', agent);
    sessionStorage.setItem('vp-token', token);
    start();
  });
  if (agent && token) start(); else $('login').hidden = false;
})();
