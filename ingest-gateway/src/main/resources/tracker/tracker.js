/*
 * Visitor Profiler tracker.js v1 (plain ES2017, no dependencies)
 *
 * Embed: <script async src="https://GATEWAY/tracker.js" data-site="demo" data-key="demo-key">
 * Optional data-endpoint overrides the script's origin. Calls made earlier through the stub
 * window.vp = window.vp || function () { (window.vp.q = window.vp.q || []).push(arguments) }
 * are replayed on load.
 *
 * Protocol: POST {endpoint}/v1/events, "Authorization: Bearer <key>", JSON
 * {"sentAt": ms, "events": [{type, visitorId, eventId, timestamp, optOut?, ...}]}, <= 50 events,
 * one request at a time. Retries 5xx/429/network errors with back-off; on 400 drops the events
 * named in problems[].where; on 413 halves the batch; stops on 401/403. Hidden pages use
 * sendBeacon(/v1/events?writeKey=<key>, text/plain). Invitations: EventSource
 * /v1/visitors/{visitorId}/invitations.
 *
 * Privacy: the visitor id is random and first-party (cookie _vp_id, copied to localStorage);
 * gateway requests carry no cookies. After vp('consent', false) (_vp_consent = '0') events
 * carry optOut: true so the visitor is not profiled. Unsent events wait in localStorage (_vp_q).
 */
