// Paddock's dashboard in the browser. The credential (an API key or a JWT) lives in
// sessionStorage only, and goes as a bearer token on the dashboard's own requests: htmx's
// fragment loads and the actions' fetch() calls. Nothing here builds HTML from data: values are
// set with textContent, and fragments come escaped by the server.
(() => {
  'use strict';
  const KEY = 'paddock.credential';
  const credential = () => sessionStorage.getItem(KEY);
  const page = document.body.dataset.page;
  let me = null;

  const toSignIn = (reason) => {
    sessionStorage.removeItem(KEY);
    if (reason) {
      sessionStorage.setItem('paddock.sign-in-reason', reason);
    }
    if (page !== 'sign-in' && window.location.pathname !== '/ui/') {
      // a deep link (a job's page, a filtered list) is where signing in leads back to
      sessionStorage.setItem('paddock.return-to', window.location.pathname + window.location.search);
    }
    window.location.assign('/ui/sign-in');
  };

  // what a refusal says, with the fields it names
  const problemText = (problem, status) => {
    const fields = (problem.errors || []).map((e) => e.field + ': ' + e.message).join('; ');
    return (problem.detail || problem.title || ('HTTP ' + status)) + (fields ? ' (' + fields + ')' : '');
  };

  const notice = (text) => {
    const box = document.getElementById('notice');
    if (box) {
      document.getElementById('notice-text').textContent = text;
      box.hidden = !text;
    }
  };
  document.getElementById('notice-close')?.addEventListener('click', () => notice(''));

  const api = async (method, url, body) => {
    const response = await fetch(url, {
      method,
      headers: Object.assign({ Authorization: 'Bearer ' + credential() },
        body === undefined ? {} : { 'Content-Type': 'application/json' }),
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status === 401) {
      toSignIn('Your credential was refused (it expired, was revoked, or is not valid here).');
      throw new Error('refused');
    }
    const text = await response.text();
    const json = text && response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : null;
    if (!response.ok) {
      throw new Error(problemText(json || {}, response.status));
    }
    return json;
  };

  const allowed = (needs) => !needs || (me && needs.split(' ').some((scope) => me.scopes.includes(scope)));

  // ---- the shown-once dialog (tokens, keys): its values are set as text
  const showOnce = (title, value, extra) => {
    document.getElementById('shown-once-title').textContent = title;
    document.getElementById('shown-once-value').textContent = value;
    const extraRow = document.getElementById('shown-once-extra-row');
    extraRow.hidden = !extra;
    document.getElementById('shown-once-extra').textContent = extra || '';
    document.getElementById('shown-once').showModal();
  };
  document.addEventListener('click', (event) => {
    const copy = event.target.closest('[data-copy]');
    if (copy) {
      navigator.clipboard?.writeText(document.getElementById(copy.dataset.copy).textContent).catch(() => {});
    }
  });

  const installLine = (runnerId, token) =>
    "curl -fsSL '" + window.location.origin + '/api/runners/' + runnerId + '/setup?token=' + token + "' | sh -s -- --start";

  // ---- htmx: every fragment request carries the credential; a refusal says why
  document.addEventListener('htmx:configRequest', (event) => {
    event.detail.headers.Authorization = 'Bearer ' + credential();
    // labels are lower case: "GPU" typed in a filter means gpu
    const label = event.detail.parameters.label;
    if (typeof label === 'string') {
      event.detail.parameters.label = label.trim().toLowerCase();
    }
  });
  document.addEventListener('htmx:responseError', (event) => {
    const status = event.detail.xhr.status;
    if (status === 401) {
      toSignIn('Your credential was refused (it expired, was revoked, or is not valid here).');
    } else if (status === 403) {
      notice('Your credential may not see this.');
    } else {
      let detail = 'HTTP ' + status;
      try {
        detail = problemText(JSON.parse(event.detail.xhr.responseText), status);
      } catch (ignored) { /* not a problem document */ }
      if (status === 404) {
        // what is gone stays gone: its part stops asking, and a page about it says it is not there
        const part = event.detail.elt;
        part.dataset.gone = 'true';
        if (part.dataset.missing) {
          const heading = document.createElement('h1');
          heading.textContent = part.dataset.missing;
          part.replaceChildren(heading);
          document.querySelectorAll(part.dataset.missingHides).forEach((hidden) => { hidden.hidden = true; });
        }
      }
      if (status === 400 && event.detail.elt.dataset.include) {
        // a filter the list refused: its rows no longer answer the filter, so they go
        event.detail.elt.replaceChildren();
      }
      notice(detail);
    }
  });
  document.addEventListener('htmx:beforeRequest', (event) => {
    if (event.detail.elt.dataset.gone) {
      event.preventDefault();
    }
  });
  // a notice stays until the person acts again: the parts' own refreshes (every few seconds) keep it
  document.addEventListener('htmx:afterRequest', (event) => {
    if (event.detail.successful && event.detail.requestConfig?.triggeringEvent?.type === 'refresh') {
      notice('');
    }
  });
  // a refreshed part keeps the focus where it was (a row's button, a link), found again by what it does
  const focusKey = (element) => {
    if (element.dataset.pager) {
      // a page further on, its button is still where the person is (or the other one, at an end)
      return '[data-pager="' + element.dataset.pager + '"], [data-pager]';
    }
    if (element.id) {
      return '#' + CSS.escape(element.id);
    }
    if (element.dataset.url) {
      return '[data-url="' + CSS.escape(element.dataset.url) + '"][data-action="' + CSS.escape(element.dataset.action || '') + '"]';
    }
    const href = element.getAttribute('href');
    return href ? 'a[href="' + CSS.escape(href) + '"]' : null;
  };
  let focused = null;
  document.addEventListener('htmx:beforeSwap', (event) => {
    const active = document.activeElement;
    focused = active && active !== document.body && event.detail.target.contains(active) ? focusKey(active) : null;
  });
  // a table wider than the screen (a phone) scrolls inside itself: the keyboard can then reach it
  // to scroll it, and only then
  const scrollableByKeyboard = (root) => root.querySelectorAll('table').forEach((table) => {
    if (table.scrollWidth > table.clientWidth + 1) {
      table.tabIndex = 0;
    } else {
      table.removeAttribute('tabindex');
    }
  });
  window.addEventListener('resize', () => scrollableByKeyboard(document));
  document.addEventListener('htmx:afterSwap', (event) => {
    scrollableByKeyboard(event.detail.target);
    if (focused) {
      event.detail.target.querySelector(focused)?.focus();
      focused = null;
    }
  });

  // ---- the data parts of a page load once the credential is known to allow them
  const activate = () => {
    // parts that only a person's credential may use: a key is told so, and nothing is called
    document.querySelectorAll('[data-person]').forEach((element) => {
      if (me.kind === 'api_key') {
        element.remove();
        document.getElementById('keys-by-people').hidden = false;
      } else if (element.dataset.src) {
        element.dataset.needs = '';
      } else {
        element.hidden = false;
      }
    });
    const scopes = document.getElementById('key-scopes');
    if (scopes && me.kind !== 'api_key') {
      for (const scope of me.scopes.filter((held) => held !== 'api-keys:manage')) { // a key never manages keys
        const label = document.createElement('label');
        const box = document.createElement('input');
        box.type = 'checkbox';
        box.name = 'scope';
        box.value = scope;
        label.append(box, ' ' + scope);
        scopes.append(label, ' ');
      }
    }
    document.querySelectorAll('[data-needs]').forEach((element) => {
      const ok = allowed(element.dataset.needs);
      if (element.dataset.src) {
        if (!ok) {
          element.textContent = 'Your credential does not hold ' + element.dataset.needs.split(' ').join(' or ')
            + ', which this needs.';
          return;
        }
        element.setAttribute('hx-get', element.dataset.src);
        element.setAttribute('hx-trigger', 'load, refresh' + (element.dataset.every ? ', every ' + element.dataset.every : ''));
        if (element.dataset.include) {
          element.setAttribute('hx-include', element.dataset.include);
        }
        window.htmx.process(element);
      } else {
        element.hidden = !ok;
      }
    });
    document.querySelectorAll('form.filters:not(#log-filters)').forEach((form) => {
      const offset = form.querySelector('input[name="offset"]');
      const refresh = (fromStart) => {
        if (offset && fromStart) {
          offset.value = '0';
        }
        document.querySelectorAll('[data-src][hx-get]').forEach((target) => window.htmx.trigger(target, 'refresh'));
      };
      form.addEventListener('change', () => refresh(true));
      // typing asks once the person pauses, not at every key
      let typing = null;
      form.addEventListener('input', () => {
        clearTimeout(typing);
        typing = setTimeout(() => refresh(true), 300);
      });
      form.addEventListener('submit', (event) => { event.preventDefault(); refresh(true); });
      document.addEventListener('click', (event) => {
        const pager = event.target.closest('[data-page-offset]');
        if (pager && offset) {
          offset.value = pager.dataset.pageOffset;
          refresh(false);
        }
      });
    });
    document.querySelectorAll('[data-events]').forEach((element) => {
      if (allowed(element.dataset.needs)) {
        followEvents(element);
      } else {
        element.textContent = 'Your credential does not hold ' + element.dataset.needs.split(' ').join(' or ')
          + ', which this needs.';
      }
    });
    document.querySelectorAll('[data-stream]').forEach((element) => {
      if (allowed(element.dataset.needs)) {
        followLog(element);
      } else {
        element.textContent = 'Your credential does not hold ' + element.dataset.needs + ', which this needs.';
      }
    });
    document.querySelectorAll('header nav a').forEach((link) => {
      const href = link.getAttribute('href');
      if (href === window.location.pathname || (href !== '/ui/' && window.location.pathname.startsWith(href + '/'))) {
        link.setAttribute('aria-current', 'page');
      }
    });
  };

  // ---- Server-Sent Events read with fetch() (an EventSource cannot send the Authorization
  // header): each event handed to onEvent(name, data), from after the id `from` (null: the
  // first), reconnecting after the last id seen, until an `end` event; the state line says where
  // the stream stands
  const readEvents = async (url, state, onEvent, from = null) => {
    let last = from;
    for (let tries = 0; tries < 100; tries++) {
      const headers = { Authorization: 'Bearer ' + credential(), Accept: 'text/event-stream' };
      if (last !== null) {
        headers['Last-Event-ID'] = last;
      }
      let response;
      try {
        response = await fetch(url, { headers });
      } catch (error) {
        state.textContent = 'reconnecting…';
        await new Promise((resolve) => setTimeout(resolve, 2000));
        continue;
      }
      if (response.status === 401) {
        toSignIn('Your credential was refused (it expired, was revoked, or is not valid here).');
        return false;
      }
      if (!response.ok) {
        state.textContent = 'cannot be read (HTTP ' + response.status + ')';
        return false;
      }
      state.textContent = 'live';
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) {
          break;
        }
        buffer += value;
        let cut;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          let name = 'message';
          let id = null;
          const data = [];
          for (const row of block.split('\n')) {
            if (row.startsWith('event:')) {
              name = row.slice(6).trim();
            } else if (row.startsWith('id:')) {
              id = row.slice(3).trim();
            } else if (row.startsWith('data:')) {
              data.push(row.slice(5).replace(/^ /, ''));
            }
          }
          if (name === 'end') {
            return true;
          }
          if (data.length) {
            onEvent(name, JSON.parse(data.join('\n')));
            if (id !== null) {
              last = id;
            }
          }
        }
      }
      state.textContent = 'reconnecting…';
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    return false;
  };

  const row = (className, parts) => {
    const line = document.createElement('div');
    line.className = className;
    for (const [kind, text] of parts) {
      const part = document.createElement('span');
      part.className = kind;
      part.textContent = text;
      line.append(part, ' ');
    }
    return line;
  };

  // ---- a job's log, however long: its last page, then the lines that follow live (drawn once a
  // frame, the tail followed); earlier pages on request; while the tail is followed the page keeps
  // at most LOG_KEEP lines, so a log of a million lines costs the browser what one of LOG_KEEP does
  const LEVELS = ['debug', 'info', 'warn', 'error'];
  const LOG_KEEP = 2000;
  const followLog = async (element) => {
    const state = document.getElementById('log-state');
    const level = document.getElementById('log-level');
    const follow = document.getElementById('log-follow');
    const earlierRow = document.getElementById('log-earlier-row');
    const shown = (line) => LEVELS.indexOf(line.dataset.level) >= LEVELS.indexOf(level.value);
    level.addEventListener('change', () => element.querySelectorAll('.line').forEach((line) => { line.hidden = !shown(line); }));
    const firstShown = () => Number(element.firstElementChild?.dataset.seq || 1);
    const atEnd = () => { if (follow.checked) { element.scrollTop = element.scrollHeight; } };
    // a page of lines (the fragment comes escaped by the server), before a sequence number or the last
    const linesBefore = async (before) => {
      const response = await fetch(element.dataset.pages + (before ? '?before=' + before : ''),
        { headers: { Authorization: 'Bearer ' + credential() } });
      if (response.status === 401) {
        toSignIn('Your credential was refused (it expired, was revoked, or is not valid here).');
        throw new Error('refused');
      }
      if (!response.ok) {
        throw new Error('HTTP ' + response.status);
      }
      const template = document.createElement('template');
      template.innerHTML = await response.text();
      const part = template.content.firstElementChild;
      part.querySelectorAll('.line').forEach((line) => { line.hidden = !shown(line); });
      return part;
    };
    const showEarlier = () => { earlierRow.hidden = firstShown() <= 1; };
    // scrolling up to read stops following the tail; scrolling back down to the end follows it again
    // (a scroll that came with a change of the log's height is the page's own, not the person's)
    let seenHeight = element.scrollHeight;
    element.addEventListener('scroll', () => {
      if (element.scrollHeight === seenHeight) {
        follow.checked = element.scrollHeight - element.scrollTop - element.clientHeight < 4;
      }
      seenHeight = element.scrollHeight;
    });
    document.getElementById('log-earlier').addEventListener('click', async () => {
      follow.checked = false;
      try {
        const part = await linesBefore(firstShown());
        const height = element.scrollHeight;
        element.prepend(...part.children);
        element.scrollTop += element.scrollHeight - height;
        showEarlier();
      } catch (error) {
        if (error.message !== 'refused') {
          notice(error.message);
        }
      }
    });
    let last;
    try {
      const tail = await linesBefore(null);
      last = Number(tail.dataset.last);
      element.append(...tail.children);
    } catch (error) {
      if (error.message !== 'refused') {
        state.textContent = 'cannot be read (' + error.message + ')';
      }
      return;
    }
    showEarlier();
    atEnd();
    let arrived = [];
    const draw = () => {
      element.append(...arrived);
      arrived = [];
      if (follow.checked) {
        for (let extra = element.childElementCount - LOG_KEEP; extra > 0; extra--) {
          element.firstElementChild.remove();
        }
        showEarlier();
      }
      atEnd();
    };
    const ended = await readEvents(element.dataset.stream, state, (name, event) => {
      const line = row('line level-' + event.level, [['seq', String(event.seq)], ['attempt', '#' + event.attempt],
        ['time', event.timestamp], ['level', event.level], ['message', event.message]]);
      line.dataset.level = event.level;
      line.dataset.seq = String(event.seq);
      line.hidden = !shown(line);
      if (arrived.push(line) === 1) {
        requestAnimationFrame(draw);
      }
    }, last > 0 ? String(last) : null);
    if (ended) {
      state.textContent = 'the job is over: this is its whole log';
      refreshAll();
    }
  };

  // an event's time as the person's clock reads it (the day too, when not today); the exact
  // time in its title
  const clockTime = (iso) => {
    const then = new Date(iso);
    const time = document.createElement('time');
    time.dateTime = iso;
    time.title = iso;
    const today = then.toDateString() === new Date().toDateString();
    time.textContent = today ? then.toLocaleTimeString() : then.toLocaleString();
    return time;
  };

  // ---- the activity feed: the tenant's newest events, then each as it is numbered, newest on
  // top; the page keeps at most EVENTS_KEEP of them, however long it stays open
  const EVENTS_KEEP = 200;
  const followEvents = async (element) => {
    const state = document.getElementById('events-state');
    const show = (event) => {
      const data = event.data || {};
      const about = data.job ? (data.job.name || data.job.type) : data.runner ? data.runner.name
        : data.api_key ? data.api_key.name : data.webhook ? data.webhook.url : event.subject;
      const detail = data.reason || (data.job && data.job.status) || (data.runner && data.runner.status) || '';
      const line = row('event', [['time', ''], ['type', event.type], ['about', about], ['detail', detail]]);
      line.querySelector('.time').append(clockTime(event.time));
      if (data.job) {
        // a job's events lead to its page (its log, its attempts); the name stays text
        const link = document.createElement('a');
        link.href = '/ui/jobs/' + encodeURIComponent(data.job.id);
        link.append(line.querySelector('.about').firstChild);
        line.querySelector('.about').append(link);
      }
      element.prepend(line);
      while (element.childElementCount > EVENTS_KEEP) {
        element.lastElementChild.remove();
      }
    };
    let newest;
    try {
      const opening = await api('GET', '/ui/fragments/events');
      opening.events.forEach(show);
      newest = String(opening.next_after);
    } catch (error) {
      state.textContent = error.message;
      return;
    }
    readEvents(element.dataset.events, state, (name, event) => show(event), newest);
  };

  const refreshAll = () => document.querySelectorAll('[data-src][hx-get]').forEach((target) => window.htmx.trigger(target, 'refresh'));

  // ---- actions: buttons name the API call; the API decides
  document.addEventListener('click', async (event) => {
    const button = event.target.closest('button[data-action]');
    if (!button) {
      return;
    }
    if (button.dataset.confirm && !window.confirm(button.dataset.confirm)) {
      return;
    }
    button.disabled = true;
    try {
      const answer = await api(button.dataset.action, button.dataset.url, button.dataset.action === 'DELETE' ? undefined : {});
      if (button.dataset.shows === 'retry' && answer) {
        window.location.assign('/ui/jobs/' + answer.new_job_id);
        return;
      }
      if (button.dataset.shows === 'token' && answer) {
        const runnerId = button.closest('[data-runner]')?.dataset.runner;
        showOnce('The new token', answer.token, runnerId ? installLine(runnerId, answer.token) : null);
      }
      notice('');
      refreshAll();
    } catch (error) {
      if (error.message !== 'refused') {
        notice(error.message);
      }
    } finally {
      button.disabled = false;
    }
  });

  const addKey = document.getElementById('add-key');
  addKey?.addEventListener('submit', async (event) => {
    event.preventDefault();
    const form = new FormData(addKey);
    try {
      const answer = await api('POST', '/api/api-keys', { name: form.get('name'), scopes: form.getAll('scope') });
      showOnce('The key ' + answer.api_key.name, answer.key, null);
      addKey.reset();
      refreshAll();
    } catch (error) {
      if (error.message !== 'refused') {
        notice(error.message);
      }
    }
  });

  const addRunner = document.getElementById('add-runner');
  addRunner?.addEventListener('submit', async (event) => {
    event.preventDefault();
    const form = new FormData(addRunner);
    const labels = String(form.get('labels') || '').split(',').map((label) => label.trim()).filter(Boolean);
    try {
      const answer = await api('POST', '/api/runners', { name: form.get('name'), labels });
      showOnce('The token of ' + answer.runner.name, answer.runner.token, installLine(answer.runner.id, answer.runner.token));
      addRunner.reset();
      refreshAll();
    } catch (error) {
      if (error.message !== 'refused') {
        notice(error.message);
      }
    }
  });

  // ---- sign-in
  if (page === 'sign-in') {
    const reason = sessionStorage.getItem('paddock.sign-in-reason');
    if (reason) {
      const box = document.getElementById('sign-in-reason');
      box.textContent = reason;
      box.hidden = false;
      sessionStorage.removeItem('paddock.sign-in-reason');
    }
    const signIn = async (value) => {
      const response = await fetch('/api/me', { headers: { Authorization: 'Bearer ' + value } });
      if (!response.ok) {
        const box = document.getElementById('sign-in-reason');
        box.textContent = response.status === 401 ? 'That credential was refused: it is not valid, has expired or was revoked.'
          : 'That credential holds none of Paddock\'s scopes.';
        box.hidden = false;
        return;
      }
      sessionStorage.setItem(KEY, value);
      const back = sessionStorage.getItem('paddock.return-to');
      sessionStorage.removeItem('paddock.return-to');
      const scopes = (await response.json()).scopes || [];
      const fleet = scopes.includes('runners:read'); // the scopes come with the ones they imply
      const jobs = scopes.includes('jobs:read');
      // where it was going, else the fleet, else (one who may not see the fleet) the jobs
      window.location.assign(back && back.startsWith('/ui/') && !back.startsWith('/ui/sign-in') ? back
        : !fleet && jobs ? '/ui/jobs' : '/ui/');
    };
    document.getElementById('sign-in-form').addEventListener('submit', (event) => {
      event.preventDefault();
      signIn(document.getElementById('credential').value.trim());
    });
    const dev = document.getElementById('dev-sign-in-form');
    dev?.addEventListener('submit', async (event) => {
      event.preventDefault();
      const form = new FormData(dev);
      const response = await fetch('/dev/token', { method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ sub: form.get('sub'), tenant: form.get('tenant'), scope: form.get('scope') }) });
      signIn((await response.json()).token);
    });
    return;
  }

  // ---- every other page: signed in, or sent to sign in
  if (!credential()) {
    toSignIn(null);
    return;
  }
  document.getElementById('sign-out').addEventListener('click', () => {
    sessionStorage.removeItem(KEY);
    window.location.assign('/ui/sign-in');
  });
  api('GET', '/api/me').then((answer) => {
    me = answer;
    const who = document.getElementById('who');
    who.textContent = (me.kind === 'api_key' ? 'API key of ' : '') + me.subject + ' · ' + me.tenant;
    who.title = who.textContent;
    activate();
  }).catch((error) => {
    if (error.message !== 'refused') {
      notice(error.message);
    }
  });
})();
