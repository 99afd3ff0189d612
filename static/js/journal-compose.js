// The writing page's small helpers: shuffle or dismiss the offered prompt, suggest the writer's own
// tags, and point out a new tag that is probably a near-duplicate of an existing one ("familly").
(function () {
  "use strict";

  var form = document.querySelector("form[data-journal-autosave]");
  if (!form) return;

  function readJson(id) {
    var element = document.getElementById(id);
    if (!element) return [];
    try { return JSON.parse(element.textContent); } catch (error) { return []; }
  }

  function changed() { form.dispatchEvent(new CustomEvent("journal:changed")); }

  // --- prompt ---------------------------------------------------------------------------------------

  var library = readJson("journal-prompt-library");
  var promptInput = form.elements.namedItem("prompt");
  var promptBox = document.querySelector("[data-journal-prompt]");
  var promptText = document.querySelector("[data-journal-prompt-text]");
  var promptActions = document.querySelector("[data-journal-prompt-actions]");
  var promptShow = document.querySelector("[data-journal-prompt-show]");

  function showPrompt(text) {
    if (!promptBox || !promptInput) return;
    promptInput.value = text;
    promptText.textContent = text;
    promptBox.hidden = !text;
    if (promptShow) promptShow.hidden = Boolean(text);
  }

  function shuffle() {
    if (!library.length) return;
    var current = promptInput.value;
    var choices = library.filter(function (prompt) { return prompt !== current; });
    // Not security-sensitive: any prompt will do.
    showPrompt(choices[Math.floor(Math.random() * choices.length)] || current);
    changed();
  }

  if (promptBox && promptInput) {
    if (promptActions) promptActions.hidden = false;
    if (promptShow) promptShow.hidden = Boolean(promptInput.value);
    document.querySelectorAll("[data-journal-prompt-shuffle]").forEach(function (button) {
      button.addEventListener("click", shuffle);
    });
    var dismiss = document.querySelector("[data-journal-prompt-dismiss]");
    if (dismiss) {
      dismiss.addEventListener("click", function () {
        showPrompt("");
        changed();
        var body = form.elements.namedItem("body");
        if (body) body.focus();
      });
    }
    form.addEventListener("journal:restored", function () { showPrompt(promptInput.value); });
  }

  // --- tags -----------------------------------------------------------------------------------------

  var writerTags = readJson("journal-writer-tags");
  var tagsInput = form.elements.namedItem("tags");
  var hint = document.querySelector("[data-journal-tag-hint]");
  var suggestions = document.querySelector("[data-journal-tag-suggestions]");
  if (!tagsInput || !tagsInput.type || tagsInput.type !== "text") return;

  function namesIn(value) {
    return value.split(",").map(function (part) { return part.replace(/^#+/, "").trim(); })
      .filter(function (name) { return name; });
  }

  function fold(name) { return name.toLocaleLowerCase(); }

  function distance(a, b) {
    // Levenshtein, small strings only.
    var previous = [];
    for (var j = 0; j <= b.length; j++) previous.push(j);
    for (var i = 1; i <= a.length; i++) {
      var current = [i];
      for (var k = 1; k <= b.length; k++) {
        var cost = a[i - 1] === b[k - 1] ? 0 : 1;
        current.push(Math.min(previous[k] + 1, current[k - 1] + 1, previous[k - 1] + cost));
      }
      previous = current;
    }
    return previous[b.length];
  }

  // Mirrors journal/tags.py close_existing_tag: plurals first, then a small edit distance.
  function closeExisting(name) {
    var key = fold(name);
    var known = {};
    writerTags.forEach(function (tag) { known[fold(tag)] = tag; });
    if (known[key] !== undefined) return null;
    var variants = [key + "s", key.replace(/s$/, ""), key + "es", key.replace(/es$/, "")];
    for (var v = 0; v < variants.length; v++) {
      if (variants[v] !== key && known[variants[v]] !== undefined) return known[variants[v]];
    }
    var best = null;
    var bestDistance = Infinity;
    Object.keys(known).forEach(function (candidate) {
      var allowed = Math.max(1, Math.floor(Math.max(candidate.length, key.length) / 5));
      var d = distance(key, candidate);
      if (d <= allowed && d < bestDistance) { best = known[candidate]; bestDistance = d; }
    });
    return best;
  }

  function replaceName(oldName, newName) {
    var names = namesIn(tagsInput.value).map(function (name) { return name === oldName ? newName : name; });
    tagsInput.value = names.join(", ");
    update();
    changed();
  }

  function updateHint() {
    if (!hint) return;
    hint.textContent = "";
    var names = namesIn(tagsInput.value);
    for (var i = 0; i < names.length; i++) {
      var close = closeExisting(names[i]);
      if (close) {
        hint.appendChild(document.createTextNode("“" + names[i] + "” would be a new tag. Did you mean “" + close + "”? "));
        var use = document.createElement("button");
        use.type = "button";
        use.className = "link-button";
        use.textContent = "Use “" + close + "”";
        use.addEventListener("click", replaceName.bind(null, names[i], close));
        hint.appendChild(use);
        return;
      }
    }
  }

  function updateSuggestions() {
    if (!suggestions) return;
    suggestions.querySelectorAll("button").forEach(function (button) { button.remove(); });
    var parts = tagsInput.value.split(",");
    var typing = fold(parts[parts.length - 1].replace(/^#+/, "").trim());
    var chosen = namesIn(tagsInput.value).map(fold);
    var matches = writerTags.filter(function (tag) {
      var folded = fold(tag);
      return chosen.indexOf(folded) === -1 && (!typing || folded.indexOf(typing) !== -1);
    }).slice(0, 8);
    matches.forEach(function (tag) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = tag;
      button.setAttribute("aria-label", "Add tag " + tag);
      button.addEventListener("click", function () {
        var kept = tagsInput.value.split(",");
        if (typing) kept.pop();
        var names = namesIn(kept.join(","));
        names.push(tag);
        tagsInput.value = names.join(", ") + ", ";
        update();
        changed();
        tagsInput.focus();
      });
      suggestions.appendChild(button);
    });
    suggestions.hidden = matches.length === 0;
  }

  function update() {
    updateHint();
    updateSuggestions();
  }

  tagsInput.addEventListener("input", update);
  form.addEventListener("journal:restored", update);
  update();
})();