(function () {
  'use strict';

  const win = window, doc = document, nav = navigator, loc = location;
  if (win.vp && win.vp.version) return; // loaded twice

  const warn = (msg) => console.warn('[vp] ' + msg);

  // ---- Configuration, from our own <script> tag ----
  const script = doc.currentScript ||
    Array.from(doc.scripts).reverse().find((s) => /\/tracker\.js([?#]|$)/.test(s.src));
  const attr = (name) => (script && script.getAttribute('data-' + name)) || '';
  const site = attr('site'), key = attr('key');
  let endpoint = attr('endpoint');
  try {
    endpoint = (endpoint || new URL(script.src).origin).replace(/\/+$/, '');
  } catch (e) { /* no usable src */ }
  if (!site || !key || !endpoint) return warn('tracker.js needs data-site and data-key');

  // ---- Helpers ----
  // Reads (value undefined), writes or removes (null) a storage entry; private mode may throw.
  function store(area, name, value) {
    try {
      if (value === undefined) return win[area].getItem(name);
      if (value === null) win[area].removeItem(name); else win[area].setItem(name, value);
    } catch (e) { /* storage unavailable */ }
  }
  const str = (v) => (v == null ? undefined : String(v));
  const num = (v) => (v == null ? undefined : Number(v));
  const obj = (v) => (v && typeof v === 'object' ? v : {});
  function strings(map) { // the server wants string values
    const out = {};
    for (const k of Object.keys(obj(map))) if (map[k] != null) out[k] = String(map[k]);
    return out;
  }
  const random = () => crypto.getRandomValues(new Uint8Array(1))[0];
  // randomUUID exists only in secure contexts; else a v4 UUID from getRandomValues.
  const uuid = () => (crypto.randomUUID ? crypto.randomUUID() :
    '10000000-1000-4000-8000-100000000000'.replace(/[018]/g, (c) => (c ^ (random() & (15 >> (c / 4)))).toString(16)));

  // ---- Visitor id: cookie, else localStorage, else new (cookie refreshed on each load) ----
  const ID = /^v-[0-9A-Za-z]{22}$/;
  let visitorId = (/(?:^|; )_vp_id=([^;]+)/.exec(doc.cookie) || [])[1];
  if (!ID.test(visitorId)) visitorId = store('localStorage', '_vp_id');
  if (!ID.test(visitorId)) {
    const b62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
    visitorId = 'v-';
    while (visitorId.length < 24) {
      const b = random();
      if (b < 248) visitorId += b62[b % 62]; // 248 = 4 * 62, so no character is favoured
    }
  }
  doc.cookie = '_vp_id=' + visitorId + '; max-age=31536000; path=/; SameSite=Lax' +
    (loc.protocol === 'https:' ? '; Secure' : '');
  store('localStorage', '_vp_id', visitorId);

  let optedOut = store('localStorage', '_vp_consent') === '0';

  // ---- Buffer and sending ----
  let queue = [];      // unacknowledged events, oldest first, the batch in flight included
  let inFlight = [];   // events of the request in flight
  let sending = null;  // promise of that request
  let flushTimer = 0, retryTimer = 0, retries = 0;
  let batchSize = 50;  // halved by a 413, back to 50 when the buffer is empty
  let stopped = false; // after 401/403 nothing more is sent from this page

  // Other tabs of the site share the stored buffer: a write keeps the events of theirs that this
  // tab never held, and drops the ones it held and has sent or dropped since.
  function setQueue(events) {
    const held = new Set(queue.concat(events).map((e) => e.eventId));
    queue = events.slice(-500); // the oldest go first
    let others = [];
    try { others = JSON.parse(store('localStorage', '_vp_q')).filter((e) => e && !held.has(e.eventId)); } catch (e) { /* none */ }
    const all = others.concat(queue).slice(-500);
    store('localStorage', '_vp_q', all.length ? JSON.stringify(all) : null);
    if (!queue.length) batchSize = 50;
  }
  const remove = (events) => setQueue(queue.filter((e) => !events.includes(e)));

  function schedule() {
    if (queue.length >= 20) flush();
    else if (queue.length && !flushTimer) flushTimer = setTimeout(flush, 1000);
  }

  function track(type, fields, noOptOut) {
    if (stopped) return;
    const event = Object.assign({ type, visitorId, eventId: uuid(), timestamp: Date.now() }, fields);
    if (optedOut && !noOptOut) event.optOut = true;
    setQueue(queue.concat(event));
    schedule();
  }

  const body = (events) => JSON.stringify({ sentAt: Date.now(), events });

  // Sends the oldest batch; the promise settles when the attempt is over.
  function flush() {
    clearTimeout(flushTimer);
    flushTimer = 0;
    if (sending) return sending;
    if (stopped || retryTimer || !queue.length) return Promise.resolve();
    const batch = inFlight = queue.slice(0, batchSize);
    return sending = fetch(endpoint + '/v1/events', {
      method: 'POST',
      mode: 'cors',
      credentials: 'omit',
      headers: { Authorization: 'Bearer ' + key, 'Content-Type': 'application/json' },
      body: body(batch),
    })
      .then((res) => handle(batch, res))
      .catch(() => retry())
      .then(() => {
        sending = null;
        inFlight = [];
        flush(); // whatever is left, unless backing off
      });
  }

  function handle(batch, res) {
    const status = res.status;
    if (status < 300) {
      retries = 0;
      remove(batch);
    } else if (status >= 500 || status === 429) {
      retry(res.headers.get('Retry-After'));
    } else if (status === 400) {
      return res.json().catch(() => ({})).then((answer) => {
        const problems = [].concat(obj(answer).problems || []).map(obj);
        const bad = problems.map((p) => batch[(/^events\[(\d+)\]/.exec(p.where) || [])[1]]).filter(Boolean);
        warn('rejected: ' + (problems.map((p) => p.where + ': ' + p.message).join('; ') || answer.error));
        remove(bad.length ? bad : batch); // the others are resent at once
      });
    } else if (status === 413 && batch.length > 1) {
      batchSize = Math.ceil(batch.length / 2);
    } else if (status === 401 || status === 403) {
      warn('key refused, tracking stopped');
      stopped = true;
      setQueue([]);
      heartbeat(false);
      closeStream();
    } else {
      warn('HTTP ' + status + ', events dropped');
      remove(batch);
    }
  }

  // Keeps the batch; tries again after Retry-After seconds, else 1 s doubling to 60 s, +-20 %.
  function retry(retryAfter) {
    const wait = parseFloat(retryAfter) * 1000;
    const delay = wait >= 0 ? wait : Math.min(60000, 1000 * 2 ** retries++) * (0.8 + Math.random() * 0.4);
    retryTimer = setTimeout(() => {
      retryTimer = 0;
      flush();
    }, delay);
  }

  // Hands what is not in flight to sendBeacon. Not while offline or backing off: the browser would
  // take the beacon and lose it, while the stored buffer is sent again from the next page.
  // A beacon carries at most 64 KiB: a chunk is halved until it fits, and an event too large
  // alone stays stored for a request from the next page.
  function beacon() {
    if (stopped || retryTimer || !nav.onLine || !nav.sendBeacon) return;
    const rest = queue.filter((e) => !inFlight.includes(e));
    while (rest.length) {
      let n = Math.min(50, rest.length), blob;
      while ((blob = new Blob([body(rest.slice(0, n))], { type: 'text/plain;charset=UTF-8' })).size > 60000 && n > 1) {
        n = Math.ceil(n / 2);
      }
      if (blob.size > 60000) {
        rest.shift();
        continue;
      }
      const chunk = rest.splice(0, n);
      if (!nav.sendBeacon(endpoint + '/v1/events?writeKey=' + encodeURIComponent(key), blob)) return;
      remove(chunk);
    }
  }

  // ---- Page views, SPA navigation, heartbeat ----
  // The gateway refuses longer URLs (2,048) and titles (512): cut, the event is kept.
  const cut = (text, max) => (text ? String(text).slice(0, max) : text);
  let lastUrl = loc.href;
  function pageView(virtual, referrer) {
    lastUrl = loc.href;
    const timezone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    track('page_view', {
      url: cut(lastUrl, 2048), referrer: cut(referrer, 2048), title: cut(doc.title, 512),
      timezone, language: nav.language, virtual,
    });
  }

  // Checked in a later task, once the router has set the new title.
  const navigated = () => setTimeout(() => loc.href !== lastUrl && pageView(true, lastUrl));
  for (const name of ['pushState', 'replaceState']) {
    const original = history[name];
    history[name] = function () {
      const result = original.apply(this, arguments);
      navigated();
      return result;
    };
  }
  win.addEventListener('popstate', navigated);

  let heartbeatTimer = 0;
  const visible = () => doc.visibilityState === 'visible';
  function heartbeat(on) {
    clearInterval(heartbeatTimer);
    if (on && !stopped) heartbeatTimer = setInterval(() => track('heartbeat', { url: cut(loc.href, 2048) }), 15000);
  }

  // ---- Invitations ----
  let stream = null, box = null;
  const onAccepted = [];

  function openStream() {
    if (stream || stopped || !win.EventSource) return;
    stream = new EventSource(endpoint + '/v1/visitors/' + encodeURIComponent(visitorId) +
      '/invitations?siteId=' + encodeURIComponent(site) + '&writeKey=' + encodeURIComponent(key));
    stream.addEventListener('invitation', (e) => {
      try { invite(JSON.parse(e.data)); } catch (err) { warn('bad invitation: ' + err); }
    });
  }
  function closeStream() {
    if (stream) stream.close();
    stream = null;
  }

  function element(tag, id, text) {
    const el = doc.createElement(tag);
    el.id = id;
    el.textContent = text; // never innerHTML: the message is untrusted
    return el;
  }

  // Answered invitations (_vp_inv): one left unanswered by a navigation shows again on the next
  // page until it expires. The time left is counted by the gateway's clock (sentAt), not this one.
  function answered() {
    try { return [].concat(JSON.parse(store('sessionStorage', '_vp_inv') || '[]')); } catch (e) { return []; }
  }
  function invite(inv) {
    const id = inv.invitationId;
    const ttl = inv.expiresAt == null ? 120000 : inv.expiresAt - (inv.sentAt || Date.now());
    if (!id || box || answered().includes(id) || !(ttl > 0)) return; // one box at a time

    const accept = element('button', 'vp-invitation-accept', 'Chat now');
    const decline = element('button', 'vp-invitation-decline', 'No thanks');
    const current = box = element('div', 'vp-invitation', '');
    box.style.cssText = 'position:fixed;right:16px;bottom:16px;z-index:2147483647;max-width:300px;padding:16px;' +
      'background:#fff;color:#000;border:1px solid #888;border-radius:8px;font:14px system-ui,sans-serif';
    box.setAttribute('role', 'dialog');
    box.setAttribute('aria-live', 'polite');
    box.setAttribute('aria-label', 'Chat invitation');
    box.append(element('p', '', inv.message || ''), accept, ' ', decline);

    const timer = setTimeout(() => answer('IGNORED'), Math.min(ttl, 2e9));
    function answer(response) {
      if (box !== current) return; // already answered
      clearTimeout(timer);
      box.remove();
      box = null;
      store('sessionStorage', '_vp_inv', JSON.stringify(answered().concat(id)));
      track('invitation_response', { invitationId: id, response });
      if (response === 'ACCEPTED') onAccepted.forEach((fn) => fn(inv));
    }
    accept.onclick = () => answer('ACCEPTED');
    decline.onclick = () => answer('DECLINED');
    box.onkeydown = (e) => e.key === 'Escape' && answer('DECLINED');
    (doc.body || doc.documentElement).append(box);
  }

  // ---- Public API: vp(name, ...args) or vp.name(...args) ----
  function order(o) {
    const items = [].concat(o.items || []).map((i) =>
      ({ sku: str(i.sku), name: str(i.name), price: num(i.price), quantity: i.quantity == null ? 1 : num(i.quantity) }));
    return { items, value: num(o.value), currency: str(o.currency) };
  }
  const chatFields = {
    chat_requested: ['url', 'department'],
    chat_started: ['agentId'],
    chat_message: ['messageId', 'text'],
    chat_ended: ['endedBy'],
  };

  const commands = {
    page: () => pageView(true, lastUrl),
    cart: (o) => track('cart_updated', order(obj(o))),
    purchase: (o) => track('purchase', Object.assign({ orderId: str(obj(o).orderId) }, order(obj(o)))),
    identify: (o) => track('identify', {
      name: str(obj(o).name), email: str(o.email), customerId: str(o.customerId), traits: strings(o.traits),
    }),
    set: (variables) => track('custom_variables', { variables: strings(variables) }),
    prechat: (chatId, fields) => track('prechat_submitted', { chatId: str(chatId), fields: strings(fields) }),
    postchat: (chatId, fields, rating) =>
      track('postchat_submitted', { chatId: str(chatId), fields: strings(fields), rating: num(rating) }),
    offline: (fields, message) => track('offline_message', { fields: strings(fields), message: str(message) }),
    // vp('chat', 'chat_message' or 'message', {chatId, text, ...})
    chat: (type, o) => {
      type = /^chat_/.test(type) ? type : 'chat_' + type;
      if (!chatFields[type]) return warn('unknown chat event ' + type);
      const fields = { chatId: str(obj(o).chatId) };
      for (const name of chatFields[type]) fields[name] = str(o[name]);
      if (type === 'chat_requested') fields.url = cut(fields.url || loc.href, 2048);
      if (type === 'chat_message') Object.assign(fields, { messageId: fields.messageId || uuid(), sender: 'VISITOR' });
      track(type, fields);
    },
    consent: (granted) => {
      optedOut = !granted || granted === 'false';
      store('localStorage', '_vp_consent', optedOut ? '0' : null);
      track('consent', { profiling: !optedOut }, true); // unflagged, so the server sees the change
    },
    onInvitationAccepted: (fn) => typeof fn === 'function' && onAccepted.push(fn),
    flush,
    visitorId: () => visitorId,
  };

  function vp(name, ...args) {
    if (!commands.hasOwnProperty(name)) return warn('unknown command ' + name);
    try {
      return commands[name](...args);
    } catch (e) {
      warn(name + ': ' + e);
    }
  }
  Object.keys(commands).forEach((name) => { vp[name] = (...args) => vp(name, ...args); });
  vp.version = '1';

  // ---- Start ----
  const early = Array.from((win.vp && win.vp.q) || [], (args) => Array.from(args));
  win.vp = vp;
  try { setQueue(JSON.parse(store('localStorage', '_vp_q')).filter((e) => e && e.eventId)); } catch (e) { /* none */ }
  // Consent calls made before loading go first, so an opt-out covers this page view too.
  early.filter((a) => a[0] === 'consent').forEach((a) => vp(...a));
  pageView(false, doc.referrer);
  early.filter((a) => a[0] !== 'consent').forEach((a) => vp(...a));

  doc.addEventListener('visibilitychange', () => {
    heartbeat(visible());
    if (visible()) schedule(); else beacon();
  });
  win.addEventListener('pagehide', () => {
    beacon();
    closeStream();
  });
  win.addEventListener('pageshow', (e) => e.persisted && openStream()); // back from the bfcache
  win.addEventListener('online', () => {
    clearTimeout(retryTimer);
    retryTimer = retries = 0;
    flush();
  });

  heartbeat(visible());
  openStream();
  flush();
})();
