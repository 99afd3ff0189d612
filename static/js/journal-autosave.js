// Autosave for the writing pages: nothing typed is lost to a dropped network, an expired session,
// a closed tab or a second tab.
//
// Every change is kept at once in this browser's localStorage (one record per writer and target:
// "held:<writer>:new" or "held:<writer>:entry:<id>"), and sent to the server as a sealed draft every
// few seconds and when the page is hidden. A record is "synced" once the server has exactly that text.
// On load, unsynced text that differs from what the page shows is put back, with a note.
(function () {
  "use strict";

  var PENDING_CLEAR = "held:pending-clear";
  var SAVE_EVERY_MS = 3000;
  var RETRY_MS = 10000;

  function storage(kind) {
    try {
      var store = window[kind];
      store.getItem("held:probe");
      return store;
    } catch (error) {
      return null; // private mode or storage switched off: the server draft still works
    }
  }
  var local = storage("localStorage");
  var session = storage("sessionStorage");

  // Signing out on a shared computer: forget the browser copies the server already has (synced ones).
  // Unsynced writing stays, under this writer's key only, so signing back in brings it back.
  document.querySelectorAll('form[action$="/accounts/logout/"]').forEach(function (logout) {
    logout.addEventListener("submit", function () {
      if (!local) return;
      for (var index = local.length - 1; index >= 0; index--) {
        var name = local.key(index);
        if (!name || name.indexOf("held:") !== 0) continue;
        try {
          var record = JSON.parse(local.getItem(name) || "null");
          if (record && record.synced) local.removeItem(name);
        } catch (error) { /* not ours */ }
      }
    });
  });

  // The entry page after a save: forget the browser's copy of what was just saved.
  if (document.querySelector("[data-journal-just-saved]") && local && session) {
    var savedKey = session.getItem(PENDING_CLEAR);
    if (savedKey) {
      local.removeItem(savedKey);
      session.removeItem(PENDING_CLEAR);
    }
  }

  var form = document.querySelector("form[data-journal-autosave]");
  if (!form) return;

  var key = form.dataset.storageKey;
  var autosaveUrl = form.dataset.autosaveUrl;
  var statusEl = document.querySelector("[data-journal-status]");
  var restoredNote = document.querySelector("[data-journal-restored]");
  var isNewEntry = form.dataset.composeKind === "new";
  var field = function (name) { return form.elements.namedItem(name); };

  var dirty = false;
  var inFlight = false;
  var submitting = false;
  var timer = null;

  // --- reading and writing the form -----------------------------------------------------------

  function valueOf(name) {
    var control = field(name);
    if (!control) return "";
    if (control instanceof RadioNodeList) return control.value || "";
    return control.value || "";
  }

  function snapshot() {
    var feelings = [];
    form.querySelectorAll('input[name="feelings"]').forEach(function (box) {
      if (box.type === "hidden" || box.checked) feelings.push(box.value);
    });
    return {
      title: valueOf("title"),
      body: valueOf("body"),
      entry_date: valueOf("entry_date"),
      mood: valueOf("mood"),
      feelings: feelings,
      tags: valueOf("tags"),
      prompt: valueOf("prompt"),
      version: valueOf("version"),
      draft: valueOf("draft"),
    };
  }

  // What the writer wrote, without the bookkeeping (draft id, version).
  function content(record) {
    return JSON.stringify([record.title, record.body, record.entry_date, record.mood,
      (record.feelings || []).slice().sort(), record.tags, record.prompt]);
  }

  function hasWords(record) {
    return Boolean((record.title || "").trim() || (record.body || "").trim());
  }

  function setValue(name, value) {
    var control = field(name);
    if (!control || value === undefined || value === null) return;
    if (control instanceof RadioNodeList) {
      Array.prototype.forEach.call(control, function (radio) {
        if (radio.type === "radio") radio.checked = radio.value === String(value);
      });
      return;
    }
    control.value = value;
  }

  function apply(record) {
    ["title", "body", "entry_date", "mood", "tags", "prompt", "version", "draft"].forEach(function (name) {
      setValue(name, record[name]);
    });
    var chosen = record.feelings || [];
    form.querySelectorAll('input[type="checkbox"][name="feelings"]').forEach(function (box) {
      box.checked = chosen.indexOf(box.value) !== -1;
    });
    form.dispatchEvent(new CustomEvent("journal:restored", { detail: record }));
  }

  function readLocal() {
    if (!local) return null;
    try { return JSON.parse(local.getItem(key) || "null"); } catch (error) { return null; }
  }

  function keepLocally(synced) {
    if (!local) return;
    var record = snapshot();
    record.synced = synced;
    record.changedAt = Date.now();
    try { local.setItem(key, JSON.stringify(record)); } catch (error) { /* storage full: server draft only */ }
  }

  // --- status line ------------------------------------------------------------------------------

  function setStatus(text, linkText, linkHref) {
    if (!statusEl) return;
    // The status is a live region: rewriting the same words would be read out again every few seconds.
    var wanted = text + (linkText || "");
    if (statusEl.dataset.shown === wanted) return;
    statusEl.dataset.shown = wanted;
    statusEl.textContent = text;
    if (linkText) {
      var link = document.createElement("a");
      link.href = linkHref;
      link.textContent = linkText;
      statusEl.appendChild(document.createTextNode(" "));
      statusEl.appendChild(link);
    }
  }

  function loginHref() {
    var next = window.location.pathname + window.location.search;
    return form.dataset.loginUrl + "?next=" + encodeURIComponent(next);
  }

  // --- talking to the server --------------------------------------------------------------------

  function csrfToken() {
    // The cookie is fresher than the form after signing in again in another tab.
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    var input = form.querySelector('input[name="csrfmiddlewaretoken"]');
    return input ? input.value : "";
  }

  function payload(record) {
    var params = new URLSearchParams();
    ["title", "body", "entry_date", "mood", "tags", "prompt", "version", "draft"].forEach(function (name) {
      params.append(name, record[name] || "");
    });
    (record.feelings || []).forEach(function (word) { params.append("feelings", word); });
    var entry = field("entry");
    if (entry) params.append("entry", entry.value);
    params.append("csrfmiddlewaretoken", csrfToken());
    return params;
  }

  function request(record, keepalive) {
    return fetch(autosaveUrl, {
      method: "POST",
      body: payload(record),
      credentials: "same-origin",
      keepalive: Boolean(keepalive),
      headers: { "X-CSRFToken": csrfToken(), "Accept": "application/json" },
    });
  }

  function rememberDraftInUrl(draftId) {
    if (!isNewEntry || !window.history.replaceState) return;
    var url = new URL(window.location.href);
    if (url.searchParams.get("draft") === String(draftId)) return;
    url.searchParams.set("draft", draftId);
    window.history.replaceState(window.history.state, "", url.toString());
  }

  function scheduleRetry() {
    window.clearTimeout(timer);
    timer = window.setTimeout(save, RETRY_MS);
  }

  function save() {
    timer = null;
    if (!dirty || inFlight || submitting) return;
    var record = snapshot();
    // An empty page is not worth a draft; a draft that exists is kept up to date even when emptied.
    if (!record.draft && !hasWords(record)) { dirty = false; return; }
    dirty = false;
    inFlight = true;
    request(record, false).then(function (response) {
      if (response.ok) {
        return response.json().then(function (data) {
          setValue("draft", data.draft);
          rememberDraftInUrl(data.draft);
          if (!dirty) keepLocally(true);
          setStatus("Saved " + data.saved_at);
        });
      }
      dirty = true;
      if (response.status === 401) {
        setStatus("You've been signed out. Your writing is kept in this browser.", "Sign in to keep going", loginHref());
        return;
      }
      if (response.status === 410) {
        // The draft was saved or discarded elsewhere: keep this writing as a new draft.
        setValue("draft", "");
        timer = window.setTimeout(save, 0);
        return;
      }
      if (response.status === 413) {
        setStatus("This is too long to keep on the server. It is kept in this browser; split it into two entries.");
        return;
      }
      setStatus("Not saved to Held yet. Your writing is kept in this browser.");
      scheduleRetry();
    }).catch(function () {
      dirty = true;
      setStatus("You seem to be offline. Your writing is kept in this browser and will be saved when you're back.");
      scheduleRetry();
    }).finally(function () {
      inFlight = false;
      if (dirty && !timer) timer = window.setTimeout(save, SAVE_EVERY_MS);
    });
  }

  function changed() {
    dirty = true;
    keepLocally(false);
    if (!timer) timer = window.setTimeout(save, SAVE_EVERY_MS);
  }

  // Leaving the page (tab closed, app switched, navigation): one last save that outlives the page.
  function flushOnLeave() {
    if (!dirty || submitting) return;
    keepLocally(false);
    var record = snapshot();
    if (!record.draft && !hasWords(record)) return;
    try {
      request(record, true).catch(function () {});
    } catch (error) {
      // keepalive bodies are capped (64 KiB); the browser copy still has everything.
    }
  }

  // --- restoring what the server has not seen ------------------------------------------------------

  function restoreFromBrowser() {
    var saved = readLocal();
    if (!saved || saved.synced || !hasWords(saved)) return;
    var shown = snapshot();
    if (content(saved) === content(shown)) return;
    // A resumed draft only takes back its own text; a fresh page takes whatever was left unsaved.
    // Unsaved text of some other draft is sent to the server before this page takes over the record.
    if (shown.draft && String(saved.draft || "") !== String(shown.draft)) {
      keepElsewhere(saved);
      return;
    }
    apply(saved);
    if (restoredNote) restoredNote.hidden = false;
    setStatus("Restored from this browser; saving…");
    dirty = true;
    timer = window.setTimeout(save, 0);
  }

  function keepElsewhere(record) {
    request(record, false).then(function (response) {
      if (response.status === 410) {
        record.draft = "";
        return request(record, false);
      }
      return response;
    }).catch(function () {});
  }

  function setAside() {
    // Keep the restored writing as a server draft, then show a blank page (or the saved entry).
    var record = snapshot();
    var button = document.querySelector("[data-journal-set-aside]");
    if (button) button.disabled = true;
    request(record, false).then(function (response) {
      if (!response.ok) throw new Error("not kept");
      if (local) local.removeItem(key);
      var url = new URL(window.location.href);
      url.searchParams.delete("draft");
      window.location.assign(url.toString());
    }).catch(function () {
      if (button) button.disabled = false;
      setStatus("Couldn't reach Held, so your writing stays here for now.");
    });
  }

  // --- wiring ---------------------------------------------------------------------------------------

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("journal:changed", changed);
  form.addEventListener("submit", function () {
    submitting = true;
    window.clearTimeout(timer);
    keepLocally(false);
    // If the save goes through, the entry page clears this record (see the top of this file).
    if (session) session.setItem(PENDING_CLEAR, key);
  });
  window.addEventListener("pagehide", flushOnLeave);
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) submitting = false; // back from the next page: this one is live again
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") flushOnLeave();
  });
  window.addEventListener("online", function () {
    if (dirty) { window.clearTimeout(timer); timer = window.setTimeout(save, 0); }
  });
  var setAsideButton = document.querySelector("[data-journal-set-aside]");
  if (setAsideButton) setAsideButton.addEventListener("click", setAside);

  restoreFromBrowser();
})();
