// genpay pages: each page gets what it needs written into #page, and follows its order or file over one
// EventSource. Nothing here polls: no timer ever fetches, and nothing is fetched while a stream is open.
(function () {
  'use strict';
  var page = JSON.parse(document.getElementById('page').textContent);
  var $ = function (id) { return document.getElementById(id); };
  var base = '/' + page.locale;
  var LAST_ORDER = 'genpay.lastOrder';

  // The engine's own media links redirect to the store: a download there is asked for by the link itself.
  function downloadUrl(url) {
    return url && url.indexOf('/media/') >= 0 ? url + (url.indexOf('?') >= 0 ? '&' : '?') + 'download=1' : url;
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === 'text') { node.textContent = attrs[key]; } else { node.setAttribute(key, attrs[key]); }
    });
    (children || []).forEach(function (child) { if (child) { node.appendChild(child); } });
    return node;
  }

  // Amounts come in minor units, as Stripe gives them: cents, or yen for a currency without decimals.
  function money(minor, currency) {
    try {
      var format = new Intl.NumberFormat(page.locale, { style: 'currency', currency: currency.toUpperCase() });
      return format.format(minor / Math.pow(10, format.resolvedOptions().maximumFractionDigits));
    } catch (e) { return (minor / 100).toFixed(2) + ' ' + currency.toUpperCase(); }
  }

  function refundOwed(file) { return !!file.refund && file.refund.status === 'owed'; }

  /** "Video 2 could not be made; $5.00 was refunded to your card.", or '' when nothing is owed. */
  function refundLine(what, refund) {
    if (!refund) { return ''; }
    if (refund.currency === 'credits') {
      var credits = Number(refund.amount).toFixed(2) + ' credits';
      switch (refund.status) {
        case 'owed': return what + ' could not be made; ' + credits + ' will be given back.';
        case 'failed':
        case 'canceled': return what + ' could not be made; giving back ' + credits
          + ' did not go through. Please contact support with your order id.';
        default: return what + ' could not be made; ' + credits + ' were given back.';
      }
    }
    var amount = money(refund.amount, refund.currency);
    switch (refund.status) {
      case 'owed': return what + ' could not be made; ' + amount + ' will be refunded to your card.';
      case 'failed':
      case 'canceled': return what + ' could not be made; the refund of ' + amount
        + ' did not go through. Please contact support with your session id.';
      default: return what + ' could not be made; ' + amount + ' was refunded to your card.';
    }
  }

  function show(node, text) { node.textContent = text; node.hidden = !text; }

  function copy(text, done) {
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { fallbackCopy(text, done); });
    } else { fallbackCopy(text, done); }
  }

  function fallbackCopy(text, done) {
    var area = el('textarea', {});
    area.value = text;
    document.body.appendChild(area);
    area.select();
    try { document.execCommand('copy'); done(); } finally { area.remove(); }
  }

  // Per kind: its stream, its snapshot, the name of its events.
  var STREAMS = {
    session: ['/api/events/session/', '/api/webhook-status/', 'status'],
    file: ['/api/events/file/', '/api/file/', 'file']
  };

  /**
   * One stream; closed by us on the terminal event so the browser never reconnects to a finished order.
   * EventSource gives up for good on any answer but 200 (a proxy's 502, an engine restarting, a 204): then
   * one look at the snapshot tells an unknown id (onLost) from a passing failure, after which the stream is
   * opened again, each time a little later.
   */
  function follow(kind, id, onSnapshot, onLost) {
    var url = STREAMS[kind][0] + id, lookUrl = STREAMS[kind][1] + id, type = STREAMS[kind][2];
    var source = null, pauseMs = 1000, done = false;
    function open() {
      source = new EventSource(url);
      source.addEventListener(type, function (event) {
        pauseMs = 1000;
        if (onSnapshot(JSON.parse(event.data))) { finish(); }
      });
      source.onerror = function () {
        if (source.readyState === EventSource.CLOSED && !done) { look(); }
      };
    }
    function finish() {
      done = true;
      if (source) { source.close(); }
    }
    function look() {
      fetch(lookUrl, { cache: 'no-store' }).then(function (response) {
        if (response.status === 404 || response.status === 400) { done = true; onLost(); return null; }
        if (!response.ok) { throw new Error('HTTP ' + response.status); }
        return response.json().then(function (snapshot) {
          if (onSnapshot(snapshot)) { done = true; } else { openLater(); }
        });
      }).catch(openLater);
    }
    function openLater() {
      if (done) { return; }
      setTimeout(function () { if (!done) { open(); } }, pauseMs);
      pauseMs = Math.min(pauseMs * 2, 30000);
    }
    // Leaving the page frees the connection at once (browsers allow few per host over HTTP/1.1).
    window.addEventListener('pagehide', finish);
    open();
  }

  var SESSION_TERMINAL = { completed: true, error: true, expired: true };
  var FILE_TERMINAL = { completed: true, failed: true, timeout: true };

  // ---- tool page: the form -------------------------------------------------------------------------
  function toolPage() {
    var prompt = $('prompt'), quantity = $('quantity'), form = $('order');
    $('lookup').href = base + '/session';
    for (var n = 1; n <= page.maxQuantity; n++) {
      quantity.appendChild(el('option', { value: String(n), text: String(n) }));
    }
    var saved = sessionStorage.getItem(LAST_ORDER);
    var last = saved ? JSON.parse(saved) : null;
    if (last && last.toolSlug === page.toolSlug) { prompt.value = last.prompt; quantity.value = String(last.quantity); }

    function chars() { return Array.from(prompt.value).length; }
    function update() {
      var count = chars();
      $('count').textContent = count + ' / ' + page.maxPromptLength;
      $('count').classList.toggle('over', count > page.maxPromptLength);
      $('total').textContent = money(page.price.amount * Number(quantity.value), page.price.currency);
      $('unit').textContent = '(' + money(page.price.amount, page.price.currency) + ' per video)';
      $('pay-credits').textContent = 'Pay with ' + creditsText(page.creditCosts.video * Number(quantity.value));
    }
    offerCredits(prompt, quantity);
    prompt.addEventListener('input', function () { fieldError('prompt', ''); update(); });
    quantity.addEventListener('change', function () { fieldError('quantity', ''); update(); });
    update();

    if (new URLSearchParams(location.search).has('canceled') && last) { explainCancel(last); }

    form.addEventListener('submit', function (event) {
      event.preventDefault();
      show($('error'), '');
      var count = chars();
      if (!prompt.value.trim()) { fieldError('prompt', 'Describe the video you want.'); return; }
      if (count > page.maxPromptLength) {
        fieldError('prompt', 'At most ' + page.maxPromptLength + ' characters, please (' + count + ' now).');
        return;
      }
      $('submit').disabled = true;
      fetch('/api/create-checkout', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ quantity: Number(quantity.value), prompt: prompt.value, toolSlug: page.toolSlug,
          toolTitle: document.getElementById('title').textContent, locale: page.locale })
      }).then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      }).then(function (result) {
        if (!result.ok) { throw result.body; }
        sessionStorage.setItem(LAST_ORDER, JSON.stringify({ sessionId: result.body.sessionId,
          prompt: prompt.value, quantity: Number(quantity.value), toolSlug: page.toolSlug }));
        location.href = result.body.url;
      }).catch(function (problem) {
        $('submit').disabled = false;
        if (problem && problem.field && $(problem.field + '-error')) {
          fieldError(problem.field, problem.detail);
        } else {
          show($('error'), (problem && problem.detail) || 'Something went wrong. Please try again.');
        }
      });
    });
  }

  function creditsText(amount) {
    return Number(amount).toFixed(2).replace(/\.00$/, '') + ' credits';
  }

  // A signed-in account may pay with its credits beside the card: the order is made at once, no checkout.
  // The session cookie is HttpOnly and a card purchase must cost no extra request, so the button is always
  // there and a signed-out click is told to sign in.
  function offerCredits(prompt, quantity) {
    var button = $('pay-credits');
    button.hidden = false;
    button.addEventListener('click', function () {
      show($('error'), '');
      if (!prompt.value.trim()) { fieldError('prompt', 'Describe the video you want.'); return; }
      button.disabled = true;
      fetch('/api/generations', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ type: 'video', quantity: Number(quantity.value), prompt: prompt.value,
          toolSlug: page.toolSlug, toolTitle: document.getElementById('title').textContent, locale: page.locale })
      }).then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      }).then(function (result) {
        if (!result.ok) { throw result.body; }
        location.href = base + '/payment-success/' + result.body.orderId;
      }).catch(function (problem) {
        button.disabled = false;
        if (problem && problem.status === 401) {
          show($('error'), 'Sign in to pay with credits: ');
          $('error').appendChild(el('a', { href: base + '/account', text: 'your account' }));
        } else if (problem && problem.field && $(problem.field + '-error')) {
          fieldError(problem.field, problem.detail);
        } else {
          show($('error'), (problem && problem.detail) || 'Something went wrong. Please try again.');
        }
      });
    });
  }

  function fieldError(field, message) {
    var input = $(field), note = $(field + '-error');
    if (note) { note.textContent = message; }
    if (input) { input.setAttribute('aria-invalid', message ? 'true' : 'false'); }
  }

  /** Back from checkout without paying: say why, from the order's own stream. */
  function explainCancel(last) {
    var notice = $('notice');
    show(notice, 'Payment not completed. Your prompt is still here; you can try again.');
    follow('session', last.sessionId, function (session) {
      if (session.status === 'error') {
        show(notice, 'Your payment was declined, so nothing was charged. ' + (session.error || '')
          + ' Check your card details and try again.');
      } else if (session.status === 'expired') {
        show(notice, 'The checkout expired before payment. Nothing was charged; you can start again.');
      } else if (session.status === 'processing' || session.status === 'completed') {
        notice.textContent = 'This order was paid. ';
        notice.appendChild(el('a', { href: base + '/payment-success/' + session.sessionId, text: 'See your videos' }));
      }
      return SESSION_TERMINAL[session.status] || session.status === 'processing';
    }, function () { });
  }

  // ---- payment success page: the order live ----------------------------------------------------------
  var HEADLINES = {
    pending: ['Confirming your payment…', 'This takes a few seconds. This page updates by itself.'],
    processing: ['Making your videos', 'Each video appears here as soon as it is ready.'],
    completed: ['Your videos are ready', 'Preview, download, or open each one on its own page.'],
    error: ['Something went wrong', ''],
    expired: ['This checkout expired', 'No payment was taken.']
  };

  function successPage() {
    $('session-id').textContent = page.sessionId;
    $('session-link').href = base + '/session/' + page.sessionId;
    var notifier = orderNotifier(page.sessionId);
    follow('session', page.sessionId, function (session) {
      var done = renderSession(session);
      notifier.seen(session);
      return done;
    }, function () {
      show($('problem'), 'We could not load this order. Check the link, or look the order up by its session id.');
    });
  }

  /**
   * A browser notification when the order ends while this tab is in the background: the Notification API alone,
   * no push service. Permission is asked for only from the offer's button (browsers ignore or penalise a prompt
   * made without a gesture); the notification is shown once per order, also across reloads, and only when this
   * page saw the order end (an order already over when the page opened needs no alert).
   */
  function orderNotifier(orderId) {
    var KEY = 'genpay.notify.' + orderId;
    var offer = $('notify-offer'), state = $('notify-state');
    var supported = 'Notification' in window;
    var last = null;
    function stored() { try { return localStorage.getItem(KEY); } catch (e) { return null; } }
    function store(value) { try { localStorage.setItem(KEY, value); } catch (e) { /* private mode: this page only */ } }
    var wanted = stored() === 'wanted';
    function offerNow(open) {
      offer.hidden = !(open && supported && !wanted && Notification.permission !== 'denied');
      if (wanted && open) { show(state, 'We will notify you here when your order is ready.'); }
    }
    $('notify').addEventListener('click', function () {
      Notification.requestPermission().then(function (permission) {
        if (permission === 'granted') {
          wanted = true;
          store('wanted');
          offerNow(true);
        } else {
          offer.hidden = true;
          show(state, 'Notifications are blocked for this site; this page still updates by itself.');
        }
      });
    });
    function notify(session) {
      if (!wanted || !document.hidden || Notification.permission !== 'granted') { return; }
      store('shown');
      wanted = false;
      // The headline the page shows by now (it names images or audio for such orders).
      try {
        var note = new Notification($('headline').textContent, { body: session.error || $('detail').textContent,
          tag: 'genpay-order-' + orderId });
        note.onclick = function () { window.focus(); note.close(); };
      } catch (e) { /* a browser without page notifications (Android Chrome): the page itself says it */ }
    }
    return {
      seen: function (session) {
        var ended = !!SESSION_TERMINAL[session.status];
        if (ended && last !== null && !SESSION_TERMINAL[last]) { notify(session); }
        last = session.status;
        offerNow(!ended);
        if (ended) { show(state, ''); }
      }
    };
  }

  function renderSession(session) {
    document.body.setAttribute('data-status', session.status);
    var words = HEADLINES[session.status] || [session.status, ''];
    var noun = { image: 'images', audio: 'audio files' }[session.type];
    // Written for videos; an order of another type says what it holds.
    if (noun) { words = [words[0].replace('videos', noun), words[1].replace('video', noun === 'images' ? 'image' : 'file')]; }
    $('headline').textContent = words[0];
    $('detail').textContent = words[1];
    var problem = '';
    if (session.status === 'error') {
      problem = (session.error || 'The order could not be completed.')
        + (session.files.length ? ' Please contact support with your session id.' : '');
    } else if (session.status === 'expired') {
      problem = 'The checkout expired before payment, so nothing was charged.';
    }
    show($('problem'), problem);
    if (session.status === 'error' && !session.files.length || session.status === 'expired') {
      $('problem').appendChild(document.createTextNode(' '));
      $('problem').appendChild(el('a', { href: base + '/tool/' + session.toolSlug, text: 'Start a new order' }));
    }
    var list = $('files');
    session.files.forEach(function (file, index) {
      var item = $('file-' + file.id);
      if (!item) {
        item = el('li', { id: 'file-' + file.id, class: 'file', 'data-status': file.status }, [
          el('h2', {}, [el('span', { text: typeLabel(file.type) + ' ' + (index + 1) }), el('span', { class: 'muted state' })]),
          el('progress', { max: '100', value: '0' }),
          el('div', { class: 'slot' })
        ]);
        list.appendChild(item);
      }
      renderFileCard(item, file, typeLabel(file.type) + ' ' + (index + 1));
    });
    // A refund still owed moves on after the order has ended: keep following until Stripe has it.
    return !!SESSION_TERMINAL[session.status] && !session.files.some(refundOwed);
  }

  // The element that shows a finished file of its type: a picture, a player or a video.
  function mediaElement(file) {
    if (file.type === 'image') { return el('img', { class: 'media', src: file.url, alt: 'Generated image' }); }
    if (file.type === 'audio') { return el('audio', { class: 'media', controls: '', preload: 'metadata', src: file.url }); }
    return el('video', { class: 'media', controls: '', preload: 'metadata', src: file.url, poster: file.thumbnail_url || '' });
  }

  function typeLabel(type) {
    return type === 'image' ? 'Image' : type === 'audio' ? 'Audio' : 'Video';
  }

  function renderFileCard(item, file, label) {
    item.setAttribute('data-status', file.status);
    item.querySelector('progress').value = file.progress || 0;
    item.querySelector('.state').textContent = fileState(file);
    var slot = item.querySelector('.slot');
    var follow = slot.querySelector('.follow');
    if (follow && FILE_TERMINAL[file.status]) { follow.remove(); }
    if (file.status === 'completed' && !slot.querySelector('.media')) {
      slot.appendChild(mediaElement(file));
      slot.appendChild(el('div', { class: 'actions' }, [
        el('a', { class: 'button', href: downloadUrl(file.url), download: '', text: 'Download' }),
        el('a', { class: 'button secondary', href: base + '/file/' + file.id, text: 'Open' })
      ]));
    } else if ((file.status === 'failed' || file.status === 'timeout') && !slot.querySelector('.error')) {
      slot.appendChild(el('p', { class: 'error', text: file.error || 'This file could not be generated.' }));
      slot.appendChild(el('p', { class: 'refund', hidden: '' }));
    } else if (!follow && !FILE_TERMINAL[file.status]) {
      slot.appendChild(el('a', { class: 'small follow', href: base + '/file/' + file.id,
        text: 'Follow it on its own page' }));
    }
    // The refund moves on after the file has ended (owed, then made): its line follows every snapshot.
    if (slot.querySelector('.refund')) { show(slot.querySelector('.refund'), refundLine(label, file.refund)); }
  }

  function fileState(file) {
    switch (file.status) {
      case 'pending': return 'Waiting to start';
      case 'in_progress': return 'Generating… ' + (file.progress || 0) + '%';
      case 'completed': return 'Ready';
      case 'timeout': return 'Took too long';
      default: return 'Failed';
    }
  }

  // ---- file page -----------------------------------------------------------------------------------
  function filePage() {
    follow('file', page.fileId, function (file) {
      $('order-link').href = base + '/payment-success/' + file.sessionId;
      $('state').textContent = fileState(file);
      $('progress').value = file.progress || 0;
      if (file.status === 'completed' && !$('media').querySelector('.media')) {
        $('media').appendChild(mediaElement(file));
        $('download').href = downloadUrl(file.url);
        $('actions').hidden = false;
        $('copy').onclick = function () { copy(file.url, function () { $('copied').hidden = false; }); };
      }
      if (file.status === 'failed' || file.status === 'timeout') {
        show($('problem'), (file.error || 'This file could not be generated.')
          + (file.refund ? '' : ' Please contact support with the order\'s session id.'));
        show($('refund'), refundLine('This ' + typeLabel(file.type).toLowerCase(), file.refund));
      }
      return !!FILE_TERMINAL[file.status] && !refundOwed(file);
    }, function () { show($('problem'), 'We could not find this video. Check the link.'); });
  }

  // ---- session look-up page -------------------------------------------------------------------------
  function sessionPage() {
    var pattern = /^(cs_(test|live)_[A-Za-z0-9]{1,200}|ord_[A-Za-z0-9]{24})$/;
    $('lookup').addEventListener('submit', function (event) {
      event.preventDefault();
      var id = $('session-input').value.trim();
      if (!pattern.test(id)) { fieldError('session-input', 'A session id looks like cs_test_… or cs_live_…'); return; }
      location.href = base + '/session/' + id;
    });
    if (!page.sessionId) { return; }
    $('session-input').value = page.sessionId;
    $('found').hidden = false;
    $('session-id').textContent = page.sessionId;
    $('order-link').href = base + '/payment-success/' + page.sessionId;
    $('copy').onclick = function () { copy(page.sessionId, function () { $('copied').hidden = false; }); };
    follow('session', page.sessionId, function (session) {
      var done = session.files.filter(function (f) { return f.status === 'completed'; }).length;
      $('state').textContent = 'Status: ' + session.status + (session.files.length
        ? ' · ' + done + ' of ' + session.files.length + ' video(s) ready' : '')
        + (session.error ? ' · ' + session.error : '');
      return !!SESSION_TERMINAL[session.status];
    }, function () { show($('problem'), 'No order has this session id.'); $('found').hidden = true; });
  }

  ({ tool: toolPage, success: successPage, file: filePage, session: sessionPage })[page.page]();
}());
