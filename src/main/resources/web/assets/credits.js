// genpay account and credits pages. Data is fetched once on load and again only when the account's stream
// (one EventSource on /api/events/account) says the ledger changed: no timer ever fetches.
(function () {
  'use strict';
  var page = JSON.parse(document.getElementById('page').textContent);
  var $ = function (id) { return document.getElementById(id); };
  var base = '/' + page.locale;

  Array.prototype.forEach.call(document.querySelectorAll('[data-href]'), function (a) {
    a.setAttribute('href', base + a.getAttribute('data-href'));
  });

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === 'text') { node.textContent = attrs[key]; } else { node.setAttribute(key, attrs[key]); }
    });
    (children || []).forEach(function (child) { if (child) { node.appendChild(child); } });
    return node;
  }

  function credits(n) {
    return Number(n || 0).toLocaleString(page.locale, { minimumFractionDigits: 0, maximumFractionDigits: 2 });
  }

  function money(amount, currency) {
    try {
      return new Intl.NumberFormat(page.locale, { style: 'currency', currency: currency.toUpperCase() }).format(amount);
    } catch (e) { return Number(amount).toFixed(2) + ' ' + currency.toUpperCase(); }
  }

  function when(iso) {
    if (!iso) { return 'never'; }
    var d = new Date(iso);
    return d.toLocaleDateString(page.locale) + ' ' + d.toLocaleTimeString(page.locale, { hour: '2-digit', minute: '2-digit' });
  }

  var LABELS = { purchase: 'Purchase', bonus: 'Bonus', subscription_grant: 'Subscription', free_grant: 'Free credits',
    usage: 'Usage', refund: 'Refund', expiry: 'Expiry', adjustment: 'Adjustment' };
  function label(type) { return LABELS[type] || type; }

  function showError(problem) {
    var box = $('error');
    if (!box) { return; }
    box.textContent = (problem && (problem.detail || problem.title)) || 'Something went wrong; please try again.';
    box.hidden = false;
  }
  function clearError() { if ($('error')) { $('error').hidden = true; } }

  /** fetch as JSON; a non-2xx answer rejects with its problem (status included). */
  function api(path, method, body) {
    var options = { method: method || 'GET', credentials: 'same-origin', headers: { Accept: 'application/json' } };
    if (body !== undefined) {
      options.headers['Content-Type'] = 'application/json';
      options.body = JSON.stringify(body);
    }
    return fetch(path, options).then(function (response) {
      if (response.status === 204 || response.status === 202) { return response.text().then(function () { return {}; }); }
      return response.json().catch(function () { return {}; }).then(function (json) {
        if (!response.ok) { json.status = response.status; throw json; }
        return json;
      });
    }, function () { throw { title: 'The engine cannot be reached; check your connection.' }; });
  }

  function signedIn() {
    return api('/api/account').then(function (account) { return account; }, function (problem) {
      if (problem.status === 401) { return null; }
      throw problem;
    });
  }

  function entryRow(entry, withBalance) {
    var amount = Number(entry.amount);
    var cells = [
      el('td', { text: when(entry.at) }),
      el('td', { text: label(entry.type) }),
      el('td', { 'class': 'num ' + (amount < 0 ? 'negative' : 'positive'), text: (amount > 0 ? '+' : '') + credits(amount) })
    ];
    if (withBalance) { cells.push(el('td', { 'class': 'num', text: credits(entry.balance_after) })); }
    cells.push(el('td', { text: entry.description || entry.model || entry.source_id || '' }));
    return el('tr', {}, cells);
  }

  function fill(tbody, rows, empty, columns) {
    tbody.textContent = '';
    if (!rows.length) { tbody.appendChild(el('tr', {}, [el('td', { colspan: String(columns), 'class': 'muted', text: empty })])); }
    rows.forEach(function (row) { tbody.appendChild(row); });
  }

  // ---- /{locale}/account
  function accountPage() {
    signedIn().then(function (account) {
      if (!account) {
        $('signed-out').hidden = false;
        $('signin').addEventListener('submit', function (event) {
          event.preventDefault();
          clearError();
          api('/api/auth/email-link', 'POST', { email: $('email').value.trim(), next: base + '/account' })
            .then(function () { $('sent').hidden = false; }, showError);
        });
        return;
      }
      $('signed-in').hidden = false;
      $('acct-email').textContent = account.email;
      $('acct-plan').textContent = account.plan;
      $('acct-balance').textContent = credits(account.balance);
      $('logout').addEventListener('click', function () {
        api('/api/auth/logout', 'POST').then(function () { location.reload(); }, showError);
      });
      if (!account.apiAccess) { $('keys-locked').hidden = false; return; }
      $('keys').hidden = false;
      var loadKeys = function () {
        api('/api/keys').then(function (answer) {
          var list = $('key-list');
          list.textContent = '';
          answer.keys.forEach(function (key) {
            var revoke = el('button', { 'class': 'secondary', type: 'button', text: 'Revoke' });
            revoke.addEventListener('click', function () {
              api('/api/keys/' + encodeURIComponent(key.id), 'DELETE').then(loadKeys, showError);
            });
            list.appendChild(el('li', {}, [el('span', { text: key.name + ' (' + key.prefix + '…)' }),
              el('span', { 'class': 'muted small', text: 'made ' + when(key.createdAt) + ', last used ' + when(key.lastUsedAt) }),
              revoke]));
          });
        }, showError);
      };
      loadKeys();
      $('new-key').addEventListener('submit', function (event) {
        event.preventDefault();
        clearError();
        api('/api/keys', 'POST', { name: $('key-name').value }).then(function (made) {
          $('new-key-value').textContent = made.key;
          $('new-key-shown').hidden = false;
          $('key-name').value = '';
          loadKeys();
        }, showError);
      });
    }, showError);
  }

  // ---- /{locale}/credits
  var chart = null;
  function drawChart(days) {
    var xs = days.map(function (d) { return Date.parse(d.date + 'T00:00:00Z') / 1000; });
    var ys = days.map(function (d) { return d.credits; });
    var box = $('chart');
    if (typeof uPlot === 'undefined') { box.textContent = 'The chart could not be loaded.'; return; }
    if (chart) { chart.setData([xs, ys]); return; }
    chart = new uPlot({ width: Math.max(280, box.clientWidth), height: 220,
      series: [{}, { label: 'Credits used', stroke: '#4f46e5', fill: 'rgba(79,70,229,.15)' }],
      axes: [{}, { size: 50 }], scales: { x: { time: true } } }, [xs, ys], box);
  }

  function tallies(tbody, map) {
    var names = Object.keys(map || {});
    fill(tbody, names.map(function (name) {
      return el('tr', {}, [el('td', { text: name }), el('td', { 'class': 'num', text: credits(map[name].credits) }),
        el('td', { 'class': 'num muted', text: map[name].count + '×' })]);
    }), 'No usage yet', 3);
  }

  function loadUsageAndRecent() {
    api('/api/credits/usage/daily?days=30').then(function (answer) { drawChart(answer.days); }, showError);
    api('/api/credits/usage/summary').then(function (sum) {
      tallies($('by-type'), sum.byType);
      tallies($('by-model'), sum.byModel);
    }, showError);
    api('/api/credits/transactions?limit=10').then(function (answer) {
      fill($('recent'), answer.items.map(function (e) { return entryRow(e, false); }), 'No entries yet', 4);
    }, showError);
  }

  function showBalance(snapshot) {
    $('balance').textContent = credits(snapshot.balance);
    fill($('buckets'), snapshot.buckets.map(function (b) {
      return el('tr', {}, [el('td', { text: label(b.source) }), el('td', { 'class': 'num', text: credits(b.remaining) }),
        el('td', { text: b.expiresAt ? when(b.expiresAt) : 'never' })]);
    }), 'No credits yet', 3);
  }

  function creditsPage() {
    signedIn().then(function (account) {
      if (!account) { $('need-signin').hidden = false; return; }
      $('dashboard').hidden = false;
      loadUsageAndRecent();
      var stream = new EventSource('/api/events/account');
      stream.addEventListener('balance', function (event) {
        var snapshot = JSON.parse(event.data);
        showBalance(snapshot);
        $('live').textContent = 'live';
        if (snapshot.change) { loadUsageAndRecent(); }
      });
      stream.onerror = function () { $('live').textContent = 'reconnecting…'; };
      // Back from Stripe Checkout: ask once for the purchase, in case its webhook is late; the stream shows the grant.
      var paid = new URLSearchParams(location.search).get('checkout');
      if (paid && /^cs_(test|live)_[A-Za-z0-9]{1,200}$/.test(paid)) {
        api('/api/payment/checkout/credits/' + paid + '/sync', 'POST', {}).catch(function () { /* the webhook grants */ });
      }
    }, showError);
  }

  // ---- /{locale}/credits/history
  function historyPage() {
    var state = { page: 1, limit: 20, total: 0 };
    var query = function (withPage) {
      var params = new URLSearchParams();
      if ($('type').value) { params.set('type', $('type').value); }
      if ($('q').value.trim()) { params.set('q', $('q').value.trim()); }
      if (withPage) { params.set('page', String(state.page)); params.set('limit', String(state.limit)); }
      return params.toString();
    };
    var load = function () {
      clearError();
      $('csv').setAttribute('href', '/api/credits/transactions.csv' + (query(false) ? '?' + query(false) : ''));
      api('/api/credits/transactions?' + query(true)).then(function (answer) {
        state.total = answer.total;
        fill($('entries'), answer.items.map(function (e) { return entryRow(e, true); }), 'No entries match', 5);
        var pages = Math.max(1, Math.ceil(answer.total / state.limit));
        $('page-info').textContent = 'Page ' + state.page + ' of ' + pages + ' (' + answer.total + ')';
        $('prev').disabled = state.page <= 1;
        $('next').disabled = state.page >= pages;
      }, showError);
    };
    signedIn().then(function (account) {
      if (!account) { $('need-signin').hidden = false; return; }
      $('history').hidden = false;
      $('filters').addEventListener('submit', function (event) { event.preventDefault(); state.page = 1; load(); });
      $('type').addEventListener('change', function () { state.page = 1; load(); });
      $('prev').addEventListener('click', function () { state.page -= 1; load(); });
      $('next').addEventListener('click', function () { state.page += 1; load(); });
      load();
    }, showError);
  }

  // ---- /{locale}/credits/buy
  function checkout(body, button) {
    clearError();
    button.disabled = true;
    api('/api/payment/checkout/credits', 'POST', body).then(function (answer) {
      location.assign(answer.url);
    }, function (problem) {
      button.disabled = false;
      if (problem.status === 401) { problem.detail = 'Please sign in first (Account), then buy credits.'; }
      showError(problem);
    });
  }

  function buyPage() {
    api('/api/credits/packages').then(function (answer) {
      var box = $('packages');
      answer.packages.forEach(function (pack) {
        var button = el('button', { type: 'button', text: 'Buy' });
        button.addEventListener('click', function () { checkout({ 'package': pack.id }, button); });
        box.appendChild(el('div', { 'class': 'card' }, [el('h2', { text: pack.id }),
          el('p', { 'class': 'price', text: money(pack.price, answer.currency) }),
          el('p', { text: credits(pack.credits) + ' credits' + (pack.bonus ? ' + ' + credits(pack.bonus) + ' bonus' : '') }),
          button]));
      });
      var custom = answer.custom;
      var input = $('amount');
      input.min = custom.min; input.max = custom.max;
      var price = function () {
        var n = Number(input.value);
        $('custom-price').textContent = custom.min + ' to ' + custom.max + ' credits at '
          + money(custom.unitPrice, answer.currency) + ' each'
          + (n >= custom.min && n <= custom.max ? ': ' + money(n * custom.unitPrice, answer.currency) : '');
      };
      input.addEventListener('input', price);
      price();
      $('custom').addEventListener('submit', function (event) {
        event.preventDefault();
        var n = Number(input.value);
        if (!Number.isInteger(n) || n < custom.min || n > custom.max) {
          showError({ detail: 'Choose a whole number of credits from ' + custom.min + ' to ' + custom.max + '.' });
          return;
        }
        checkout({ credits_amount: n }, event.submitter || $('custom').querySelector('button'));
      });
    }, showError);
  }

  // ---- /{locale}/plans
  function plansPage() {
    api('/api/credits/plans').then(function (answer) {
      var render = function (period) {
        var box = $('plan-cards');
        box.textContent = '';
        answer.plans.forEach(function (plan) {
          var price = period === 'yearly' ? plan.yearlyPrice : plan.monthlyPrice;
          box.appendChild(el('div', { 'class': 'card' }, [el('h2', { text: plan.id }),
            el('p', { 'class': 'price', text: money(price, answer.currency) + (price ? (period === 'yearly' ? ' / year' : ' / month') : '') }),
            el('ul', {}, [el('li', { text: credits(plan.monthlyCredits) + ' credits every month' }),
              el('li', { text: plan.types.join(', ') }),
              plan.apiAccess ? el('li', { text: 'API access' }) : null,
              plan.priority ? el('li', { text: 'Priority queue' }) : null])]));
        });
      };
      render('monthly');
      Array.prototype.forEach.call(document.querySelectorAll('input[name=period]'), function (radio) {
        radio.addEventListener('change', function () { render(radio.value); });
      });
      var rows = [['Credits a month', function (p) { return credits(p.monthlyCredits); }],
        ['Monthly price', function (p) { return money(p.monthlyPrice, answer.currency); }],
        ['Yearly price', function (p) { return money(p.yearlyPrice, answer.currency); }],
        ['Video', function (p) { return p.types.indexOf('video') >= 0 ? '✓' : '—'; }],
        ['Image', function (p) { return p.types.indexOf('image') >= 0 ? '✓' : '—'; }],
        ['Audio', function (p) { return p.types.indexOf('audio') >= 0 ? '✓' : '—'; }],
        ['Priority queue', function (p) { return p.priority ? '✓' : '—'; }],
        ['API access', function (p) { return p.apiAccess ? '✓' : '—'; }],
        ['Custom models', function (p) { return p.customModels ? '✓' : '—'; }],
        ['SLA', function (p) { return p.sla ? '✓' : '—'; }],
        ['Support', function (p) { return p.support || '—'; }]];
      var table = $('compare');
      table.appendChild(el('thead', {}, [el('tr', {}, [el('th', { text: '' })].concat(answer.plans.map(function (p) {
        return el('th', { text: p.id });
      })))]));
      table.appendChild(el('tbody', {}, rows.map(function (row) {
        return el('tr', {}, [el('th', { text: row[0] })].concat(answer.plans.map(function (p) {
          return el('td', { text: row[1](p) });
        })));
      })));
    }, showError);
  }

  var pages = { account: accountPage, credits: creditsPage, history: historyPage, buy: buyPage, plans: plansPage };
  (pages[document.body.getAttribute('data-page')] || function () {})();
}());
