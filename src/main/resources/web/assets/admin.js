// genpay admin console: the orders list, an order's page and the files list. Each opens one EventSource on
// /api/admin/events; its "ready" event (on every connect) loads the list, so no change falls between the two,
// and every change is applied where it shows. Nothing polls.
(function () {
  'use strict';
  var page = JSON.parse(document.getElementById('page').textContent);
  var $ = function (id) { return document.getElementById(id); };
  var base = '/' + page.locale + '/admin';

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === 'text') { node.textContent = attrs[key]; } else { node.setAttribute(key, attrs[key]); }
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) { return; }
      node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    });
    return node;
  }
  function when(ms) { return ms ? new Date(ms).toISOString().replace('T', ' ').slice(0, 19) : '—'; }
  function money(minor, currency) {
    if (minor === null || minor === undefined || !currency) { return '—'; }
    if (currency === 'credits') { return minor + ' credits'; }
    try {
      var format = new Intl.NumberFormat(page.locale, { style: 'currency', currency: currency.toUpperCase() });
      return format.format(minor / Math.pow(10, format.resolvedOptions().maximumFractionDigits));
    } catch (e) { return (minor / 100).toFixed(2) + ' ' + currency.toUpperCase(); }
  }
  function status(text) { return el('span', { 'class': 'status ' + text, text: text }); }
  function filesSummary(files) {
    if (!files || !files.length) { return '—'; }
    var done = files.filter(function (f) { return f.status === 'completed'; }).length;
    var progress = Math.round(files.reduce(function (sum, f) { return sum + (f.progress || 0); }, 0) / files.length);
    return done + '/' + files.length + ' done · ' + progress + '%';
  }
  function problem(text) { var p = $('problem'); p.textContent = text || ''; p.hidden = !text; }
  function getJson(url) {
    return fetch(url, { credentials: 'same-origin' }).then(function (r) {
      return r.json().then(function (body) {
        if (!r.ok) { throw new Error(body.detail || body.title || ('HTTP ' + r.status)); }
        return body;
      });
    });
  }
  $('nav-orders').href = base;
  $('nav-files').href = base + '/files';

  /** The stream: "ready" loads, "order" applies one change, "resync" loads again. */
  function live(onReady, onOrder) {
    var loading = null;
    var waiting = [];
    function load() {
      loading = onReady().then(function () {
        var queued = waiting; waiting = []; loading = null;
        queued.forEach(onOrder);
      }, function (e) { loading = null; problem(e.message); });
    }
    var source = new EventSource('/api/admin/events');
    source.addEventListener('ready', function () { $('live').dataset.state = 'open'; $('live').textContent = 'live'; load(); });
    source.addEventListener('resync', load);
    source.addEventListener('order', function (event) {
      var change = JSON.parse(event.data);
      if (loading) { waiting.push(change); } else { onOrder(change); }
    });
    source.onerror = function () { $('live').dataset.state = 'closed'; $('live').textContent = 'reconnecting…'; };
    window.__adminSource = source;
  }

  function pager(state, total, reload) {
    var pages = Math.max(1, Math.ceil(total / state.limit));
    $('page-info').textContent = 'page ' + state.page + ' of ' + pages + ' · ' + total + ' in all';
    $('prev').disabled = state.page <= 1;
    $('next').disabled = state.page >= pages;
    $('prev').onclick = function () { state.page--; reload(); };
    $('next').onclick = function () { state.page++; reload(); };
  }

  function query(state, names) {
    var params = new URLSearchParams();
    names.forEach(function (name) { if (state[name]) { params.set(name, state[name]); } });
    params.set('page', state.page); params.set('limit', state.limit);
    return params.toString();
  }

  function ordersPage() {
    var state = { page: 1, limit: 20, status: '', from: '', to: '', q: '' };
    var versions = {};
    function row(order) {
      versions[order.id] = order.version || 0;
      var tr = el('tr', { 'data-id': order.id, 'data-status': order.status }, [
        el('td', { text: when(order.createdAt) }),
        el('td', {}, [el('a', { href: base + '/orders/' + encodeURIComponent(order.id), text: order.id })]),
        el('td', { 'class': 'state' }, [status(order.status)]),
        el('td', { 'class': 'files-cell', text: order.files ? filesSummary(order.files) : (order.videoCount || 0) + ' file(s)' }),
        el('td', { text: money(order.amountTotal, order.currency) }),
        el('td', { text: order.email || '—' })]);
      return tr;
    }
    function load() {
      problem('');
      return getJson('/api/admin/orders?' + query(state, ['status', 'from', 'to', 'q'])).then(function (answer) {
        var body = $('orders');
        body.textContent = '';
        versions = {};
        answer.items.forEach(function (order) { body.appendChild(row(order)); });
        $('empty').hidden = answer.items.length > 0;
        state.total = answer.total;
        pager(state, answer.total, load);
      });
    }
    function apply(session) {
      var tr = document.querySelector('#orders tr[data-id="' + CSS.escape(session.sessionId) + '"]');
      if (tr) {
        if ((session.version || 0) <= (versions[session.sessionId] || 0)) { return; }
        versions[session.sessionId] = session.version;
        tr.dataset.status = session.status;
        tr.querySelector('.state').replaceChildren(status(session.status));
        tr.querySelector('.files-cell').textContent = filesSummary(session.files) === '—'
          ? (session.videoCount || 0) + ' file(s)' : filesSummary(session.files);
        return;
      }
      // A new order shows at the top of the newest page when the filters let it through.
      var fresh = (session.version || 0) <= 1 && state.page === 1 && !state.q && !state.to
        && (!state.status || state.status === session.status);
      if (!fresh) { return; }
      var created = row({ id: session.sessionId, status: session.status, createdAt: session.timestamp,
        videoCount: session.videoCount, version: session.version, files: session.files });
      created.className = 'fresh';
      $('orders').insertBefore(created, $('orders').firstChild);
      $('empty').hidden = true;
      state.total = (state.total || 0) + 1;
      pager(state, state.total, load);
    }
    $('filters').addEventListener('submit', function (event) {
      event.preventDefault();
      state.status = $('status').value; state.from = $('from').value; state.to = $('to').value;
      state.q = $('q').value.trim(); state.page = 1;
      load().catch(function (e) { problem(e.message); });
      funnel();
    });
    function funnel() {
      var to = state.to || new Date().toISOString().slice(0, 10);
      var from = state.from || new Date(Date.now() - 6 * 86400000).toISOString().slice(0, 10);
      $('funnel').src = '/api/admin/funnel.svg?from=' + from + '&to=' + to;
    }
    funnel();
    live(load, apply);
  }

  function filesPage() {
    var state = { page: 1, limit: 50, status: '' };
    function load() {
      problem('');
      return getJson('/api/admin/files?' + query(state, ['status'])).then(function (answer) {
        var body = $('files');
        body.textContent = '';
        answer.items.forEach(function (file) {
          body.appendChild(el('tr', { 'data-id': file.id, 'data-status': file.status, 'data-version': file.version || 0 }, [
            el('td', { text: when(file.createdAt) }),
            el('td', {}, [el('code', { text: file.id })]),
            el('td', {}, [el('a', { href: base + '/orders/' + encodeURIComponent(file.sessionId), text: file.sessionId })]),
            el('td', { 'class': 'state' }, [status(file.status)]),
            el('td', { 'class': 'progress', text: (file.progress || 0) + '%' }),
            el('td', { text: file.refund ? file.refund.status + ' ' + money(file.refund.amount, file.refund.currency) : '—' })]));
        });
        $('empty').hidden = answer.items.length > 0;
        pager(state, answer.total, load);
      });
    }
    function apply(session) {
      (session.files || []).forEach(function (file) {
        var tr = document.querySelector('#files tr[data-id="' + CSS.escape(file.id) + '"]');
        if (!tr) { return; }
        tr.dataset.status = file.status;
        tr.querySelector('.state').replaceChildren(status(file.status));
        tr.querySelector('.progress').textContent = (file.progress || 0) + '%';
      });
    }
    $('filters').addEventListener('submit', function (event) {
      event.preventDefault();
      state.status = $('status').value; state.page = 1;
      load().catch(function (e) { problem(e.message); });
    });
    live(load, apply);
  }

  function orderPage() {
    var id = page.orderId;
    var shownVersion = -1;
    $('order-id').textContent = id;
    function item(list, children) { $(list).appendChild(el('li', {}, children)); }
    function render(detail) {
      var order = detail.order;
      shownVersion = order.version || 0;
      document.body.dataset.status = order.status;
      var summary = $('summary');
      summary.textContent = '';
      [['Status', status(order.status)], ['Kind', order.kind], ['Created', when(order.createdAt)],
        ['Paid', when(order.paidAt)], ['Ended', when(order.endedAt)], ['Amount', money(order.amountTotal, order.currency)],
        ['Refunded', money(order.refundedAmount, order.currency)], ['E-mail', order.email || '—'],
        ['Payment intent', order.paymentIntent || '—'], ['Account', order.accountId || '—'], ['Error', order.error || '—']]
        .forEach(function (pair) {
          summary.appendChild(el('dt', { text: pair[0] }));
          summary.appendChild(el('dd', {}, [typeof pair[1] === 'string' ? pair[1] : pair[1]]));
        });
      $('prompt').textContent = order.prompt || '';
      var files = $('files');
      files.textContent = '';
      detail.files.forEach(function (file, index) {
        var retry = el('button', { type: 'button', 'class': 'retry', 'data-file': file.id, text: 'Retry' });
        retry.disabled = !(file.status === 'failed' || file.status === 'timeout');
        retry.onclick = function () { act('/api/admin/files/' + file.id + '/retry'); };
        var refund = el('button', { type: 'button', 'class': 'secondary refund-file', text: 'Refund' });
        refund.disabled = !!file.refund;
        refund.onclick = function () { act('/api/admin/files/' + file.id + '/refund'); };
        files.appendChild(el('tr', { 'data-id': file.id, 'data-status': file.status }, [
          el('td', { text: String(index + 1) }),
          el('td', {}, [el('code', { text: file.id }), file.error ? el('div', { 'class': 'small muted', text: file.error }) : null]),
          el('td', { 'class': 'state' }, [status(file.status)]),
          el('td', { text: (file.progress || 0) + '%' + (file.retries ? ' · retried ' + file.retries + '×' : '') }),
          el('td', { 'class': 'small', text: file.providerId || '—' }),
          el('td', { text: file.refund ? file.refund.status + ' ' + money(file.refund.amount, file.refund.currency)
            + (file.refund.id ? ' (' + file.refund.id + ')' : '') : '—' }),
          el('td', {}, [retry, ' ', refund])]));
      });
      ['events', 'refunds', 'emails', 'audit'].forEach(function (list) { $(list).textContent = ''; });
      detail.stripeEvents.forEach(function (event) { item('events', [when(event.at) + ' · ' + (event.type || 'event') + ' · ', el('code', { text: event.id })]); });
      detail.refunds.forEach(function (refund) {
        item('refunds', [refund.fileId + ': ' + refund.status + ' ' + money(refund.amount, refund.currency)
          + (refund.id ? ' · ' + refund.id : '') + (refund.error ? ' · ' + refund.error : '')]);
      });
      detail.emails.forEach(function (mail) {
        item('emails', [mail.cause + ': ' + (mail.sentAt ? 'sent ' + when(mail.sentAt)
          : mail.queuedFor ? 'queued for ' + when(mail.queuedFor) : 'not sent')]);
      });
      detail.audit.forEach(function (entry) {
        item('audit', [when(entry.at) + ' · ' + entry.admin + ' · ' + entry.action + ' ' + entry.target + ' · "'
          + entry.reason + '" → ' + entry.outcome]);
      });
      if (!detail.stripeEvents.length) { item('events', ['none']); }
      if (!detail.refunds.length) { item('refunds', ['none']); }
      if (!detail.emails.length) { item('emails', ['none']); }
      if (!detail.audit.length) { item('audit', ['none']); }
    }
    function load() {
      problem('');
      return getJson('/api/admin/orders/' + encodeURIComponent(id)).then(render);
    }
    function act(url) {
      var reason = $('reason').value.trim();
      var result = $('action-result');
      if (!reason) { problem('Say why first: the reason is required.'); $('reason').focus(); return; }
      problem('');
      fetch(url, { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ reason: reason }) })
        .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
        .then(function (answer) {
          if (!answer.ok) { problem(answer.body.detail || answer.body.title); return; }
          result.textContent = 'Done: ' + answer.body.outcome;
          result.hidden = false;
          return load();
        })
        .catch(function (e) { problem(e.message); });
    }
    $('refund-order').onclick = function () { act('/api/admin/orders/' + encodeURIComponent(id) + '/refund'); };
    $('resend-email').onclick = function () { act('/api/admin/orders/' + encodeURIComponent(id) + '/resend-email'); };
    $('expire').onclick = function () { act('/api/admin/orders/' + encodeURIComponent(id) + '/expire'); };
    live(load, function (session) {
      if (session.sessionId === id && (session.version || 0) > shownVersion) { load().catch(function (e) { problem(e.message); }); }
    });
  }

  ({ 'admin': ordersPage, 'admin-files': filesPage, 'admin-order': orderPage }[document.body.getAttribute('data-page')]
    || function () {})();
})();
